#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The window as a screen reader meets it (suite ui, through run-ui.sh): the
# real application on a copy of the demo, in French, with GTK's
# accessibility on (GTK_A11Y unset), read through AT-SPI (pyatspi's Atspi)
# and driven with the keyboard only (xdotool), as Orca's user would. TAP.
#
#   test-atspi.py MESSAGERIE SOURCE_ROOT
#
# Every page (Alt+1..4) is tabbed through, a whole turn of the window, and
# Services, Envoi and Relais again in expert mode: each
# Tab stop must have a name (not a GType name, no mnemonic marker, not the
# same words twice), be reported focused (the focused state and a focus
# event), and every control shown that takes the focus must be one of the
# stops. An invalid field must expose the invalid state and its message as
# its description, Apply's sensitivity must follow, a warning must wait for
# the typing to pause. The main menu, the close dialog, the review of what
# Apply changes, the restore question and the detect dialog are tabbed
# through the same way.

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# The daemons the session bus starts write to its standard output, and
# at-spi2-registryd says there that it runs: in a session bus of our own
# whose output goes to standard error, the TAP stream keeps to itself (on
# the descriptor given after --tap-fd).
if len(sys.argv) > 2 and sys.argv[1] == '--tap-fd':
    sys.stdout = os.fdopen(int(sys.argv[2]), 'w')
    del sys.argv[1:3]
elif shutil.which('dbus-run-session') is not None:
    tap = os.dup(1)
    os.dup2(2, 1)
    sys.exit(subprocess.run(['dbus-run-session', '--', sys.executable, os.path.abspath(__file__),
                             '--tap-fd', str(tap)] + sys.argv[1:], pass_fds=(tap,)).returncode)

try:
    import gi
    gi.require_version('Atspi', '2.0')
    from gi.repository import Atspi, GLib
except (ImportError, ValueError) as error:
    print('1..0 # SKIP needs python3-pyatspi (gir1.2-atspi-2.0): %s' % error)
    sys.exit(0)

if shutil.which('xdotool') is None:
    print('1..0 # SKIP needs xdotool')
    sys.exit(0)
if os.environ.get('GTK_A11Y') == 'none':
    # The suite's environment turns accessibility off for the other tests.
    del os.environ['GTK_A11Y']

messagerie, source = sys.argv[1], sys.argv[2]
S = Atspi.StateType

# ---------------------------------------------------------------- TAP

count = 0
failed = 0


def ok(passed, name, details=()):
    global count, failed
    count += 1
    if not passed:
        failed += 1
    print('%s %d - %s' % ('ok' if passed else 'not ok', count, name))
    for line in details:
        print('# ' + line)
    sys.stdout.flush()


def diag(text):
    print('# ' + text)
    sys.stdout.flush()


# ---------------------------------------------------------------- AT-SPI

events = []


def on_event(event):
    try:
        events.append((event.type, event.detail1, event.source))
    except Exception:  # an object already gone
        pass


listener = Atspi.EventListener.new(on_event)
listener.register('object:state-changed:focused')
listener.register('focus:')


def spin(seconds):
    context = GLib.MainContext.default()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        while context.iteration(False):
            pass
        time.sleep(0.01)


def key(*names):
    subprocess.run(['xdotool', 'key', '--delay', '30'] + list(names), check=True)


def type_text(text):
    subprocess.run(['xdotool', 'type', '--delay', '30', text], check=True)


def ident(obj):
    return safe(lambda: obj.path) if obj is not None else None


def safe(function, default=None):
    try:
        return function()
    except Exception:
        return default


def name_of(obj):
    return safe(obj.get_name, '') or ''


def role_of(obj):
    return safe(obj.get_role_name, '?')


def states(obj):
    return safe(lambda: obj.get_state_set(), None)


def has_state(obj, state):
    s = states(obj)
    return s is not None and s.contains(state)


def describe(obj):
    return '%s « %s »' % (role_of(obj), name_of(obj))


def walk(obj, depth=0):
    yield obj
    if depth > 60:
        return
    for i in range(safe(obj.get_child_count, 0)):
        child = safe(lambda: obj.get_child_at_index(i))
        if child is not None:
            yield from walk(child, depth + 1)


def find(root, predicate):
    for obj in walk(root):
        if safe(lambda: predicate(obj), False):
            return obj
    return None


def wait_for(function, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = safe(function)
        if value:
            return value
        spin(0.1)
    return None


# What counts as no name, or a name badly made.
GTYPE_NAME = re.compile(r'^(Gtk|Adw|Messagerie)[A-Z][A-Za-z]+$')
MNEMONIC = re.compile(r'(^|[^_])_[^_\s]')


def name_problem(name):
    if not name.strip():
        return 'no name'
    if GTYPE_NAME.match(name):
        return 'a GType name'
    if MNEMONIC.search(name):
        return 'a mnemonic marker'
    words = name.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half > 0 and words[:half] == words[half:]:
        return 'its words twice'
    for a, b in zip(words, words[1:]):
        if a.lower() == b.lower() and a.isalpha():
            return 'the word « %s » twice' % a
    return None


def tab_stop(direction='Tab'):
    """One key press; the object that then gains the focus, and whether a
    focus event said so."""
    events.clear()
    key(direction)
    end = time.monotonic() + 1.5
    gained = None
    while time.monotonic() < end and gained is None:
        spin(0.02)
        for kind, detail, source in events:
            if kind.startswith('object:state-changed:focused') and detail == 1:
                gained = source
            elif kind.startswith('focus:'):
                gained = source
    if gained is None:
        return None, False
    spin(0.02)
    evented = any(ident(source) == ident(gained) for _, _, source in events)
    return gained, evented


def tab_round(label, limit=60):
    """Tab until a stop comes back: the stops of one turn, each checked."""
    stops = []
    seen = set()
    problems = []
    silent = 0
    for _ in range(limit):
        obj, evented = tab_stop()
        if obj is None:
            silent += 1
            problems.append('a Tab stop reported no focus (no focused object, no event)')
            if silent > 3:
                break
            continue
        if ident(obj) in seen:
            break
        seen.add(ident(obj))
        stops.append(obj)
        name = name_of(obj)
        problem = name_problem(name)
        if problem:
            problems.append('%s: %s' % (describe(obj), problem))
        if not has_state(obj, S.FOCUSED):
            problems.append('%s: not in the focused state' % describe(obj))
        if not evented:
            problems.append('%s: no focus event' % describe(obj))
    ok(not problems and stops, '%s: %d Tab stops, each named and reported focused' %
       (label, len(stops)),
       problems + ['stops: ' + ', '.join(describe(o) for o in stops)] if problems else ())
    return stops


CONTROLS = {'push button', 'toggle button', 'check box', 'text', 'password text', 'combo box',
            'spin button', 'radio button', 'switch'}


def reachable(page):
    """The controls of @page that take the focus."""
    found = []
    for obj in walk(page):
        s = states(obj)
        if s is None or role_of(obj) not in CONTROLS:
            continue
        # GTK 4.8 sets "visible" on widgets shown, never "showing".
        if s.contains(S.FOCUSABLE) and s.contains(S.VISIBLE) and s.contains(S.SENSITIVE):
            found.append(obj)
    return found


def page_of(obj):
    """The scrolled page holding @obj, None for the header bar."""
    while obj is not None:
        if role_of(obj) == 'scroll pane':
            return obj
        obj = safe(obj.get_parent)
    return None


def check_reached(label, window, stops):
    stop_ids = {ident(o) for o in stops}
    page = next((p for p in (page_of(o) for o in stops) if p is not None), None)
    missed = [describe(o) for o in reachable(page)
              if ident(o) not in stop_ids] if page is not None else ['no page among the stops']
    ok(not missed, '%s: every control shown that takes the focus is a Tab stop (%d)' %
       (label, len(reachable(page)) if page is not None else 0), missed)


def focus_by_name(name, limit=30):
    for _ in range(limit):
        obj, _ = tab_stop()
        if obj is not None and name_of(obj) == name:
            return obj
    return None


# ---------------------------------------------------------------- the window

work = tempfile.mkdtemp(prefix='messagerie-atspi.')
root = os.path.join(work, 'root')
shutil.copytree(os.path.join(source, 'data', 'demo', 'scribe'), root)
if os.path.exists('/etc/exim4/exim4.conf.template'):
    shutil.copytree('/etc/exim4', os.path.join(root, 'etc', 'exim4'), dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns('*.tmp', 'passwd.client'),
                    ignore_dangling_symlinks=True)

env = dict(os.environ, LANGUAGE='fr', LC_ALL='fr_FR.UTF-8', LANG='fr_FR.UTF-8')
env.pop('GTK_A11Y', None)
app_process = subprocess.Popen([messagerie, '--root', root], env=env)


def finish(code):
    if app_process.poll() is None:
        app_process.terminate()
        try:
            app_process.wait(10)
        except subprocess.TimeoutExpired:
            app_process.kill()
    shutil.rmtree(work, ignore_errors=True)
    print('1..%d' % count)
    sys.exit(code)


def application():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and safe(lambda: app.get_process_id()) == app_process.pid:
            return app
    return None


start = time.monotonic()
app = wait_for(application, 20)
window = app and wait_for(lambda: find(app, lambda o: o.get_role() == Atspi.Role.FRAME), 20)
ok(window is not None, 'the window is on the accessibility bus (%.1f s)' %
   (time.monotonic() - start))
if window is None:
    finish(1)
spin(0.5)
subprocess.run(['xdotool', 'search', '--sync', '--onlyvisible', '--pid', str(app_process.pid),
                'windowfocus', '--sync'], stderr=subprocess.DEVNULL)
spin(0.3)

apply_button = find(window, lambda o: o.get_role() == Atspi.Role.PUSH_BUTTON and
                    name_of(o) == 'Appliquer')
ok(apply_button is not None, 'Apply is named « Appliquer »',
   [describe(o) for o in walk(window) if o.get_role() == Atspi.Role.PUSH_BUTTON])

pages = [('1', 'Services'), ('2', 'Envoi'), ('3', 'Relais'), ('4', 'Activité')]
for number, title in pages:
    key('alt+' + number)
    spin(0.6 if number != '4' else 1.5)
    stops = tab_round('page « %s »' % title)
    check_reached('page « %s »' % title, window, stops)
    if title == 'Envoi':
        texts = [o for o in stops if role_of(o) == 'text']
        ok(len(texts) >= 6, 'page « Envoi »: its %d text fields are Tab stops' % len(texts))
    if title == 'Relais':
        texts = [o for o in stops if role_of(o) in ('text', 'password text')]
        ok(len(texts) >= 3, 'page « Relais »: its %d text fields are Tab stops' % len(texts))
        password = [o for o in stops if role_of(o) == 'password text']
        ok(password and safe(password[0].get_description),
           'the password field is described by its caption',
           [describe(o) + ': « %s »' % safe(o.get_description) for o in password])
        switches = [o for o in stops if role_of(o) in ('check box', 'toggle button')
                    and name_of(o).startswith('Router')]
        rows = [o for o in stops if role_of(o) == 'list item' and name_of(o).startswith('Router')]
        ok(len(switches) == 1 and not rows, 'a switch row is one Tab stop')

# ------------------------------------------------- an invalid field, Apply


def sensitive(obj):
    return has_state(obj, S.SENSITIVE)


key('alt+2')
spin(0.5)
domain = focus_by_name('Nom de domaine de la messagerie de l’établissement')
ok(domain is not None, 'the mail domain field takes the focus')
if domain is not None:
    ok(not sensitive(apply_button), 'Apply is insensitive before any change')
    key('ctrl+a')
    type_text('scribe.ac-test.fr')
    spin(0.8)
    description = safe(domain.get_description) or ''
    ok(has_state(domain, S.INVALID) or has_state(domain, S.INVALID_ENTRY),
       'an invalid field is in the invalid state')
    caption = find(window, lambda o: o.get_role() == Atspi.Role.LABEL and
                   description and name_of(o) == description)
    ok(description and caption is not None,
       'its description is the message shown beneath it',
       ['description: « %s »' % description])
    ok(not sensitive(apply_button), 'Apply is insensitive while an error stands')
    key('ctrl+a')
    type_text('monetab.ac-test.fr')
    spin(0.8)
    ok(not has_state(domain, S.INVALID) and not has_state(domain, S.INVALID_ENTRY)
       and not safe(domain.get_description),
       'corrected, the field is valid again and describes nothing')
    ok(not sensitive(apply_button), 'Apply is insensitive again with nothing changed')
    name = focus_by_name('Nom de l’émetteur des messages pour le compte root')
    key('End')
    type_text(' bis')
    spin(0.8)
    ok(name is not None and sensitive(apply_button), 'Apply is sensitive once a valid change is typed')
    stops = tab_round('page « Envoi » with a change')
    ok(any(name_of(o) == 'Appliquer' for o in stops), 'Apply is then a Tab stop')

    # W5: a quota below the message size. It shows once the typing pauses.
    quota = focus_by_name('Taille des quotas des boîtes aux lettres en Mo')
    if quota is not None:
        key('ctrl+a')
        type_text('5')
        spin(0.15)
        early = safe(quota.get_description) or ''
        spin(0.9)
        late = safe(quota.get_description) or ''
        ok(not early and late, 'a warning waits for the typing to pause',
           ['at once: « %s »' % early, 'after 1 s: « %s »' % late])
        key('ctrl+a')
        type_text('20')
        spin(0.3)
    else:
        ok(False, 'the mailbox quota field takes the focus')

# ------------------------------------------------- the TLS list

key('alt+3')
spin(0.5)
tls = focus_by_name('Utilisation de TLS (SSL) par la passerelle SMTP')
ok(tls is not None, 'the TLS choice takes the focus')
if tls is not None:
    item, _ = tab_stop('space')
    spin(0.3)
    ok(item is not None and name_of(item) == 'port 587',
       'the TLS list opens on the current choice, named',
       [describe(item) if item else 'nothing focused'])
    popup = item and safe(item.get_parent)
    items = [o for o in walk(popup)
             if o is not item and role_of(o) == 'list item'] if popup else []
    unnamed = [describe(o) for o in ([item] if item else []) + items if name_problem(name_of(o))]
    ok(item is not None and not unnamed and len(items) >= 4,
       'each TLS choice has a name (%d)' % (len(items) + (1 if item else 0)), unnamed)
    key('Escape')
    spin(0.3)

# ------------------------------------------------- the main menu


def dialog_round(label, opener, wanted=None):
    before = {ident(o) for o in walk(app) if role_of(o) in ('dialog', 'alert', 'frame')}
    opener()
    found = wait_for(lambda: next((o for o in (safe(lambda: app.get_child_at_index(i))
                                                for i in range(app.get_child_count()))
                                   if o is not None and ident(o) not in before
                                   ), None), 15)
    ok(found is not None, '%s opens' % label)
    if found is None:
        return None
    spin(0.5)
    stops = tab_round(label, limit=20)
    names = [name_of(o) for o in stops]
    if wanted:
        ok(wanted in names, '%s: « %s » is a stop' % (label, wanted), ['stops: %s' % names])
    return found


menu = find(window, lambda o: o.get_role() in (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON)
            and name_of(o) == 'Menu principal')
ok(menu is not None, 'the main menu button is named « Menu principal »')
if focus_by_name('Menu principal') is not None:
    key('space')
    spin(0.5)
    items = []
    for _ in range(12):
        obj, _ = tab_stop('Down')
        if obj is None or ident(obj) in [ident(o) for o in items]:
            break
        items.append(obj)
    bad = ['%s: %s' % (describe(o), name_problem(name_of(o))) for o in items
           if name_problem(name_of(o))]
    ok(len(items) >= 6 and not bad, 'the main menu: %d items, each named' % len(items),
       bad + ['items: ' + ', '.join(describe(o) for o in items)])
    key('Escape')
    spin(0.3)

# ------------------------------------------------- expert mode


def choose_menu_item(label):
    if focus_by_name('Menu principal') is None:
        return False
    key('space')
    spin(0.5)
    # The popover's items: down to the one wanted, then Enter.
    for _ in range(12):
        obj, _ = tab_stop('Down')
        if obj is not None and name_of(obj).startswith(label):
            key('Return')
            spin(0.5)
            return True
    key('Escape')
    return False


ok(choose_menu_item('Mode expert'), 'expert mode chosen from the main menu')
for number, title in pages[:3]:
    key('alt+' + number)
    spin(0.6)
    stops = tab_round('page « %s » in expert mode' % title)
    check_reached('page « %s » in expert mode' % title, window, stops)
choose_menu_item('Mode normal')

# ------------------------------------------------- the dialogs

# The close dialog: with the change above, Ctrl+Q.
dialog_round('the close dialog', lambda: key('ctrl+q'), 'Annuler')
key('Escape')
spin(0.5)
ok(app_process.poll() is None, 'Escape leaves the window open')

# The review of what Apply changes: Ctrl+S, with the change above.
subprocess.run(['xdotool', 'search', '--sync', '--onlyvisible', '--pid', str(app_process.pid),
                'windowfocus', '--sync'], stderr=subprocess.DEVNULL)
spin(0.3)
review = dialog_round('the review dialog', lambda: key('ctrl+s'), 'Appliquer')
if review is not None:
    key('Escape')
    spin(0.5)

# The restore question (or the message saying there is nothing to restore).
subprocess.run(['xdotool', 'search', '--sync', '--onlyvisible', '--pid', str(app_process.pid),
                'windowfocus', '--sync'], stderr=subprocess.DEVNULL)
spin(0.3)
key('alt+3')
spin(0.3)


def open_menu_item(label):
    return lambda: choose_menu_item(label)


restore = dialog_round('the restore dialog', open_menu_item('Restaurer'))
if restore is not None:
    key('Escape')
    spin(0.5)

# The detect dialog: the demo's gateway does not answer, so quickly.
subprocess.run(['xdotool', 'search', '--sync', '--onlyvisible', '--pid', str(app_process.pid),
                'windowfocus', '--sync'], stderr=subprocess.DEVNULL)
spin(0.3)


def open_detect():
    if focus_by_name('Détecter') is not None:
        key('space')


detect = dialog_round('the detect dialog', open_detect, 'Fermer')
if detect is not None:
    key('Escape')
    spin(0.3)

diag('%.1f s in all' % (time.monotonic() - start))
finish(1 if failed else 0)
