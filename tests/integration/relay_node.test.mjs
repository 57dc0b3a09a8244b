// relay_node.test.mjs - tempchat-relay against the real ScaleDrone client
// (scaledrone-node@1.5.0, unmodified) and raw websocket frames.
//
// Run by ctest as integration/relay_node with RELAY=<binary> and
// NODE_PATH=<test node_modules>.
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';

import {
  RawClient, WebSocket, closeDrone, joinRoom, next, openDrone, rawWebsocket, startRelay, within,
} from './relay_helpers.mjs';

const T = { timeout: 30000 };

// Everything a test opens, closed in afterEach whatever happened.
let relays = [];
let drones = [];
let raws = [];

async function relay(args) {
  const r = await startRelay(args);
  relays.push(r);
  return r;
}

async function drone(url, channel = 'test-channel', options) {
  const d = await openDrone(channel, url, options);
  drones.push(d);
  return d;
}

async function raw(url) {
  const c = await RawClient.connect(url);
  raws.push(c);
  return c;
}

afterEach(async () => {
  await Promise.all(drones.map(closeDrone));
  for (const c of raws) c.close();
  await Promise.all(relays.map((r) => r.stop()));
  relays = [];
  drones = [];
  raws = [];
});

describe('scaledrone-node clients', () => {
  test('two clients meet in an observable room, exchange messages and see each other leave', T, async () => {
    const { url } = await relay([]);
    const a = await drone(url);
    const { room: roomA, members: membersA } = await joinRoom(a, 'observable-x');
    assert.deepEqual(membersA.map((m) => m.id), [a.clientId]);

    const joined = next(roomA, 'member_join');
    const b = await drone(url, 'test-channel', { data: { name: 'b' } });
    const { room: roomB, members: membersB } = await joinRoom(b, 'observable-x');
    assert.deepEqual(membersB.map((m) => m.id), [a.clientId, b.clientId]);
    assert.deepEqual(membersB[1].clientData, { name: 'b' });
    const [joinedMember] = await joined;
    assert.equal(joinedMember.id, b.clientId);
    assert.match(a.clientId, /^[A-Za-z0-9]{16}$/);
    assert.notEqual(a.clientId, b.clientId);

    // A publish reaches both subscribers, the sender's own echo included,
    // with clientId and the member object the client looks up.
    for (const [sender, payload] of [[a, { sdp: { type: 'offer', sdp: 'v=0' } }],
                                     [b, { candidate: { candidate: 'c', sdpMLineIndex: 0 } }]]) {
      const gotA = next(roomA, 'message');
      const gotB = next(roomB, 'message');
      sender.publish({ room: 'observable-x', message: payload });
      for (const [msg] of [await gotA, await gotB]) {
        assert.deepEqual(msg.data, payload);
        assert.equal(msg.clientId, sender.clientId);
        assert.equal(msg.member.id, sender.clientId);
        assert.match(msg.id, /^[A-Za-z0-9]+$/);
        assert.ok(Math.abs(msg.timestamp - Date.now() / 1000) < 60);
      }
    }

    const left = next(roomA, 'member_leave');
    await closeDrone(b);
    const [leftMember] = await left;
    assert.equal(leftMember.id, b.clientId);
  });

  test('a full room refuses the third subscriber with "Room is full"', T, async () => {
    const { url } = await relay(['--max-members', '2']);
    for (let i = 0; i < 2; i++) await joinRoom(await drone(url), 'observable-full');
    const third = await drone(url);
    const room = third.subscribe('observable-full');
    const [error] = await next(room, 'open');
    assert.ok(error instanceof Error);
    assert.equal(error.message, 'Room is full');
  });

  test('an unknown channel is refused when --channel is given', T, async () => {
    const { url } = await relay(['--channel', 'good-channel']);
    await assert.rejects(openDrone('bad-channel', url, { autoReconnect: false })
      .then((d) => { drones.push(d); }), /Channel not found/);
    await drone(url, 'good-channel');
  });

  test('after a flood the client is closed with 1008 and does not reconnect', T, async () => {
    const { url } = await relay(['--rate', '5']);
    const d = await drone(url);
    await joinRoom(d, 'observable-flood');
    let reconnected = false;
    d.on('disconnect', () => { reconnected = true; });
    d.on('error', () => {}); // the rate errors arrive as 'error' events
    const closed = next(d, 'close', 10000);
    for (let i = 0; i < 100; i++) d.publish({ room: 'observable-flood', message: { n: i } });
    const [event] = await closed;
    assert.equal(event.code, 1008);
    assert.match(event.reason, /exceeded/);
    assert.equal(reconnected, false);
  });
});

describe('raw frames', () => {
  test('malformed JSON gets an error reply and the connection stays usable', T, async () => {
    const { url } = await relay([]);
    const c = await raw(url);
    c.send('{"type": "handshake", oops');
    const reply = await c.next();
    assert.equal(reply.type, 'error');
    assert.match(reply.error, /JSON/);
    c.send({ type: 'subscribe', room: 42, callback: 5 });
    const typed = await c.next();
    assert.equal(typed.callback, 5);
    assert.match(typed.error, /room/);
    assert.match(await c.handshake(), /^[A-Za-z0-9]{16}$/);
  });

  test('requests before the handshake are refused', T, async () => {
    const { url } = await relay([]);
    const c = await raw(url);
    const reply = await c.request({ type: 'subscribe', room: 'observable-x' }, 1);
    assert.match(reply.error, /handshake/);
  });

  test('publishing to a room one has not joined is refused', T, async () => {
    const { url } = await relay([]);
    const c = await raw(url);
    await c.handshake();
    c.send({ type: 'publish', room: 'observable-elsewhere', message: 'x' });
    const reply = await c.next();
    assert.equal(reply.type, 'error');
    assert.match(reply.error, /Subscribe/);
  });

  test('a message over 64 KiB closes the connection with 1009 naming the limit', T, async () => {
    const { url } = await relay([]);
    const c = await raw(url);
    await c.handshake();
    assert.deepEqual(await c.request({ type: 'subscribe', room: 'plain-room' }, 1), { callback: 1 });
    c.send({ type: 'publish', room: 'plain-room', message: 'x'.repeat(70 * 1024) });
    const { code, reason } = await within(5000, 'the close', c.closed);
    assert.equal(code, 1009);
    assert.match(reason, /65536/);
    assert.deepEqual(c.inbox, []);
  });

  test('a flood gets rate-limit errors and then a 1008 close saying exceeded', T, async () => {
    const { url } = await relay(['--rate', '5']);
    const c = await raw(url);
    for (let i = 0; i < 200; i++) c.send({ type: 'unsubscribe', room: 'r' });
    const { code, reason } = await within(10000, 'the close', c.closed);
    assert.equal(code, 1008);
    assert.match(reason, /exceeded/);
    const errors = c.inbox.filter((m) => m.type === 'error').map((m) => m.error);
    assert.ok(errors.some((e) => /rate limit exceeded/.test(e)), errors.join('\n'));
  });

  test('websocket upgrades on any other path are refused', T, async () => {
    const { port } = await relay([]);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/other`);
    const [err] = await next(ws, 'error');
    assert.match(err.message, /404/);
  });

  test('binary messages get an error', T, async () => {
    const { url } = await relay([]);
    const c = await raw(url);
    c.ws.send(Buffer.from([1, 2, 3]));
    const reply = await c.next();
    assert.match(reply.error, /Binary/);
  });
});

// Opens a websocket by hand on a TCP socket that never answers pings, and
// resolves with the close code the relay sends.
function silentSocket(port) {
  return new Promise((resolve, reject) => {
    const opcodes = [];
    const opened = rawWebsocket(port, (opcode, payload) => {
      opcodes.push(opcode);
      if (opcode === 0x8) {
        opened.then((sock) => sock.destroy());
        resolve({ code: payload.readUInt16BE(0), reason: payload.subarray(2).toString(), opcodes });
      }
    });
    opened.catch(reject);
  });
}

describe('deadlines', () => {
  test('a connection that never handshakes is closed after --handshake-timeout', T, async () => {
    const { port } = await relay(['--handshake-timeout', '1']);
    const { code } = await within(5000, 'the close', silentSocket(port));
    assert.equal(code, 1008);
  });

  test('a client that ignores pings is closed after --idle-timeout', T, async () => {
    const { port, url } = await relay(['--idle-timeout', '3', '--handshake-timeout', '60']);
    // A well-behaved client (ws answers pings by itself) outlives it.
    const alive = await raw(url);
    const { code, opcodes } = await within(8000, 'the idle close', silentSocket(port));
    assert.equal(code, 1000);
    assert.ok(opcodes.includes(0x9), 'the relay pinged before giving up');
    assert.equal(alive.ws.readyState, WebSocket.OPEN);
  });
});

describe('process', () => {
  test('SIGTERM closes clients with 1001, prints counters and exits 0, logging no ids', T, async () => {
    const r = await relay(['--verbose', '--channel', 'secret-channel-id']);
    const c = await raw(r.url);
    const clientId = await c.handshake('secret-channel-id');
    await c.request({ type: 'subscribe', room: 'observable-secret-room' }, 1);
    await c.next(); // observable_members
    c.send({ type: 'publish', room: 'observable-secret-room', message: 'secret-message-body' });
    await c.next(); // the echo

    r.proc.kill('SIGUSR1');
    await within(5000, 'the counters', new Promise((resolve) => {
      const poll = () => (r.stderr().includes('messages_published=1') ? resolve()
                                                                        : r.proc.stderr.once('data', poll));
      poll();
    }));
    r.proc.kill('SIGTERM');
    const { code } = await within(5000, 'the close', c.closed);
    assert.equal(code, 1001);
    const exit = await within(5000, 'the relay to exit', r.exited);
    assert.deepEqual(exit, { code: 0, signal: null });

    const log = r.stderr();
    assert.match(log, /tempchat-relay stats: .*connections_total=1/);
    for (const secret of ['secret-channel-id', 'observable-secret-room', 'secret-message-body', clientId]) {
      assert.ok(!log.includes(secret), `stderr must not contain ${secret}`);
    }
  });
});
