// chromium_call.test.mjs - two headless Chromiums running the TempChat test
// page call each other through tempchat-relay: the harness works, and the
// page behaves as the web client's README says (roles, codec, bandwidth
// hints, Opus parameters, L1T3, stats), before our own peer takes one side.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import {
  closeAll, holdInRoom, joinInOrder, launchPeer, pageReceiver, randomRoom, startAll, startSite,
  waitFor, waitForAll, waitForSenderSize,
} from './harness.mjs';

const T = { timeout: 45000 };
const CAMERA = { width: 1280, height: 720 };    // Chromium's fake camera
const HINTS_720P = { maxKbps: 3000, startKbps: 2000 };

let site;
let a;
let b;

before(async () => {
  site = await startSite({ relayArgs: ['--verbose'] });
  [a, b] = await startAll([() => launchPeer('A'), () => launchPeer('B')]);
});

after(async () => {
  try {
    await closeAll([a, b]);
  } finally {
    await site?.stop();
  }
});

// ---- SDP reading, for the assertions ---------------------------------------

function mediaSection(sdp, kind) {
  const sections = sdp.split(/\r\n(?=m=)/);
  const section = sections.find((s) => s.startsWith(`m=${kind} `));
  assert.ok(section, `no m=${kind} section`);
  return section;
}

// The fmtp parameters of the first payload type of `codec` in `section`.
function fmtpOf(section, codec) {
  const rtpmap = new RegExp(`^a=rtpmap:(\\d+) ${codec}/`, 'mi').exec(section);
  assert.ok(rtpmap, `no ${codec} in ${section.split('\r\n')[0]}`);
  const fmtp = new RegExp(`^a=fmtp:${rtpmap[1]} (.*)$`, 'm').exec(section);
  assert.ok(fmtp, `no fmtp for ${codec}`);
  return Object.fromEntries(fmtp[1].trim().split(';').map((p) => p.split('=')));
}

function firstVideoCodec(sdp) {
  const section = mediaSection(sdp, 'video');
  const pt = section.split('\r\n')[0].split(' ')[3];
  return new RegExp(`^a=rtpmap:${pt} ([^/]+)/`, 'm').exec(section)[1];
}

function assertMungedSdp(sdp, who) {
  const video = mediaSection(sdp, 'video');
  assert.match(video, new RegExp(`\\r\\nb=AS:${HINTS_720P.maxKbps}\\r\\n`), `${who}: b=AS`);
  const av1 = fmtpOf(video, 'AV1');
  assert.equal(av1['x-google-start-bitrate'], String(HINTS_720P.startKbps), `${who}: start bitrate`);
  assert.equal(av1['x-google-max-bitrate'], String(HINTS_720P.maxKbps), `${who}: max bitrate`);
  const opus = fmtpOf(mediaSection(sdp, 'audio'), 'opus');
  for (const [k, v] of Object.entries({
    stereo: '1', 'sprop-stereo': '1', useinbandfec: '1', maxaveragebitrate: '128000',
  })) {
    assert.equal(opus[k], v, `${who}: opus ${k}`);
  }
}

// ---- the call --------------------------------------------------------------

async function assertFullCall(offerer, answerer) {
  await waitForAll([offerer, answerer], () => window.tc.state === 'connected',
    { what: 'connected', timeout: 15000 });
  assert.equal(await offerer.eval(() => window.tc.role), 'offerer');
  assert.equal(await answerer.eval(() => window.tc.role), 'answerer');

  for (const p of [offerer, answerer]) {
    // The fake camera's full size decoded on the other side: the bandwidth
    // hints skip the slow start (without them Chromium sits at 320x180).
    const other = p === offerer ? answerer : offerer;
    const size = await waitForSenderSize(pageReceiver(p), other, CAMERA);
    assert.equal(size.codec, 'AV1', `${p.name}: receive codec`);
    assert.equal(size.sendCodec, 'AV1', `${p.name}: send codec`);
    assert.equal(size.path, 'direct', `${p.name}: path`);
    await waitFor(p, () => window.tc.audioPackets() >= 50 && window.tc.stats().audioCodec === 'opus',
      { what: 'Opus packets from the other side' });
    const params = await waitFor(p, () => window.tc.encodingParams, { what: 'encoding params' });
    assert.equal(params.scalabilityMode, 'L1T3', `${p.name}: scalabilityMode`);
    assert.equal(params.maxBitrate, HINTS_720P.maxKbps * 1000, `${p.name}: maxBitrate`);
    const sent = await waitFor(p, () => window.tc.stats().scalabilityMode, { what: 'outbound L1T3' });
    assert.equal(sent, 'L1T3', `${p.name}: outbound scalabilityMode`);
  }

  const [offerSdps, answerSdps] = await Promise.all([offerer, answerer].map((p) =>
    p.eval(() => ({ local: window.tc.localSdp, remote: window.tc.remoteSdp }))));
  // What each side munged is what the other received through the relay.
  assert.equal(answerSdps.remote, offerSdps.local);
  assert.equal(offerSdps.remote, answerSdps.local);
  assertMungedSdp(offerSdps.local, 'offer');
  assertMungedSdp(answerSdps.local, 'answer');
  // addTransceiver audio then video, codec preferences AV1 first.
  assert.ok(offerSdps.local.indexOf('m=audio ') < offerSdps.local.indexOf('m=video '));
  assert.equal(firstVideoCodec(offerSdps.local), 'AV1');
}

function assertRelayLogsNothingOf(room, ids) {
  const stderr = site.relay.stderr();
  assert.ok(!stderr.includes(room), 'the room id reached the relay log');
  for (const id of ids) assert.ok(!stderr.includes(id), 'a client id reached the relay log');
}

async function call(offererJoinsFirst) {
  const room = randomRoom();
  const ids = await holdInRoom(site, room, [a, b]);
  const [offerer, answerer] = ids[0] > ids[1] ? [a, b] : [b, a];
  if (offererJoinsFirst) await joinInOrder(offerer, answerer);
  else await joinInOrder(answerer, offerer);
  await assertFullCall(offerer, answerer);
  await Promise.all([a.leave(), b.leave()]);
  assertRelayLogsNothingOf(room, ids);
}

test('Chromium calls Chromium through the relay when the offerer joins first', T,
  () => call(true));

test('Chromium calls Chromium through the relay when the answerer joins first', T,
  () => call(false));

test('older pages (?legacyRoles=1): the second joiner offers, whatever the ids', T, async () => {
  const room = randomRoom();
  const legacy = { legacyRoles: '1' };
  const ids = await holdInRoom(site, room, [a, b], [legacy, legacy]);
  // The larger id joins first, so the rule would make it the offerer.
  const [first, second] = ids[0] > ids[1] ? [a, b] : [b, a];
  await joinInOrder(first, second);
  await waitForAll([a, b], () => window.tc.state === 'connected',
    { what: 'connected', timeout: 15000 });
  assert.equal(await second.eval(() => window.tc.role), 'offerer');
  assert.equal(await first.eval(() => window.tc.role), 'answerer');
  await waitForAll([a, b], () => window.tc.framesDecoded() > 10 && window.tc.audioPackets() > 10,
    { what: 'video and audio from the other side' });
  await Promise.all([a.leave(), b.leave()]);
  assertRelayLogsNothingOf(room, ids);
});

// Off by default (TC_WEB_COLLISION=1 runs it): in roughly one run of
// twenty, Chromium 156 never gathers a candidate again after the legacy
// page rolls its own offer back, so ICE stays 'new' on both sides.
const COLLISION = process.env.TC_WEB_COLLISION === '1'
  ? T : { ...T, skip: 'Chromium stalls ICE after a rollback now and then; TC_WEB_COLLISION=1 runs it' };

test('an older page (second joiner offers) and a current one settle a collision', COLLISION, async () => {
  // The current page joins first with the larger id, so the rule makes it
  // the offerer; the legacy page joins second, so it offers too. The
  // current page is impolite and keeps its offer; the legacy page yields.
  const room = randomRoom();
  const legacy = { legacyRoles: '1' };
  const ids = await holdInRoom(site, room, [a, b], [{}, legacy]);
  // Only this order collides; reload B (a new client id) until it holds.
  for (let i = 0; i < 20 && !(ids[0] > ids[1]); i++) {
    [ids[1]] = await holdInRoom(site, room, [b], [legacy]);
  }
  assert.ok(ids[0] > ids[1], 'could not get the colliding order');
  await joinInOrder(a, b);
  await waitForAll([a, b], () => window.tc.state === 'connected',
    { what: 'connected', timeout: 15000 });
  const [logA, logB] = await Promise.all([a, b].map((p) => p.eval(() => window.tc.log)));
  const logs = `A:\n${logA.join('\n')}\nB:\n${logB.join('\n')}`;
  assert.equal(await a.eval(() => window.tc.role), 'offerer', logs);
  assert.equal(await b.eval(() => window.tc.role), 'answerer', logs);
  assert.ok(logA.includes('[tc] offer collision: ignored (impolite)'), logs);
  const legacyRole = `[tc] role: OFFERER | me: ${ids[1].slice(0, 8)} | peer: ${ids[0].slice(0, 8)}`;
  assert.ok(logB.includes(legacyRole), logs);
  assert.ok(logB.includes('[tc] offer collision: yielded: now ANSWERER'), logs);
  assert.equal(logB.filter((l) => l === '[tc] offer sent ✓').length, 1, logs);
  await waitForAll([a, b], () => window.tc.framesDecoded() > 10 && window.tc.audioPackets() > 10,
    { what: 'video and audio from the other side' });
  await Promise.all([a.leave(), b.leave()]);
  assertRelayLogsNothingOf(room, ids);
});
