// One test passport for a verified first time at the kiosk, consistent everywhere the appliance looks:
// a TD3 data page rendered by the test addon (OCR-B MRZ, the holder's printed name, the face-api demo
// face `personA` as its portrait), the chip's files for the virtual ePassport (DG1 = that MRZ, DG2 =
// the same person's face as a JPEG, EF.SOD signed by a document signer under a test CSCA) and a CSCA
// store directory holding that CSCA, for the appliance's documents.emrtd.cscaStorePath. personA is
// also the face the simulated RGB-D camera films. All keys are generated here; nothing is a real document.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildTd3 } from '../documents/mrz-builder.js';
import * as pki from '../documents/pki.js';
import { OCRB } from '../documents-imaging/cards.js';
import { faceJpeg } from '../face-photos.js';
import { renderTestCard } from '../native-test-addon.js';
import { tempDir } from '../temp-store.js';
import type { Teardown } from '../loopback-app.js';
import { dg2Of, efCom, type TestPassportFiles } from '../virtual-epassport-document.js';

export interface HolderPassport {
  readonly files: TestPassportFiles;
  /** The data page as the scanner sees it under white light (PNG). */
  readonly page: Buffer;
  /** A directory holding the test CSCA (documents.emrtd.cscaStorePath). */
  readonly cscaStorePath: string;
}

export async function holderPassport(t: Teardown): Promise<HolderPassport> {
  // A number without 0/O (the OCR's known 0/O confusion on this renderer would make DG1 differ from the
  // optical MRZ, and dg1.optical-match is exact) and the holder named in HOLDER_CLAIMS.
  const mrz = buildTd3({ state: 'D', nationality: 'D', number: 'C7H3M29X4', name: 'ERIKSSON<<ANNA<MARIA', dob: '740812', expiry: '341231' });
  const now = Date.now();
  const years = (n: number) => new Date(now + n * 365.25 * 86_400_000);
  const cscaKey = pki.makeKey('p256');
  const dsKey = pki.makeKey('p256');
  const cscaName = pki.dn({ C: 'DE', O: 'Test State', CN: 'Test CSCA' });
  const csca = pki.certificate({ serial: 1, issuer: cscaName, subject: cscaName, notBefore: years(-5), notAfter: years(10), subjectKey: cscaKey, issuerKey: cscaKey, ca: true });
  const ds = pki.certificate({
    serial: 0x1234, issuer: cscaName, subject: pki.dn({ C: 'DE', O: 'Test State', CN: 'Test Document Signer' }),
    notBefore: years(-1), notAfter: years(9), subjectKey: dsKey, issuerKey: cscaKey, ca: false,
  });
  const dataGroups = { 1: pki.dg1(mrz), 2: dg2Of(faceJpeg('personA', { width: 240, height: 320, zoom: 1.2 })) };
  const sod = pki.sod({ dataGroups, signerCert: ds, signerKey: dsKey, signerIssuer: cscaName, signerSerial: 0x1234 });
  const cscaStorePath = tempDir(t, 'proofgate-kiosk-csca-');
  writeFileSync(path.join(cscaStorePath, 'test-csca.cer'), csca);
  const { image: page } = await renderTestCard({
    fontPath: OCRB, cardWidthMm: 125, cardHeightMm: 88, pxPerMm: 10,
    vizLines: ['ERIKSSON', 'ANNA MARIA', '12 08 1974'], mrzLines: mrz, rotationDeg: 1, noiseSigma: 2,
    portrait: faceJpeg('personA', { width: 270, height: 320, zoom: 1.3 }), format: 'png',
  });
  return {
    files: {
      mrz, key: { documentNumber: 'C7H3M29X4', dateOfBirth: '740812', dateOfExpiry: '341231' },
      com: efCom([0x61, 0x75]), dg1: dataGroups[1], dg2: dataGroups[2], sod,
    },
    page, cscaStorePath,
  };
}
