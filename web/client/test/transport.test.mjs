// The Node.js ws transport: permessage-deflate is off with the `ws` package unless asked for
// (its zlib runs in libuv's thread pool and tripled the loopback round trip, docs/web.md
// "Latency"), and on when asked for. Checked on the handshake a real `ws` server receives.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';

import { nodeTransports } from '../dist/node.js';

const WebSocket = createRequire(import.meta.url)('ws');

async function offeredExtensions(perMessageDeflate) {
  const server = new WebSocket.WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
  await new Promise((resolve) => server.once('listening', resolve));
  const seen = new Promise((resolve) => server.once('connection', (socket, req) => resolve([socket, req.headers['sec-websocket-extensions']])));
  const url = `ws://127.0.0.1:${server.address().port}/`;
  const transport = await nodeTransports(WebSocket, perMessageDeflate).ws(url);
  const [socket, offered] = await seen;
  // Bytes still cross both ways.
  const echoed = new Promise((resolve) => (transport.ondata = resolve));
  socket.on('message', (data) => socket.send(data));
  transport.send(new Uint8Array([1, 2, 3]));
  assert.deepEqual([...(await echoed)], [1, 2, 3]);
  transport.close();
  await new Promise((resolve) => server.close(resolve));
  return offered;
}

test('the ws package offers no permessage-deflate by default', async () => {
  assert.equal(await offeredExtensions(undefined), undefined);
});

test('perMessageDeflate: true offers it', async () => {
  assert.match(await offeredExtensions(true), /permessage-deflate/);
});
