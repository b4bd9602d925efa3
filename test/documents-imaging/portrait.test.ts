import t from 'tap';
import { checkPortrait, type DocumentImageCheck } from '../../src/documents/imaging/index.js';
import { renderTestCard } from '../helpers/native-test-addon.js';
import { loadEngine, missingModels } from '../helpers/face-engine-fixture.js';
import { faceJpeg } from '../helpers/face-photos.js';
import { OCRB, TD1, testConfig } from '../helpers/documents-imaging/cards.js';

const missing = missingModels();
if (missing) {
  t.fail(missing);
} else {
  const engine = await loadEngine();
  t.teardown(() => engine.close());
  const config = testConfig();
  const byName = (checks: DocumentImageCheck[], name: string) => checks.find((c) => c.name === name)!;
  // The holder's face printed in the card's portrait area (a different crop from the selfie's).
  const { image: card } = await renderTestCard({
    fontPath: OCRB, mrzLines: TD1, portrait: faceJpeg('personA', { width: 270, height: 320, zoom: 1.3 }), rotationDeg: 2, noiseSigma: 2,
  });

  t.test('the printed portrait matches the holder\'s selfie', async (t) => {
    const checks = await checkPortrait(engine, card, faceJpeg('personA', { zoom: 1.6, dx: 20 }), config.imaging);
    t.equal(byName(checks, 'portrait-found').outcome, 'pass', JSON.stringify(checks));
    t.equal(byName(checks, 'portrait-match').outcome, 'pass', JSON.stringify(checks));
  });

  t.test('someone else\'s selfie does not match the portrait', async (t) => {
    const checks = await checkPortrait(engine, card, faceJpeg('personC', { zoom: 1.6 }), config.imaging);
    t.equal(byName(checks, 'portrait-found').outcome, 'pass');
    t.equal(byName(checks, 'portrait-match').outcome, 'fail', JSON.stringify(checks));
  });

  t.test('a card without a face fails portrait-found', async (t) => {
    const { image } = await renderTestCard({ fontPath: OCRB, mrzLines: TD1 });
    const checks = await checkPortrait(engine, image, faceJpeg('personA'), config.imaging);
    t.same(checks.map((c) => [c.name, c.outcome]), [['portrait-found', 'fail'], ['portrait-match', 'not-applicable']]);
  });
}
