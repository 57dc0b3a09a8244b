// chromium_gst_layers.test.mjs - the page's L1T3 (the web client's
// scalabilityMode) as tempchatsrc reads it from the wire: AV1 from the
// dependency descriptor, VP9 and VP8 from their payload descriptors, each
// received frame's TempchatLayerMeta naming its temporal id. tc-gst-stages
// prints "tid N" for each frame through the identity named "tids".
// Chromium 156 does not offer the dependency descriptor itself (it takes
// it in our offer): when the page offers, its AV1 carries no layer
// information at all, and no frame may then claim one.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import { closeAll, describe, launchPeer, randomRoom, startSite, waitFor } from './harness.mjs';

const T = {
  timeout: 60000,
  skip: GST_PLUGIN_DIR && process.env.TC_GST_STAGES ? false : 'TC_GST_PLUGIN_DIR or TC_GST_STAGES is not set',
};
const CHANNEL = 'YOUR_CHANNEL_ID';  // the page's default ScaleDrone channel
const FRAMES = 24;                   // temporal ids to read once L1T3 is on
const PATTERN = '0 2 1 2 0 2 1 2';

let site;
let chrome;

before(async () => {
  if (T.skip) return;
  site = await startSite();
  chrome = await launchPeer('C');
});

after(async () => {
  await closeAll([chrome]);
  await site?.stop();
});

const tids = (g) => [...g.stdout().matchAll(/^tid (\S+)$/gm)].map((m) => m[1]);

for (const codec of ['AV1', 'VP9', 'VP8']) {
  test(`the page's ${codec} L1T3 reaches tempchatsrc with TIDs ${PATTERN}`, T, async () => {
    const room = randomRoom();
    const g = startGst([`tempchatsrc name=t room=${room} signaling-url=${site.relay.url} `
      + `channel=${CHANNEL} video-codecs=${codec.toLowerCase()} decode=false `
      + 't.video_0 ! queue ! identity name=tids ! fakesink sync=false '
      + 't.audio_0 ! queue ! fakesink sync=false'], { name: 'gst-recv', stages: true });
    try {
      await chrome.goto(site, room, { videoCodecs: codec.toLowerCase() });
      await waitFor(chrome, () => window.tc.state === 'connected', { what: 'connected', timeout: 20000 });
      const st = await waitFor(chrome, () => {
        const s = window.tc.stats();
        return s && s.scalabilityMode === 'L1T3' && s.sendCodec && s;
      }, { what: 'the page sending L1T3', timeout: 20000 });
      assert.equal(st.sendCodec, codec);
      const pageOffered = await chrome.eval(() => window.tc.role) === 'offerer';
      const from = tids(g).length;
      await g.until(() => tids(g).length >= from + FRAMES, 20000, `${FRAMES} more frames`);
      const seen = tids(g).slice(from, from + FRAMES).join(' ');
      console.log(`${codec}: TIDs ${seen} (${pageOffered ? 'the page' : 'we'} offered)`);
      if (codec === 'AV1' && pageOffered) {
        assert.equal(seen, Array(FRAMES).fill('-').join(' '), `${codec}: TIDs ${seen}`);
      } else {
        assert.ok(seen.includes(PATTERN), `${codec}: TIDs ${seen}`);
      }
    } catch (e) {
      e.message += `\n${g.describe()}\n${await describe(chrome)}`;
      throw e;
    } finally {
      await g.stop();
      await chrome.leave();
    }
  });
}
