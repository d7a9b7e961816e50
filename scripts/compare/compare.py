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
        self.dir = d
        self.cases = collections.OrderedDict()   # key -> (status, name)
        self.fuzz = collections.OrderedDict()    # key -> (inputs, outcome)
        self.kinds = collections.OrderedDict()   # fuzz:kind -> (status, text)
        self.seeds = set()
        self.fuzz_end = None
        self.version = '?'
        self.problems = []
        self.read_ksft(f'{d}/ksft.log')
        self.read_fuzz(f'{d}/fuzz.log')
        self.read_console(f'{d}/console.log')

    def open_log(self, path, missing):
        """The log at path, or None, noting the problem as "missing: why"."""
        try:
            return open(path, errors='replace')
        except OSError as e:
            self.problems.append(f'{missing}: {e}')
            return None

    def read_ksft(self, path):
        f = self.open_log(path, 'no kselftest output')
        if f is None:
            return
        reader = ktap.Reader()
        for raw in f:
            prog = reader.feed(raw.rstrip('\r\n'))
            if prog:
                for n, c in enumerate(prog.cases, 1):
                    self.cases[f'{prog.key}:{n}'] = (ktap.kind(c.ok, c.directive), c.name)
                self.cases[prog.key] = (ktap.kind(prog.ok, prog.directive), prog.directive)
        self.problems += [f'{p} ({path})' for p in reader.problems()]

    def read_fuzz(self, path):
        f = self.open_log(path, 'no fuzzer output')
        if f is None:
            return
        for raw in f:
            line = raw.rstrip('\r\n')
            m = FUZZ_CASE.match(line)
            if m:
                key, inputs, outcome = m.groups()
                if key in self.fuzz:
                    self.problems.append(f'fuzz case {key} printed twice')
                self.fuzz[key] = (inputs, outcome)
            elif FUZZ_KIND.match(line):
                name, status, text = FUZZ_KIND.match(line).groups()
                self.kinds[f'fuzz:{name}'] = (status, text)
                if status == 'not ok':
                    self.problems.append(f'fuzz {name}: {text} ({path})')
            elif FUZZ_SEED.match(line):
                self.seeds.add(int(FUZZ_SEED.match(line).group(1), 0))
            elif FUZZ_END.match(line):
                self.fuzz_end = int(FUZZ_END.match(line).group(1))
        if self.fuzz_end is None:
            self.problems.append(f'the fuzzer did not finish (no fuzz-end '
                                 f'line in {path})')
        elif self.fuzz_end != len(self.fuzz):
            self.problems.append(f'the fuzzer ran {self.fuzz_end} cases, '
                                 f'printed {len(self.fuzz)} ({path})')

    def read_console(self, path):
        self.kunit = collections.OrderedDict()
        f = self.open_log(path, 'no console log')
        if f is None:
            return
        for line in f:
            m = VERSION.search(line)
            if m and self.version == '?':
                self.version = m.group(1)
            m = KUNIT.match(line.rstrip())
            if m:
                ok, name, directive = m.groups()
                self.kunit[f'kunit:{name}'] = (ktap.kind(ok, directive), '')


def case_order(key):
    """"kind:n" in the order of the kinds' names, then of n."""
    kind, _, n = key.rpartition(':')
    return (kind, int(n) if n.isdigit() else -1, n)


def cell(c):
    return c.replace('|', '\\|')


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
    exp = expected.Expected(args.expected, ['compare'])
    problems = [f'mainline: {p}' for p in ref.problems] + \
               [f'ours: {p}' for p in ours.problems]
    # A kernel splat fails as in make run, on either kernel.
    for r, who in ((ref, 'mainline'), (ours, 'ours')):
        if os.path.exists(f'{r.dir}/console.log'):
            problems += [f'{who}: kernel splat: {s}' for s in
                         report.scan_console(f'{r.dir}/console.log')]
    unexpected, matched = [], []
    md = []

    md.append(f'# make compare: mainline {ref.version} | {args.ours_name} '
              f'{ours.version}')
    md.append('')
    rows = []
    compared = [('ksft', ref.cases, ours.cases),
                ('fuzz', ref.kinds, ours.kinds)]
    if not args.no_kunit:
        compared.append(('kunit', ref.kunit, ours.kunit))
    for kind, a, b in compared:
        for key in list(b) + [k for k in a if k not in b]:
            sa, na = a.get(key, ('absent', ''))
            sb, nb = b.get(key, ('absent', ''))
            name = nb or na
            label = f'{key} {name}'.strip()
            verdict = 'same'
            if sa != sb:
                e = exp.match(kind, label)
                if e:
                    verdict = f'expected ({e.origin})'
                    matched.append((label, sa, sb, e))
                else:
                    verdict = 'DIFFERS'
                    unexpected.append(f'{label}: mainline {sa}, ours {sb}')
            rows.append((label, sa, sb, verdict))
    md.append('| test case | mainline | ours | |')
    md.append('|---|---|---|---|')
    for label, sa, sb, v in rows:
        md.append(f'| {cell(label)} | {sa} | {sb} | {v} |')
    md.append('')

    # The fuzzer, case by case.
    if ref.seeds != ours.seeds or len(ours.seeds) != 1:
        problems.append(f'fuzz seeds: mainline {sorted(ref.seeds)}, ours '
                        f'{sorted(ours.seeds)}: not one and the same')
    seed = f'0x{min(ours.seeds):x}' if ours.seeds else '?'
    fdiff = []
    same = 0
    # The kinds' lines interleave as they come: in the order of the cases.
    for key in sorted(set(ours.fuzz) | set(ref.fuzz), key=case_order):
        ia, oa = ref.fuzz.get(key, (None, 'absent'))
        ib, ob = ours.fuzz.get(key, (None, 'absent'))
        if ia and ib and ia != ib:
            problems.append(f'fuzz case {key}: not the same call on both '
                            f'kernels ({ia} | {ib}): the fuzzers differ')
            continue
        if oa == ob:
            same += 1
            continue
        text = f'{key} {ia or ib} mainline={oa} ours={ob}'
        e = exp.match('fuzz', text)
        fdiff.append((key, ia or ib, oa, ob, e))
        if e:
            matched.append((f'fuzz {key}', oa, ob, e))
    for r, who in ((ref, 'mainline'), (ours, 'ours')):
        if not r.fuzz:
            problems.append(f'{who}: no fuzz-case lines')

    def outcomes(r):
        c = collections.Counter(o.split()[0] if o else '?'
                                for _, o in r.fuzz.values())
        return ', '.join(f'{k} {n}' for k, n in c.most_common())
    md.append(f'## Fuzz (seed {seed})')
    md.append('')
    md.append('| | mainline | ours |')
    md.append('|---|---|---|')
    md.append(f'| cases | {len(ref.fuzz)} | {len(ours.fuzz)} |')
    md.append(f'| outcomes | {outcomes(ref)} | {outcomes(ours)} |')
    nexp = sum(1 for d in fdiff if d[4])
    md.append(f'| same outcome | {same} | {same} |')
    md.append(f'| differing, expected | {nexp} | {nexp} |')
    md.append(f'| differing, not expected | {len(fdiff) - nexp} | '
              f'{len(fdiff) - nexp} |')
    md.append('')
    term = list(md)
    if fdiff:
        md.append('| fuzz case | call | mainline | ours | |')
        md.append('|---|---|---|---|---|')
        for n, (key, inputs, oa, ob, e) in enumerate(fdiff):
            v = f'expected ({e.origin})' if e else 'DIFFERS'
            md.append(f'| {key} | {cell(inputs)} | {cell(oa)} | {cell(ob)} '
                      f'| {v} |')
        md.append('')
    for key, inputs, oa, ob, e in fdiff:
        if not e:
            unexpected.append(f'fuzz {key} {inputs}: mainline {oa}, ours '
                              f'{ob}; replay: FUZZ_SEED={seed} '
                              f'FUZZ_ONLY={key}')

    notes = []
    for e in exp.entries:
        if e.kind == 'kunit' and args.no_kunit:
            continue
        if exp.hits[e]:
            notes.append(f'expected ({e.origin}): {exp.hits[e]} x {e}: {e.reason}')
        else:
            notes.append(f'NOTE: {e.origin}: "{e}" matched no difference in '
                         f'this run: remove it if it no longer differs')
    tail = notes + [f'FAIL: {u}' for u in unexpected] + \
        [f'FAIL: {p}' for p in problems]
    verdict = (f'{len(rows)} test cases, {len(ours.fuzz)} fuzz cases: '
               f'{len(unexpected)} unexpected difference(s), '
               f'{len(matched)} expected, {len(problems)} problem(s)')
    md += ['## Verdict', ''] + [f'- {cell(t)}' for t in tail] + ['', verdict]
    if args.report:
        with open(args.report, 'w') as f:
            f.write('\n'.join(md) + '\n')

    # The terminal: the same tables, the differing fuzz cases shortened.
    shown = [d for d in fdiff if not d[4]][:args.show]
    for line in term:
        print(line)
    for key, inputs, oa, ob, e in shown:
        print(f'DIFFERS fuzz {key} {inputs}: mainline {oa} | ours {ob}')
    for t in tail:
        if t.startswith('FAIL: fuzz ') and shown:
            continue  # printed above, with the replay below
        print(t)
    for key, inputs, oa, ob, e in shown:
        print(f'FAIL: fuzz {key}: replay: FUZZ_SEED={seed} FUZZ_ONLY={key}')
    hidden = len([d for d in fdiff if not d[4]]) - len(shown)
    if hidden > 0:
        print(f'... and {hidden} more differing fuzz case(s) in the report')
    print(verdict)
    bad = len(unexpected) + len(problems)
    total = len(rows) + len(ours.fuzz)
    print(f'compare: {max(total - bad, 0)} passed, {bad} failed, 0 skipped')
    return 1 if unexpected or problems else 0


if __name__ == '__main__':
    sys.exit(main())
