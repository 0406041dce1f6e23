#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""French typography in the translations of a .po file (tests/check-po.sh).

Every msgstr but the header and keyword lists (";"-separated, no space):
- the typographic apostrophe ’, never the straight one;
- a narrow no-break space (U+202F) before « : ; ? ! » used as punctuation
  (followed by a space, the end or a closing sign; "a:b" and "://" are not);
- a narrow no-break space inside « »;
- times as « 8 h 51 » (no %H:%M);
- the seed's slips not carried over: « Relais » (not « Relai »),
  « courriers électroniques système » (not « systèmes »).

Prints one line per fault, "LINE: rule: text"; exits 1 when there is one.
"""

import re
import sys

NNBSP = '\u202f'
RULES = [
    ('straight apostrophe', re.compile(r"'")),
    ('no narrow no-break space before punctuation',
     re.compile(r'(?:^|[^' + NNBSP + r'])[:;?!](?=[ \xa0]|$|\n|»|\))')),
    ('no narrow no-break space after «', re.compile(r'«(?!' + NNBSP + ')')),
    ('no narrow no-break space before »', re.compile(r'(?<!' + NNBSP + ')»')),
    ('a time as %H:%M, not « 8 h 51 »', re.compile(r'%-?H:%M')),
    ('« Relai » for « Relais »', re.compile(r'\bRelai\b')),
    ('« systèmes » after « électroniques »', re.compile(r'électroniques systèmes')),
]


def unquote(lines):
    return ''.join(re.findall(r'"(.*)"', ''.join(lines))).replace('\\n', '\n').replace('\\"', '"')


def entries(path):
    """(line of the msgstr, msgid, msgstr) for each entry."""
    msgid, msgstr, where, current = [], [], 0, None
    with open(path, encoding='utf-8') as po:
        for number, line in enumerate(po, 1):
            if line.startswith('msgid '):
                if current == 'msgstr':
                    yield where, unquote(msgid), unquote(msgstr)
                msgid, msgstr, current = [line[6:]], [], 'msgid'
            elif line.startswith('msgstr '):
                msgstr, where, current = [line[7:]], number, 'msgstr'
            elif line.startswith('"') and current == 'msgid':
                msgid.append(line)
            elif line.startswith('"') and current == 'msgstr':
                msgstr.append(line)
            elif line.startswith('#~'):
                current = None
    if current == 'msgstr':
        yield where, unquote(msgid), unquote(msgstr)


faults = 0
for where, msgid, msgstr in entries(sys.argv[1]):
    if not msgid or (';' in msgid and ' ' not in msgid):
        continue
    for name, rule in RULES:
        if rule.search(msgstr):
            print(f'{sys.argv[1]}:{where}: {name}: {msgstr}')
            faults += 1
sys.exit(1 if faults else 0)
