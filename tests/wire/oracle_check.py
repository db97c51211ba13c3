#!/usr/bin/env python3
"""Cross-checks our encoder with the independent reference decoder: every frame printed by
oracle_frames must dissect with no error and no leftover bytes, and show the expected text.
Usage: oracle_check.py ORACLE_FRAMES_EXE QTRO_WIRE_PY"""
import subprocess
import sys

frames_exe, oracle = sys.argv[1], sys.argv[2]
cases = []
for line in subprocess.run([frames_exe], check=True, capture_output=True, text=True).stdout.splitlines():
    hexpart, _, expect = line.partition(' ')
    cases.append((hexpart, expect))

# One oracle run for all frames, so gadgets described by the InitDynamicPacket are known later.
out = subprocess.run([sys.executable, oracle, 'dissect', *[h for h, _ in cases]],
                     check=True, capture_output=True, text=True).stdout
blocks = []
for line in out.splitlines():
    if not line.startswith(' '):
        blocks.append([])
    blocks[-1].append(line)

failures = 0
if len(blocks) != len(cases):
    print('expected %d frames, the oracle dissected %d' % (len(cases), len(blocks)))
    failures += 1
for i, ((hexpart, expect), block) in enumerate(zip(cases, blocks)):
    text = '\n'.join(block)
    if '!!' in text or expect not in text:
        failures += 1
        print('frame %d: expected %r\n  %s\n%s' % (i, expect, hexpart, text))
print('%d frames checked, %d failures' % (len(cases), failures))
sys.exit(1 if failures else 0)
