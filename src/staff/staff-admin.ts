// Changes to staff accounts: add a member, issue a registration link, revoke a member, register a passkey,
// sign in and out. Each change is stored with its one audit record in one transaction through the audit
// trail (the one door): flow `staff`, decision `changed`, tid 'staff', the member's id as oid, one check
// naming the act. Acts of a signed-in member carry `actor`; the appliance's own CLI has none.
import { randomBytes } from 'node:crypto';
import { ProofgateError } from '../core/errors.js';
import type { AuditRecord } from '../core/domain.js';
import type { AuditWriter } from '../audit/audit-writer.js';
import type { Repository } from '../store/repository.js';
import { STAFF_ROLES, type StaffMember, type StaffRole } from '../store/staff-store.js';
import { newSecret, sha256Hex } from '../core/secrets.js';
import { recordAct } from '../audit/record-act.js';
import { staffActor, type StaffIdentity } from './staff-identity.js';

export const MAX_STAFF_NAME_CHARS = 100;
// Names reach pages, the audit record and the SIEM feed: printable characters and the plain space only.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;
export const STAFF_ID = /^[0-9a-f]{32}$/;
/** A registration link's token: 32 random bytes, base64url. */
export const REGISTRATION_TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface StaffAdminDeps {
  repo: Repository;
  audit: AuditWriter;
  now?: () => number;
}

function badRequest(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', message, { status: 400 });
}

export function staffNameOf(raw: unknown): string {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (name.length === 0 || name.length > MAX_STAFF_NAME_CHARS || !PRINTABLE.test(name)) {
    throw badRequest(`the staff member's name must be 1..${MAX_STAFF_NAME_CHARS} printable characters (no line breaks or control characters)`);
  }
  return name;
}

export function staffRoleOf(raw: unknown): StaffRole {
  if (typeof raw !== 'string' || !STAFF_ROLES.includes(raw as StaffRole)) throw badRequest(`the role must be one of ${STAFF_ROLES.join(', ')}`);
  return raw as StaffRole;
}

export function staffIdOf(raw: unknown): string {
  const id = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (!STAFF_ID.test(id)) throw badRequest('the staff id must be 32 hexadecimal characters, as `staff add` printed it');
  return id;
}


/** Writes the act's audit record (inside the caller's transaction). */
export function recordStaffAct(audit: AuditWriter, member: StaffMember, check: string, reason: string, at: number, actor: StaffIdentity | null): AuditRecord {
  return recordAct(audit, { flow: 'staff', tid: 'staff', oid: member.staffId, check: { name: check, reason }, actor: actor ? staffActor(actor) : null, at });
}

const byWhom = (actor: StaffIdentity | null) => (actor ? `by ${actor.name} (${actor.role}, ${actor.id})` : 'from the command line');

export interface RegistrationLink {
  /** The token itself: shown once, never stored (the store keeps its SHA-256). */
  token: string;
  expiresAt: number;
}

function newLink(deps: StaffAdminDeps, staffId: string, ttlSeconds: number, at: number): RegistrationLink {
  const token = newSecret();
  const expiresAt = at + ttlSeconds * 1000;
  deps.repo.staff.issueRegistration({ tokenSha256: sha256Hex(token), staffId, createdAt: at, expiresAt });
  return { token, expiresAt };
}

export interface StaffChange {
  member: StaffMember;
  audit: AuditRecord;
}

/** A new active member with a one-time registration link for their first passkey. */
export function addStaff(deps: StaffAdminDeps, input: { name: string; role: string; ttlSeconds: number; actor: StaffIdentity | null }): StaffChange & { link: RegistrationLink } {
  const name = staffNameOf(input.name);
  const role = staffRoleOf(input.role);
  const at = (deps.now ?? Date.now)();
  return deps.repo.transaction(() => {
    const member = deps.repo.staff.addStaff({ staffId: randomBytes(16).toString('hex'), name, role, createdAt: at });
    const link = newLink(deps, member.staffId, input.ttlSeconds, at);
    const audit = recordStaffAct(deps.audit, member, 'staff-add',
      `staff ${member.staffId} ("${name}", ${role}) added ${byWhom(input.actor)}; registration link valid until ${new Date(link.expiresAt).toISOString()}`, at, input.actor);
    return { member, audit, link };
  });
}

function activeMember(deps: StaffAdminDeps, staffId: string): StaffMember {
  const member = deps.repo.staff.getStaff(staffId);
  if (!member) throw new ProofgateError('ERR_NOT_FOUND', `no staff member ${staffId}`, { status: 404 });
  if (member.status !== 'active') throw badRequest(`staff member ${staffId} ("${member.name}") is revoked`);
  return member;
}

/** A fresh registration link (a lost or new passkey); the member's earlier unused links stop working. */
export function issueStaffLink(deps: StaffAdminDeps, input: { staffId: string; ttlSeconds: number; actor: StaffIdentity | null }): StaffChange & { link: RegistrationLink } {
  const staffId = staffIdOf(input.staffId);
  const at = (deps.now ?? Date.now)();
  return deps.repo.transaction(() => {
    const member = activeMember(deps, staffId);
    const link = newLink(deps, staffId, input.ttlSeconds, at);
    const audit = recordStaffAct(deps.audit, member, 'staff-link',
      `new registration link for staff ${staffId} ("${member.name}") issued ${byWhom(input.actor)}, valid until ${new Date(link.expiresAt).toISOString()}; earlier unused links burned`, at, input.actor);
    return { member, audit, link };
  });
}

/** Revokes a member and at once every passkey, session and link of theirs. */
export function revokeStaff(deps: StaffAdminDeps, input: { staffId: string; actor: StaffIdentity | null }): StaffChange {
  const staffId = staffIdOf(input.staffId);
  const at = (deps.now ?? Date.now)();
  return deps.repo.transaction(() => {
    const member = activeMember(deps, staffId);
    if (!deps.repo.staff.revokeStaff(staffId, at)) throw badRequest(`staff member ${staffId} is already revoked`);
    const passkeys = deps.repo.staff.listCredentials(staffId).length;
    const audit = recordStaffAct(deps.audit, member, 'staff-revoke',
      `staff ${staffId} ("${member.name}", ${member.role}) revoked ${byWhom(input.actor)}: ${passkeys} passkey(s) and every session ended`, at, input.actor);
    return { member: deps.repo.staff.getStaff(staffId)!, audit };
  });
}
