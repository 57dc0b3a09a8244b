// obs_chromium_tbf.test.mjs - the OBS output "TempChat Call" sending to the
// TempChat test page in headless Chromium through a 1 Mbit/s token bucket
// (tc tbf) on the OBS side of a link between two network namespaces of the
// test's own (netns.mjs): Chromium's transport-cc feedback alone must bring
// the output's video encoder (AV1) below the limit. What Chromium then receives
// (frame rate, loss) is printed, not judged: keyframes for its PLIs may
// still overflow a bucket this small.
// The program is one no bitrate is enough for: a guest source covering the
// canvas with random noise from a tempchatsink in the same namespace.
// Without the tbf the encoder climbs from 2 to about 2.8 Mbit/s instead.
// Root only (ip netns); skipped otherwise.
import { after, before, test } from 'node:test';

import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import { closeAll, launchPeer, randomRoom, waitFor } from './harness.mjs';
import {
  chromiumIn, ip, startLanSite, stopLanSite,
} from './netns.mjs';
import { OBS_PEER as PEER, startObsPeer } from './obs.mjs';

const isRoot = process.getuid && process.getuid() === 0;
const skip = !PEER ? 'TC_OBS_PEER is not set' : !GST_PLUGIN_DIR ? 'TC_GST_PLUGIN_DIR is not set'
  : !isRoot ? 'needs root for ip netns' : false;
const T = { timeout: 150000, skip };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default
const LIMIT = 1000000;               // bit/s, the tbf rate

let lan;
let site;
let chrome;
let noise;
let obs;

before(async () => {
  if (skip) return;
  lan = await startLanSite('tcobsbw');
  site = lan.site;
  chrome = await launchPeer('C', { executablePath: chromiumIn(lan) });
});

after(async () => {
  try {
    await obs?.stop();
    await noise?.stop();
    await closeAll([chrome]);
  } finally {
    await stopLanSite(lan);
  }
});

test('the OBS output lowers its bitrate when Chromium\'s feedback says the link is full', T, async () => {
  const room = randomRoom();
  const roomIn = randomRoom();
  const signal = `ws://127.0.0.1:${site.relay.port}/v3/websocket`;
  ip('netns', 'exec', lan.s, 'tc', 'qdisc', 'add', 'dev', 'lan-s', 'root', 'tbf',
    'rate', '1mbit', 'burst', '10kb', 'latency', '300ms');
  noise = startGst([
    'videotestsrc', 'is-live=true', 'pattern=snow', '!',
    // No format: videotestsrc's first (AYUV); the sink sends 4:2:0 AV1
    // all the same, which the source decodes.
    'video/x-raw,width=640,height=360,framerate=30/1', '!',
    'tempchatsink', `room=${roomIn}`, `signaling-url=${signal}`, `channel=${CHANNEL}`,
  ], { name: 'noise', wrap: lan.inS });
  await chrome.goto(site, room, { signal });
  await waitFor(chrome, () => window.tc.state === 'waiting', { what: 'alone in the room' });

  obs = startObsPeer(['call', signal, room, CHANNEL, roomIn], { wrap: lan.inS });

  // Connected (on a path this narrow Chromium may decode little yet).
  await waitFor(chrome, () => window.tc.state === 'connected',
    { what: 'connected to OBS', timeout: 60000 })
    .catch((e) => { e.message += `\n${obs.describe()}`; throw e; });

  // The encoder's bitrate as the output reports it twice a second, until
  // it is below the limit.
  const REPORT = /sender frames (\d+) .* bitrate (\d+)/;
  const m = await obs.until(REPORT, (r) => Number(r[1]) > 0 && Number(r[2]) < LIMIT,
    60000, `the encoder below ${LIMIT} bit/s`).catch((e) => e);
  const seen = [...obs.stdout().matchAll(new RegExp(REPORT.source, 'g'))]
    .filter((r) => Number(r[1]) > 0).map((r) => Number(r[2]));
  console.log(`encoder bitrate (bit/s): ${seen.slice(0, 400).join(' ')}`);
  if (m instanceof Error) throw m;
  console.log(`METRIC obs-chromium-tbf-1mbit-bitrate=${m[2]}`);
  const st = await chrome.eval(() => window.tc.stats());
  console.log(`METRIC obs-chromium-tbf-received fps=${st.fps} kbps=${st.kbps} `
    + `loss-pct=${Math.round(st.lossPct)} frames-decoded=${st.framesDecoded}`);
});
