// The 'document-chip' capture: what a kiosk's chip reader read from an eMRTD, sent as one UTF-8 JSON
// container (mediaType application/octet-stream; DG2 alone is tens of kilobytes, too large for meta):
//   {"sod": "<base64 EF.SOD>",
//    "dataGroups": {"1": "<base64 DG1>", "2": "<base64 DG2>", ...},      (each the whole TLV, as read)
//    "activeAuthentication": {"challenge": "<base64>", "response": "<base64>"}}   (optional)
// Malformed containers are refused with a typed 400 before anything is stored.
import { ProofgateError } from '../../errors.js';
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
    throw bad('the capture must be a UTF-8 JSON container {sod, dataGroups, activeAuthentication?}');
  }
  if (!isObject(parsed)) throw bad('the container must be a JSON object');
  onlyKeys(parsed, ['sod', 'dataGroups', 'activeAuthentication'], 'the container');
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
  return { sod, dataGroups, ...(activeAuthentication ? { activeAuthentication } : {}) };
}
