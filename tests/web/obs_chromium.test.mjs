// obs_chromium.test.mjs - the OBS plugin in a real libobs (tc_obs_peer from
// the build tree, under xvfb-run) calls the TempChat test page in headless
// Chromium through tempchat-relay:
//   - the "TempChat Guest" source with send_program: the source shows
//     Chromium's camera, and Chromium decodes the OBS program (red) at the
//     canvas size; the page closed and opened again gets the same again;
//   - the "TempChat Call" output alone: Chromium decodes the program at the
//     canvas size, and reads the level of its audio packets; the frame after
//     every keyframe request was a keyframe (Chromium rarely sends a PLI on
//     loopback, and the core asks for one at the connection only when the
//     output's connecting phase made none: obs/output asks for one from
//     the receiver's side).
// Both send AV1, the codec two browsers pick between them;
//   - the output follows the page renegotiating its codec (VP8 -> AV1) in
//     the same call: a new encoder, Chromium decodes on.
// Prints `METRIC obs-join-to-first-frame-ms=N`: from the source joining
// the room (Chromium already there) to its first frame from Chromium.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  closeAll, describe, launchPeer, randomRoom, startSite, waitFor,
} from './harness.mjs';
import { OBS_PEER as PEER, startObsPeer } from './obs.mjs';

const T = { timeout: 120000, skip: PEER ? false : 'TC_OBS_PEER is not set' };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default
const CANVAS = { width: 640, height: 360 };

let site;
let chrome;
const running = new Set();

before(async () => {
  if (!PEER) return;
  site = await startSite();
  chrome = await launchPeer('C');
});

after(async () => {
  try {
    await Promise.allSettled([...running].map((o) => o.stop()));
    await closeAll([chrome]);
  } finally {
    await site?.stop();
  }
});

function startObs(args) {
  const o = startObsPeer(args, { onStop: () => running.delete(o) });
  running.add(o);
  return o;
}

async function chromiumDecodesTheProgram(obs) {
  const st = await waitFor(chrome, (want) => {
    const s = window.tc.stats();
    return s && s.framesDecoded > 30 && s.width === want.width && s.height === want.height && s;
  }, { what: `the OBS program decoded at ${CANVAS.width}x${CANVAS.height}`, timeout: 30000, arg: CANVAS })
    .catch(async (e) => { e.message += `\n${await describe(chrome)}\n${obs.describe()}`; throw e; });
  // The web client's first choice, which we encode.
  assert.equal(st.codec, 'AV1');
  // The program is red: the centre of the decoded picture says so.
  const [r, g, b] = await chrome.eval(() => {
    const v = document.getElementById('remote');
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    const ctx = c.getContext('2d');
    ctx.drawImage(v, 0, 0);
    return [...ctx.getImageData(c.width / 2, c.height / 2, 1, 1).data];
  });
  assert.ok(r >= 200 && g <= 60 && b <= 60, `centre pixel ${r},${g},${b} is not red`);
  await waitFor(chrome, () => window.tc.audioPackets() >= 50, { what: 'Opus packets from OBS' });
  // Each packet says its level (RFC 6464): Chromium shows it as the
  // source's audioLevel, undefined without the extension.
  await waitFor(chrome, () => {
    const rx = window.tc.pc.getReceivers().find((r) => r.track?.kind === 'audio');
    return typeof rx?.getSynchronizationSources()[0]?.audioLevel === 'number';
  }, { what: 'the audio level of OBS\'s Opus packets' });
  return st;
}

test('the OBS source shows Chromium\'s camera and sends it the program', T, async () => {
  const room = randomRoom();
  await chrome.goto(site, room);
  await waitFor(chrome, () => window.tc.state === 'waiting', { what: 'alone in the room' });
  const obs = startObs(['guest', site.relay.url, room, CHANNEL, '1']);
  await obs.until(/started/, () => true, 30000, 'start');
  await chromiumDecodesTheProgram(obs);
  // The source shows what Chromium sends, at the size it sends.
  const m = await obs.until(/guest frames (\d+) (\d+) (\d+)/, (x) => Number(x[1]) >= 30, 30000,
    '30 frames from Chromium in the source');
  const sent = await chrome.eval(() => window.tc.stats());
  console.log(`source shows ${m[2]}x${m[3]}; Chromium sends ${sent.sendWidth}x${sent.sendHeight}`);
  const first = /first guest frame (\d+) ms after the source joined/.exec(obs.stdout() + obs.stderr());
  if (first) console.log(`METRIC obs-join-to-first-frame-ms=${first[1]}`);
  assert.ok(Number(m[2]) > 0 && Number(m[3]) > 0);

  // The guest closes the page and opens the link again: the same source
  // shows them again, and they get the program again.
  const left = obs.mark();
  await chrome.leave();
  await obs.until(/guest frames (\d+) 0 0/, () => true, 30000,
    'the source emptied after the guest left', left);
  const back = obs.mark();
  await chrome.goto(site, room);
  await chromiumDecodesTheProgram(obs);
  await obs.until(/guest frames (\d+) (\d+) (\d+)/, (x) => Number(x[2]) > 0, 30000,
    'frames again from the returning guest', back);
  const r = await obs.stop();
  assert.equal(r.code, 0, `tc_obs_peer exit (nonzero: libobs leaked)\n${obs.describe()}`);
});

test('the OBS output alone: Chromium decodes the program, keyframe requests get keyframes', T, async () => {
  const room = randomRoom();
  await chrome.goto(site, room);
  await waitFor(chrome, () => window.tc.state === 'waiting', { what: 'alone in the room' });
  const obs = startObs(['call', site.relay.url, room, CHANNEL]);
  await obs.until(/started/, () => true, 30000, 'start');
  await chromiumDecodesTheProgram(obs);
  const plis = await chrome.eval(async () => {
    let n = 0;
    (await window.tc.pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') n = s.pliCount || 0;
    });
    return n;
  });
  const m = await obs.until(/sender frames (\d+) keyframes (\d+) requests (\d+) answered (\d+) missed (\d+)/,
    (x) => Number(x[1]) >= 1, 10000, 'sender stats');
  const [, frames, keyframes, requests, answered, missed] = m.map(Number);
  console.log(`Chromium sent ${plis} PLIs; the output had ${requests} keyframe requests, `
    + `answered ${answered} (missed ${missed}), made ${keyframes} keyframes in ${frames} frames`);
  assert.ok(keyframes >= 1, 'no keyframe was made');
  assert.equal(missed, 0, 'a frame after a keyframe request was not a keyframe');
  const r = await obs.stop();
  assert.equal(r.code, 0, `tc_obs_peer exit (nonzero: libobs leaked)\n${obs.describe()}`);
});

// The page joins second and offers (legacyRoles), first only VP8, then
// AV1 in the same call, as a user changing the codec would: the output
// makes a new encoder and Chromium decodes on.
test('the OBS output follows the page renegotiating from VP8 to AV1', T, async () => {
  const room = randomRoom();
  const obs = startObs(['call', site.relay.url, room, CHANNEL]);
  await obs.until(/output status .*Waiting for the guest/, () => true, 30000, 'the output alone in the room');
  await chrome.goto(site, room, { hold: '1', videoCodecs: 'vp8', legacyRoles: '1', noYield: '1' });
  await waitFor(chrome, () => window.tc.clientId, { what: 'the ScaleDrone handshake' });
  await chrome.eval(() => window.tc.join());
  const decodes = (want, after) => waitFor(chrome, ([w, n]) => {
    const s = window.tc.stats();
    return s && s.codec === w && window.tc.framesDecoded() > n + 30 && s;
  }, { what: `the program decoded in ${want}`, arg: [want, after], timeout: 30000 })
    .catch((e) => { e.message += `\n${obs.describe()}`; throw e; });
  await decodes('VP8', 0);
  assert.equal(await chrome.eval(() => window.tc.role), 'offerer');
  await obs.until(/sender frames .* codec (\w*)/, (x) => x[1] === 'VP8', 10000, 'the output sending VP8');
  const before = await chrome.eval(() => window.tc.framesDecoded());
  const switched = obs.mark();
  await chrome.eval(() => window.tc.renegotiateVideoCodecs('av1'));
  await decodes('AV1', before);
  await obs.until(/sender frames .* codec (\w*)/, (x) => x[1] === 'AV1', 10000, 'the output sending AV1', switched);
  await chrome.leave();
  const r = await obs.stop();
  assert.equal(r.code, 0, `tc_obs_peer exit (nonzero: libobs leaked)\n${obs.describe()}`);
});
