import t from 'tap';
import {
  Asn1Error, derInteger, derOid, derSequence, derTime, derOctetString, parseDer, readInteger, readOid, readTime, readOctetString,
  tryParseDer, type Asn1Node,
} from '../../src/documents/asn1/index.js';
import { CscaStore, verifyPassiveAuthentication } from '../../src/documents/emrtd/index.js';
import * as pki from '../helpers/documents/pki.js';

const bytes = (hex: string) => Buffer.from(hex.replace(/\s+/g, ''), 'hex');
const codeOf = (input: Uint8Array, opts?: Parameters<typeof parseDer>[1]) => {
  const r = tryParseDer(input, opts);
  return 'error' in r ? r.error.code : 'ok';
};

t.test('decodes nested TLVs as views into the input', async (t) => {
  const input = bytes('30 08 02 01 05 04 03 61 62 63');
  const node = parseDer(input);
  t.equal(node.tagClass, 'universal');
  t.equal(node.tagNumber, 16);
  t.equal(node.constructed, true);
  t.equal(node.children.length, 2);
  t.equal(readInteger(node.children[0], 'n'), 5n);
  t.equal(Buffer.from(readOctetString(node.children[1], 's')).toString(), 'abc');
  t.equal(node.children[1].offset, 5);
  t.equal(node.children[1].content.buffer, input.buffer, 'no copy');
  const high = parseDer(bytes('5f 1f 02 41 42'));
  t.equal(high.tagClass, 'application');
  t.equal(high.tagNumber, 31);
});

t.test('DER strictness', async (t) => {
  t.equal(codeOf(bytes('30 80 02 01 05 00 00')), 'ASN1_INDEFINITE_LENGTH');
  t.equal(codeOf(bytes('04 81 03 61 62 63')), 'ASN1_NON_MINIMAL_LENGTH');
  t.equal(codeOf(bytes('04 82 00 03 61 62 63')), 'ASN1_NON_MINIMAL_LENGTH');
  t.equal(codeOf(bytes('04 01 61 00')), 'ASN1_TRAILING_DATA');
  t.equal(codeOf(bytes('04 01 61 00'), { allowTrailingData: true }), 'ok');
  t.equal(codeOf(bytes('00 00')), 'ASN1_BAD_TAG');
  t.equal(codeOf(bytes('1f 80 01 00')), 'ASN1_BAD_TAG');
  t.equal(codeOf(bytes('5f 01 02 30 37')), 'ASN1_BAD_TAG', 'two-octet tag for a low number');
  t.equal(codeOf(bytes('5f 01 02 30 37'), { ldsTags: true }), 'ok', 'as ICAO EF.COM uses it');
  t.equal(codeOf(bytes('04 ff')), 'ASN1_BAD_VALUE');
  t.throws(() => readInteger(parseDer(bytes('02 02 00 05')), 'n'), { code: 'ASN1_BAD_VALUE' }, 'non-minimal INTEGER');
  t.throws(() => readOid(parseDer(bytes('06 02 80 01')), 'oid'), { code: 'ASN1_BAD_VALUE' });
});

t.test('BER mode: indefinite lengths on constructed values only, bounded', async (t) => {
  const node = parseDer(bytes('30 80 02 01 05 a0 80 04 01 41 00 00 00 00'), { mode: 'ber' });
  t.equal(node.indefinite, true);
  t.equal(node.children.length, 2);
  t.equal(node.tlv.length, 14);
  t.equal(codeOf(bytes('04 80 41 00 00'), { mode: 'ber' }), 'ASN1_INDEFINITE_PRIMITIVE');
  t.equal(codeOf(bytes('30 80 02 01 05'), { mode: 'ber' }), 'ASN1_MISSING_END_OF_CONTENTS');
  t.equal(codeOf(bytes('04 81 03 61 62 63'), { mode: 'ber' }), 'ok', 'non-minimal length allowed in BER');
  const constructedOctets = parseDer(bytes('24 80 04 02 41 42 04 01 43 00 00'), { mode: 'ber' });
  t.equal(Buffer.from(readOctetString(constructedOctets, 'x')).toString(), 'ABC');
});

t.test('hostile input: clear errors, no stack overflow, no hang', async (t) => {
  t.equal(codeOf(new Uint8Array(0)), 'ASN1_EMPTY');
  t.equal(codeOf(bytes('30')), 'ASN1_TRUNCATED');
  t.equal(codeOf(bytes('30 05 02 01')), 'ASN1_LENGTH_EXCEEDS_INPUT');
  t.equal(codeOf(bytes('30 84 ff ff ff ff 00')), 'ASN1_LENGTH_EXCEEDS_INPUT');
  t.equal(codeOf(bytes('30 85 01 00 00 00 00')), 'ASN1_LENGTH_TOO_LARGE');
  t.equal(codeOf(bytes('30 83 01 00')), 'ASN1_TRUNCATED');
  t.equal(codeOf(bytes('30 06 02 05 01 02 03 04 05')), 'ASN1_LENGTH_EXCEEDS_INPUT', 'child longer than its parent');

  // 100 000 nested definite SEQUENCEs and 100 000 nested indefinite ones.
  const depth = 100_000;
  const deepIndefinite = Buffer.concat([Buffer.alloc(depth * 2).fill(Buffer.from([0x30, 0x80])), Buffer.alloc(depth * 2)]);
  t.equal(codeOf(deepIndefinite, { mode: 'ber' }), 'ASN1_TOO_DEEP');
  let deep: Buffer = Buffer.from([0x05, 0x00]);
  for (let i = 0; i < 2000; i++) deep = derSequence(deep);
  t.equal(codeOf(deep), 'ASN1_TOO_DEEP');
  t.equal(codeOf(deep, { maxDepth: 3000 }), 'ok', 'depth limit is the only thing stopping it');

  const many = derSequence(...Array.from({ length: 50_000 }, () => Buffer.from([0x05, 0x00])));
  t.equal(codeOf(many, { maxNodes: 10_000 }), 'ASN1_TOO_MANY_NODES');
  const started = Date.now();
  t.equal(codeOf(many), 'ok');
  t.ok(Date.now() - started < 2000, 'linear time');

  const err = tryParseDer(bytes('30 05 02 01'));
  t.ok('error' in err && err.error instanceof Asn1Error);
  t.equal('error' in err && err.error.message, 'length 5 but only 2 byte(s) remain (at byte 0)');
});

t.test('writer and readers round-trip', async (t) => {
  for (const v of [0n, 1n, 127n, 128n, 255n, 256n, -1n, -128n, -129n, 2n ** 64n, -(2n ** 63n)]) {
    t.equal(readInteger(parseDer(derInteger(v)), 'n'), v, `integer ${v}`);
  }
  for (const oid of ['1.2.840.113549.1.7.2', '2.23.136.1.1.1', '0.4.0.127.0.7.1.1.4.1.3', '2.999.1', '1.3.36.3.3.2.8.1.1.7']) {
    t.equal(readOid(parseDer(derOid(oid)), 'oid'), oid);
  }
  for (const iso of ['2026-11-24T12:34:56.000Z', '1999-12-31T23:59:59.000Z', '2050-01-01T00:00:00.000Z']) {
    t.equal(readTime(parseDer(derTime(new Date(iso))), 't').toISOString(), iso);
  }
  t.throws(() => readTime(parseDer(Buffer.from('170d3236303233313030303030305a', 'hex')), 't'), { code: 'ASN1_BAD_VALUE' }, '31 February');
  const long = derOctetString(Buffer.alloc(70_000, 1));
  t.equal(parseDer(long).content.length, 70_000);
});

// Deterministic PRNG so a failure is reproducible.
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(src: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(src);
  const kind = Math.floor(rnd() * 5);
  const at = Math.floor(rnd() * b.length);
  if (kind === 0) b[at] ^= 1 << Math.floor(rnd() * 8);
  else if (kind === 1) b[at] = Math.floor(rnd() * 256);
  else if (kind === 2) return b.subarray(0, at);
  else if (kind === 3) b[at] = [0x80, 0x84, 0xff, 0x00, 0x30][Math.floor(rnd() * 5)];
  else return Buffer.concat([b.subarray(0, at), b.subarray(at, at + Math.floor(rnd() * 40)), b.subarray(at)]);
  return b;
}

t.test('fuzz: mutated SODs and certificates never crash the parser or the verifier', async (t) => {
  const cscaKey = pki.makeKey('p256');
  const name = pki.dn({ C: 'DE', CN: 'Fuzz CSCA' });
  const csca = pki.certificate({ serial: 1, issuer: name, subject: name, notBefore: new Date('2020-01-01'), notAfter: new Date('2040-01-01'), subjectKey: cscaKey, issuerKey: cscaKey, ca: true });
  const dgs = { 1: pki.dg1(['P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<', 'C11T002JM4D<<9608122F2310314<<<<<<<<<<<<<<<4']) };
  const seeds = [
    pki.sod({ dataGroups: dgs, signerCert: csca, signerKey: cscaKey, signerIssuer: name, signerSerial: 1 }),
    pki.sod({ dataGroups: dgs, signerCert: csca, signerKey: cscaKey, signerIssuer: name, signerSerial: 1, ber: true }),
  ];
  const store = new CscaStore();
  store.addCertificate(csca, 'fuzz');
  const rnd = prng(20261124);
  const statuses = new Map<string, number>();
  let asn1Errors = 0;
  const started = Date.now();
  for (let i = 0; i < 3000; i++) {
    const input = mutate(seeds[i % 2], rnd);
    const parsed = tryParseDer(input, { mode: 'ber' });
    if ('error' in parsed) asn1Errors++;
    let status = 'threw';
    try {
      status = verifyPassiveAuthentication({ sod: input, dataGroups: dgs, store, now: new Date('2026-11-24') }).status;
    } catch (e) {
      t.fail(`iteration ${i} threw ${(e as Error).stack}`);
    }
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
  t.notOk(statuses.has('threw'));
  t.ok(asn1Errors > 500, `many mutations are structurally broken (${asn1Errors})`);
  t.ok((statuses.get('error') ?? 0) > 500, 'unreadable SODs report error');
  t.ok((statuses.get('invalid') ?? 0) > 100, 'readable but altered SODs report invalid');
  // Only mutations of unsigned bytes (e.g. the SignedData version) can still verify.
  t.ok((statuses.get('valid') ?? 0) < 300, 'few mutations leave it valid');
  t.ok(Date.now() - started < 60_000, 'bounded time');
  t.comment(JSON.stringify(Object.fromEntries(statuses)));
});

t.test('walking the tree of a parsed node never revisits bytes outside the input', async (t) => {
  const sodBytes = pki.sod({ dataGroups: { 1: pki.dg1(['I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<']) },
    signerCert: pki.certificate({ serial: 2, issuer: pki.dn({ C: 'DE', CN: 'x' }), subject: pki.dn({ C: 'DE', CN: 'x' }), notBefore: new Date('2020-01-01'), notAfter: new Date('2030-01-01'), subjectKey: pki.makeKey('p256'), issuerKey: pki.makeKey('p256'), ca: false }),
    signerKey: pki.makeKey('p256'), signerIssuer: pki.dn({ C: 'DE', CN: 'x' }), signerSerial: 2 });
  const root = parseDer(sodBytes);
  let count = 0;
  let outside = 0;
  const walk = (n: Asn1Node) => {
    count++;
    if (n.offset + n.tlv.length > sodBytes.length || n.content.length > n.tlv.length) outside++;
    n.children.forEach(walk);
  };
  walk(root);
  t.ok(count > 50);
  t.equal(outside, 0);
});
