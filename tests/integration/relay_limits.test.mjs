// relay_limits.test.mjs - connection limits of tempchat-relay: per address,
// in all, and when the process runs out of file descriptors. Excess clients
// are refused at once with HTTP 503 (none hangs), the log says so a few
// times rather than per connection, and the relay serves again once
// clients go.
//
// Run by ctest as integration/relay_limits with RELAY=<binary> and
// NODE_PATH=<test node_modules>.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, test } from 'node:test';

import {
  WebSocket, closeDrone, joinRoom, next, openDrone, startRelay, within,
} from './relay_helpers.mjs';

const T = { timeout: 60000 };
let relay;
let sockets = [];

afterEach(async () => {
  for (const ws of sockets) ws.terminate();
  sockets = [];
  await relay?.stop();
  relay = undefined;
});

// Opens a websocket from `from` (a loopback address); resolves with the ws
// once open, or with the HTTP status that refused it.
function attempt(from = '127.0.0.1') {
  const ws = new WebSocket(relay.url, { localAddress: from });
  sockets.push(ws);
  return within(10000, 'the relay to answer', new Promise((resolve) => {
    ws.on('open', () => resolve({ ws }));
    ws.on('unexpected-response', (req, res) => resolve({ status: res.statusCode }));
    ws.on('error', (err) => resolve({ error: err.message }));
  }));
}

async function goodbye(ws) {
  const closed = next(ws, 'close');
  ws.close();
  await closed;
}

// Proves the relay works end to end: a scaledrone-node client joins a
// room and hears its own message.
async function stillServes() {
  const d = await openDrone('after', relay.url);
  try {
    const { room } = await joinRoom(d, 'observable-after');
    const got = next(room, 'message');
    d.publish({ room: 'observable-after', message: 'still here' });
    assert.equal((await got)[0].data, 'still here');
  } finally {
    await closeDrone(d);
  }
}

test('one address gets --max-per-ip connections, then 503; another address is not affected', T, async () => {
  relay = await startRelay(['--max-per-ip', '3', '--max-connections', '100']);
  const first = [];
  for (let i = 0; i < 3; i++) first.push((await attempt()).ws);
  assert.ok(first.every(Boolean));
  assert.deepEqual(await attempt(), { status: 503 });
  assert.ok((await attempt('127.0.0.2')).ws, 'another address is let in');
  await goodbye(first[0]);
  assert.ok((await attempt()).ws, 'a place freed is a place to take');
  assert.match(relay.stderr(), /per-address connection limit reached/);
});

test('--max-connections counts every address together', T, async () => {
  relay = await startRelay(['--max-per-ip', '100', '--max-connections', '4']);
  const open = [];
  for (const from of ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']) open.push((await attempt(from)).ws);
  assert.ok(open.every(Boolean));
  assert.deepEqual(await attempt('127.0.0.5'), { status: 503 });
  await Promise.all(open.map(goodbye));
  await stillServes();
});

// CPU seconds the process has used so far (user + system).
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

test('out of descriptors (ulimit -n 64): the excess gets 503 at once, no spinning, a quiet log, and service after', T, async (t) => {
  // Limits set far above the descriptor limit so that EMFILE is what stops it.
  // ulimit -n in a shell that execs the relay: the test keeps its own limit.
  relay = await startRelay(['--max-per-ip', '1000', '--max-connections', '1000'],
    { wrap: ['sh', '-c', 'ulimit -n 64 && exec "$0" "$@"'] });
  const results = await Promise.all(Array.from({ length: 120 }, () => attempt()));
  const opened = results.filter((r) => r.ws);
  const refused = results.filter((r) => r.status === 503);
  t.diagnostic(`${opened.length} opened, ${refused.length} refused with 503`);
  assert.ok(opened.length > 20 && opened.length < 64, `${opened.length} opened`);
  assert.equal(opened.length + refused.length, results.length, JSON.stringify(results.filter((r) => !r.ws && r.status !== 503)));

  // At the limit and idle, the relay does not spin.
  const before = cpuSeconds(relay.proc.pid);
  await new Promise((r) => setTimeout(r, 2000));
  const used = cpuSeconds(relay.proc.pid) - before;
  t.diagnostic(`relay CPU over 2 s at the descriptor limit: ${used.toFixed(2)} s`);
  assert.ok(used < 0.5, `${used} s of CPU in 2 s`);

  const log = relay.stderr().split('\n').filter((l) => /out of file descriptors/.test(l));
  assert.ok(log.length >= 1 && log.length <= 3, log.join('\n'));
  assert.doesNotMatch(relay.stderr(), /accept: errno/);

  await Promise.all(opened.map((r) => goodbye(r.ws)));
  await stillServes();
});
