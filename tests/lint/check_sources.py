#!/usr/bin/env python3
"""House-style lint run by ctest (house-style.md §4.2, §4.8): layers include only downward, Boost
only through the wrapper, no detached coroutines, no [=] captures, threads only in the runtime.
Prints one line per violation and exits 1 if there is any."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.').resolve()

# Which internal layers each layer may include (by the first path component of "layer/file.h").
ALLOWED = {
    'util': {'util'},
    'wire': {'util', 'wire'},
    'core': {'util', 'wire', 'core'},
    'asio': {'util', 'wire', 'core', 'asio'},
    'persist': {'util', 'wire', 'core', 'persist'},
    'web': {'util', 'wire', 'core', 'asio', 'web'},
    # Beside web, above core: the ImGui stream layer uses the web layer only through the public
    # doppel/web.h (the app wires the transport; house-style §4.2).
    'imgui': {'util', 'wire', 'core', 'imgui'},
}
# The files that may include Boost: the Asio wrapper, the public opt-in header, and the web
# layer's Beast wrapper (which includes the Asio one).
BOOST_WRAPPERS = ('src/asio/asio.h', 'include/doppel/asio.h', 'src/web/beast.h')
INCLUDE = re.compile(r'^\s*#\s*include\s*[<"]([^">]+)[">]')
problems = []

def check(path, rel):
    text = path.read_text(encoding='utf-8', errors='replace')
    layer = rel.parts[1] if rel.parts[0] == 'src' and len(rel.parts) > 2 else None
    public = rel.parts[0] == 'include'
    for n, line in enumerate(text.splitlines(), 1):
        where = f'{rel}:{n}'
        m = INCLUDE.match(line)
        if m:
            inc = m.group(1)
            first = inc.split('/')[0]
            if inc.startswith('boost/') and rel.as_posix() not in BOOST_WRAPPERS:
                problems.append(f'{where}: Boost is included only through src/asio/asio.h (src/web/beast.h in the web layer)')
            if public and first in ALLOWED:
                problems.append(f'{where}: public header includes internal "{inc}"')
            if layer in ALLOWED and first in ALLOWED and first not in ALLOWED[layer]:
                problems.append(f'{where}: layer {layer} may not include "{inc}" (layers include downward only)')
        code = line.split('//')[0]
        if re.search(r'\bdetached\b', code):
            problems.append(f'{where}: asio::detached drops exceptions; pass a handler')
        if '[=]' in code:
            problems.append(f'{where}: [=] captures are banned; capture explicitly')
        if re.search(r'\bstd::thread\b', code) and 'runtime' not in rel.name and public is False and rel.parts[0] == 'src':
            problems.append(f'{where}: threads are started only by the runtime')

for sub in ('include', 'src', 'apps', 'tools'):
    base = root / sub
    if not base.exists():
        continue
    for path in sorted(base.rglob('*')):
        if path.suffix in ('.h', '.cpp', '.hpp'):
            check(path, path.relative_to(root))

for p in problems:
    print(p)
sys.exit(1 if problems else 0)
