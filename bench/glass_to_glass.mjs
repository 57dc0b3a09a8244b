// bench/glass_to_glass.mjs - glass-to-glass latency as a user sees it, our
// elements beside Chromium <-> Chromium in the same run (bench/
// glass_to_glass.sh starts it). Every sender writes the wall-clock time of
// capture into each frame as 24 blocks across the top
// (tests/integration/timecode.h; the page draws the same code on a canvas
// it sends instead of the camera); every receiver reads it back when the
// frame is shown: Chromium at the frame's expected display time
// (requestVideoFrameCallback), tempchatsrc in a fakesink sync=true as a
// display sink shows it (test_gst_latency --peer g2g-*). One machine, one
// clock. Paths, each for SECONDS after WARMUP seconds of call:
//   chromium->chromium (the baseline), gst->gst, chromium->gst, gst->chromium
// Prints METRIC lines and a table of p50/p95 with ratios to the baseline,
// and each path's growth (p50 of the last third minus the first, per
// minute); for the Chromium receivers of one direction (B of
// chromium->chromium, the page of gst->chromium) what getStats says it
// held: video and audio jitter buffer delay, target and the minimum
// without A/V sync, frames decoded and presented per second. Chromium's
// lip sync raises its video delay to the audio's over its first 30-40 s
// of call, whoever sends: a WARMUP shorter than that measures the climb.
//
// Env: RELAY, TC_GST_PLUGIN_DIR, T (test_gst_latency), SECONDS_G2G (not
// SECONDS: bash keeps that one for itself), WARMUP,
// NODE_PATH (playwright-core, scaledrone-node, esbuild).
import { spawn } from 'node:child_process';

import {
  CHROMIUM_ARGS, launchPeer, randomRoom, startSite, waitFor,
} from '../tests/web/harness.mjs';

const SECONDS = Number(process.env.SECONDS_G2G || 30);
const WARMUP = Number(process.env.WARMUP || 45);  // Chromium's lip sync settles in 30-40 s
const CHANNEL = 'it-gst-latency';  // test_gst_latency's

// In the page, before its script: getUserMedia gives a canvas stream with
// the time code (and a tone), and every shown remote frame's code is read.
function instrument() {
  const BITS = 24;
  const MASK = (1 << BITS) - 1;
  const draw = (ctx, w) => {
    const b = Math.floor(w / 32);
    const ms = Date.now() & MASK;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, w, ctx.canvas.height);
    ctx.fillStyle = '#fff';
    for (let i = 0; i < BITS; i += 1) {
      if ((ms >> (BITS - 1 - i)) & 1) ctx.fillRect(i * b, 0, b, b);
    }
  };
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 360 });
    const ctx = canvas.getContext('2d');
    draw(ctx, canvas.width);
    setInterval(() => draw(ctx, canvas.width), 1000 / 30);
    const audio = new AudioContext();
    const osc = audio.createOscillator();
    const dest = audio.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    return new MediaStream([...canvas.captureStream(30).getVideoTracks(),
      ...dest.stream.getAudioTracks()]);
  };
  window.g2g = [];
  window.presented = 0;   // frames the <video> showed (rVFC's count)
  const watch = () => {
    const video = document.getElementById('remote');
    if (!video) { setTimeout(watch, 100); return; }
    // The shown frame's pixels as a VideoFrame (a canvas drawImage of a
    // WebRTC video reads black in headless Chromium without a GPU).
    const onFrame = async (now, meta) => {
      const shown = performance.timeOrigin + meta.expectedDisplayTime;
      window.presented = meta.presentedFrames;
      try {
        const vf = new VideoFrame(video);
        const buf = new Uint8Array(vf.allocationSize());
        const layout = await vf.copyTo(buf);
        const w = vf.codedWidth;
        const planar = /^(I4|NV)/.test(vf.format);
        const px = planar ? 1 : 4;
        vf.close();
        const b = Math.floor(meta.width / 32);
        let code = 0;
        for (let i = 0; i < BITS; i += 1) {
          const at = layout[0].offset + Math.floor(b / 2) * layout[0].stride
            + (i * b + Math.floor(b / 2)) * px;
          code = (code << 1) | (buf[at] > 128 ? 1 : 0);
        }
        if (b >= 4 && w > 0) window.g2g.push((Math.round(shown) - code) & MASK);
      } catch (err) {
        // Not yet presentable (the first callbacks): the next one reads.
      }
      video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  document.addEventListener('DOMContentLoaded', watch);
}

// What Chromium's receiver holds: per kind its jitter buffer counters
// (getStats inbound-rtp), the video's decoded frames and the frames the
// <video> presented.
async function receiverStats(peer) {
  return peer.eval(async () => {
    const out = { presented: window.presented };
    (await window.tc.pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp') out[r.kind] = r;
    });
    return out;
  });
}

// Over a window, from two receiverStats: the mean jitter buffer delay, its
// target and the minimum it would have without A/V sync (ms), per kind;
// the frames decoded and presented per second.
function holding(a, b, secs) {
  const per = (kind, key) => (1000 * (b[kind][key] - a[kind][key]))
    / (b[kind].jitterBufferEmittedCount - a[kind].jitterBufferEmittedCount);
  const out = {};
  for (const kind of ['audio', 'video']) {
    if (!a[kind] || !b[kind]) continue;
    out[kind] = {
      jb: per(kind, 'jitterBufferDelay'),
      target: per(kind, 'jitterBufferTargetDelay'),
      minimum: per(kind, 'jitterBufferMinimumDelay'),
    };
  }
  if (a.video && b.video) {
    out.decodedFps = (b.video.framesDecoded - a.video.framesDecoded) / secs;
    out.presentedFps = (b.presented - a.presented) / secs;
  }
  return out;
}

async function page(site, room, name) {
  // Shown frames only come from a playing <video>: no gesture in headless.
  const peer = await launchPeer(name,
    { args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
  await peer.context.addInitScript(instrument);
  await peer.goto(site, room, { quality: '360p', channel: CHANNEL });
  return peer;
}

// test_gst_latency --peer MODE: "g2g MS LATENCY" lines into `samples`.
function gst(site, room, mode) {
  const proc = spawn(process.env.T, ['--peer', mode, site.relay.url, room], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, GST_PLUGIN_PATH: process.env.TC_GST_PLUGIN_DIR },
  });
  const g = { proc, samples: [], latency: [] };
  let rest = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const l of lines) {
      const [word, ms, lat] = l.split(' ');
      if (word === 'g2g') { g.samples.push(Number(ms)); g.latency.push(Number(lat)); }
    }
  });
  g.stop = () => new Promise((resolve) => { proc.on('exit', resolve); proc.stdin.end(); });
  return g;
}

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))] : NaN;
};
const summary = (xs) => {
  const third = Math.floor(xs.length / 3);
  const growth = third > 0 ? ((pct(xs.slice(-third), 50) - pct(xs.slice(0, third), 50))
    * 60) / (SECONDS * 2 / 3) : NaN;
  return { n: xs.length, p50: pct(xs, 50), p95: pct(xs, 95), growth };
};

// Samples of each source between WARMUP and WARMUP + SECONDS; with
// `viewer`, a Chromium receiver, also what it held over that time.
async function measure(sources, viewer = null) {
  const start = Date.now();
  const marks = {};
  await new Promise((r) => { setTimeout(r, WARMUP * 1000); });
  for (const [k, get] of Object.entries(sources)) marks[k] = (await get()).length;
  const before = viewer && await receiverStats(viewer);
  await new Promise((r) => { setTimeout(r, SECONDS * 1000); });
  const out = {};
  for (const [k, get] of Object.entries(sources)) out[k] = summary((await get()).slice(marks[k]));
  if (viewer) {
    const held = holding(before, await receiverStats(viewer), SECONDS);
    for (const k of Object.keys(sources)) out[k].chromium = held;
  }
  console.error(`measured in ${((Date.now() - start) / 1000).toFixed(0)} s`);
  return out;
}

const site = await startSite();
const results = {};
try {
  {
    const room = randomRoom();
    const a = await page(site, room, 'A');
    const b = await page(site, room, 'B');
    await waitFor(b, () => window.g2g.length > 0, { timeout: 60000, what: 'frames at B' });
    Object.assign(results, await measure({
      'chromium->chromium': async () => [...await b.eval(() => window.g2g),
        ...await a.eval(() => window.g2g)],
    }, b));
    await a.close();
    await b.close();
  }
  {
    const room = randomRoom();
    const send = gst(site, room, 'g2g-send');
    const recv = gst(site, room, 'g2g-recv');
    Object.assign(results, await measure({ 'gst->gst': async () => recv.samples }));
    results['gst->gst'].latency = pct(recv.latency.slice(-100), 50);
    await send.stop();
    await recv.stop();
  }
  for (const [mode, path] of [['g2g-recv', 'chromium->gst'], ['g2g-send', 'gst->chromium']]) {
    const room = randomRoom();
    const g = gst(site, room, mode);
    const p = await page(site, room, 'C');
    Object.assign(results, await measure({
      [path]: async () => (mode === 'g2g-recv' ? g.samples : p.eval(() => window.g2g)),
    }, mode === 'g2g-send' ? p : null));
    if (mode === 'g2g-recv') results[path].latency = pct(g.latency.slice(-100), 50);
    await g.stop();
    await p.close();
  }
} finally {
  await site.stop();
}

const base = results['chromium->chromium'];
console.log('path                 frames  p50 ms  p95 ms  x p50  x p95  growth ms/min  src latency ms');
for (const [k, r] of Object.entries(results)) {
  console.log(`METRIC g2g ${k} p50=${r.p50} p95=${r.p95} n=${r.n} growth-ms-per-min=${r.growth.toFixed(1)}`
    + (r.latency !== undefined ? ` src-latency-ms=${r.latency}` : ''));
  console.log(`${k.padEnd(20)} ${String(r.n).padStart(6)} ${String(r.p50).padStart(7)} ${String(r.p95).padStart(7)}`
    + ` ${(r.p50 / base.p50).toFixed(2).padStart(6)} ${(r.p95 / base.p95).toFixed(2).padStart(6)}`
    + ` ${r.growth.toFixed(1).padStart(14)} ${String(r.latency ?? '').padStart(15)}`);
}
// Why Chromium shows a frame when it does: its video delay beside the
// minimum it would keep without lip sync (the rest is A/V sync waiting for
// the audio), its audio delay, and frames presented against decoded.
const fix = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
for (const [k, r] of Object.entries(results)) {
  const c = r.chromium;
  if (!c || !c.video) continue;
  console.log(`METRIC g2g-chromium ${k} video-jb-ms=${fix(c.video.jb)}`
    + ` video-target-ms=${fix(c.video.target)} video-minimum-ms=${fix(c.video.minimum)}`
    + ` audio-jb-ms=${fix(c.audio?.jb)} audio-target-ms=${fix(c.audio?.target)}`
    + ` decoded-fps=${fix(c.decodedFps)} presented-fps=${fix(c.presentedFps)}`);
}
// For scripts/bench: each path's p50 against Chromium <-> Chromium's (the
// issue's target: no slower than the browsers, no growth).
for (const [k, r] of Object.entries(results)) {
  if (k === 'chromium->chromium') continue;
  console.log(`BENCH ${JSON.stringify({
    bench: 'glass_to_glass', name: `${k} p50`, unit: 'ms', value: r.p50,
    baseline: 'chromium->chromium p50', baseline_value: base.p50,
    ratio: Number((r.p50 / base.p50).toFixed(2)), target: 1.0,
    p95: r.p95, baseline_p95: base.p95, growth_ms_per_min: Number(r.growth.toFixed(1)), frames: r.n,
  })}`);
}
