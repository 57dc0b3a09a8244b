// relay_amplify.test.mjs - what one client can make the relay send: a cap
// on client_data, no member list resent on a repeated subscribe, the rate
// budget charged by bytes sent, and a crowd of big-client_data clients
// re-subscribing while a healthy room keeps talking.
//
// Run by ctest as integration/relay_amplify with RELAY=<binary> and
// NODE_PATH=<test node_modules>.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { afterEach, test } from 'node:test';
import { Worker } from 'node:worker_threads';

import {
  RawClient, closeDrone, healthyRoom, openDrone, startRelay, within,
} from './relay_helpers.mjs';

const require = createRequire(import.meta.url);
const T = { timeout: 60000 };
let relay;
let drones = [];
let raws = [];

afterEach(async () => {
  for (const c of raws) c.close();
  raws = [];
  await Promise.all(drones.map(closeDrone));
  drones = [];
  await relay?.stop();
  relay = undefined;
});

async function raw(clientData = null, channel = 'amp') {
  const c = await RawClient.connect(relay.url);
  raws.push(c);
  const reply = await c.request({ type: 'handshake', channel, version: 2, client_data: clientData }, 0);
  if (reply.error) throw new Error(reply.error);
  return c;
}

test('client_data over 4 KiB is refused with a clear error', T, async () => {
  relay = await startRelay([]);
  await assert.rejects(
    openDrone('amp', relay.url, { data: { note: 'x'.repeat(5000) }, autoReconnect: false })
      .then((d) => { drones.push(d); }),
    /client_data.*4096/);
  drones.push(await openDrone('amp', relay.url, { data: { note: 'x'.repeat(4000) } }));
});

test('a repeated subscribe gets its callback and no second member list', T, async () => {
  relay = await startRelay([]);
  const c = await raw({ name: 'c' });
  assert.deepEqual(await c.request({ type: 'subscribe', room: 'observable-r' }, 1), { callback: 1 });
  assert.equal((await c.next()).type, 'observable_members');
  assert.deepEqual(await c.request({ type: 'subscribe', room: 'observable-r' }, 2), { callback: 2 });
  c.send({ type: 'publish', room: 'observable-r', message: 'next' });
  const after = await c.next();
  assert.equal(after.type, 'publish', 'the echo comes next, not a member list');
});

test('big publishes to a room run out of rate budget where small ones do not', T, async () => {
  relay = await startRelay(['--rate', '5']);
  const big = await raw();
  const small = await raw();
  const listener = await raw();
  for (const [i, c] of [big, small, listener].entries()) {
    assert.deepEqual(await c.request({ type: 'subscribe', room: 'plain' }, i + 1), { callback: i + 1 });
  }
  // 8 messages each (within the burst of 10 after handshake and
  // subscribe), 40 KB to three members for one and a few bytes for the
  // other.
  for (let i = 0; i < 8; i++) {
    small.send({ type: 'publish', room: 'plain', message: i });
    big.send({ type: 'publish', room: 'plain', message: 'x'.repeat(40000) });
  }
  // The relay handles each connection's frames in order, but the two
  // connections' frames in any order: small's last echo may reach big
  // before big's own frames were handled. So each side is read until what
  // its own frames caused is complete: small until its last echo, big until
  // either the rate error or the echo of all its 8 messages.
  const smallErrors = [];
  for (;;) {
    const m = await small.next();
    if (m.type === 'error') smallErrors.push(m.error);
    if (m.type === 'publish' && m.message === 7) break;
  }
  assert.deepEqual(smallErrors, []);
  let bigEchoes = 0;
  let bigError = null;
  while (bigError === null && bigEchoes < 8) {
    const m = await big.next();
    if (m.type === 'error') bigError = m.error;
    else if (m.type === 'publish' && typeof m.message === 'string') bigEchoes++;
  }
  assert.match(bigError ?? `no error after all ${bigEchoes} big publishes were echoed`,
    /rate limit exceeded/);
});

// The crowd runs in a worker thread: its JSON work must not delay the
// healthy room's own event loop, or the gap would measure the test.
const CROWD = `
const { parentPort, workerData } = require('node:worker_threads');
const WebSocket = require(workerData.ws);
const { url, clients, rounds } = workerData;
let pending = clients;
for (let i = 0; i < clients; i++) {
  const ws = new WebSocket(url);
  const room = 'observable-c' + (i % 10);
  let started = false;
  ws.on('message', (data) => {
    const m = JSON.parse(data);
    if (m.callback === 0 && !m.error) ws.send(JSON.stringify({ type: 'subscribe', room, callback: 1 }));
    if (m.callback === 1 && !started) {
      started = true;
      for (let r = 0; r < rounds; r++) ws.send(JSON.stringify({ type: 'subscribe', room, callback: 2 + r }));
    }
    if (m.callback === 1 + rounds || m.error) {
      ws.terminate();
      if (--pending === 0) parentPort.postMessage('done');
    }
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'handshake', channel: 'crowd', version: 2,
    client_data: { blob: 'x'.repeat(4000) }, callback: 0 })));
}
`;

test('many clients with big client_data re-subscribing do not stall a healthy room', T, async (t) => {
  relay = await startRelay(['--max-per-ip', '1000']);
  const room = await healthyRoom(relay.url);
  drones.push(...room.drones);
  const started = performance.now();
  const worker = new Worker(CROWD, {
    eval: true,
    workerData: { url: relay.url, clients: 100, rounds: 30, ws: require.resolve('ws') },
  });
  try {
    await within(30000, 'the crowd to finish', new Promise((resolve, reject) => {
      worker.on('message', resolve);
      worker.on('error', reject);
    }));
  } finally {
    await worker.terminate();
  }
  const took = performance.now() - started;
  const { gap, messages } = await room.stop();
  t.diagnostic(`100 clients (4 KB client_data) joined and re-subscribed 30 times each in ${took.toFixed(0)} ms; `
    + `healthy room: ${messages} messages, longest gap ${gap.toFixed(1)} ms`);
  assert.ok(gap < 1000, `longest gap ${gap} ms`);
});
