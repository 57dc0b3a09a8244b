// bench/chromium_loss.mjs - the baseline of bench/gst_loss.sh: two headless
// Chromiums running the TempChat test page call each other across the same
// two network namespaces, with the same random loss both ways. Started by
// bench/chromium_loss.sh (which makes the namespaces, the relay serving
// the page in B, and a loopback forwarder in each namespace so the page is
// a secure context at 127.0.0.1).
//
// Env: PAGE (the page URL at 127.0.0.1 without the room), WRAP_A, WRAP_B
// (executables running Chromium in each namespace), NS_A, NS_B, LOSS (%),
// SECONDS. Prints METRIC lines for B's receiving side (A sends) and both
// peers' ICE states, in the format of tests/integration/gst_loss.sh.
import { execFileSync } from 'node:child_process';

import { call, closeAll, launch, wait } from './chromium_pages.mjs';

const { NS_A, NS_B } = process.env;
const LOSS = Number(process.env.LOSS);
const SECONDS = Number(process.env.SECONDS_LOSS);

function loss(on) {
  for (const ns of [NS_A, NS_B]) {
    const input = on ? `table inet tcloss {\n chain input {\n`
      + ` type filter hook input priority 0; policy accept;\n`
      + ` meta l4proto udp numgen random mod 100 < ${LOSS} drop\n }\n}\n`
      : 'delete table inet tcloss\n';
    execFileSync('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input });
  }
}

// What a user would see, from getStats: inbound video at the receiver,
// outbound video at the sender, the ICE state.
const sample = () => window.tc.pc.getStats().then((report) => {
  const out = { ice: window.tc.pc.iceConnectionState };
  report.forEach((r) => {
    if (r.type === 'inbound-rtp' && r.kind === 'video') {
      Object.assign(out, { decoded: r.framesDecoded, freezes: r.freezeCount,
        freezeS: r.totalFreezesDuration, nacks: r.nackCount, plis: r.pliCount });
    } else if (r.type === 'outbound-rtp' && r.kind === 'video') {
      Object.assign(out, { encoded: r.framesEncoded, rtx: r.retransmittedPacketsSent,
        nacksIn: r.nackCount, plisIn: r.pliCount });
    } else if (r.type === 'candidate-pair' && r.nominated && r.availableOutgoingBitrate) {
      out.bwe = r.availableOutgoingBitrate;
    }
  });
  return out;
});

const a = await launch(process.env.WRAP_A);
const b = await launch(process.env.WRAP_B);
try {
  await call(a, b);
  await wait(5000);                      // the lossless reference
  loss(true);
  const s0 = { a: await a.page.evaluate(sample), b: await b.page.evaluate(sample) };
  let notConnected = 0;
  let bwe = 0;
  for (let i = 0; i < SECONDS; i++) {   // one sample a second: the pacing
    await wait(1000);
    const [sa, sb] = [await a.page.evaluate(sample), await b.page.evaluate(sample)];
    notConnected += [sa, sb].filter((s) => !['connected', 'completed'].includes(s.ice)).length;
    bwe += sa.bwe || 0;
  }
  const s1 = { a: await a.page.evaluate(sample), b: await b.page.evaluate(sample) };
  loss(false);
  await wait(5000);
  const s2 = { b: await b.page.evaluate(sample) };
  const sent = s1.a.encoded - s0.a.encoded;
  const decoded = s1.b.decoded - s0.b.decoded;
  const m = (k, v) => console.log(`METRIC chromium-loss${LOSS}-${k}=${v}`);
  m('frames-sent', `${sent} decoded=${decoded}`);
  m('frames-decoded-pct', Math.floor((100 * decoded) / Math.max(sent, 1)));
  m('freezes', `${s1.b.freezes - s0.b.freezes} freeze-s=${(s1.b.freezeS - s0.b.freezeS).toFixed(2)}`);
  m('not-connected-reports', notConnected);
  m('sender-bwe-bps', Math.round(bwe / SECONDS));
  m('nacks-sent', `${s1.b.nacks - s0.b.nacks} rtx-sent=${s1.a.rtx - s0.a.rtx}`);
  m('plis-sent', s1.b.plis - s0.b.plis);
  m('media-after', s2.b.decoded > s1.b.decoded ? 'yes' : 'no');
} finally {
  await closeAll([a, b]);
}
