// MRZ-from-image evaluation: `npm run eval:mrz -- --data DIR`, DIR holding images/ with
// expected.csv (image, lines joined by '|') and/or unlabeled/ (no text truth: a correct read's
// check digits validate). Prints a table and the JSON.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../src/config/index.js';
import { MrzImageReader } from '../src/documents/imaging/index.js';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const dir = argValue('--data');
if (!dir) {
  console.error('usage: npm run eval:mrz -- --data DIR');
  process.exit(2);
}

const config = buildConfig({ documents: { mrz: { acceptSpecimens: true } } }).documents;
const reader = await MrzImageReader.load(config.imaging);

interface Row { image: string; labelled: boolean; found: boolean; read: string; expected: string | null; chars: number; charsRight: number; lines: number; linesRight: number; checksValid: boolean; ms: number }
const rows: Row[] = [];

async function evaluate(file: string, expected: string[] | null): Promise<void> {
  const started = performance.now();
  const read = await reader.read(readFileSync(path.join(dir!, file)));
  const ms = performance.now() - started;
  const got = read.lines;
  let chars = 0, charsRight = 0, linesRight = 0;
  if (expected) {
    for (let i = 0; i < expected.length; i++) {
      chars += expected[i].length;
      const g = got[i] ?? '';
      for (let p = 0; p < expected[i].length; p++) if (g[p] === expected[i][p]) charsRight++;
      if (g === expected[i]) linesRight++;
    }
  }
  const checksValid = !!read.result?.ok && read.result.checks.every((c) => c.valid);
  rows.push({ image: file, labelled: !!expected, found: read.found, read: got.join('|'), expected: expected?.join('|') ?? null, chars, charsRight, lines: expected?.length ?? 0, linesRight, checksValid, ms });
}

const csv = path.join(dir, 'expected.csv');
if (existsSync(csv)) {
  for (const line of readFileSync(csv, 'utf8').split('\n').slice(1)) {
    const [image, joined] = line.split(',');
    if (image && joined) await evaluate(image, joined.split('|'));
  }
}
const unlabeled = path.join(dir, 'unlabeled');
if (existsSync(unlabeled)) for (const f of readdirSync(unlabeled).sort()) await evaluate(path.join('unlabeled', f), null);

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
console.log('| image | found | char acc | lines exact | check digits | ms | read |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.image} | ${r.found ? 'yes' : 'no'} | ${r.labelled ? pct(r.charsRight, r.chars) : '-'} | ${r.labelled ? `${r.linesRight}/${r.lines}` : '-'} | ${r.checksValid ? 'valid' : 'invalid'} | ${r.ms.toFixed(0)} | ${r.read} |`);
const labelled = rows.filter((r) => r.labelled);
const sum = (f: (r: Row) => number, list: Row[]) => list.reduce((s, r) => s + f(r), 0);
const summary = {
  labelled: { documents: labelled.length, characterAccuracy: sum((r) => r.charsRight, labelled) / Math.max(1, sum((r) => r.chars, labelled)), lineAccuracy: sum((r) => r.linesRight, labelled) / Math.max(1, sum((r) => r.lines, labelled)), checkDigitsValid: labelled.filter((r) => r.checksValid).length / Math.max(1, labelled.length) },
  unlabeled: { documents: rows.length - labelled.length, found: rows.filter((r) => !r.labelled && r.found).length, checkDigitsValid: rows.filter((r) => !r.labelled && r.checksValid).length / Math.max(1, rows.length - labelled.length) },
  medianMs: rows.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(rows.length / 2)] ?? null,
};
console.log(`\nlabelled: character accuracy ${pct(sum((r) => r.charsRight, labelled), sum((r) => r.chars, labelled))}, lines exact ${pct(sum((r) => r.linesRight, labelled), sum((r) => r.lines, labelled))}, all check digits valid ${pct(labelled.filter((r) => r.checksValid).length, labelled.length)}`);
console.log(`unlabeled: found ${summary.unlabeled.found}/${summary.unlabeled.documents}, all check digits valid ${pct(rows.filter((r) => !r.labelled && r.checksValid).length, summary.unlabeled.documents)}`);
console.log(JSON.stringify({ summary, rows }));
