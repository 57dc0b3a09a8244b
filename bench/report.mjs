// bench/report.mjs - the table, JSON and plots of one scripts/bench run.
//
//   node bench/report.mjs RESULTS.jsonl OUT_DIR NAME
//
// RESULTS.jsonl holds the `BENCH {json}` lines of every benchmark (without
// the word BENCH): { bench, name, unit, value, baseline, baseline_value,
// ratio, target?, ... }. Writes OUT_DIR/NAME.json (the rows with the date
// and the machine) and, with gnuplot, OUT_DIR/NAME-<bench>.png: each case's
// figure beside its baseline. Prints the table.
import { spawnSync } from 'node:child_process';
import {
  mkdtempSync, readFileSync, rmSync, writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const [resultsFile, outDir, name] = process.argv.slice(2);
if (!name) {
  console.error('usage: node bench/report.mjs RESULTS.jsonl OUT_DIR NAME');
  process.exit(2);
}

const rows = readFileSync(resultsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const machine = { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length };
const date = new Date().toISOString();
writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify({ date, machine, rows }, null, 1)}\n`);

// Lower is better for times and CPU; higher for rates.
const higherIsBetter = (r) => r.better === 'higher' || /\/s/.test(r.unit);
const verdict = (r) => {
  if (r.target === undefined || r.ratio == null) return '';
  const ok = higherIsBetter(r) ? r.ratio >= r.target : r.ratio <= r.target;
  return `${ok ? 'meets' : 'misses'} ${higherIsBetter(r) ? '>=' : '<='} ${r.target}`;
};
const fmt = (v) => (Math.abs(v) >= 1e5 ? v.toExponential(2) : String(Math.round(v * 100) / 100));

console.log(`\n${name}: ${date}, ${machine.cpu}, ${machine.cores} cores`);
console.log(`${'benchmark'.padEnd(15)} ${'case'.padEnd(40)} ${'ours'.padStart(10)} ${'baseline'.padStart(10)}`
  + ` ${'unit'.padEnd(15)} ${'ratio'.padStart(7)}  target`);
for (const r of rows) {
  console.log(`${r.bench.padEnd(15)} ${r.name.padEnd(40)} ${fmt(r.value).padStart(10)}`
    + ` ${fmt(r.baseline_value).padStart(10)} ${r.unit.padEnd(15)} ${(r.ratio == null ? '-' : r.ratio.toFixed(3)).padStart(7)}  ${verdict(r)}`);
}
console.log('baselines: ' + [...new Set(rows.map((r) => `${r.bench}: ${r.baseline.replace(/ \S+$/, '')}`))].join('; '));

// One PNG per benchmark: ours beside the baseline, per case.
const gnuplot = spawnSync('gnuplot', ['--version'], { encoding: 'utf8' });
if (gnuplot.status !== 0) {
  console.log('no gnuplot: no plots (scripts/deps installs gnuplot-nox)');
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'tc-bench-plot-'));
function plot(script, png) {
  const r = spawnSync('gnuplot', [], { input: script, encoding: 'utf8' });
  if (r.status !== 0) console.log(`gnuplot failed for ${png}: ${r.stderr}`);
  else console.log(`plot: ${png}`);
}
try {
  for (const bench of [...new Set(rows.map((r) => r.bench))]) {
    const mine = rows.filter((r) => r.bench === bench);
    const data = join(work, `${bench}.dat`);
    writeFileSync(data, mine.map((r) => `"${r.name}" ${r.value} ${r.baseline_value}`).join('\n'));
    if (new Set(mine.map((r) => r.unit)).size > 1) continue;  // one axis per plot
    const png = join(outDir, `${name}-${bench}.png`);
    const log = mine.some((r) => r.value > 1e4) ? 'set logscale y' : 'set yrange [0:*]';
    const script = [
      `set terminal pngcairo size ${Math.max(800, mine.length * 70)},560 font "sans,9"`,
      `set output "${png}"`,
      'set termoption noenhanced',
      `set title "${bench}: ours beside ${mine[0].baseline.split(' ')[0].replace(/"/g, '')}, ${date.slice(0, 10)}"`,
      'set style data histograms', 'set style histogram clustered gap 1',
      'set style fill solid 0.8 border -1', 'set xtics rotate by -35 scale 0',
      'set key top left', 'set grid ytics', `set ylabel "${mine[0].unit}"`, log,
      'set bmargin 9', 'set rmargin 14',
      `plot "${data}" using 2:xtic(1) title "ours", "" using 3 title "baseline"`,
    ].join('\n');
    plot(script, png);
  }
  // Rows with a time series: ours and the baseline over time. [s, Mbit/s,
  // decoded height] (ramp), or [x, y] with the row's series_labels.
  for (const r of rows.filter((x) => x.series && x.baseline_series)) {
    const png = join(outDir, `${name}-${r.bench}-series.png`);
    const files = [['ours', r.series], ['baseline', r.baseline_series]].map(([who, series]) => {
      const f = join(work, `${r.bench}-${who}.dat`);
      writeFileSync(f, series.map((p) => p.join(' ')).join('\n'));
      return f;
    });
    const labels = r.series_labels ?? { x: 's after the first frame', y: 'Mbit/s' };
    const height = r.series[0]?.length > 2;
    const lines = [`"${files[0]}" using 1:2 with lines lw 2 title "ours"`,
      `"${files[1]}" using 1:2 with lines lw 2 title "baseline"`];
    if (height) {
      lines.push(`"${files[0]}" using 1:3 axes x1y2 with steps dt 2 title "ours height"`,
        `"${files[1]}" using 1:3 axes x1y2 with steps dt 2 title "baseline height"`);
    }
    plot([
      'set terminal pngcairo size 900,500 font "sans,9"', `set output "${png}"`,
      'set termoption noenhanced',
      `set title "${r.bench}: ${r.name}, ours beside ${r.baseline}"`,
      `set xlabel "${labels.x}"`, `set ylabel "${labels.y}"`,
      ...(height ? ['set y2label "decoded height"', 'set y2tics', 'set ytics nomirror',
        'set y2range [0:*]'] : []),
      'set key bottom right', 'set grid', 'set yrange [0:*]',
      `plot ${lines.join(', ')}`,
    ].join('\n'), png);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
