// X.501 Names as passive authentication compares them. RFC 5280 section 7.1: two names match when
// they have the same RDNs in the same order, an RDN being a set (the order of the attributes inside
// a multi-valued RDN does not matter), and attribute values compare as strings whatever their string
// type (PrintableString, UTF8String, BMPString...), case-folded, with leading, trailing and repeated
// inner white space removed (RFC 4518's insignificant-space handling). Values that are not strings
// compare by their exact DER.
//
// Deliberate leniency: documents in circulation name their document signer (SignerInfo sid
// issuerAndSerialNumber) with the issuer's RDNs in another order than the certificate itself, so a
// name whose RDNs are the same set in another order also matches ('reordered'). It is safe where it
// is used: every name match in passive authentication only picks a certificate or CRL whose key or
// signature is verified next (the sid's certificate must verify the SOD signature, a CSCA must verify
// the document signer certificate, a CRL must verify under the CSCA key), so a looser match can add
// candidates to verify but never a result nobody signed. Every attribute must still match exactly.
import { Asn1Error, readOid, readText, sequenceOf, setOf, UniversalTag, type Asn1Node } from '../asn1/index.js';
import { OID } from './oids.js';

export interface NameAttribute {
  readonly oid: string;
  /** The value as text, or "#" + the hex of its DER when it is not a string. */
  readonly value: string;
}

export interface DistinguishedName {
  readonly der: Uint8Array;
  /** The RDNs in order, each with its attributes as encoded. */
  readonly rdns: ReadonlyArray<readonly NameAttribute[]>;
  /** All attributes in encoding order. */
  readonly attributes: readonly NameAttribute[];
  /** RFC 5280 comparison key: RDNs in order, each RDN's canonical attributes as a sorted set. */
  readonly key: string;
  /** The same with the RDNs sorted as well: equal for the same RDNs in another order. */
  readonly unorderedKey: string;
  /** Readable form, e.g. "C=DE, O=bund, CN=csca-germany". */
  readonly text: string;
  /** The C= attribute, upper-cased, or null. */
  readonly country: string | null;
}

export type NameMatch = 'exact' | 'reordered';

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.6': 'C', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.3': 'CN', '2.5.4.5': 'serialNumber', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A string value, or null when the node is not a string type or its bytes are not valid for it. */
function stringValue(value: Asn1Node, what: string): string | null {
  let text: string;
  try {
    text = readText(value, what);
  } catch {
    return null;
  }
  // Invalid UTF-8 would decode to U+FFFD and make different byte strings compare equal: compare those by DER.
  if (value.tagNumber === UniversalTag.utf8String) {
    try {
      strictUtf8.decode(value.content);
    } catch {
      return null;
    }
  }
  return text;
}

/** RFC 4518 in the parts names on documents need: compatibility normalisation, case folding, insignificant space. */
const canonicalText = (s: string): string => s.normalize('NFKC').toLowerCase().trim().replace(/\s+/g, ' ');

/** Reads a Name (SEQUENCE OF RDN, RDN = SET SIZE (1..MAX) OF AttributeTypeAndValue). Throws Asn1Error when malformed. */
export function readName(node: Asn1Node | undefined, what: string): DistinguishedName {
  const rdns: NameAttribute[][] = [];
  const canonicalRdns: string[] = [];
  for (const rdnNode of sequenceOf(node, what)) {
    const atvs = setOf(rdnNode, `${what} RDN`);
    if (atvs.length === 0) throw new Asn1Error('ASN1_UNEXPECTED', `${what}: empty RDN`, rdnNode.offset);
    const rdn: NameAttribute[] = [];
    const canonical: string[] = [];
    for (const atv of atvs) {
      const parts = sequenceOf(atv, `${what} attribute`, 2);
      if (parts.length !== 2) throw new Asn1Error('ASN1_UNEXPECTED', `${what}: attribute with extra elements`, atv.offset);
      const [type, value] = parts;
      const oid = readOid(type, `${what} attribute type`);
      const text = stringValue(value, `${what} attribute value`);
      const der = `#${Buffer.from(value.tlv).toString('hex')}`;
      rdn.push({ oid, value: text ?? der });
      canonical.push(JSON.stringify([oid, text === null ? der : `'${canonicalText(text)}`]));
    }
    rdns.push(rdn);
    canonicalRdns.push(`[${canonical.sort().join(',')}]`);
  }
  const attributes = rdns.flat();
  return {
    der: node!.tlv,
    rdns,
    attributes,
    key: `[${canonicalRdns.join(',')}]`,
    unorderedKey: `[${[...canonicalRdns].sort().join(',')}]`,
    text: attributes.map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${a.value}`).join(', '),
    country: attributes.find((a) => a.oid === OID.countryName)?.value.trim().toUpperCase() ?? null,
  };
}

/** How two names match: 'exact' by RFC 5280 section 7.1, 'reordered' by the leniency above, or null. */
export function matchNames(a: DistinguishedName, b: DistinguishedName): NameMatch | null {
  if (a.key === b.key) return 'exact';
  return a.unorderedKey === b.unorderedKey ? 'reordered' : null;
}

/** The items whose name matches `name`, exact matches first. */
export function byNameMatch<T>(items: readonly T[], nameOf: (item: T) => DistinguishedName, name: DistinguishedName): Array<{ item: T; match: NameMatch }> {
  const out: Array<{ item: T; match: NameMatch }> = [];
  for (const item of items) {
    const match = matchNames(nameOf(item), name);
    if (match) out.push({ item, match });
  }
  return out.sort((x, y) => Number(x.match === 'reordered') - Number(y.match === 'reordered'));
}
