// relay_memory.test.mjs - the relay gives memory back after a flood: 300
// connections with 4 KB client_data in rooms of ten, each publishing 60 KB
// messages, then gone. RSS must come back near where it started.
//
// Run by ctest as integration/relay_memory with RELAY=<binary> and
// NODE_PATH=<test node_modules>.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { afterEach, test } from 'node:test';

import { RawClient, startRelay, within } from './relay_helpers.mjs';

const T = { timeout: 90000 };
let relay;
let raws = [];

afterEach(async () => {
  for (const c of raws) c.close();
  raws = [];
  await relay?.stop();
  relay = undefined;
});

const rssMiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

// Resolves once `check()` holds, looking each time the relay's RSS might
// have changed (it trims once a quiet second follows activity); rejects
// after `ms`.
function until(ms, what, check) {
  return within(ms, what, new Promise((resolve) => {
    const look = () => (check() ? resolve() : setTimeout(look, 200));
    look();
  }));
}

test('RSS returns near its start after a flood of big messages and connections', T, async (t) => {
  relay = await startRelay(['--max-per-ip', '1000', '--rate', '1000']);
  const pid = relay.proc.pid;
  const warm = await RawClient.connect(relay.url);
  await warm.handshake('mem');
  warm.close();
  const before = rssMiB(pid);

  const clients = [];
  for (let i = 0; i < 300; i++) {
    const c = await RawClient.connect(relay.url);
    raws.push(c);
    const reply = await c.request({ type: 'handshake', channel: 'mem', version: 2, client_data: { b: 'x'.repeat(4000) } }, 0);
    assert.equal(reply.error, undefined);
    clients.push(c);
  }
  await Promise.all(clients.map((c, i) => c.request({ type: 'subscribe', room: `observable-m${Math.floor(i / 10)}` }, 1)));
  const big = 'y'.repeat(60000);
  for (const c of clients) c.send({ type: 'publish', room: `observable-m${Math.floor(clients.indexOf(c) / 10)}`, message: big });
  // Everyone gets the ten publishes of its room.
  await within(60000, 'every publish delivered', Promise.all(clients.map(async (c) => {
    let got = 0;
    while (got < 10) if ((await c.next(60000)).type === 'publish') got++;
  })));
  const peak = rssMiB(pid);
  for (const c of clients) c.close();
  raws = [];
  await until(15000, 'the relay to give memory back', () => rssMiB(pid) < before + 8);
  const after = rssMiB(pid);
  t.diagnostic(`RSS ${before.toFixed(1)} MiB before, ${peak.toFixed(1)} MiB at the peak, ${after.toFixed(1)} MiB after`);
});
