// watch.mjs - a child process's stdout and stderr kept for a test, and
// waited on as events: the one place gst.mjs and obs.mjs wait on a peer's
// output.
//
//   const w = watchOutput(proc, 'gst');
//   await w.waitFor(/connected/, 20000, 'connected');
//   await w.exited;
import { within } from '../integration/relay_helpers.mjs';

const TAIL_CHARS = 6000;

export function watchOutput(proc, name) {
  let out = '';
  let err = '';
  let exitInfo = null;
  const waiters = new Set();
  const check = () => {
    for (const w of waiters) {
      const m = w.test();
      if (m) { waiters.delete(w); w.resolve(m); }
    }
  };
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (chunk) => { out += chunk; check(); });
  proc.stderr.on('data', (chunk) => { err += chunk; check(); });
  const exited = new Promise((resolve) => {
    proc.on('exit', (code, signal) => {
      exitInfo = { code, signal };
      for (const w of waiters) w.reject(new Error(`${name} exited (${code ?? signal})`));
      waiters.clear();
      resolve(exitInfo);
    });
  });
  const w = {
    exited,
    exitInfo: () => exitInfo,
    stdout: () => out,
    stderr: () => err,
    // The tails of both streams, for failure messages.
    describe: () => `${name} stdout (tail):\n${out.slice(-TAIL_CHARS)}\n`
      + `${name} stderr (tail):\n${err.slice(-TAIL_CHARS)}`,
    // Where stdout is now, for lastMatch(..., from).
    mark: () => out.length,
    // Resolves when `test()` returns a truthy value (checked on every output
    // chunk), or rejects after `ms` (or at exit) with the output's tails.
    async until(test, ms, what) {
      const first = test();
      if (first) return first;
      if (exitInfo) throw new Error(`${name} exited before ${what}\n${w.describe()}`);
      let waiter;
      const p = new Promise((resolve, reject) => { waiter = { test, resolve, reject }; });
      waiters.add(waiter);
      try {
        return await within(ms, `${name}: ${what}`, p);
      } catch (e) {
        waiters.delete(waiter);
        e.message = `${e.message}\n${w.describe()}`;
        throw e;
      }
    },
    // Waits for `re` in stdout (with `in: 'stderr'`, in stderr).
    waitFor(re, ms, what, { in: stream = 'stdout' } = {}) {
      return w.until(() => re.exec(stream === 'stdout' ? out : err), ms, what);
    },
    // The last match of `re` in stdout since `from` for which `ok(match)`
    // holds, or null.
    lastMatch(re, ok = () => true, from = 0) {
      const all = [...out.slice(from).matchAll(new RegExp(re.source, 'g'))].filter(ok);
      return all.length > 0 ? all[all.length - 1] : null;
    },
    count(re) {
      return (out.match(new RegExp(re.source, 'g')) || []).length;
    },
  };
  return w;
}
