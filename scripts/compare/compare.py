#!/usr/bin/env python3
"""Compare a run of the kselftests on mainline with one on our kernel.

  compare/compare.py --mainline DIR --ours DIR --expected FILE [--report FILE]
             [--no-kunit] [--ours-name NAME]

Each DIR holds ksft.log (the KTAP of run_kselftest.sh), fuzz.log (the
record of compare/clone3_flags_fuzz.c: "fuzz-case", "fuzz-kind" lines)
and console.log (the kernel console, for KUnit).  Compares test case by
test case (ok / not ok / skip), KUnit suite by suite (not with
--no-kunit: a kernel without KUnit), and the fuzzer's cases line by line:
the fuzzer has no oracle, mainline's outcome is the one expected.  A
kernel splat in either console, or a difference that no entry of the
expected list matches, is a failure; an entry that matched nothing is
reported.  Prints the table and writes it (markdown) to --report.  Exits
1 on any unexpected difference, splat or missing result.
"""

import argparse
import collections
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, ".."), os.path.join(HERE, "..", "run")]
import ktap  # noqa: E402  scripts/ktap.py
import expected  # noqa: E402  scripts/expected.py
import report  # noqa: E402  scripts/run/report.py

FUZZ_CASE = re.compile(r'^fuzz-case (\S+) (.*?) => (.*?)\s*$')
FUZZ_KIND = re.compile(r'^fuzz-kind (\S+) => (ok|skip|not ok)\b:?\s*(.*?)\s*$')
FUZZ_SEED = re.compile(r'^fuzz-seed (0x[0-9a-fA-F]+|\d+)')
FUZZ_END = re.compile(r'^fuzz-end (\d+)')
KUNIT = re.compile(r'^\[[ \d.]+\] (not ok|ok) \d+ (\S+)\s*(?:#\s*(.*))?$')
VERSION = re.compile(r'Linux version (\S+)')


class Run:
    """What one kernel did: cases, KUnit suites, fuzz cases."""

    def __init__(self, d):
        self.cases, self.kunit = {}, {}  # key -> (status, name)
        self.fuzz = {}                   # key -> (inputs, outcome)
        self.kinds = {}                  # fuzz:kind -> (status, text)
        self.seeds = set()
        self.splats = []
        self.version = '?'
        self.problems = []
        for log, missing, read in (('ksft.log', 'no kselftest output', self.read_ksft),
                                   ('fuzz.log', 'no fuzzer output', self.read_fuzz),
                                   ('console.log', 'no console log', self.read_console)):
            try:
                f = open(f'{d}/{log}', errors='replace')
            except OSError as e:
                self.problems.append(f'{missing}: {e}')
                continue
            with f:
                read((line.rstrip('\r\n') for line in f), f'{d}/{log}')

    def read_ksft(self, lines, path):
        reader = ktap.Reader()
        for line in lines:
            prog = reader.feed(line)
            if prog:
                for n, c in enumerate(prog.cases, 1):
                    self.cases[f'{prog.key}:{n}'] = (ktap.kind(c.ok, c.directive), c.name)
                self.cases[prog.key] = (ktap.kind(prog.ok, prog.directive), prog.directive)
        self.problems += [f'{p} ({path})' for p in reader.problems()]

    def read_fuzz(self, lines, path):
        end = None
        for line in lines:
            if m := FUZZ_CASE.match(line):
                key, inputs, outcome = m.groups()
                if key in self.fuzz:
                    self.problems.append(f'fuzz case {key} printed twice')
                self.fuzz[key] = (inputs, outcome)
            elif m := FUZZ_KIND.match(line):
                name, status, text = m.groups()
                self.kinds[f'fuzz:{name}'] = (status, text)
                if status == 'not ok':
                    self.problems.append(f'fuzz {name}: {text} ({path})')
            elif m := FUZZ_SEED.match(line):
                self.seeds.add(int(m.group(1), 0))
            elif m := FUZZ_END.match(line):
                end = int(m.group(1))
        if end is None:
            self.problems.append(f'the fuzzer did not finish (no fuzz-end line in {path})')
        elif end != len(self.fuzz):
            self.problems.append(f'the fuzzer ran {end} cases, printed {len(self.fuzz)} ({path})')

    def read_console(self, lines, path):
        for line in lines:
            if self.version == '?' and (m := VERSION.search(line)):
                self.version = m.group(1)
            if m := KUNIT.match(line.rstrip()):
                ok, name, directive = m.groups()
                self.kunit[f'kunit:{name}'] = (ktap.kind(ok, directive), '')
        # A kernel splat fails as in make run, on either kernel.
        self.splats = report.scan_console(path)


def case_order(key):
    """"kind:n" in the order of the kinds' names, then of n."""
    kind, _, n = key.rpartition(':')
    return (kind, int(n) if n.isdigit() else -1, n)


def cell(c):
    return c.replace('|', '\\|')


def verdict(e):
    """A difference's verdict: the entry of the expected list that it matched."""
    return f'expected ({e.origin})' if e else 'DIFFERS'


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--mainline', required=True)
    ap.add_argument('--ours', required=True)
    ap.add_argument('--expected', required=True)
    ap.add_argument('--report')
    ap.add_argument('--ours-name', default='ours',
                    help='our kernel, in the title ("ours (CONFIG_RUST=n)")')
    ap.add_argument('--no-kunit', action='store_true',
                    help='do not compare KUnit (ours has none)')
    ap.add_argument('--show', type=int, default=20,
                    help='differing fuzz cases shown on the terminal')
    args = ap.parse_args()

    ref, ours = Run(args.mainline), Run(args.ours)
    runs = ((ref, 'mainline'), (ours, 'ours'))
    exp = expected.Expected(args.expected, ['compare'])
    problems = [f'{who}: {p}' for r, who in runs for p in r.problems] + \
               [f'{who}: kernel splat: {s}' for r, who in runs for s in r.splats]
    unexpected, rows = [], []
    compared = [('ksft', ref.cases, ours.cases), ('fuzz', ref.kinds, ours.kinds)]
    if not args.no_kunit:
        compared.append(('kunit', ref.kunit, ours.kunit))
    for kind, a, b in compared:
        for key in list(b) + [k for k in a if k not in b]:
            sa, na = a.get(key, ('absent', ''))
            sb, nb = b.get(key, ('absent', ''))
            label = f'{key} {nb or na}'.strip()
            v = 'same'
            if sa != sb:
                e = exp.match(kind, label)
                v = verdict(e)
                if not e:
                    unexpected.append(f'{label}: mainline {sa}, ours {sb}')
            rows.append(f'| {cell(label)} | {sa} | {sb} | {v} |')

    # The fuzzer, case by case.
    if ref.seeds != ours.seeds or len(ours.seeds) != 1:
        problems.append(f'fuzz seeds: mainline {sorted(ref.seeds)}, ours '
                        f'{sorted(ours.seeds)}: not one and the same')
    seed = f'0x{min(ours.seeds):x}' if ours.seeds else '?'
    fdiff = []  # (key, call, mainline's outcome, ours, expected entry)
    same = 0
    # The kinds' lines interleave as they come: in the order of the cases.
    for key in sorted(set(ours.fuzz) | set(ref.fuzz), key=case_order):
        ia, oa = ref.fuzz.get(key, (None, 'absent'))
        ib, ob = ours.fuzz.get(key, (None, 'absent'))
        if ia and ib and ia != ib:
            problems.append(f'fuzz case {key}: not the same call on both '
                            f'kernels ({ia} | {ib}): the fuzzers differ')
        elif oa == ob:
            same += 1
        else:
            e = exp.match('fuzz', f'{key} {ia or ib} mainline={oa} ours={ob}')
            fdiff.append((key, ia or ib, oa, ob, e))
    problems += [f'{who}: no fuzz-case lines' for r, who in runs if not r.fuzz]
    failed = [d for d in fdiff if not d[4]]
    unexpected += [f'fuzz {key} {inputs}: mainline {oa}, ours {ob}; replay: '
                   f'FUZZ_SEED={seed} FUZZ_ONLY={key}' for key, inputs, oa, ob, _ in failed]

    def outcomes(r):
        c = collections.Counter(o.split()[0] if o else '?'
                                for _, o in r.fuzz.values())
        return ', '.join(f'{k} {n}' for k, n in c.most_common())
    md = [f'# make compare: mainline {ref.version} | {args.ours_name} {ours.version}', '',
          '| test case | mainline | ours | |', '|---|---|---|---|', *rows, '',
          f'## Fuzz (seed {seed})', '', '| | mainline | ours |', '|---|---|---|',
          f'| cases | {len(ref.fuzz)} | {len(ours.fuzz)} |',
          f'| outcomes | {outcomes(ref)} | {outcomes(ours)} |']
    for what, n in (('same outcome', same), ('differing, expected', len(fdiff) - len(failed)),
                    ('differing, not expected', len(failed))):
        md.append(f'| {what} | {n} | {n} |')
    md.append('')

    tail = []
    for e in exp.entries:
        if exp.hits[e]:
            tail.append(f'expected ({e.origin}): {exp.hits[e]} x {e}: {e.reason}')
        elif e.kind != 'kunit' or not args.no_kunit:  # none can match with --no-kunit
            tail.append(f'NOTE: {e.origin}: "{e}" matched no difference in '
                        f'this run: remove it if it no longer differs')
    tail += [f'FAIL: {u}' for u in unexpected + problems]
    # Each match of an entry is one expected difference.
    summary = (f'{len(rows)} test cases, {len(ours.fuzz)} fuzz cases: '
               f'{len(unexpected)} unexpected difference(s), '
               f'{sum(exp.hits.values())} expected, {len(problems)} problem(s)')
    if args.report:
        ftable = ['| fuzz case | call | mainline | ours | |', '|---|---|---|---|---|'] + [
            f'| {key} | {cell(inputs)} | {cell(oa)} | {cell(ob)} | {verdict(e)} |'
            for key, inputs, oa, ob, e in fdiff] + ['']
        with open(args.report, 'w') as f:
            f.write('\n'.join(md + (ftable if fdiff else []) + ['## Verdict', ''] +
                              [f'- {cell(t)}' for t in tail] + ['', summary]) + '\n')

    # The terminal: the same tables, the differing fuzz cases shortened.
    shown = failed[:args.show]
    print('\n'.join(md))
    for key, inputs, oa, ob, _ in shown:
        print(f'DIFFERS fuzz {key} {inputs}: mainline {oa} | ours {ob}')
    # The differing fuzz cases are printed above, with the replay below;
    # the problems of the fuzzer as a whole (seeds, calls) are not.
    above = {f'FAIL: {u}' for u in unexpected if u.startswith('fuzz ')} if shown else set()
    for t in tail:
        if t not in above:
            print(t)
    for key, *_ in shown:
        print(f'FAIL: fuzz {key}: replay: FUZZ_SEED={seed} FUZZ_ONLY={key}')
    if len(failed) > len(shown):
        print(f'... and {len(failed) - len(shown)} more differing fuzz case(s) in the report')
    print(summary)
    bad = len(unexpected) + len(problems)
    print(f'compare: {max(len(rows) + len(ours.fuzz) - bad, 0)} passed, {bad} failed, 0 skipped')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
