#!/usr/bin/env python3
"""Check a run_kselftest.sh log against what a configuration must give.

  run/expect.py RULES OUTPUT.log

report.py counts failures; this says whether the right cases passed and
the right ones skipped, for the right reason.  RULES has one rule a line
("#" starts a comment):

  pass PROGRAM            some case of PROGRAM passed, none failed
  skip PROGRAM REGEX      PROGRAM ran, every case of it (or the program
                          itself) skipped, each with a reason matching REGEX
  noskip PROGRAM REGEX    no case of PROGRAM skipped with a reason matching
                          REGEX
  line REGEX              some line of the output matches REGEX

PROGRAM is "collection:program" (pidfd:pidfd_autokill_test).  Prints
"ok RULE" or "FAIL RULE: why" a rule; exits 1 if any rule failed.
"""

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import ktap  # noqa: E402  scripts/ktap.py


def parse(path):
    """{program: [(status, case, reason)]} and the lines of the log."""
    progs, lines = {}, []
    reader = ktap.Reader()
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\r\n')
            lines.append(line)
            prog = reader.feed(line)
            if not prog or not ktap.PROGRAM.match(prog.name):
                continue
            inner = [(ktap.status(c.ok, c.directive), c.name, ktap.reason(c.directive))
                     for c in prog.cases]
            if not inner:  # the program's own result is its only one
                inner = [(ktap.status(prog.ok, prog.directive), prog.key,
                          ktap.reason(prog.directive))]
            progs[prog.key] = inner
    return progs, lines


def check(rule, progs, lines):
    """None if RULE holds, else why not."""
    kind, _, rest = rule.partition(' ')
    if kind == 'line':
        rx = re.compile(rest)
        return None if any(rx.search(l) for l in lines) else \
            'no line of the output matches'
    prog, _, rx = rest.partition(' ')
    cases = progs.get(prog)
    if cases is None:
        return f'{prog} did not run'
    rx = re.compile(rx) if rx else None
    by = {s: [c for c in cases if c[0] == s] for s in ('pass', 'fail', 'skip')}
    if kind == 'pass':
        if by['fail']:
            return 'failed: ' + ', '.join(c[1] for c in by['fail'])
        if not by['pass']:
            return 'no case passed' + (
                f' (skipped: {by["skip"][0][2]})' if by['skip'] else '')
        return None
    if kind == 'skip':
        if by['pass'] or by['fail']:
            return 'ran instead of skipping: ' + ', '.join(
                f'{c[1]} ({c[0]})' for c in by['pass'] + by['fail'])
        bad = [c for c in by['skip'] if not rx.search(c[2])]
        if bad:
            return f'{bad[0][1]} skipped for another reason: {bad[0][2]}'
        return None
    if kind == 'noskip':
        bad = [c for c in by['skip'] if rx.search(c[2])]
        return f'{bad[0][1]} skipped: {bad[0][2]}' if bad else None
    return f'unknown rule "{kind}"'


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.splitlines()[2].strip())
    progs, lines = parse(sys.argv[2])
    failed = 0
    with open(sys.argv[1]) as f:
        for raw in f:
            rule = raw.split('#', 1)[0].strip() if not raw.lstrip().startswith(
                'line ') else raw.strip()
            if not rule:
                continue
            why = check(rule, progs, lines)
            if why:
                failed += 1
                print(f'FAIL {rule}: {why}')
            else:
                print(f'ok {rule}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
