#!/usr/bin/env python3
"""The warnings a tree has that its base had not, in the given files.

  new-warnings.py --base BASE.log --series SERIES.log --files FILES
                  --strip DIR [--strip DIR ...]

Reads the warnings of gcc, sparse, kernel-doc (file:line[:col]: warning:
text) and of rustc, clippy and rustdoc ("warning: text" then
"--> file:line:col") from both logs, keeps those about the files listed
in FILES (one path a line, relative to the tree), and compares them
without their line numbers, which the series moves: a warning counts as
new when the series log has it more often than the base log.  Prints
each new warning with its first location and exits 1 if there is any.
"""

import argparse
import collections
import re
import sys

C_WARN = re.compile(r'^(\S+?):(\d+)(?::\d+)?: (warning|error): (.*)$')
KDOC_WARN = re.compile(r'^(?:Warning|warning): (\S+?):(\d+) (.*)$')
RUST_WARN = re.compile(r'^(warning|error)(\[[^]]*\])?: (.*)$')
RUST_LOC = re.compile(r'^\s*--> (\S+?):(\d+):\d+$')


def rel(path, strips):
    for s in strips:
        s = s.rstrip('/') + '/'
        if path.startswith(s):
            return path[len(s):]
    return path.removeprefix('./')


def read(path, files, strips):
    """Counter of (file, kind, text) and the first location of each."""
    found = collections.Counter()
    where = {}
    pending = None  # a rustc warning waiting for its location
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            if m := C_WARN.match(line):
                pending = None
                name, num, kind, text = m.groups()
            elif m := KDOC_WARN.match(line):
                name, num, text = m.groups()
                kind = 'warning'
            elif ((m := RUST_WARN.match(line)) and
                  not m.group(3).startswith('unused manifest')):
                pending = (m.group(1),
                           f'{m.group(2) or ""} {m.group(3)}'.strip())
                continue
            elif (m := RUST_LOC.match(line)) and pending:
                name, num = m.groups()
                kind, text = pending
                pending = None
            else:
                continue
            name = rel(name, strips)
            if name in files:
                found[name, kind, text] += 1
                where.setdefault((name, kind, text), f'{name}:{num}')
    return found, where


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    for arg in ('--base', '--series', '--files'):
        ap.add_argument(arg, required=True)
    ap.add_argument('--strip', action='append', default=[])
    args = ap.parse_args()
    with open(args.files) as f:
        files = {l.strip() for l in f if l.strip()}
    base, _ = read(args.base, files, args.strip)
    series, where = read(args.series, files, args.strip)
    new = series - base
    for (name, kind, text), n in sorted(new.items()):
        more = f' (x{n})' if n > 1 else ''
        print(f'{where[name, kind, text]}: {kind}: {text}{more}')
    return 1 if new else 0


if __name__ == '__main__':
    sys.exit(main())
