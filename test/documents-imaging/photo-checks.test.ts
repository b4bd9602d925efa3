import t from 'tap';
import { checkDocumentPhoto, checkInfraredImage, checkUltravioletImage, measureDocument, MrzImageReader, type DocumentImageCheck } from '../../src/documents/imaging/index.js';
import { renderCard, TD1, TD3, testConfig } from '../helpers/documents-imaging/cards.js';

const config = testConfig();
const reader = await MrzImageReader.load(config.imaging);
const byName = (checks: readonly DocumentImageCheck[], name: string) => {
  const c = checks.find((k) => k.name === name);
  if (!c) throw new Error(`no check ${name}`);
  return c;
};

t.test('finds the card corners on a synthetic photo (rotation + perspective)', async (t) => {
  for (const [lines, format] of [[TD1, 'ID-1'], [TD3, 'ID-3']] as const) {
    const { image, corners } = await renderCard({ mrzLines: lines, rotationDeg: 6, perspective: 0.03, noiseSigma: 3, seed: 9 });
    const m = (await measureDocument(image, config.imaging)).native;
    t.equal(m.found, true, `${format}: outline found`);
    const width = Math.hypot(corners[1][0] - corners[0][0], corners[1][1] - corners[0][1]);
    for (let i = 0; i < 4; i++) {
      const d = Math.hypot(m.corners![i][0] - corners[i][0], m.corners![i][1] - corners[i][1]);
      t.ok(d < 0.02 * width, `${format}: corner ${i} within 2% of the card width (${d.toFixed(1)} px)`);
    }
  }
});

t.test('a clean TD1 photo passes every check it can make', async (t) => {
  const { image } = await renderCard({ rotationDeg: 3, noiseSigma: 2 });
  const report = await checkDocumentPhoto(image, reader, config, new Date('2010-06-01T00:00:00Z'));
  for (const name of ['document-found', 'document-aspect', 'sharpness', 'glare', 'mrz-read', 'mrz-check-digits', 'document-expiry', 'holder-age']) {
    t.equal(byName(report.checks, name).outcome, 'pass', `${name}: ${JSON.stringify(byName(report.checks, name))}`);
  }
  t.equal(byName(report.checks, 'mrz-viz-consistency').outcome, 'not-applicable');
  t.match(byName(report.checks, 'document-aspect').detail, /ID-1/);
});

t.test('expired document and under-age holder fail from the MRZ dates', async (t) => {
  const { image } = await renderCard();
  const expired = await checkDocumentPhoto(image, reader, config, new Date('2013-01-01T00:00:00Z'));
  t.equal(byName(expired.checks, 'document-expiry').outcome, 'fail');
  // Born 1974-08-12, so 35 on 2010-06-01: a minimum age of 40 refuses.
  const strict = testConfig({ imaging: { minHolderAgeYears: 40 } });
  const young = await checkDocumentPhoto(image, reader, strict, new Date('2010-06-01T00:00:00Z'));
  const age = byName(young.checks, 'holder-age');
  t.equal(age.score, 35);
  t.equal(age.outcome, 'fail');
});

t.test('blur lowers sharpness below the threshold; glare is measured', async (t) => {
  const sharp = (await measureDocument((await renderCard()).image, config.imaging)).native;
  const blurred = (await measureDocument((await renderCard({ blurSigma: 4 })).image, config.imaging)).native;
  t.ok(blurred.sharpness < sharp.sharpness / 3, `blurred ${blurred.sharpness.toFixed(1)} vs sharp ${sharp.sharpness.toFixed(1)}`);
  const report = await checkDocumentPhoto((await renderCard({ blurSigma: 4 })).image, reader, config);
  t.equal(byName(report.checks, 'sharpness').outcome, 'fail');
  const glared = await checkDocumentPhoto((await renderCard({ glare: [{ x: 0.6, y: 0.35, radius: 0.12 }] })).image, reader, config);
  const glare = byName(glared.checks, 'glare');
  t.equal(glare.outcome, 'fail', `glare fraction ${glare.score}`);
  t.equal(sharp.glareFraction, 0);
});

t.test('no document in the photo', async (t) => {
  const report = await checkDocumentPhoto((await renderCard({ noCard: true })).image, reader, config);
  t.equal(byName(report.checks, 'document-found').outcome, 'fail');
  t.equal(byName(report.checks, 'mrz-read').outcome, 'fail');
  t.equal(byName(report.checks, 'document-expiry').outcome, 'not-applicable');
});

// IR: B900-class MRZ ink absorbs IR (stays dark), the colour print vanishes, the portrait stays.
const irGenuine = { cardBgr: [170, 170, 170] as [number, number, number], vizInkBgr: [170, 170, 170] as [number, number, number], mrzInkBgr: [15, 15, 15] as [number, number, number], portraitBgr: [120, 120, 120] as [number, number, number], tableBgr: [40, 40, 40] as [number, number, number] };

t.test('IR: MRZ visible and portrait present on a genuine-like IR image', async (t) => {
  const checks = await checkInfraredImage((await renderCard(irGenuine)).image, reader, config.imaging);
  t.equal(byName(checks, 'ir-mrz-visible').outcome, 'pass');
  t.equal(byName(checks, 'ir-photo-present').outcome, 'pass', JSON.stringify(byName(checks, 'ir-photo-present')));
});

t.test('IR: an MRZ printed with IR-transparent ink (inkjet copy) fails', async (t) => {
  const checks = await checkInfraredImage((await renderCard({ ...irGenuine, mrzInkBgr: [168, 168, 168], patches: [{ x: 0.02, y: 0.05, width: 0.36, height: 0.65, bgr: [170, 170, 170] }] })).image, reader, config.imaging);
  t.equal(byName(checks, 'ir-mrz-visible').outcome, 'fail');
  t.equal(byName(checks, 'ir-photo-present').outcome, 'fail');
});

t.test('UV: dull security paper passes, brightened office paper fails, configured fluorescent areas', async (t) => {
  const patch = { x: 0.4, y: 0.1, width: 0.2, height: 0.15 };
  const dull = { cardBgr: [45, 30, 35] as [number, number, number], tableBgr: [10, 10, 10] as [number, number, number], mrzInkBgr: [20, 20, 20] as [number, number, number], vizInkBgr: [40, 30, 30] as [number, number, number], portraitBgr: [40, 30, 30] as [number, number, number] };
  const withPatch = testConfig({ imaging: { uv: { fluorescentAreas: [patch] } } });
  const genuine = await checkUltravioletImage((await renderCard({ ...dull, patches: [{ ...patch, bgr: [120, 230, 200] }] })).image, withPatch.imaging);
  for (const c of genuine) t.equal(c.outcome, 'pass', `${c.name}: ${c.detail} ${c.score}`);
  const noGlow = await checkUltravioletImage((await renderCard(dull)).image, withPatch.imaging);
  t.equal(byName(noGlow, 'uv-fluorescent-areas').outcome, 'fail');
  const office = await checkUltravioletImage((await renderCard({ ...dull, cardBgr: [230, 190, 170] })).image, config.imaging);
  t.equal(byName(office, 'uv-dull-background').outcome, 'fail');
  t.equal(byName(office, 'uv-no-brightener').outcome, 'fail');
  t.equal(byName(office, 'uv-fluorescent-areas').outcome, 'not-applicable');
});
