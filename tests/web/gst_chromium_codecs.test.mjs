// gst_chromium_codecs.test.mjs - every TempChat video codec between our
// GStreamer elements and the test page in headless Chromium, one two-way
// call per case, in sequence (the machine is small: 360p, short waits).
//
// The web client's rule is AV1 > VP9 > H264 > VP8, "the best mutually
// supported codec always wins". Each case forces a codec from one side:
// ours with tempchatsink/tempchatsrc `video-codecs`, the page's with
// setCodecPreferences as the offerer (tempchat.js ?videoCodecs=, with the
// legacy rule that makes the page, the second to join, offer, and never
// yield in glare), and checks
// both directions: the page decodes our video
// at the size we send and its getStats names the codec (inbound and
// outbound mimeType), and tempchatsrc decodes the page's camera at its
// size. With nothing forced both ways are AV1 (whoever offers); a page that
// offers only H264 (Safari-like) gets H264.
// Prints `METRIC codec=<C> case=<name> page-decoded=WxH@fps gst-decoded=WxH`.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import {
  closeAll, describe, launchPeer, randomRoom, startSite, waitFor, waitForSenderSize,
} from './harness.mjs';

const T = { timeout: 90000, skip: GST_PLUGIN_DIR ? false : 'TC_GST_PLUGIN_DIR is not set' };
const CHANNEL = 'YOUR_CHANNEL_ID';
const SENT = { width: 640, height: 360 };     // what gst sends
const CAMERA = { width: 640, height: 360 };   // the page at quality=360p

const CASES = [
  { name: 'defaults', want: 'AV1' },
  { name: 'ours video-codecs=vp9', ours: 'vp9', want: 'VP9' },
  { name: 'ours video-codecs=h264', ours: 'h264', want: 'H264' },
  { name: 'ours video-codecs=vp8', ours: 'vp8', want: 'VP8' },
  // The page offers (the web client sets its codec order as the offerer):
  // our answer takes our best of what it offers, whatever its order.
  { name: 'page offers vp8 before av1', page: 'vp8,av1', want: 'AV1' },
  { name: 'page offers only av1', page: 'av1', want: 'AV1' },
  { name: 'page offers only vp9', page: 'vp9', want: 'VP9' },
  { name: 'page offers only h264', page: 'h264', want: 'H264' },
  { name: 'page offers only vp8', page: 'vp8', want: 'VP8' },
];

let site;
let chrome;
const running = new Set();

before(async () => {
  if (!GST_PLUGIN_DIR) return;
  site = await startSite();
  chrome = await launchPeer('C');
});

after(async () => {
  try {
    await Promise.allSettled([...running].map((g) => g.stop()));
    await closeAll([chrome]);
  } finally {
    await site?.stop();
  }
});

const VIDEO_BUFFER = /\(vsink:sink\) \(\d+ bytes/;
const VIDEO_CAPS = /GstFakeSink:vsink\.GstPad:sink: caps = (video\/x-raw[^\n]*)/g;

const VIDEO_BYTES = /\(vsink:sink\) \((\d+) bytes/g;

// The size tempchatsrc decodes at: from the fakesink's caps as gst-launch -v
// prints them, else (that line is sometimes not among the output) from the
// I420 buffer size, 1.5 bytes a pixel, at the camera's 16:9.
function lastDecodedSize(g) {
  const out = g.stdout();
  const caps = [...out.matchAll(VIDEO_CAPS)].at(-1);
  const bytes = [...out.matchAll(VIDEO_BYTES)].at(-1);
  const framesDecoded = g.count(VIDEO_BUFFER);
  if (caps) {
    return {
      width: Number(/width=\(int\)(\d+)/.exec(caps[1])?.[1]),
      height: Number(/height=\(int\)(\d+)/.exec(caps[1])?.[1]),
      framesDecoded,
    };
  }
  if (!bytes) return undefined;
  const width = Math.round(Math.sqrt((Number(bytes[1]) / 1.5) * (16 / 9)));
  return { width, height: Math.round((width * 9) / 16), framesDecoded };
}

function twoWayArgs(room, ours) {
  const common = [`room=${room}`, `signaling-url=${site.relay.url}`, `channel=${CHANNEL}`,
    'quality=360p', ...(ours ? [`video-codecs=${ours}`] : [])];
  return [
    'videotestsrc', 'is-live=true', 'pattern=ball', '!',
    `video/x-raw,width=${SENT.width},height=${SENT.height},framerate=30/1`, '!',
    'tempchatsink', 'name=s', ...common,
    'audiotestsrc', 'is-live=true', 'wave=ticks', '!', 's.audio',
    'tempchatsrc', 'name=t', ...common,
    't.video_0', '!', 'queue', '!', 'videoconvert', '!', 'video/x-raw,format=I420', '!',
    'fakesink', 'name=vsink', 'silent=false', 'sync=false',
    't.audio_0', '!', 'queue', '!', 'fakesink', 'sync=false',
  ];
}

// gst joins first, the page second: with legacyRoles the page (the second
// joiner) offers; otherwise the client ids decide.
async function call(c) {
  const room = randomRoom();
  const params = { hold: '1', quality: '360p',
    ...(c.page ? { videoCodecs: c.page } : {}),
    ...(c.page ? { legacyRoles: '1', noYield: '1' } : {}) };
  await chrome.goto(site, room, params);
  await waitFor(chrome, () => window.tc.clientId, { what: 'the ScaleDrone handshake' });
  const g = startGst(twoWayArgs(room, c.ours), { name: `gst-${c.want}` });
  running.add(g);
  await g.waitFor(/call state waiting/, 15000, 'alone in the room', { in: 'stderr' });
  await chrome.eval(() => window.tc.join());
  return g;
}

// The page (offering) renegotiates from VP8 to AV1 mid-call, as a user
// changing the codec would: both directions follow, tempchatsink swaps its
// encoder and tempchatsrc its decoder, and the same pipeline runs on.
test('a renegotiation from VP8 to AV1 switches both directions without a restart', T, async () => {
  const g = await call({ page: 'vp8', want: 'VP8' });
  try {
    await waitFor(chrome, () => window.tc.state === 'connected', { what: 'connected', timeout: 20000 });
    const both = (want) => waitFor(chrome, (w) => {
      const s = window.tc.stats();
      return s && s.codec === w && s.sendCodec === w && s.framesDecoded > 0 && s;
    }, { what: `${want} both ways`, arg: want, timeout: 20000 });
    await both('VP8');
    await g.until(() => g.count(VIDEO_BUFFER) > 10, 20000, 'tempchatsrc decoding VP8');
    const before = await chrome.eval(() => window.tc.framesDecoded());
    const gstBefore = g.count(VIDEO_BUFFER);
    await chrome.eval(() => window.tc.renegotiateVideoCodecs('av1'));
    const st = await both('AV1');
    await waitFor(chrome, (n) => window.tc.framesDecoded() > n + 30, { what: 'the page decoding AV1 on', arg: st.framesDecoded, timeout: 20000 });
    await g.until(() => g.count(VIDEO_BUFFER) > gstBefore + 30, 20000, 'tempchatsrc decoding AV1 on');
    assert.ok(st.framesDecoded >= before);
    assert.match(g.stderr(), /the call now receives AV1: tempchatav1dec/);
    assert.match(g.stderr(), /new AV1 encoder/);
    assert.doesNotMatch(g.stdout(), /ERROR/);
  } catch (e) {
    e.message += `\n${g.describe()}\n${await describe(chrome)}`;
    throw e;
  } finally {
    running.delete(g);
    await g.stop();
    await chrome.leave();
  }
});

for (const c of CASES) {
  test(`${c.name}: ${c.want} both ways, decoded at the sender's size`, T, async () => {
    const g = await call(c);
    try {
      await waitFor(chrome, () => window.tc.state === 'connected', { what: 'connected', timeout: 20000 });
      if (c.page) assert.equal(await chrome.eval(() => window.tc.role), 'offerer');
      // We -> Chromium: decoded at our size, with the codec.
      const seen = await waitFor(chrome, (want) => {
        const s = window.tc.stats();
        const v = window.tc.remoteVideoSize();
        return s && s.framesDecoded > 10 && s.width === want.width && s.height === want.height
          && v.width === want.width && v.height === want.height && s;
      }, { what: `our video decoded at ${SENT.width}x${SENT.height}`, arg: SENT, timeout: 20000 });
      // Chromium -> tempchatsrc: the camera's size (or Chromium's own CPU
      // adaptation of it, which waitForSenderSize reports).
      const got = await waitForSenderSize({ decoded: async () => lastDecodedSize(g) }, chrome, CAMERA);
      const st = await waitFor(chrome, () => {
        const s = window.tc.stats();
        return s && s.codec && s.sendCodec && s.fps > 0 && s;
      }, { what: 'the page\'s stats naming both codecs' });
      assert.equal(st.codec, c.want, 'the page receives');
      assert.equal(st.sendCodec, c.want, 'the page sends');
      const before = g.count(VIDEO_BUFFER);
      await g.until(() => g.count(VIDEO_BUFFER) > before + 15, 15000, 'tempchatsrc decoding on');
      console.log(`METRIC codec=${c.want} case="${c.name}" page-decoded=${seen.width}x${seen.height}`
        + `@${st.fps} gst-decoded=${got.width}x${got.height}`);
    } catch (e) {
      e.message += `\n${g.describe()}\n${await describe(chrome)}`;
      throw e;
    } finally {
      running.delete(g);
      await g.stop();
      await chrome.leave();
    }
  });
}
