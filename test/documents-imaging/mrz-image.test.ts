import t from 'tap';
import { MrzImageReader } from '../../src/documents/imaging/index.js';
import { renderCard, TD1, TD3, testConfig } from '../helpers/documents-imaging/cards.js';

const config = testConfig();
const now = new Date('2010-06-01T00:00:00Z');
const reader = await MrzImageReader.load(config.imaging);

const cases = [
  { name: 'TD1 clean', lines: TD1, opts: {} },
  { name: 'TD1 rotated, perspective, blur, noise', lines: TD1, opts: { rotationDeg: 5, perspective: 0.03, blurSigma: 1.2, noiseSigma: 6, seed: 7 } },
  { name: 'TD1 as JPEG, rotated the other way', lines: TD1, opts: { rotationDeg: -3, perspective: 0.02, noiseSigma: 4, seed: 11, format: 'jpeg' as const } },
  { name: 'TD3 clean', lines: TD3, opts: {} },
  { name: 'TD3 rotated, perspective, blur, noise', lines: TD3, opts: { rotationDeg: 4, perspective: 0.03, blurSigma: 1.2, noiseSigma: 6, seed: 3 } },
  { name: 'TD3 upside down', lines: TD3, opts: { rotationDeg: 178, noiseSigma: 3, seed: 5 } },
];

for (const c of cases) {
  t.test(`reads the MRZ exactly: ${c.name}`, async (t) => {
    const { image } = await renderCard({ mrzLines: c.lines, ...c.opts });
    const read = await reader.read(image, { now });
    t.equal(read.found, true);
    t.same(read.lines, c.lines, `raw read ${read.rawLines.join('|')}`);
    t.ok(read.result?.ok, 'parses');
    if (read.result?.ok) t.ok(read.result.checks.every((k) => k.valid), 'every check digit validates');
    t.ok(read.meanScore > 0.7, `mean score ${read.meanScore}`);
    t.equal(read.native.lines[0].positions[0].chars.length, config.imaging.mrzTopK, 'top-k alternatives per position');
  });
}

t.test('no MRZ on a photo without a document', async (t) => {
  const { image } = await renderCard({ noCard: true });
  const read = await reader.read(image);
  t.equal(read.found, false);
  t.equal(read.result, null);
  t.same(read.lines, []);
});

t.test('one reader serves concurrent reads (shared read-only templates)', async (t) => {
  const images = await Promise.all([TD1, TD3, TD1, TD3].map((lines, i) => renderCard({ mrzLines: lines, seed: 20 + i, noiseSigma: 3, rotationDeg: i - 2 })));
  const reads = await Promise.all(images.map(({ image }) => reader.read(image, { now })));
  t.same(reads.map((r) => r.lines), [TD1, TD3, TD1, TD3]);
});
