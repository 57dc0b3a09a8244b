// obs.mjs - tc_obs_peer (a real libobs from the build tree, under
// xvfb-run) as a test's peer: its stdout lines waited for as events.
//
//   const o = startObsPeer(['call', url, room, channel], { wrap });
//   const m = await o.until(/sender frames (\d+)/, (m) => +m[1] > 0, 60000, 'frames');
//   await o.stop();
import { spawn } from 'node:child_process';

import { within } from '../integration/relay_helpers.mjs';
import { watchOutput } from './watch.mjs';

export const OBS_PEER = process.env.TC_OBS_PEER;
const XVFB_RUN = process.env.XVFB_RUN || 'xvfb-run';
const STOP_TIMEOUT_MS = 15000;

// `wrap` runs it inside something (['ip', 'netns', 'exec', ns]); `onStop`
// is called when stop() begins.
export function startObsPeer(args, { wrap = [], onStop = () => {} } = {}) {
  const argv = [...wrap, XVFB_RUN, '-a', OBS_PEER, ...args];
  const proc = spawn(argv[0], argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  const w = watchOutput(proc, 'obs');
  return {
    ...w,
    // The last line matching `re` for which `ok(match)` holds, in what was
    // printed since `from` (a mark()).
    until(re, ok, ms, what, from = 0) {
      return w.until(() => w.lastMatch(re, ok, from), ms, what);
    },
    // Ends it as the peer program expects (stdin closed); its exit status.
    async stop() {
      onStop();
      proc.stdin.end();
      return within(STOP_TIMEOUT_MS, 'obs to stop', w.exited).catch(() => {
        proc.kill('SIGKILL');
        return w.exited;
      });
    },
  };
}
