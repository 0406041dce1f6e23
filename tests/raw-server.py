#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Servers that accept TCP connections but are no SMTP gateway, for the
connection test's failures (tests/test-probe.sh):

    /usr/bin/python3 tests/raw-server.py --mode silent|garbage|drip
        [--host 127.0.0.2] [--port PORT] [--interval SECONDS]

- silent: accepts every connection and never sends a byte (a gateway that
  hangs, a firewall that answers for it);
- garbage: sends one line that is no SMTP reply, then nothing;
- drip: answers a session without TLS nor login (greeting, EHLO, QUIT),
  each reply --interval seconds (default 1.5) after the command before it:
  in time for a limit per reply, never for one on the whole test.

Connections stay open until the client closes them or the server stops.
Prints "ready HOST PORT" on standard output once it listens (--port 0, the
default, lets the system choose); stops on SIGTERM or SIGINT (exit 0).
"""

import argparse
import signal
import socket
import sys
import threading
import time

GARBAGE = b'hello, this is no SMTP server\r\n'
DRIP_REPLIES = [b'220 drip.messagerie.test ESMTP\r\n', b'250 drip.messagerie.test\r\n', b'221 bye\r\n']


def drip(connection, interval):
    """Each reply late, but in time: the greeting, then one per line read."""
    try:
        pending = b''
        for i, reply in enumerate(DRIP_REPLIES):
            if i > 0:
                while b'\n' not in pending:
                    data = connection.recv(4096)
                    if not data:
                        return
                    pending += data
                pending = pending.split(b'\n', 1)[1]
            time.sleep(interval)
            connection.sendall(reply)
    except OSError:
        pass


def main():
    p = argparse.ArgumentParser(description='TCP servers that are no SMTP gateway')
    p.add_argument('--mode', choices=['silent', 'garbage', 'drip'], required=True)
    p.add_argument('--host', default='127.0.0.2')
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--interval', type=float, default=1.5)
    args = p.parse_args()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(0))

    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((args.host, args.port))
    listener.listen(16)
    host, port = listener.getsockname()[:2]
    print(f'ready {host} {port}', flush=True)

    # Kept, so that nothing closes them before the client does.
    connections = []
    while True:
        connection, _ = listener.accept()
        if args.mode == 'drip':
            threading.Thread(target=drip, args=(connection, args.interval), daemon=True).start()
        elif args.mode == 'garbage':
            try:
                connection.sendall(GARBAGE)
            except OSError:
                pass
        connections.append(connection)


if __name__ == '__main__':
    sys.exit(main())
