// Trust anchors for passive authentication: CSCA certificates imported one by one or from CMS-signed
// ICAO master lists (whose own signature is verified before their certificates are trusted),
// plus CRLs. Lookup is by subject name, preferring a subject key id equal to the child's AKI.
import { parseDer, readSmallInt, sequenceOf, setOf } from '../asn1/index.js';
import { findSignerCertificate, parseSignedData } from './cms.js';
import { parseCrl, type Crl } from './crl.js';
import { byNameMatch, matchNames, type NameMatch } from './names.js';
import { OID } from './oids.js';
import { importPublicKey, type ImportedKey } from './public-key.js';
import { CheckList, type PaCheck } from './report.js';
import { verifySignerInfo } from './signer-verify.js';
import { verifySignature, type SignatureCheck } from './signature.js';
import { parseCertificate, type Certificate } from './x509.js';

export interface TrustedCsca {
  readonly certificate: Certificate;
  /** Where it came from: a file name or "master list <name>". */
  readonly source: string;
}

/** A CSCA whose subject matches a certificate's issuer, and how (names.ts). */
export interface CscaCandidate extends TrustedCsca {
  readonly match: NameMatch;
}

export interface MasterListImport {
  readonly source: string;
  readonly imported: number;
  readonly unparsed: number;
  /** Signature checks of the master list itself. */
  readonly checks: readonly PaCheck[];
  readonly signatureValid: boolean;
}

export interface MasterListOptions {
  /** Import the certificates even when the list's signature cannot be verified (default false). */
  acceptUnverified?: boolean;
}

const keyCache = new WeakMap<Certificate, ImportedKey | Error>();

/** The certificate's public key, imported once. */
export function certificateKey(cert: Certificate): ImportedKey {
  let k = keyCache.get(cert);
  if (!k) {
    try {
      k = importPublicKey(cert.spki);
    } catch (e) {
      k = e as Error;
    }
    keyCache.set(cert, k);
  }
  if (k instanceof Error) throw k;
  return k;
}

/** The signed part of a certificate or a CRL, and its signature. */
type SignedObject = Pick<Certificate, 'signatureAlgorithm' | 'tbs' | 'signature'>;

function verifySignedBy(signed: SignedObject, issuer: Certificate): SignatureCheck {
  let key: ImportedKey;
  try {
    key = certificateKey(issuer);
  } catch (e) {
    return { ok: false, unsupported: true, reason: `issuer key unusable: ${(e as Error).message}`, algorithm: signed.signatureAlgorithm.oid };
  }
  return verifySignature(signed.signatureAlgorithm, key.key, signed.tbs, signed.signature);
}

/** Whether `issuer` signed `cert`. */
export const verifyIssuedBy = (cert: Certificate, issuer: Certificate): SignatureCheck => verifySignedBy(cert, issuer);

/** Whether `issuer` signed `crl`. */
export const verifyCrlIssuedBy = (crl: Crl, issuer: Certificate): SignatureCheck => verifySignedBy(crl, issuer);

export class CscaStore {
  readonly #bySubject = new Map<string, TrustedCsca[]>();
  readonly #fingerprints = new Set<string>();
  readonly #crls: Crl[] = [];

  get size(): number {
    return this.#fingerprints.size;
  }

  /** Adds one CSCA (or link) certificate. Throws Asn1Error when it cannot be parsed. */
  addCertificate(der: Uint8Array | Certificate, source: string): TrustedCsca {
    const certificate = der instanceof Uint8Array ? parseCertificate(der) : der;
    const fp = Buffer.from(certificate.der).toString('base64');
    const entry = { certificate, source };
    if (this.#fingerprints.has(fp)) return entry;
    this.#fingerprints.add(fp);
    // Indexed by the order-insensitive key; issuersOf() says which candidates match exactly.
    const list = this.#bySubject.get(certificate.subject.unorderedKey) ?? [];
    list.push(entry);
    this.#bySubject.set(certificate.subject.unorderedKey, list);
    return entry;
  }

  /**
   * Imports an ICAO CSCA master list: CMS SignedData over CscaMasterList { version, certList SET OF Certificate }.
   * The list's signer certificate must chain to a CSCA in the list itself or already in the store.
   */
  addMasterList(bytes: Uint8Array, source: string, options: MasterListOptions = {}): MasterListImport {
    const checks = new CheckList();
    const sd = parseSignedData(parseDer(bytes, { mode: 'ber', maxDepth: 32, maxNodes: 5_000_000 }));
    if (sd.eContentType !== OID.cscaMasterList) throw new Error(`${source}: content type ${sd.eContentType} is not a CSCA master list`);
    const body = sequenceOf(parseDer(sd.eContent, { mode: 'ber', maxDepth: 32, maxNodes: 5_000_000 }), 'CscaMasterList', 2);
    readSmallInt(body[0], 'CscaMasterList version', 10);
    const listed: Certificate[] = [];
    let unparsed = 0;
    for (const node of setOf(body[1], 'certList')) {
      try {
        listed.push(parseCertificate(node));
      } catch {
        unparsed++;
      }
    }

    const signer = sd.signerInfos[0];
    const signerCert = signer ? findSignerCertificate(signer, sd.certificates)?.certificate : undefined;
    if (sd.signerInfos.length !== 1 || !signer) checks.add('ml.signer', 'fail', `master list has ${sd.signerInfos.length} signers, expected 1`);
    else if (!signerCert) checks.add('ml.signer', 'fail', 'master list signer certificate not included');
    else {
      checks.add('ml.signer', 'pass', `signed by ${signerCert.subject.text}`);
      verifySignerInfo(checks, 'ml', sd, signer, signerCert);
      const anchors = [...byNameMatch(listed, (c) => c.subject, signerCert.issuer).map((m) => m.item), ...this.issuersOf(signerCert).map((t) => t.certificate)];
      const chained = anchors.find((a) => verifyIssuedBy(signerCert, a).ok);
      if (chained) checks.add('ml.signer-chain', 'pass', `signer certificate issued by ${chained.subject.text}`);
      else checks.add('ml.signer-chain', 'fail', `no CSCA named ${signerCert.issuer.text} verifies the signer certificate`);
    }
    const signatureValid = checks.checks.every((c) => c.outcome === 'pass');
    let imported = 0;
    if (signatureValid || options.acceptUnverified) {
      for (const c of listed) {
        const before = this.size;
        this.addCertificate(c, `master list ${source}`);
        if (this.size > before) imported++;
      }
    }
    return { source, imported, unparsed, checks: checks.checks, signatureValid };
  }

  /** Adds a CRL; it is used only for CSCAs whose key verifies its signature. */
  addCrl(der: Uint8Array): Crl {
    const crl = parseCrl(der);
    this.#crls.push(crl);
    return crl;
  }

  /**
   * CSCAs whose subject matches `cert`'s issuer (names.ts: exact, or the same RDNs in another order),
   * those whose key id matches the AKI first, then exact name matches. The caller verifies the signature.
   */
  issuersOf(cert: Certificate): CscaCandidate[] {
    const aki = cert.authorityKeyId;
    const rank = (c: CscaCandidate) => 2 * Number(c.certificate.subjectKeyId !== aki) + Number(c.match === 'reordered');
    return byNameMatch(this.#bySubject.get(cert.issuer.unorderedKey) ?? [], (t) => t.certificate.subject, cert.issuer)
      .map(({ item, match }) => ({ ...item, match }))
      .sort((a, b) => rank(a) - rank(b));
  }

  /** CRLs whose issuer matches the CSCA's subject (as issuersOf); the caller verifies their signature. */
  crlsIssuedBy(csca: Certificate): Crl[] {
    return this.#crls.filter((c) => matchNames(c.issuer, csca.subject) !== null);
  }
}
