import t from 'tap';
import { checkDocumentPhoto, MrzImageReader, type DocumentImageCheck } from '../../src/documents/imaging/index.js';
import { renderCard, testConfig } from '../helpers/documents-imaging/cards.js';

// A rendered card whose printed document number was misprinted (L for the 8, E for the L): the
// reader reads it as printed, its check digit fails, and nothing the OCR offers repairs it.
const config = testConfig();
const reader = await MrzImageReader.load(config.imaging);
const byName = (checks: readonly DocumentImageCheck[], name: string) => checks.find((k) => k.name === name);
const MISPRINTED = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'E898902C36UTO7408122F1204159ZE184226B<<<<<10'];

t.test('a photo whose MRZ check digit fails is unreadable: the read comes back as printed, the photo check says so', async (t) => {
  const { image } = await renderCard({ mrzLines: MISPRINTED, noiseSigma: 2, seed: 4 });
  const report = await checkDocumentPhoto(image, reader, config, new Date('2010-06-01T00:00:00Z'));
  t.equal(report.mrz.unreadable, true);
  t.same(report.mrz.lines, report.mrz.rawLines, 'nothing changed');
  t.same(report.mrz.corrections, []);
  t.ok(report.mrz.result?.problems.some((p) => p.code === 'MRZ_UNREADABLE'));
  t.match(byName(report.checks, 'mrz-check-digits'), { outcome: 'fail', detail: /^MRZ_UNREADABLE: / });
  t.match(byName(report.checks, 'document-expiry'), { outcome: 'not-applicable', detail: 'MRZ not parsed or unreadable' }, 'unconfirmed dates decide nothing');
  t.match(byName(report.checks, 'holder-age'), { outcome: 'not-applicable' });
});
