// relay_auth.test.mjs - ScaleDrone JWT authentication with the real
// client's authenticate() call: with --jwt-secret a client needs a valid
// token (HS256, its own client id, the channel, not expired) whose
// permissions allow the room before it may subscribe or publish.
//
// Run by ctest as integration/relay_auth with RELAY=<binary> and
// NODE_PATH=<test node_modules>.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';

import { joinRoom, next, testScope } from './relay_helpers.mjs';

const T = { timeout: 30000 };
const SECRET = 'test-secret-not-for-production';
const CHANNEL = 'auth-channel';
const scope = testScope();
let relay;

afterEach(() => scope.close());

const b64url = (data) => Buffer.from(data).toString('base64url');

// A token as ScaleDrone's docs describe it; `over` changes claims.
function token(clientId, over = {}, secret = SECRET) {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify({
    client: clientId,
    channel: CHANNEL,
    permissions: { '^observable-ok$': { publish: true, subscribe: true },
                   '^observable-read$': { subscribe: true, publish: false } },
    exp: Math.floor(Date.now() / 1000) + 60,
    ...over,
  }));
  const sig = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${sig}`;
}

const drone = () => scope.drone(CHANNEL, relay.url);

// drone.authenticate(t) -> the error it reports, or null.
async function authenticate(d, t) {
  const done = next(d, 'authenticate');
  d.authenticate(t);
  const [error] = await done;
  return error ?? null;
}

async function subscribeError(d, room) {
  const r = d.subscribe(room);
  const [error] = await next(r, 'open');
  return error ?? null;
}

test('a valid token lets the client into the rooms it permits, and no others', T, async () => {
  relay = await scope.relay(['--jwt-secret', SECRET]);
  const d = await drone();
  assert.equal(await authenticate(d, token(d.clientId)), null);
  const { room } = await joinRoom(d, 'observable-ok');
  const echo = next(room, 'message');
  d.publish({ room: 'observable-ok', message: 'allowed' });
  assert.equal((await echo)[0].data, 'allowed');

  assert.match((await subscribeError(d, 'observable-other'))?.message ?? '', /Not permitted to subscribe/);
  // Subscribe-only room: joining works, publishing is refused.
  assert.equal(await subscribeError(d, 'observable-read'), null);
  const refused = next(d, 'error');
  d.publish({ room: 'observable-read', message: 'not allowed' });
  assert.match((await refused)[0].message, /Not permitted to publish/);
});

test('wrong signature, expired, wrong client, wrong channel and "none" tokens are refused', T, async () => {
  relay = await scope.relay(['--jwt-secret', SECRET]);
  const d = await drone();
  const noneToken = [b64url('{"alg":"none","typ":"JWT"}'), token(d.clientId).split('.')[1], ''].join('.');
  const cases = [
    [token(d.clientId, {}, 'wrong-secret'), /signature is invalid/],
    [token(d.clientId, { exp: Math.floor(Date.now() / 1000) - 1 }), /expired/],
    [token('someone-else-1234'), /another client/],
    [token(d.clientId, { channel: 'other-channel' }), /another channel/],
    [noneToken, /HS256/],
    ['not-a-token', /not a valid JSON Web Token/],
  ];
  for (const [t, want] of cases) {
    const error = await authenticate(d, t);
    assert.ok(error instanceof Error, `refused: ${want}`);
    assert.match(error.message, want);
  }
  // None of them let it in.
  assert.match((await subscribeError(d, 'observable-ok'))?.message ?? '', /Authenticate first/);
});

test("the token's data claim is the client's data in observable rooms", T, async () => {
  relay = await scope.relay(['--jwt-secret', SECRET]);
  const d = await drone();
  assert.equal(await authenticate(d, token(d.clientId, { data: { name: 'from-token' } })), null);
  const { members } = await joinRoom(d, 'observable-ok');
  assert.deepEqual(members.map((m) => m.clientData), [{ name: 'from-token' }]);
});

test('without a token nothing may be subscribed to', T, async () => {
  relay = await scope.relay(['--jwt-secret', SECRET]);
  const d = await drone();
  assert.match((await subscribeError(d, 'observable-ok'))?.message ?? '', /Authenticate first/);
});

test('--jwt-secret-file reads the secret; the secret never reaches the log', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'relay-auth-'));
  try {
    const file = join(dir, 'secret');
    writeFileSync(file, `${SECRET}\n`, { mode: 0o600 });
    relay = await scope.relay(['--jwt-secret-file', file, '--verbose']);
    const d = await drone();
    const t = token(d.clientId);
    assert.equal(await authenticate(d, t), null);
    await joinRoom(d, 'observable-ok');
    assert.ok(!relay.stderr().includes(SECRET));
    assert.ok(!relay.stderr().includes(t));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('without --jwt-secret, rooms are open as before and authenticate is refused', T, async () => {
  relay = await scope.relay([]);
  const d = await drone();
  await joinRoom(d, 'observable-anything');
  assert.match((await authenticate(d, token(d.clientId)))?.message ?? '', /not enabled/);
});
