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
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { within } from '../integration/relay_helpers.mjs';

export const TURNSERVER = process.env.TURNSERVER || 'turnserver';

const STUN_MAGIC = 0x2112a442;

// A UDP port free right now (coturn gets it next; a collision is unlikely).
async function freeUdpPort() {
  const sock = createSocket('udp4');
  await new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(0, '127.0.0.1', resolve);
  });
  const { port } = sock.address();
  await new Promise((resolve) => sock.close(resolve));
  return port;
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

// A TCP port free right now on 127.0.0.1.
async function freeTcpPort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
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
  port ??= await freeUdpPort();
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
    tlsPort = await freeTcpPort();
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
  proc.stdout.setEncoding('utf8').on('data', (c) => { log += c; });
  proc.stderr.setEncoding('utf8').on('data', (c) => { log += c; });
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
      exited.then(({ code }) => { throw new Error(`turnserver exited (${code}):\n${log}`); }),
    ]);
  } catch (err) {
    await stop();
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
