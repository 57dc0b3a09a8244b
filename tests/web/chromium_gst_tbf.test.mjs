// chromium_gst_tbf.test.mjs - Chromium sending to tempchatsrc through a
// 1 Mbit/s token bucket (tc tbf) on Chromium's side of a link between two
// network namespaces of the test's own (netns.mjs). The page starts its
// video (720p quality: x-google-start-bitrate 2 Mbit/s, max 3) at
// 2 Mbit/s: only the RTCP that
// tempchatsrc sends back (transport-cc feedback, receiver reports) can tell
// Chromium's estimator that the path carries less, so its estimate
// (availableOutgoingBitrate) must come below the limit, and the video must
// keep coming. Chromium's own figures are printed. The camera is
// a 640x360 canvas of coarse noise: Chromium's fake camera is so plain
// that its encoder sends less than the bucket allows, the link is never
// full, and the estimate rightly stays high.
// Root only (ip netns); skipped otherwise.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import {
  CHROMIUM_ARGS, closeAll, launchPeer, randomRoom, waitFor,
} from './harness.mjs';
import {
  chromiumIn, ip, startLanSite, stopLanSite,
} from './netns.mjs';

const isRoot = process.getuid && process.getuid() === 0;
const skip = !GST_PLUGIN_DIR ? 'TC_GST_PLUGIN_DIR is not set'
  : !isRoot ? 'needs root for ip netns' : false;
const T = { timeout: 150000, skip };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default
const LIMIT = 1000000;               // bit/s, the tbf rate
const VIDEO_BUFFER = /\(vsink:sink\) \(\d+ bytes/;

let lan;
let site;
let chrome;
let gst;

// In the page, before its script: getUserMedia gives a canvas of coarse
// noise (16 frames drawn in turn: more than an encoder keeps as
// references) and a tone.
function noiseCamera() {
  navigator.mediaDevices.getUserMedia = async () => {
    const canvas = Object.assign(document.createElement('canvas'), { width: 640, height: 360 });
    const ctx = canvas.getContext('2d');
    // 8x8 blocks of random grey: an encoder needs about 1.5-2 Mbit/s for
    // them at 30 fps, more than the bucket and less than the page's max.
    const frames = Array.from({ length: 16 }, () => {
      const img = ctx.createImageData(canvas.width, canvas.height);
      const px = new Uint32Array(img.data.buffer);
      for (let y = 0; y < canvas.height; y += 8) {
        for (let x = 0; x < canvas.width; x += 8) {
          const v = (Math.random() * 256) | 0;
          const c = 0xff000000 | (v << 16) | (v << 8) | v;
          for (let dy = 0; dy < 8; dy += 1) px.fill(c, (y + dy) * canvas.width + x, (y + dy) * canvas.width + x + 8);
        }
      }
      return img;
    });
    let n = 0;
    setInterval(() => { ctx.putImageData(frames[n % frames.length], 0, 0); n += 1; }, 1000 / 30);
    const audio = new AudioContext();
    const osc = audio.createOscillator();
    const dest = audio.createMediaStreamDestination();
    osc.connect(dest);
    osc.start();
    return new MediaStream([...canvas.captureStream(30).getVideoTracks(),
      ...dest.stream.getAudioTracks()]);
  };
}

before(async () => {
  if (skip) return;
  lan = await startLanSite('tcbwein');
  site = lan.site;
  // The tone's AudioContext runs without a user's gesture only so.
  chrome = await launchPeer('C', { executablePath: chromiumIn(lan),
    args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] });
  await chrome.context.addInitScript(noiseCamera);
});

after(async () => {
  try {
    await gst?.stop();
    await closeAll([chrome]);
  } finally {
    await stopLanSite(lan);
  }
});

// Chromium's send-side estimate and what it sends, from getStats.
const sending = () => window.tc.pc.getStats().then((report) => {
  const out = {};
  report.forEach((r) => {
    if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate) {
      out.bwe = r.availableOutgoingBitrate;
    } else if (r.type === 'outbound-rtp' && r.kind === 'video') {
      Object.assign(out, { bytes: r.bytesSent, frames: r.framesEncoded,
        keyframes: r.keyFramesEncoded, plis: r.pliCount, nacks: r.nackCount,
        limit: r.qualityLimitationReason, width: r.frameWidth });
    }
  });
  return out;
});

test('Chromium lowers its estimate below a 1 Mbit/s link from tempchatsrc\'s feedback', T, async () => {
  const room = randomRoom();
  const signal = `ws://127.0.0.1:${site.relay.port}/v3/websocket`;
  // Chromium's side only: what it sends meets the bucket, what it gets
  // back (feedback) does not.
  ip('netns', 'exec', lan.c, 'tc', 'qdisc', 'add', 'dev', 'lan-c', 'root', 'tbf',
    'rate', '1mbit', 'burst', '10kb', 'latency', '300ms');
  await chrome.goto(site, room, { signal, quality: '720p' });
  await waitFor(chrome, () => window.tc.state === 'waiting', { what: 'alone in the room' });
  gst = startGst([
    'tempchatsrc', 'name=t', `room=${room}`, `signaling-url=${signal}`,
    `channel=${CHANNEL}`, 'quality=720p',
    't.video_0', '!', 'queue', '!', 'fakesink', 'name=vsink', 'silent=false', 'sync=false',
    't.audio_0', '!', 'queue', '!', 'fakesink', 'sync=false',
  ], { name: 'src', wrap: lan.inS });
  await waitFor(chrome, () => window.tc.state === 'connected',
    { what: 'connected to tempchatsrc', timeout: 60000 })
    .catch((e) => { e.message += `\n${gst.describe()}`; throw e; });

  // Chromium's estimate, every 500 ms, until it is below the limit.
  const seen = [];
  let below = null;
  const deadline = Date.now() + 60000;
  while (below === null && Date.now() < deadline) {
    const s = await chrome.eval(sending);
    if (s.bwe) seen.push(Math.round(s.bwe));
    if (s.bwe && s.bwe < LIMIT) below = s;
    else await new Promise((r) => { setTimeout(r, 500); });
  }
  console.log(`Chromium's estimate (bit/s): ${seen.join(' ')}`);
  assert.ok(below !== null, `Chromium's estimate stayed at or above ${LIMIT} bit/s`);
  console.log(`METRIC chromium-gst-tbf-1mbit-bwe=${Math.round(below.bwe)} `
    + `after ${seen.length} samples (${below.limit} limited, ${below.width} wide)`);

  // The video keeps coming through the narrow path: 60 more frames.
  const before = gst.count(VIDEO_BUFFER);
  await gst.until(() => gst.count(VIDEO_BUFFER) >= before + 60, 20000,
    '60 more video frames at tempchatsrc').catch(async (e) => {
    e.message = `${JSON.stringify(await chrome.eval(sending))} ${gst.count(VIDEO_BUFFER)} `
      + `frames in all\n${e.message}`;
    throw e;
  });
  const a = await chrome.eval(sending);
  await new Promise((r) => { setTimeout(r, 5000); });
  const b = await chrome.eval(sending);
  const kbps = Math.round(((b.bytes - a.bytes) * 8) / 5000);
  console.log(`METRIC chromium-gst-tbf-1mbit-video-kbps=${kbps} fps=${(b.frames - a.frames) / 5}`);
});
