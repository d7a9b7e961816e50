#!/usr/bin/env python3
"""Check the mails that make send wrote with b4 send -o.

    check-outgoing.py --mails DIR --patches DIR --tree TREE --sender 'Name <addr>'
        [--always-cc ADDR]... [--expect-to ADDR --expect-cc ADDR...]

Prints "ok - ..." or "not ok - ..." for each check:
  - one mail for the cover letter and one for each patch, in order, with
    the subjects [PATCH vN k/n] (v1: [PATCH k/n]) and the patches' titles
  - threading: every patch In-Reply-To (and References) the cover letter
  - recipients, on every mail: To: the maintainers that get_maintainer.pl
    gives for the series on the applied tree, Cc: its reviewers and lists
    (with --expect-to/--expect-cc: exactly those instead); --always-cc on
    Cc: of every mail; besides, only addresses that the trailers of the
    mail's own patch name (the cover letter: of any patch); no placeholder
    address (--placeholders); none twice; none named in the cover's text
  - each patch ends its trailers with the sender's Signed-off-by, once
  - the patch mails applied with git am to the base give the tree's HEAD,
    with the patches' titles and authors
Exits 1 if a check failed.
"""
import argparse
import email
import email.policy
import email.utils
import fnmatch
import glob
import os
import re
import subprocess
import sys
import tempfile

results = []


def check(name, ok, detail=""):
    results.append(ok)
    print(("ok - " if ok else "not ok - ") + name)
    if not ok and detail:
        for line in str(detail).splitlines()[:20]:
            print("    " + line)


def addrs(values):
    return [a.lower() for _, a in email.utils.getaddresses(values) if a]


def unfold(s):
    return re.sub(r"\s+", " ", s or "").strip()


def load(path):
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.compat32)


def get_maintainer(tree, patches, opts):
    out = subprocess.run(
        ["perl", "scripts/get_maintainer.pl", "--nogit", "--nogit-fallback",
         "--norolestats", "--no-substatus"] + opts + [os.path.abspath(p) for p in patches],
        cwd=tree, capture_output=True, text=True, check=True).stdout
    return {a.lower() for _, a in email.utils.getaddresses(out.splitlines()) if a}


def trailer_addrs(path):
    """The addresses in the trailers of a patch's message (above '---')."""
    log = open(path, encoding="utf-8", errors="replace").read().split("\n---\n", 1)[0]
    found = set()
    for line in re.findall(r"(?m)^[A-Za-z-]+: .*@.*$", log.split("\n\n", 1)[-1]):
        found |= {a.lower() for _, a in email.utils.getaddresses([line.split(": ", 1)[1].split(" #")[0]])}
    return found




def git(*args, **kw):
    return subprocess.run(["git", "-c", "user.name=Checker", "-c", "user.email=checker@localhost"]
                          + list(args), capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser()
    for opt in ("--mails", "--patches", "--tree", "--sender"):
        ap.add_argument(opt, required=True)
    for opt in ("--always-cc", "--expect-to", "--expect-cc"):
        ap.add_argument(opt, action="append", default=[])
    ap.add_argument("--placeholders", default="", help="shell patterns, space-separated")
    args = ap.parse_args()

    cover = os.path.join(args.patches, "0000-cover-letter.patch")
    patches = sorted(glob.glob(os.path.join(args.patches, "[0-9][0-9][0-9][0-9]-*.patch")))
    patches.remove(cover)
    n = len(patches)
    emls = sorted(glob.glob(os.path.join(os.path.abspath(args.mails), "*.eml")))
    mails = [load(e) for e in emls]
    check("%d mails (cover letter + %d patches)" % (n + 1, n), len(mails) == n + 1,
          "got %d" % len(mails))
    if len(mails) != n + 1:
        return

    m = re.match(r"\[PATCH (v(\d+) )?0/(\d+)\] (.*)", unfold(load(cover)["Subject"]))
    prefix = "PATCH v%s" % m.group(2) if m and m.group(2) else "PATCH"
    titles = [re.sub(r"^\[[^]]*\] ", "", unfold(load(p)["Subject"])) for p in patches]
    want = ["[%s 0/%d] %s" % (prefix, n, m.group(4) if m else "")]
    want += ["[%s %d/%d] %s" % (prefix, k, n, t) for k, t in enumerate(titles, 1)]
    got = [unfold(msg["Subject"]) for msg in mails]
    check("subjects: [%s k/%d] in order, with the patches' titles" % (prefix, n), got == want,
          "\n".join("got  %s\nwant %s" % gw for gw in zip(got, want) if gw[0] != gw[1]))

    root = unfold(mails[0]["Message-Id"])
    bad = [os.path.basename(e) for e, msg in zip(emls[1:], mails[1:])
           if unfold(msg["In-Reply-To"]) != root or root not in unfold(msg["References"]).split()]
    check("one thread: every patch In-Reply-To and References the cover letter",
          root and mails[0]["In-Reply-To"] is None and not bad, "\n".join(bad))

    always = {a.lower() for a in args.always_cc}
    if args.expect_to:
        to_want = {a.lower() for a in args.expect_to}
        cc_want = {a.lower() for a in args.expect_cc} | always
    else:
        to_want = get_maintainer(args.tree, patches, ["--m", "--nor", "--nol"])
        cc_want = (get_maintainer(args.tree, patches, ["--nom", "--r", "--l"]) | always) - to_want
    own = [set().union(*map(trailer_addrs, patches))] + [trailer_addrs(p) for p in patches]
    miss, extra, bad = [], [], []
    for e, msg, named in zip(emls, mails, own):
        name = os.path.basename(e)[:4]
        to, cc = addrs(msg.get_all("To", [])), addrs(msg.get_all("Cc", []))
        miss += ["%s: %s" % (name, a) for a in sorted(to_want - set(to)) + sorted(cc_want - set(cc))]
        extra += ["%s: %s" % (name, a) for a in sorted(set(to + cc) - to_want - cc_want - named)]
        bad += ["%s: %s" % (name, a) for a in set(to + cc) if (to + cc).count(a) > 1
                or any(fnmatch.fnmatchcase(a, p) for p in args.placeholders.split())]
    check("every mail: To: the %d maintainers, Cc: the %d reviewers and lists, %s among them"
          % (len(to_want), len(cc_want), ", ".join(sorted(always))), not miss, "missing: %s" % miss)
    check("every mail: nobody else than the trailers of its patches name", not extra, extra)
    check("every mail: no placeholder address, none twice", not bad, bad)

    body = mails[0].get_payload(decode=True).decode("utf-8", "replace")
    check("the cover letter's text names no recipient (To:/Cc: lines)",
          not re.search(r"(?m)^(To|Cc): ", body), re.findall(r"(?m)^(?:To|Cc): .*", body)[:5])

    sob = "Signed-off-by: " + args.sender
    bad = []
    for e, msg in zip(emls[1:], mails[1:]):
        log = msg.get_payload(decode=True).decode("utf-8", "replace").split("\n---\n", 1)[0]
        log = log.rstrip("\n").split("\n")
        if log[-1] != sob or log.count(sob) != 1:
            bad.append("%s: %s" % (os.path.basename(e)[:4], log[-1]))
    check("every patch ends its trailers with the sender's Signed-off-by, once", not bad, bad)

    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.tree))) as tmp:
        wt = os.path.join(tmp, "wt")
        git("-C", args.tree, "worktree", "add", "-q", "--detach", wt, "base", check=True)
        try:
            r = git("-C", wt, "am", *emls[1:])
            check("the %d patch mails apply with git am on the base" % n, r.returncode == 0,
                  r.stdout + r.stderr)
            if r.returncode == 0:
                tree = [git("-C", d, "rev-parse", "HEAD^{tree}").stdout for d in (wt, args.tree)]
                check("... and give the tree's HEAD", tree[0] == tree[1], tree)
                log = git("-C", wt, "log", "--reverse", "--format=%s%n%an <%ae>", "base..HEAD").stdout
                want = "".join("%s\n%s <%s>\n" % ((t,) + email.utils.parseaddr(unfold(load(p)["From"])))
                               for t, p in zip(titles, patches))
                check("... with the patches' titles and authors", log == want, log)
        finally:
            git("-C", args.tree, "worktree", "remove", "--force", wt)


if __name__ == "__main__":
    main()
    sys.exit(0 if results and all(results) else 1)
