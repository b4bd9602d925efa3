// One audit record as one RFC 5424 syslog message, framed for TCP by RFC 6587 octet counting:
//   MSG-LEN SP <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [proofgate@32473 seq="…" hash="…" …] BOM{record JSON}
// PRI: the configured facility × 8 + a severity from the decision (verified 5 notice, denied 4 warning,
// unavailable 3 error, erased 5 notice: an operator's erasure request, changed 5 notice: a change to the trusted stations). TIMESTAMP: when the record was written (UTC, milliseconds). MSGID: the record's
// event type, `${flow}.${decision}` (e.g. returning.verified, none.denied). STRUCTURED-DATA: one element
// under the documentation enterprise number of RFC 5612 (32473), carrying what a SIEM filters and dedupes
// on. MSG: the record's canonical JSON (the same object audit-export writes), UTF-8 behind a BOM.
import { hostname as machineHostname } from 'node:os';
import { SYSLOG_FACILITIES, type SyslogFacility } from '../../config/sections/audit.js';
import type { AuditDecision, AuditRecord } from '../../core/domain.js';
import { canonicalJson } from '../canonical-json.js';

/** The SD-ID of proofgate's element: a private name under RFC 5612's documentation enterprise number. */
export const PROOFGATE_SD_ID = 'proofgate@32473';

/** Severity (RFC 5424 table 2) of a record by its decision. */
export const SEVERITY_BY_DECISION: Readonly<Record<AuditDecision, number>> = { verified: 5, denied: 4, unavailable: 3, erased: 5, changed: 5 };

export interface SyslogHeader {
  facility: SyslogFacility;
  hostname: string;
  appName: string;
  procId: string;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const PRINTUSASCII = /^[!-~]+$/;

/** A header field, or the NILVALUE when the value is not 1..max printable ASCII characters (RFC 5424 6.2). */
function headerField(value: string | null, max: number): string {
  return value !== null && value.length <= max && PRINTUSASCII.test(value) ? value : '-';
}

/** The header fields for this process: the configured host name, else the machine's. */
export function syslogHeader(opts: { facility: SyslogFacility; appName: string; hostname: string | null }): SyslogHeader {
  return {
    facility: opts.facility,
    hostname: headerField(opts.hostname ?? machineHostname(), 255),
    appName: headerField(opts.appName, 48),
    procId: String(process.pid),
  };
}

/** The record's event type (MSGID): one of ten values, at most 22 characters. */
export function auditEventType(record: Pick<AuditRecord, 'flow' | 'decision'>): string {
  return `${record.flow}.${record.decision}`;
}

/** RFC 5424 6.3.3: `"`, `\` and `]` inside a PARAM-VALUE are escaped with a backslash. */
export function escapeParamValue(value: string): string {
  return value.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** RFC 5424 TIMESTAMP of a record: UTC with milliseconds, or the NILVALUE outside years 0000..9999. */
function timestamp(at: number): string {
  const date = new Date(at);
  const text = Number.isNaN(date.getTime()) ? '' : date.toISOString();
  return /^\d{4}-/.test(text) ? text : '-';
}

function structuredData(record: AuditRecord): string {
  const params: [string, string | null][] = [
    ['seq', String(record.seq)],
    ['hash', record.hash],
    ['outcome', record.decision],
    ['flow', record.flow],
    ['sessionId', record.sessionId],
    ['clientRequestId', record.clientRequestId],
    // Who acted, for records of acts by staff or API tokens: a SIEM rule on one agent needs no JSON parsing.
    ['actorKind', record.actor?.kind ?? null],
    ['actorId', record.actor?.id ?? null],
    ['actorRole', record.actor?.role ?? null],
  ];
  const body = params.filter(([, v]) => v !== null).map(([k, v]) => ` ${k}="${escapeParamValue(v!)}"`).join('');
  return `[${PROOFGATE_SD_ID}${body}]`;
}

/** The RFC 5424 message (without framing) for one record. */
export function syslogMessage(record: AuditRecord, header: SyslogHeader): Buffer {
  const pri = SYSLOG_FACILITIES[header.facility] * 8 + (SEVERITY_BY_DECISION[record.decision] ?? 3);
  const head = `<${pri}>1 ${timestamp(record.at)} ${header.hostname} ${header.appName} ${header.procId} ${auditEventType(record)} ${structuredData(record)} `;
  return Buffer.concat([Buffer.from(head, 'utf8'), BOM, Buffer.from(canonicalJson(record), 'utf8')]);
}

/** RFC 6587 3.4.1 octet counting: the message's length in octets, a space, the message. */
export function octetCountedFrame(message: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${message.length} `, 'ascii'), message]);
}
