// gst_chromium_restore.test.mjs - the network path cut before the call
// first connects and restored 5 s later (issue #13), and 10 s later (after
// our side called the call failed): media must flow within 2 s of the
// restore, with our element as the offerer and as the answerer, and two
// Chromium pages on the same path give the baseline.
//
// Two network namespaces of our own (netns.mjs): S holds the relay and
// tempchatsink (or, for the baseline, a second Chromium), C holds the
// page. The cut is nftables dropping every UDP datagram that arrives over
// the veth, in both namespaces: ICE has no path, signaling (TCP) still
// works. The relay runs with --ordered-ids, so the second to join has the
// greater client id and offers. The page's first decoded frame after the
// restore is what counts; the ICE states the page went through are
// printed with it.
// Root only (ip netns, nft); skipped otherwise.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import {
  closeAll, launchPeer, randomRoom, waitFor,
} from './harness.mjs';
import {
  chromiumIn, ip, startLanSite, stopLanSite,
} from './netns.mjs';

const isRoot = process.getuid && process.getuid() === 0;
const skip = !GST_PLUGIN_DIR ? 'TC_GST_PLUGIN_DIR is not set'
  : !isRoot ? 'needs root for ip netns' : false;
const T = { timeout: 120000, skip };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default (tempchat.js)
// The 5 s, and 10 s: past the 7 s after which libnice 0.1.21
// calls the pairs failed and the call fails (a warning) on our side.
const OUTAGES_MS = [5000, 10000];
const RESTORED_MEDIA_MS = 2000;      // the bound

let lan;
let site;
let signal;
let chrome;    // the page in C
let chromeS;   // the baseline's other page, in S
let gst;

before(async () => {
  if (skip) return;
  lan = await startLanSite('tcrestore', { relayArgs: ['--ordered-ids'] });
  site = lan.site;
  signal = `ws://127.0.0.1:${site.relay.port}/v3/websocket`;
  chrome = await launchPeer('C', { executablePath: chromiumIn(lan) });
});

after(async () => {
  try {
    await gst?.stop();
    await closeAll([chrome, chromeS].filter(Boolean));
  } finally {
    restorePath();
    await stopLanSite(lan);
  }
});

// ---- the path -----------------------------------------------------------

const SIDES = () => [[lan.s, 'lan-s'], [lan.c, 'lan-c']];

function cutPath() {
  for (const [ns, dev] of SIDES()) {
    const nft = (...args) => ip('netns', 'exec', ns, 'nft', ...args);
    nft('add', 'table', 'inet', 'tc_cut');
    nft('add', 'chain', 'inet', 'tc_cut', 'input',
      '{ type filter hook input priority 0 ; policy accept ; }');
    nft('add', 'rule', 'inet', 'tc_cut', 'input', 'iifname', dev, 'meta', 'l4proto',
      'udp', 'drop');
  }
}

function restorePath() {
  for (const [ns] of lan ? SIDES() : []) {
    try { ip('netns', 'exec', ns, 'nft', 'delete', 'table', 'inet', 'tc_cut'); } catch {
      /* not cut */
    }
  }
}

// ---- the page -----------------------------------------------------------

// In the page, polling getStats every 20 ms: the ICE states from now on
// and when the first video frame is decoded, in Date.now() (the clock
// Node reads too). Resolves with { states: [[state, ms]], decodedAt }.
function watchDecode(peer, timeout) {
  return peer.eval(async (ms) => {
    const end = Date.now() + ms;
    const states = [];
    let last = null;
    while (Date.now() < end) {
      const { pc } = window.tc;
      if (pc && pc.iceConnectionState !== last) {
        last = pc.iceConnectionState;
        states.push([last, Date.now()]);
      }
      if (pc) {
        const report = await pc.getStats();
        let decoded = 0;
        report.forEach((s) => {
          if (s.type === 'inbound-rtp' && s.kind === 'video') decoded = s.framesDecoded || 0;
        });
        if (decoded > 0) return { states, decodedAt: Date.now() };
      }
      await new Promise((r) => { setTimeout(r, 20); });
    }
    return { states, decodedAt: null };
  }, timeout);
}

// Cuts the path, has `first` and then `second` join (each a function
// returning once it is in the room: the second gets the greater client
// id and offers), keeps the path cut for `outageMs`
// from the page seeing its peer, restores it, and returns how long after
// the restore the page decoded its first frame.
async function outageBeforeFirstConnection(what, outageMs, first, second) {
  cutPath();
  await first();
  await second();
  await waitFor(chrome, () => window.tc.state === 'negotiating', { what: 'the peer' });
  const t0 = Date.now();
  const watching = watchDecode(chrome, outageMs + 30000);
  await new Promise((r) => { setTimeout(r, outageMs - (Date.now() - t0)); });
  const restoredAt = Date.now();
  restorePath();
  const { states, decodedAt } = await watching;
  const role = await chrome.eval(() => window.tc.role);
  const line = states.map(([s, at]) => `${s} ${at - t0}`).join(', ');
  console.log(`${what}: page (${role}) ICE states, ms from both in the room: ${line}; `
    + `restored at ${restoredAt - t0}`);
  assert.ok(decodedAt !== null, `${what}: the page decoded nothing after the restore`);
  const ms = decodedAt - restoredAt;
  console.log(`METRIC restore-to-first-frame-ms ${what}=${ms}`);
  return { ms, role };
}

async function pageJoins(peer, room) {
  await peer.goto(site, room, { signal });
  await waitFor(peer, () => ['waiting', 'negotiating'].includes(window.tc.state),
    { what: `${peer.name} in the room` });
}

// ---- tempchatsink and the page ------------------------------------------

const sinkArgs = (room) => [
  'videotestsrc', 'is-live=true', 'pattern=ball', '!',
  'video/x-raw,width=640,height=360,framerate=30/1', '!',
  'tempchatsink', 'name=s', `room=${room}`, `signaling-url=${signal}`,
  `channel=${CHANNEL}`, 'video-codecs=vp8',
  'audiotestsrc', 'is-live=true', 'wave=ticks', '!', 's.audio',
];

async function sinkCall(what, outageMs, sinkOffers) {
  const room = randomRoom();
  const page = () => pageJoins(chrome, room);
  const sink = async () => {
    gst = startGst(sinkArgs(room), { name: 'sink', wrap: lan.inS });
    await gst.waitFor(/call state waiting|call state negotiating/, 15000,
      'in the room', { in: 'stderr' });
  };
  try {
    const r = await (sinkOffers
      ? outageBeforeFirstConnection(what, outageMs, page, sink)
      : outageBeforeFirstConnection(what, outageMs, sink, page))
      .catch((e) => { e.message += `\n${gst?.describe()}`; throw e; });
    assert.equal(r.role, sinkOffers ? 'answerer' : 'offerer');
    return r.ms;
  } finally {
    restorePath();
    await gst?.stop();
    gst = null;
    await chrome.leave();
  }
}

for (const outageMs of OUTAGES_MS) {
  for (const sinkOffers of [true, false]) {
    const role = sinkOffers ? 'offering' : 'answering';
    test(`tempchatsink ${role}: media within 2 s of a path restored ${outageMs / 1000} s `
      + 'after the start', T, async () => {
      const what = `gst-${sinkOffers ? 'offers' : 'answers'}-${outageMs / 1000}s`;
      const ms = await sinkCall(what, outageMs, sinkOffers);
      assert.ok(ms < RESTORED_MEDIA_MS, `first frame ${ms} ms after the restore`);
    });
  }
}

// ---- the baseline: two pages --------------------------------------------

// The 10 s outage only (the 5 s one measured the same, 184-274 ms against
// 217-245): CI's time.
for (const outageMs of OUTAGES_MS.slice(-1)) {
  test(`Chromium <-> Chromium on the same path, ${outageMs / 1000} s (baseline, printed)`,
    T, async () => {
      chromeS ??= await launchPeer('S', { executablePath: chromiumIn(lan, lan.s) });
      const room = randomRoom();
      try {
        // The page in C joins second and offers.
        const r = await outageBeforeFirstConnection(`chromium-chromium-${outageMs / 1000}s`,
          outageMs, () => pageJoins(chromeS, room), () => pageJoins(chrome, room));
        assert.equal(r.role, 'offerer');
      } finally {
        restorePath();
        await chromeS.leave();
        await chrome.leave();
      }
    });
}
