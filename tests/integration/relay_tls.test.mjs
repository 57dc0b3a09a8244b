// relay_tls.test.mjs - wss:// and https:// with --cert/--key.
//
// A throwaway self-signed certificate for 127.0.0.1 is made with openssl in
// a temporary directory. The client trusts exactly that certificate (the
// `ca` option of the ws package, through scaledrone-node's own options), so
// the test also proves the relay presents it correctly: no verification is
// switched off.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import {
  Scaledrone, closeDrone, joinRoom, next, openDrone, scaledroneWsOptions, startRelay, within,
} from './relay_helpers.mjs';

const T = { timeout: 30000 };
const OPENSSL = process.env.OPENSSL || 'openssl';

let dir;
let cert;
let relay;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-tls-'));
  execFileSync(OPENSSL, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
    '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
  ], { stdio: 'ignore' });
  cert = readFileSync(join(dir, 'cert.pem'));
  writeFileSync(join(dir, 'index.html'), '<p>secure</p>\n');
  relay = await startRelay(['--cert', join(dir, 'cert.pem'), '--key', join(dir, 'key.pem'),
                            '--web-root', dir]);
});

after(async () => {
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the listening line announces a wss:// URL', T, () => {
  assert.match(relay.url, /^wss:\/\/127\.0\.0\.1:\d+\/v3\/websocket$/);
});

test('scaledrone-node connects over wss and meets another client', T, async () => {
  scaledroneWsOptions.ca = cert;
  const a = await openDrone('tls-channel', relay.url);
  const b = await openDrone('tls-channel', relay.url);
  try {
    const { room } = await joinRoom(a, 'observable-tls');
    const joined = next(room, 'member_join');
    await joinRoom(b, 'observable-tls');
    assert.equal((await joined)[0].id, b.clientId);
    const got = next(room, 'message');
    b.publish({ room: 'observable-tls', message: { over: 'tls' } });
    const [msg] = await got;
    assert.deepEqual(msg.data, { over: 'tls' });
    assert.equal(msg.clientId, b.clientId);
  } finally {
    await Promise.all([closeDrone(a), closeDrone(b)]);
    delete scaledroneWsOptions.ca;
  }
});

test('a client that does not trust the certificate is refused', T, async () => {
  const drone = new Scaledrone('tls-channel', { url: relay.url, autoReconnect: false });
  const [err] = await next(drone, 'error');
  assert.match(String(err?.message ?? err), /self[- ]signed|certificate/i);
});

test('the web root is served over https on the same port', T, async () => {
  const body = await within(5000, 'the https response', new Promise((resolve, reject) => {
    get(`https://127.0.0.1:${relay.port}/`, { ca: cert }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text }));
    }).on('error', reject);
  }));
  assert.deepEqual(body, { status: 200, text: '<p>secure</p>\n' });
});
