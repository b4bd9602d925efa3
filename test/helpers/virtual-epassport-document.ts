// A test ePassport's files, built from the test PKI (test/helpers/documents): TD3 MRZ in DG1, a DG2
// of realistic size, EF.COM listing them, EF.SOD signed by a document signer. Nothing from real documents.
import { randomBytes } from 'node:crypto';
import { derApplication, derTlv } from '../../src/documents/asn1/index.js';
import { buildTd3, type Td3Fields } from './documents/mrz-builder.js';
import * as pki from './documents/pki.js';

export interface TestPassportFiles {
  readonly mrz: readonly [string, string];
  readonly key: { documentNumber: string; dateOfBirth: string; dateOfExpiry: string };
  readonly com: Buffer;
  readonly dg1: Buffer;
  readonly dg2: Buffer;
  readonly dg14?: Buffer;
  readonly dg15?: Buffer;
  readonly sod: Buffer;
}

/** EF.COM: LDS 1.7, Unicode 4.0.0, and the tag list of the data groups present. */
export function efCom(tags: readonly number[]): Buffer {
  return derTlv(0x60, Buffer.concat([
    Buffer.from('5f0104303130375f3606303430303030', 'hex'),
    derTlv(0x5c, Buffer.from(tags)),
  ]));
}

/** DG2 of `imageBytes`: 75 { 7F61 { 02 01 01, 7F60 { A1 {...}, 5F2E image } } } (the image is noise; only its size matters here). */
export function dg2(imageBytes: number): Buffer {
  return dg2Of(randomBytes(imageBytes));
}

/** DG2 around a given facial image (a JPEG portrait the appliance compares with the selfie). */
export function dg2Of(image: Buffer): Buffer {
  const header = derTlv(0xa1, Buffer.from('8002010181010287020101', 'hex'));
  const bio = Buffer.concat([Buffer.from([0x5f, 0x2e]), lengthOf(image.length), image]);
  const instance = Buffer.concat([Buffer.from([0x7f, 0x60]), lengthOf(header.length + bio.length), header, bio]);
  const group = Buffer.concat([Buffer.from([0x02, 0x01, 0x01]), instance]);
  return derApplication(21, Buffer.concat([Buffer.from([0x7f, 0x61]), lengthOf(group.length), group]));
}

function lengthOf(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return n < 0x10000 ? Buffer.from([0x82, n >> 8, n & 0xff]) : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
}

/** A document signed by a fresh test CSCA -> DS chain; `extra` adds DG14 / DG15 (listed in EF.COM, hashed in the SOD). */
export function testPassport(fields: Td3Fields = {}, extra: { dg14?: Buffer; dg15?: Buffer; imageBytes?: number } = {}): TestPassportFiles {
  const mrz = buildTd3({ number: 'L898902C3', dob: '740812', expiry: '341231', ...fields });
  const dataGroups: Record<number, Buffer> = { 1: pki.dg1(mrz), 2: dg2(extra.imageBytes ?? 12_000) };
  if (extra.dg14) dataGroups[14] = extra.dg14;
  if (extra.dg15) dataGroups[15] = extra.dg15;
  const years = (n: number) => new Date(Date.now() + n * 365 * 86_400_000);
  const cscaKey = pki.makeKey('p256');
  const dsKey = pki.makeKey('p256');
  const cscaName = pki.dn({ C: 'FR', O: 'Test', CN: 'Test CSCA' });
  const dsName = pki.dn({ C: 'FR', O: 'Test', CN: 'Test DS' });
  const ds = pki.certificate({ serial: 0x1234, issuer: cscaName, subject: dsName, notBefore: years(-1), notAfter: years(9), subjectKey: dsKey, issuerKey: cscaKey, ca: false });
  const sod = pki.sod({ dataGroups, signerCert: ds, signerKey: dsKey, signerIssuer: cscaName, signerSerial: 0x1234 });
  const tags = [0x61, 0x75, ...(extra.dg14 ? [0x6e] : []), ...(extra.dg15 ? [0x6f] : [])];
  const number = mrz[1].slice(0, 9).replace(/<+$/, '');
  return {
    mrz, key: { documentNumber: number, dateOfBirth: mrz[1].slice(13, 19), dateOfExpiry: mrz[1].slice(21, 27) },
    com: efCom(tags), dg1: dataGroups[1], dg2: dataGroups[2], ...(extra.dg14 ? { dg14: extra.dg14 } : {}), ...(extra.dg15 ? { dg15: extra.dg15 } : {}), sod,
  };
}
