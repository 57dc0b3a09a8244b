// gst_chromium_mdns.test.mjs - Chromium hiding its host address behind an
// mDNS name calls tempchatsink over host candidates, with nothing from the
// host's resolver (on this machine /etc/nsswitch.conf has no mdns).
//
// Two network namespaces of our own joined by a veth pair stand for a LAN:
// G holds the relay and gst-launch, C holds Chromium and a forwarder that
// serves the page on 127.0.0.1 from G's relay. Chromium has no camera
// permission (no fake UI, and the page asks for no camera: ?noCamera=1),
// so it names its host candidate "<uuid>.local" and answers for it with
// its own mDNS responder; C's default route points into the veth because
// without permission Chromium gathers only on the default route's
// interface. No STUN server: host candidates are all there is.
// Needs root (ip netns); skipped otherwise.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { within } from '../integration/relay_helpers.mjs';
import { GST_PLUGIN_DIR, startGst } from './gst.mjs';
import {
  CHROMIUM, CHROMIUM_ARGS, closeAll, launchPeer, randomRoom, startSite, waitFor,
} from './harness.mjs';

const isRoot = process.getuid && process.getuid() === 0;
const skip = !GST_PLUGIN_DIR ? 'TC_GST_PLUGIN_DIR is not set'
  : !isRoot ? 'needs root for ip netns' : false;
const T = { timeout: 90000, skip };
const CHANNEL = 'YOUR_CHANNEL_ID';   // the page's default (tempchat.js)
const NS_G = `tcmdns-g-${process.pid}`;
const NS_C = `tcmdns-c-${process.pid}`;
const G_ADDR = '10.213.0.1';
const C_ADDR = '10.213.0.2';
const inG = ['ip', 'netns', 'exec', NS_G];

let site;
let chrome;
let forwarder;
let gst;
let wrapperDir;

function ip(...args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

// Namespaces left by a run that was killed (its pid is in the name).
function removeStaleLans() {
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const [, name, pid] of list.matchAll(/^(tcmdns-[gc]-(\d+))/gm)) {
    if (!alive(Number(pid))) ip('netns', 'del', name);
  }
}

function makeLan() {
  removeStaleLans();
  ip('netns', 'add', NS_G);
  ip('netns', 'add', NS_C);
  // Created inside G, its peer moved to C: nothing touches the host's links.
  // Not named veth*: libnice skips interfaces named like container links.
  ip('-n', NS_G, 'link', 'add', 'lan-g', 'type', 'veth', 'peer', 'name', 'lan-c',
    'netns', NS_C);
  for (const [ns, dev, addr] of [[NS_G, 'lan-g', G_ADDR], [NS_C, 'lan-c', C_ADDR]]) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev);
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  ip('-n', NS_C, 'route', 'add', 'default', 'via', G_ADDR);
}

function removeLan() {
  for (const ns of [NS_C, NS_G]) {
    try { ip('netns', 'del', ns); } catch { /* never made */ }
  }
}

// 127.0.0.1:port in C -> G's relay, so the page is a secure context.
async function startForwarder(port) {
  const script = new URL('./tcp_forward.mjs', import.meta.url).pathname;
  const proc = spawn('ip', ['netns', 'exec', NS_C, process.execPath, script,
    String(port), G_ADDR, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  await within(10000, 'the forwarder', new Promise((resolve, reject) => {
    lines.on('line', (l) => { if (l === 'forwarding') resolve(); });
    proc.on('exit', (code) => reject(new Error(`forwarder exited (${code})`)));
  }));
  return proc;
}

// playwright-core starts this instead of Chromium: the same binary, in C.
function chromiumInC() {
  wrapperDir = mkdtempSync(join(tmpdir(), 'tc-mdns-'));
  const path = join(wrapperDir, 'chromium');
  writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${NS_C} ${CHROMIUM} "$@"\n`,
    { mode: 0o755 });
  return path;
}

before(async () => {
  if (skip) return;
  makeLan();
  // The relay listens on every address of G: gst reaches it on 127.0.0.1
  // (a ws:// URL elsewhere would be refused), the forwarder on G_ADDR.
  site = await startSite({ relayArgs: ['--listen', '0.0.0.0'], relayWrap: inG });
  forwarder = await startForwarder(site.relay.port);
  // No --use-fake-ui-for-media-stream: media permission stays denied.
  const args = CHROMIUM_ARGS.filter((a) => a !== '--use-fake-ui-for-media-stream');
  chrome = await launchPeer('C', { executablePath: chromiumInC(), args });
});

after(async () => {
  try {
    await gst?.stop();
    await closeAll([chrome]);
    forwarder?.kill('SIGTERM');
    await site?.stop();
  } finally {
    if (wrapperDir) rmSync(wrapperDir, { recursive: true, force: true });
    if (!skip) removeLan();
  }
});

test('Chromium with mDNS host candidates receives from tempchatsink', T, async () => {
  const nsswitch = readFileSync('/etc/nsswitch.conf', 'utf8');
  console.log(`host resolver: ${/^hosts:.*mdns/m.test(nsswitch) ? 'has' : 'has no'} mdns`);
  const room = randomRoom();
  const signal = `ws://127.0.0.1:${site.relay.port}/v3/websocket`;
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
  ], { name: 'sink', wrap: inG, debug: 'tempchat*:5' });

  await waitFor(chrome, () => window.tc.state === 'connected',
    { what: 'connected', timeout: 30000 })
    .catch((e) => { e.message += `\n${gst.describe()}`; throw e; });
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
