#!/usr/bin/env python3
"""doppelc's command line: usage text, the exit codes a build system relies on (0 ok, 1 bad .rep,
2 usage, 3 I/O), --signatures, and that a failed run never leaves an output file behind."""
import argparse, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
failures = []


def check(what, cond):
    print(('ok   ' if cond else 'FAIL ') + what)
    if not cond:
        failures.append(what)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--doppelc', required=True)
    dc = ap.parse_args().doppelc
    run = lambda *args: subprocess.run([dc, *args], capture_output=True, text=True, timeout=30)
    good = os.path.join(HERE, 'corpus', 'lab.rep')
    bad = os.path.join(HERE, 'rejected', 'enum_trailing_comma.rep')
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'out.h')
        r = run('--help')
        check('--help exits 0 and prints usage', r.returncode == 0 and r.stdout.startswith('usage: doppelc'))
        r = run()
        check('no arguments: exit 2 with usage', r.returncode == 2 and 'usage: doppelc' in r.stderr)
        check('unknown option: exit 2', run('--frobnicate', good).returncode == 2)
        check('no -o: exit 2', run(good).returncode == 2)
        check('two sides: exit 2', run('--source', '--replica', '-o', out, good).returncode == 2)
        check('bad --lang: exit 2', run('--lang', 'py', '-o', out, good).returncode == 2)
        check('two inputs: exit 2', run('-o', out, good, good).returncode == 2)
        check('-o without value: exit 2', run(good, '-o').returncode == 2)
        r = run('-o', out, os.path.join(tmp, 'missing.rep'))
        check('missing input: exit 3', r.returncode == 3 and 'cannot read' in r.stderr)
        r = run('-o', os.path.join(tmp, 'no-such-dir', 'out.h'), good)
        check('unwritable output: exit 3', r.returncode == 3)
        r = run('-o', out, bad)
        check('rejected .rep: exit 1, no output file',
              r.returncode == 1 and not os.path.exists(out) and ':1:14: error:' in r.stderr)
        with open(out, 'w') as f:
            f.write('previous')
        r = run('-o', out, bad)
        with open(out) as f:
            check('rejected .rep leaves an existing output untouched', r.returncode == 1 and f.read() == 'previous')
        check('no temporary files left', sorted(os.listdir(tmp)) == ['out.h'])
        for side in ('--source', '--replica', '--merged'):
            r = run(side, '-o', out, good)
            with open(out) as f:
                text = f.read()
            check('%s: exit 0 and a header' % side, r.returncode == 0 and '#pragma once' in text)
        r = run('--signatures', good)
        check('--signatures prints Name sha1 per class',
              r.returncode == 0 and r.stdout == 'Child c87d5dda209f61cd43b9efbc851b1e255c58915d\n'
                                                'Lab 35d1f40e3f7c9ecdce0a8187f68c47cb657cce96\n')
        r = run('--signatures', '-o', out, good)
        check('--signatures with -o: exit 2', r.returncode == 2)
        r = run('--lang', 'ts', '-o', os.path.join(tmp, 'lab.ts'), good)
        check('--lang ts: exit 0', r.returncode == 0 and os.path.exists(os.path.join(tmp, 'lab.ts')))
    print('%d failures' % len(failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
