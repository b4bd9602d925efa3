// Staff-attested enrolment: an operator who has checked the person's identity in person enrols a
// reference photo for the account. The photo must hold exactly one face passing the same quality gates
// as a selfie; the template, its model id and the attestation are stored, and one audit record (flow
// 'first-time') says who attested what. The other way a profile is created is first-time verification
// with an identity document at a kiosk (decide-first-time.ts).
import { createHash, randomUUID } from 'node:crypto';
import { ProofgateError } from '../../core/errors.js';
import type { AuditRecord, BiometricProfile, CheckResult } from '../../core/domain.js';
import type { Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';
import type { VerificationQualityConfig } from '../../config/sections/verification.js';
import type { FaceAnalyzer } from '../capture/ports.js';
import { IMAGE_MEDIA_TYPES, type ImageMediaType } from '../capture/capture.js';
import { assertImageMatchesType } from '../capture/sniff-image.js';
import { checkFaceCount, checkSelfieQuality } from '../policy/check-selfie-quality.js';
import { embeddingToTemplate } from '../capture/face-template.js';
import { findDuplicatePerson, type DuplicateMatch, type DuplicateSearch } from '../policy/duplicate-person.js';
import type { EnrolmentHold } from '../../store/enrolment-hold-store.js';
import { heldCheck, newHoldId } from './record-enrolment-hold.js';

export interface ReferencePhotoEnrolment {
  tid: string;
  oid: string;
  upn: string | null;
  photo: Buffer;
  /** Who checked the person's identity document in person (operator name or id); recorded verbatim. */
  attestedBy: string;
  /** Replace an existing profile (otherwise an existing profile is an error). */
  replace?: boolean;
}

export interface EnrolmentResult {
  profile: BiometricProfile;
  audit: AuditRecord;
  checks: CheckResult[];
}

/**
 * The reference photo's face matched another account's profile (the 1:N duplicate-person search): nothing
 * was enrolled. Under enrolment.duplicates.action 'hold' the enrolment waits as `hold` for an administrator
 * (`proofgate enrolment release|reject`); under 'refuse' `hold` is null. Either way `audit` is the committed
 * record (flow first-time, decision denied) whose 'duplicate-person' check names the other profile.
 */
export class DuplicateEnrolmentError extends ProofgateError {
  constructor(readonly match: DuplicateMatch, readonly hold: EnrolmentHold | null, readonly audit: AuditRecord, readonly checks: CheckResult[]) {
    super('ERR_PROFILE_EXISTS', `the photo's face matches profile ${match.profileId} of another account (${match.tid}/${match.oid}) at distance ${Math.round(match.distance * 10_000) / 10_000} <= ${match.threshold}: `
      + (hold ? `enrolment held for review as hold ${hold.holdId}` : 'enrolment refused') + `; audit record ${audit.seq}`, { status: 409 });
    this.name = 'DuplicateEnrolmentError';
  }
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sniffMediaType(photo: Buffer): ImageMediaType {
  for (const t of IMAGE_MEDIA_TYPES) {
    try {
      assertImageMatchesType(photo, t, 'reference photo');
      return t;
    } catch { /* try the next type */ }
  }
  throw new ProofgateError('ERR_IMAGE_INVALID', 'reference photo is not a JPEG, PNG or WebP image', { status: 400 });
}

export async function enrolFromReferencePhoto(
  deps: {
    repo: Repository; audit: AuditWriter; faceEngine: FaceAnalyzer; quality: VerificationQualityConfig; maxImageBytes: number; now?: () => number;
    /** The 1:N duplicate-person search, run before the profile is stored; absent: not searched (tests of other things). */
    duplicates?: DuplicateSearch;
  },
  input: ReferencePhotoEnrolment,
): Promise<EnrolmentResult> {
  const now = (deps.now ?? Date.now)();
  // Sessions carry the hint's ids lowercased; store the profile the same way so they meet.
  input = { ...input, tid: input.tid.trim().toLowerCase(), oid: input.oid.trim().toLowerCase() };
  if (!GUID.test(input.tid)) throw new ProofgateError('ERR_BAD_REQUEST', 'tid must be the tenant id (a GUID)', { status: 400 });
  if (!GUID.test(input.oid)) throw new ProofgateError('ERR_BAD_REQUEST', 'oid must be the user object id (a GUID)', { status: 400 });
  const attestedBy = input.attestedBy.trim();
  if (attestedBy.length === 0 || attestedBy.length > 200) throw new ProofgateError('ERR_BAD_REQUEST', 'attestedBy must name the attesting operator (1..200 characters)', { status: 400 });
  if (input.photo.length > deps.maxImageBytes) {
    throw new ProofgateError('ERR_IMAGE_TOO_LARGE', `reference photo is larger than ${deps.maxImageBytes} bytes`, { status: 413 });
  }
  const mediaType = sniffMediaType(input.photo);
  const existing = deps.repo.getProfile(input.tid, input.oid);
  if (existing && !input.replace) {
    throw new ProofgateError('ERR_PROFILE_EXISTS', `account ${input.tid}/${input.oid} already has a profile (use --replace to re-enrol)`, { status: 409 });
  }

  const analysis = await deps.faceEngine.analyzeFace(input.photo);
  const countCheck = checkFaceCount(analysis);
  if (countCheck.outcome !== 'pass' || !analysis.face) {
    throw new ProofgateError('ERR_NO_FACE', `reference photo refused: ${countCheck.reason}`, { status: 422 });
  }
  const checks = [countCheck, ...checkSelfieQuality(analysis.face.quality, deps.quality)];
  const failed = checks.filter((c) => c.outcome !== 'pass');
  if (failed.length > 0) {
    throw new ProofgateError('ERR_IMAGE_QUALITY', `reference photo refused: ${failed.map((c) => c.reason).join('; ')}`, { status: 422 });
  }
  checks.push({ name: 'staff-attestation', score: null, threshold: null, outcome: 'pass', reason: `identity attested in person by ${attestedBy}` });

  const photoSha256 = createHash('sha256').update(input.photo).digest('hex');
  const template = embeddingToTemplate(analysis.face.embedding!);
  const enrolment = { method: 'staff-attested-reference-photo', attestedBy, photoSha256, photoMediaType: mediaType, replacedProfileId: existing?.profileId ?? null, at: now };
  if (deps.duplicates) {
    const found = await findDuplicatePerson(deps.duplicates, input, { modelId: deps.faceEngine.modelId, embedding: analysis.face.embedding! });
    checks.push(found.check);
    if (found.match) {
      const match = found.match;
      const holdId = deps.duplicates.config.action === 'hold' ? newHoldId() : null;
      const recorded = holdId ? checks.map((c) => (c === found.check ? heldCheck(c, holdId) : c)) : checks;
      const { hold, audit } = deps.repo.transaction(() => ({
        hold: holdId === null ? null : deps.repo.enrolmentHolds.add({
          holdId, tid: input.tid, oid: input.oid, sessionId: null, subject: { upn: input.upn, displayName: null, givenName: null, familyName: null },
          template, modelId: deps.faceEngine.modelId, enrolment, matchedProfileId: match.profileId, matchedTid: match.tid, matchedOid: match.oid,
          distance: match.distance, threshold: match.threshold, createdAt: now,
        }),
        audit: deps.audit.record({
          sessionId: null, tid: input.tid, oid: input.oid, upn: input.upn, profileId: null, flow: 'first-time',
          checks: recorded, decision: 'denied', clientRequestId: null, evidenceSha256: [photoSha256], at: now,
        }),
      }));
      throw new DuplicateEnrolmentError(match, hold, audit, recorded);
    }
  }
  return deps.repo.transaction(() => {
    deps.repo.upsertSubject({ tid: input.tid, oid: input.oid, upn: input.upn, displayName: null, givenName: null, familyName: null });
    const profile = deps.repo.saveProfile({
      profileId: randomUUID(),
      tid: input.tid,
      oid: input.oid,
      template,
      modelId: deps.faceEngine.modelId,
      enrolment,
    });
    const audit = deps.audit.record({
      sessionId: null, tid: input.tid, oid: input.oid, upn: input.upn, profileId: profile.profileId, flow: 'first-time',
      checks, decision: 'verified', clientRequestId: null, evidenceSha256: [photoSha256], at: now,
    });
    return { profile, audit, checks };
  });
}
