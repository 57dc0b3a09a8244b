// gst_chromium_mdns.test.mjs - Chromium hiding its host address behind an
// mDNS name calls tempchatsink over host candidates, with nothing from the
// host's resolver (on this machine /etc/nsswitch.conf has no mdns).
//
// Two network namespaces of our own joined by a veth pair stand for a LAN
// (netns.mjs): S holds the relay and gst-launch, C holds Chromium and a
// forwarder that serves the page on 127.0.0.1 from S's relay. Chromium has no camera
// permission (no fake UI, and the page asks for no camera: ?noCamera=1),
// so it names its host candidate "<uuid>.local" and answers for it with
// its own mDNS responder; C's default route points into the veth because
// without permission Chromium gathers only on the default route's
// interface. No STUN server: host candidates are all there is.
// Needs root (ip netns); skipped otherwise.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import {
  CHROMIUM_ARGS, closeAll, launchPeer, randomRoom, waitFor,
} from './harness.mjs';
import {
  chromiumIn, startLanSite, stopLanSite,
} from './netns.mjs';

const isRoot = process.getuid && process.getuid() === 0;
const skip = !GST_PLUGIN_DIR ? 'TC_GST_PLUGIN_DIR is not set'
  : !isRoot ? 'needs root for ip netns' : false;
const T = { timeout: 150000, skip };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default (tempchat.js)

let lan;       // S: the relay and gst-launch; C: Chromium (netns.mjs)
let site;
let chrome;
let gst;

// No --use-fake-ui-for-media-stream: media permission stays denied.
function launchChrome() {
  const args = CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream');
  return launchPeer('C', { executablePath: chromiumIn(lan), args });
}

before(async () => {
  if (skip) return;
  lan = await startLanSite('tcmdns');
  site = lan.site;
  chrome = await launchChrome();
});

after(async () => {
  try {
    await gst?.stop();
    await closeAll([chrome]);
  } finally {
    await stopLanSite(lan);
  }
});

// The page in a new room, then the sink; until Chromium says connected.
async function connect(signal) {
  const room = randomRoom();
  await chrome.goto(site, room, { noCamera: '1', signal });
  await waitFor(chrome, () => window.tc.state === 'waiting', { what: 'alone in the room' });

  // The core's debug lines (no addresses, no names; GStreamer's debug log,
  // category tempchatcore) say what ICE did.
  gst = startGst([
    'videotestsrc', 'is-live=true', 'pattern=ball', '!',
    'video/x-raw,width=640,height=360,framerate=30/1', '!',
    'tempchatsink', 'name=s', `room=${room}`, `signaling-url=${signal}`,
    `channel=${CHANNEL}`,
    'audiotestsrc', 'is-live=true', 'wave=ticks', '!', 's.audio',
  ], { name: 'sink', wrap: lan.inS, debug: 'tempchat*:5' });

  await waitFor(chrome, () => window.tc.state === 'connected',
    { what: 'connected', timeout: 30000 })
    .catch((e) => { e.message += `\n${gst.describe()}`; throw e; });
}

// Chromium gathering and nothing gathered: its own ICE never started.
const gatheredNothing = () => chrome.eval(() => window.tc.iceGathering === 'gathering'
  && Object.keys(window.tc.localCandidates).length === 0);

test('Chromium with mDNS host candidates receives from tempchatsink', T, async () => {
  const nsswitch = readFileSync('/etc/nsswitch.conf', 'utf8');
  console.log(`host resolver: ${/^hosts:.*mdns/m.test(nsswitch) ? 'has' : 'has no'} mdns`);
  const signal = `ws://127.0.0.1:${site.relay.port}/v3/websocket`;
  try {
    await connect(signal);
  } catch (e) {
    // Chromium in C sometimes makes its offers but gathers not one
    // candidate in 30 s (its page in 'gathering', nothing sent), while the
    // sink answers, sends its own and restarts ICE for lack of Chromium's:
    // twice in CI, and here in 6 of 11 runs right after web/gst-chromium
    // (never in 10 runs alone; not IPv6 duplicate address detection, which
    // turned off changed nothing). That is Chromium's own ICE, before
    // anything of ours can matter: it is named, and a new Chromium gets the
    // call once (one launched then always gathered). A second stall, or
    // any other failure, fails the test.
    if (!(await gatheredNothing())) throw e;
    console.log('Chromium in C gathered no candidate of its own in 30 s');
    console.log('the call again, with a new Chromium');
    await gst.stop();
    await closeAll([chrome]);
    chrome = await launchChrome();
    await connect(signal);
  }
  const st = await waitFor(chrome, () => {
    const s = window.tc.stats();
    return s && s.framesDecoded > 10 && s;
  }, { what: 'video from the sink decoded', timeout: 20000 });

  // Chromium offered host candidates only, each behind an mDNS name.
  const sent = await chrome.eval(() => ({
    byType: window.tc.localCandidates, mdns: window.tc.localMdnsCandidates,
  }));
  assert.ok(sent.mdns > 0, `Chromium sent no .local candidate: ${JSON.stringify(sent)}`);
  assert.deepEqual(Object.keys(sent.byType), ['host']);
  assert.equal(sent.mdns, sent.byType.host, 'every host candidate is named');
  // The sink looked the name up and checks went to the resolved host
  // candidate, not only to one learned from Chromium's checks.
  await gst.waitFor(/a remote host name gave [1-9]\d* candidate/, 10000,
    'the .local name resolved', { in: 'stderr' });
  await gst.waitFor(/ice: selected pair host\/host/, 10000, 'a host/host pair',
    { in: 'stderr' });
  assert.equal(st.path, 'direct');
  assert.equal(st.localCandidateType, 'host');
  console.log(`Chromium decoded ${st.framesDecoded} frames over ${st.localCandidateType}`
    + `/${st.remoteCandidateType}`);
});
