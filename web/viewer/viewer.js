// doppel ImGui stream viewer: one WebSocket, a raw-deflate stream of records (frames as deltas,
// textures, cursor, clipboard), drawn with WebGL2 like ImGui's OpenGL3 backend; input goes back
// as small binary records. Wire format: docs/imgui-streaming.md.
const VERSION = 1;
const REC = { Hello: 1, Texture: 2, Frame: 3, Cursor: 4, Clipboard: 5, TextInput: 6 };
const IN = { Hello: 1, Ack: 2, Move: 3, Button: 4, Wheel: 5, Key: 6, Text: 7, Composition: 8,
  Touch: 9, Clipboard: 10, Resize: 11, Focus: 12, Modifiers: 13 };
const CURSORS = ['default', 'text', 'move', 'ns-resize', 'ew-resize', 'nesw-resize', 'nwse-resize',
  'pointer', 'not-allowed'];
const LIMIT = { lists: 4096, elements: 3 << 20 };

const canvas = document.getElementById('screen');
const ime = document.getElementById('ime');
const statusBox = document.getElementById('status');
const statusText = document.getElementById('status-text');
const retry = document.getElementById('retry');
const stats = { frames: 0, framesDrawn: 0, bytes: 0, lastSeq: 0, textures: 0, connected: false, closeReason: '' };
window.__doppelViewer = stats;

// ---------------------------------------------------------------- decoding
class Reader {
  constructor(bytes) { this.b = bytes; this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); this.p = 0; }
  need(n) { if (this.p + n > this.b.length) throw new Error('truncated record'); }
  u8() { this.need(1); return this.b[this.p++]; }
  u16() { this.need(2); const x = this.v.getUint16(this.p, true); this.p += 2; return x; }
  u32() { this.need(4); const x = this.v.getUint32(this.p, true); this.p += 4; return x; }
  f32() { this.need(4); const x = this.v.getFloat32(this.p, true); this.p += 4; return x; }
  varint() {
    let x = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      x += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) return x;
    }
    throw new Error('bad varint');
  }
  bytes(n) { this.need(n); const s = this.b.subarray(this.p, this.p + n); this.p += n; return s; }
}

// A patch: copies from the base and literal runs XORed with the predicted base elements, stored
// byte plane by byte plane (src/imgui/buffer_patch.h).
function decodePatch(r, base, size) {
  const m = (base.length / size) | 0;
  const n = r.varint();
  if (n > LIMIT.elements) throw new Error('patch too large');
  const ops = r.varint();
  if (ops > n) throw new Error('bad op count');
  const out = new Uint8Array(n * size);
  let produced = 0; let pred = 0;
  for (let k = 0; k < ops; k++) {
    const tag = r.varint(); const len = Math.floor(tag / 2);
    if (len === 0 || len > n - produced) throw new Error('bad op length');
    const dst = produced * size;
    if (tag & 1) {
      const src = r.varint();
      if (src + len > m) throw new Error('copy past base');
      out.set(base.subarray(src * size, (src + len) * size), dst);
      pred = src + len;
    } else {
      const planes = r.bytes(len * size);
      for (let b = 0; b < size; b++) {
        for (let e = 0; e < len; e++) {
          let v = planes[b * len + e];
          if (pred + e < m) v ^= base[(pred + e) * size + b];
          out[dst + e * size + b] = v;
        }
      }
      pred += len;
    }
    produced += len;
  }
  if (produced !== n) throw new Error('patch does not cover its elements');
  return out;
}

function deltaIdx(idx) {
  const src = new Uint16Array(idx.buffer, idx.byteOffset, idx.length / 2);
  const out = new Uint16Array(src.length); let prev = 0;
  for (let i = 0; i < src.length; i++) { out[i] = (src[i] - prev) & 0xffff; prev = src[i]; }
  return new Uint8Array(out.buffer);
}
function undeltaIdx(d) {
  const src = new Uint16Array(d.buffer, d.byteOffset, d.length / 2);
  const out = new Uint16Array(src.length); let prev = 0;
  for (let i = 0; i < src.length; i++) { prev = (prev + src[i]) & 0xffff; out[i] = prev; }
  return out;
}

const EMPTY = { cmds: new Uint8Array(0), vtx: new Uint8Array(0), idx: new Uint16Array(0), idxDelta: new Uint8Array(0) };
let held = new Map();  // seq -> frame: the acknowledged base and every frame after it

function decodeFrame(payload) {
  const r = new Reader(payload);
  const seq = r.u32(); const baseSeq = r.u32();
  const base = baseSeq ? held.get(baseSeq) : null;
  if (baseSeq && !base) throw new Error(`frame ${seq} needs base ${baseSeq}`);
  const f = { seq, pos: [r.f32(), r.f32()], size: [r.f32(), r.f32()], scale: [r.f32(), r.f32()], lists: [] };
  const count = r.varint();
  if (count > LIMIT.lists) throw new Error('too many lists');
  for (let i = 0; i < count; i++) {
    const bi = r.varint();
    if (bi && (!base || bi > base.lists.length)) throw new Error('bad base list');
    const from = bi ? base.lists[bi - 1] : EMPTY;
    if (r.u8() === 1) { f.lists.push(from); continue; }
    const cmds = decodePatch(r, from.cmds, 32);
    const vtx = decodePatch(r, from.vtx, 20);
    const idxDelta = decodePatch(r, from.idxDelta, 2);
    f.lists.push({ cmds, vtx, idx: undeltaIdx(idxDelta), idxDelta });
  }
  if (r.p !== payload.length) throw new Error('bytes after the last list');
  for (const s of held.keys()) if (s < baseSeq) held.delete(s);
  held.set(seq, f);
  return f;
}

// ---------------------------------------------------------------- WebGL2 renderer
const gl = canvas.getContext('webgl2', { alpha: false, antialias: false, depth: false, stencil: false,
  premultipliedAlpha: false, preserveDrawingBuffer: true });
const VS = `#version 300 es
uniform mat4 P; layout(location=0) in vec2 pos; layout(location=1) in vec2 uv; layout(location=2) in vec4 col;
out vec2 fuv; out vec4 fcol;
void main() { fuv = uv; fcol = col; gl_Position = P * vec4(pos, 0, 1); }`;
const FS = `#version 300 es
precision mediump float; uniform sampler2D T; in vec2 fuv; in vec4 fcol; out vec4 o;
void main() { o = fcol * texture(T, fuv); }`;
function shader(type, src) {
  const s = gl.createShader(type); gl.shaderSource(s, src); gl.compileShader(s);
  if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
  return s;
}
const program = gl.createProgram();
gl.attachShader(program, shader(gl.VERTEX_SHADER, VS));
gl.attachShader(program, shader(gl.FRAGMENT_SHADER, FS));
gl.linkProgram(program);
const uP = gl.getUniformLocation(program, 'P');
const vbo = gl.createBuffer(); const ibo = gl.createBuffer(); const vao = gl.createVertexArray();
const textures = new Map();  // wire id -> WebGLTexture
const white = gl.createTexture();
gl.bindTexture(gl.TEXTURE_2D, white);
gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array([255, 255, 255, 255]));

function uploadTexture(payload) {
  const r = new Reader(payload);
  const id = r.varint(); const w = r.u16(); const h = r.u16(); const format = r.u8();
  const px = r.bytes(w * h * (format === 1 ? 4 / 4 : 4));
  let rgba = px;
  if (format === 1) {  // alpha only (the font atlas): white with that alpha, as ImGui's RGBA32 atlas
    rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) { rgba[i * 4] = rgba[i * 4 + 1] = rgba[i * 4 + 2] = 255; rgba[i * 4 + 3] = px[i]; }
  }
  let t = textures.get(id);
  if (!t) { t = gl.createTexture(); textures.set(id, t); }
  gl.bindTexture(gl.TEXTURE_2D, t);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, w, h, 0, gl.RGBA, gl.UNSIGNED_BYTE, rgba);
  stats.textures++;
}

let current = null; let drawQueued = false;
function scheduleDraw() { if (!drawQueued) { drawQueued = true; requestAnimationFrame(draw); } }

function draw() {
  drawQueued = false;
  const f = current; if (!f) return;
  stats.framesDrawn = stats.frames;
  const fbW = Math.round(f.size[0] * f.scale[0]); const fbH = Math.round(f.size[1] * f.scale[1]);
  if (canvas.width !== fbW || canvas.height !== fbH) { canvas.width = fbW; canvas.height = fbH; }
  gl.viewport(0, 0, fbW, fbH);
  gl.disable(gl.SCISSOR_TEST);
  gl.clearColor(0.06, 0.06, 0.06, 1); gl.clear(gl.COLOR_BUFFER_BIT);
  // ImGui's OpenGL3 backend state: alpha blending, no culling or depth, scissor per command.
  gl.enable(gl.BLEND); gl.blendEquation(gl.FUNC_ADD);
  gl.blendFuncSeparate(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA, gl.ONE, gl.ONE_MINUS_SRC_ALPHA);
  gl.disable(gl.CULL_FACE); gl.disable(gl.DEPTH_TEST); gl.enable(gl.SCISSOR_TEST);
  gl.useProgram(program);
  const L = f.pos[0], R = f.pos[0] + f.size[0], T = f.pos[1], B = f.pos[1] + f.size[1];
  gl.uniformMatrix4fv(uP, false, [2 / (R - L), 0, 0, 0, 0, 2 / (T - B), 0, 0, 0, 0, -1, 0,
    (R + L) / (L - R), (T + B) / (B - T), 0, 1]);
  gl.bindVertexArray(vao);
  gl.bindBuffer(gl.ARRAY_BUFFER, vbo); gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, ibo);
  gl.enableVertexAttribArray(0); gl.enableVertexAttribArray(1); gl.enableVertexAttribArray(2);
  gl.activeTexture(gl.TEXTURE0);
  for (const list of f.lists) {
    gl.bufferData(gl.ARRAY_BUFFER, list.vtx, gl.STREAM_DRAW);
    gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, list.idx, gl.STREAM_DRAW);
    const c = new DataView(list.cmds.buffer, list.cmds.byteOffset, list.cmds.byteLength);
    let lastVtx = -1;
    for (let o = 0; o < list.cmds.length; o += 32) {
      const x1 = (c.getFloat32(o, true) - L) * f.scale[0], y1 = (c.getFloat32(o + 4, true) - T) * f.scale[1];
      const x2 = (c.getFloat32(o + 8, true) - L) * f.scale[0], y2 = (c.getFloat32(o + 12, true) - T) * f.scale[1];
      if (x2 <= x1 || y2 <= y1) continue;
      const tex = c.getUint32(o + 16, true), vtxOff = c.getUint32(o + 20, true);
      const idxOff = c.getUint32(o + 24, true), count = c.getUint32(o + 28, true);
      if (vtxOff !== lastVtx) {  // WebGL2 has no base vertex: point the attributes at it instead
        const b = vtxOff * 20;
        gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 20, b);
        gl.vertexAttribPointer(1, 2, gl.FLOAT, false, 20, b + 8);
        gl.vertexAttribPointer(2, 4, gl.UNSIGNED_BYTE, true, 20, b + 16);
        lastVtx = vtxOff;
      }
      gl.scissor(Math.floor(x1), Math.floor(fbH - y2), Math.ceil(x2 - x1), Math.ceil(y2 - y1));
      gl.bindTexture(gl.TEXTURE_2D, textures.get(tex) || white);
      gl.drawElements(gl.TRIANGLES, count, gl.UNSIGNED_SHORT, idxOff * 2);
    }
  }
}

// ---------------------------------------------------------------- connection
let ws = null; let inflate = null; let backoff = 250; let inUse = false; let clipboard = '';

function send(type, build) {
  if (!ws || ws.readyState !== WebSocket.OPEN) return;
  const body = new Uint8Array(64); const v = new DataView(body.buffer); let n = 0;
  const w = { u8: (x) => { v.setUint8(n, x); n += 1; }, u16: (x) => { v.setUint16(n, x, true); n += 2; },
    u32: (x) => { v.setUint32(n, x, true); n += 4; }, f32: (x) => { v.setFloat32(n, x, true); n += 4; } };
  let tail = null;
  const text = build ? build(w) : undefined;
  if (typeof text === 'string') tail = new TextEncoder().encode(text).subarray(0, 60000);
  const len = n + (tail ? tail.length : 0);
  const msg = new Uint8Array(3 + len);
  msg[0] = type; msg[1] = len & 0xff; msg[2] = len >> 8;
  msg.set(body.subarray(0, n), 3);
  if (tail) msg.set(tail, 3 + n);
  ws.send(msg);
}

function showStatus(text, canRetry) {
  statusText.textContent = text; retry.hidden = !canRetry;
  statusBox.classList.toggle('shown', !!text);
}

function connect() {
  const q = new URLSearchParams(location.search);
  const token = q.get('token');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/stream${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  const sock = new WebSocket(url); sock.binaryType = 'arraybuffer'; ws = sock;
  held = new Map(); current = null;
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter(); inflate = writer;
  readRecords(ds.readable.getReader(), sock);
  sock.onopen = () => {
    backoff = 250; stats.connected = true; showStatus('');
    send(IN.Hello, (w) => { w.u16(VERSION); w.f32(innerWidth); w.f32(innerHeight); w.f32(devicePixelRatio || 1); });
  };
  sock.onmessage = (e) => { stats.bytes += e.data.byteLength; writer.write(new Uint8Array(e.data)).catch(() => {}); };
  sock.onclose = (e) => {
    if (ws !== sock) return;
    stats.connected = false; stats.closeReason = e.reason || '';
    writer.close().catch(() => {});
    if (/^(in use|taken over)/.test(e.reason)) {
      inUse = true;
      showStatus(`This application is ${e.reason}. Only one browser can use it at a time.`, true);
      return;
    }
    showStatus('Connection lost, reconnecting…');
    // Under doppel-gateway: did the session end (crash, hang, timeout)? Then say why, live.
    fetch('/session/status', { cache: 'no-store' }).then((r) => (r.ok ? r.json() : null)).catch(() => null).then((st) => {
      if (ws !== sock) return;
      if (st && st.state === 'ended') {
        stats.sessionEnded = st.reason || 'ended';
        showStatus(`Session ended: ${stats.sessionEnded}.`, true); retry.textContent = 'Start a new session';
        return;
      }
      setTimeout(connect, backoff); backoff = Math.min(backoff * 2, 5000);
    });
  };
}
retry.onclick = () => {
  if (stats.sessionEnded) { location.assign('/?new=1'); return; }
  inUse = false; showStatus('Connecting…'); connect();
};

async function readRecords(reader, sock) {
  let buf = new Uint8Array(0);
  for (;;) {
    let chunk;
    try { chunk = await reader.read(); } catch { return; }
    if (chunk.done || ws !== sock) return;
    const joined = new Uint8Array(buf.length + chunk.value.length);
    joined.set(buf); joined.set(chunk.value, buf.length); buf = joined;
    let p = 0;
    try {
      while (buf.length - p >= 5) {
        const len = new DataView(buf.buffer, buf.byteOffset + p + 1, 4).getUint32(0, true);
        if (buf.length - p - 5 < len) break;
        onRecord(buf[p], buf.subarray(p + 5, p + 5 + len));
        p += 5 + len;
      }
    } catch (err) {
      console.error('doppel viewer:', err);
      sock.close(1002, String(err.message || err).slice(0, 120));
      return;
    }
    buf = buf.slice(p);
  }
}

function onRecord(type, payload) {
  const r = new Reader(payload);
  switch (type) {
    case REC.Hello: if (r.u16() !== VERSION) throw new Error('server speaks another version'); break;
    case REC.Texture: uploadTexture(payload); scheduleDraw(); break;
    case REC.Frame: {
      current = decodeFrame(payload); stats.frames++; stats.lastSeq = current.seq;
      send(IN.Ack, (w) => w.u32(current.seq));
      scheduleDraw(); break;
    }
    case REC.Cursor: { const c = r.u8(); canvas.style.cursor = c === 255 ? 'none' : (CURSORS[c] || 'default'); break; }
    case REC.Clipboard: {
      clipboard = new TextDecoder().decode(payload);
      if (navigator.clipboard) navigator.clipboard.writeText(clipboard).catch(() => {});
      break;
    }
    case REC.TextInput: {
      const want = r.u8(); const x = r.f32(); const y = r.f32();
      ime.style.left = `${x}px`; ime.style.top = `${y}px`;
      if (want) ime.focus({ preventScroll: true }); else canvas.focus({ preventScroll: true });
      break;
    }
    default: break;  // unknown records are skipped: newer servers may send more
  }
}

// ---------------------------------------------------------------- input
const mods = (e) => (e.ctrlKey ? 1 : 0) | (e.shiftKey ? 2 : 0) | (e.altKey ? 4 : 0) | (e.metaKey ? 8 : 0);
const keyCode = (e) => (e.code === 'NumpadEnter' ? 269 : (e.keyCode & 511));
const BUTTON = [0, 2, 1, 3, 4];  // DOM middle is 1, ImGui's is 2
let pendingMove = null;
function flushMove() { if (pendingMove) { const [x, y] = pendingMove; pendingMove = null; send(IN.Move, (w) => { w.f32(x); w.f32(y); }); } }

canvas.addEventListener('pointermove', (e) => {
  if (e.pointerType === 'touch') return;
  if (!pendingMove) queueMicrotask(flushMove);  // coalesced: one record per burst of events
  pendingMove = [e.offsetX, e.offsetY];
});
canvas.addEventListener('pointerdown', (e) => {
  if (e.pointerType === 'touch') return;
  canvas.setPointerCapture(e.pointerId); pendingMove = [e.offsetX, e.offsetY]; flushMove();
  send(IN.Button, (w) => { w.u8(BUTTON[e.button] ?? 0); w.u8(1); });
  e.preventDefault();
  if (document.activeElement !== ime) canvas.focus({ preventScroll: true });
});
canvas.addEventListener('pointerup', (e) => {
  if (e.pointerType === 'touch') return;
  pendingMove = [e.offsetX, e.offsetY]; flushMove();
  send(IN.Button, (w) => { w.u8(BUTTON[e.button] ?? 0); w.u8(0); });
});
canvas.addEventListener('contextmenu', (e) => e.preventDefault());
canvas.addEventListener('wheel', (e) => {
  const k = e.deltaMode === 1 ? 1 / 3 : e.deltaMode === 2 ? 10 : 1 / 100;
  send(IN.Wheel, (w) => { w.f32(-e.deltaX * k); w.f32(-e.deltaY * k); });
  e.preventDefault();
}, { passive: false });
for (const [name, phase] of [['touchstart', 0], ['touchmove', 1], ['touchend', 2], ['touchcancel', 3]]) {
  canvas.addEventListener(name, (e) => {
    const box = canvas.getBoundingClientRect();
    for (const t of e.changedTouches) {
      send(IN.Touch, (w) => { w.u8(phase); w.u32(t.identifier >>> 0); w.f32(t.clientX - box.left); w.f32(t.clientY - box.top); });
    }
    e.preventDefault();
  }, { passive: false });
}

let pasteKey = null;
function onKey(e, down) {
  const code = keyCode(e);
  const shortcut = (e.ctrlKey || e.metaKey) && !e.altKey;
  if (down && shortcut && code === 86) {  // paste: the clipboard text must arrive before the key
    pasteKey = e; setTimeout(() => { if (pasteKey === e) { pasteKey = null; sendKey(86, 1, mods(e)); } }, 100);
    return;
  }
  sendKey(code, down, mods(e));
  // Keys ImGui handles itself must not scroll or move focus; text keys go on to the textarea.
  const printable = e.key.length === 1 && !shortcut;
  if (!printable && !(down && shortcut && (code === 67 || code === 88))) e.preventDefault();
}
function sendKey(code, down, m) { send(IN.Key, (w) => { w.u16(code); w.u8(down ? 1 : 0); w.u8(m); }); }
for (const el of [canvas, ime]) {
  el.addEventListener('keydown', (e) => { if (!e.isComposing) onKey(e, true); });
  el.addEventListener('keyup', (e) => { if (!e.isComposing) onKey(e, false); });
  el.addEventListener('paste', (e) => {
    const text = e.clipboardData ? e.clipboardData.getData('text/plain') : '';
    send(IN.Clipboard, () => text);
    if (pasteKey) { const k = pasteKey; pasteKey = null; sendKey(86, 1, mods(k)); }
    e.preventDefault();
  });
  el.addEventListener('copy', (e) => { if (clipboard && e.clipboardData) { e.clipboardData.setData('text/plain', clipboard); e.preventDefault(); } });
}
// Typed text arrives through the focused textarea (canvas keys with a printable key are
// forwarded as text here too), so IME and dead keys work as in any text field.
canvas.addEventListener('keypress', (e) => {
  if (e.key.length === 1 && !e.ctrlKey && !e.metaKey) send(IN.Text, () => e.key);
});
ime.addEventListener('input', (e) => {
  if (e.isComposing) return;
  if (e.data) send(IN.Text, () => e.data);
  ime.value = '';
});
ime.addEventListener('compositionupdate', (e) => send(IN.Composition, (w) => { w.u8(1); return e.data || ''; }));
ime.addEventListener('compositionend', (e) => {
  send(IN.Composition, (w) => { w.u8(2); return ''; });
  if (e.data) send(IN.Text, () => e.data);
  ime.value = '';
});

function sendSize() { send(IN.Resize, (w) => { w.f32(innerWidth); w.f32(innerHeight); w.f32(devicePixelRatio || 1); }); }
addEventListener('resize', sendSize);
addEventListener('focus', () => send(IN.Focus, (w) => w.u8(1)));
addEventListener('blur', () => send(IN.Focus, (w) => w.u8(0)));

if (!gl || typeof DecompressionStream === 'undefined') {
  showStatus('This browser lacks WebGL2 or DecompressionStream.', false);
} else {
  connect();
  canvas.focus({ preventScroll: true });
}
