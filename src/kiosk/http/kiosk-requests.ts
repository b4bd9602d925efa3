// The loopback API's request bodies, read field by field into plain values; anything else is refused
// with a message naming the field.
import type { ChipAccessKey } from '../devices/chip-port.js';

export class BadKioskRequest extends Error {}

const SESSION_ID = /^[A-Za-z0-9_-]{16,128}$/;
const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const DOCUMENT_NUMBER = /^[A-Z0-9<]{1,22}$/;
const YYMMDD = /^\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const CAN = /^\d{6}$/;

type Body = Record<string, unknown>;

function only(body: Body, keys: readonly string[]): void {
  const extra = Object.keys(body).find((k) => !keys.includes(k));
  if (extra !== undefined) throw new BadKioskRequest(`unknown field "${extra.slice(0, 40)}"`);
}

function field(body: Body, key: string, pattern: RegExp, what: string): string {
  const v = body[key];
  if (typeof v !== 'string' || !pattern.test(v)) throw new BadKioskRequest(`${key} must be ${what}`);
  return v;
}

export interface SessionRequest { sessionId: string; nonce: string }

/** {sessionId, nonce}: the appliance session the page shows, and its challenge nonce (data-challenge-nonce). */
export function readSessionRequest(body: Body, extra: readonly string[] = []): SessionRequest {
  only(body, ['sessionId', 'nonce', ...extra]);
  return {
    sessionId: field(body, 'sessionId', SESSION_ID, 'the verification session id (16 to 128 of A-Z a-z 0-9 _ -)'),
    nonce: field(body, 'nonce', NONCE, 'the session\'s challenge nonce (16 to 128 of A-Z a-z 0-9 _ -)'),
  };
}

/** {sessionId, nonce, accessKey: {documentNumber, dateOfBirth, dateOfExpiry} | {can}}. */
export function readChipRequest(body: Body): SessionRequest & { accessKey: ChipAccessKey } {
  const base = readSessionRequest(body, ['accessKey']);
  const k = body.accessKey;
  if (k === null || typeof k !== 'object' || Array.isArray(k)) throw new BadKioskRequest('accessKey must be {documentNumber, dateOfBirth, dateOfExpiry} or {can}');
  const key = k as Body;
  if ('can' in key) {
    only(key, ['can']);
    return { ...base, accessKey: { can: field(key, 'can', CAN, 'the 6-digit card access number') } };
  }
  only(key, ['documentNumber', 'dateOfBirth', 'dateOfExpiry']);
  return {
    ...base,
    accessKey: {
      documentNumber: field(key, 'documentNumber', DOCUMENT_NUMBER, 'the MRZ document number (1 to 22 of A-Z 0-9 <)'),
      dateOfBirth: field(key, 'dateOfBirth', YYMMDD, 'a date as YYMMDD'),
      dateOfExpiry: field(key, 'dateOfExpiry', YYMMDD, 'a date as YYMMDD'),
    },
  };
}

/** {sessionId?}: one session, or every session when absent. */
export function readResetRequest(body: Body): { sessionId: string | null } {
  only(body, ['sessionId']);
  return { sessionId: body.sessionId === undefined ? null : field(body, 'sessionId', SESSION_ID, 'the verification session id') };
}

const STAFF_ID = /^[0-9a-f]{32}$/;

/** {operator: <staff id> | null}: the kiosk operator who signed in at the station, or sign-out. */
export function readOperatorRequest(body: Body): { operator: string | null } {
  only(body, ['operator']);
  if (body.operator === null) return { operator: null };
  return { operator: field(body, 'operator', STAFF_ID, 'a staff id (32 lowercase hex characters) or null') };
}
