// A strict RFC 5424 parser and RFC 6587 octet-counting deframer: the receiver the feed is tested
// against (syslog-receiver.ts). It refuses, with the reason, anything the RFCs do not allow, and is
// stricter than the RFC in two places where proofgate's sender must be exact: VERSION must be 1, and a
// backslash in a PARAM-VALUE must escape `"`, `\` or `]` (RFC 5424 6.3.3 lets a receiver keep others).

export class SyslogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SyslogFormatError';
  }
}

export interface SdElement {
  id: string;
  params: [string, string][];
}

export interface SyslogMessage {
  pri: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: string | null;
  hostname: string | null;
  appName: string | null;
  procId: string | null;
  msgId: string | null;
  structuredData: SdElement[];
  /** MSG as text (UTF-8 after a BOM, latin1 for MSG-ANY), null when absent. */
  msg: string | null;
  msgIsUtf8: boolean;
}

const fail = (why: string): never => {
  throw new SyslogFormatError(why);
};

const SP = 0x20;
const isPrintUsAscii = (b: number) => b >= 33 && b <= 126;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** SD-IDs without an enterprise number must be IANA-registered (RFC 5424 7). */
const REGISTERED_SD_IDS = new Set(['timeQuality', 'origin', 'meta']);

function decodeUtf8(bytes: Buffer, what: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return fail(`${what} is not valid UTF-8`);
  }
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkTimestamp(ts: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-](\d{2}):(\d{2}))$/.exec(ts);
  if (!m) fail(`TIMESTAMP ${JSON.stringify(ts)} is not FULL-DATE "T" FULL-TIME`);
  const [year, month, day, hour, minute, second] = m!.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) fail(`TIMESTAMP ${ts}: no such date`);
  // RFC 5424 6.2.3: leap seconds MUST NOT be used.
  if (hour > 23 || minute > 59 || second > 59) fail(`TIMESTAMP ${ts}: no such time`);
  if (m![9] !== undefined && (Number(m![9]) > 23 || Number(m![10]) > 59)) fail(`TIMESTAMP ${ts}: no such offset`);
}

class Cursor {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  get done(): boolean {
    return this.pos >= this.buf.length;
  }
  peek(): number {
    return this.buf[this.pos];
  }
  expect(byte: number, what: string): void {
    if (this.buf[this.pos] !== byte) fail(`expected ${what} at octet ${this.pos}`);
    this.pos += 1;
  }
  /** A header field: 1..max PRINTUSASCII up to the next SP (consumed), or the NILVALUE. */
  field(name: string, max: number): string | null {
    const start = this.pos;
    while (!this.done && this.buf[this.pos] !== SP) {
      if (!isPrintUsAscii(this.buf[this.pos])) fail(`${name} has a byte outside PRINTUSASCII at octet ${this.pos}`);
      this.pos += 1;
    }
    const text = this.buf.toString('ascii', start, this.pos);
    if (text.length === 0) fail(`${name} is empty (two spaces in the header?)`);
    if (text.length > max) fail(`${name} is ${text.length} octets, more than ${max}`);
    this.expect(SP, `SP after ${name}`);
    return text === '-' ? null : text;
  }
  sdName(what: string): string {
    const start = this.pos;
    while (!this.done) {
      const b = this.buf[this.pos];
      if (b === 0x3d || b === SP || b === 0x5d || b === 0x22) break;
      if (!isPrintUsAscii(b)) fail(`${what} has a byte outside PRINTUSASCII at octet ${this.pos}`);
      this.pos += 1;
    }
    const name = this.buf.toString('ascii', start, this.pos);
    if (name.length < 1 || name.length > 32) fail(`${what} ${JSON.stringify(name)} is not 1 to 32 characters`);
    return name;
  }
  paramValue(): string {
    const out: number[] = [];
    for (;;) {
      if (this.done) fail('PARAM-VALUE is not closed by a quote');
      const b = this.buf[this.pos];
      this.pos += 1;
      if (b === 0x22) break;
      if (b === 0x5d) fail(`an unescaped "]" inside PARAM-VALUE at octet ${this.pos - 1}`);
      if (b === 0x5c) {
        const next = this.buf[this.pos];
        if (next !== 0x22 && next !== 0x5c && next !== 0x5d) fail(`a backslash that escapes nothing inside PARAM-VALUE at octet ${this.pos - 1}`);
        out.push(next);
        this.pos += 1;
        continue;
      }
      out.push(b);
    }
    return decodeUtf8(Buffer.from(out), 'PARAM-VALUE');
  }
}

function checkSdId(id: string): void {
  const at = id.indexOf('@');
  if (at < 0) {
    if (!REGISTERED_SD_IDS.has(id)) fail(`SD-ID ${id} has no @enterprise-number and is not IANA-registered`);
    return;
  }
  if (at === 0 || id.indexOf('@', at + 1) >= 0 || !/^[0-9]+(\.[0-9]+)*$/.test(id.slice(at + 1))) {
    fail(`SD-ID ${id} is not name@private-enterprise-number`);
  }
}

/** Parses one RFC 5424 SYSLOG-MSG (the octets a frame carried); throws SyslogFormatError with the reason. */
export function parseRfc5424(bytes: Buffer): SyslogMessage {
  const c = new Cursor(bytes);
  c.expect(0x3c, '"<" opening PRI');
  const priStart = c.pos;
  while (!c.done && c.peek() >= 0x30 && c.peek() <= 0x39) c.pos += 1;
  const priText = bytes.toString('ascii', priStart, c.pos);
  if (priText.length < 1 || priText.length > 3 || (priText.length > 1 && priText[0] === '0')) fail(`PRI ${JSON.stringify(priText)} is not 1 to 3 digits without a leading zero`);
  const pri = Number(priText);
  if (pri > 191) fail(`PRI ${pri} is more than 191`);
  c.expect(0x3e, '">" closing PRI');
  const versionText = c.field('VERSION', 3);
  if (versionText !== '1') fail(`VERSION ${JSON.stringify(versionText)} is not 1`);
  const timestamp = c.field('TIMESTAMP', 32);
  if (timestamp !== null) checkTimestamp(timestamp);
  const hostname = c.field('HOSTNAME', 255);
  const appName = c.field('APP-NAME', 48);
  const procId = c.field('PROCID', 128);
  const msgId = c.field('MSGID', 32);

  const structuredData: SdElement[] = [];
  if (c.peek() === 0x2d) {
    c.pos += 1;
  } else {
    if (c.peek() !== 0x5b) fail(`STRUCTURED-DATA is neither "-" nor an SD-ELEMENT at octet ${c.pos}`);
    while (!c.done && c.peek() === 0x5b) {
      c.pos += 1;
      const id = c.sdName('SD-ID');
      checkSdId(id);
      if (structuredData.some((e) => e.id === id)) fail(`SD-ID ${id} appears twice`);
      const params: [string, string][] = [];
      while (c.peek() === SP) {
        c.pos += 1;
        const name = c.sdName('PARAM-NAME');
        c.expect(0x3d, `"=" after PARAM-NAME ${name}`);
        c.expect(0x22, `a quote opening the value of ${name}`);
        params.push([name, c.paramValue()]);
      }
      c.expect(0x5d, `"]" closing SD-ELEMENT ${id}`);
      structuredData.push({ id, params });
    }
  }
  let msg: string | null = null;
  let msgIsUtf8 = false;
  if (!c.done) {
    c.expect(SP, 'SP before MSG');
    const body = bytes.subarray(c.pos);
    if (body.length >= 3 && body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) {
      msg = decodeUtf8(body.subarray(3), 'MSG after its BOM');
      msgIsUtf8 = true;
    } else {
      msg = body.toString('latin1');
    }
  }
  return {
    pri, facility: pri >> 3, severity: pri & 7, version: 1, timestamp, hostname, appName, procId, msgId, structuredData, msg, msgIsUtf8,
  };
}

/**
 * RFC 6587 3.4.1 octet counting on a TCP stream: MSG-LEN (a NONZERO-DIGIT then DIGITs) SP, then exactly
 * MSG-LEN octets. push() returns the complete frames; it throws on a malformed header (including the
 * non-transparent framing of 3.4.2, which starts with "<"), end() on a stream cut inside a frame.
 */
export class OctetCountingDeframer {
  #buffer = Buffer.alloc(0);
  readonly maxFrame: number;

  constructor(maxFrame = 64 * 1024) {
    this.maxFrame = maxFrame;
  }

  push(chunk: Buffer): Buffer[] {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    const frames: Buffer[] = [];
    for (;;) {
      if (this.#buffer.length === 0) return frames;
      const first = this.#buffer[0];
      if (first === 0x3c) fail('a frame starts with "<": non-transparent framing, not octet counting');
      if (first < 0x31 || first > 0x39) fail(`MSG-LEN does not start with a non-zero digit (octet 0x${first.toString(16)})`);
      let i = 1;
      while (i < this.#buffer.length && this.#buffer[i] >= 0x30 && this.#buffer[i] <= 0x39) i += 1;
      const digits = this.#buffer.toString('ascii', 0, i);
      if (Number(digits) > this.maxFrame) fail(`MSG-LEN ${digits} is more than ${this.maxFrame}`);
      if (i === this.#buffer.length) return frames; // the length is still arriving
      if (this.#buffer[i] !== SP) fail(`MSG-LEN ${digits} is not followed by SP`);
      const length = Number(digits);
      if (this.#buffer.length < i + 1 + length) return frames;
      frames.push(this.#buffer.subarray(i + 1, i + 1 + length));
      this.#buffer = this.#buffer.subarray(i + 1 + length);
    }
  }

  end(): void {
    if (this.#buffer.length > 0) fail(`the stream ended inside a frame (${this.#buffer.length} octet(s) left)`);
  }
}
