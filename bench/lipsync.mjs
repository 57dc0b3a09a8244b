// bench/lipsync.mjs - lip sync as the receiver plays it, our elements
// beside Chromium <-> Chromium in the same run. A sender flashes its
// picture and beeps at the same instant once a second; each receiver
// times both (tests/web/lipsync.mjs): tempchatsrc as it hands them on
// (test_gst_latency --peer av-recv), the page as it shows the frame
// (requestVideoFrameCallback presentation time) and plays the audio
// (getSynchronizationSources() plus its output delay). Paths, each for
// PAIRS flashes after WARMUP seconds of call (Chromium's lip sync moves
// over its first 30-40 s, whoever sends):
//   gst->chromium       tempchatsink (test_gst_latency --peer "send 10",
//                       flash and beep aligned to the sample) to the page
//   chromium->chromium  the baseline: a page's flashing canvas and
//                       oscillator to another page
//   chromium->gst       the same page to tempchatsrc: the page's own
//                       flash and beep are ~10 ms apart (WebAudio's render
//                       quanta and output buffering, the canvas captured at
//                       the next frame), which this path shows, since
//                       gst -> gst holds them within 5 ms
//                       (integration/gst_latency)
// Prints METRIC lines with the median of beep - flash per path, for the
// page receivers also how far Chromium itself thinks it plays the tracks
// apart (printSync), and a BENCH line: ours (gst->chromium) against the
// baseline, as distances from 0 (a ratio <= 1: no further out of sync
// than two browsers). Chromium's A/V sync is slow to settle and moves
// with load: on a shared machine single calls of either sender were
// tens of ms apart, each as far as Chromium's own playout estimates; the
// "-less-chromium-estimate" lines take those out (tests/web/lipsync.mjs
// residuals): what is left is the sender's timestamps and reports.
//
// Env: RELAY, TC_GST_PLUGIN_DIR, T (test_gst_latency), WARMUP (45),
// PAIRS (20), NODE_PATH (playwright-core, scaledrone-node, esbuild).
import {
  CHROMIUM_ARGS, closeAll, launchPeer, randomRoom, startSite, waitFor,
} from '../tests/web/harness.mjs';
import {
  flashAndBeep, latencyPeer, offsets, outputDelayMs, reportPairs, residuals,
  watchFlashAndBeep,
} from '../tests/web/lipsync.mjs';

const WARMUP = Number(process.env.WARMUP || 45);
const PAIRS = Number(process.env.PAIRS || 20);
const CHANNEL = 'it-gst-latency';  // test_gst_latency's
// Opus frames: tempchatsink's 10 ms, Chromium's 20 ms.
const GST_PACKET_MS = 10;
const CHROMIUM_PACKET_MS = 20;
const ARGS = { args: [...CHROMIUM_ARGS, '--autoplay-policy=no-user-gesture-required'] };

function gstPeer(site, mode, room) {
  return latencyPeer(process.env.T, mode, site.relay.url, room);
}

const seconds = (s) => new Promise((r) => { setTimeout(r, s * 1000); });

// The page `rx` (watching since the call connected): pairs after the
// warm-up, with its audio output delay added to the beeps.
async function pagePairs(rx, packetMs) {
  await rx.page.evaluate(watchFlashAndBeep, { packetMs });
  await seconds(WARMUP);
  const from = await rx.page.evaluate(() => performance.now());
  await waitFor(rx, ({ n, t }) => window.lip.flashes.filter((f) => f > t).length > n,
    { timeout: (PAIRS + 30) * 1000, arg: { n: PAIRS, t: from }, what: 'flashes' });
  const lip = await rx.page.evaluate(() => window.lip);
  await printSync(rx);
  const out = await rx.page.evaluate(outputDelayMs);
  const heard = { flashes: lip.flashes.filter((f) => f > from),
    beeps: lip.beeps.map((b) => b + out), sync: lip.sync };
  reportPairs(`${rx.path}-less-chromium-estimate`, residuals(heard).slice(0, PAIRS));
  return offsets(heard).slice(0, PAIRS);
}

// What the page's Chromium thinks of its own lip sync: its estimated
// playout times of the two tracks, in the sender's NTP time (video minus
// audio: 0 when it plays them in sync by the sender's reports; negative:
// video behind), and the jitter buffer delays (mean over the call) that
// put them there.
async function printSync(rx) {
  const s = await rx.page.evaluate(async () => {
    const out = {};
    (await window.tc.pc.getStats()).forEach((r) => {
      if (r.type !== 'inbound-rtp') return;
      const per = (x) => (1000 * x) / r.jitterBufferEmittedCount;
      out[r.kind] = { playout: r.estimatedPlayoutTimestamp, delay: per(r.jitterBufferDelay),
        target: per(r.jitterBufferTargetDelay) };
    });
    return out;
  });
  const f = (x) => x?.toFixed(1);
  console.log(`METRIC lipsync-chromium ${rx.path}: video-audio-playout-ms=`
    + `${s.video?.playout - s.audio?.playout} video-delay-ms=${f(s.video?.delay)}`
    + ` video-target-ms=${f(s.video?.target)} audio-delay-ms=${f(s.audio?.delay)}`
    + ` audio-target-ms=${f(s.audio?.target)}`);
}

async function gstToChromium(site) {
  const room = randomRoom();
  const tx = gstPeer(site, 'send 10', room);
  const rx = await launchPeer('rx', ARGS);
  rx.path = 'gst->chromium';
  try {
    await rx.goto(site, room, { quality: '360p', channel: CHANNEL });
    await waitFor(rx, () => window.tc.pc?.getReceivers().some((r) => r.track?.kind === 'audio'),
      { timeout: 60000, what: 'audio from gst' });
    return await pagePairs(rx, GST_PACKET_MS);
  } finally {
    await closeAll([rx]);
    await tx.stop();
  }
}

async function chromiumToChromium(site) {
  const room = randomRoom();
  const tx = await launchPeer('tx', ARGS);
  const rx = await launchPeer('rx', ARGS);
  rx.path = 'chromium->chromium';
  try {
    await tx.context.addInitScript(flashAndBeep);
    await tx.goto(site, room, { quality: '360p', channel: CHANNEL });
    await rx.goto(site, room, { quality: '360p', channel: CHANNEL });
    await waitFor(rx, () => window.tc.pc?.getReceivers().some((r) => r.track?.kind === 'audio'),
      { timeout: 60000, what: 'audio from the page' });
    return await pagePairs(rx, CHROMIUM_PACKET_MS);
  } finally {
    await closeAll([tx, rx]);
  }
}

async function chromiumToGst(site) {
  const room = randomRoom();
  const rx = gstPeer(site, 'av-recv', room);
  const tx = await launchPeer('tx', ARGS);
  const events = (from) => {
    const av = { flashes: [], beeps: [] };
    for (const l of rx.lines) {
      const [what, ns] = l.split(' ');
      const ms = Number(ns) / 1e6;
      if (what === 'flash' && ms > from) av.flashes.push(ms);
      if (what === 'beep') av.beeps.push(ms);
    }
    return av;
  };
  try {
    await tx.context.addInitScript(flashAndBeep);
    await tx.goto(site, room, { quality: '360p', channel: CHANNEL });
    await waitFor(tx, () => window.tc.state === 'connected', { timeout: 60000, what: 'connected' });
    await seconds(WARMUP);
    const last = events(0).flashes.at(-1) ?? 0;
    const deadline = Date.now() + (PAIRS + 30) * 1000;
    while (events(last).flashes.length <= PAIRS && Date.now() < deadline) await seconds(0.2);
    return offsets(events(last)).slice(0, PAIRS);
  } finally {
    await closeAll([tx]);
    await rx.stop();
  }
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const site = await startSite();
try {
  const ours = await gstToChromium(site);
  const base = await chromiumToChromium(site);
  const page = await chromiumToGst(site);
  const m = {
    ours: reportPairs('gst->chromium', ours),
    base: reportPairs('chromium->chromium', base),
    page: reportPairs('chromium->gst', page),
  };
  if ([ours, base, page].some((p) => p.length < PAIRS / 2)) {
    throw new Error(`too few pairs: ${ours.length} ${base.length} ${page.length} of ${PAIRS}`);
  }
  const ratio = Math.abs(m.ours) / Math.max(1, Math.abs(m.base));
  console.log(`lip sync, beep - flash median after ${WARMUP} s of call: gst->chromium`
    + ` ${m.ours.toFixed(1)} ms, chromium->chromium ${m.base.toFixed(1)} ms (the page's`
    + ` own flash/beep offset, as tempchatsrc shows it: ${m.page.toFixed(1)} ms)`);
  console.log(`BENCH ${JSON.stringify({
    bench: 'lipsync', name: 'gst->chromium |beep - flash| median', unit: 'ms',
    value: Math.abs(m.ours), baseline: 'chromium->chromium', baseline_value: Math.abs(m.base),
    ratio: Number(ratio.toFixed(2)), target: 1, signed: m.ours, baseline_signed: m.base,
    page_offset: m.page, pairs: ours.length, baseline_median_all: median(base),
  })}`);
} finally {
  await site.stop();
}
