// bench/ramp.mjs - the first 10 s of a 1080p call as the receiver sees
// them (issue #14): the decoded size and the bit rate every 500 ms from the
// first frame, tempchatsink -> Chromium beside Chromium -> Chromium in the
// same invocation. The web client's promise is full size from the first
// frame; Chromium's own sender starts lower and ramps up. Both senders
// send the same picture: one second of videotestsrc's moving zone plate,
// detailed enough to fill the link, rendered once and played in a loop
// (Chromium's camera from a Y4M file, gst from raw frames).
//
// Env: RELAY, TC_GST_PLUGIN_DIR, NODE_PATH, RUNS (2), QUALITY (1080p).
// Prints a table and `BENCH {json}` lines (with each run's series) for
// scripts/bench.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startGst } from '../tests/web/gst.mjs';
import { cameraFiles, playRaw } from './camera.mjs';
import {
  CHROMIUM_ARGS, launchPeer, randomRoom, startSite, waitFor,
} from '../tests/web/harness.mjs';

const RUNS = Number(process.env.RUNS || 2);
const QUALITY = process.env.QUALITY || '1080p';
const SIZES = { '720p': [1280, 720], '1080p': [1920, 1080] };
const [WIDTH, HEIGHT] = SIZES[QUALITY];
const CHANNEL = 'YOUR_CHANNEL_ID';
const WINDOW_MS = 10000;
const STEP_MS = 500;
// In the page: from the first decoded video frame, every STEP_MS for
// WINDOW_MS, [seconds, Mbit/s of video received, decoded height, frames
// decoded per second] (a bit rate that falls because frames are missing,
// a sender short of CPU, shows in the last).
function sampleRamp({ windowMs, stepMs }) {
  const video = async () => {
    let v = null;
    (await window.tc.pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') v = s;
    });
    return v;
  };
  return (async () => {
    let first = null;
    while (!first) {
      const v = window.tc.pc && await video();
      if (v && v.framesDecoded > 0) first = v;
      else await new Promise((r) => { setTimeout(r, 20); });
    }
    const t0 = performance.now();
    const series = [[0, 0, first.frameHeight || 0, 0]];
    let last = { at: t0, bytes: first.bytesReceived, frames: first.framesDecoded };
    while (performance.now() - t0 < windowMs) {
      await new Promise((r) => { setTimeout(r, stepMs); });
      const v = await video();
      const at = performance.now();
      series.push([Number(((at - t0) / 1000).toFixed(2)),
        Number((((v.bytesReceived - last.bytes) * 8) / ((at - last.at) * 1000)).toFixed(3)),
        v.frameHeight || 0,
        Number((((v.framesDecoded - last.frames) * 1000) / (at - last.at)).toFixed(1))]);
      last = { at, bytes: v.bytesReceived, frames: v.framesDecoded };
    }
    return series;
  })();
}

const summary = (series) => {
  const full = series.filter(([, , h]) => h >= HEIGHT).length / series.length;
  const firstFull = series.find(([, , h]) => h >= HEIGHT);
  const rates = series.slice(1).map(([, m]) => m);
  const fps = series.slice(1).map(([, , , f]) => f);
  return {
    full, toFullMs: firstFull ? Math.round(firstFull[0] * 1000) : WINDOW_MS,
    mbit: rates.reduce((a, b) => a + b, 0) / rates.length,
    fps: fps.reduce((a, b) => a + b, 0) / fps.length,
  };
};

let site;
const dir = mkdtempSync(join(tmpdir(), 'tc-bench-ramp-'));
const peers = [];
const ours = [];
const theirs = [];
try {
  site = await startSite();
  const camera = cameraFiles(dir, WIDTH, HEIGHT);
  peers.push(await launchPeer('A'));
  peers.push(await launchPeer('B',
    { args: [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${camera.y4m}`] }));
  const [a, b] = peers;
  for (let r = 0; r < RUNS; r += 1) {
    {
      const room = randomRoom();
      await a.goto(site, room, { quality: QUALITY });
      await waitFor(a, () => window.tc.state === 'waiting', { what: 'alone in the room' });
      const ramp = a.eval(sampleRamp, { windowMs: WINDOW_MS, stepMs: STEP_MS });
      await b.goto(site, room, { quality: QUALITY });
      theirs.push(await ramp);
      await Promise.all([a.leave(), b.leave()]);
    }
    {
      const room = randomRoom();
      await a.goto(site, room, { quality: QUALITY });
      await waitFor(a, () => window.tc.state === 'waiting', { what: 'alone in the room' });
      const ramp = a.eval(sampleRamp, { windowMs: WINDOW_MS, stepMs: STEP_MS });
      const g = startGst([...playRaw(camera.raw, WIDTH, HEIGHT), '!',
        'tempchatsink', 'name=s', `room=${room}`, `signaling-url=${site.relay.url}`,
        `channel=${CHANNEL}`, `quality=${QUALITY}`,
        'audiotestsrc', 'is-live=true', '!', 's.audio'], { name: 'gst-send' });
      try {
        ours.push(await ramp);
      } finally {
        await g.stop();
        await a.leave();
      }
    }
  }
} finally {
  await Promise.allSettled(peers.map((p) => p.close()));
  await site?.stop();
  rmSync(dir, { recursive: true, force: true });
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor((xs.length - 1) / 2)];
const o = ours.map(summary);
const t = theirs.map(summary);
console.log(`first ${WINDOW_MS / 1000} s of a ${QUALITY} call at the receiving page, ${RUNS} runs each`);
console.log('sender              at full size   to full size ms   Mbit/s   frames/s');
for (const [name, s] of [['tempchatsink', o], ['Chromium', t]]) {
  console.log(`${name.padEnd(19)} ${s.map((x) => `${Math.round(x.full * 100)}%`).join('/').padStart(12)}`
    + `   ${s.map((x) => x.toFullMs).join('/').padStart(15)}   ${s.map((x) => x.mbit.toFixed(2)).join('/')}`
    + `   ${s.map((x) => x.fps.toFixed(1)).join('/')}`);
}
const row = (name, unit, value, base, extra = {}) => console.log(`BENCH ${JSON.stringify({
  bench: 'ramp', name: `${name} ${QUALITY}`, unit, value, baseline: 'chromium->chromium', baseline_value: base,
  ratio: base ? Number((value / base).toFixed(2)) : null, ...extra,
})}`);
row('share of first 10 s at full size', 'fraction', median(o.map((x) => x.full)), median(t.map((x) => x.full)),
  { better: 'higher', series: ours[0], baseline_series: theirs[0] });
row('to full size after first frame', 'ms', median(o.map((x) => x.toFullMs)), median(t.map((x) => x.toFullMs)));
row('video bit rate, first 10 s', 'Mbit/s', Number(median(o.map((x) => x.mbit)).toFixed(2)),
  Number(median(t.map((x) => x.mbit)).toFixed(2)), { better: 'higher' });
