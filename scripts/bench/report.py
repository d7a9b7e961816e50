#!/usr/bin/env python3
"""Report of make bench: BENCH_OUT/raw/<kernel>-<mode>-r<round>/ (from the
guests' bench/pidfd_bench) and host.tsv as tables, each figure with its ratio
to the reference method, printed and in results.md; the plot in latency.png.

Modes: "tcg", wall-clock time under TCG; "icount", the guest booted with
-icount shift=0, where a guest ns is one guest instruction: a count that
does not depend on the host's load or on where the code lies.

The samples of a kernel's boots are pooled; the spread column gives the
lowest and highest ratio that a single boot alone would have given.
"""
import os
import re
import statistics
import sys
from collections import defaultdict

REFERENCE = {"spawn": "fork_waitpid", "kill": "pidfd_send_signal"}
KERNELS = ("base", "patched")
CLOSE_LIMIT = 0.02  # the acceptance bound on the close() overhead


class Series:
    def __init__(self, label, unit):
        self.label, self.unit, self.status = label, unit, "ok"
        self.runs = {}  # round -> samples

    def pooled(self):
        return sorted(v for r in self.runs.values() for v in r)

    def median(self, rnd=None):
        v = self.runs.get(rnd, []) if rnd is not None else self.pooled()
        return statistics.median(v) if v else None

    def pct(self, p):
        v = self.pooled()
        return v[int(p * (len(v) - 1) + 0.5)]

    def ratio(self, ref, rnd=None):
        return self.median(rnd) / ref.median(rnd)


def ok(s):
    return s is not None and s.status == "ok"


def load(out, mode):
    """-> ({(kernel, group, id): Series}, {kernel: {round: meta}})"""
    series, meta = {}, defaultdict(dict)
    raw = os.path.join(out, "raw")
    for d in sorted(os.listdir(raw) if os.path.isdir(raw) else []):
        m = re.fullmatch(r"(\w+)-(\w+)-r(\d+)", d)
        path = os.path.join(raw, d, "results.tsv")
        if not m or m.group(2) != mode or not os.path.exists(path):
            continue
        kernel, rnd = m.group(1), int(m.group(3))
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if f[0] == "M":
                meta[kernel].setdefault(rnd, {})[f[1]] = f[2]
            if f[0] != "R":
                continue
            group, ident, status = f[1:4]
            s = series.setdefault((kernel, group, ident), Series(f[-1], f[-2]))
            if status != "ok":
                s.status = "unsupported (%s)" % f[4] if f[4] else "unsupported"
                continue
            samples = os.path.join(raw, d, "%s.%s.txt" % (group, ident))
            s.runs[rnd] = [float(x) for x in open(samples)]
    return series, meta


def us(ns):
    return "%.1f" % (ns / 1000) if ns >= 100 else "%.3f" % (ns / 1000)


def spread(values):
    return "%.2f-%.2f" % (min(values), max(values)) if len(values) > 1 else ""


def group_table(series, iseries, group):
    """Spawn or kill: per kernel the median, its ratio to the reference's
    (patched: percentiles, per boot); the same ratio in instructions."""
    head = ["method", "base median us", "base x ref", "patched median us",
            "p10", "p90", "p99", "patched x ref", "x ref per boot",
            "insn: base x ref", "patched kinsn", "patched x ref"]
    rows = []
    for ident in dict.fromkeys(i for _, g, i in series if g == group):
        keys = [(k, group, i) for k in KERNELS for i in (ident, REFERENCE[group])]
        b, rb, p, rp = map(series.get, keys)
        ib, irb, ip, irp = map(iseries.get, keys)
        row = [b.label if b else ident]
        row += ([us(b.median()), "%.2f" % b.ratio(rb)] if ok(b) else
                ["unsupported", "-"])
        if ok(p):
            row += [us(p.median())] + [us(p.pct(x)) for x in (.1, .9, .99)]
            row += ["%.2f" % p.ratio(rp),
                    spread([p.ratio(rp, k) for k in p.runs if rp.median(k)])]
        else:
            row += ["unsupported", "", "", "", "-", ""]
        row += ["%.2f" % ib.ratio(irb)] if ok(ib) and ok(irb) else ["-"]
        row += (["%.1f" % (ip.median() / 1000), "%.2f" % ip.ratio(irp)]
                if ok(ip) and ok(irp) else ["-", "-"])
        rows.append(row)
    return head, rows


def close_table(series, iseries):
    head = ["per call", "base median", "patched median", "patched / base",
            "per boot pair", "base p10-p90", "patched p10-p90"]
    rows, verdict = [], {}
    for mode, ident in [("tcg", "pidfd_close"), ("tcg", "eventfd_close"),
                        ("tcg", "pidfd_vs_eventfd"), ("tcg", "pidfd_open"),
                        ("icount", "pidfd_close"), ("icount", "eventfd_close")]:
        src = series if mode == "tcg" else iseries
        b, p = (src.get((k, "close", ident)) for k in KERNELS)
        if not ok(b) or not ok(p):
            continue
        unit = (" ns" if mode == "tcg" else " insn") if b.unit == "ns" else ""
        fmt = (lambda x: "%.0f%s" % (x, unit)) if unit else (lambda x: "%.4f" % x)
        pairs = [p.ratio(b, k) for k in p.runs if k in b.runs]
        rows.append([b.label + ("" if mode == "tcg" else ", instructions"),
                     fmt(b.median()), fmt(p.median()), "%.4f" % p.ratio(b),
                     spread(pairs)] +
                    ["%s-%s" % (fmt(s.pct(.1)), fmt(s.pct(.9))) for s in (b, p)])
        verdict[(mode, ident)] = (p.ratio(b), pairs)
    return head, rows, verdict


def table(head, rows):
    """Markdown, lined up for the terminal; "|" in a cell would end it."""
    rows = [[str(x).replace("|", "\\|") for x in r] for r in [head] + rows]
    w = [max(len(x) for x in col) for col in zip(*rows)]
    rows.insert(1, ["-" * n for n in w])
    return "\n".join("| " + " | ".join(x.ljust(n) for x, n in zip(r, w)) + " |"
                     for r in rows)


def plot(series, out):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from matplotlib import ticker
    except ImportError:
        return "no plot: matplotlib is missing (python3 -m pip install matplotlib)"
    fig, axes = plt.subplots(1, 3, figsize=(18, 6.5))
    for ax, group, title in zip(axes, ("spawn", "kill", "close"), (
            "spawn and reap, us (log)", "kill latency, us (log)",
            "close() per call, ns (log)")):
        idents = (dict.fromkeys(i for _, g, i in series if g == group)
                  if group != "close" else ["pidfd_close", "eventfd_close"])
        scale = 1 if group == "close" else 1000.0
        shown = [(k, series.get((k, group, i))) for i in idents for k in KERNELS]
        shown = [(k, s) for k, s in shown if ok(s)]
        if not shown:
            continue
        data = [[v / scale for v in s.pooled()] for _, s in shown]
        kw = dict(whis=(1, 99), showfliers=False, patch_artist=True,
                  medianprops={"color": "black"})
        try:
            bp = ax.boxplot(data, orientation="horizontal", **kw)
        except TypeError:  # matplotlib before 3.10
            bp = ax.boxplot(data, vert=False, **kw)
        for box, (k, _) in zip(bp["boxes"], shown):
            box.set_facecolor({"base": "#9db4cf", "patched": "#d9763a"}[k])
        ax.set_yticks(range(1, len(shown) + 1))
        ax.set_yticklabels(["%s [%s]" % (s.label, k) for k, s in shown],
                           fontsize=7)
        ax.invert_yaxis()
        ax.set_xscale("log")
        # Plain numbers at 1, 2 and 5 of each decade: the default labels
        # of the minor ticks (3x10^2, 4x10^2 ...) run into each other.
        ax.xaxis.set_major_locator(ticker.LogLocator(subs=(1, 2, 5)))
        ax.xaxis.set_major_formatter(ticker.FormatStrFormatter("%g"))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
        ax.set_title(title + "\nbox p25-p75, whiskers p1-p99", fontsize=9)
        ax.grid(axis="x", alpha=.3)
    fig.tight_layout()
    path = os.path.join(out, "latency.png")
    fig.savefig(path, dpi=110)
    return "plot: %s" % path


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: bench-report.py BENCH_OUT")
    out = sys.argv[1]
    series, meta = load(out, "tcg")
    iseries, imeta = load(out, "icount")
    if not series:  # no timed boots: report the counting ones alone
        series, meta = iseries, imeta
    if not series:
        sys.exit("bench-report: no results under %s/raw" % out)
    host = defaultdict(lambda: "?")
    hp = os.path.join(out, "host.tsv")
    for line in open(hp) if os.path.exists(hp) else []:
        k, _, v = line.rstrip("\n").partition("\t")
        host[k] = v
    # Per boot: the patched kernel's largest count of samples in the group.
    iterations = [max((len(s.pooled()) for (k, g, _), s in series.items()
                       if g == group and k == "patched"), default=0)
                  // max(len(meta["patched"]), 1)
                  for group in ("spawn", "kill", "close")]
    lines = [
        "Machine: %(cpu)s, %(host_cpus)s CPUs, %(host_mem)s; host kernel "
        "%(host_kernel)s; %(qemu)s" % host,
        "Guest: QEMU %(guest)s (TCG unless KVM was proven to work); load "
        "average on the host before/after: %(load_before)s / %(load_after)s"
        % host]
    for k in KERNELS:
        lines.append("%s kernel: %s, %d boot(s) timed, %d counting "
                     "instructions (-icount shift=0); tree %s" % (
                         k, next(iter(meta[k].values()), {}).get("kernel", "?"),
                         len(meta[k]), len(imeta[k]), host[k + "_tree"]))
    lines.append("Scale %s (iterations: spawn %d, kill %d, close batches %d "
                 "per boot), %s s of benchmarking in all\n" % (
                     host["scale"], *iterations, host["bench_seconds"]))
    titles = {
        "spawn": "Spawn and reap one child that exits at once (x ref: ratio "
                 "of medians to fork()+waitpid() on the same kernel; insn: "
                 "the same in guest instructions, -icount)",
        "kill": "Kill latency, from the supervisor's action to the child seen "
                "dead (POLLIN on a second pidfd); x ref: to "
                "pidfd_send_signal(SIGKILL)"}
    for group in ("spawn", "kill"):
        if any(g == group for _, g, _ in series):
            lines += ["**%s**\n" % titles[group],
                      table(*group_table(series, iseries, group)) + "\n"]
    head, rows, verdict = close_table(series, iseries)
    batch = next(iter(meta["patched"].values()), {}).get("close_batch", "?")
    if rows:
        lines += ["**close() of an ordinary pidfd (pidfd_open on itself), per "
                  "call in batches of %s, base against patched kernel; eventfd "
                  "is the control**\n" % batch, table(head, rows) + "\n"]
    lines.append("**Criteria:**\n")
    wall, norm, insn = map(verdict.get, [("tcg", "pidfd_close"),
                           ("tcg", "pidfd_vs_eventfd"), ("icount", "pidfd_close")])
    if wall or insn:
        r = (insn or norm)[0]  # the instruction count decides if there is one
        figures = [
            insn and "instructions %+.2f%%" % ((insn[0] - 1) * 100),
            wall and "wall-clock median under TCG %+.1f%%%s" % (
                (wall[0] - 1) * 100,
                spread(wall[1]) and " (per boot pair %s)" % spread(wall[1])),
            norm and "normalised by the eventfd control %+.1f%%" % (
                (norm[0] - 1) * 100)]
        lines.append("- close() of an ordinary pidfd, patched against base: "
                     "%s the %d%% bound: %s" % (
                         "within" if r - 1 <= CLOSE_LIMIT else "OUTSIDE",
                         CLOSE_LIMIT * 100, "; ".join(x for x in figures if x)))
        if insn and wall and abs(wall[0] - 1) > CLOSE_LIMIT:
            lines.append(
                "  The instruction count decides: under TCG the time of the "
                "same instructions depends on where the kernel's code lies "
                "(translation blocks, softmmu TLB), which moves with any "
                "change to the image; the eventfd control moves too.")
    ak = series.get(("patched", "spawn", "clone3_autokill"))
    if ak and not ok(ak):
        lines.append("  (the patched kernel has no CLONE_PIDFD_AUTOKILL: %s; "
                     "so no pidfd release hook either, and this compares "
                     "kernels without it)" % ak.status)
    keys = [("patched", "spawn", i) for i in ("clone3_autoreap", "fork_waitpid")]
    ar, fk = map(series.get, keys)
    iar, ifk = map(iseries.get, keys)
    if ok(ar) and fk:
        r = ar.ratio(fk)
        ir = iar.ratio(ifk) if ok(iar) and ifk else None
        lines.append(
            "- clone3(CLONE_PIDFD|CLONE_AUTOREAP)+poll against "
            "fork()+waitpid() on the patched kernel: %.2fx the time (per "
            "boot %s)%s: %s" % (
                r, ", ".join("%.2f" % ar.ratio(fk, k) for k in ar.runs),
                ", %.2fx the instructions" % ir if ir else "",
                "at least as fast" if r <= 1 and (ir or 0) <= 1 else "SLOWER"))
    elif ar:
        lines.append("- CLONE_AUTOREAP: %s on the patched kernel" % ar.status)
    lines.append("")

    print("\n".join(lines + [plot(series, out)]))
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write("\n".join(lines + ["![latency distributions](latency.png)\n"]))
    print("written: %s" % os.path.join(out, "results.md"))


if __name__ == "__main__":
    main()
