// bench/chromium_pages.mjs - two headless Chromiums running the TempChat
// test page in the namespaces of bench/chromium_ns.sh, for the benchmarks'
// Chromium <-> Chromium baselines (bench/chromium_loss.mjs,
// bench/chromium_recovery.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CHROMIUM_ARGS } from '../tests/web/harness.mjs';

const { createRequire } = await import('node:module');
const require = createRequire(import.meta.url);
const { chromium } = require('playwright-core');

// A Chromium started through `wrapper` (it enters a namespace); `args`
// added to the test page's.
export async function launch(wrapper, args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'tc-bench-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: wrapper, headless: true, args: [...CHROMIUM_ARGS, ...args],
    timeout: 60000,
  });
  const page = context.pages()[0] ?? await context.newPage();
  return { context, page, dir };
}

// Both pages in one new room (A first), each decoding the other.
export async function call(a, b, params = '') {
  const room = Math.random().toString(16).slice(2);
  const { PAGE } = process.env;
  await a.page.goto(`${PAGE}${params}#${room}`, { timeout: 30000 });
  await b.page.goto(`${PAGE}${params}#${room}`, { timeout: 30000 });
  for (const p of [a, b]) {
    await p.page.waitForFunction(() => window.tc && window.tc.state === 'connected'
      && window.tc.framesDecoded() > 0, null, { timeout: 60000, polling: 200 });
  }
}

export async function closeAll(peers) {
  for (const p of peers) {
    await p.context.close().catch(() => {});
    rmSync(p.dir, { recursive: true, force: true });
  }
}

export const wait = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
