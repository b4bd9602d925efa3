import t from 'tap';
import {
  derBitString, derContext, derInteger, derOid, derSetOf, derTime, derTlv,
} from '../../src/asn1/der-writer.js';

t.test('DER writer: known encodings', async (t) => {
  t.equal(derOid('1.2.840.113549.1.1.11').toString('hex'), '06092a864886f70d01010b', 'sha256WithRSAEncryption (RFC 4055)');
  t.equal(derOid('2.5.4.3').toString('hex'), '0603550403', 'id-at-commonName');
  t.equal(derOid('2.999.3').toString('hex'), '0603883703', 'X.690 8.19.5 example: first subidentifier above 127');
  t.equal(derInteger(Buffer.from([0x80])).toString('hex'), '02020080', 'sign padding for a high first bit');
  t.equal(derInteger(Buffer.from([0, 0, 0x7f])).toString('hex'), '02017f', 'leading zeros dropped');
  t.equal(derInteger(0).toString('hex'), '020100');
  t.equal(derInteger(2).toString('hex'), '020102');
  t.equal(derInteger(-129).toString('hex'), '0202ff7f', 'two\'s complement');
  t.equal(derTlv(0x04, Buffer.alloc(127)).subarray(0, 2).toString('hex'), '047f', 'short length');
  t.equal(derTlv(0x04, Buffer.alloc(128)).subarray(0, 3).toString('hex'), '048180', 'long length, one byte');
  t.equal(derTlv(0x04, Buffer.alloc(300)).subarray(0, 4).toString('hex'), '0482012c', 'long length, two bytes');
  t.equal(derBitString(Buffer.from([0x84]), 2).toString('hex'), '03020284', 'unused-bit count comes first');
  t.equal(derContext(0, derInteger(2)).toString('hex'), 'a003020102', '[0] EXPLICIT');
  t.equal(derSetOf(Buffer.from('0401bb', 'hex'), Buffer.from('0401aa', 'hex')).toString('hex'), '31060401aa0401bb', 'SET OF sorted by encoding');
});

t.test('DER writer: times', async (t) => {
  t.equal(derTime(new Date(Date.UTC(2049, 11, 31, 23, 59, 59))).toString('ascii', 2), '491231235959Z', 'UTCTime through 2049');
  t.equal(derTime(new Date(Date.UTC(2050, 0, 1))).toString('ascii', 2), '20500101000000Z', 'GeneralizedTime from 2050');
  t.equal(derTime(new Date(Date.UTC(2050, 0, 1)))[0], 0x18);
  t.equal(derTime(new Date(Date.UTC(1949, 11, 31)))[0], 0x18, 'GeneralizedTime before 1950');
  t.throws(() => derTime(new Date(Date.UTC(10000, 0, 1))), { name: 'RangeError', message: 'derTime: year 10000 outside 0000..9999' });
});

t.test('DER writer: malformed OIDs are refused', async (t) => {
  t.throws(() => derOid('1'), RangeError);
  t.throws(() => derOid('1.2.x'), { name: 'RangeError', message: 'OID arcs must be non-negative integers: 1.2.x' });
  t.throws(() => derOid('1.-2.3'), RangeError);
  t.throws(() => derOid('1.2.'), RangeError);
  t.throws(() => derOid('3.1'), { name: 'RangeError', message: 'OID first arcs out of range: 3.1' });
  t.throws(() => derOid('1.40'), RangeError);
});
