// Builds dist/: doppel.js (browser, ES module, minified), node.js (Node.js entry), the .d.ts
// files, and reports the browser bundle's minified and gzipped size (limit: 30 KB minified).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

await esbuild.build({
  entryPoints: [join(here, 'src/index.ts')],
  outfile: join(dist, 'doppel.js'),
  bundle: true, format: 'esm', platform: 'browser', target: 'es2020', minify: true, sourcemap: true,
  // Internal member names are shortened; none of them is part of the public API.
  mangleProps: /^(adopt|allocateSerial|settle|applyChange|buf|buffered|cache|chunks|cols|connections|def|dial|dispatch|dispatchSignal|drop|emitChange|fetchWindow|flagsCache|flatten|grow|room|initialize|len|link|linkOf|listeners|lost|maxFrame|names|need|nextSerial|peek|pending|pos|propertyIndex|receive|reg|registryEntries|registryUrl|replicas|resetAll|roleIndex|rowsKnown|scheduleRetry|serial|setState|shiftCache|st|startHeartbeat|take|view|waiters|win|handshaken|pingOutstanding|splitter|retryTimer|heartbeatTimer|delay|closed|transport|attached|detach|handle|attach|emit|fetch|u8|i8|bool|u16|i16|u32|i32|i64|u64|f64|raw|string|bytesOrNull|latin1|cstring|byteArray|patchU32|atEnd|remaining|le|require|delay|adopt|kind|args|fields|serialId|isDynamic|acquired)$/,
  legalComments: 'none',
});
await esbuild.build({
  entryPoints: [join(here, 'src/node-entry.ts')],
  outfile: join(dist, 'node.js'),
  bundle: true, format: 'esm', platform: 'node', target: 'node18', sourcemap: true,
});
execFileSync(process.execPath, [join(here, 'node_modules/typescript/bin/tsc'), '-p', here], { stdio: 'inherit' });
writeFileSync(join(dist, 'types/node.d.ts'), "export * from './node-entry.js';\n");

const code = readFileSync(join(dist, 'doppel.js'));
const gz = gzipSync(code, { level: 9 }).length;
const size = { minified: code.length, gzipped: gz };
writeFileSync(join(dist, 'size.json'), JSON.stringify(size) + '\n');
console.log(`doppel.js: ${(code.length / 1024).toFixed(1)} KB minified, ${(gz / 1024).toFixed(1)} KB gzipped`);
if (code.length > 30 * 1024) {
  console.error('doppel.js exceeds 30 KB minified');
  process.exit(1);
}
// The demo page loads the bundle from its own directory.
const demo = join(here, '../demo');
cpSync(join(dist, 'doppel.js'), join(demo, 'doppel.js'));
cpSync(join(dist, 'doppel.js.map'), join(demo, 'doppel.js.map'));
