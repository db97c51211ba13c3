// End to end in headless Chromium: the streamed ImGui viewer (web/viewer) against
// tests/imgui/stream_test_app. First frame, a click, typing, a resize, the clipboard both ways,
// a reconnect after the application restarts, "in use" for a second page, a touch tap, IME
// composition, devicePixelRatio 2 (framebuffer scale, a sharp picture) and the text cursor over
// the text field. The app reports its state as JSON on request (stdin), so every step checks
// what the application saw; each screenshot is compared with tests/e2e/reference/imgui-*.png
// within a pixel tolerance.
//
//   node tests/e2e/imgui_viewer.test.mjs [--update]     (--update or UPDATE_REFERENCE=1 rewrites
//                                                         the references: look at them first)
// Screenshots (actual and, on a mismatch, a diff) go to $DOPPEL_JS_ARTIFACTS.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { comparePng, decodePng, encodePng } from './png.mjs';

const root = new URL('../../', import.meta.url).pathname;
const client = join(root, 'web/client');
const { findBinary, freePort, until } = await import(join(client, 'test/support.mjs'));
const { chromium } = createRequire(join(client, 'package.json'))('playwright-core');

const appBin = findBinary('DOPPEL_STREAM_TEST_APP', 'stream_test_app');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const artifacts = process.env.DOPPEL_JS_ARTIFACTS ?? join(root, 'build-js/artifacts');
const references = join(root, 'tests/e2e/reference');
const update = process.argv.includes('--update') || process.env.UPDATE_REFERENCE === '1';
mkdirSync(artifacts, { recursive: true });

/** Screenshot of `page`, kept as an artifact and compared with the reference of that name. */
// SwiftShader draws the same pixels for the same draw lists; a few pixels of slack only. One
// changed glyph ("count: 0" -> "count: 1") differs in about a dozen pixels: the test below checks
// that the comparison sees it.
const MAX_DIFFERING = 4;

async function matchesReference(page, name, maxDiffering = MAX_DIFFERING) {
  const png = await page.screenshot();
  writeFileSync(join(artifacts, `imgui-${name}.png`), png);
  const refPath = join(references, `imgui-${name}.png`);
  if (update || !existsSync(refPath)) {
    assert.ok(update, `no reference ${refPath}: run with --update, then look at it`);
    mkdirSync(references, { recursive: true });
    writeFileSync(refPath, png);
    return;
  }
  const { differing, diff } = comparePng(decodePng(png), decodePng(readFileSync(refPath)));
  if (process.env.DOPPEL_E2E_VERBOSE) console.log(`${name}: ${differing} pixels differ`);
  if (differing > maxDiffering && diff) writeFileSync(join(artifacts, `imgui-${name}-diff.png`), encodePng(diff));
  assert.ok(differing <= maxDiffering, `${name}: ${differing} pixels differ from ${refPath} (see ${artifacts})`);
}

// ---------------------------------------------------------------- the application

let port;
let app;

/** Starts stream_test_app on `port`; resolves with a handle that asks it for its state. */
function startApp() {
  return new Promise((resolve, reject) => {
    const child = spawn(appBin, ['--platform', `web:port=${port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = ''; let err = ''; const waiting = [];
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`app not ready: ${out} ${err}`)); }, 10000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      let nl;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl); out = out.slice(nl + 1);
        if (line.startsWith('open ')) { clearTimeout(timer); resolve(handle); } else if (line.startsWith('{')) waiting.shift()?.(JSON.parse(line));
      }
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`app exited with ${code}: ${err}`)); });
    const handle = {
      child,
      stderr: () => err,
      state: () => new Promise((res) => { waiting.push(res); child.stdin.write('state\n'); }),
      // Resolves with the exit code: 0 after a clean shutdown (a sanitizer report makes it non-zero).
      stop: () => new Promise((res) => { child.removeAllListeners('exit'); child.once('exit', (code) => res(code)); child.stdin.end(); setTimeout(() => child.kill('SIGKILL'), 3000).unref(); }),
    };
  });
}

/** Polls the app's state until `predicate(state)` holds; returns that state. */
async function waitState(predicate, what, timeoutMs = 8000) {
  let last;
  await until(async () => predicate((last = await app.state())), timeoutMs, `${what} (last state ${JSON.stringify(last)})`);
  return last;
}

const viewerStats = (page) => page.evaluate(() => ({ ...window.__doppelViewer }));

/** Waits until the viewer has drawn the application's newest picture and nothing more comes. */
async function settled(page) {
  let last = -1;
  await until(async () => {
    const s = await app.state();
    const v = await viewerStats(page);
    const done = v.lastSeq > 0 && v.frames === last && v.framesDrawn === v.frames && s.framesSent > 0;
    last = v.frames;
    if (done) await new Promise((r) => setTimeout(r, 100));
    return done;
  }, 8000, 'the picture to settle');
  // Two animation frames: the last record is on the canvas.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

let browser;
let context;
let page;
const figures = {};

before(async () => {
  assert.ok(appBin, 'stream_test_app not built (set DOPPEL_BIN_DIR)');
  port = await freePort();
  app = await startApp();
  browser = await chromium.launch({
    executablePath: browserPath,
    // WebGL2 without a GPU: SwiftShader, the same software rasterizer on every machine.
    args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--font-render-hinting=none'],
  });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: `http://127.0.0.1:${port}` });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('viewer:', e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.error('viewer console:', m.text()); });
});

after(async () => {
  await browser?.close();
  if (app) assert.equal(await app.stop(), 0, `the app exited cleanly: ${app.stderr()}`);
  if (Object.keys(figures).length) console.log('imgui viewer figures:', JSON.stringify(figures));
});

test('the first frame is drawn at the page size', async () => {
  await page.goto(`http://127.0.0.1:${port}/`);
  const s = await waitState((st) => st.connected && st.size[0] === 1280 && st.size[1] === 800, 'the viewer to connect at 1280x800');
  await settled(page);
  const v = await viewerStats(page);
  assert.ok(v.textures >= 1, 'the font atlas arrived');
  assert.equal((await app.state()).keyFrames, 1, 'one key frame');
  const server = await app.state();
  figures.firstScreenBytes = v.bytes;
  figures.firstScreenBytesBeforeDeflate = server.rawBytes;
  assert.equal(server.bytesSent, v.bytes, 'what the server counts is what the page got');
  assert.ok(v.bytes < 150000, `first screen ${v.bytes} B`);
  assert.equal(s.count, 0);
  await matchesReference(page, '1-first-frame');
});

test('a click on the button counts once and is drawn', async () => {
  const before0 = await viewerStats(page);
  const { button } = await app.state();
  await page.mouse.move(button[0], button[1]);
  await settled(page);
  const beforeClick = (await viewerStats(page)).bytes;
  const framesBefore = (await app.state()).framesSent;
  await page.mouse.down(); await page.mouse.up();
  await waitState((st) => st.count === 1, 'count 1');
  await settled(page);
  figures.bytesPerClick = (await viewerStats(page)).bytes - beforeClick;
  figures.framesPerClick = (await app.state()).framesSent - framesBefore;
  assert.ok(figures.bytesPerClick <= 600, `${figures.bytesPerClick} B for a click`);
  figures.bytesHoverAndClick = (await viewerStats(page)).bytes - before0.bytes;
  await page.mouse.move(600, 600);  // away, so the hover colour is not in the picture
  await settled(page);
  await matchesReference(page, '2-clicked');
  // The comparison can see a one-digit change: the first frame differs from this one in "count".
  const { differing } = comparePng(decodePng(readFileSync(join(references, 'imgui-1-first-frame.png'))),
    decodePng(readFileSync(join(references, 'imgui-2-clicked.png'))));
  assert.ok(differing > MAX_DIFFERING && differing < 200, `count 0 vs 1: ${differing} pixels`);
});

test('typed text reaches the text field', async () => {
  const { field } = await app.state();
  await page.mouse.click(field[0], field[1]);
  await page.keyboard.type('hello doppel');
  const s = await waitState((st) => st.text === 'hello doppel', 'the typed text');
  assert.equal(s.count, 1);
  await page.keyboard.press('Backspace');
  await waitState((st) => st.text === 'hello doppe', 'backspace');
  await settled(page);
  await matchesReference(page, '3-typed');
});

test('idle costs nothing', async () => {
  await settled(page);
  const a = await viewerStats(page); const sa = await app.state();
  await new Promise((r) => setTimeout(r, 2000));
  const b = await viewerStats(page); const sb = await app.state();
  figures.idleBytesPerSecond = (b.bytes - a.bytes) / 2;
  assert.equal(b.bytes, a.bytes, 'bytes while idle');
  assert.equal(sb.bytesSent, sa.bytesSent);
  assert.equal(sb.framesRendered, sa.framesRendered, 'the app slept');
});

test('clipboard: the browser pastes into the app and the app copies to the browser', async () => {
  // browser -> app: Ctrl+V in the focused field sends the page's clipboard, then the shortcut.
  await page.evaluate(() => navigator.clipboard.writeText(' pasted'));
  const { field } = await app.state();
  await page.mouse.click(field[0], field[1]);
  await page.keyboard.press('End');
  await page.keyboard.press('Control+V');
  await waitState((st) => st.clipboard === ' pasted' && st.text === 'hello doppe pasted', 'the paste');
  // app -> browser: the Copy button calls ImGui::SetClipboardText.
  const { copy } = await app.state();
  await page.mouse.click(copy[0], copy[1]);
  await waitState((st) => st.copies === 1, 'the copy click');
  await until(async () => (await page.evaluate(() => navigator.clipboard.readText())) === 'copied 1', 5000, 'the browser clipboard');
  await page.mouse.move(600, 600);
  await settled(page);
  await matchesReference(page, '4-clipboard');
});

test('resizing the page resizes the application', async () => {
  await page.setViewportSize({ width: 900, height: 600 });
  await waitState((st) => st.size[0] === 900 && st.size[1] === 600, 'the new size');
  await settled(page);
  await matchesReference(page, '5-resized');
});

test('a second page is told the application is in use', async () => {
  const second = await context.newPage();
  await second.goto(`http://127.0.0.1:${port}/`);
  await second.waitForFunction(() => /in use/.test(document.getElementById('status-text')?.textContent ?? ''), null, { timeout: 8000 });
  assert.equal((await app.state()).refused, 1);
  await second.screenshot({ path: join(artifacts, 'imgui-6-in-use.png') });
  await matchesReference(second, '6-in-use');
  await second.close();
  const s = await app.state();
  assert.ok(s.connected, 'the first page keeps the application');
});

test('reloading the page gets the same application back, from a key frame', async () => {
  const before = await app.state();
  await page.reload();
  const s = await waitState((st) => st.connected && st.connections === before.connections + 1, 'the new connection');
  assert.equal(s.refused, before.refused, 'the reloaded page is not told "in use"');
  await settled(page);
  assert.equal((await app.state()).keyFrames, before.keyFrames + 1);
  assert.equal(s.count, 1, 'the same process, its state kept');
  await matchesReference(page, '5-resized');  // the same picture as before the reload
});

test('after the application restarts the viewer reconnects and gets a full frame', async () => {
  assert.equal(await app.stop(), 0, `the app exited cleanly: ${app.stderr()}`);
  await page.waitForFunction(() => !window.__doppelViewer.connected, null, { timeout: 5000 });
  app = await startApp();
  const s = await waitState((st) => st.connected && st.size[0] === 900, 'the reconnect', 15000);
  assert.equal(s.keyFrames, 1);
  await settled(page);
  assert.equal(s.count, 0, 'a new process starts from its own state');
  await matchesReference(page, '7-reconnected');
});

// Touch, IME, devicePixelRatio and the cursor each need a page of their own (a touch screen, a
// scale factor): the current page hands the application over to a new one in a new context.
/** Closes `page`, opens the viewer in a new context made with `options`; resolves when connected. */
async function switchPage(options) {
  const before = await app.state();
  const old = page; page = null;
  const oldContext = old.context();
  await old.close();
  if (oldContext !== context) await oldContext.close();
  await waitState((st) => !st.connected, 'the old page to let go');
  const ctx = await browser.newContext({ viewport: { width: 900, height: 600 }, ...options });
  page = await ctx.newPage();
  page.on('pageerror', (e) => console.error('viewer:', e.message));
  await page.goto(`http://127.0.0.1:${port}/`);
  await waitState((st) => st.connected && st.connections === before.connections + 1, 'the new page to connect');
  // The new page has a frame: the application has applied its Hello (size and scale).
  await settled(page);
  return app.state();
}

test('a touch tap on the button counts a click', async () => {
  const s = await switchPage({ hasTouch: true, deviceScaleFactor: 1 });
  const { button, count } = s;
  // What the canvas sees: touch events only, and pointer events of type touch (which the viewer's
  // mouse handlers ignore), so the click below came through the Touch records.
  await page.evaluate(() => {
    const seen = (window.__seen = { touchstart: 0, pointerTypes: [] });
    const c = document.getElementById('screen');
    c.addEventListener('touchstart', () => { seen.touchstart++; });
    c.addEventListener('pointerdown', (e) => { seen.pointerTypes.push(e.pointerType); });
  });
  await page.touchscreen.tap(button[0], button[1]);
  await waitState((st) => st.count === count + 1, 'the tap to count');
  // A tap outside every widget counts nothing; a second tap on the button counts once more.
  await page.touchscreen.tap(600, 500);
  await page.touchscreen.tap(button[0], button[1]);
  await waitState((st) => st.count === count + 2, 'the second tap to count');
  await settled(page);
  assert.equal((await app.state()).count, count + 2, 'no extra click');
  const seen = await page.evaluate(() => window.__seen);
  assert.equal(seen.touchstart, 3, 'three taps');
  assert.ok(seen.pointerTypes.every((t) => t === 'touch'), `pointer types ${seen.pointerTypes}`);
});

test('a page with devicePixelRatio 2 gets frames at framebuffer scale 2, drawn sharp', async () => {
  await switchPage({ deviceScaleFactor: 2 });
  const s = await waitState((st) => st.fbScale === 2, 'io.DisplayFramebufferScale 2');
  assert.deepEqual(s.size, [900, 600], 'the display size stays in CSS pixels');
  const c = await page.evaluate(() => {
    const el = document.getElementById('screen');
    return { width: el.width, height: el.height, cssWidth: el.clientWidth, dpr: devicePixelRatio };
  });
  assert.equal(c.dpr, 2);
  assert.deepEqual([c.width, c.height, c.cssWidth], [1800, 1200, 900], 'one canvas pixel per device pixel');
  await page.mouse.move(600, 500);
  await settled(page);
  const shot = decodePng(await page.screenshot());
  assert.deepEqual([shot.width, shot.height], [1800, 1200], 'the screenshot is at device pixels');
  // Sharp: along a row through the button, background turns into button colour from one device
  // pixel to the next (a 1x canvas stretched by CSS would blend the two at the edge).
  const { button } = await app.state();
  const at = (x) => { const o = (2 * button[1] * shot.width + x) * 4; return [shot.rgba[o], shot.rgba[o + 1], shot.rgba[o + 2]]; };
  // From 4 CSS pixels in (inside the window padding, past the window's anti-aliased border).
  const bg = at(8); const fill = at(2 * button[0]);
  let edge = 8;
  while (edge < 2 * button[0] && at(edge).join() === bg.join()) edge++;
  assert.notEqual(bg.join(), fill.join(), 'the button is not the background');
  assert.equal(at(edge).join(), fill.join(), `the pixel at the button's edge (x ${edge}) is button colour, not a blend`);
  await matchesReference(page, '8-scale-2');
});

test('hovering the text field makes the canvas cursor a text cursor', async () => {
  const cursor = () => page.evaluate(() => getComputedStyle(document.getElementById('screen')).cursor);
  const { field, button } = await app.state();
  await page.mouse.move(button[0], button[1]);
  await until(async () => (await cursor()) === 'default', 5000, 'the arrow over the button');
  await page.mouse.move(field[0], field[1]);
  await until(async () => (await cursor()) === 'text', 5000, 'the text cursor over the field');
  await page.mouse.move(600, 500);
  await until(async () => (await cursor()) === 'default', 5000, 'the arrow again');
});

test('IME composition arrives as the composed text', async () => {
  const { field } = await app.state();
  await page.mouse.click(field[0], field[1]);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Backspace');
  await waitState((st) => st.text === '', 'an empty field');
  // The viewer focuses its textarea when the application wants text input.
  await page.waitForFunction(() => document.activeElement?.id === 'ime', null, { timeout: 5000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Input.imeSetComposition', { text: 'に', selectionStart: 1, selectionEnd: 1 });
  await cdp.send('Input.imeSetComposition', { text: 'にほん', selectionStart: 3, selectionEnd: 3 });
  await page.waitForFunction(() => document.getElementById('ime').value === 'にほん', null, { timeout: 5000 });
  await settled(page);
  assert.equal((await app.state()).text, '', 'the preedit is not typed');
  await cdp.send('Input.insertText', { text: '日本' });
  await waitState((st) => st.text === '日本', 'the composed text');
  // Plain typing after the composition still works, and nothing arrived twice.
  await page.keyboard.type('go');
  await waitState((st) => st.text === '日本go', 'text after the composition');
  await settled(page);
  assert.equal((await app.state()).text, '日本go');
  await cdp.detach();
});

// The demo's per-user panel (examples/03-imgui-panel) against the demo master: an item typed in
// the panel goes to the master through ModelAPI.addItem, and an item added by someone else (the
// doppel CLI) appears in the panel's model replica, live. Only the item list is compared: the
// rest of the panel shows the master's port.
const masterBin = findBinary('DOPPEL_DEMO_MASTER', 'demo_master');
const panelBin = findBinary('DOPPEL_IMGUI_PANEL', 'example_03_imgui_panel');
const cliBin = findBinary('DOPPEL_CLI', 'doppel');
test('the demo panel adds items and shows items added by anyone', async () => {
  assert.ok(masterBin && panelBin && cliBin, 'demo_master, example_03_imgui_panel and doppel must be built');
  const { startProcess, stopProcess } = await import(join(client, 'test/support.mjs'));
  const { execFileSync } = await import('node:child_process');
  const tcp = `tcp://127.0.0.1:${await freePort()}`;
  const panelPort = await freePort();
  const master = (await startProcess(masterBin, ['--no-state', '--no-web', tcp], /shared on/)).child;
  const panel = (await startProcess(panelBin, ['--master', tcp, '--platform', `web:port=${panelPort}`], /imgui panel:/)).child;
  const p = await context.newPage();
  try {
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.goto(`http://127.0.0.1:${panelPort}/`);
    const items = { x: 0, y: 215, width: 700, height: 160 };
    // Waits until the item list matches the reference (with --update: until it is steady, then
    // writes it). Every picture is kept in the artifacts.
    const waitForList = async (name) => {
      const ref = join(references, `imgui-panel-${name}.png`);
      let last = null;
      await until(async () => {
        const png = await p.screenshot({ clip: items });
        writeFileSync(join(artifacts, `imgui-panel-${name}.png`), png);
        const img = decodePng(png);
        const steady = last !== null && comparePng(img, last).differing === 0;
        last = img;
        if (update) return steady && (await new Promise((r) => setTimeout(r, 500)), writeFileSync(ref, png), true);
        return comparePng(img, decodePng(readFileSync(ref))).differing <= MAX_DIFFERING;
      }, 10000, `the item list to look like ${ref}`);
      return last;
    };
    const two = await waitForList('items-2');  // the master's two items
    figures.panelFirstScreenBytes = (await viewerStats(p)).bytes;
    // Typed in the panel: the add field is the first field under "Items".
    await p.mouse.click(100, 245);
    await p.keyboard.type('typed in the panel');
    await p.keyboard.press('Enter');
    await p.mouse.move(900, 700);  // no hover colour in the list
    await waitForList('items-3');
    // Added by someone else.
    execFileSync(cliBin, ['call', tcp, 'ModelAPI', 'addItem', '"added from the CLI"'], { timeout: 10000 });
    const four = await waitForList('items-4');
    assert.ok(comparePng(two, four).differing > MAX_DIFFERING, 'the list changed');
    await p.screenshot({ path: join(artifacts, 'imgui-panel-whole.png') });
  } finally {
    await p.close();
    await stopProcess(panel);
    await stopProcess(master);
  }
});
