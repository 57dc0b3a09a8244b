// gst_chromium_turns.test.mjs - tempchatsink relay-only through TURN over
// UDP, TCP and TLS (turns:) to a loopback coturn (TLS with a throwaway
// self-signed certificate), calling the TempChat test page in headless
// Chromium (relay-only too, over plain TURN/UDP to the same coturn): the
// page decodes our video each time. Without the certificate in ca-file, or
// with a wrong TURN secret, the element says so instead.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startCoturn } from './coturn.mjs';
import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import {
  closeAll, describe, launchPeer, randomRoom, startAll, startSite, waitFor,
} from './harness.mjs';

const T = { timeout: 60000, skip: GST_PLUGIN_DIR ? false : 'TC_GST_PLUGIN_DIR is not set' };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default ScaleDrone channel

let site;
let turn;
let chrome;
const running = new Set();

before(async () => {
  if (!GST_PLUGIN_DIR) return;
  [site, turn] = await startAll([startSite, () => startCoturn({ tls: true })]);
  chrome = await launchPeer('C');
});

after(async () => {
  try {
    await Promise.allSettled([...running].map((g) => g.stop()));
    await closeAll([chrome]);
  } finally {
    await Promise.allSettled([site?.stop(), turn?.stop()]);
  }
});

// videotestsrc -> tempchatsink, relay-only over `url` (turns: by default),
// ca-file optional.
function startSender(room, caFile, url = turn.turnsUrl, secret = turn.secret) {
  const g = startGst([
    'videotestsrc', 'is-live=true', 'pattern=ball', '!',
    'video/x-raw,width=640,height=360,framerate=30/1', '!',
    'tempchatsink', 'name=s', `room=${room}`, `signaling-url=${site.relay.url}`,
    `channel=${CHANNEL}`, `turn-server=${url}`, `turn-secret=${secret}`,
    'relay-only=true', ...(caFile ? [`ca-file=${caFile}`] : []),
    'audiotestsrc', 'is-live=true', 'wave=ticks', '!', 's.audio',
  ], { name: 'gst-turns' });
  running.add(g);
  return g;
}

async function stopSender(g) {
  running.delete(g);
  await g.stop();
}

// The page is alone in the room, relay-only through coturn over UDP.
async function pageWaiting(room) {
  await chrome.goto(site, room, { turn: turn.url, turnSecret: turn.secret, relayOnly: '1' });
  await waitFor(chrome, () => window.tc.state === 'waiting', { what: 'alone in the room' });
}

// Relay-only over `url`: the page decodes our video through coturn.
async function relayedCall(url, caFile) {
  const room = randomRoom();
  await pageWaiting(room);
  const g = startSender(room, caFile, url);
  try {
    const msg = (await g.waitFor(/tempchat\/connected[^\n]*/, 25000, 'tempchat/connected'))[0];
    assert.match(msg, /relayed=\(boolean\)true/, 'gst: the call is relayed');
    const s = await waitFor(chrome, () => {
      const st = window.tc.state === 'connected' && window.tc.stats();
      return st && st.framesDecoded > 30 && st.width === 640 && st.height === 360 && st;
    }, { what: 'our video decoded through the relay', timeout: 25000 });
    assert.equal(s.codec, 'AV1', 'the default codec, through the relay too');
    assert.equal(s.path, 'relay', 'page: stats path');
    assert.equal(s.remoteCandidateType, 'relay', 'page: our candidate is a relay one');
  } catch (e) {
    e.message += `\n${g.describe()}\n${await describe(chrome)}\ncoturn:\n${turn.log().slice(-6000)}`;
    throw e;
  } finally {
    await stopSender(g);
    await chrome.leave();
  }
}

test('tempchatsink relay-only over turns: -> Chromium decodes the video through the relay', T,
  () => relayedCall(turn.turnsUrl, turn.caFile));

test('tempchatsink relay-only over TURN/UDP -> Chromium decodes the video through the relay', T,
  () => relayedCall(`turn:127.0.0.1:${turn.port}?transport=udp`));

test('tempchatsink relay-only over TURN/TCP -> Chromium decodes the video through the relay', T,
  () => relayedCall(`turn:127.0.0.1:${turn.port}?transport=tcp`));

test('tempchatsink with a wrong TURN secret says TURN authentication failed', T, async () => {
  const room = randomRoom();
  await pageWaiting(room);
  const g = startSender(room, null, `turn:127.0.0.1:${turn.port}?transport=udp`,
    `${turn.secret}x`);
  try {
    await g.waitFor(/(ERROR|WARNING): from element [^\n]*tempchatsink[^\n]*: No TURN relay candidate[^\n]*TURN authentication failed/i,
      25000, 'the TURN authentication error', { in: 'stderr' });
    assert.doesNotMatch(g.stdout(), /tempchat\/connected/, 'gst never connected');
    assert.notEqual(await chrome.eval(() => window.tc.state), 'connected');
  } finally {
    await stopSender(g);
    await chrome.leave();
  }
});

test('tempchatsink over turns: without the CA in ca-file fails with a clear certificate error', T, async () => {
  const room = randomRoom();
  await pageWaiting(room);
  const g = startSender(room, null);
  try {
    // gst-launch prints the element's error on stderr, then exits.
    await g.waitFor(/ERROR: from element [^\n]*tempchatsink[^\n]*: The TURN server's TLS certificate could not be verified\./i,
      25000, 'the certificate error', { in: 'stderr' });
    assert.doesNotMatch(g.stdout(), /tempchat\/connected/, 'gst never connected');
    assert.notEqual(await chrome.eval(() => window.tc.state), 'connected');
  } finally {
    await stopSender(g);
    await chrome.leave();
  }
});
