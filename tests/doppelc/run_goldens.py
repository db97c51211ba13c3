#!/usr/bin/env python3
"""Golden files of doppelc. For every corpus/*.rep: `--signatures` output (golden/NAME.sig), the
merged C++ header (golden/NAME.h) and the TypeScript module (golden/NAME.ts); for every
rejected/*.rep: exit code 1 and the exact diagnostics (golden/NAME.err).

usage: run_goldens.py --doppelc PATH [--update]
--update rewrites the golden files from the current doppelc (review the diff before committing)."""
import argparse, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd, cwd):
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--doppelc', required=True)
    ap.add_argument('--update', action='store_true')
    a = ap.parse_args()
    golden = os.path.join(HERE, 'golden')
    os.makedirs(golden, exist_ok=True)
    produced = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(HERE, 'corpus')
        for name in sorted(os.listdir(corpus)):
            if not name.endswith('.rep'):
                continue
            base = name[:-4]
            r = run([a.doppelc, '--signatures', name], corpus)
            if r.returncode != 0:
                print('FAIL %s rejected:\n%s' % (name, r.stderr))
                return 1
            produced[base + '.sig'] = r.stdout
            for lang, ext in (('cpp', '.h'), ('ts', '.ts')):
                out = os.path.join(tmp, base + ext)
                r = run([a.doppelc, '--merged', '--lang', lang, '-o', out, name], corpus)
                if r.returncode != 0:
                    print('FAIL %s --lang %s exit %d:\n%s' % (name, lang, r.returncode, r.stderr))
                    return 1
                with open(out) as f:
                    produced[base + ext] = f.read()
        rejected = os.path.join(HERE, 'rejected')
        for name in sorted(os.listdir(rejected)):
            if not name.endswith('.rep'):
                continue
            out = os.path.join(tmp, 'never.h')
            r = run([a.doppelc, '-o', out, name], rejected)
            if r.returncode != 1 or os.path.exists(out):
                print('FAIL %s: exit %d (want 1), output written: %s' % (name, r.returncode, os.path.exists(out)))
                return 1
            produced[name[:-4] + '.err'] = r.stderr
    failures = 0
    for name, text in sorted(produced.items()):
        path = os.path.join(golden, name)
        if a.update:
            with open(path, 'w') as f:
                f.write(text)
            continue
        try:
            with open(path) as f:
                want = f.read()
        except FileNotFoundError:
            want = None
        if want != text:
            failures += 1
            print('DIFFERS from golden: %s' % name)
    stale = set(os.listdir(golden)) - set(produced)
    for name in sorted(stale):
        if a.update:
            os.remove(os.path.join(golden, name))
        else:
            failures += 1
            print('golden without input: %s' % name)
    print('%d golden files, %d differ%s' % (len(produced), failures, ' (updated)' if a.update else ''))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
