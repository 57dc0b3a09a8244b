#!/usr/bin/env node
// bench/relay_load.mjs - tempchat-relay under many connections, on loopback.
// Not a test: it prints numbers, read them as ratios (the machine is shared).
//
//   RELAY=build/server/tempchat-relay NODE_PATH=build/js/node_modules \
//     node bench/relay_load.mjs [--idle 10000] [--active 1000] [--seconds 10]
//
// 1. `active` clients (raw websockets, rooms of two) each publish 5 times a
//    second; the other member of the room timestamps every delivery:
//    publish->delivery p50/p99 and the relay's CPU, alone.
// 2. `idle` clients connect and handshake, then sit there; the relay's RSS
//    before and after gives the memory an idle connection costs.
// 3. The same publishing again with the idle clients present.
// Prints both latencies, their ratio (with / without idle), CPU at the
// publish rate, and RSS per idle connection. Counts and time are capped;
// the relay's descriptor limit is raised for it alone (ulimit -n in the
// shell that execs it), this process raises its own soft limit up to its
// hard limit (Node does so at start).
import { fork, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
const WebSocket = require('ws');

const RELAY = process.env.RELAY;
if (!RELAY) throw new Error('RELAY must name the tempchat-relay binary');
const arg = (name, def, max) => {
  const i = process.argv.indexOf(`--${name}`);
  const v = i > 0 ? Number(process.argv[i + 1]) : def;
  if (!(v >= 0 && v <= max)) throw new Error(`--${name} must be 0..${max}`);
  return v;
};
const IDLE = process.argv[2] === '--idle-child' ? 0 : arg('idle', 10000, 15000);
const ACTIVE = arg('active', 1000, 2000) & ~1;
const SECONDS = arg('seconds', 10, 60);
const RATE = 5; // publishes per second per active client
const HZ = 100; // clock ticks per second in /proc (getconf CLK_TCK)

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function startRelay() {
  const nofile = IDLE + ACTIVE + 1024;
  // Older relays (to compare against) have no connection limits.
  const help = spawnSync(RELAY, ['--help'], { encoding: 'utf8' }).stdout;
  const limits = help.includes('--max-per-ip')
    ? ['--max-connections', String(nofile - 512), '--max-per-ip', String(nofile - 512)] : [];
  const proc = spawn('sh', ['-c', `ulimit -n ${nofile} && exec "$0" "$@"`, RELAY,
    '--port', '0', '--rate', '100', ...limits], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout }).on('line', (line) => {
      const m = /listening on (ws:\/\/\S+)/.exec(line);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on('exit', (code) => reject(new Error(`relay exited ${code}`)));
  });
}

const cpuTicks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

// Opens a websocket and handshakes; resolves with it. `onMessage` sees every
// later frame.
function client(url, onMessage = () => {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('error', reject);
    ws.once('open', () => ws.send('{"type":"handshake","channel":"bench","version":2,"callback":0}'));
    ws.once('message', (data) => {
      const m = JSON.parse(data);
      if (m.error) return reject(new Error(m.error));
      ws.on('message', onMessage);
      resolve(ws);
    });
  });
}

// In batches so the relay's accept queue is not overrun.
async function many(n, make) {
  const out = [];
  for (let i = 0; i < n; i += 200) {
    out.push(...await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, k) => make(i + k))));
  }
  return out;
}

async function activeClients(url, latencies) {
  const state = { record: false };
  const clients = await many(ACTIVE, (i) => client(url, (data) => {
    const m = JSON.parse(data);
    if (m.type === 'publish' && m.message.from !== i && state.record) {
      latencies.push(performance.now() - m.message.t);
    }
  }));
  await Promise.all(clients.map((ws, i) => new Promise((resolve) => {
    ws.once('message', resolve); // the callback; members lists come later
    ws.send(JSON.stringify({ type: 'subscribe', room: `r${i >> 1}`, callback: 1 }));
  })));
  return { clients, state };
}

// Publishes RATE per second per client for `seconds`, spread evenly.
async function publish(clients, seconds) {
  const total = clients.length * RATE * seconds;
  const start = performance.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor((performance.now() - start) / 1000 * clients.length * RATE));
    for (; sent < due; sent++) {
      const i = sent % clients.length;
      clients[i].send(JSON.stringify({ type: 'publish', room: `r${i >> 1}`,
        message: { from: i, t: performance.now() } }));
    }
    await sleep(5);
  }
  return (performance.now() - start) / 1000;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))];
};

async function phase(relay, label, clients, state, latencies) {
  await publish(clients, 1); // warm-up
  latencies.length = 0;
  state.record = true;
  const t0 = cpuTicks(relay.proc.pid);
  const secs = await publish(clients, SECONDS);
  const cpu = (cpuTicks(relay.proc.pid) - t0) / HZ / secs;
  await sleep(500);
  state.record = false;
  const r = { label, n: latencies.length, p50: pct(latencies, 0.5), p99: pct(latencies, 0.99), cpu };
  console.log(`${label}: ${r.n} deliveries, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms, `
    + `relay CPU ${(cpu * 100).toFixed(0)}% of a core at ${clients.length * RATE} publishes/s`);
  return r;
}

// The idle clients live in a child process: 10,000 sockets in this one
// would make its own event loop and garbage collector part of what the
// latencies measure.
if (process.argv[2] === '--idle-child') {
  const url = process.argv[3];
  const n = Number(process.argv[4]);
  const idle = await many(n, () => client(url));
  process.send('ready');
  process.on('disconnect', () => {
    for (const ws of idle) ws.terminate();
    process.exit(0);
  });
} else {
  await main();
}

function idleChild(url) {
  const child = fork(new URL(import.meta.url).pathname, ['--idle-child', url, String(IDLE)]);
  return new Promise((resolve, reject) => {
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`idle clients exited ${code}`)));
  });
}

async function main() {
const relay = await startRelay();
try {
  const latencies = [];
  const { clients, state } = await activeClients(relay.url, latencies);
  const alone = await phase(relay, 'without idle', clients, state, latencies);

  await sleep(1500); // a quiet second lets the relay trim
  const rss0 = rssKiB(relay.proc.pid);
  const idle = await idleChild(relay.url);
  await sleep(1500);
  const rss1 = rssKiB(relay.proc.pid);
  console.log(`idle: ${IDLE} connections, relay RSS ${(rss0 / 1024).toFixed(1)} -> ${(rss1 / 1024).toFixed(1)} MiB, `
    + `${((rss1 - rss0) * 1024 / Math.max(1, IDLE)).toFixed(0)} bytes per idle connection`);

  const withIdle = await phase(relay, `with ${IDLE} idle`, clients, state, latencies);
  console.log(`ratio with/without idle: p50 ${(withIdle.p50 / alone.p50).toFixed(2)}, `
    + `p99 ${(withIdle.p99 / alone.p99).toFixed(2)}, CPU ${(withIdle.cpu / alone.cpu).toFixed(2)}`);
  // For scripts/bench: the same relay without the idle connections is the
  // baseline (idle connections must cost memory, not latency or CPU).
  for (const [what, unit, key, scale] of [['publish->delivery p99', 'ms', 'p99', 1],
    ['relay CPU', '% of a core', 'cpu', 100]]) {
    const round = (v) => Number((v * scale).toFixed(2));
    console.log(`BENCH ${JSON.stringify({
      bench: 'relay', name: `${what}, ${ACTIVE} active + ${IDLE} idle`, unit,
      value: round(withIdle[key]),
      baseline: `the same ${ACTIVE} active, no idle`, baseline_value: round(alone[key]),
      ratio: Number((withIdle[key] / alone[key]).toFixed(2)),
      rss_bytes_per_idle: Math.round(((rss1 - rss0) * 1024) / Math.max(1, IDLE)),
    })}`);
  }
  for (const ws of clients) ws.terminate();
  idle.disconnect();
} finally {
  relay.proc.kill('SIGTERM');
}
}
