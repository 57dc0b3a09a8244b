// gst.mjs - runs gst-launch-1.0 with the build's tempchat plugin for the
// browser interop tests (gst_chromium.test.mjs).
//
//   const g = startGst(['videotestsrc', '!', ...]);
//   await g.waitFor(/tempchat\/connected/, 20000, 'connected');
//   await g.stop();
//
// The plugin comes from TC_GST_PLUGIN_DIR (the build's gst-plugin dir) with a
// private registry in a temp dir. gst-launch runs with -m (bus messages on
// stdout) and -v (caps and fakesink last-message on stdout); tempchat's
// GStreamer log (INFO) goes to stderr. Both are kept for failure messages.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { within } from '../integration/relay_helpers.mjs';
import { watchOutput } from './watch.mjs';

export const GST_PLUGIN_DIR = process.env.TC_GST_PLUGIN_DIR;
const STOP_TIMEOUT_MS = 5000;

// `stages`: instead of one gst-launch pipeline, `args` are pipeline
// descriptions for tc-gst-stages (TC_GST_STAGES): the first plays at once,
// g.command('start 1') / g.command('stop 0') start and stop the others.
// `wrap` runs it through a command, e.g. ['ip', 'netns', 'exec', ns].
// `registry`: a registry file kept across runs (benchmarks: a user's
// registry is warm); by default each run scans the plugins afresh.
export function startGst(args, {
  name = 'gst', debug = 'tempchat*:4', stages = false, wrap = [], registry = null,
} = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tc-gst-'));
  const [program, argv] = stages ? [process.env.TC_GST_STAGES, args]
    : ['gst-launch-1.0', ['-m', '-v', '-e', ...args]];
  const command = [...wrap, program, ...argv];
  const proc = spawn(command[0], command.slice(1), {
    stdio: [stages ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      GST_PLUGIN_PATH: GST_PLUGIN_DIR,
      GST_REGISTRY: registry || join(dir, 'registry.bin'),
      GST_DEBUG: process.env.TC_GST_DEBUG || debug,
      GST_DEBUG_NO_COLOR: '1',
      // ASan builds: gst-launch-1.0 needs the runtime preloaded to load our
      // plugin (never Node or Chromium, hence only here).
      ...(process.env.TC_GST_PRELOAD
        ? { LD_PRELOAD: process.env.TC_GST_PRELOAD, ASAN_OPTIONS: 'detect_leaks=0' }
        : {}),
    },
  });
  const w = watchOutput(proc, name);
  const g = {
    ...w,
    name,
    proc,
    // tc-gst-stages only: one line of command on its stdin.
    command(line) {
      proc.stdin.write(`${line}\n`);
    },
    async stop() {
      try {
        if (!w.exitInfo()) {
          proc.kill('SIGINT');
          await within(STOP_TIMEOUT_MS, `${name} to stop`, w.exited).catch(() => {
            proc.kill('SIGKILL');
            return w.exited;
          });
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return g;
}
