#!/usr/bin/env python3
"""Differential check of doppelc against repc 6.4 (the oracle): for every .rep given (files, or
directories searched for *.rep), both must accept or both reject it, and an accepted file must
give the same signature for every class. repc's signatures are read from the source header it
generates (Q_CLASSINFO "RemoteObject Signature").

usage: compare_repc.py --doppelc PATH --repc PATH [--quiet] [--cases JSON] [--min-files N] FILE_OR_DIR...
exit 0 when all agree, 1 otherwise (the disagreements are printed)."""
import argparse, json, os, re, subprocess, sys, tempfile

SIG = re.compile(r'Q_CLASSINFO\(QCLASSINFO_REMOTEOBJECT_TYPE, "(\w+)"\)\s*'
                 r'Q_CLASSINFO\(QCLASSINFO_REMOTEOBJECT_SIGNATURE, "([0-9a-f]{40})"\)')


def repc_signatures(repc, path):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.h')
        r = subprocess.run([repc, '-o', 'source', path, out], capture_output=True, timeout=30)
        if r.returncode != 0:
            return None
        with open(out, encoding='latin-1') as f:
            return SIG.findall(f.read())


def doppelc_signatures(doppelc, path):
    r = subprocess.run([doppelc, '--signatures', path], capture_output=True, timeout=30, text=True)
    if r.returncode == 1:
        return None
    if r.returncode != 0:
        raise RuntimeError('doppelc exit %d on %s: %s' % (r.returncode, path, r.stderr))
    return [tuple(line.split()) for line in r.stdout.splitlines()]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--doppelc', required=True)
    ap.add_argument('--repc', required=True)
    ap.add_argument('--quiet', action='store_true')
    ap.add_argument('--min-files', type=int, default=1)
    ap.add_argument('--cases', help='a JSON object {name: .rep text} of small edge cases')
    ap.add_argument('paths', nargs='*')
    a = ap.parse_args()
    files = []
    tmpdir = tempfile.TemporaryDirectory()
    if a.cases:
        with open(a.cases) as f:
            for name, text in json.load(f).items():
                path = os.path.join(tmpdir.name, name)
                with open(path, 'w', newline='') as out:
                    out.write(text)
                files.append(path)
    for p in a.paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files += [os.path.join(root, n) for n in sorted(names) if n.endswith('.rep')]
        else:
            files.append(p)
    bad = 0
    accepted = 0
    for f in sorted(files):
        want = repc_signatures(a.repc, f)
        got = doppelc_signatures(a.doppelc, f)
        if want is not None:
            accepted += 1
        if want != got:
            bad += 1
            print('DIFFER %s\n  repc:    %s\n  doppelc: %s' % (f, want, got))
        elif not a.quiet:
            print('ok %s %s' % (f, 'rejected' if want is None else ' '.join(s for _, s in want)))
    print('%d files, %d accepted by repc, %d disagreements' % (len(files), accepted, bad))
    if len(files) < a.min_files:
        print('expected at least %d files' % a.min_files)
        return 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
