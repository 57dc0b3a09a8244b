// bench/chromium_send_size.mjs - what size Chromium sends its 1280x720
// camera at, and why, when it sends VP8 to our tempchatsrc and when it
// sends to another Chromium, RUNS times each, alternating, on loopback
// through our relay. For each run it prints the sender's outbound-rtp
// after SECONDS: the size, qualityLimitationReason,
// qualityLimitationResolutionChanges, the seconds qualityLimitationDurations
// gives each reason, the sizes it went through (polled every 250 ms), and
// its availableOutgoingBitrate at 1, 3 and SECONDS s (what the receiver's
// feedback let its estimate reach).
//
//   TC_GST_PLUGIN_DIR=build/gst-plugin RELAY=build/server/tempchat-relay \
//   NODE_PATH=build/js/node_modules node bench/chromium_send_size.mjs [RUNS] [SECONDS]
import { startGst } from '../tests/web/gst.mjs';
import { closeAll, launchPeer, randomRoom, startSite, waitFor } from '../tests/web/harness.mjs';

const RUNS = Number(process.argv[2] || 5);
const SECONDS = Number(process.argv[3] || 15);
const CHANNEL = 'YOUR_CHANNEL_ID';  // the page's default ScaleDrone channel

// The sender's outbound video and the selected pair's outgoing estimate.
function senderStats(peer) {
  return peer.eval(async () => {
    const report = await window.tc.pc.getStats();
    let out = null;
    let pair = null;
    report.forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'video') out = s;
      if (s.type === 'transport' && s.selectedCandidatePairId) {
        pair = report.get(s.selectedCandidatePairId);
      }
    });
    return out && {
      width: out.frameWidth || 0,
      height: out.frameHeight || 0,
      reason: out.qualityLimitationReason,
      changes: out.qualityLimitationResolutionChanges,
      durations: out.qualityLimitationDurations,
      codec: out.codecId && report.get(out.codecId)?.mimeType,
      kbps: pair?.availableOutgoingBitrate ? Math.round(pair.availableOutgoingBitrate / 1000) : null,
    };
  });
}

async function watchSender(sender) {
  await waitFor(sender, () => window.tc.state === 'connected', { what: 'connected', timeout: 30000 });
  const start = Date.now();
  const sizes = [];
  const estimates = {};
  let last = null;
  while (Date.now() - start < SECONDS * 1000) {
    const s = await senderStats(sender).catch(() => null);
    if (s && s.width) {
      const size = `${s.width}x${s.height}(${s.reason})`;
      if (sizes.at(-1) !== size) sizes.push(size);
      for (const at of [1, 3]) {
        if (estimates[at] == null && Date.now() - start >= at * 1000) estimates[at] = s.kbps;
      }
      last = s;
    }
    await new Promise((r) => { setTimeout(r, 250); });
  }
  estimates[SECONDS] = last?.kbps;
  return { last, sizes, estimates };
}

function report(kind, run, { last, sizes, estimates }) {
  const d = last?.durations || {};
  const secs = (k) => (d[k] || 0).toFixed(1);
  console.log(`${kind} run ${run}: ${last?.codec} ${last?.width}x${last?.height} `
    + `reason=${last?.reason} resolutionChanges=${last?.changes} `
    + `durations cpu=${secs('cpu')} bandwidth=${secs('bandwidth')} none=${secs('none')} `
    + `estimate kbps ${Object.entries(estimates).map(([t, v]) => `${t}s=${v}`).join(' ')} `
    + `sizes ${sizes.join(' > ')}`);
}

const site = await startSite();
const chrome = await launchPeer('sender');
const other = await launchPeer('receiver');
try {
  for (let run = 1; run <= RUNS; run++) {
    // Chromium -> tempchatsrc (VP8: the receiver's video-codecs).
    let room = randomRoom();
    const g = startGst(['tempchatsrc', 'name=t', `room=${room}`,
      `signaling-url=${site.relay.url}`, `channel=${CHANNEL}`, 'video-codecs=vp8',
      't.video_0', '!', 'queue', '!', 'fakesink', 'sync=false',
      't.audio_0', '!', 'queue', '!', 'fakesink', 'sync=false'], { name: 'gst-recv' });
    try {
      // Either join order makes the call (the second joiner's side offers).
      await chrome.goto(site, room);
      report('chromium->gst', run, await watchSender(chrome));
    } finally {
      await g.stop();
      await chrome.leave();
    }
    // Chromium -> Chromium, VP8 forced on both pages.
    room = randomRoom();
    await other.goto(site, room, { videoCodecs: 'vp8' });
    await waitFor(other, () => window.tc.state === 'waiting', { what: 'alone in the room' });
    await chrome.goto(site, room, { videoCodecs: 'vp8' });
    try {
      report('chromium->chromium', run, await watchSender(chrome));
    } finally {
      await Promise.all([chrome.leave(), other.leave()]);
    }
  }
} finally {
  await closeAll([chrome, other]);
  await site.stop();
}
