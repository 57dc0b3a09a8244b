// lipsync.mjs - flash/beep pairs for the lip sync tests
// (chromium_gst_lipsync.test.mjs, gst_chromium_lipsync.test.mjs): a sender
// flashes its picture and beeps at the same instant once a second, and the
// receiver's times of each are paired here.

const PAIR_WINDOW_MS = 400;        // a beep this near a flash is its own

// Each flash with the beep that started with it: beep - flash, ms.
export function offsets({ flashes, beeps }) {
  const out = [];
  for (const f of flashes) {
    const b = beeps.find((t) => Math.abs(t - f) < PAIR_WINDOW_MS);
    if (b !== undefined) out.push(b - f);
  }
  return out;
}

// The median of `pairs` (beep - flash, ms), after printing them as a
// METRIC line for `path` with `extra` appended.
export function reportPairs(path, pairs, extra = '') {
  const sorted = [...pairs].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  console.log(`METRIC lipsync ${path}: ${pairs.length} pairs, beep - flash`
    + ` median ${median?.toFixed(1)} ms,`
    + ` ${sorted[0]?.toFixed(1)} to ${sorted[sorted.length - 1]?.toFixed(1)}`
    + ` (${pairs.map((d) => d.toFixed(0)).join(' ')})${extra}`);
  return median;
}
