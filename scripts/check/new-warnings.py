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
    return path[2:] if path.startswith('./') else path


def read(path, files, strips):
    """Counter of (file, kind, text) and the first full line of each."""
    found = collections.Counter()
    where = {}
    pending = None  # a rustc warning waiting for its location
    with open(path, errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = C_WARN.match(line)
            if m:
                pending = None
                name = rel(m.group(1), strips)
                key = (name, m.group(3), m.group(4))
                loc = f'{name}:{m.group(2)}'
            else:
                m = KDOC_WARN.match(line)
                if m:
                    name = rel(m.group(1), strips)
                    key = (name, 'warning', m.group(3))
                    loc = f'{name}:{m.group(2)}'
                else:
                    m = RUST_WARN.match(line)
                    if m and not m.group(3).startswith(('unused manifest',)):
                        pending = (m.group(1), (m.group(2) or '') + ' ' +
                                   m.group(3))
                        continue
                    m = RUST_LOC.match(line)
                    if not (m and pending):
                        continue
                    name = rel(m.group(1), strips)
                    key = (name, pending[0], pending[1].strip())
                    loc = f'{name}:{m.group(2)}'
                    pending = None
            if name in files:
                found[key] += 1
                where.setdefault(key, loc)
    return found, where


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--base', required=True)
    ap.add_argument('--series', required=True)
    ap.add_argument('--files', required=True)
    ap.add_argument('--strip', action='append', default=[])
    args = ap.parse_args()
    with open(args.files) as f:
        files = {l.strip() for l in f if l.strip()}
    base, _ = read(args.base, files, args.strip)
    series, where = read(args.series, files, args.strip)
    new = series - base
    for (name, kind, text), n in sorted(new.items()):
        more = f' (x{n})' if n > 1 else ''
        print(f'{where[(name, kind, text)]}: {kind}: {text}{more}')
    return 1 if new else 0


if __name__ == '__main__':
    sys.exit(main())
