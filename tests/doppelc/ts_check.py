#!/usr/bin/env python3
"""`doppelc --lang ts` output type-checks against doppel.js (web/client) with tsc --strict: every
corpus file is generated and compiled, and a small usage file checks the generated API shape.

usage: ts_check.py --doppelc PATH --client DIR  (DIR = web/client with node_modules installed)"""
import argparse, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

USAGE = """import { Node } from 'doppel-js';
import { LabReplica, LabMode, LabSignature } from './lab.js';
export async function use(node: Node): Promise<number> {
  const lab = LabReplica.acquire(node);
  await lab.waitForValid(1000);
  const mode: LabMode = lab.mode;
  lab.setText('hello');
  void lab.pushIntProp(3);
  const off = lab.onPinged((msg: string, n: number) => { void msg; void n; });
  off();
  const sum: number = await lab.add(1, 2);
  return sum + mode + LabSignature.length;
}
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--doppelc', required=True)
    ap.add_argument('--client', required=True)
    a = ap.parse_args()
    tsc = os.path.join(a.client, 'node_modules', '.bin', 'tsc')
    if not os.access(tsc, os.X_OK):
        print('tsc not found in %s (run npm ci there)' % a.client)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(HERE, 'corpus')
        names = [n for n in sorted(os.listdir(corpus)) if n.endswith('.rep')]
        for n in names:
            r = subprocess.run([a.doppelc, '--lang', 'ts', '-o', os.path.join(tmp, n[:-4] + '.ts'),
                                os.path.join(corpus, n)], capture_output=True, text=True)
            if r.returncode != 0:
                print('doppelc failed on %s: %s' % (n, r.stderr))
                return 1
        with open(os.path.join(tmp, 'usage.ts'), 'w') as f:
            f.write(USAGE)
        config = {'compilerOptions': {'target': 'ES2020', 'module': 'ES2020', 'moduleResolution': 'bundler',
                                      'lib': ['ES2020', 'DOM'], 'types': ['node'], 'strict': True, 'noEmit': True,
                                      'skipLibCheck': True, 'baseUrl': '.',
                                      'typeRoots': [os.path.join(a.client, 'node_modules', '@types')],
                                      'paths': {'doppel-js': [os.path.join(a.client, 'src', 'index.ts')]}},
                  'include': ['*.ts']}
        with open(os.path.join(tmp, 'tsconfig.json'), 'w') as f:
            json.dump(config, f)
        r = subprocess.run([tsc, '-p', tmp], capture_output=True, text=True, timeout=300)
        print(r.stdout + r.stderr)
        print('%d generated modules + usage.ts: tsc exit %d' % (len(names), r.returncode))
        return r.returncode


if __name__ == '__main__':
    sys.exit(main())
