// bench/glass_to_glass.mjs - glass-to-glass latency as a user sees it, our
// elements beside Chromium <-> Chromium and beside GStreamer's webrtcbin
// in the same run (bench/glass_to_glass.sh starts it). Every sender writes
// the wall-clock time of capture into each frame as 24 blocks across the
// top (tests/integration/timecode.h; the page draws the same code on a
// canvas it sends instead of the camera); every receiver reads it back
// when the frame is shown: Chromium at the frame's expected display time
// (requestVideoFrameCallback), tempchatsrc in a fakesink sync=true as a
// display sink shows it (test_gst_latency --peer g2g-*). One machine, one
// clock. Per codec (CODECS), each path for SECONDS after WARMUP seconds of
// call:
//   chromium->chromium (the baseline), gst->gst, chromium->gst,
//   gst->chromium, and webrtcbin->webrtcbin: GStreamer's webrtcbin with
//   its default jitterbuffer (200 ms) sending to another, the same
//   encoder settings and display sink as our gst->gst, video only, SDP
//   over a socketpair (bench/g2g_webrtcbin.c; no AV1: GStreamer 1.22 has
//   no rtpav1pay)
// Prints per codec METRIC lines and a table of p50/p95 with ratios to the
// baseline, and each path's growth (p50 of the last third minus the first,
// per minute); gst->gst against webrtcbin->webrtcbin as a ratio; for the
// Chromium receivers of one direction (B of chromium->chromium, the page
// of gst->chromium) what getStats says it held: video and audio jitter
// buffer delay, target and the minimum without A/V sync, frames decoded
// and presented per second, frames dropped per second, the spread of the
// time between decoded frames and the RTP arrival jitter, the codec and
// size it decoded; for a Chromium sender the size and rate it sent and why
// it limited them. Chromium's lip sync raises its video delay to the
// audio's over its first 30-40 s of call, whoever sends: a WARMUP shorter
// than that measures the climb. presented-fps counts the frames the
// <video> presented (requestVideoFrameCallback's presentedFrames),
// read-fps those whose callback came, and so whose code was read: a
// callback comes at most once per rendering of the page, which headless
// Chromium does 24-27 times a second here, so read-fps stays under
// presented-fps whoever sends (the frame counts in the table too).
//
// Env: RELAY, TC_GST_PLUGIN_DIR, T (test_gst_latency), G2G_WEBRTCBIN
// (tc_bench_g2g_webrtcbin; without it no webrtcbin path), SIZE (WxH,
// 1280x720), CODECS ("av1 vp9 h264 vp8", any of them), SECONDS_G2G (not
// SECONDS: bash keeps that one for itself), WARMUP, NODE_PATH
// (playwright-core, scaledrone-node, esbuild), PATHS (below).
import { spawn } from 'node:child_process';

import {
  CHROMIUM_ARGS, launchPeer, randomRoom, startSite, waitFor,
} from '../tests/web/harness.mjs';

const SECONDS = Number(process.env.SECONDS_G2G || 30);
const WARMUP = Number(process.env.WARMUP || 45);  // Chromium's lip sync settles in 30-40 s
const CHANNEL = 'it-gst-latency';  // test_gst_latency's
const SIZE = process.env.SIZE || '1280x720';
const [WIDTH, HEIGHT] = SIZE.split('x').map(Number);
const CODECS = (process.env.CODECS || 'av1 vp9 h264 vp8').toLowerCase().split(/[\s,]+/)
  .filter(Boolean);
const WEBRTCBIN = process.env.G2G_WEBRTCBIN;
// PATHS: some of the paths only, e.g. "gst->chromium" (without the
// baseline there are no ratios).
const PATHS = process.env.PATHS ? process.env.PATHS.split(/[\s,]+/) : null;
const wanted = (path) => !PATHS || PATHS.includes(path);
// The page's bandwidth hints for the size, as a user would pick them.
const QUALITY = HEIGHT <= 360 ? '360p' : HEIGHT <= 720 ? '720p' : '1080p';
if (!(WIDTH >= 128 && HEIGHT >= 72) || CODECS.some((c) => !['av1', 'vp9', 'h264', 'vp8'].includes(c))) {
  console.error(`SIZE=${SIZE} CODECS=${CODECS}: want e.g. SIZE=1280x720 CODECS="vp8 h264"`);
  process.exit(2);
}

// In the page, before its script: getUserMedia gives a canvas stream with
// the time code (and a tone), and every shown remote frame's code is read.
function instrument({ width, height }) {
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
    const canvas = Object.assign(document.createElement('canvas'), { width, height });
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
  window.callbacks = 0;   // of them, those whose callback came (read)
  const watch = () => {
    const video = document.getElementById('remote');
    if (!video) { setTimeout(watch, 100); return; }
    // The shown frame's pixels as a VideoFrame (a canvas drawImage of a
    // WebRTC video reads black in headless Chromium without a GPU).
    // The next callback is asked for first, before the pixels are read.
    const onFrame = async (now, meta) => {
      video.requestVideoFrameCallback(onFrame);
      const shown = performance.timeOrigin + meta.expectedDisplayTime;
      window.presented = meta.presentedFrames;
      window.callbacks += 1;
      let vf;
      try {
        vf = new VideoFrame(video);
        const buf = new Uint8Array(vf.allocationSize());
        const layout = await vf.copyTo(buf);
        const w = vf.codedWidth;
        const planar = /^(I4|NV)/.test(vf.format);
        const px = planar ? 1 : 4;
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
      } finally {
        vf?.close();
      }
    };
    video.requestVideoFrameCallback(onFrame);
  };
  document.addEventListener('DOMContentLoaded', watch);
}

// What Chromium's receiver holds: per kind its jitter buffer counters
// (getStats inbound-rtp), the video's decoded frames, codec and size, the
// frames the <video> presented; and what its video sender sends.
async function receiverStats(peer) {
  return peer.eval(async () => {
    const out = { presented: window.presented, callbacks: window.callbacks };
    if (!window.tc.pc) return out;  // not in a call yet (a short WARMUP)
    const stats = await window.tc.pc.getStats();
    stats.forEach((r) => {
      if (r.type === 'inbound-rtp') out[r.kind] = r;
      if (r.type === 'outbound-rtp' && r.kind === 'video') out.sent = r;
    });
    out.codec = out.video && stats.get(out.video.codecId)?.mimeType.replace('video/', '');
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
    out.readFps = (b.callbacks - a.callbacks) / secs;
    out.decoded = `${b.codec} ${b.video.frameWidth}x${b.video.frameHeight}`;
    // Evenness: the spread of the time between decoded frames, the
    // frames the receiver dropped, its RTP arrival jitter (RFC 3550).
    const d = (key) => b.video[key] - a.video[key];
    const n = d('framesDecoded');
    const mean = d('totalInterFrameDelay') / n;
    out.interFrameStdMs = 1000 * Math.sqrt(Math.max(0, d('totalSquaredInterFrameDelay') / n - mean * mean));
    out.droppedFps = d('framesDropped') / secs;
    out.jitterMs = 1000 * b.video.jitter;
  }
  return out;
}

// What a page sent over a window: its size at the end, frames per second,
// and why its encoder was limited ("none" when it was not).
function sending(a, b, secs) {
  if (!a?.sent || !b?.sent) return null;
  return {
    size: `${b.sent.frameWidth}x${b.sent.frameHeight}`,
    fps: (b.sent.framesSent - a.sent.framesSent) / secs,
    limit: b.sent.qualityLimitationReason,
  };
}

// The page with only `codec` (setCodecPreferences when it offers; the
// other side is restricted too, so whoever offers, the call uses it).
async function page(site, room, name, codec) {
  // Shown frames only come from a playing <video>: no gesture in headless.
  const peer = await launchPeer(name,
    { args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
  await peer.context.addInitScript(instrument, { width: WIDTH, height: HEIGHT });
  await peer.goto(site, room, { quality: QUALITY, channel: CHANNEL, videoCodecs: codec });
  return peer;
}

// A program printing "g2g MS LATENCY" lines, gathered into `samples`.
function g2gLines(cmd, args, env = {}) {
  const proc = spawn(cmd, args, {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const g = { proc, samples: [], latency: [], said: [] };
  let rest = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    for (const l of lines) {
      const [word, ms, lat] = l.split(' ');
      if (word === 'g2g') { g.samples.push(Number(ms)); g.latency.push(Number(lat)); }
      else g.said.push(l);
    }
  });
  g.stop = () => new Promise((resolve) => {
    if (proc.exitCode !== null) resolve();
    else { proc.on('exit', resolve); proc.stdin.end(); }
  });
  return g;
}

// test_gst_latency --peer MODE with our elements restricted to `codec`.
function gst(site, room, mode, codec) {
  return g2gLines(process.env.T, ['--peer', mode, site.relay.url, room], {
    GST_PLUGIN_PATH: process.env.TC_GST_PLUGIN_DIR,
    TC_G2G_SIZE: SIZE,
    TC_TEST_ELEMENT_ARGS: `video-codecs=${codec}`,
  });
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
// `viewer`, a Chromium receiver, also what it held over that time, and
// with `sender`, a Chromium sender, what it sent.
async function measure(sources, viewer = null, sender = null) {
  const start = Date.now();
  const marks = {};
  await new Promise((r) => { setTimeout(r, WARMUP * 1000); });
  for (const [k, get] of Object.entries(sources)) marks[k] = (await get()).length;
  const before = viewer && await receiverStats(viewer);
  const sentBefore = sender && await receiverStats(sender);
  await new Promise((r) => { setTimeout(r, SECONDS * 1000); });
  const out = {};
  for (const [k, get] of Object.entries(sources)) out[k] = summary((await get()).slice(marks[k]));
  if (viewer) {
    const held = holding(before, await receiverStats(viewer), SECONDS);
    for (const k of Object.keys(sources)) out[k].chromium = held;
  }
  if (sender) {
    const sent = sending(sentBefore, await receiverStats(sender), SECONDS);
    for (const k of Object.keys(sources)) out[k].sent = sent;
  }
  console.error(`${Object.keys(sources).join(', ')} measured in ${((Date.now() - start) / 1000).toFixed(0)} s`);
  return out;
}

// Every path of one codec, one after the other.
async function paths(site, codec) {
  const results = {};
  if (wanted('chromium->chromium')) {
    const room = randomRoom();
    const a = await page(site, room, 'A', codec);
    const b = await page(site, room, 'B', codec);
    await waitFor(b, () => window.g2g.length > 0, { timeout: 60000, what: 'frames at B' });
    Object.assign(results, await measure({
      'chromium->chromium': async () => [...await b.eval(() => window.g2g),
        ...await a.eval(() => window.g2g)],
    }, b, a));
    await a.close();
    await b.close();
  }
  if (wanted('gst->gst')) {
    const room = randomRoom();
    const send = gst(site, room, 'g2g-send', codec);
    const recv = gst(site, room, 'g2g-recv', codec);
    Object.assign(results, await measure({ 'gst->gst': async () => recv.samples }));
    results['gst->gst'].latency = pct(recv.latency.slice(-100), 50);
    await send.stop();
    await recv.stop();
  }
  for (const [mode, path] of [['g2g-recv', 'chromium->gst'], ['g2g-send', 'gst->chromium']]) {
    if (!wanted(path)) continue;
    const room = randomRoom();
    const g = gst(site, room, mode, codec);
    const p = await page(site, room, 'C', codec);
    Object.assign(results, await measure({
      [path]: async () => (mode === 'g2g-recv' ? g.samples : p.eval(() => window.g2g)),
    }, mode === 'g2g-send' ? p : null, mode === 'g2g-recv' ? p : null));
    if (mode === 'g2g-recv') results[path].latency = pct(g.latency.slice(-100), 50);
    await g.stop();
    await p.close();
  }
  if (WEBRTCBIN && wanted('webrtcbin->webrtcbin')) {
    const w = g2gLines(WEBRTCBIN, [SIZE, codec]);
    // Its first line: "started", or "unsupported CODEC: why" as it exits.
    await new Promise((resolve) => {
      const poll = setInterval(() => {
        if (w.said.length === 0 && w.proc.exitCode === null) return;
        clearInterval(poll);
        resolve();
      }, 100);
    });
    const unsupported = w.said.find((l) => l.startsWith('unsupported'));
    if (unsupported || w.proc.exitCode !== null) {
      console.error(unsupported || `${WEBRTCBIN} exited with ${w.proc.exitCode}`);
    } else {
      Object.assign(results, await measure({ 'webrtcbin->webrtcbin': async () => w.samples }));
      results['webrtcbin->webrtcbin'].latency = pct(w.latency.slice(-100), 50);
    }
    await w.stop();
  }
  return results;
}

const fix = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');

function report(codec, results) {
  const C = codec.toUpperCase();
  const base = results['chromium->chromium'] ?? { p50: NaN, p95: NaN };
  console.log(`${C} ${SIZE}`);
  console.log('path                   frames  p50 ms  p95 ms  x p50  x p95  growth ms/min  src latency ms');
  for (const [k, r] of Object.entries(results)) {
    console.log(`METRIC g2g codec=${C} size=${SIZE} ${k} p50=${r.p50} p95=${r.p95} n=${r.n}`
      + ` growth-ms-per-min=${r.growth.toFixed(1)}`
      + (r.latency !== undefined ? ` src-latency-ms=${r.latency}` : ''));
    console.log(`${k.padEnd(22)} ${String(r.n).padStart(6)} ${String(r.p50).padStart(7)} ${String(r.p95).padStart(7)}`
      + ` ${(r.p50 / base.p50).toFixed(2).padStart(6)} ${(r.p95 / base.p95).toFixed(2).padStart(6)}`
      + ` ${r.growth.toFixed(1).padStart(14)} ${String(r.latency ?? '').padStart(15)}`);
  }
  const ours = results['gst->gst'];
  const w = results['webrtcbin->webrtcbin'];
  if (w && ours) {
    console.log(`METRIC g2g-webrtcbin codec=${C} size=${SIZE} gst->gst p50=${ours.p50} p95=${ours.p95}`
      + ` webrtcbin p50=${w.p50} p95=${w.p95} x-p50=${(ours.p50 / w.p50).toFixed(2)}`
      + ` x-p95=${(ours.p95 / w.p95).toFixed(2)}`);
  }
  // Why Chromium shows a frame when it does: its video delay beside the
  // minimum it would keep without lip sync (the rest is A/V sync waiting
  // for the audio), its audio delay, and frames presented against decoded.
  for (const [k, r] of Object.entries(results)) {
    const c = r.chromium;
    if (c && c.video) {
      console.log(`METRIC g2g-chromium codec=${C} ${k} decoded=${c.decoded?.replace(' ', '@')}`
        + ` video-jb-ms=${fix(c.video.jb)}`
        + ` video-target-ms=${fix(c.video.target)} video-minimum-ms=${fix(c.video.minimum)}`
        + ` audio-jb-ms=${fix(c.audio?.jb)} audio-target-ms=${fix(c.audio?.target)}`
        + ` decoded-fps=${fix(c.decodedFps)} presented-fps=${fix(c.presentedFps)}`
        + ` read-fps=${fix(c.readFps)} dropped-fps=${fix(c.droppedFps)} inter-frame-std-ms=${fix(c.interFrameStdMs)}`
        + ` rtp-jitter-ms=${fix(c.jitterMs)}`);
    }
    if (r.sent) {
      console.log(`METRIC g2g-chromium-sent codec=${C} ${k} size=${r.sent.size}`
        + ` fps=${fix(r.sent.fps)} limit=${r.sent.limit}`);
    }
  }
  // For scripts/bench: each path's p50 against Chromium <-> Chromium's (the
  // issue's target: no slower than the browsers, no growth), and ours
  // against webrtcbin's default path.
  for (const [k, r] of Object.entries(results)) {
    if (k === 'chromium->chromium' || k === 'webrtcbin->webrtcbin' || !results['chromium->chromium']) continue;
    console.log(`BENCH ${JSON.stringify({
      bench: 'glass_to_glass', name: `${C} ${SIZE} ${k} p50`, unit: 'ms', value: r.p50,
      baseline: 'chromium->chromium p50', baseline_value: base.p50,
      ratio: Number((r.p50 / base.p50).toFixed(2)), target: 1.0,
      p95: r.p95, baseline_p95: base.p95, growth_ms_per_min: Number(r.growth.toFixed(1)), frames: r.n,
      ...(r.chromium ? { presented_fps: Number(fix(r.chromium.presentedFps)) } : {}),
    })}`);
  }
  if (w && ours) {
    console.log(`BENCH ${JSON.stringify({
      bench: 'glass_to_glass', name: `${C} ${SIZE} gst->gst p50 vs webrtcbin`, unit: 'ms',
      value: ours.p50, baseline: 'webrtcbin->webrtcbin p50', baseline_value: w.p50,
      ratio: Number((ours.p50 / w.p50).toFixed(2)), p95: ours.p95, baseline_p95: w.p95,
    })}`);
  }
}

const site = await startSite();
try {
  for (const codec of CODECS) report(codec, await paths(site, codec));
} finally {
  await site.stop();
}
