// bench/rounds.mjs - a summary of several rounds of one benchmark: passes
// its input through, then prints, for every BENCH name that has a ratio
// in two rounds or more, each round's ratio, the median of those ratios
// and how many rounds met the target.
//
// One round is not enough where a call's figure depends on how it started:
// three rounds of gst -> Chromium (AV1 720p, 2026-12-07) had p50 47, 67 and
// 68 ms, each with p95 within 17 ms of it, while Chromium's jitter buffer
// held our frames 26-27 ms in all three, and our sender's own gst -> gst
// figure stays within a few ms from round to round: what moved came after
// the jitter buffer (most likely the wait for the page's next rendering,
// whose phase against the sender's frames is set as the call starts; not
// proven). The baseline of the same round moves as much on its own: the
// median over rounds is the figure.
//
//   ... | node bench/rounds.mjs
import { createInterface } from 'node:readline';

const byName = new Map();
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  console.log(line);
  const at = line.indexOf('BENCH {');
  if (at < 0) continue;
  let r;
  try {
    r = JSON.parse(line.slice(at + 'BENCH '.length));
  } catch {
    continue;  // a line cut short by a round that died: its round has no figure
  }
  if (typeof r.ratio !== 'number') continue;
  if (!byName.has(r.name)) byName.set(r.name, []);
  byName.get(r.name).push(r);
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const rows = [...byName].filter(([, rs]) => rs.length > 1);
if (rows.length > 0) {
  console.log(`\nover rounds: median of each round's ratio`);
  for (const [name, rs] of rows) {
    const ratios = rs.map((r) => r.ratio);
    const target = rs[0].target;
    const met = typeof target === 'number'
      ? `, ${ratios.filter((x) => x <= target).length} of ${rs.length} at most ${target}` : '';
    console.log(`${name}: ${median(ratios).toFixed(2)}x (rounds ${ratios.map((x) => x.toFixed(2)).join(' ')}${met}); `
      + `value ${median(rs.map((r) => r.value))} against ${median(rs.map((r) => r.baseline_value))} ${rs[0].unit}`);
  }
}
