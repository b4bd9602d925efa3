// MRZ-from-image evaluation: `npm run eval:mrz -- --data DIR`, DIR holding images/ with
// expected.csv (image, lines joined by '|'; an empty cell: the image holds no MRZ, and reading
// anything there is wrong) and/or unlabeled/ (no text truth: a correct read's check digits validate).
// Scoring: eval/lib/mrz-scoring.ts. Prints a table and the JSON. `--peer tesseract` also runs the tesseract
// CLI (Debian tesseract-ocr with the eng model: there is no OCR-B model) on each whole image, keeps
// the MRZ-like lines of its output and applies the same check-digit correction, for comparison.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../src/config/index.js';
import { MrzImageReader } from '../src/documents/imaging/index.js';
import { correctMrz, type MrzResult } from '../src/documents/mrz/index.js';
import { scoreMrzRead, truthFromCell, type MrzReadScore, type MrzTruth } from './lib/mrz-scoring.js';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const dir = argValue('--data');
if (!dir) {
  console.error('usage: npm run eval:mrz -- --data DIR');
  process.exit(2);
}

const peer = argValue('--peer');
if (peer && peer !== 'tesseract') {
  console.error('--peer: only "tesseract" is supported');
  process.exit(2);
}

/** The peer's read: tesseract's MRZ-like output lines (2 of 36/44 or 3 of 30), before correction. */
function tesseractRead(file: string): string[] {
  const out = execFileSync('tesseract', [file, 'stdout', '--psm', '6', '-c', 'tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = out.split('\n').map((l) => l.replace(/[^A-Z0-9<]/g, '')).filter((l) => l.length >= 26 && l.length <= 48);
  for (let end = lines.length - 1; end >= 0; end--) {
    for (const [count, len] of [[3, 30], [2, 44], [2, 36]] as const) {
      const group = lines.slice(end - count + 1, end + 1);
      if (group.length === count && group.every((l) => Math.abs(l.length - len) <= 2)) {
        const fixed = group.map((l) => (l.length >= len ? l.slice(0, len) : l.padEnd(len, '<')));
        return fixed;
      }
    }
  }
  return [];
}

const config = buildConfig({ documents: { mrz: { acceptSpecimens: true } } }).documents;
const reader = await MrzImageReader.load(config.imaging);

interface Row extends MrzReadScore { engine: string; image: string; read: string; unreadable: boolean; ms: number }
const rows: Row[] = [];

const allValid = (r: MrzResult | null) => !!r?.ok && r.checks.every((c) => c.valid);

async function evaluate(file: string, truth: MrzTruth): Promise<void> {
  const started = performance.now();
  const read = await reader.read(readFileSync(path.join(dir!, file)), { correction: config.mrz.correction });
  const ms = performance.now() - started;
  rows.push({ engine: 'proofgate', image: file, read: read.lines.join('|'), unreadable: read.unreadable, ms, ...scoreMrzRead(truth, read.lines, allValid(read.result)) });
  if (peer) {
    const t0 = performance.now();
    // Corrected like ours, with no alternatives to offer: class corrections only.
    const raw = tesseractRead(path.join(dir!, file));
    const corrected = raw.length > 0 ? correctMrz({ lines: raw }, { correction: config.mrz.correction }) : null;
    const lines = corrected?.lines ?? [];
    rows.push({ engine: 'tesseract', image: file, read: lines.join('|'), unreadable: !!corrected?.unreadable, ms: performance.now() - t0, ...scoreMrzRead(truth, lines, allValid(corrected?.result ?? null)) });
  }
}

const csv = path.join(dir, 'expected.csv');
if (existsSync(csv)) {
  for (const line of readFileSync(csv, 'utf8').split('\n').slice(1)) {
    const [image, joined = ''] = line.split(',');
    if (image) await evaluate(image, truthFromCell(joined));
  }
}
const unlabeled = path.join(dir, 'unlabeled');
if (existsSync(unlabeled)) for (const f of readdirSync(unlabeled).sort()) await evaluate(path.join('unlabeled', f), { kind: 'unlabeled' });

const pct = (a: number, b: number) => (b === 0 ? 'n/a' : `${((100 * a) / b).toFixed(1)}%`);
const labelledRow = (r: Row) => r.truth === 'lines';
console.log('| engine | image | truth | found | char acc | lines exact | correct | check digits | unreadable | ms | read |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  const correct = r.correct === null ? '-' : r.correct ? 'yes' : 'NO';
  console.log(`| ${r.engine} | ${r.image} | ${r.truth} | ${r.found ? 'yes' : 'no'} | ${labelledRow(r) ? pct(r.charsRight, r.chars) : '-'} | ${labelledRow(r) ? `${r.linesRight}/${r.lines}` : '-'} | ${correct} | ${r.checksValid ? 'valid' : 'invalid'} | ${r.unreadable ? 'yes' : ''} | ${r.ms.toFixed(0)} | ${r.read} |`);
}
const sum = (f: (r: Row) => number, list: Row[]) => list.reduce((s, r) => s + f(r), 0);
const summaries: Record<string, unknown> = {};
console.log('\n| engine | labelled docs | char acc | lines exact | all check digits valid | unreadable (labelled) | no-MRZ images read as empty | unlabeled found | unlabeled check digits valid | unlabeled unreadable | median ms |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const engine of [...new Set(rows.map((r) => r.engine))]) {
  const mine = rows.filter((r) => r.engine === engine);
  const labelled = mine.filter(labelledRow);
  const noMrz = mine.filter((r) => r.truth === 'no-mrz');
  const unlabeled = mine.filter((r) => r.truth === 'unlabeled');
  const medianMs = mine.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(mine.length / 2)] ?? null;
  summaries[engine] = {
    labelled: { documents: labelled.length, characterAccuracy: sum((r) => r.charsRight, labelled) / Math.max(1, sum((r) => r.chars, labelled)), lineAccuracy: sum((r) => r.linesRight, labelled) / Math.max(1, sum((r) => r.lines, labelled)), checkDigitsValid: labelled.filter((r) => r.checksValid).length / Math.max(1, labelled.length), unreadable: labelled.filter((r) => r.unreadable).length },
    noMrz: { images: noMrz.length, readAsEmpty: noMrz.filter((r) => r.correct).length },
    unlabeled: { documents: unlabeled.length, found: unlabeled.filter((r) => r.found).length, checkDigitsValid: unlabeled.filter((r) => r.checksValid).length / Math.max(1, unlabeled.length), unreadable: unlabeled.filter((r) => r.unreadable).length },
    medianMs,
  };
  console.log(`| ${engine} | ${labelled.length} | ${pct(sum((r) => r.charsRight, labelled), sum((r) => r.chars, labelled))} | ${pct(sum((r) => r.linesRight, labelled), sum((r) => r.lines, labelled))} | ${pct(labelled.filter((r) => r.checksValid).length, labelled.length)} | ${labelled.filter((r) => r.unreadable).length}/${labelled.length} | ${noMrz.filter((r) => r.correct).length}/${noMrz.length} | ${unlabeled.filter((r) => r.found).length}/${unlabeled.length} | ${pct(unlabeled.filter((r) => r.checksValid).length, unlabeled.length)} | ${unlabeled.filter((r) => r.unreadable).length}/${unlabeled.length} | ${medianMs?.toFixed(0)} |`);
}
console.log(JSON.stringify({ summaries, rows }));
