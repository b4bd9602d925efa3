// The strict receiver the feed is tested against, proved both ways: it accepts RFC 5424's own examples
// and proofgate's messages, and refuses (with the reason) every malformed frame and message below. Then
// the message proofgate writes for a record, field by field, with PARAM-VALUE escaping.
import t from 'tap';
import { canonicalJson } from '../../src/audit/canonical-json.js';
import { auditEventType, escapeParamValue, octetCountedFrame, syslogHeader, syslogMessage } from '../../src/audit/feed/syslog-message.js';
import type { AuditRecord } from '../../src/core/domain.js';
import { OctetCountingDeframer, parseRfc5424 } from '../helpers/syslog-parser.js';
import { auditEntryFixture } from '../helpers/store-fixtures.js';

const BOM = '\u{feff}';
const msg = (text: string) => Buffer.from(text.replace('BOM', BOM), 'utf8');

t.test('accepts the examples of RFC 5424 section 6.5', async (t) => {
  t.match(parseRfc5424(msg("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - BOM'su root' failed for lonvick on /dev/pts/8")), {
    pri: 34, facility: 4, severity: 2, timestamp: '2003-10-11T22:14:15.003Z', hostname: 'mymachine.example.com', appName: 'su', procId: null,
    msgId: 'ID47', structuredData: [], msg: "'su root' failed for lonvick on /dev/pts/8", msgIsUtf8: true,
  });
  t.match(parseRfc5424(msg("<165>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time to make the do-nuts.")), {
    pri: 165, timestamp: '2003-08-24T05:14:15.000003-07:00', procId: '8710', msgId: null, msg: "%% It's time to make the do-nuts.", msgIsUtf8: false,
  });
  t.same(parseRfc5424(msg('<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"]')).structuredData, [
    { id: 'exampleSDID@32473', params: [['iut', '3'], ['eventSource', 'Application'], ['eventID', '1011']] },
    { id: 'examplePriority@32473', params: [['class', 'high']] },
  ]);
  t.same(parseRfc5424(msg('<0>1 - - - - - [meta sequenceId="1"]')).structuredData, [{ id: 'meta', params: [['sequenceId', '1']] }], 'an IANA-registered SD-ID');
  t.same(parseRfc5424(msg('<13>1 - h a p m [x@32473 v="q\\"b\\\\s\\]e"]')).structuredData[0].params, [['v', 'q"b\\s]e']], 'escaped ", \\ and ]');
});

t.test('refuses every malformed message, saying why', async (t) => {
  const good = '<13>1 2026-01-01T00:00:01.000Z host app 42 none.denied [x@32473 a="1"] BOM{}';
  t.ok(parseRfc5424(msg(good)), 'the base case parses');
  const cases: [string, string, RegExp][] = [
    ['no PRI', good.replace('<13>', ''), /expected "<" opening PRI/],
    ['PRI over 191', good.replace('<13>', '<192>'), /PRI 192 is more than 191/],
    ['PRI with a leading zero', good.replace('<13>', '<013>'), /PRI "013" is not 1 to 3 digits/],
    ['PRI not closed', good.replace('<13>', '<13'), /expected ">" closing PRI/],
    ['VERSION 2', good.replace('<13>1', '<13>2'), /VERSION "2" is not 1/],
    ['no VERSION', good.replace('<13>1 ', '<13> '), /VERSION is empty/],
    ['two spaces', good.replace('host ', 'host  '), /APP-NAME is empty/],
    ['a date that does not exist', good.replace('2026-01-01', '2026-02-30'), /no such date/],
    ['a leap second', good.replace('00:00:01', '23:59:60'), /no such time/],
    ['a space instead of T', good.replace('01T00', '01 00'), /not FULL-DATE "T" FULL-TIME/],
    ['seven fraction digits', good.replace('.000Z', '.0000000Z'), /not FULL-DATE/],
    ['no offset', good.replace('.000Z', '.000'), /not FULL-DATE/],
    ['a HOSTNAME of 256 octets', good.replace('host', 'h'.repeat(256)), /HOSTNAME is 256 octets, more than 255/],
    ['an APP-NAME of 49 octets', good.replace(' app ', ` ${'a'.repeat(49)} `), /APP-NAME is 49 octets, more than 48/],
    ['a MSGID of 33 octets', good.replace('none.denied', 'm'.repeat(33)), /MSGID is 33 octets, more than 32/],
    ['a non-ASCII HOSTNAME', good.replace('host', 'hôst'), /HOSTNAME has a byte outside PRINTUSASCII/],
    ['no STRUCTURED-DATA', good.replace(' [x@32473 a="1"]', ''), /STRUCTURED-DATA is neither "-" nor an SD-ELEMENT/],
    ['an unregistered SD-ID', good.replace('x@32473', 'exampleSDID'), /SD-ID exampleSDID has no @enterprise-number/],
    ['a bad enterprise number', good.replace('x@32473', 'x@32473x'), /SD-ID x@32473x is not name@private-enterprise-number/],
    ['an SD-ID of 33 octets', good.replace('x@32473', `${'x'.repeat(27)}@32473`), /SD-ID "x+@32473" is not 1 to 32 characters/],
    ['the same SD-ID twice', good.replace('[x@32473 a="1"]', '[x@32473 a="1"][x@32473 b="2"]'), /SD-ID x@32473 appears twice/],
    ['an unescaped ] in a value', good.replace('a="1"', 'a="1]"'), /an unescaped "\]" inside PARAM-VALUE/],
    ['a backslash escaping nothing', good.replace('a="1"', 'a="1\\n"'), /a backslash that escapes nothing/],
    ['an unquoted value', good.replace('a="1"', 'a=1'), /expected a quote opening the value of a/],
    ['a value never closed', '<13>1 - - - - - [x@32473 a="1', /PARAM-VALUE is not closed by a quote/],
    ['an element never closed', '<13>1 - - - - - [x@32473 a="1"', /expected "\]" closing SD-ELEMENT x@32473/],
    ['an element never closed, MSG behind it', good.replace('a="1"]', 'a="1"'), /PARAM-NAME has a byte outside PRINTUSASCII/],
    ['MSG glued to the SD', good.replace('] BOM', ']BOM'), /expected SP before MSG/],
  ];
  for (const [why, text, reason] of cases) t.throws(() => parseRfc5424(msg(text)), { name: 'SyslogFormatError', message: reason }, why);
  t.throws(() => parseRfc5424(Buffer.concat([msg(good.replace('BOM{}', 'BOM')), Buffer.from([0xc3, 0x28])])), { message: /MSG after its BOM is not valid UTF-8/ });
  t.throws(() => parseRfc5424(Buffer.concat([msg('<13>1 - - - - - [x@32473 a="'), Buffer.from([0xff]), msg('"]')])), { message: /PARAM-VALUE is not valid UTF-8/ });
});

t.test('octet counting: frames split anywhere are reassembled; broken framing is refused', async (t) => {
  const a = msg('<13>1 - - - - - - BOMone');
  const b = msg('<13>1 - - - - - - BOMtwo');
  const stream = Buffer.concat([octetCountedFrame(a), octetCountedFrame(b)]);
  const d = new OctetCountingDeframer();
  const frames: Buffer[] = [];
  for (const byte of stream) frames.push(...d.push(Buffer.from([byte])));
  d.end();
  t.same(frames.map((f) => parseRfc5424(f).msg), ['one', 'two']);
  t.equal(octetCountedFrame(a).toString('latin1').split(' ')[0], String(a.length), 'MSG-LEN counts octets (the BOM is 3), not characters');

  const refusals: [string, Buffer, RegExp][] = [
    ['non-transparent framing', Buffer.from('<13>1 - - - - - hi\n'), /non-transparent framing/],
    ['a leading zero', Buffer.from('012 <13>1 - - - - -'), /MSG-LEN does not start with a non-zero digit/],
    ['no SP after MSG-LEN', Buffer.from('12\n<13>1 - - - - -'), /MSG-LEN 12 is not followed by SP/],
    ['a frame over the limit', Buffer.from('99999999 <13>'), /MSG-LEN 99999999 is more than 65536/],
  ];
  for (const [why, bytes, reason] of refusals) t.throws(() => new OctetCountingDeframer().push(bytes), { message: reason }, why);
  const cut = new OctetCountingDeframer();
  t.same(cut.push(Buffer.from('20 <13>1 - -')), []);
  t.throws(() => cut.end(), { message: 'the stream ended inside a frame (12 octet(s) left)' });
  const short = new OctetCountingDeframer();
  t.throws(() => short.push(Buffer.from('3 <13>1 - - - - - -')), { message: 'MSG-LEN does not start with a non-zero digit (octet 0x3e)' },
    'a MSG-LEN shorter than the message leaves the rest, which is no frame');
  t.throws(() => parseRfc5424(Buffer.from('<13')), { message: /expected ">" closing PRI/ }, 'and the frame it cut off is refused too');
});

t.test('a record as a syslog message: PRI, TIMESTAMP, MSGID, structured data, the record as MSG', async (t) => {
  const record: AuditRecord = {
    ...auditEntryFixture(7, { decision: 'denied', clientRequestId: 'odd "id\\with]brackets' }),
    seq: 7, prevHash: 'c'.repeat(64), hash: 'd'.repeat(64), mac: 'e'.repeat(64),
  };
  const header = syslogHeader({ facility: 'local4', appName: 'proofgate', hostname: 'gate-1.example.test' });
  const bytes = syslogMessage(record, header);
  const text = bytes.toString('utf8');
  t.equal(text, `<164>1 2026-01-01T00:00:07.000Z gate-1.example.test proofgate ${process.pid} returning.denied `
    + `[proofgate@32473 seq="7" hash="${'d'.repeat(64)}" outcome="denied" flow="returning" sessionId="session-7" clientRequestId="odd \\"id\\\\with\\]brackets"] `
    + `${BOM}${canonicalJson(record)}`);
  const parsed = parseRfc5424(bytes);
  t.match(parsed, { facility: 20, severity: 4, msgId: 'returning.denied', msgIsUtf8: true });
  t.same(parsed.structuredData[0].params.find(([k]) => k === 'clientRequestId'), ['clientRequestId', 'odd "id\\with]brackets'], 'escaping round-trips');
  t.same(JSON.parse(parsed.msg!), record, 'MSG is the whole record');
  t.equal(escapeParamValue('a"b\\c]d'), 'a\\"b\\\\c\\]d');

  const verified = syslogMessage({ ...record, decision: 'verified', sessionId: null, clientRequestId: null }, header);
  t.match(parseRfc5424(verified), { severity: 5 });
  t.same(parseRfc5424(verified).structuredData[0].params.map(([k]) => k), ['seq', 'hash', 'outcome', 'flow'], 'null ids are left out, not sent empty');
  t.match(parseRfc5424(syslogMessage({ ...record, decision: 'unavailable' }, header)), { severity: 3 });
  t.equal(auditEventType({ flow: 'none', decision: 'denied' }), 'none.denied');
  t.match(parseRfc5424(syslogMessage(record, syslogHeader({ facility: 'authpriv', appName: 'proofgate', hostname: null }))), { facility: 10 },
    'the machine\'s host name by default');
  t.match(parseRfc5424(syslogMessage({ ...record, at: 253402300800000 }, header)), { timestamp: null }, 'a time past year 9999 is sent as the NILVALUE');
});
