// Row shapes of the SQLite tables and their mapping to the repository's types. Kept apart from the
// statements so the repository reads as a list of operations.
import type { AuditCheckpoint, AuditRecord, BiometricProfile, DirectorySubject, EvidenceRecord, VerificationSession } from '../core/domain.js';
import type { AccountLock, ProfileSummary, Station, WrappedDataKey } from './repository.js';

export interface SubjectRow {
  tid: string; oid: string; upn: string | null; display_name: string | null;
  given_name: string | null; family_name: string | null; created_at: number; updated_at: number;
}
export const toSubject = (r: SubjectRow): DirectorySubject => ({
  tid: r.tid, oid: r.oid, upn: r.upn, displayName: r.display_name,
  givenName: r.given_name, familyName: r.family_name, createdAt: r.created_at,
});

export interface ProfileRow {
  profile_id: string; tid: string; oid: string; template: Buffer; model_id: string;
  enrolment_json: string; created_at: number; updated_at: number;
}
export const toProfile = (r: ProfileRow): BiometricProfile => ({
  profileId: r.profile_id, tid: r.tid, oid: r.oid, template: r.template, modelId: r.model_id,
  enrolment: JSON.parse(r.enrolment_json), createdAt: r.created_at, updatedAt: r.updated_at,
});

export interface ProfileSummaryRow {
  profile_id: string; tid: string; oid: string; model_id: string; created_at: number; updated_at: number;
  upn: string | null; enrolment_method: unknown; last_verified_at: number | null;
}
export const toProfileSummary = (r: ProfileSummaryRow): ProfileSummary => ({
  tid: r.tid, oid: r.oid, profileId: r.profile_id, upn: r.upn, enrolledAt: r.created_at, updatedAt: r.updated_at,
  modelId: r.model_id, enrolmentMethod: typeof r.enrolment_method === 'string' ? r.enrolment_method : null,
  lastVerifiedAt: r.last_verified_at,
});

export interface SessionRow {
  session_id: string; tid: string; oid: string; sub: string; client_id: string; redirect_uri: string;
  nonce: string; state: string | null; client_request_id: string | null; acr: string; amr: string;
  hint_claims_json: string; csrf_token: string; challenge_json: string; status: VerificationSession['status'];
  created_at: number; expires_at: number;
}
export const toSession = (r: SessionRow): VerificationSession => ({
  sessionId: r.session_id, tid: r.tid, oid: r.oid, sub: r.sub, clientId: r.client_id, redirectUri: r.redirect_uri,
  nonce: r.nonce, state: r.state, clientRequestId: r.client_request_id, acr: r.acr, amr: r.amr,
  hintClaims: JSON.parse(r.hint_claims_json), csrfToken: r.csrf_token, challenge: JSON.parse(r.challenge_json),
  status: r.status, createdAt: r.created_at, expiresAt: r.expires_at,
});

export interface EvidenceRow {
  evidence_id: string; session_id: string; kind: string; media_type: string; sha256: string;
  ciphertext: Buffer | null; iv: Buffer; tag: Buffer; data_key_id: string; created_at: number; purged_at: number | null;
}
export const toEvidence = (r: Omit<EvidenceRow, 'ciphertext' | 'iv' | 'tag' | 'data_key_id'>): EvidenceRecord => ({
  evidenceId: r.evidence_id, sessionId: r.session_id, kind: r.kind, sha256: r.sha256, mediaType: r.media_type,
  createdAt: r.created_at, purgedAt: r.purged_at,
});

export interface DataKeyRow { key_id: string; wrapping_key_id: string; wrapped: Buffer; created_at: number }
export const toDataKey = (r: DataKeyRow): WrappedDataKey => ({
  keyId: r.key_id, wrappingKeyId: r.wrapping_key_id, wrapped: r.wrapped, createdAt: r.created_at,
});

export interface AuditRow {
  seq: number; at: number; session_id: string | null; tid: string; oid: string; upn: string | null;
  profile_id: string | null; flow: string; decision: string; client_request_id: string | null;
  checks_json: string; evidence_json: string; prev_hash: string; hash: string; mac: string | null;
  actor_json: string | null;
}

// A row edited by hand may hold text that is not JSON; it is kept as text so the chain check reports a
// hash mismatch at that seq instead of the reader failing somewhere in the middle.
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export const toAuditRecord = (r: AuditRow): AuditRecord => ({
  seq: r.seq, at: r.at, sessionId: r.session_id, tid: r.tid, oid: r.oid, upn: r.upn, profileId: r.profile_id,
  flow: r.flow as AuditRecord['flow'], decision: r.decision as AuditRecord['decision'],
  clientRequestId: r.client_request_id, checks: jsonOrText(r.checks_json) as AuditRecord['checks'],
  evidenceSha256: jsonOrText(r.evidence_json) as string[], prevHash: r.prev_hash, hash: r.hash, mac: r.mac ?? null,
  ...(r.actor_json == null ? {} : { actor: jsonOrText(r.actor_json) as AuditRecord['actor'] }),
});

export interface CheckpointRow { seq: number; hash: string; kid: string; signature: string; at: number }
export const toCheckpoint = (r: CheckpointRow): AuditCheckpoint => ({ ...r });

export interface AccountLockRow { tid: string; oid: string; kind: AccountLock['kind']; locked_at: number; locked_until: number | null; failures: number }
export const toAccountLock = (r: AccountLockRow): AccountLock => ({
  tid: r.tid, oid: r.oid, kind: r.kind, lockedAt: r.locked_at, lockedUntil: r.locked_until, failures: r.failures,
});

export interface StationRow {
  station_id: string; name: string; public_key: Buffer; algorithm: string; key_sha256: string; created_at: number; revoked_at: number | null;
}
export const toStation = (r: StationRow): Station => ({
  stationId: r.station_id, name: r.name, publicKey: r.public_key, algorithm: r.algorithm as Station['algorithm'],
  keySha256: r.key_sha256, createdAt: r.created_at, revokedAt: r.revoked_at,
});
