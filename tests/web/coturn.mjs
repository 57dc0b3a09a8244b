// coturn.mjs - a throwaway coturn (turnserver) on 127.0.0.1 for browser tests,
// with REST credentials from a static auth secret (shared/MACHINE-FACTS.md).
//
//   const turn = await startCoturn();   // { url, port, secret, log(), stop() }
//   const turn = await startCoturn({ tls: true });
//     // also a TLS listener with a throwaway self-signed certificate for
//     // localhost: { turnsUrl, caFile, ... }
//
// Readiness is a STUN Binding answered on the listening port (and a TCP
// connection accepted on the TLS port), not a sleep.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createConnection, createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { within } from '../integration/relay_helpers.mjs';

export const TURNSERVER = process.env.TURNSERVER || 'turnserver';

const STUN_MAGIC = 0x2112a442;

// Why coturn sometimes "did not answer": it had never bound its port. A
// port found free in the kernel's ephemeral range (ip_local_port_range) can
// be handed to any other process's socket (Chromium, libnice, a parallel
// test) before coturn binds it, and coturn then retries its bind forever
// without a word on the STUN port. So ports are chosen below that range,
// where only an explicit bind can take them, free for UDP and TCP alike
// (coturn listens on both), and a failed bind in coturn's log ends the wait
// at once (startCoturn below).
function ephemeralLow() {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim().split(/\s+/).map(Number);
    if (low > 11000) return low;
  } catch { /* not Linux: the IANA range */ }
  return 49152;
}

async function bindable(port) {
  const udp = createSocket('udp4');
  const tcp = createServer();
  try {
    await new Promise((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, '127.0.0.1', resolve);
    });
    return true;
  } catch {
    return false;
  } finally {
    await new Promise((resolve) => udp.close(() => resolve()));
    if (tcp.listening) await new Promise((resolve) => tcp.close(resolve));
  }
}

// A port free for UDP and TCP on 127.0.0.1, outside the ephemeral range.
async function freePort() {
  const low = ephemeralLow();
  for (let i = 0; i < 100; i++) {
    const port = 10000 + Math.floor(Math.random() * (low - 10000));
    if (await bindable(port)) return port;
  }
  throw new Error('no free port below the ephemeral range');
}

// Resolves once a STUN Binding request to 127.0.0.1:port gets a success
// response; asks again every 100 ms.
async function stunAnswers(port, ms) {
  const sock = createSocket('udp4');
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0);          // Binding request, no attributes
  request.writeUInt32BE(STUN_MAGIC, 4);
  randomBytes(12).copy(request, 8);          // transaction id
  let timer;
  try {
    await within(ms, `coturn to answer STUN on port ${port}`, new Promise((resolve) => {
      sock.on('message', (msg) => {
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101
            && msg.subarray(8, 20).equals(request.subarray(8, 20))) resolve();
      });
      sock.on('error', () => {});            // ICMP port unreachable before it listens
      const ask = () => sock.send(request, port, '127.0.0.1');
      timer = setInterval(ask, 100);
      ask();
    }));
  } finally {
    clearInterval(timer);
    sock.close();
  }
}

// Resolves once 127.0.0.1:port accepts a TCP connection; tries again every
// 100 ms.
async function tcpAccepts(port, ms) {
  let timer;
  try {
    await within(ms, `coturn to accept TCP on port ${port}`, new Promise((resolve) => {
      const tryOnce = () => {
        const c = createConnection({ host: '127.0.0.1', port });
        c.once('connect', () => { c.destroy(); resolve(); });
        c.once('error', () => { c.destroy(); timer = setTimeout(tryOnce, 100); });
      };
      tryOnce();
    }));
  } finally {
    clearTimeout(timer);
  }
}

// A self-signed certificate for localhost and 127.0.0.1 in dir.
function makeCertificate(dir) {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec',
    '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr || r.error}`);
  return { cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
}

// `port` and `secret` may be given to start one again where a stopped one was.
export async function startCoturn({ secret = randomBytes(16).toString('hex'), port, tls = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tc-coturn-'));
  port ??= await freePort();
  let tlsArgs = ['--no-tls'];
  let tlsPort;
  let pem;
  if (tls) {
    try {
      pem = makeCertificate(dir);
    } catch (err) {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
    tlsPort = await freePort();
    tlsArgs = [`--tls-listening-port=${tlsPort}`, `--cert=${pem.cert}`, `--pkey=${pem.key}`];
  }
  const proc = spawn(TURNSERVER, [
    '-n',                                    // no config file
    '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`,
    '--use-auth-secret', `--static-auth-secret=${secret}`, '--realm=tempchat.test',
    '--allow-loopback-peers', '--no-multicast-peers',
    '--no-cli', ...tlsArgs, '--no-dtls',
    '--log-file=stdout', '--simple-log',
    `--pidfile=${join(dir, 'turnserver.pid')}`, `--userdb=${join(dir, 'turndb')}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  // Settles with coturn's first "Cannot bind": it would retry that forever.
  let bindFailed;
  const cannotBind = new Promise((resolve) => { bindFailed = resolve; });
  const collect = (chunk) => {
    log += chunk;
    if (/Cannot bind/.test(log)) bindFailed();
  };
  proc.stdout.setEncoding('utf8').on('data', collect);
  proc.stderr.setEncoding('utf8').on('data', collect);
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const stop = async () => {
    try {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await within(5000, 'coturn to exit', exited).catch(() => proc.kill('SIGKILL'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    await Promise.race([
      Promise.all([stunAnswers(port, 10000), tls ? tcpAccepts(tlsPort, 10000) : null]),
      exited.then(({ code }) => { throw new Error(`turnserver exited (${code})`); }),
      cannotBind.then(() => {
        throw new Error(`turnserver could not bind its port ${port}${tls ? `/${tlsPort}` : ''}`
          + ' (taken by another process after it was found free)');
      }),
    ]);
  } catch (err) {
    await stop();
    err.message += `\n--- coturn log ---\n${log}`;
    throw err;
  }
  return {
    port,
    secret,
    url: `turn:127.0.0.1:${port}?transport=udp`,
    ...(tls ? { turnsUrl: `turns:localhost:${tlsPort}`, caFile: pem.cert } : {}),
    log: () => log,
    stop,
  };
}
