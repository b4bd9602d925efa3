// The two WebAuthn ceremonies, with @simplewebauthn/server doing the cryptography:
// - registration, from a one-time link: options name the member (user handle = their id's 16 bytes),
//   require a discoverable credential and user verification, and exclude their passkeys already stored;
//   the answer is checked against the configured origin and RP ID and the challenge issued for that link;
//   the link is burned, the passkey stored and the act audited together.
// - sign-in, with a discoverable credential (no user name typed): the passkey named by the answer must be
//   stored, not revoked, and its member active; its signature, the user handle and the counter are checked.
//   Every refusal of a sign-in answers the same, whatever the reason.
// Every challenge is stored server-side with an expiry and taken (deleted) by the first answer naming it,
// so a replayed or a second answer to one challenge is refused.
import {
  generateAuthenticationOptions, generateRegistrationOptions, verifyAuthenticationResponse, verifyRegistrationResponse,
  type PublicKeyCredentialCreationOptionsJSON, type PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { ProofgateError } from '../core/errors.js';
import type { StaffConfig } from '../config/sections/staff.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { Repository } from '../store/repository.js';
import type { StaffMember } from '../store/staff-store.js';
import { answeredChallenge, authenticationAnswerOf, registrationAnswerOf } from './passkey-answer.js';
import { identityOf } from './staff-identity.js';
import { sha256Hex } from '../core/secrets.js';
import { recordStaffAct, REGISTRATION_TOKEN } from './staff-admin.js';

/** Outstanding challenges the store keeps at most (each expires within staff.challengeTtlSeconds). */
export const MAX_OUTSTANDING_CHALLENGES = 10_000;

export interface CeremonyDeps {
  repo: Repository;
  audit: AuditWriter;
  staff: StaffConfig & { rpId: string };
  now: () => number;
}

export interface SignedIn {
  member: StaffMember;
  credentialId: string;
}

export const LINK_REFUSED = 'this registration link is not valid: it was used, replaced by a newer one, or has expired; ask an administrator for a new one';

function linkRefused(): ProofgateError {
  return new ProofgateError('ERR_NOT_FOUND', LINK_REFUSED, { status: 404 });
}

function signInRefused(): ProofgateError {
  return new ProofgateError('ERR_ACCESS_DENIED', 'sign-in refused: this passkey was not accepted', { status: 403 });
}

function registrationRefused(): ProofgateError {
  return new ProofgateError('ERR_ACCESS_DENIED', 'the passkey was not registered: reload the page and try again', { status: 403 });
}

/** The link's member while the link is usable (unused, unexpired, member active); else ERR_NOT_FOUND. */
export function memberOfLink(repo: Repository, token: string, now: number): { member: StaffMember; tokenSha256: string } {
  if (!REGISTRATION_TOKEN.test(token)) throw linkRefused();
  const tokenSha256 = sha256Hex(token);
  const link = repo.staff.getRegistration(tokenSha256);
  const member = link ? repo.staff.getStaff(link.staffId) : null;
  if (!link || !member || link.usedAt !== null || link.expiresAt <= now || member.status !== 'active') throw linkRefused();
  return { member, tokenSha256 };
}

function saveChallenge(deps: CeremonyDeps, challenge: string, purpose: 'register' | 'sign-in', tokenSha256: string | null): void {
  const now = deps.now();
  // Each new ceremony also sweeps what has expired: challenges, and sessions past their lifetimes.
  deps.repo.staff.pruneStaffState(now, now - deps.staff.session.idleSeconds * 1000);
  if (deps.repo.staff.countChallenges(now) >= MAX_OUTSTANDING_CHALLENGES) {
    throw new ProofgateError('ERR_BUSY', 'too many passkey ceremonies are waiting; try again in a few minutes', { status: 503 });
  }
  deps.repo.staff.saveChallenge({ challenge, purpose, tokenSha256, createdAt: now, expiresAt: now + deps.staff.challengeTtlSeconds * 1000 });
}

export async function registrationOptions(deps: CeremonyDeps, token: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { member, tokenSha256 } = memberOfLink(deps.repo, token, deps.now());
  const options = await generateRegistrationOptions({
    rpName: deps.staff.rpName, rpID: deps.staff.rpId, userName: member.name, userDisplayName: member.name,
    userID: Buffer.from(member.staffId, 'hex'), attestationType: 'none', timeout: deps.staff.challengeTtlSeconds * 1000,
    excludeCredentials: deps.repo.staff.listCredentials(member.staffId).map((c) => ({ id: c.credentialId, transports: c.transports as never })),
    authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: deps.staff.userVerification },
  });
  saveChallenge(deps, options.challenge, 'register', tokenSha256);
  return options;
}

/** Verifies the answer to the link's challenge; stores the passkey, burns the link and audits, together. */
export async function finishRegistration(deps: CeremonyDeps, token: string, body: unknown, onRegistered: (s: SignedIn) => void): Promise<SignedIn> {
  const { member, tokenSha256 } = memberOfLink(deps.repo, token, deps.now());
  const answer = registrationAnswerOf(body);
  const challenge = answeredChallenge(answer);
  if (!challenge || !deps.repo.staff.takeChallenge(challenge, 'register', tokenSha256, deps.now())) throw registrationRefused();
  let verified;
  try {
    verified = await verifyRegistrationResponse({
      response: answer, expectedChallenge: challenge, expectedOrigin: deps.staff.origin, expectedRPID: deps.staff.rpId,
      requireUserVerification: true, requireUserPresence: true,
    });
  } catch {
    throw registrationRefused();
  }
  if (!verified.verified || !verified.registrationInfo.userVerified) throw registrationRefused();
  const { credential } = verified.registrationInfo;
  const at = deps.now();
  return deps.repo.transaction(() => {
    // The link may have been used or replaced, or the member revoked, while the browser was busy.
    if (!deps.repo.staff.useRegistration(tokenSha256, at) || deps.repo.staff.getStaff(member.staffId)?.status !== 'active') throw linkRefused();
    if (deps.repo.staff.getCredential(credential.id)) throw registrationRefused();
    deps.repo.staff.addCredential({
      credentialId: credential.id, staffId: member.staffId, publicKey: Buffer.from(credential.publicKey), counter: credential.counter,
      transports: credential.transports ?? [], createdAt: at,
    });
    recordStaffAct(deps.audit, member, 'staff-passkey-register',
      `staff ${member.staffId} ("${member.name}") registered a passkey (credential ${credential.id.slice(0, 16)}…) from a one-time link`, at, identityOf(member));
    const signedIn = { member, credentialId: credential.id };
    onRegistered(signedIn);
    return signedIn;
  });
}

export async function signInOptions(deps: CeremonyDeps): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const options = await generateAuthenticationOptions({
    rpID: deps.staff.rpId, userVerification: deps.staff.userVerification, timeout: deps.staff.challengeTtlSeconds * 1000,
  });
  saveChallenge(deps, options.challenge, 'sign-in', null);
  return options;
}

/** Verifies a sign-in answer; records the counter, audits and calls onSignedIn (the session), together. */
export async function finishSignIn(deps: CeremonyDeps, body: unknown, onSignedIn: (s: SignedIn) => void): Promise<SignedIn> {
  const answer = authenticationAnswerOf(body);
  const challenge = answeredChallenge(answer);
  // The challenge goes first, whatever else is wrong: one answer per challenge.
  if (!challenge || !deps.repo.staff.takeChallenge(challenge, 'sign-in', null, deps.now())) throw signInRefused();
  const credential = deps.repo.staff.getCredential(answer.id);
  const member = credential ? deps.repo.staff.getStaff(credential.staffId) : null;
  if (!credential || !member || credential.revokedAt !== null || member.status !== 'active') throw signInRefused();
  // The user handle the authenticator keeps is the member's id (registrationOptions' userID).
  if (answer.response.userHandle !== undefined && answer.response.userHandle !== Buffer.from(member.staffId, 'hex').toString('base64url')) throw signInRefused();
  let verified;
  try {
    verified = await verifyAuthenticationResponse({
      response: answer, expectedChallenge: challenge, expectedOrigin: deps.staff.origin, expectedRPID: deps.staff.rpId,
      credential: { id: credential.credentialId, publicKey: new Uint8Array(credential.publicKey), counter: credential.counter, transports: credential.transports as never },
      requireUserVerification: true,
    });
  } catch {
    // Includes a counter that did not move forward (a cloned authenticator).
    throw signInRefused();
  }
  if (!verified.verified || !verified.authenticationInfo.userVerified) throw signInRefused();
  const at = deps.now();
  return deps.repo.transaction(() => {
    // Revoked, or signed in elsewhere with a newer counter, while the signature was being checked.
    const now = deps.repo.staff.getCredential(credential.credentialId);
    const newCounter = verified.authenticationInfo.newCounter;
    if (!now || now.revokedAt !== null || deps.repo.staff.getStaff(member.staffId)?.status !== 'active') throw signInRefused();
    if ((newCounter !== 0 || now.counter !== 0) && newCounter <= now.counter) throw signInRefused();
    deps.repo.staff.useCredential(credential.credentialId, newCounter, at);
    recordStaffAct(deps.audit, member, 'staff-sign-in', `staff ${member.staffId} ("${member.name}", ${member.role}) signed in with a passkey (credential ${credential.credentialId.slice(0, 16)}…)`, at, identityOf(member));
    const signedIn = { member, credentialId: credential.credentialId };
    onSignedIn(signedIn);
    return signedIn;
  });
}
