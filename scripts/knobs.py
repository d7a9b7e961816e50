#!/usr/bin/env python3
"""The variables of config/knobs: for make help, docs/variables.md, and
the check that the table and the code agree.

  knobs.py help    the table for the terminal (internal ones left out)
  knobs.py md      docs/variables.md
  knobs.py check   every variable that the Makefile, scripts/ and guest/
                   read from the environment is listed, and every one
                   listed is read; exits 1, naming them, otherwise
"""

import os
import re
import sys
import textwrap

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# bash: ${NAME:-x}, ${NAME-x}, ${NAME:?}, ${NAME:+x}, ${NAME:=x}
SH_READ = re.compile(r'\$\{([A-Z][A-Z0-9_]*)(?::?[-?+=])')
# make: $(NAME) of a variable the Makefile does not set itself
MK_READ = re.compile(r'\$\(([A-Z][A-Z0-9_]*)\)')
MK_SET = re.compile(r'^(?:export\s+)?([A-Z][A-Z0-9_]*)\s*[:?+]?=', re.M)
MAKE_OWN = {'MAKE', 'MAKECMDGOALS', 'MAKEFLAGS'}


def table():
    """[(name, targets, what)] in the order of the file."""
    rows = []
    with open(os.path.join(TOP, 'config', 'knobs')) as f:
        for line in f:
            if line.strip() and not line.startswith('#'):
                name, targets, what = line.split(None, 2)
                rows.append((name, targets, what.strip()))
    return rows


def reads():
    """{name: first file that reads it}."""
    found = {}
    mk = open(os.path.join(TOP, 'Makefile')).read()
    own = set(MK_SET.findall(mk)) | MAKE_OWN
    for name in MK_READ.findall(mk):
        if name not in own:
            found.setdefault(name, 'Makefile')
    for d in ('scripts', 'guest'):
        for root, _, files in os.walk(os.path.join(TOP, d)):
            for fn in sorted(files):
                path = os.path.join(root, fn)
                with open(path, errors='replace') as f:
                    text = f.read()
                if not text.startswith('#!') and not fn.endswith('.sh'):
                    continue
                for name in SH_READ.findall(text):
                    found.setdefault(name, os.path.relpath(path, TOP))
    return found


def main():
    mode = sys.argv[1] if len(sys.argv) == 2 else ''
    rows = table()
    if mode == 'help':
        print('Variables (config/knobs, docs/variables.md), NAME=value on '
              'the make command line:')
        for name, targets, what in rows:
            if targets != 'internal':
                print(textwrap.fill(f'{what} [{targets}]', 79,
                                    initial_indent=f'{name:<19} ',
                                    subsequent_indent=' ' * 20,
                                    break_on_hyphens=False))
    elif mode == 'md':
        print('# Variables\n\nWritten by `make variables` from '
              '`config/knobs`; `make help` prints the same table.\n')
        for title, internal in (('For users', False),
                                ('Set by one script for another', True)):
            print(f'## {title}\n\n| Variable | Targets | What |\n|---|---|---|')
            for name, targets, what in rows:
                if (targets == 'internal') == internal:
                    t = '' if internal else targets.replace(',', ', ')
                    cell = what.replace('|', r'\|')
                    print(f'| `{name}` | {t} | {cell} |')
            print()
    elif mode == 'check':
        listed = {r[0] for r in rows}
        found = reads()
        text = ''.join(open(os.path.join(r, f), errors='replace').read()
                       for d in ('scripts', 'guest') for r, _, fs in
                       os.walk(os.path.join(TOP, d)) for f in fs)
        text += open(os.path.join(TOP, 'Makefile')).read()
        bad = [f'{n} is read ({found[n]}) but not in config/knobs'
               for n in sorted(set(found) - listed)]
        bad += [f'{n} is in config/knobs but nothing reads it'
                for n in sorted(listed) if not re.search(rf'\b{n}\b', text)]
        for b in bad:
            print(b)
        print(f'knobs: {len(listed)} listed, {len(found)} read '
              f'with a default or in make: {len(bad)} problem(s)')
        return 1 if bad else 0
    else:
        sys.exit(__doc__.splitlines()[2].strip())
    return 0


if __name__ == '__main__':
    sys.exit(main())
