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
SH_READ = re.compile(r'\$\{([A-Z][A-Z0-9_]*):?[-?+=]')
# make: $(NAME) of a variable that the Makefile does not set
MK_READ = re.compile(r'\$\(([A-Z][A-Z0-9_]*)\)')
MK_SET = re.compile(r'^(?:export\s+)?([A-Z][A-Z0-9_]*)\s*[:?+]?=', re.M)


def sources():
    """{path: text} of the Makefile and the scripts of scripts/, guest/."""
    paths = [os.path.join(TOP, 'Makefile')] + [
        os.path.join(r, f) for d in ('scripts', 'guest')
        for r, _, fs in os.walk(os.path.join(TOP, d)) for f in fs]
    return {os.path.relpath(p, TOP): open(p, errors='replace').read()
            for p in sorted(paths)}


def check(rows):
    src = sources()
    found = {}
    for path, text in src.items():
        if path == 'Makefile':
            own = set(MK_SET.findall(text)) | {'MAKE', 'MAKECMDGOALS'}
            names = [n for n in MK_READ.findall(text) if n not in own]
        elif text.startswith('#!') or path.endswith('.sh'):
            names = SH_READ.findall(text)
        else:
            continue
        for n in names:
            found.setdefault(n, path)
    listed = [r[0] for r in rows]
    text = ''.join(src.values())
    bad = [f'{n} is read ({found[n]}) but not in config/knobs'
           for n in sorted(set(found) - set(listed))]
    bad += [f'{n} is in config/knobs but nothing reads it'
            for n in listed if not re.search(rf'\b{n}\b', text)]
    print('\n'.join(bad + [f'knobs: {len(listed)} listed, {len(found)} read '
                           f'with a default or in make: {len(bad)} problem(s)']))
    return 1 if bad else 0


def main():
    with open(os.path.join(TOP, 'config', 'knobs')) as f:
        rows = [line.split(None, 2) for line in f
                if line.strip() and not line.startswith('#')]
    mode = sys.argv[1:] and sys.argv[1]
    if mode == 'check':
        return check(rows)
    if mode == 'help':
        print('Variables (config/knobs, docs/variables.md), NAME=value on '
              'the make command line:')
        for name, targets, what in rows:
            if targets != 'internal':
                print(textwrap.fill(f'{what.strip()} [{targets}]', 79,
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
                    cell = what.strip().replace('|', r'\|')
                    print(f'| `{name}` | {t} | {cell} |')
            print()
    else:
        sys.exit('usage: knobs.py help|md|check')
    return 0


if __name__ == '__main__':
    sys.exit(main())
