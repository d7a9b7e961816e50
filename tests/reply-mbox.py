#!/usr/bin/env python3
"""reply-mbox.py SENT-DIR MBOX: an mbox of the thread in SENT-DIR (*.eml) and
two replies to patch 2, with a Reviewed-by and a Tested-by (tests/post.sh)."""
import email, email.policy, email.utils, mailbox, sys, glob, os
src, out = sys.argv[1], sys.argv[2]
mails = [email.message_from_binary_file(open(f, 'rb'), policy=email.policy.default)
         for f in sorted(glob.glob(os.path.join(src, '*.eml')))]
# the patch k/n whose subject says 2/
target = next(m for m in mails if ' 2/' in m['Subject'])
def reply(frm, trailer, date):
    r = email.message.EmailMessage()
    r['From'] = frm
    r['To'] = target['From']
    r['Subject'] = 'Re: ' + target['Subject']
    r['Date'] = date
    r['Message-ID'] = email.utils.make_msgid(domain='example.org')
    r['In-Reply-To'] = target['Message-Id']
    r['References'] = (target.get('References', '') + ' ' + target['Message-Id']).strip()
    quoted = '\n'.join('> ' + l for l in target.get_content().splitlines()[:6])
    r.set_content(f'On Sat, Dec 05, 2026, Toy Dev wrote:\n{quoted}\n\nLooks good.\n\n{trailer}\n')
    return r
mb = mailbox.mbox(out, create=True)
for m in mails:
    mb.add(m)
mb.add(reply('Rae Reviewer <rae@example.org>', 'Reviewed-by: Rae Reviewer <rae@example.org>', 'Sat, 05 Dec 2026 10:00:00 +0000'))
mb.add(reply('Tess Tester <tess@example.org>', 'Tested-by: Tess Tester <tess@example.org>', 'Sat, 05 Dec 2026 11:00:00 +0000'))
mb.flush()
