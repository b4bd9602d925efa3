// The 'document-chip' capture: what a kiosk's chip reader read from an eMRTD, sent as one UTF-8 JSON
// container (mediaType application/octet-stream; DG2 alone is tens of kilobytes, too large for meta):
//   {"sod": "<base64 EF.SOD>",
//    "dataGroups": {"1": "<base64 DG1>", "2": "<base64 DG2>", ...},      (each the whole TLV, as read)
//    "activeAuthentication": {"challenge": "<base64>", "response": "<base64>"},   (optional)
//    "chipAuthentication": {"terminalPrivateKey": "<base64>", "keyId"?: n, "protocol"?: "<OID>",   (optional)
//       "terminalPublicKey"?: "<base64>",
//       version 1: "protectedResponse": "<base64>", "sendSequenceCounter"?: n,
//       version 2: "nonce": "<base64>", "authenticationToken": "<base64>"}}
// Malformed containers are refused with a typed 400 before anything is stored.
import { ProofgateError } from '../../core/errors.js';
import type { ChipReading } from '../../documents/document-verifier.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_DATA_GROUPS = 16;

const bad = (message: string) => new ProofgateError('ERR_BAD_REQUEST', `document-chip: ${message}`, { status: 400 });

function base64Field(value: unknown, at: string): Uint8Array {
  if (typeof value !== 'string' || value.length === 0 || value.length % 4 !== 0 || !BASE64.test(value)) {
    throw bad(`${at} must be non-empty standard base64`);
  }
  return new Uint8Array(Buffer.from(value, 'base64'));
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], at: string): void {
  const unknown = Object.keys(o).find((k) => !allowed.includes(k));
  if (unknown !== undefined) throw bad(`${at} has an unknown field "${unknown.slice(0, 40)}"`);
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export function parseChipContainer(bytes: Buffer): ChipReading {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw bad('the capture must be a UTF-8 JSON container {sod, dataGroups, activeAuthentication?, chipAuthentication?}');
  }
  if (!isObject(parsed)) throw bad('the container must be a JSON object');
  onlyKeys(parsed, ['sod', 'dataGroups', 'activeAuthentication', 'chipAuthentication'], 'the container');
  const sod = base64Field(parsed.sod, 'sod');
  if (!isObject(parsed.dataGroups)) throw bad('dataGroups must be an object keyed by data-group number');
  const entries = Object.entries(parsed.dataGroups);
  if (entries.length === 0 || entries.length > MAX_DATA_GROUPS) throw bad(`dataGroups must hold 1 to ${MAX_DATA_GROUPS} data groups`);
  const dataGroups = new Map<number, Uint8Array>();
  for (const [key, value] of entries) {
    if (!/^(?:[1-9]|1[0-6])$/.test(key)) throw bad(`dataGroups key "${key.slice(0, 8)}" is not a data-group number 1..16`);
    dataGroups.set(Number(key), base64Field(value, `dataGroups.${key}`));
  }
  let activeAuthentication: ChipReading['activeAuthentication'];
  if (parsed.activeAuthentication !== undefined) {
    const aa = parsed.activeAuthentication;
    if (!isObject(aa)) throw bad('activeAuthentication must be an object {challenge, response}');
    onlyKeys(aa, ['challenge', 'response'], 'activeAuthentication');
    activeAuthentication = { challenge: base64Field(aa.challenge, 'activeAuthentication.challenge'), response: base64Field(aa.response, 'activeAuthentication.response') };
  }
  const chipAuthentication = parsed.chipAuthentication === undefined ? undefined : parseChipAuthentication(parsed.chipAuthentication);
  return { sod, dataGroups, ...(activeAuthentication ? { activeAuthentication } : {}), ...(chipAuthentication ? { chipAuthentication } : {}) };
}

const CA_FIELDS = ['terminalPrivateKey', 'keyId', 'protocol', 'terminalPublicKey', 'protectedResponse', 'sendSequenceCounter', 'nonce', 'authenticationToken'];

function parseChipAuthentication(ca: unknown): NonNullable<ChipReading['chipAuthentication']> {
  if (!isObject(ca)) throw bad('chipAuthentication must be an object {terminalPrivateKey, ...}');
  onlyKeys(ca, CA_FIELDS, 'chipAuthentication');
  const integer = (v: unknown, at: string, max: number): number => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0 || v > max) throw bad(`${at} must be an integer 0..${max}`);
    return v;
  };
  const optionalBytes = (key: string) => (ca[key] === undefined ? {} : { [key]: base64Field(ca[key], `chipAuthentication.${key}`) });
  if (ca.protocol !== undefined && (typeof ca.protocol !== 'string' || !/^[0-9]+(\.[0-9]+){1,20}$/.test(ca.protocol))) throw bad('chipAuthentication.protocol must be a dotted OID');
  return {
    terminalPrivateKey: base64Field(ca.terminalPrivateKey, 'chipAuthentication.terminalPrivateKey'),
    ...(ca.keyId === undefined ? {} : { keyId: integer(ca.keyId, 'chipAuthentication.keyId', 2 ** 31) }),
    ...(ca.protocol === undefined ? {} : { protocol: ca.protocol as string }),
    ...(ca.sendSequenceCounter === undefined ? {} : { sendSequenceCounter: integer(ca.sendSequenceCounter, 'chipAuthentication.sendSequenceCounter', 2 ** 32) }),
    ...optionalBytes('terminalPublicKey'), ...optionalBytes('protectedResponse'), ...optionalBytes('nonce'), ...optionalBytes('authenticationToken'),
  };
}
