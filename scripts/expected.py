"""config/expected, as run/report.py and compare/compare.py read it: where
a run may give something else than "every case passes", and why.

One entry a line, "WHERE KIND PATTERN REASON" ("#" starts a comment).
WHERE picks the runs it applies to; PATTERN is a Python regular
expression (no spaces: write \\s) searched in a result's name.
"""

import collections
import os
import re
import sys

# The kinds of entry each WHERE may have: a series (its boots) or a cell
# of make check that boots, and make compare.
KINDS = {'kernel': ('fails', 'passes'), 'mainline': ('fails', 'passes'),
         'rustoff': ('fails', 'passes'), 'arm64': ('fails', 'passes'),
         'compare': ('ksft', 'kunit', 'fuzz')}


class Entry(collections.namedtuple('Entry', 'where kind rx reason origin')):
    """One line of the file (Expected.hits counts what it matched)."""
    __slots__ = ()

    def __str__(self):
        return f'{self.kind} {self.rx.pattern}'


class Expected:
    """The entries of PATH for the runs WHERE, and what they matched."""

    def __init__(self, path, where):
        self.entries = []
        self.hits = collections.Counter()
        with open(path) as f:
            for n, line in enumerate(f, 1):
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                parts = line.split(None, 3)
                if len(parts) < 4 or parts[1] not in KINDS.get(parts[0], ()):
                    sys.exit(f'{path}:{n}: want "WHERE KIND PATTERN REASON", WHERE KIND one of: '
                             + ', '.join(f'{w} {k}' for w, ks in KINDS.items() for k in ks))
                if parts[0] in where:
                    self.entries.append(Entry(
                        parts[0], parts[1], re.compile(parts[2]), parts[3],
                        f'{os.path.basename(path)}:{n}'))

    def of(self, kind):
        return [e for e in self.entries if e.kind == kind]

    def match(self, kind, text):
        """The first entry of KIND whose pattern TEXT matches, or None."""
        for e in self.of(kind):
            if e.rx.search(text):
                self.hits[e] += 1
                return e
        return None
