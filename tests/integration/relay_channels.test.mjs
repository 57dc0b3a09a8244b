// relay_channels.test.mjs - rooms belong to their channel: two apps on one
// relay that happen to use the same room name never see each other.
//
// Run by ctest as integration/relay_channels with RELAY=<binary> and
// NODE_PATH=<test node_modules>.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';

import { closeDrone, joinRoom, next, testScope, within } from './relay_helpers.mjs';

const T = { timeout: 30000 };
const scope = testScope();
let relay;

afterEach(() => scope.close());

const drone = (channel) => scope.drone(channel, relay.url);

test('two channels with the same room name share no members and no messages', T, async () => {
  relay = await scope.relay([]);
  const a = await drone('app-one');
  const b = await drone('app-two');
  const { room: roomA, members: membersA } = await joinRoom(a, 'observable-lobby');
  const seenByA = [];
  roomA.on('member_join', (m) => seenByA.push(`join ${m.id}`));
  roomA.on('message', (m) => seenByA.push(`message ${JSON.stringify(m.data)}`));
  const { room: roomB, members: membersB } = await joinRoom(b, 'observable-lobby');
  assert.deepEqual(membersA.map((m) => m.id), [a.clientId]);
  assert.deepEqual(membersB.map((m) => m.id), [b.clientId]);

  // b publishes and gets its own echo; a third client on a's channel then
  // joins and publishes, which a must see: a has been listening all along,
  // so anything of b's would have arrived before it.
  const echo = next(roomB, 'message');
  b.publish({ room: 'observable-lobby', message: 'from app-two' });
  assert.equal((await echo)[0].data, 'from app-two');
  const c = await drone('app-one');
  const cMessage = next(roomA, 'message');
  const { members: membersC } = await joinRoom(c, 'observable-lobby');
  assert.deepEqual(membersC.map((m) => m.id), [a.clientId, c.clientId]);
  c.publish({ room: 'observable-lobby', message: 'from app-one' });
  await within(5000, "c's message", cMessage);
  assert.deepEqual(seenByA, [`join ${c.clientId}`, 'message "from app-one"']);

  // And leaving is announced only in one's own channel.
  const bLeft = [];
  roomA.on('member_leave', (m) => bLeft.push(m.id));
  const cLeft = next(roomA, 'member_leave');
  await closeDrone(b);
  await closeDrone(c);
  assert.equal((await cLeft)[0].id, c.clientId);
  assert.deepEqual(bLeft, [c.clientId]);
});
