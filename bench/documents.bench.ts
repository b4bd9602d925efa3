// Document-image benchmark: ms per document for MRZ locate+read (with correction), outline and
// measurements, and PDF417 decode + AAMVA parse, on fixed synthetic inputs generated at start
// (OCR-B cards with seed-fixed rotation, perspective and noise; a zxing-written PDF417).
// No peer is measured: no other image MRZ reader or PDF417 decoder is installed (tesseract was not
// measured), so the ratio column compares each stage with the MRZ read in the same run.
import { buildConfig } from '../src/config/index.js';
import { readAamvaBarcode } from '../src/documents/aamva/index.js';
import { measureDocument, MrzImageReader } from '../src/documents/imaging/index.js';
import { renderCard, TD1, TD3 } from '../test/helpers/documents-imaging/cards.js';
import { encodeTestPdf417 } from '../test/helpers/native-test-addon.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const config = buildConfig({ documents: { mrz: { acceptSpecimens: true } } }).documents;
const reader = await MrzImageReader.load(config.imaging);
const cards = await Promise.all([
  renderCard({ mrzLines: TD1, rotationDeg: 4, perspective: 0.02, noiseSigma: 5, seed: 1, format: 'jpeg' }),
  renderCard({ mrzLines: TD3, rotationDeg: -3, perspective: 0.02, noiseSigma: 5, seed: 2, format: 'jpeg' }),
]);
const payload = '@\n\x1e\rANSI 636000100002DL00410120ZV01610008DLDAQT00000042\nDCSQUINTERO\nDACADA\nDBB11021990\nDBA03152031\nDBD03152023\nDBC2\nDAJVA\nDCGUSA\nDAG12 TEST AVE\nDAIRICHMOND\nDAK232690000\rZVZVA01\r';
const barcode = await encodeTestPdf417(Buffer.from(payload, 'latin1'), { width: 800, height: 300, margin: 20, moduleScale: 2 });

async function time(run: () => Promise<unknown>): Promise<number[]> {
  await run();  // warm-up
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run();
    out.push(performance.now() - t0);
  }
  return out.sort((a, b) => a - b);
}
const q = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];

const rows: Array<[string, number[]]> = [
  ['MRZ locate+read+correct, TD1 card photo 1280x960', await time(() => reader.read(cards[0].image))],
  ['MRZ locate+read+correct, TD3 page photo 1280x960', await time(() => reader.read(cards[1].image))],
  ['outline + sharpness + glare, TD1 photo', await time(() => measureDocument(cards[0].image, config.imaging))],
  ['PDF417 decode + AAMVA parse', await time(() => readAamvaBarcode(barcode, config.imaging))],
];
const base = q(rows[0][1], 0.5);
console.log(`| stage | p50 ms | p99 ms | ratio to TD1 MRZ p50 | runs |`);
console.log('|---|---|---|---|---|');
for (const [name, xs] of rows) console.log(`| ${name} | ${q(xs, 0.5).toFixed(1)} | ${q(xs, 0.99).toFixed(1)} | ${(q(xs, 0.5) / base).toFixed(2)} | ${xs.length} |`);
