// harness.mjs - headless Chromium running the test page (tests/web/) against
// our relay.
//
//   const site = await startSite();              // relay + page on one port
//   const peer = await launchPeer('A');
//   await peer.goto(site, room, { quality: '720p' });
//   await waitFor(peer, () => window.tc.state === 'connected', { what: 'connected' });
//   await peer.close(); await site.stop();
//
// Each peer is its own Chromium (a persistent context on a fresh user data
// dir, removed on close) started from /usr/bin/chromium by playwright-core:
// nothing is downloaded. Every wait is bounded; nothing sleeps.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startRelay, within } from '../integration/relay_helpers.mjs';
import { buildSite } from './bundle.mjs';

const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

// shared/MACHINE-FACTS.md, Chromium; --user-data-dir comes from openPeer.
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

const CLOSE_TIMEOUT_MS = 10000;

// A random room hash like the page's own.
export function randomRoom() {
  return randomBytes(16).toString('hex');
}

// Builds the web root in a temp dir and serves it with the relay
// (--web-root): the page and the signaling share one origin.
// Returns { relay, root, pageUrl(room, params), stop() }.
// `relayWrap`: see startRelay.
export async function startSite({ relayArgs = [], relayWrap = [] } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'tc-web-'));
  try {
    await buildSite(root);
    const relay = await startRelay(['--web-root', root, ...relayArgs], { wrap: relayWrap });
    return {
      relay,
      root,
      pageUrl(room, params = {}) {
        const query = new URLSearchParams({ signal: relay.url, ...params });
        return `http://127.0.0.1:${relay.port}/?${query}#${room}`;
      },
      async stop() {
        try {
          await relay.stop();
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    throw err;
  }
}

// Starts a Chromium named `name` (prefix of its log lines). Returns
// { name, context, page, logs[], eval(fn, arg), goto(site, room, params),
// close() }; logs collects the page's console lines and errors. One Chromium
// can serve several tests: goto() loads the page afresh each time.
// `executablePath` and `args` replace CHROMIUM and CHROMIUM_ARGS.
export async function launchPeer(name = 'peer',
  { executablePath = CHROMIUM, args = CHROMIUM_ARGS } = {}) {
  const userDataDir = mkdtempSync(join(tmpdir(), 'tc-chromium-'));
  let context;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath,
      headless: true,
      args,
      timeout: 30000,
    });
  } catch (err) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw err;
  }
  const logs = [];
  const page = context.pages()[0] ?? await context.newPage();
  page.on('console', (msg) => logs.push(`[${name}] ${msg.type()}: ${msg.text()}`));
  page.on('pageerror', (err) => logs.push(`[${name}] pageerror: ${err.message}`));
  return {
    name,
    context,
    page,
    logs,
    eval: (fn, arg) => page.evaluate(fn, arg),
    // Opens the page in `room` (the URL hash) with query `params`. A blank
    // page first: a URL differing only in its hash would not reload.
    async goto(site, room, params = {}) {
      logs.length = 0;
      await page.goto('about:blank');
      await page.goto(site.pageUrl(room, params), { timeout: 15000 });
    },
    // Leaves the call: a blank page closes the page's connections.
    async leave() {
      await page.goto('about:blank');
    },
    async close() {
      try {
        await within(CLOSE_TIMEOUT_MS, `${name}'s Chromium to close`, context.close());
      } finally {
        rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      }
    },
  };
}

// What a failure message shows about a peer: its state and console log.
export async function describe(peer) {
  const state = await peer.eval(() => {
    const { tc } = window;
    return tc && {
      state: tc.state, role: tc.role, errors: tc.errors, iceRestarts: tc.iceRestarts,
      signaling: tc.pc && tc.pc.signalingState, ice: tc.pc && tc.pc.iceConnectionState,
      gathering: tc.iceGathering, sent: tc.localCandidates, received: tc.remoteCandidates,
      stats: tc.stats(), remoteVideoSize: tc.remoteVideoSize(),
    };
  }).catch((err) => `(page unreachable: ${err.message})`);
  return `${peer.name}: ${JSON.stringify(state)}\n${peer.logs.join('\n')}`;
}

// Polls `predicate(arg)` in the page every 100 ms until it returns a truthy
// value, which is returned (JSON). Fails after `timeout` ms with the peer's
// state and log, or as soon as the page reports an error.
export async function waitFor(peer, predicate, { timeout = 15000, what = 'a condition', arg } = {}) {
  const guarded = ({ source, arg: value }) => {
    const { tc } = window;
    if (tc && tc.errors.length > 0) return { pageError: tc.errors };
    // eslint-disable-next-line no-eval
    const result = (0, eval)(`(${source})`)(value);
    return result ? { value: result } : false;
  };
  let result;
  try {
    const handle = await peer.page.waitForFunction(guarded, { source: String(predicate), arg },
      { timeout, polling: 100 });
    result = await handle.jsonValue();
  } catch (err) {
    throw new Error(`${peer.name}: ${what}: ${err.message.split('\n')[0]}\n${await describe(peer)}`);
  }
  if (result.pageError) {
    throw new Error(`${peer.name}: page error while waiting for ${what}\n${await describe(peer)}`);
  }
  return result.value;
}

// Opens the page in `room` on every peer with ?hold=1 (handshake done, room
// not joined yet); `params[i]` are peer i's extra query parameters. Returns
// their client ids, in order.
export async function holdInRoom(site, room, peers, params = []) {
  await Promise.all(peers.map((p, i) => p.goto(site, room, { hold: '1', ...params[i] })));
  return Promise.all(peers.map((p) => waitFor(p, () => window.tc.clientId,
    { what: 'the ScaleDrone handshake' })));
}

// Joins the held pages one after the other: `first` is alone in the room
// before `second` joins.
export async function joinInOrder(first, second) {
  await first.eval(() => window.tc.join());
  await waitFor(first, () => window.tc.state === 'waiting', { what: 'alone in the room' });
  await second.eval(() => window.tc.join());
}

// waitFor on every peer at once; a failure shows every peer's state and log,
// since the cause is often on the other side.
export async function waitForAll(peers, predicate, options = {}) {
  try {
    return await Promise.all(peers.map((p) => waitFor(p, predicate, options)));
  } catch (err) {
    const others = await Promise.all(peers.map(describe));
    err.message = `${err.message.split('\n')[0]}\n${others.join('\n')}`;
    throw err;
  }
}

// Closes every peer, even when some fail to close; rethrows the first error.
export async function closeAll(peers) {
  const results = await Promise.allSettled(peers.filter(Boolean).map((p) => p.close()));
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}

// Starts several things at once (sites, coturns, Chromiums: anything with a
// stop() or close()) and returns them all, or, when one fails, stops those
// that did start and throws the first failure. With a bare Promise.all the
// started ones would be lost to the test's after() hook, and their child
// processes would keep node running until ctest's timeout.
export async function startAll(starters) {
  const results = await Promise.allSettled(starters.map((start) => start()));
  const failed = results.find((r) => r.status === 'rejected');
  if (!failed) return results.map((r) => r.value);
  await Promise.allSettled(results.filter((r) => r.status === 'fulfilled')
    .map(({ value }) => (value.stop ? value.stop() : value.close())));
  throw failed.reason;
}

// Waits until `receiver` (a page, or anything with a `decoded()` giving
// {framesDecoded, width, height}) shows the video `sender` (a page) sends,
// at `camera` size, or at the lower size the sender chose by itself:
// - 'cpu': its encoder lacks CPU (as under ASan on two cores);
// - 'bandwidth' while its send estimate is at least FULL_SIZE_KBPS: then
//   the estimate our feedback gave is not what holds it down. Chromium's
//   VP8 start-up and QP-based scaling report 'bandwidth' and can keep
//   960x540 for 15 s and more with a 2-6 Mbit/s estimate, towards another
//   Chromium as towards us (bench/results/chromium_send_size.txt).
// The decoded size must then be what it sends, and the test says so. A
// size lowered for 'bandwidth' under a lower estimate (or for no reason)
// fails: the bandwidth hints and our feedback are what should give full
// size. Returns the receiver's last reading.
const FULL_SIZE_KBPS = 1500;

export async function waitForSenderSize(receiver, sender, camera, { timeout = 25000 } = {}) {
  const deadline = Date.now() + timeout;
  const same = (a, b) => a && b && a.width === b.width && a.height === b.height;
  const ownChoice = (sent) => sent?.sendLimit === 'cpu'
    || (sent?.sendLimit === 'bandwidth' && sent.sendEstimateKbps >= FULL_SIZE_KBPS);
  let seen;
  let sent;
  for (;;) {
    [seen, sent] = await Promise.all([receiver.decoded(), sender.eval(() => window.tc.stats())]);
    const sendSize = sent && { width: sent.sendWidth, height: sent.sendHeight };
    if (seen && seen.framesDecoded > 0) {
      if (same(seen, camera)) return seen;
      if (ownChoice(sent) && same(seen, sendSize) && !same(sendSize, camera)) {
        console.log(`${sender.name} sends ${sendSize.width}x${sendSize.height}: Chromium's own `
          + `choice (qualityLimitationReason ${sent.sendLimit}, estimate ${sent.sendEstimateKbps} kbps)`);
        return seen;
      }
    }
    if (Date.now() > deadline) {
      throw new Error(`video from ${sender.name} not decoded at ${camera.width}x${camera.height} `
        + `within ${timeout} ms: decoded ${JSON.stringify(seen)}, sender sends `
        + `${sent?.sendWidth}x${sent?.sendHeight} (qualityLimitationReason ${sent?.sendLimit}, `
        + `estimate ${sent?.sendEstimateKbps} kbps)`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

// A page as a receiver for waitForSenderSize: what its stats and its
// <video> element show (both must agree on the size).
export function pageReceiver(peer) {
  return {
    decoded: () => peer.eval(() => {
      const s = window.tc.stats();
      const v = window.tc.remoteVideoSize();
      const agree = s && s.width === v.width && s.height === v.height;
      return s && { ...s, framesDecoded: agree ? s.framesDecoded : 0 };
    }),
  };
}
