// MRZ-from-image evaluation: `npm run eval:mrz -- --data DIR`, DIR holding images/ with
// expected.csv (image, lines joined by '|') and/or unlabeled/ (no text truth: a correct read's
// check digits validate). Prints a table and the JSON. `--peer tesseract` also runs the tesseract
// CLI (Debian tesseract-ocr with the eng model: there is no OCR-B model) on each whole image, keeps
// the MRZ-like lines of its output and applies the same check-digit correction, for comparison.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { buildConfig } from '../src/config/index.js';
import { MrzImageReader } from '../src/documents/imaging/index.js';
import { correctMrz } from '../src/documents/mrz/index.js';

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

/** The peer's read: tesseract's MRZ-like output lines (2 of 36/44 or 3 of 30), corrected like ours. */
function tesseractRead(file: string): string[] {
  const out = execFileSync('tesseract', [file, 'stdout', '--psm', '6', '-c', 'tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const lines = out.split('\n').map((l) => l.replace(/[^A-Z0-9<]/g, '')).filter((l) => l.length >= 26 && l.length <= 48);
  for (let end = lines.length - 1; end >= 0; end--) {
    for (const [count, len] of [[3, 30], [2, 44], [2, 36]] as const) {
      const group = lines.slice(end - count + 1, end + 1);
      if (group.length === count && group.every((l) => Math.abs(l.length - len) <= 2)) {
        const fixed = group.map((l) => (l.length >= len ? l.slice(0, len) : l.padEnd(len, '<')));
        return [...correctMrz({ lines: fixed }).lines];
      }
    }
  }
  return [];
}

const config = buildConfig({ documents: { mrz: { acceptSpecimens: true } } }).documents;
const reader = await MrzImageReader.load(config.imaging);

interface Row { engine: string; image: string; labelled: boolean; found: boolean; read: string; expected: string | null; chars: number; charsRight: number; lines: number; linesRight: number; checksValid: boolean; ms: number }
const rows: Row[] = [];

function score(engine: string, file: string, expected: string[] | null, got: readonly string[], ms: number): void {
  let chars = 0, charsRight = 0, linesRight = 0;
  if (expected) {
    for (let i = 0; i < expected.length; i++) {
      chars += expected[i].length;
      const g = got[i] ?? '';
      for (let p = 0; p < expected[i].length; p++) if (g[p] === expected[i][p]) charsRight++;
      if (g === expected[i]) linesRight++;
    }
  }
  const parsed = got.length > 0 ? correctMrz({ lines: got }).result : null;
  const checksValid = !!parsed?.ok && parsed.checks.every((c) => c.valid);
  rows.push({ engine, image: file, labelled: !!expected, found: got.length > 0, read: got.join('|'), expected: expected?.join('|') ?? null, chars, charsRight, lines: expected?.length ?? 0, linesRight, checksValid, ms });
}

async function evaluate(file: string, expected: string[] | null): Promise<void> {
  const started = performance.now();
  const read = await reader.read(readFileSync(path.join(dir!, file)));
  score('proofgate', file, expected, read.lines, performance.now() - started);
  if (peer) {
    const t0 = performance.now();
    const lines = tesseractRead(path.join(dir!, file));
    score('tesseract', file, expected, lines, performance.now() - t0);
  }
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
console.log('| engine | image | found | char acc | lines exact | check digits | ms | read |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.engine} | ${r.image} | ${r.found ? 'yes' : 'no'} | ${r.labelled ? pct(r.charsRight, r.chars) : '-'} | ${r.labelled ? `${r.linesRight}/${r.lines}` : '-'} | ${r.checksValid ? 'valid' : 'invalid'} | ${r.ms.toFixed(0)} | ${r.read} |`);
const sum = (f: (r: Row) => number, list: Row[]) => list.reduce((s, r) => s + f(r), 0);
const summaries: Record<string, unknown> = {};
console.log('\n| engine | labelled docs | char acc | lines exact | all check digits valid | unlabeled found | unlabeled check digits valid | median ms |');
console.log('|---|---|---|---|---|---|---|---|');
for (const engine of [...new Set(rows.map((r) => r.engine))]) {
  const mine = rows.filter((r) => r.engine === engine);
  const labelled = mine.filter((r) => r.labelled);
  const unlabeled = mine.filter((r) => !r.labelled);
  const medianMs = mine.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(mine.length / 2)] ?? null;
  summaries[engine] = {
    labelled: { documents: labelled.length, characterAccuracy: sum((r) => r.charsRight, labelled) / Math.max(1, sum((r) => r.chars, labelled)), lineAccuracy: sum((r) => r.linesRight, labelled) / Math.max(1, sum((r) => r.lines, labelled)), checkDigitsValid: labelled.filter((r) => r.checksValid).length / Math.max(1, labelled.length) },
    unlabeled: { documents: unlabeled.length, found: unlabeled.filter((r) => r.found).length, checkDigitsValid: unlabeled.filter((r) => r.checksValid).length / Math.max(1, unlabeled.length) },
    medianMs,
  };
  console.log(`| ${engine} | ${labelled.length} | ${pct(sum((r) => r.charsRight, labelled), sum((r) => r.chars, labelled))} | ${pct(sum((r) => r.linesRight, labelled), sum((r) => r.lines, labelled))} | ${pct(labelled.filter((r) => r.checksValid).length, labelled.length)} | ${unlabeled.filter((r) => r.found).length}/${unlabeled.length} | ${pct(unlabeled.filter((r) => r.checksValid).length, unlabeled.length)} | ${medianMs?.toFixed(0)} |`);
}
console.log(JSON.stringify({ summaries, rows }));
