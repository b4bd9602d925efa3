// Staff operations on the trusted stations (`proofgate station add|list|revoke`). Each change is stored with
// its audit record in one transaction, through the audit trail (the one door): a station is never added or
// revoked without its record. The record has no account: flow `station`, decision `changed`, tid 'station'
// and the station id as oid, and one check naming the act, the station, its key and the operator.
import { randomBytes } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import type { AuditRecord } from '../../core/domain.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import type { Repository, Station } from '../../store/repository.js';
import { readStationPublicKey } from './station-key.js';
import { recordAct } from '../../audit/record-act.js';
import { STATION_ID } from './station-untrusted.js';

export const MAX_STATION_NAME_CHARS = 100;
// Names reach the audit record and the SIEM feed: printable characters and the plain space only.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

export interface StationAdminDeps {
  repo: Repository;
  audit: AuditWriter;
  now?: () => number;
}

function badRequest(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', message, { status: 400 });
}

/** A station's or an operator's name, trimmed; refused unless 1..100 printable characters. */
export function printableName(raw: unknown, what: string): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (name.length === 0 || name.length > MAX_STATION_NAME_CHARS || !PRINTABLE.test(name)) {
    throw badRequest(`${what} must be 1..${MAX_STATION_NAME_CHARS} printable characters (no line breaks or control characters)`);
  }
  return name;
}

export function stationIdOf(raw: unknown): string {
  const id = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (!STATION_ID.test(id)) throw badRequest('the station id must be 32 hexadecimal characters, as `station add` printed it');
  return id;
}

const byWhom = (by: string | null) => (by === null ? 'by an operator who gave no name' : `by ${by}`);

function recordChange(deps: StationAdminDeps, station: Station, check: string, reason: string, at: number): AuditRecord {
  return recordAct(deps.audit, { flow: 'station', tid: 'station', oid: station.stationId, check: { name: check, reason }, at });
}

export interface StationChange {
  station: Station;
  audit: AuditRecord;
}

/** Registers a station from its SPKI PEM public key (vetted by station-key.ts); prints nothing, returns the new id. */
export function addStation(deps: StationAdminDeps, input: { name: string; publicKeyPem: string; by: string | null }): StationChange {
  const name = printableName(input.name, 'the station name');
  const by = input.by === null ? null : printableName(input.by, 'the operator name (--by)');
  const key = readStationPublicKey(input.publicKeyPem);
  const at = (deps.now ?? Date.now)();
  return deps.repo.transaction(() => {
    const holder = deps.repo.getStationByKey(key.keySha256);
    if (holder) throw badRequest(`this public key is already registered, for station ${holder.stationId} ("${holder.name}")${holder.revokedAt === null ? '' : ', revoked'}; every station needs its own key`);
    const station = deps.repo.addStation({
      stationId: randomBytes(16).toString('hex'), name, publicKey: key.publicKey, algorithm: key.algorithm, keySha256: key.keySha256, createdAt: at,
    });
    const audit = recordChange(deps, station, 'station-add',
      `station ${station.stationId} ("${name}") added ${byWhom(by)}: ${key.description} key, SPKI SHA-256 ${key.keySha256}`, at);
    return { station, audit };
  });
}

/** Revokes an active station: its signatures are refused from now on. Refuses an unknown or already revoked id. */
export function revokeStation(deps: StationAdminDeps, input: { stationId: string; by: string | null }): StationChange {
  const stationId = stationIdOf(input.stationId);
  const by = input.by === null ? null : printableName(input.by, 'the operator name (--by)');
  const at = (deps.now ?? Date.now)();
  return deps.repo.transaction(() => {
    const station = deps.repo.getStation(stationId);
    if (!station) throw new ProofgateError('ERR_NOT_FOUND', `no station ${stationId} is registered`, { status: 404 });
    if (station.revokedAt !== null || !deps.repo.revokeStation(stationId, at)) {
      throw badRequest(`station ${stationId} ("${station.name}") is already revoked`);
    }
    const audit = recordChange(deps, station, 'station-revoke', `station ${stationId} ("${station.name}") revoked ${byWhom(by)}`, at);
    return { station: deps.repo.getStation(stationId)!, audit };
  });
}
