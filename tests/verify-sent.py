#!/usr/bin/env python3
"""Verify the mails that make send delivered to tests/smtp-capture.py.

    verify-sent.py --captured DIR --patches DIR --tree TREE [--sender ADDR]
        [--always-cc ADDR]... [--expect-to ADDR --expect-cc ADDR...]
        [--signoff 'Name <addr>']

Checks, printing "ok - ..." or "not ok - ..." for each:
  - one mail for the cover letter and one for each patch, in order
  - subjects: [PATCH vN k/n] (v1: [PATCH k/n]) and the patch's own title
  - threading: every patch In-Reply-To (and References) the cover letter
  - recipients: To: exactly the maintainers that get_maintainer.pl gives
    for the patch on the applied tree (the union for the cover letter);
    Cc: its reviewers and lists, and otherwise only people named in the
    patch itself (signers); no address twice; the SMTP envelope is To+Cc.
    With --expect-to/--expect-cc (a series that get_maintainer.pl does not
    cover: the man pages), To: is exactly those and Cc: has those instead.
    --always-cc: that address is on Cc: of every mail
  - --signoff: each patch mail ends its trailers with that Signed-off-by,
    once, after the patch's own; the applied commits keep the patch's author
  - each patch mail applies with git am, in order, to the base, and the
    result is the tree's HEAD exactly
Exits 1 if any check failed.
"""
import argparse
import email
import email.policy
import email.utils
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


def get_maintainer(tree, patches, opts):
    out = subprocess.run(
        ["perl", "scripts/get_maintainer.pl", "--nogit", "--nogit-fallback",
         "--norolestats", "--no-substatus"] + opts + patches,
        cwd=tree, capture_output=True, text=True, check=True).stdout
    return {a.lower() for _, a in email.utils.getaddresses(out.splitlines()) if a}


def named_in(path):
    """Addresses that the patch file itself names (From:, trailers, and
    a bare address in a Cc: trailer such as "Cc: stable@vger.kernel.org # 7.1+")."""
    text = open(path, encoding="utf-8", errors="replace").read()
    found = re.findall(r"<([^<>@\s]+@[^<>\s]+)>", text)
    found += re.findall(r"(?m)^Cc: ([^<>@\s]+@[^<>\s]+)", text)
    return {a.lower() for a in found}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--captured", required=True)
    ap.add_argument("--patches", required=True)
    ap.add_argument("--tree", required=True)
    ap.add_argument("--sender", default="")
    ap.add_argument("--always-cc", action="append", default=[])
    ap.add_argument("--expect-to", action="append", default=[])
    ap.add_argument("--expect-cc", action="append", default=[])
    ap.add_argument("--signoff", default="")
    args = ap.parse_args()

    files = sorted(glob.glob(os.path.join(args.patches, "[0-9][0-9][0-9][0-9]-*.patch")))
    cover = os.path.join(args.patches, "0000-cover-letter.patch")
    patches = [f for f in files if f != cover]
    n = len(patches)
    mails = []
    for eml in sorted(glob.glob(os.path.join(args.captured, "*.eml"))):
        with open(eml, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.compat32)
        env = open(eml[:-4] + ".env").read().splitlines()
        rcpt = [line[4:].lower() for line in env if line.startswith("to: ")]
        mails.append((eml, msg, rcpt))

    check("%d mails captured (cover letter + %d patches)" % (n + 1, n),
          len(mails) == n + 1, "got %d" % len(mails))
    if len(mails) != n + 1:
        return

    def file_subject(path):
        with open(path, "rb") as f:
            msg = email.message_from_binary_file(f, policy=email.policy.compat32)
        return unfold(msg["Subject"])

    cov_subj = file_subject(cover)
    m = re.match(r"\[PATCH (v(\d+) )?0/(\d+)\] (.*)", cov_subj)
    version = int(m.group(2)) if m and m.group(2) else 1
    prefix = "PATCH" if version == 1 else "PATCH v%d" % version
    want = ["[%s 0/%d] %s" % (prefix, n, m.group(4) if m else "")]
    for k, p in enumerate(patches, 1):
        want.append("[%s %d/%d] %s" % (prefix, k, n, re.sub(r"^\[[^]]*\] ", "", file_subject(p))))
    want_subj = want
    got = [unfold(msg["Subject"]) for _, msg, _ in mails]
    check("subjects: [%s k/%d] in order, each with its patch's title" % (prefix, n),
          got == want, "\n".join("got  %s\nwant %s" % gw for gw in zip(got, want) if gw[0] != gw[1]))

    ids = [unfold(msg["Message-ID"]) for _, msg, _ in mails]
    check("every mail has its own Message-ID", all(ids) and len(set(ids)) == len(ids), ids)
    root = ids[0]
    check("the cover letter starts the thread (no In-Reply-To)",
          mails[0][1]["In-Reply-To"] is None)
    bad = ["%s: In-Reply-To %s References %s" % (os.path.basename(e), unfold(msg["In-Reply-To"]),
                                                unfold(msg["References"]))
           for e, msg, _ in mails[1:]
           if unfold(msg["In-Reply-To"]) != root or root not in unfold(msg["References"]).split()]
    check("every patch is In-Reply-To (and References) the cover letter %s" % root, not bad,
          "\n".join(bad))

    if args.sender:
        froms = {addrs([msg["From"]])[0] for _, msg, _ in mails}
        check("every mail is From: %s" % args.sender, froms == {args.sender.lower()}, froms)

    always = {a.lower() for a in args.always_cc}
    if args.expect_to:
        maint = [{a.lower() for a in args.expect_to} for p in patches]
        other = [{a.lower() for a in args.expect_cc} | always for p in patches]
    else:
        maint = [get_maintainer(args.tree, [p], ["--m", "--nor", "--nol"]) for p in patches]
        other = [get_maintainer(args.tree, [p], ["--nom", "--r", "--l"]) | always
                 for p in patches]
    sets = [(cover, set().union(*maint), set().union(*other) - set().union(*maint),
             set().union(*(named_in(p) for p in files)))]
    sets += [(p, mt, ot - mt, named_in(p)) for p, mt, ot in zip(patches, maint, other)]
    for (path, mt, ot, named), (eml, msg, rcpt) in zip(sets, mails):
        name = os.path.basename(path)
        to = addrs(msg.get_all("To", []))
        cc = addrs(msg.get_all("Cc", []))
        check("%s: To: is its maintainers (%d)" % (name, len(mt)), set(to) == mt,
              "To: %s\nwant: %s" % (sorted(to), sorted(mt)))
        check("%s: Cc: has its reviewers and lists (%d)" % (name, len(ot)), ot <= set(cc),
              "missing: %s" % sorted(ot - set(cc)))
        extra = set(cc) - ot - named
        check("%s: Cc: has nobody else than the people the patch names" % name, not extra,
              "extra: %s" % sorted(extra))
        for a in sorted(always):
            check("%s: Cc: %s" % (name, a), a in cc, "Cc: %s" % sorted(cc))
        dup = len(to) + len(cc) != len(set(to) | set(cc))
        check("%s: no address twice in To:/Cc:" % name, not dup, "To: %s\nCc: %s" % (to, cc))
        check("%s: the SMTP envelope is To: + Cc:" % name, set(rcpt) == set(to) | set(cc),
              "envelope: %s\nheaders: %s" % (sorted(rcpt), sorted(set(to) | set(cc))))

    if args.signoff:
        sob = "Signed-off-by: " + args.signoff
        for (eml, msg, _), path in zip(mails[1:], patches):
            body = msg.get_payload(decode=True).decode("utf-8", "replace")
            log = body.split("\n---\n", 1)[0].rstrip("\n").split("\n")
            own = [line for line in open(path, encoding="utf-8").read()
                   .split("\n---\n", 1)[0].split("\n") if line.startswith("Signed-off-by: ")]
            name = os.path.basename(path)
            check("%s: the mail ends its trailers with %s, once" % (name, sob),
                  log[-1] == sob and log.count(sob) == 1, "\n".join(log[-4:]))
            check("%s: ... after the patch's own Signed-off-by (%d)" % (name, len(own)),
                  all(o in log for o in own), "own: %s" % own)

    # git am, mail by mail, on a worktree of the tree at base.
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.tree))) as tmp:
        wt = os.path.join(tmp, "wt")
        git = ["git", "-c", "user.name=Verifier", "-c", "user.email=verifier@localhost"]
        subprocess.run(git + ["-C", args.tree, "worktree", "add", "-q", "--detach", wt, "base"],
                       check=True)
        try:
            for k, (eml, _, _) in enumerate(mails[1:], 1):
                r = subprocess.run(git + ["-C", wt, "am", eml], capture_output=True, text=True)
                check("mail %d/%d applies with git am" % (k, n), r.returncode == 0,
                      r.stdout + r.stderr)
                if r.returncode:
                    break
            else:
                got = subprocess.run(["git", "-C", wt, "rev-parse", "HEAD^{tree}"],
                                     capture_output=True, text=True).stdout.strip()
                want = subprocess.run(["git", "-C", args.tree, "rev-parse", "HEAD^{tree}"],
                                      capture_output=True, text=True).stdout.strip()
                check("the mails applied to the base give the materialised tree (%s)"
                      % want[:12], got == want, "got %s" % got)
                titles = subprocess.run(
                    ["git", "-C", wt, "log", "--format=%s", "--reverse", "base..HEAD"],
                    capture_output=True, text=True).stdout.splitlines()
                check("the applied commits carry the patches' titles",
                      titles == [s.split("] ", 1)[1] for s in want_subj[1:]], titles)
                authors = subprocess.run(
                    ["git", "-C", wt, "log", "--format=%an <%ae>", "--reverse", "base..HEAD"],
                    capture_output=True, text=True).stdout.splitlines()
                want_authors = []
                for p in patches:
                    with open(p, "rb") as f:
                        m = email.message_from_binary_file(f, policy=email.policy.compat32)
                    n_, a_ = email.utils.parseaddr(unfold(m["From"]))
                    want_authors.append("%s <%s>" % (n_, a_))
                check("the applied commits keep the patches' authors (%s)"
                      % ", ".join(sorted(set(want_authors))), authors == want_authors,
                      "\n".join(authors))
        finally:
            subprocess.run(["git", "-C", args.tree, "worktree", "remove", "--force", wt])


if __name__ == "__main__":
    main()
    sys.exit(0 if results and all(results) else 1)
