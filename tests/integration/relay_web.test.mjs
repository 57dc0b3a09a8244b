// relay_web.test.mjs - --web-root: a self-hoster runs one program that
// serves the web page and the relay on the same port.
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { closeDrone, joinRoom, openDrone, startRelay } from './relay_helpers.mjs';

const T = { timeout: 30000 };
const INDEX = '<!doctype html><title>TempChat</title><p>hello from the relay</p>\n';

let dir;
let relay;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'relay-web-'));
  writeFileSync(join(dir, 'index.html'), INDEX);
  mkdirSync(join(dir, 'js'));
  writeFileSync(join(dir, 'js', 'app.js'), 'console.log("app");\n');
  relay = await startRelay(['--web-root', dir]);
});

after(async () => {
  await relay?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function httpUrl(path) {
  return `http://127.0.0.1:${relay.port}${path}`;
}

test('the index page is served at / and /index.html', T, async () => {
  for (const path of ['/', '/index.html']) {
    const res = await fetch(httpUrl(path));
    assert.equal(res.status, 200, path);
    assert.match(res.headers.get('content-type'), /text\/html/);
    assert.equal(await res.text(), INDEX);
  }
});

test('other files under the web root are served with their type', T, async () => {
  const res = await fetch(httpUrl('/js/app.js'));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /javascript/);
  assert.equal(await res.text(), 'console.log("app");\n');
});

test('missing files are 404 and nothing outside the web root is reachable', T, async () => {
  assert.equal((await fetch(httpUrl('/missing.html'))).status, 404);
  const escape = await fetch(httpUrl('/../../../../etc/passwd'));
  assert.notEqual(await escape.text().then((t) => t.includes('root:')), true);
});

test('the websocket relay works on the same port', T, async () => {
  const drone = await openDrone('web-channel', relay.url);
  try {
    const { members } = await joinRoom(drone, 'observable-web');
    assert.deepEqual(members.map((m) => m.id), [drone.clientId]);
  } finally {
    await closeDrone(drone);
  }
});

test('without --web-root plain HTTP requests get 404', T, async () => {
  const bare = await startRelay([]);
  try {
    const res = await fetch(`http://127.0.0.1:${bare.port}/`);
    assert.equal(res.status, 404);
    await res.arrayBuffer();
  } finally {
    await bare.stop();
  }
});
