#!/usr/bin/env python3
"""Summarise a lab boot: kselftest KTAP, KUnit KTAP and the console.

  report.py --kselftest OUTPUT.log --console CONSOLE.log --kunit-tool PATH
            [--expected config/expected --where WHERE...]

The kselftest output (run_kselftest.sh, KTAP with each program's own KTAP
nested behind "# ") is counted case by case.  KUnit results are read from
the console by the kernel's own parser, tools/testing/kunit/kunit.py.  A
kernel splat in the console, a missing or truncated result, a program that
crashed or timed out: each is a failure.  The entries of --expected for
WHERE: a program that "fails" for a reason outside the series counts as
skipped; one that "passes" must pass every case, none skipped.  Prints one closing line
"N passed, N failed, N skipped" and exits 1 on any failure.
"""

import argparse
import collections
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import expected  # noqa: E402  scripts/expected.py
import ktap  # noqa: E402  scripts/ktap.py

# What a kernel prints when something went wrong, by kind, the most
# specific first: a lockdep report also says "WARNING:", a KASAN report
# "BUG:".  Generic lines (True) also belong to a report of another kind:
# WARN()'s banner under its message, a stack, the panic that
# panic_on_warn makes of it.
SPLAT_KINDS = [
    ('KASAN', False, r'\bBUG: KASAN: |\bKASAN: '),
    ('KFENCE', False, r'\bBUG: KFENCE: '),
    ('UBSAN', False, r'\bUBSAN: '),
    ('lockdep', False,
     r'possible circular locking|possible recursive locking|'
     r'inconsistent lock state|possible irq lock inversion|'
     r'IRQ-safe -> \S+IRQ-unsafe|Invalid wait context|'
     r'bad unlock balance|held lock freed|lock held when returning|'
     r'lock held at task exit|Nested lock was not taken|'
     r'BUG: MAX_LOCKDEP|trying to register non-static key|'
     r'DEBUG_LOCKS_WARN_ON|BUG: lock held'),
    ('RCU', False, r'suspicious RCU usage|detected stalls? on CPU|'
     r'self-detected stall|rcu_\w+ detected stall|RCU read-side'),
    ('sleep in atomic', False,
     r'BUG: sleeping function called from invalid|'
     r'BUG: scheduling while atomic|BUG: workqueue leaked'),
    ('list corruption', False,
     r'\blist_\w+ corruption|BUG: list corruption'),
    ('debugobjects', False, r'\bODEBUG: '),
    ('hung task', False, r'INFO: task .* blocked'),
    ('Oops', False, r'\bOops\b|general protection fault|'
     r'BUG: unable to handle|kernel BUG at'),
    ('BUG', False, r'\bBUG: '),
    ('WARNING', True, r'\bWARNING: CPU: \d+ PID: '),
    ('WARNING', False, r'\bWARNING: |------------\[ cut here \]'),
    ('panic', True, r'Kernel panic'),
    ('stack dump', True, r'Call Trace:'),
]
SPLAT_KINDS = [(k, g, re.compile(rx)) for k, g, rx in SPLAT_KINDS]
CUT_HERE = '[ cut here ]'
# How far (console lines) a report's body goes: stack, registers, locks.
SPLAT_SPAN = 200


class Counts:
    def __init__(self):
        self.passed = self.skipped = 0
        self.failures = []

    def add(self, status, what):
        if status == 'pass':
            self.passed += 1
        elif status == 'skip':
            self.skipped += 1
        else:
            self.failures.append(what)


def parse_kselftest(lines, counts, exp):
    """Count one run_kselftest.sh log; returns a list of problems."""
    reader = ktap.Reader()
    progs = {}  # collection:program -> [(status, case, directive)]
    for raw in lines:
        prog = reader.feed(raw.rstrip('\r\n'))
        if not prog:
            continue
        status = ktap.status(prog.ok, prog.directive)
        cases = [(ktap.status(c.ok, c.directive), c.name, c.directive) for c in prog.cases]
        progs[prog.key] = cases or [(status, prog.name, prog.directive)]
        known = exp.match('fails', prog.key)
        if known:
            if status == 'fail':
                counts.add('skip', prog.name)
                print(f'KNOWN FAILURE (counted as skipped): {prog.name}: {known.reason}')
            else:
                print(f'NOTE: {prog.name} is listed as failing ({known.origin}) '
                      f'but did not fail: remove its line')
        elif cases:
            for st, case, _ in cases:
                counts.add(st, f'{prog.name}: {case}')
            if status == 'fail' and all(st != 'fail' for st, _, _ in cases):
                # no case failed, but the program did (crash, timeout, a result never printed)
                counts.add('fail', f'{prog.name} ({prog.directive or "failed"})')
        else:
            counts.add(status, f'{prog.name} ({prog.directive or "no cases"})')
    problems = reader.problems()
    for e in exp.of('fails'):
        if not exp.hits[e]:
            print(f'NOTE: {e.rx.pattern} is listed as failing ({e.origin}) but did not run')
    # "passes": every case of the program ran and passed, none skipped (a
    # failed case is counted as one above).
    for e in exp.of('passes'):
        ran = [k for k in progs if e.rx.search(k)]
        if not ran:
            problems.append(f'{e.rx.pattern} did not run ({e.origin}: {e.reason})')
        problems += [f'{k}: {case} skipped but must pass ({e.origin}: {e.reason}): {d}'
                     for k in ran for st, case, d in progs[k] if st == 'skip']
    return problems


def parse_kunit(console, tool, counts):
    """Count the KUnit results in the console log with kunit.py parse."""
    out = subprocess.run([sys.executable, tool, 'parse', '--json', os.path.abspath(console)],
                         capture_output=True, text=True, check=False)
    start = out.stdout.find('{')
    if start < 0:
        return [f'kunit.py parse gave no results: {out.stderr.strip()}']
    root = json.loads(out.stdout[start:])

    def walk(group, path):
        for case in group.get('test_cases', []):
            status = {'PASS': 'pass', 'SKIP': 'skip'}.get(case['status'], 'fail')
            counts.add(status, f'kunit: {path}{case["name"]}')
        for sub in group.get('sub_groups', []):
            walk(sub, f'{path}{sub["name"]}.')

    walk(root, '')
    misc = root.get('misc', {})
    problems = ['no KUnit results in the console'] if misc.get('tests', 0) == 0 else []
    if misc.get('errors', 0):
        problems.append(f'{misc["errors"]} KUnit parse error(s)')
    return problems


def scan_console(console):
    """One "[kind] console:N: first line" a kernel report.

    A report starts at a "cut here" marker (WARN, BUG) or at a line that
    names its kind ("WARNING: possible circular locking dependency":
    lockdep).  The marker takes the kind of the line that follows it
    (WARN's message or banner).  Generic lines, and lines of the same kind,
    within SPLAT_SPAN lines of a report belong to it.
    """
    splats = []  # [kind, lineno, text, is an unresolved marker]
    with open(console, errors='replace') as f:
        for n, line in enumerate(f, 1):
            found = [(kind, generic) for kind, generic, rx in SPLAT_KINDS if rx.search(line)]
            if not found:
                continue
            kind, generic = found[0]  # the most specific
            text = line.strip()
            last = splats[-1] if splats else None
            if CUT_HERE in line:
                splats.append([kind, n, text, True])
            elif last and last[3] and n - last[1] <= 3 and \
                    kind not in ('panic', 'stack dump'):
                last[:] = [kind, n, text, False]  # what the marker announced
            elif last and n - last[1] <= SPLAT_SPAN and \
                    (generic or kind == last[0]):
                continue  # the body of the report being read
            else:
                splats.append([kind, n, text, False])
    return [f'[{k}] {console}:{n}: {t}' for k, n, t, _ in splats]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--kselftest', help='run_kselftest.sh output')
    ap.add_argument('--console', help='kernel console log')
    ap.add_argument('--kunit-tool', help='path to kunit.py: count KUnit')
    ap.add_argument('--expected', help='config/expected: what may fail')
    ap.add_argument('--where', nargs='*', default=[],
                    help="the entries of --expected that apply (its WHERE)")
    args = ap.parse_args()

    counts = Counts()
    problems = []
    if args.kselftest:
        with open(args.kselftest, errors='replace') as f:
            problems += parse_kselftest(f, counts, expected.Expected(
                args.expected or os.devnull, args.where))
    if args.console and args.kunit_tool:
        problems += parse_kunit(args.console, args.kunit_tool, counts)
    splats = scan_console(args.console) if args.console else []
    problems += [f'kernel splat: {s}' for s in splats]

    for what in counts.failures + problems:
        print(f'FAIL: {what}')
    if splats:
        kinds = collections.Counter(s[1:s.index(']')] for s in splats)
        print('kernel splats by kind: ' + ', '.join(f'{k} {n}' for k, n in sorted(kinds.items())))
    failed = len(counts.failures) + len(problems)
    print(f'{counts.passed} passed, {failed} failed, {counts.skipped} skipped')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
