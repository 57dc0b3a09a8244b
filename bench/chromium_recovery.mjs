// bench/chromium_recovery.mjs - the Chromium <-> Chromium baselines of
// bench/recovery.sh, in the same namespaces (bench/chromium_ns.sh):
//
//   MODE=cut: the UDP path cut for CUT_MS (nftables drop on input in both
//     namespaces, as netns_pair.sh's udp_loss 100) and restored; B's
//     decoded frames sampled every 20 ms: "METRIC chromium-cut-freeze-ms=N
//     cut-ms=M" (the longest wait between two decoded frames, and the cut).
//   MODE=bottleneck: both pages at quality=1080p, A's camera a moving zone
//     plate (Chromium's own fake camera picture compresses to far below
//     the bottleneck and would never meet it); A's egress through a
//     token bucket of LIMIT bit/s (tc tbf on VA in NS_A) for LIMITED_S,
//     then lifted for LIFTED_S; A's send-side estimate
//     (availableOutgoingBitrate) every 250 ms: "SERIES [[s, Mbit/s], ...]"
//     from the moment the bucket went on, and "METRIC chromium-settle-s=N
//     climb-s=M" (first estimate under LIMIT; first over twice LIMIT after
//     the lift; -1: never).
//
// Env: PAGE, WRAP_A, WRAP_B, NS_A, NS_B, VA, MODE, CUT_MS, LIMIT,
// LIMITED_S, LIFTED_S.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cameraFiles } from './camera.mjs';
import { call, closeAll, launch, wait } from './chromium_pages.mjs';

const env = process.env;

function nft(ns, input) {
  execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input });
}

function cutPath(on) {
  for (const ns of [env.NS_A, env.NS_B]) {
    nft(ns, on ? 'table inet tccut {\n chain input {\n'
      + ' type filter hook input priority 0; policy accept;\n'
      + ' meta l4proto udp drop\n }\n}\n' : 'delete table inet tccut\n');
  }
}

function tokenBucket(on) {
  execFileSync('ip', ['netns', 'exec', env.NS_A, 'tc', 'qdisc', on ? 'add' : 'del',
    'dev', env.VA, 'root', ...(on ? ['tbf', 'rate', `${env.LIMIT}bit`, 'burst', '10kb',
      'latency', '300ms'] : [])]);
}

// In page B: frames decoded, sampled every 20 ms for `ms`; the longest
// wait between two increments.
const longestWait = (ms) => (async () => {
  const decoded = async () => {
    let n = 0;
    (await window.tc.pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') n = s.framesDecoded || 0;
    });
    return n;
  };
  let last = await decoded();
  let lastAt = performance.now();
  let longest = 0;
  const end = lastAt + ms;
  while (performance.now() < end) {
    await new Promise((r) => { setTimeout(r, 20); });
    const n = await decoded();
    if (n > last) {
      longest = Math.max(longest, performance.now() - lastAt);
      last = n;
      lastAt = performance.now();
    }
  }
  return Math.round(Math.max(longest, performance.now() - lastAt));
})();

// A's send-side estimate on the selected pair (the transport's; other
// nominated pairs keep stale figures).
const estimate = () => window.tc.pc.getStats().then((report) => {
  let pairId = null;
  report.forEach((r) => {
    if (r.type === 'transport' && r.selectedCandidatePairId) pairId = r.selectedCandidatePairId;
  });
  const pair = pairId && report.get(pairId);
  return (pair && pair.availableOutgoingBitrate) || 0;
});

async function cut(a, b) {
  await call(a, b);
  await wait(5000);                     // the call settles first
  const cutMs = Number(env.CUT_MS);
  const watching = b.page.evaluate(longestWait, cutMs + 12000);
  const t0 = Date.now();
  cutPath(true);
  await wait(cutMs);                    // the scenario: a 5 s outage
  cutPath(false);
  const took = Date.now() - t0;
  console.log(`METRIC chromium-cut-freeze-ms=${await watching} cut-ms=${took}`);
}

async function bottleneck(a, b) {
  await call(a, b, '&quality=1080p');
  await wait(5000);
  const limit = Number(env.LIMIT);
  const series = [];
  let settle = -1;
  let climb = -1;
  tokenBucket(true);
  const t0 = Date.now();
  let lifted = 0;
  const total = (Number(env.LIMITED_S) + Number(env.LIFTED_S)) * 1000;
  while (Date.now() - t0 < total) {
    await wait(250);                    // the sampling period
    const t = (Date.now() - t0) / 1000;
    if (!lifted && t >= Number(env.LIMITED_S)) {
      tokenBucket(false);
      lifted = t;
    }
    const bps = await a.page.evaluate(estimate);
    series.push([Number(t.toFixed(2)), Number((bps / 1e6).toFixed(3))]);
    if (settle < 0 && bps > 0 && bps < limit) settle = t;
    if (lifted && climb < 0 && bps > 2 * limit) climb = t - lifted;
  }
  console.log(`SERIES ${JSON.stringify(series)}`);
  console.log(`METRIC chromium-settle-s=${settle.toFixed(2)} climb-s=${climb.toFixed(2)}`);
}

const dir = mkdtempSync(join(tmpdir(), 'tc-bench-recovery-'));
// A's fake camera at 720p: detailed enough to fill several Mbit/s, as our
// sender's picture does.
const camera = env.MODE === 'cut' ? []
  : [`--use-file-for-fake-video-capture=${cameraFiles(dir, 1280, 720, ['y4m']).y4m}`];
const a = await launch(env.WRAP_A, camera);
const b = await launch(env.WRAP_B);
try {
  await (env.MODE === 'cut' ? cut(a, b) : bottleneck(a, b));
} finally {
  await closeAll([a, b]);
  rmSync(dir, { recursive: true, force: true });
}
