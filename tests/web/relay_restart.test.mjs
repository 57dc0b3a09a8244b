// relay_restart.test.mjs - the relay killed (SIGKILL: no close frame) and
// started again on the same port in the middle of a call, as a self-hosted
// relay's crash and restart, with gst-launch-1.0 (tempchatsink and
// tempchatsrc) calling the page: the media of the call goes on both ways
// while the signaling is gone and after it is back, and our elements
// rejoin the room and keep the call with the page under its new client id.
// (Two pages restarted the same way waited 129-322 ms at most between
// decoded frames; measured once, not repeated here for CI's time.)
//
// The page takes whoever it finds in the room's `members` after its
// ScaleDrone client reconnected (under a new client id) for a newcomer and
// makes a new peer connection, without closing the old one. When our
// elements are back in the room first, the page offers to us from the new
// peer connection: another DTLS certificate, so a new call of ours answers
// it (a renegotiation cannot move the call; before, the call failed here
// and the media stopped for good). When the page is back first, it still
// compares against its first client id, takes itself for the newcomer and
// its new peer connection never connects; the old one carries the call on.
// Either way what the user sees must go on: the frames decoded on either
// peer connection are counted. Prints the longest wait between decoded
// frames and the frames decoded in the WATCH_MS from the kill.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startRelay } from '../integration/relay_helpers.mjs';
import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import {
  closeAll, describe, launchPeer, randomRoom, startSite, waitFor,
} from './harness.mjs';

const T = { timeout: 150000, skip: GST_PLUGIN_DIR ? false : 'TC_GST_PLUGIN_DIR is not set' };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default channel

let site;
let relay;                           // the one running now
const peers = [];

before(async () => {
  if (!GST_PLUGIN_DIR) return;
  site = await startSite();
  relay = site.relay;
  peers.push(await launchPeer('A'));
});

after(async () => {
  try {
    await closeAll(peers);
  } finally {
    if (relay !== site?.relay) await relay?.stop();
    await site?.stop().catch(() => {});
  }
});

// Kills the running relay and starts another on its port and web root.
async function restartRelay() {
  const { port } = relay;
  relay.proc.kill('SIGKILL');
  await relay.exited;
  relay = await startRelay(['--web-root', site.root, '--port', String(port)]);
  assert.equal(relay.port, port);
}

// Watches what the page decodes for `ms`, polling getStats every 50 ms on
// the peer connection of the call before the restart and on the one it
// has now if it made another: frames decoded on either and the longest
// wait between two increments.
function watchDecoding(peer, ms) {
  return peer.eval(async (span) => {
    const seen = new Map();      // peer connection -> frames decoded so far
    const poll = async (pc) => {
      if (!pc) return 0;
      let n = 0;
      (await pc.getStats()).forEach((s) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') n = Math.max(n, s.framesDecoded || 0);
      });
      const before = seen.has(pc) ? seen.get(pc) : n;
      seen.set(pc, n);
      return n - before;
    };
    const first = window.tc.pc;
    await poll(first);
    let frames = 0;
    let lastAt = performance.now();
    let maxGapMs = 0;
    const end = lastAt + span;
    while (performance.now() < end) {
      await new Promise((r) => { setTimeout(r, 50); });
      const now = window.tc.pc;
      const more = (await poll(first)) + (now !== first ? await poll(now) : 0);
      const t = performance.now();
      if (more > 0) {
        maxGapMs = Math.max(maxGapMs, t - lastAt);
        frames += more;
        lastAt = t;
      }
    }
    maxGapMs = Math.max(maxGapMs, performance.now() - lastAt);
    return { frames, maxGapMs: Math.round(maxGapMs), newPc: window.tc.pc !== first };
  }, ms);
}

const VIDEO_BUFFER = /\(vsink:sink\) \(\d+ bytes/;

const WATCH_MS = 15000;               // from the kill on
const FPS = 30;
// Frames that must be decoded in the watch, of the FPS * WATCH_MS / 1000
// sent: half, so that a call whose media stopped fails (it would decode
// none after the kill) while a loaded machine's slow decoder passes.
const MIN_FRAMES = (FPS * WATCH_MS) / 1000 / 2;

test('the relay killed and restarted mid-call: media goes on both ways and gst is back in the room', T, async () => {
  const [a] = peers;
  const room = randomRoom();
  const args = (name) => [`name=${name}`, `room=${room}`,
    `signaling-url=${relay.url}`, `channel=${CHANNEL}`, 'video-codecs=vp8'];
  const g = startGst([
    'videotestsrc', 'is-live=true', 'pattern=ball', '!',
    `video/x-raw,width=640,height=360,framerate=${FPS}/1`, '!',
    'tempchatsink', ...args('s'),
    'tempchatsrc', ...args('t'),
    't.video_0', '!', 'queue', '!', 'fakesink', 'name=vsink', 'silent=false', 'sync=false',
  ], { name: 'gst-restart' });
  try {
    await a.goto(site, room);
    await waitFor(a, () => window.tc.state === 'connected', { what: 'A connected', timeout: 20000 });
    await waitFor(a, () => window.tc.framesDecoded() >= 10, { what: 'A decoding gst', timeout: 20000 });
    await g.until(() => g.count(VIDEO_BUFFER) >= 10, 20000, 'gst decoding A');
    const before = g.count(VIDEO_BUFFER);
    const watching = watchDecoding(a, WATCH_MS);
    await restartRelay();
    const page = await watching;
    const atGst = g.count(VIDEO_BUFFER) - before;
    console.log(`METRIC relay-restart-gst-to-page-max-gap-ms=${page.maxGapMs}`);
    console.log(`METRIC relay-restart-frames-gst-to-page=${page.frames} page-to-gst=${atGst} page-made-a-new-peer-connection=${page.newPc}`);
    assert.ok(page.frames >= MIN_FRAMES, `the page decoded ${page.frames} of gst's frames in ${WATCH_MS} ms`);
    assert.ok(atGst >= MIN_FRAMES, `gst decoded ${atGst} of the page's frames in ${WATCH_MS} ms`);
    // Our signaling came back into the room.
    await g.waitFor(/back in the room/, 5000, 'gst back in the room', { in: 'stderr' });
    await a.leave();
  } catch (e) {
    e.message += `\n${g.describe()}\n${await describe(a)}`;
    throw e;
  } finally {
    await g.stop();
  }
});
