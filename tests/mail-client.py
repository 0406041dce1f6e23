#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# What a user's mail client sees, for tests/test-mailbox.sh and
# tests/test-lists.sh: one command, one line of output, exit 0 when it found
# what it looked for.
#
#   mail-client.py imap USER PASSWORD SUBJECT [MAILBOX]   the message is there (IMAP)
#   mail-client.py pop USER PASSWORD SUBJECT              the message is there (POP3)
#   mail-client.py quota USER PASSWORD                    "USED LIMIT" of INBOX's root
#   mail-client.py port PORT                              something listens on 127.0.0.1:PORT
#
# Everything on 127.0.0.1, in clear text (Dovecot allows it from the
# loopback address).

import imaplib
import poplib
import re
import socket
import sys

HOST = '127.0.0.1'


def subjects_imap(user, password, mailbox):
    conn = imaplib.IMAP4(HOST, timeout=10)
    try:
        conn.login(user, password)
        status, _ = conn.select('"%s"' % mailbox, readonly=True)
        if status != 'OK':
            return []
        status, data = conn.fetch('1:*', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
        if status != 'OK':
            return []
        return [part[1].decode('utf-8', 'replace').strip()
                for part in data if isinstance(part, tuple)]
    finally:
        conn.logout()


def subjects_pop(user, password):
    conn = poplib.POP3(HOST, timeout=10)
    try:
        conn.user(user)
        conn.pass_(password)
        found = []
        count, _ = conn.stat()
        for i in range(1, count + 1):
            _, lines, _ = conn.top(i, 0)
            for line in lines:
                if line.lower().startswith(b'subject:'):
                    found.append(line.decode('utf-8', 'replace').strip())
        return found
    finally:
        conn.quit()


def quota(user, password):
    conn = imaplib.IMAP4(HOST, timeout=10)
    try:
        conn.login(user, password)
        status, data = conn.getquotaroot('INBOX')
        for item in data:
            for line in item if isinstance(item, list) else [item]:
                text = line.decode() if isinstance(line, bytes) else str(line)
                m = re.search(r'STORAGE (\d+) (\d+)', text)
                if m:
                    return m.group(1) + ' ' + m.group(2)
        return 'none'
    finally:
        conn.logout()


def main():
    what = sys.argv[1]
    try:
        if what == 'port':
            with socket.create_connection((HOST, int(sys.argv[2])), timeout=5):
                print('open')
                return 0
        if what == 'quota':
            print(quota(sys.argv[2], sys.argv[3]))
            return 0
        user, password, subject = sys.argv[2:5]
        if what == 'imap':
            mailbox = sys.argv[5] if len(sys.argv) > 5 else 'INBOX'
            found = subjects_imap(user, password, mailbox)
        else:
            found = subjects_pop(user, password)
        print(' | '.join(found) if found else 'empty')
        return 0 if ('Subject: ' + subject) in found else 1
    except (OSError, imaplib.IMAP4.error, poplib.error_proto) as e:
        print('%s: %s' % (type(e).__name__, e))
        return 2


sys.exit(main())
