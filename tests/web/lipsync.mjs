// lipsync.mjs - flash/beep pairs for the lip sync tests
// (chromium_gst_lipsync.test.mjs, gst_chromium_lipsync.test.mjs) and
// bench/lipsync.mjs: a sender flashes its picture and beeps at the same
// instant once a second, and the receiver's times of each are paired here.
// The page's side of both: a sender (flashAndBeep) and a receiver
// (watchFlashAndBeep, outputDelayMs), run in the page by page.evaluate or
// addInitScript (so each is self-contained).

import { spawn } from 'node:child_process';

const PAIR_WINDOW_MS = 400;        // a beep this near a flash is its own

// test_gst_latency (`bin`) --peer `mode` in `room` on the relay at `url`,
// a participant of its own: its stdout lines in `lines`; stop() closes its
// stdin, which ends it, and waits for it. "send 10" is the flashing,
// beeping tempchatsink; "av-recv" prints "flash NS" / "beep NS" as
// tempchatsrc hands them on.
export function latencyPeer(bin, mode, url, room) {
  const proc = spawn(bin, ['--peer', mode, url, room], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, GST_PLUGIN_PATH: process.env.TC_GST_PLUGIN_DIR },
  });
  const p = { lines: [] };
  let rest = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop();
    p.lines.push(...lines);
  });
  const exited = new Promise((resolve) => { proc.on('exit', resolve); });
  p.stop = () => { proc.stdin.end(); return exited; };
  return p;
}

// Each flash with the beep that started with it: beep - flash, ms.
export function offsets({ flashes, beeps }) {
  const out = [];
  for (const f of flashes) {
    const b = beeps.find((t) => Math.abs(t - f) < PAIR_WINDOW_MS);
    if (b !== undefined) out.push(b - f);
  }
  return out;
}

// For the page's records (watchFlashAndBeep): each pair's beep - flash
// less how far apart Chromium itself thought it played the tracks then
// (its last estimate before the flash): what is left is not Chromium's
// sync still settling but the sender's timestamps and reports, and this
// measurement's own error.
export function residuals({ flashes, beeps, sync }) {
  const out = [];
  for (const f of flashes) {
    const b = beeps.find((t) => Math.abs(t - f) < PAIR_WINDOW_MS);
    const s = sync.filter((x) => x.t <= f).at(-1);
    if (b !== undefined && s !== undefined) out.push(b - f - s.d);
  }
  return out;
}

// The median of `pairs` (beep - flash, ms), after printing them as a
// METRIC line for `path` with `extra` appended.
export function reportPairs(path, pairs, extra = '') {
  const sorted = [...pairs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`METRIC lipsync ${path}: ${pairs.length} pairs, beep - flash`
    + ` median ${median?.toFixed(1)} ms,`
    + ` ${sorted[0]?.toFixed(1)} to ${sorted[sorted.length - 1]?.toFixed(1)}`
    + ` (${pairs.map((d) => d.toFixed(0)).join(' ')})${extra}`);
  return median;
}

// In the page, before its script: getUserMedia gives the flashing canvas
// and the beeping oscillator.
export function flashAndBeep() {
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 160, height: 120 });
    const g = canvas.getContext('2d');
    const audio = new AudioContext({ sampleRate: 48000 });
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    const dest = audio.createMediaStreamDestination();
    osc.frequency.value = 1000;
    gain.gain.value = 0;
    osc.connect(gain).connect(dest);
    osc.start();
    let white = null;
    let n = 0;
    // Every 1/60 s (captureStream() takes a frame at each change: a corner
    // pixel changes every time): the picture and the tone change in the
    // same task.
    setInterval(() => {
      const on = Date.now() % 1000 < 200;
      if (on !== white) gain.gain.setValueAtTime(on ? 0.8 : 0, audio.currentTime);
      white = on;
      g.fillStyle = on ? '#fff' : '#000';
      g.fillRect(0, 0, 160, 120);
      g.fillStyle = (n += 1) % 2 ? '#010101' : '#020202';
      g.fillRect(0, 0, 1, 1);
    }, 1000 / 60);
    return new MediaStream([...canvas.captureStream().getVideoTracks(),
      ...dest.stream.getAudioTracks()]);
  };
}

// In the page once connected: records flashes and beeps (performance.now
// clock, ms) into window.lip.
export function watchFlashAndBeep({ packetMs }) {
  const lip = { flashes: [], beeps: [], levels: [], sync: [] };
  window.lip = lip;
  // Chromium's own view of its lip sync, every 250 ms: how far apart it
  // estimates it plays the two tracks, video minus audio in the sender's
  // NTP time (0 while its sync by the sender's reports holds; -50: the
  // video 50 ms behind the audio).
  setInterval(async () => {
    const ept = {};
    (await window.tc.pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp') ept[r.kind] = r.estimatedPlayoutTimestamp;
    });
    if (ept.video && ept.audio) lip.sync.push({ t: performance.now(), d: ept.video - ept.audio });
  }, 250);
  const video = document.getElementById('remote');
  const canvas = Object.assign(document.createElement('canvas'), { width: 16, height: 12 });
  const g = canvas.getContext('2d', { willReadFrequently: true });
  let bright = false;
  let presented = null;
  const onFrame = (now, meta) => {
    g.drawImage(video, 0, 0, 16, 12);
    const px = g.getImageData(0, 0, 16, 12).data;
    let sum = 0;
    for (let i = 0; i < px.length; i += 4) sum += px[i];
    const isBright = sum / (px.length / 4) > 128;
    // A flash whose first frames went by without a callback (a busy main
    // thread) started at a frame never seen: left out, not counted late.
    const seenAll = presented !== null && meta.presentedFrames === presented + 1;
    if (isBright && !bright && seenAll) lip.flashes.push(meta.presentationTime);
    bright = isBright;
    presented = meta.presentedFrames;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);

  // Chrome gives the source's timestamp on the wall clock (ms since the
  // epoch) where the specification has the performance clock: both read.
  const toPerf = (t) => (t > 1e12 ? t - performance.timeOrigin : t);
  const receiver = window.tc.pc.getReceivers().find((r) => r.track?.kind === 'audio');
  // A packet's audio goes out in 10 ms pieces, each updating the source's
  // timestamp: a packet (its RTP timestamp) counts from its first piece.
  let last = null;       // the last packet seen: { rtp, ts, loud }
  let onset = null;      // the first loud packet of a beep, until the next
  setInterval(() => {
    const s = receiver.getSynchronizationSources()[0];
    if (!s || (last && s.rtpTimestamp === last.rtp)) return;
    if (typeof s.audioLevel === 'number') lip.levels.push(s.audioLevel);
    const level = s.audioLevel ?? 0;
    const loud = level > 0.05;
    if (onset) {
      // The tone's level is that of the second loud packet: the share of
      // the first one's energy says where in it the beep began.
      const share = Math.min(1, (onset.level / level) ** 2);
      lip.beeps.push(toPerf(onset.ts) + (1 - share) * packetMs);
      onset = null;
    } else if (loud && last && !last.loud) {
      onset = { ts: s.timestamp, level };
    }
    last = { rtp: s.rtpTimestamp, ts: s.timestamp, loud };
  }, 2);
}

// In the page: the mean delay of its audio output path, ms; null without
// the stats.
export async function outputDelayMs() {
  let ms = null;
  (await window.tc.pc.getStats()).forEach((s) => {
    if (s.type === 'media-playout' && s.totalSamplesCount > 0) {
      ms = (1000 * s.totalPlayoutDelay) / s.totalSamplesCount;
    }
  });
  return ms;
}
