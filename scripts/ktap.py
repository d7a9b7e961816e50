"""The output of run_kselftest.sh (KTAP), as run/report.py and
compare/compare.py read it: one result line a program ("ok 3 selftests:
pidfd: pidfd_test # SKIP reason"), after the "# ok N case" lines of its
own cases, and a "1..N" plan a collection.
"""

import collections
import re

RESULT = re.compile(r'^(not ok|ok) (\d+)\s*-?\s*([^#]*?)\s*(?:#\s*(.*))?$')
PLAN = re.compile(r'^1\.\.(\d+)')
PROGRAM = re.compile(r'^selftests: ([^:]+): (\S+)')

Case = collections.namedtuple('Case', 'name ok directive')


class Program(collections.namedtuple('Program', 'name ok directive cases')):
    """A program's result: its name as printed, "ok" or "not ok", the
    directive after "#" ('' if none) and the Cases it printed."""

    @property
    def key(self):
        """"collection:program", or the name when it is not a kselftest's."""
        m = PROGRAM.match(self.name)
        return f'{m.group(1)}:{m.group(2)}' if m else self.name


def kind(ok, directive):
    """What a result says: ok, not ok, skip, timeout or xfail."""
    d = (directive or '').upper()
    for k in ('SKIP', 'TIMEOUT', 'XFAIL'):
        if d.startswith(k):
            return k.lower()
    return ok


def status(ok, directive):
    """pass, fail or skip: an expected failure passes, a timeout fails."""
    k = kind(ok, directive)
    return {'ok': 'pass', 'xfail': 'pass', 'skip': 'skip'}.get(k, 'fail')


def reason(directive):
    """The reason of a SKIP (the directive itself otherwise)."""
    d = directive or ''
    return d[4:].strip() if d.upper().startswith('SKIP') else d


class Reader:
    """Reads the output a line at a time: feed() returns a Program when
    the line is a program's result, else None.  plan is the sum of the
    plans seen (None before any), seen the number of programs."""

    def __init__(self):
        self.plan = None
        self.seen = 0
        self._cases = []

    def feed(self, line):
        m = PLAN.match(line)
        if m:
            self.plan = (self.plan or 0) + int(m.group(1))
            return None
        m = RESULT.match(line)
        if m:
            ok, _, name, directive = m.groups()
            self.seen += 1
            cases, self._cases = self._cases, []
            return Program(name.strip(), ok, (directive or '').strip(), cases)
        if line.startswith('# '):
            m = RESULT.match(line[2:])
            if m:
                ok, _, name, directive = m.groups()
                self._cases.append(Case(name.strip(), ok, (directive or '').strip()))
        return None

    def problems(self):
        """What is wrong with the output as a whole: no plan, or fewer
        (or more) programs than planned."""
        if self.plan is None:
            return ['no kselftest results (no KTAP plan in the output)']
        if self.seen != self.plan:
            return [f'kselftest planned {self.plan} programs, reported {self.seen}']
        return []
