// chromium_turn.test.mjs - the TempChat test page in relay-only mode: both
// Chromiums reach each other only through a loopback coturn, with REST
// credentials the page computes from the TURN secret as the web client does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startCoturn } from './coturn.mjs';
import {
  closeAll, holdInRoom, joinInOrder, launchPeer, randomRoom, startAll, startSite, waitFor,
  waitForAll,
} from './harness.mjs';

const T = { timeout: 60000 };

let site;
let turn;
let a;
let b;

before(async () => {
  [site, turn] = await startAll([startSite, () => startCoturn()]);
  [a, b] = await startAll([() => launchPeer('A'), () => launchPeer('B')]);
});

after(async () => {
  try {
    await closeAll([a, b]);
  } finally {
    await Promise.allSettled([site?.stop(), turn?.stop()]);
  }
});

const relayOnly = (secret) => ({ turn: turn.url, turnSecret: secret, relayOnly: '1' });

test('relay-only pages call each other through coturn and the stats say relay', T, async () => {
  const room = randomRoom();
  await holdInRoom(site, room, [a, b], [relayOnly(turn.secret), relayOnly(turn.secret)]);
  await joinInOrder(a, b);
  for (const p of [a, b]) {
    const s = await waitFor(p, () => {
      const st = window.tc.state === 'connected' && window.tc.stats();
      return st && st.framesDecoded > 10 && st.audioPackets > 10 && st;
    }, { what: 'media through the TURN relay', timeout: 25000 });
    assert.equal(s.path, 'relay', `${p.name}: stats path`);
    assert.equal(s.localCandidateType, 'relay', `${p.name}: local candidate`);
    assert.equal(s.remoteCandidateType, 'relay', `${p.name}: remote candidate`);
    const sent = await p.eval(() => window.tc.localCandidates);
    assert.deepEqual(Object.keys(sent), ['relay'], `${p.name}: only relay candidates leave the page`);
  }
  await Promise.all([a.leave(), b.leave()]);
});

test('a wrong TURN secret gathers no candidate and never connects', T, async () => {
  const room = randomRoom();
  const wrong = relayOnly(`${turn.secret}x`);
  await holdInRoom(site, room, [a, b], [wrong, wrong]);
  await joinInOrder(a, b);
  // The offerer gathers right after its offer; coturn refuses the
  // allocation, so gathering completes with nothing to send.
  const roleA = await waitFor(a, () => window.tc.role, { what: 'a role' });
  const offerer = roleA === 'offerer' ? a : b;
  await waitFor(offerer, () => window.tc.iceGathering === 'complete',
    { what: 'ICE gathering to give up' });
  assert.deepEqual(await offerer.eval(() => window.tc.localCandidates), {});
  assert.notEqual(await offerer.eval(() => window.tc.state), 'connected');
  await Promise.all([a.leave(), b.leave()]);
});

test('the offerer restarts ICE when the TURN server goes away and comes back', T, async () => {
  const room = randomRoom();
  await holdInRoom(site, room, [a, b], [relayOnly(turn.secret), relayOnly(turn.secret)]);
  await joinInOrder(a, b);
  const before = await waitForAll([a, b], () => window.tc.state === 'connected'
    && window.tc.framesDecoded() > 10 && window.tc.framesDecoded(),
  { what: 'media through the TURN relay', timeout: 25000 });
  const roleA = await a.eval(() => window.tc.role);
  const [offerer, answerer] = roleA === 'offerer' ? [a, b] : [b, a];

  // Every allocation dies with the server; a new one on the same port and
  // secret is there for the offerer's ICE restart to find.
  const { port, secret } = turn;
  await turn.stop();
  turn = await startCoturn({ port, secret });

  await waitFor(offerer, () => window.tc.iceRestarts >= 1, { what: 'an ICE restart', timeout: 20000 });
  assert.equal(await answerer.eval(() => window.tc.iceRestarts), 0, 'only the offerer restarts');
  await waitForAll([a, b], (min) => window.tc.state === 'connected'
    && window.tc.stats().path === 'relay' && window.tc.framesDecoded() > min,
  { what: 'media again after the restart', timeout: 20000, arg: Math.max(...before) + 20 });
  await Promise.all([a.leave(), b.leave()]);
});
