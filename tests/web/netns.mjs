// netns.mjs - two network namespaces of a test's own joined by a veth pair,
// standing for a LAN: S (servers: the relay and a peer) at 10.213.0.1 and
// C (Chromium) at 10.213.0.2, with a forwarder serving S's relay on
// 127.0.0.1 in C so the page stays a secure context
// (shared/MACHINE-FACTS.md, Chromium inside a namespace). Root only.
//
//   const lan = makeLan('tcobsbw');          // names carry our pid
//   lan.inS / lan.inC                        // ['ip', 'netns', 'exec', ns]
//   lan.forwarder = await startForwarder(lan, port);
//   const exe = chromiumIn(lan);             // playwright's executablePath
//   const exeS = chromiumIn(lan, lan.s);     // another, in S
//   removeLan(lan);
// or, with the relay in S and its forwarder in C as every test here has:
//   const lan = await startLanSite('tcmdns'); // lan.site: startSite()'s
//   await stopLanSite(lan);
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { within } from '../integration/relay_helpers.mjs';
import { CHROMIUM, startSite } from './harness.mjs';

export const S_ADDR = '10.213.0.1';
export const C_ADDR = '10.213.0.2';

export function ip(...args) {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

function alive(pid) {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
}

export function makeLan(prefix) {
  // Namespaces left by a run that was killed (its pid is in the name).
  const list = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const [, name, pid] of list.matchAll(new RegExp(`^(${prefix}-[sc]-(\\d+))`, 'gm'))) {
    if (!alive(Number(pid))) ip('netns', 'del', name);
  }
  const lan = { s: `${prefix}-s-${process.pid}`, c: `${prefix}-c-${process.pid}` };
  lan.inS = ['ip', 'netns', 'exec', lan.s];
  lan.inC = ['ip', 'netns', 'exec', lan.c];
  ip('netns', 'add', lan.s);
  ip('netns', 'add', lan.c);
  // Created inside S, its peer moved to C: nothing touches the host's links.
  // Not named veth*: libnice skips interfaces named like container links.
  ip('-n', lan.s, 'link', 'add', 'lan-s', 'type', 'veth', 'peer', 'name', 'lan-c',
    'netns', lan.c);
  for (const [ns, dev, addr] of [[lan.s, 'lan-s', S_ADDR], [lan.c, 'lan-c', C_ADDR]]) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'addr', 'add', `${addr}/24`, 'dev', dev);
    ip('-n', ns, 'link', 'set', dev, 'up');
  }
  ip('-n', lan.c, 'route', 'add', 'default', 'via', S_ADDR);
  return lan;
}

export function removeLan(lan) {
  lan?.forwarder?.kill('SIGTERM');
  if (lan?.wrapperDir) rmSync(lan.wrapperDir, { recursive: true, force: true });
  for (const ns of [lan?.c, lan?.s]) {
    try { if (ns) ip('netns', 'del', ns); } catch { /* never made */ }
  }
}

// 127.0.0.1:port in C -> S's relay.
export async function startForwarder(lan, port) {
  const script = new URL('./tcp_forward.mjs', import.meta.url).pathname;
  const proc = spawn('ip', ['netns', 'exec', lan.c, process.execPath, script,
    String(port), S_ADDR, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: proc.stdout });
  await within(10000, 'the forwarder', new Promise((resolve, reject) => {
    lines.on('line', (l) => { if (l === 'forwarding') resolve(); });
    proc.on('exit', (code) => reject(new Error(`forwarder exited (${code})`)));
  }));
  lan.forwarder = proc;
  return proc;
}

// playwright-core starts this instead of Chromium: the same binary, in C
// (or in `ns`, e.g. lan.s for a second page on the servers' side).
export function chromiumIn(lan, ns = lan.c) {
  lan.wrapperDir ??= mkdtempSync(join(tmpdir(), 'tc-netns-'));
  const path = join(lan.wrapperDir, `chromium-${ns}`);
  writeFileSync(path, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROMIUM} "$@"\n`,
    { mode: 0o755 });
  return path;
}

// A LAN whose S runs the test site's relay on every address of S (peers in
// S reach it on 127.0.0.1, where ws:// is allowed; C's forwarder on S's
// address), the forwarder in C serving it on 127.0.0.1 there.
// `relayArgs`: more of the relay's options.
export async function startLanSite(prefix, { relayArgs = [] } = {}) {
  const lan = makeLan(prefix);
  try {
    lan.site = await startSite({ relayArgs: ['--listen', '0.0.0.0', ...relayArgs],
      relayWrap: lan.inS });
    await startForwarder(lan, lan.site.relay.port);
  } catch (e) {
    await stopLanSite(lan);
    throw e;
  }
  return lan;
}

export async function stopLanSite(lan) {
  try {
    await lan?.site?.stop();
  } finally {
    removeLan(lan);
  }
}
