// bench/first_frame.mjs - time to the first decoded frame after the second
// party starts (issue #14), our elements against Chromium <-> Chromium with
// the TempChat page in the same invocation, on loopback through our relay.
//
// The second party "starts" when a page begins to load (its
// performance.timeOrigin: the browser is already open, as a user's is) or
// when gst-launch-1.0 is spawned (with a warm registry, as a user's is).
// A frame is "decoded" in the page when the last packet of the first
// remote frame arrived plus its decode time (requestVideoFrameCallback's
// receiveTime + processingDuration), in tempchatsrc when the decoder's
// first buffer reaches a fakesink.
//
// Cases, each paired with the Chromium <-> Chromium direction it competes
// with (A joined first and waits, B starts):
//   gst->chromium, chromium waits   vs  B->A (the starter sends)
//   chromium->gst, gst waits        vs  B->A
//   gst->chromium, gst waits        vs  A->B (the starter receives)
//   chromium->gst, chromium waits   vs  A->B
// Every party uses its defaults (AV1 where both can) at the quality named,
// sending that size (the page's camera, videotestsrc for gst).
//
// PICTURE=detailed gives both senders the same moving zone plate
// (bench/camera.mjs) instead of their own simple pictures, whose keyframes
// are a few kB: a detailed first keyframe is tens to hundreds of kB, and
// how fast it leaves (the encoder's size for it, the pacer) then counts.
// It is rendered once at the largest size asked; a smaller quality scales
// it down (the page's camera track does so, gst with videoscale), so that
// both send the same picture at every size.
//
// Env: RELAY, TC_GST_PLUGIN_DIR, NODE_PATH (playwright-core,
// scaledrone-node, esbuild), QUALITIES ("720p 1080p"), RUNS (3),
// VIDEO_CODECS (our elements' video-codecs, e.g. "vp8": the call's codec;
// the baseline keeps Chromium's own choice), PICTURE (simple, or detailed).
// Prints a table and one `BENCH {json}` line per case for scripts/bench.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';


import { startGst } from '../tests/web/gst.mjs';
import { cameraFiles, playRaw } from './camera.mjs';
import {
  CHROMIUM_ARGS, launchPeer, randomRoom, startSite, waitFor,
} from '../tests/web/harness.mjs';

const QUALITIES = (process.env.QUALITIES || '720p 1080p').split(/\s+/).filter(Boolean);
const RUNS = Number(process.env.RUNS || 3);
const VIDEO_CODECS = process.env.VIDEO_CODECS || '';
const DETAILED = process.env.PICTURE === 'detailed';
const SIZES = { '360p': [640, 360], '720p': [1280, 720], '1080p': [1920, 1080] };
const CHANNEL = 'YOUR_CHANNEL_ID';  // the page's default channel
const FRAME_TIMEOUT_MS = 30000;
const VIDEO_BUFFER = /\(vsink:sink\) \(\d+ bytes/;
const ROLE = /role=\(string\)(offerer|answerer)/;
const VIDEO_CAPS = /GstFakeSink:vsink\.GstPad:sink: caps = video\/x-raw[^\n]*width=\(int\)(\d+), height=\(int\)(\d+)/;

// In the page, before its script: the first remote frame's decode time.
function instrument() {
  window.firstFrame = null;
  document.addEventListener('DOMContentLoaded', () => {
    const video = document.getElementById('remote');
    video.requestVideoFrameCallback((now, meta) => {
      const decoded = meta.receiveTime !== undefined
        ? meta.receiveTime + (meta.processingDuration || 0) * 1000 : meta.presentationTime;
      window.firstFrame = {
        at: performance.timeOrigin + decoded, width: meta.width, height: meta.height,
      };
    });
  });
}

const registryDir = mkdtempSync(join(tmpdir(), 'tc-bench-registry-'));
const registry = join(registryDir, 'registry.bin');
// PICTURE=detailed: the largest size asked, and its raw frames gst plays.
let camera = null;

function warmRegistry() {
  const r = spawnSync('gst-inspect-1.0', ['tempchatsink'], {
    env: { ...process.env, GST_PLUGIN_PATH: process.env.TC_GST_PLUGIN_DIR, GST_REGISTRY: registry },
    stdio: 'ignore',
  });
  if (r.status !== 0) throw new Error('gst-inspect-1.0 does not find tempchatsink');
}

let site;
const running = new Set();

const roomArgs = (name, room, quality) => [`name=${name}`, `room=${room}`,
  `signaling-url=${site.relay.url}`, `channel=${CHANNEL}`, `quality=${quality}`,
  ...(VIDEO_CODECS ? [`video-codecs=${VIDEO_CODECS}`] : [])];

function startSender(room, quality) {
  const [w, h] = SIZES[quality];
  const picture = DETAILED
    ? [...playRaw(camera.raw, camera.width, camera.height), '!', 'videoscale', '!',
      `video/x-raw,width=${w},height=${h}`]
    : ['videotestsrc', 'is-live=true', 'pattern=ball', '!',
      `video/x-raw,width=${w},height=${h},framerate=30/1`];
  const g = startGst([...picture, '!', 'tempchatsink', ...roomArgs('s', room, quality),
    'audiotestsrc', 'is-live=true', 'wave=ticks', '!', 's.audio'],
  { name: 'gst-send', registry });
  running.add(g);
  return g;
}

function startReceiver(room, quality) {
  const g = startGst(['tempchatsrc', ...roomArgs('t', room, quality),
    't.video_0', '!', 'queue', '!', 'fakesink', 'name=vsink', 'silent=false', 'sync=false',
    't.audio_0', '!', 'queue', '!', 'fakesink', 'sync=false'],
  { name: 'gst-recv', registry });
  running.add(g);
  return g;
}

async function stopGst(g) {
  running.delete(g);
  await g.stop();
}

// The page's first decoded frame: { at, width, height }.
const pageFrame = (peer) => waitFor(peer, () => window.firstFrame,
  { what: 'a first remote frame', timeout: FRAME_TIMEOUT_MS });

async function gstFrame(g) {
  await g.waitFor(VIDEO_BUFFER, FRAME_TIMEOUT_MS, 'a first decoded frame');
  const at = Date.now();
  // -v may print the sink pad's caps after the buffer's line.
  await g.waitFor(VIDEO_CAPS, FRAME_TIMEOUT_MS, 'the decoded caps');
  const caps = VIDEO_CAPS.exec(g.stdout());
  return { at, width: Number(caps?.[1]), height: Number(caps?.[2]) };
}

const waiting = (peer) => waitFor(peer, () => window.tc.state === 'waiting',
  { what: 'alone in the room' });
const origin = (peer) => peer.eval(() => performance.timeOrigin);

async function chromiumPair(a, b, quality) {
  const room = randomRoom();
  await a.goto(site, room, { quality });
  await waiting(a);
  await b.goto(site, room, { quality });
  const t0 = await origin(b);
  const [atA, atB] = await Promise.all([pageFrame(a), pageFrame(b)]);
  await Promise.all([a.leave(), b.leave()]);
  return {
    'B->A': { ms: atA.at - t0, size: `${atA.width}x${atA.height}` },
    'A->B': { ms: atB.at - t0, size: `${atB.width}x${atB.height}` },
  };
}

// Starts gst (`startGst(room)`) and the page in `room`, in the order
// `gstWaits` says; returns { g, t0 }: t0 is when the second party started.
async function joinRoom(page, quality, gstWaits, startGst) {
  const room = randomRoom();
  if (gstWaits) {
    const g = startGst(room);
    await g.waitFor(/call state waiting/, 15000, 'alone in the room', { in: 'stderr' });
    await page.goto(site, room, { quality });
    return { g, t0: await origin(page) };
  }
  await page.goto(site, room, { quality });
  await waiting(page);
  return { g: startGst(room), t0: Date.now() };
}

// One case: gst sends (`gstSends`) or receives; the first frame's time
// after the second party started, its size, and gst's role.
async function gstCase(page, quality, gstWaits, gstSends) {
  const { g, t0 } = await joinRoom(page, quality, gstWaits,
    (room) => (gstSends ? startSender : startReceiver)(room, quality));
  try {
    const f = await (gstSends ? pageFrame(page) : gstFrame(g));
    return { ms: f.at - t0, size: `${f.width}x${f.height}`, role: ROLE.exec(g.stdout())?.[1] };
  } finally {
    await stopGst(g);
    await page.leave();
  }
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const CASES = [
  { name: 'gst->chromium, chromium waits', base: 'B->A', run: (p, q) => gstCase(p, q, false, true) },
  { name: 'chromium->gst, gst waits', base: 'B->A', run: (p, q) => gstCase(p, q, true, false) },
  { name: 'gst->chromium, gst waits', base: 'A->B', run: (p, q) => gstCase(p, q, true, true) },
  { name: 'chromium->gst, chromium waits', base: 'A->B', run: (p, q) => gstCase(p, q, false, false) },
];

const peers = [];
const rows = [];
try {
  const args = [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'];
  if (DETAILED) {
    const largest = QUALITIES.reduce((x, q) => (SIZES[q][1] > SIZES[x][1] ? q : x));
    const [width, height] = SIZES[largest];
    camera = { width, height, ...cameraFiles(registryDir, width, height) };
    args.push(`--use-file-for-fake-video-capture=${camera.y4m}`);
  }
  warmRegistry();
  site = await startSite();
  for (const name of ['A', 'B']) {
    const p = await launchPeer(name, { args });
    await p.context.addInitScript(instrument);
    peers.push(p);
  }
  const [a, b] = peers;
  for (const quality of QUALITIES) {
    const base = { 'B->A': [], 'A->B': [] };
    const ours = CASES.map(() => []);
    const sizes = CASES.map(() => new Set());
    const roles = CASES.map(() => []);  // gst offered (o) or answered (a)
    // Interleaved, so that a slow minute of the machine hits both sides.
    for (let r = 0; r < RUNS; r += 1) {
      const pair = await chromiumPair(a, b, quality);
      for (const k of Object.keys(base)) base[k].push(pair[k].ms);
      for (const [i, c] of CASES.entries()) {
        const res = await c.run(a, quality);
        ours[i].push(res.ms);
        roles[i].push(res.role === 'offerer' ? 'o' : 'a');
        sizes[i].add(res.size);
      }
    }
    for (const [i, c] of CASES.entries()) {
      const row = {
        bench: 'first_frame',
        name: `${c.name} ${quality}${VIDEO_CODECS ? ` ${VIDEO_CODECS}` : ''}${DETAILED ? ' detailed' : ''}`,
        unit: 'ms',
        value: Math.round(median(ours[i])), runs: ours[i].map(Math.round),
        baseline: `chromium->chromium ${c.base} ${quality}`,
        baseline_value: Math.round(median(base[c.base])), baseline_runs: base[c.base].map(Math.round),
        target: 0.8, sizes: [...sizes[i]], gst_roles: roles[i].join(''),
      };
      row.ratio = Number((row.value / row.baseline_value).toFixed(2));
      rows.push(row);
    }
  }
} finally {
  await Promise.allSettled([...running].map((g) => g.stop()));
  await Promise.allSettled(peers.map((p) => p.close()));
  await site?.stop();
  rmSync(registryDir, { recursive: true, force: true });
}

console.log('case                                   ours ms   Chromium ms   ratio  runs (gst o=offered a=answered) vs Chromium  sizes');
for (const r of rows) {
  console.log(`${r.name.padEnd(38)} ${String(r.value).padStart(7)} ${String(r.baseline_value).padStart(13)}`
    + ` ${r.ratio.toFixed(2).padStart(7)}  ${r.runs.join('/')} (gst ${r.gst_roles})`
    + ` vs ${r.baseline_runs.join('/')}  ${r.sizes.join(' ')}`);
}
for (const r of rows) console.log(`BENCH ${JSON.stringify(r)}`);
