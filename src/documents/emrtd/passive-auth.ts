// eMRTD Passive Authentication (ICAO 9303-11 section 5.1): the SOD's signature and signed
// attributes, every supplied data-group hash, DG1 against the optical MRZ, and the document
// signer's chain to a trusted CSCA (validity, key usage, CRL, CSCA country = MRZ issuing state).
// It proves the data was written by the issuer; it does not detect a cloned chip (that is Active
// or Chip Authentication).
import { createHash } from 'node:crypto';
import { Asn1Error, readTime, type Asn1Node } from '../asn1/index.js';
import { parseMrz } from '../mrz/parse-mrz.js';
import { stateCodeToAlpha2 } from '../mrz/state-codes.js';
import { findSignerCertificate } from './cms.js';
import { verifyCrlIssuedBy, verifyIssuedBy, type CscaStore } from './csca-store.js';
import { readDg1Mrz } from './dg1.js';
import { OID } from './oids.js';
import { CheckList, overallStatus, type PaCheck, type PaStatus } from './report.js';
import { verifySignerInfo } from './signer-verify.js';
import { parseSod, type Sod } from './sod.js';
import { describeCertificate, type Certificate } from './x509.js';

export interface PassiveAuthInput {
  /** EF.SOD as read from the chip. */
  readonly sod: Uint8Array;
  /** Data groups read from the chip, by number (each the whole TLV, as hashed). */
  readonly dataGroups?: ReadonlyMap<number, Uint8Array> | Readonly<Record<number, Uint8Array>>;
  /** The MRZ read optically (OCR), to compare with DG1 and to know the issuing state. */
  readonly opticalMrz?: string | readonly string[];
  readonly store: CscaStore;
  /** Time for validity checks (default now). */
  readonly now?: Date;
  /** Fail when no CRL from the CSCA is available (default: skip the revocation check). */
  readonly requireCrl?: boolean;
}

export interface PassiveAuthReport {
  readonly status: PaStatus;
  readonly checks: readonly PaCheck[];
  readonly hashAlgorithm: string | null;
  readonly dataGroupsInSod: readonly number[];
  readonly documentSigner: ReturnType<typeof describeCertificate> | null;
  readonly csca: (ReturnType<typeof describeCertificate> & { source: string }) | null;
  readonly signingTime: string | null;
}

const toMap = (dgs: PassiveAuthInput['dataGroups']): Map<number, Uint8Array> =>
  dgs instanceof Map ? new Map(dgs) : new Map(Object.entries(dgs ?? {}).map(([k, v]) => [Number(k), v as Uint8Array]));

export function verifyPassiveAuthentication(input: PassiveAuthInput): PassiveAuthReport {
  const checks = new CheckList();
  const now = input.now ?? new Date();
  const empty = { hashAlgorithm: null, dataGroupsInSod: [], documentSigner: null, csca: null, signingTime: null };

  let sod: Sod;
  try {
    sod = parseSod(input.sod);
    checks.add('sod.structure', 'pass', `LDSSecurityObject v${sod.securityObject.version}, ${sod.signedData.certificates.length} certificate(s)`);
  } catch (e) {
    const reason = e instanceof Asn1Error ? `${e.code}: ${e.message}` : (e as Error).message;
    checks.add('sod.structure', 'error', `EF.SOD unreadable: ${reason}`);
    return { status: 'error', checks: checks.checks, ...empty };
  }
  const { signedData: sd, securityObject: so } = sod;
  const report = {
    hashAlgorithm: so.hashAlgorithm,
    dataGroupsInSod: [...so.dataGroupHashes.keys()].sort((a, b) => a - b),
    signingTime: readSigningTime(sd.signerInfos[0]?.attributes.get(OID.attrSigningTime)),
  };

  // Data-group hashes: each covers the whole DG TLV.
  const dgs = toMap(input.dataGroups);
  for (const [n, bytes] of [...dgs].sort((a, b) => a[0] - b[0])) {
    const expected = so.dataGroupHashes.get(n);
    if (!expected) {
      checks.add(`dg.hash.${n}`, 'fail', `DG${n} was read but the SOD holds no hash for it`);
      continue;
    }
    const actual = createHash(so.hashAlgorithm).update(bytes).digest();
    checks.add(`dg.hash.${n}`, actual.equals(expected) ? 'pass' : 'fail',
      actual.equals(expected) ? `${so.hashAlgorithm} of DG${n} matches the SOD` : `${so.hashAlgorithm} of DG${n} differs from the SOD (data altered)`);
  }
  if (dgs.size === 0) checks.add('dg.hash', 'skip', 'no data groups supplied');

  // DG1 against the optical MRZ, and the issuing state for the country check.
  const issuingState = compareMrz(checks, dgs.get(1), input.opticalMrz);

  // SOD signature by the document signer.
  if (sd.signerInfos.length !== 1) {
    checks.add('sod.signer', 'fail', `SOD has ${sd.signerInfos.length} signer infos, ICAO requires exactly 1`);
    return { status: overallStatus(checks.checks), checks: checks.checks, ...report, documentSigner: null, csca: null };
  }
  const signer = sd.signerInfos[0];
  const named = findSignerCertificate(signer, sd.certificates);
  if (!named) {
    checks.add('sod.signer', 'error', 'the document signer certificate named by the SOD is not in the SOD');
    return { status: overallStatus(checks.checks), checks: checks.checks, ...report, documentSigner: null, csca: null };
  }
  const ds = named.certificate;
  checks.add('sod.signer', 'pass', `document signer ${ds.subject.text}${named.match === 'reordered' ? ' (the SignerInfo names its issuer with the RDNs in another order)' : ''}`);
  verifySignerInfo(checks, 'sod', sd, signer, ds);
  checkValidity(checks, 'ds.validity', ds, now);
  if (ds.keyUsage && !ds.keyUsage.has('digitalSignature')) checks.add('ds.key-usage', 'fail', 'document signer key usage lacks digitalSignature');
  else checks.add('ds.key-usage', 'pass', ds.keyUsage ? 'digitalSignature' : 'no key-usage extension');

  // Chain to a CSCA.
  const candidates = input.store.issuersOf(ds);
  if (candidates.length === 0) {
    checks.add('chain.csca', 'incomplete', `no trusted CSCA named ${ds.issuer.text}`);
    return { status: overallStatus(checks.checks), checks: checks.checks, ...report, documentSigner: describeCertificate(ds), csca: null };
  }
  const reasons: string[] = [];
  const anchor = candidates.find((c) => {
    const r = verifyIssuedBy(ds, c.certificate);
    if (!r.ok) reasons.push(r.reason);
    return r.ok;
  });
  if (!anchor) {
    const unsupported = reasons.length > 0 && reasons.every((r) => /unsupported|unusable/.test(r));
    checks.add('chain.csca', unsupported ? 'error' : 'fail', `${candidates.length} CSCA(s) named ${ds.issuer.text}, none verifies the document signer: ${reasons[0]}`);
    return { status: overallStatus(checks.checks), checks: checks.checks, ...report, documentSigner: describeCertificate(ds), csca: null };
  }
  const csca = anchor.certificate;
  checks.add('chain.csca', 'pass', `document signer issued by ${csca.subject.text} (${anchor.source})${anchor.match === 'reordered' ? '; the names match with the RDNs in another order' : ''}`);
  checkValidity(checks, 'csca.validity', csca, now);
  if (csca.isCa === false || (csca.keyUsage && !csca.keyUsage.has('keyCertSign'))) checks.add('csca.constraints', 'fail', 'CSCA is not a CA certificate with keyCertSign');
  else checks.add('csca.constraints', 'pass', csca.isCa === null ? 'no basicConstraints extension' : 'CA with keyCertSign');
  checkRevocation(checks, input.store, ds, csca, now, input.requireCrl ?? false);

  if (issuingState === null) checks.add('csca.country', 'skip', 'no MRZ to take the issuing state from');
  else {
    const alpha2 = stateCodeToAlpha2(issuingState);
    if (alpha2 !== null && csca.subject.country === alpha2) checks.add('csca.country', 'pass', `CSCA country ${csca.subject.country} = MRZ issuing state ${issuingState}`);
    else checks.add('csca.country', 'fail', `CSCA country ${csca.subject.country ?? 'missing'} is not the MRZ issuing state ${issuingState}`);
  }
  return {
    status: overallStatus(checks.checks), checks: checks.checks, ...report,
    documentSigner: describeCertificate(ds), csca: { ...describeCertificate(csca), source: anchor.source },
  };
}

function readSigningTime(values: readonly Asn1Node[] | undefined): string | null {
  try {
    return values?.length === 1 ? readTime(values[0], 'signingTime').toISOString() : null;
  } catch {
    return null;
  }
}

function checkValidity(checks: CheckList, name: string, cert: Certificate, now: Date): void {
  if (now < cert.notBefore) checks.add(name, 'fail', `not valid before ${cert.notBefore.toISOString()}`);
  else if (now > cert.notAfter) checks.add(name, 'fail', `expired ${cert.notAfter.toISOString()}`);
  else checks.add(name, 'pass', `valid ${cert.notBefore.toISOString().slice(0, 10)} to ${cert.notAfter.toISOString().slice(0, 10)}`);
}

function checkRevocation(checks: CheckList, store: CscaStore, ds: Certificate, csca: Certificate, now: Date, requireCrl: boolean): void {
  const crls = store.crlsIssuedBy(csca);
  const trusted = crls.filter((crl) => verifyCrlIssuedBy(crl, csca).ok);
  if (crls.length > 0 && trusted.length === 0) {
    checks.add('ds.revocation', 'fail', 'CRL present for the CSCA but its signature does not verify');
    return;
  }
  if (trusted.length === 0) {
    checks.add('ds.revocation', requireCrl ? 'fail' : 'skip', 'no CRL from the CSCA available');
    return;
  }
  if (trusted.some((crl) => crl.revokedSerials.has(ds.serial))) {
    checks.add('ds.revocation', 'fail', `document signer serial ${ds.serialHex} is revoked`);
    return;
  }
  const current = trusted.some((crl) => crl.nextUpdate === null || crl.nextUpdate >= now);
  if (!current) checks.add('ds.revocation', requireCrl ? 'fail' : 'pass', 'not revoked, but the newest CRL is past its nextUpdate');
  else checks.add('ds.revocation', 'pass', 'not on the CSCA\'s CRL');
}

/** Compares DG1 with the optical MRZ; returns the issuing state (from the optical MRZ, else DG1). */
function compareMrz(checks: CheckList, dg1: Uint8Array | undefined, optical: string | readonly string[] | undefined): string | null {
  let chipLines: string[] | null = null;
  if (dg1) {
    try {
      chipLines = readDg1Mrz(dg1);
    } catch (e) {
      checks.add('dg1.mrz', 'fail', `DG1 unreadable: ${(e as Error).message}`);
    }
  }
  const opticalParsed = optical === undefined ? null : parseMrz(optical);
  const chipParsed = chipLines ? parseMrz(chipLines) : null;
  if (chipLines && opticalParsed) {
    if (!opticalParsed.ok) checks.add('dg1.optical-match', 'fail', `optical MRZ unreadable: ${opticalParsed.problems[0]?.message}`);
    else if (opticalParsed.lines.join('\n') === chipLines.join('\n')) checks.add('dg1.optical-match', 'pass', 'DG1 equals the optical MRZ');
    else {
      const a = opticalParsed.lines.join('');
      const b = chipLines.join('');
      let i = 0;
      while (i < a.length && a[i] === b[i]) i++;
      checks.add('dg1.optical-match', 'fail', `DG1 differs from the optical MRZ from character ${i + 1}`);
    }
  } else if (dg1 || optical !== undefined) {
    checks.add('dg1.optical-match', 'skip', dg1 ? 'no optical MRZ supplied' : 'DG1 not supplied');
  }
  if (opticalParsed?.ok) return opticalParsed.issuingState;
  if (chipParsed?.ok) return chipParsed.issuingState;
  return null;
}

