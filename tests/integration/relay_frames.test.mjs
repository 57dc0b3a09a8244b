// relay_frames.test.mjs - hostile websocket frames against tempchat-relay,
// written by hand on a TCP socket (the `ws` client would refuse to send
// them), while a healthy two-person room of scaledrone-node clients keeps
// talking: the attacker is closed with the right code and the room loses
// nothing. The room's longest gap between deliveries is reported.
//
// Run by ctest as integration/relay_frames with RELAY=<binary> and
// NODE_PATH=<test node_modules>.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, test } from 'node:test';

import {
  closeDrone, healthyRoom, next, rawWebsocket, startRelay, within,
} from './relay_helpers.mjs';

const T = { timeout: 60000 };
let relay;
let drones = [];
let sockets = [];

afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets = [];
  await Promise.all(drones.map(closeDrone));
  drones = [];
  await relay?.stop();
  relay = undefined;
});

// One client frame. `mask` false leaves it unmasked; `length` overrides the
// announced payload length (the payload sent is still `payload`).
function frame({ fin = true, opcode, payload = Buffer.alloc(0), mask = true, length }) {
  const len = length ?? BigInt(payload.length);
  const head = [(fin ? 0x80 : 0) | opcode];
  const m = mask ? 0x80 : 0;
  let ext = Buffer.alloc(0);
  if (len < 126n) {
    head.push(m | Number(len));
  } else if (len < 65536n) {
    head.push(m | 126);
    ext = Buffer.alloc(2);
    ext.writeUInt16BE(Number(len));
  } else {
    head.push(m | 127);
    ext = Buffer.alloc(8);
    ext.writeBigUInt64BE(len);
  }
  if (!mask) return Buffer.concat([Buffer.from(head), ext, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), ext, key, body]);
}

// A hostile websocket. Resolves once upgraded with { sock, closed }, where
// `closed` resolves with the relay's close { code, reason } (or
// { code: null } if the TCP connection ends without one).
async function hostileSocket(port) {
  let settle;
  const closed = new Promise((r) => { settle = r; });
  const sock = await within(5000, 'the hostile upgrade', rawWebsocket(port, (opcode, p) => {
    if (opcode === 0x8) settle({ code: p.readUInt16BE(0), reason: p.subarray(2).toString() });
  }));
  sockets.push(sock);
  sock.on('close', () => settle({ code: null }));
  sock.on('error', () => {});
  return { sock, closed };
}

// Writes what `make()` returns again and again until the socket closes or
// `max` writes went out; resolves with the number of writes.
function keepWriting(sock, make, max = 1e6) {
  return new Promise((resolve) => {
    let n = 0;
    const pump = () => {
      while (!sock.destroyed && sock.writable && n < max) {
        n++;
        if (!sock.write(make(n))) {
          sock.once('drain', pump);
          return;
        }
        if (n % 64 === 0) {
          setImmediate(pump);
          return;
        }
      }
      resolve(n);
    };
    sock.on('close', () => resolve(n));
    pump();
  });
}

// Runs `attack` against a fresh relay while the healthy room talks, for at
// least `minMs`; returns the attacker's close and the room's longest gap.
async function underAttack(t, args, attack, minMs = 1500) {
  relay = await startRelay(args);
  const room = await healthyRoom(relay.url);
  drones.push(...room.drones);
  const { sock, closed } = await hostileSocket(relay.port);
  const started = performance.now();
  const writes = attack(sock);
  const close = await within(10000, "the attacker's close", closed);
  const closedAfter = performance.now() - started;
  sock.destroy();
  await writes;
  // Keep talking a while after the attack so a stall would show.
  const rest = minMs - (performance.now() - started);
  if (rest > 0) await within(rest + 1000, 'the talk after the attack', new Promise((r) => setTimeout(r, rest)));
  const { gap, messages } = await room.stop();
  t.diagnostic(`attacker closed with ${close.code} after ${closedAfter.toFixed(0)} ms; `
    + `healthy room: ${messages} messages, longest gap ${gap.toFixed(1)} ms`);
  return { ...close, gap };
}

test('baseline: the healthy room alone, for comparing gaps', T, async (t) => {
  relay = await startRelay([]);
  const room = await healthyRoom(relay.url);
  drones.push(...room.drones);
  await within(3000, 'the talk', new Promise((r) => setTimeout(r, 1500)));
  const { gap, messages } = await room.stop();
  t.diagnostic(`healthy room alone: ${messages} messages, longest gap ${gap.toFixed(1)} ms`);
});

const text = (s, fin = true) => frame({ fin, opcode: 0x1, payload: Buffer.from(s) });

test('endless small continuation fragments are closed with 1008 by the rate budget', T, async (t) => {
  const { code, reason } = await underAttack(t, [], (sock) => {
    sock.write(text('{"type":', false));
    return keepWriting(sock, () => frame({ fin: false, opcode: 0x0, payload: Buffer.from(' ') }));
  });
  assert.equal(code, 1008);
  assert.match(reason, /exceeded/);
});

test('continuation fragments past the size limit are closed with 1009 at once', T, async (t) => {
  const chunk = Buffer.alloc(16384, 0x20);
  const { code, reason } = await underAttack(t, [], (sock) => {
    sock.write(text('{"type":', false));
    return keepWriting(sock, () => frame({ fin: false, opcode: 0x0, payload: chunk }), 64);
  });
  assert.equal(code, 1009);
  assert.match(reason, /65536/);
});

test('a frame announcing 2^62 bytes is closed with 1009 before its payload', T, async (t) => {
  const { code } = await underAttack(t, [], (sock) => {
    sock.write(frame({ opcode: 0x1, payload: Buffer.from('{"a":"'), length: 2n ** 62n }));
    return keepWriting(sock, () => Buffer.alloc(65536, 0x61), 10000);
  });
  assert.equal(code, 1009);
});

test('a ping flood is closed with 1008', T, async (t) => {
  const { code, reason } = await underAttack(t, [], (sock) =>
    keepWriting(sock, () => frame({ opcode: 0x9, payload: Buffer.from('ping') })));
  assert.equal(code, 1008);
  assert.match(reason, /exceeded/);
});

test('an unmasked client frame is refused with 1002 (RFC 6455 5.1)', T, async (t) => {
  const { code, reason } = await underAttack(t, [], (sock) => {
    sock.write(frame({ opcode: 0x1, mask: false,
      payload: Buffer.from('{"type":"handshake","channel":"c","version":2}') }));
    return Promise.resolve(1);
  });
  assert.equal(code, 1002);
  assert.match(reason, /masked/);
});

test('frames sent before the upgrade response are refused with 1002', T, async () => {
  relay = await startRelay([]);
  const sock = connect(relay.port, '127.0.0.1');
  sockets.push(sock);
  sock.on('error', () => {});
  let data = Buffer.alloc(0);
  let body = Buffer.alloc(0);
  const closeFrame = new Promise((resolve) => sock.on('data', (c) => {
    data = Buffer.concat([data, c]);
    const end = data.indexOf('\r\n\r\n');
    body = end < 0 ? Buffer.alloc(0) : data.subarray(end + 4);
    if (body.length >= 4) resolve();
  }));
  await next(sock, 'connect');
  sock.write(Buffer.concat([
    Buffer.from('GET /v3/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n'
      + 'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n'
      + 'Sec-WebSocket-Version: 13\r\n\r\n'),
    text('{"type":"handshake","channel":"c","version":2,"callback":0}'),
  ]));
  await within(5000, 'a frame from the relay', closeFrame);
  assert.equal(body[0], 0x88, 'a close frame and nothing else');
  assert.equal(body.readUInt16BE(2), 1002);
});
