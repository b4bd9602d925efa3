// The station check of a capture request, run after the body is parsed and before anything is judged or
// stored (verification-routes.ts). Depth, IR, document and chip evidence is believed only when an active
// station signed it for this session, now, once; a browser's selfie and challenge frames need no station,
// but a station object, when present, must verify whatever the envelope carries. Every refusal is a
// StationUntrustedError (403 ERR_STATION_UNTRUSTED) and writes nothing; only an accepted signature is
// remembered, so the same signed envelope is accepted once.
import { createHash, verify, constants } from 'node:crypto';
import type { VerificationSession } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { Capture, CaptureKind } from '../capture/capture.js';
import { stationSignedPayload, type StationClaim } from './signed-payload.js';
import { stationKeyObject } from './station-key.js';
import { StationUntrustedError } from './station-untrusted.js';
import type { StationAttestation } from './station-attestation.js';
import { activeStaffIdentity, type StaffIdentity, type StaffRole } from '../../staff/staff-identity.js';

/** What a browser may send without a station. Every other kind, a future one included, needs a signature. */
export const BROWSER_CAPTURE_KINDS: ReadonlySet<CaptureKind> = new Set(['selfie', 'challenge-frame']);

/** ECDSA P-256 in IEEE P1363 form: r and s, 32 bytes each. */
const ES256_SIGNATURE_BYTES = 64;

/** Who may attest enrolments at a station. */
export const STATION_OPERATOR_ROLES: readonly StaffRole[] = ['kiosk-operator', 'admin'];

export interface StationCheckDeps {
  repo: Pick<Repository, 'getStation' | 'rememberOnce' | 'staff'>;
  now: () => number;
  /** stations.maxClockSkewSeconds in ms. */
  maxClockSkewMs: number;
}

export function kindsNeedingStation(captures: readonly Pick<Capture, 'kind'>[]): CaptureKind[] {
  return [...new Set(captures.map((c) => c.kind).filter((k) => !BROWSER_CAPTURE_KINDS.has(k)))];
}

/** Null for an unsigned browser envelope; the attestation for a verified one; otherwise a refusal. */
export function verifyStationEnvelope(
  deps: StationCheckDeps, session: Pick<VerificationSession, 'sessionId' | 'challenge'>, captures: readonly Capture[], claim: StationClaim | null,
): StationAttestation | null {
  if (!claim) {
    const kinds = kindsNeedingStation(captures);
    if (kinds.length > 0) throw new StationUntrustedError(`the envelope carries ${kinds.join(', ')} evidence without a station signature`);
    return null;
  }
  const station = deps.repo.getStation(claim.id);
  if (!station) throw new StationUntrustedError('no station with this id is registered', claim.id);
  if (station.revokedAt !== null) throw new StationUntrustedError(`the station was revoked at ${new Date(station.revokedAt).toISOString()}`, claim.id);
  const now = deps.now();
  const skew = claim.issuedAt - now;
  if (Math.abs(skew) > deps.maxClockSkewMs) {
    throw new StationUntrustedError(
      `issuedAt is ${Math.round(Math.abs(skew) / 1000)} s ${skew < 0 ? 'before' : 'after'} the appliance's clock (at most ${deps.maxClockSkewMs / 1000} s either way)`, claim.id);
  }
  const nonce = session.challenge.nonce;
  if (typeof nonce !== 'string' || nonce.length === 0) throw new StationUntrustedError('the session has no challenge nonce to sign', claim.id);
  const payload = stationSignedPayload({
    sessionId: session.sessionId, nonce, captures, stationId: station.stationId, operator: claim.operator, issuedAt: claim.issuedAt,
  });
  const signature = Buffer.from(claim.signature, 'base64url');
  const key = stationKeyObject(station);
  let valid = false;
  try {
    if (station.algorithm === 'ES256') {
      valid = signature.length === ES256_SIGNATURE_BYTES && verify('sha256', payload, { key, dsaEncoding: 'ieee-p1363' }, signature);
    } else {
      const modulusBytes = Math.ceil((key.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
      valid = signature.length === modulusBytes && verify('sha256', payload, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
    }
  } catch {
    valid = false; // OpenSSL refused the bytes outright: as invalid as a signature that does not verify
  }
  if (!valid) throw new StationUntrustedError(`the ${station.algorithm} signature does not verify over this envelope with the station's key`, claim.id);
  const operator = stationOperator(deps, claim.operator, claim.id);
  // Remembered by what was signed, not by the signature's bytes: an ECDSA signature has a second valid form
  // (s and n - s), so a replay may differ in its signature but never in its payload. Kept past the skew
  // window (twice over, against a clock stepped back), after which the envelope is stale anyway.
  const digest = createHash('sha256').update(payload).digest('hex');
  if (!deps.repo.rememberOnce('station-envelope', digest, claim.issuedAt + 2 * deps.maxClockSkewMs)) {
    throw new StationUntrustedError('this signed envelope was already received (replay)', claim.id);
  }
  return { stationId: station.stationId, stationName: station.name, operator };
}

/** The signed operator as an active staff member allowed to operate a kiosk; anyone else refuses the whole envelope. */
function stationOperator(deps: StationCheckDeps, staffId: string | null, claimedStationId: string): StaffIdentity | null {
  if (staffId === null) return null;
  const member = activeStaffIdentity(deps.repo.staff, staffId);
  if (!member) throw new StationUntrustedError(`the operator ${staffId} is not an active staff member`, claimedStationId);
  if (!STATION_OPERATOR_ROLES.includes(member.role)) {
    throw new StationUntrustedError(`the operator ${staffId} has role ${member.role}, not ${STATION_OPERATOR_ROLES.join(' or ')}`, claimedStationId);
  }
  return member;
}
