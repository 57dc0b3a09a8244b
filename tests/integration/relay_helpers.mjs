// relay_helpers.mjs - start tempchat-relay and talk to it from Node tests.
//
// Every wait here is on an event and bounded by a timeout; nothing sleeps.
// Packages come from NODE_PATH (set by ctest to the test node_modules), which
// ES module imports ignore, hence createRequire.
import { deepStrictEqual as assertDeepEqual } from 'node:assert';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';

const require = createRequire(import.meta.url);
export const Scaledrone = require('scaledrone-node');
export const WebSocket = require('ws');
// The options object scaledrone-node passes to every `ws` it creates.
export const scaledroneWsOptions =
  require('scaledrone-node/config.js').websocketOptions;

export const RELAY = process.env.RELAY;
if (!RELAY) throw new Error('RELAY must name the tempchat-relay binary');

const LISTEN_LINE = /^tempchat-relay listening on (wss?:\/\/\S+)$/;

// Resolves with `promise`, or rejects after `ms` saying what was awaited.
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// The arguments of the next `event` on `emitter` (Backbone or Node style).
export function next(emitter, event, ms = 5000) {
  return within(ms, `'${event}'`, new Promise((resolve) => {
    const handler = (...args) => {
      off();
      resolve(args);
    };
    const off = () => (emitter.off ? emitter.off(event, handler)
                                   : emitter.removeListener(event, handler));
    emitter.on(event, handler);
  }));
}

// Starts the relay with `args` (plus --port 0) and waits for its listening
// line. `wrap` runs it through a command, e.g. ['ip', 'netns', 'exec', ns]
// (which execs it: the pid stays the relay's). Returns { proc, url, port,
// stderr(), exited, stop() }.
export async function startRelay(args = [], { env, wrap = [] } = {}) {
  const argv = [...wrap, RELAY, '--port', '0', ...args];
  const proc = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (chunk) => { stderr += chunk; });
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => resolve({ code, signal }));
  });
  const lines = createInterface({ input: proc.stdout });
  const url = await within(10000, 'the relay listening line', new Promise((resolve, reject) => {
    lines.on('line', (line) => {
      const m = LISTEN_LINE.exec(line);
      if (m) resolve(m[1]);
    });
    exited.then(({ code }) => reject(new Error(`relay exited (${code}): ${stderr}`)));
  }));
  const port = Number(new URL(url).port);
  return {
    proc,
    url,
    port,
    exited,
    stderr: () => stderr,
    // Teardown: SIGTERM, and the relay must exit 0 within 5 s: a clean
    // shutdown after every test, which is also when sanitizer builds report
    // leaks. SIGKILL if it hangs, so no relay outlives its test.
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const result = await within(5000, 'the relay to exit', exited).catch((err) => {
        proc.kill('SIGKILL');
        throw err;
      });
      if (result.code !== 0) {
        throw new Error(`relay exited with ${JSON.stringify(result)}:\n${stderr}`);
      }
    },
  };
}

// A raw websocket speaking JSON frames, with an inbox to await replies.
export class RawClient {
  constructor(url, options = {}) {
    this.ws = new WebSocket(url, options);
    this.inbox = [];
    this.waiters = [];
    this.ws.on('message', (data) => this.deliver(JSON.parse(data)));
    this.closed = new Promise((resolve) => {
      this.ws.on('close', (code, reason) => resolve({ code, reason: String(reason) }));
    });
    this.errored = new Promise((resolve) => this.ws.on('error', resolve));
  }

  static async connect(url, options) {
    const c = new RawClient(url, options);
    await within(5000, 'the websocket to open', Promise.race([
      next(c.ws, 'open'),
      c.errored.then((e) => { throw e; }),
    ]));
    return c;
  }

  deliver(msg) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(msg);
    else this.inbox.push(msg);
  }

  send(frame) {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  // The next message received, in order.
  next(ms = 5000) {
    if (this.inbox.length > 0) return Promise.resolve(this.inbox.shift());
    return within(ms, 'a message from the relay', new Promise((resolve) => this.waiters.push(resolve)));
  }

  // Sends a frame with a callback id and returns the reply to it.
  async request(frame, callback) {
    this.send({ ...frame, callback });
    const reply = await this.next();
    if (reply.callback !== callback) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    return reply;
  }

  async handshake(channel = 'test-channel') {
    const reply = await this.request({ type: 'handshake', channel, version: 2, client_data: null }, 0);
    if (reply.error) throw new Error(reply.error);
    return reply.client_id;
  }

  close() {
    this.ws.terminate();
  }
}

// A scaledrone-node client that has completed its handshake.
export async function openDrone(channel, url, options = {}) {
  const drone = new Scaledrone(channel, { url, ...options });
  // When the handshake is refused, scaledrone-node rejects these internal
  // promises and nothing handles them; Node's test runner would report that
  // as a failure of whichever test runs. The refusal itself still arrives
  // through the 'open' event checked below.
  for (const p of Object.values(drone.eventPromises)) p.catch(() => {});
  const [error] = await next(drone, 'open');
  if (error) throw error;
  return drone;
}

// Teardown for a scaledrone-node client: closes it and waits until the
// socket is closed. Reconnecting is switched off first: a relay killed
// mid-close would look like a dropped connection (1006), and the client's
// reconnect timers would keep the test process alive.
export async function closeDrone(drone) {
  drone.autoReconnect = false;
  const ws = drone.connection;
  if (ws.readyState === WebSocket.CLOSED) return;
  const closed = next(ws, 'close');
  drone.close();
  await closed;
}

// Subscribes `drone` to `room`; resolves with the 'members' list.
export async function joinRoom(drone, name) {
  const room = drone.subscribe(name);
  const members = next(room, 'members');
  const [error] = await next(room, 'open');
  if (error) throw error;
  return { room, members: (await members)[0] };
}

// A websocket opened by hand on a TCP socket, for what the `ws` client will
// not do (ignore pings, send hostile frames). Resolves once upgraded with
// the socket; `onFrame(opcode, payload)` hears every server frame (server
// frames are unmasked; lengths up to 16 bits are all the relay sends here).
export function rawWebsocket(port, onFrame) {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => {
      sock.write('GET /v3/websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n'
        + 'Upgrade: websocket\r\nConnection: Upgrade\r\n'
        + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\n`
        + 'Sec-WebSocket-Version: 13\r\n\r\n');
    });
    let buf = Buffer.alloc(0);
    let upgraded = false;
    sock.on('error', reject);
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        if (!buf.subarray(0, end).toString().startsWith('HTTP/1.1 101')) reject(new Error('no upgrade'));
        upgraded = true;
        buf = buf.subarray(end + 4);
        resolve(sock);
      }
      while (buf.length >= 2) {
        let len = buf[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        }
        if (buf.length < off + len) return;
        onFrame(buf[0] & 0x0f, buf.subarray(off, off + len));
        buf = buf.subarray(off + len);
      }
    });
  });
}

// Two scaledrone-node clients in one room, each publishing a numbered
// message every `everyMs`. stop() ends the talk and checks that each
// received every message of both, in order; it returns the longest gap
// (ms) between two deliveries at either client.
// `drones` lists both, for the caller's teardown.
export async function healthyRoom(url, everyMs = 20) {
  const ROOM = 'observable-healthy';
  const a = await openDrone('healthy', url);
  const b = await openDrone('healthy', url);
  const rooms = [(await joinRoom(a, ROOM)).room, (await joinRoom(b, ROOM)).room];
  const got = [[], []];
  const times = [[], []];
  rooms.forEach((room, i) => room.on('message', (m) => {
    got[i].push(`${m.clientId === a.clientId ? 'a' : 'b'}${m.data.n}`);
    times[i].push(performance.now());
  }));
  const sent = { a: 0, b: 0 };
  const timer = setInterval(() => {
    a.publish({ room: ROOM, message: { n: sent.a++ } });
    b.publish({ room: ROOM, message: { n: sent.b++ } });
  }, everyMs);
  return {
    drones: [a, b],
    async stop() {
      clearInterval(timer);
      const want = sent.a + sent.b;
      await within(10000, 'the last messages', Promise.all(rooms.map((room, i) => new Promise((resolve) => {
        const check = () => (got[i].length >= want ? resolve() : room.once('message', () => setImmediate(check)));
        check();
      }))));
      for (const list of got) {
        for (const who of ['a', 'b']) {
          const seq = list.filter((x) => x[0] === who).map((x) => Number(x.slice(1)));
          assertDeepEqual(seq, [...Array(sent[who]).keys()], `${who}'s messages, in order, none lost`);
        }
      }
      let gap = 0;
      for (const t of times) for (let i = 1; i < t.length; i++) gap = Math.max(gap, t[i] - t[i - 1]);
      return { gap, messages: want };
    },
  };
}

// What one test opens, closed after it whatever happened: make relays and
// drones through the scope and call `scope.close()` in afterEach.
export function testScope() {
  let relays = [];
  let drones = [];
  return {
    async relay(args, options) {
      const r = await startRelay(args, options);
      relays.push(r);
      return r;
    },
    async drone(channel, url, options) {
      const d = await openDrone(channel, url, options);
      drones.push(d);
      return d;
    },
    async close() {
      await Promise.all(drones.map(closeDrone));
      drones = [];
      await Promise.all(relays.map((r) => r.stop()));
      relays = [];
    },
  };
}
