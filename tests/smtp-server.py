#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A real SMTP server for the delivery tests: the gateway exim relays to.

Debian 12's aiosmtpd 1.4.3 (python3-aiosmtpd), run with /usr/bin/python3
(another python3 on the PATH may not see Debian's packages):

    /usr/bin/python3 tests/smtp-server.py --outdir DIR [--host 127.0.0.2]
        [--port PORT] [--mode plain|starttls|smtps] [--cert PEM --key PEM]
        [--user USER --password PASSWORD [--auth-mechanisms MECH,...]]
        [--reject-recipient ADDRESS] [--reject-sender ADDRESS] [--defer-all]

- plain: no TLS at all; starttls: STARTTLS offered; smtps: TLS from the
  first byte (implicit TLS). starttls and smtps need --cert and --key.
- With --user and --password, AUTH PLAIN and AUTH LOGIN are offered and
  required before MAIL (auth_required); only that login and password pass.
  Without them, no AUTH is offered (aiosmtpd would offer its built-in
  mechanisms and refuse every login).
  With --auth-mechanisms LOGIN, only AUTH LOGIN is offered.
- With --defer-all, every RCPT TO is answered "451 4.3.0 <ADDRESS>: try
  again later (test gateway)" (a gateway that defers: exim queues).
- With --reject-sender ADDRESS, MAIL FROM that address is answered
  "553 5.7.1 <ADDRESS>: sender refused by the test gateway" (a gateway
  that takes only its own domain's senders: the connection test's sender
  check must report it).
- With --reject-recipient ADDRESS, RCPT TO that address is answered
  "550 5.1.1 <ADDRESS>: recipient refused by the test gateway" (a gateway
  that refuses a recipient: messagerie-helper test-mail must report it).
- Every message received is written to DIR as msg-N.json (atomically: a
  reader never sees half a file): the envelope (mail_from, rcpt_tos, the
  MAIL parameters), the login the client authenticated with (null when it
  did not), the TLS of the session ("none", "starttls" or "implicit", with
  the protocol version and cipher), the peer, and the message itself
  ("data", decoded as UTF-8 with undecodable bytes escaped).
- Prints "ready HOST PORT" on standard output once it listens (--port 0,
  the default, lets the system choose a free port: read it from that line),
  then logs the SMTP dialogue to standard error.
- Stops cleanly on SIGTERM or SIGINT (exit 0).

Two quirks of aiosmtpd 1.4.3 are handled here (TESTING.md):
- it rejects a MAIL FROM parameter it does not know with 555, and exim
  sends "AUTH=<...>" there once authenticated: the parameter is recorded,
  then dropped before aiosmtpd parses the command;
- under implicit TLS it does not count the session as encrypted (it only
  knows its own STARTTLS), so it would refuse AUTH with "538 Encryption
  required": auth_require_tls is off in smtps mode, where every byte is
  encrypted anyway. In plain mode it is off too, so that a client can
  authenticate in clear text (the TLS "no" case); in starttls mode AUTH is
  only offered after STARTTLS.
"""

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword, syntax

log = logging.getLogger('smtp-server')

AUTH_PARAM = re.compile(r'\s+AUTH=\S*', re.IGNORECASE)


class TestSMTP(SMTP):
    """aiosmtpd's SMTP with the two quirks above worked around."""

    def connection_made(self, transport):
        # The first call gets the connection's transport: under implicit TLS
        # it is already the TLS one. (The call after STARTTLS passes the
        # new TLS transport too: keep the first verdict, "starttls" is
        # recognised from _tls_protocol.)
        if not hasattr(self, 'implicit_tls'):
            self.implicit_tls = transport.get_extra_info('ssl_object') is not None
        super().connection_made(transport)

    def tls_state(self):
        """("none" | "starttls" | "implicit", version, cipher)"""
        if self.implicit_tls:
            kind = 'implicit'
        elif self._tls_protocol is not None:
            kind = 'starttls'
        else:
            return 'none', None, None
        ssl_object = self.transport.get_extra_info('ssl_object')
        if ssl_object is None:
            return kind, None, None
        cipher = ssl_object.cipher()
        return kind, ssl_object.version(), cipher[0] if cipher else None

    @syntax('MAIL FROM: <address>', extended=' [SP <mail-parameters>]')
    async def smtp_MAIL(self, arg):
        if arg:
            params = AUTH_PARAM.findall(arg)
            if params:
                self.auth_params = [p.strip() for p in params]
                log.info('dropping the MAIL FROM parameter(s) %s (aiosmtpd 1.4.3 '
                         'would answer 555)', ' '.join(self.auth_params))
                arg = AUTH_PARAM.sub('', arg)
        return await super().smtp_MAIL(arg)


class Handler:
    def __init__(self, outdir, offer_auth=True, reject_recipient=None, reject_sender=None,
                 defer_all=False):
        self.outdir = outdir
        self.count = 0
        self.offer_auth = offer_auth
        self.reject_recipient = reject_recipient
        self.reject_sender = reject_sender
        self.defer_all = defer_all

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # This form of the hook sets the name itself.
        session.host_name = hostname
        if not self.offer_auth:
            responses = [r for r in responses if not r.startswith('250-AUTH')]
        return responses

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.reject_sender is not None and address.lower() == self.reject_sender.lower():
            log.info('refusing the sender %s', address)
            return f'553 5.7.1 <{address}>: sender refused by the test gateway'
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return '250 OK'

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.defer_all:
            log.info('deferring the recipient %s', address)
            return f'451 4.3.0 <{address}>: try again later (test gateway)'
        if self.reject_recipient is not None and address.lower() == self.reject_recipient.lower():
            log.info('refusing the recipient %s', address)
            return f'550 5.1.1 <{address}>: recipient refused by the test gateway'
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return '250 OK'

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        kind, version, cipher = server.tls_state()
        login = None
        if session.authenticated and isinstance(session.auth_data, LoginPassword):
            login = session.auth_data.login.decode('utf-8', 'backslashreplace')
        content = envelope.original_content or envelope.content or b''
        if isinstance(content, str):
            content = content.encode('utf-8', 'surrogateescape')
        record = {
            'number': self.count,
            'peer': list(session.peer) if session.peer else None,
            'helo': session.host_name,
            'login': login,
            'tls': kind,
            'tls_version': version,
            'tls_cipher': cipher,
            'mail_from': envelope.mail_from,
            'mail_options': envelope.mail_options,
            'dropped_mail_params': getattr(server, 'auth_params', []),
            'rcpt_tos': envelope.rcpt_tos,
            'data': content.decode('utf-8', 'backslashreplace'),
        }
        name = os.path.join(self.outdir, f'msg-{self.count}.json')
        tmp = name + '.tmp'
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(record, f, ensure_ascii=False, indent=1)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, name)
        log.info('message %d from %s to %s, login %r, TLS %s: %s',
                 self.count, envelope.mail_from, ', '.join(envelope.rcpt_tos),
                 login, kind, name)
        return f'250 OK queued as test-{self.count}'


def make_authenticator(user, password):
    want_user = user.encode('utf-8')
    want_password = password.encode('utf-8')

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == want_user
              and auth_data.password == want_password)
        log.info('AUTH %s as %r: %s', mechanism,
                 getattr(auth_data, 'login', b'?').decode('utf-8', 'backslashreplace'),
                 'accepted' if ok else 'refused')
        # handled=False: aiosmtpd answers 535 itself on failure.
        return AuthResult(success=ok, handled=False,
                          auth_data=auth_data if ok else None)

    return authenticator


def parse_args():
    p = argparse.ArgumentParser(description='SMTP test server (aiosmtpd 1.4.3)')
    p.add_argument('--host', default='127.0.0.2')
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--mode', choices=['plain', 'starttls', 'smtps'], default='plain')
    p.add_argument('--cert')
    p.add_argument('--key')
    p.add_argument('--user')
    p.add_argument('--password')
    p.add_argument('--hostname', default='smtp.messagerie.test',
                   help='name in the greeting and EHLO (avoids a DNS lookup)')
    p.add_argument('--auth-mechanisms', metavar='MECH,...',
                   help='offer only these AUTH mechanisms (default: PLAIN and LOGIN)')
    p.add_argument('--defer-all', action='store_true',
                   help='answer 451 to every RCPT TO')
    p.add_argument('--reject-sender', metavar='ADDRESS',
                   help='answer MAIL FROM this address with 553')
    p.add_argument('--reject-recipient', metavar='ADDRESS',
                   help='answer 550 to RCPT TO this address')
    p.add_argument('--outdir', required=True)
    args = p.parse_args()
    if args.mode != 'plain' and not (args.cert and args.key):
        p.error(f'--mode {args.mode} needs --cert and --key')
    if (args.user is None) != (args.password is None):
        p.error('--user and --password go together')
    if args.auth_mechanisms and args.user is None:
        p.error('--auth-mechanisms needs --user and --password')
    return args


async def serve(args):
    tls_context = None
    if args.cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.cert, args.key)

    handler = Handler(args.outdir, offer_auth=args.user is not None,
                      reject_recipient=args.reject_recipient,
                      reject_sender=args.reject_sender,
                      defer_all=args.defer_all)
    smtp_kwargs = {
        'hostname': args.hostname,
        'ident': 'messagerie test gateway',
        # STARTTLS is offered only in starttls mode.
        'tls_context': tls_context if args.mode == 'starttls' else None,
        # See the module's docstring: AUTH in clear text (plain) and under
        # implicit TLS (smtps) needs this off.
        'auth_require_tls': args.mode == 'starttls',
    }
    if args.user is not None:
        smtp_kwargs['authenticator'] = make_authenticator(args.user, args.password)
        smtp_kwargs['auth_required'] = True
        if args.auth_mechanisms:
            wanted = {m.strip().upper() for m in args.auth_mechanisms.split(',')}
            smtp_kwargs['auth_exclude_mechanism'] = [m for m in ('PLAIN', 'LOGIN')
                                                     if m not in wanted]

    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: TestSMTP(handler, **smtp_kwargs),
        host=args.host, port=args.port,
        ssl=tls_context if args.mode == 'smtps' else None,
        reuse_address=True)

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    host, port = server.sockets[0].getsockname()[:2]
    print(f'ready {host} {port}', flush=True)
    log.info('listening on %s:%d, mode %s, AUTH %s', host, port, args.mode,
             'required' if args.user is not None else 'off')

    await stop.wait()
    log.info('stopping (%d message(s) received)', handler.count)
    server.close()
    await server.wait_closed()


def main():
    args = parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.INFO,
                        format='%(asctime)s %(name)s: %(message)s')
    # aiosmtpd warns that AUTH without TLS is insecure: that is the point of
    # the plain case.
    logging.getLogger('mail.log').setLevel(logging.INFO)
    import warnings
    warnings.simplefilter('ignore')
    os.makedirs(args.outdir, exist_ok=True)
    asyncio.run(serve(args))
    return 0


if __name__ == '__main__':
    sys.exit(main())
