// demo_link.test.mjs - the browser link scripts/demo prints works in one
// click. The web root is laid out and served the way the demo does it
// (demo_page.mjs site DIR; tempchat-relay --listen 127.0.0.1 --port 0
// --web-root DIR), a gst sender joins a room on the demo's channel, and
// Chromium opens exactly the line `demo_page.mjs url` prints, with nothing
// added: the page must join that room and decode the sender's video.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { startRelay } from '../integration/relay_helpers.mjs';
import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import { closeAll, describe, launchPeer, randomRoom, waitFor } from './harness.mjs';

const T = { timeout: 90000, skip: GST_PLUGIN_DIR ? false : 'TC_GST_PLUGIN_DIR is not set' };
const DEMO_PAGE = join(dirname(fileURLToPath(import.meta.url)), 'demo_page.mjs');
const CHANNEL = 'demo';                 // scripts/demo's channel
const SENT = { width: 640, height: 360 };

let root;
let relay;
let chrome;
let g;

const demoPage = (...args) => execFileSync(process.execPath, [DEMO_PAGE, ...args],
  { encoding: 'utf8' }).trim();

before(async () => {
  if (!GST_PLUGIN_DIR) return;
  root = mkdtempSync(join(tmpdir(), 'tc-demo-web-'));
  demoPage('site', root);
  relay = await startRelay(['--listen', '127.0.0.1', '--web-root', root]);
  chrome = await launchPeer('C');
});

after(async () => {
  try {
    await g?.stop();
    await closeAll([chrome]);
  } finally {
    await relay?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  }
});

test('the printed link joins the demo call and shows the gst sender\'s video', T, async () => {
  const room = randomRoom();
  const link = demoPage('url', relay.url, room, CHANNEL);
  assert.equal(link, `http://127.0.0.1:${relay.port}/?signal=${relay.url}&channel=${CHANNEL}#${room}`);

  g = startGst([
    'videotestsrc', 'is-live=true', 'pattern=ball', '!',
    `video/x-raw,width=${SENT.width},height=${SENT.height},framerate=30/1`, '!',
    'tempchatsink', 'name=s', `room=${room}`, `signaling-url=${relay.url}`,
    `channel=${CHANNEL}`,
    'audiotestsrc', 'is-live=true', 'wave=ticks', '!', 's.audio',
  ], { name: 'gst-send' });
  await g.waitFor(/call state waiting/, 15000, 'alone in the room', { in: 'stderr' });

  await chrome.page.goto(link, { timeout: 15000 });
  try {
    const st = await waitFor(chrome, (want) => {
      const s = window.tc.stats();
      return s && s.framesDecoded > 0 && s.width === want.width && s.height === want.height && s;
    }, { what: `the sender's video decoded at ${SENT.width}x${SENT.height}`, timeout: 30000, arg: SENT });
    // Both sides with their defaults: the web client's first choice.
    assert.equal(st.codec, 'AV1');
    const grown = await waitFor(chrome, (n) => window.tc.framesDecoded() > n + 30 && window.tc.framesDecoded(),
      { what: 'frames still arriving', arg: st.framesDecoded, timeout: 20000 });
    assert.ok(grown > st.framesDecoded);
  } catch (e) {
    e.message += `\n${await describe(chrome)}\n${g.describe()}`;
    throw e;
  }
});
