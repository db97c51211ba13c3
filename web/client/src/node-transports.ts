// Node.js transports: tcp://host:port, local:name / local:/abs/path / unix:/path (Qt's rule:
// a relative name lives in $TMPDIR or /tmp, protocol §2.1), localabstract:name, and ws:// via
// an injected WebSocket class (Node 18/20 have no global WebSocket; pass the `ws` package's).
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

import { Node } from './node.js';
import type { NodeOptions } from './node.js';
import type { Connector, Transport, WebSocketConstructor, WebSocketLike } from './transport.js';
import { webSocketConnector } from './transport.js';

function socketTransport(options: net.NetConnectOpts, url: string): Promise<Transport> {
  return new Promise((resolve, reject) => {
    const sock = net.createConnection(options);
    sock.setNoDelay?.(true);
    // Data that arrives before the node has set its handler is kept and handed over (see ws).
    const early: Uint8Array[] = [];
    const t: Transport = {
      send: (data) => void sock.write(data),
      close: () => sock.destroy(),
      ondata: (d) => early.push(d),
      onclose: () => {},
    };
    let open = false;
    sock.once('connect', () => {
      open = true;
      resolve(t);
      Promise.resolve().then(() => early.splice(0).forEach((d) => t.ondata(d)));
    });
    sock.on('data', (d: Buffer) => t.ondata(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)));
    sock.on('error', (e) => {
      if (!open) reject(new Error(`cannot connect to ${url}: ${e.message}`));
    });
    sock.on('close', () => {
      if (open) t.onclose('connection closed');
    });
  });
}

/** tcp://host:port */
export const tcpConnector: Connector = (url) => {
  const u = new URL(url);
  return socketTransport({ host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) }, url);
};

/** local:name, local:/path, unix:/path, localabstract:name */
export const localConnector: Connector = (url) => {
  const colon = url.indexOf(':');
  const scheme = url.slice(0, colon);
  let p = decodeURIComponent(url.slice(colon + 1));
  if (scheme === 'localabstract') p = '\0' + p;
  else if (!p.startsWith('/')) p = path.join(process.env.TMPDIR || os.tmpdir() || '/tmp', p);
  return socketTransport({ path: p }, url);
};

/**
 * The `ws` package's WebSocket without permessage-deflate unless asked for. `ws` runs zlib
 * asynchronously in libuv's thread pool, so a compressed message costs two thread hand-offs on
 * each side: on loopback that tripled the slot round trip (docs/web.md, "Latency"), and on a
 * busy machine it cost milliseconds. Browsers compress in their network stack and are left alone.
 */
function withDeflate(ws: WebSocketConstructor, perMessageDeflate: boolean): WebSocketConstructor {
  const Base = ws as unknown as new (url: string, protocols: undefined, options: object) => WebSocketLike;
  return class extends Base {
    constructor(url: string) {
      super(url, undefined, { perMessageDeflate });
    }
  };
}

/**
 * Every transport Node.js offers; `ws` is the WebSocket class for ws:// (global one if omitted).
 * With the `ws` package, permessage-deflate is off unless `perMessageDeflate` is true.
 */
export function nodeTransports(ws?: WebSocketConstructor, perMessageDeflate = false): Record<string, Connector> {
  const w = webSocketConnector(ws && withDeflate(ws, perMessageDeflate));
  return { tcp: tcpConnector, local: localConnector, unix: localConnector, localabstract: localConnector, ws: w, wss: w };
}

/**
 * A Node with the Node.js transports installed (tcp, local, ws with the given WebSocket class;
 * `perMessageDeflate: true` compresses ws messages, worth it only on slow links).
 */
export function createNode(options: NodeOptions & { WebSocket?: WebSocketConstructor; perMessageDeflate?: boolean } = {}): Node {
  return new Node({ ...options, transports: { ...nodeTransports(options.WebSocket, options.perMessageDeflate), ...options.transports } });
}
