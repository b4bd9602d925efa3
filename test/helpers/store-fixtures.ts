// Plain, valid records for store and audit tests.
import type { AuditEntry, VerificationSession } from '../../src/core/domain.js';

export function sessionFixture(sessionId: string, overrides: Partial<VerificationSession> = {}): VerificationSession {
  return {
    sessionId,
    tid: 'tenant-1',
    oid: 'object-1',
    sub: 'pairwise-sub',
    clientId: 'entra-client',
    redirectUri: 'https://login.example.test/common/federation/externalauthprovider',
    nonce: `nonce-${sessionId}`,
    state: 'state-1',
    clientRequestId: 'c0ffee00-0000-4000-8000-000000000001',
    acr: 'possessionorinherence',
    amr: '["face"]',
    hintClaims: { upn: 'ada@example.test', name: 'Ada Lovelace' },
    csrfToken: 'csrf-token',
    challenge: { captureNonce: 'abc' },
    status: 'open',
    createdAt: 1_000,
    expiresAt: 601_000,
    ...overrides,
  };
}

export function auditEntryFixture(i: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    sessionId: `session-${i}`,
    tid: 'tenant-1',
    oid: 'object-1',
    upn: 'ada@example.test',
    profileId: 'profile-1',
    flow: 'returning',
    checks: [
      { name: 'face-match', score: 0.8125 + i / 1000, threshold: 0.6, outcome: 'pass' },
      { name: 'depth-liveness', score: 0.93, threshold: 0.5, outcome: 'pass', reason: 'depth relief 31 mm' },
    ],
    decision: 'verified',
    clientRequestId: `c0ffee00-0000-4000-8000-${String(i).padStart(12, '0')}`,
    evidenceSha256: ['a'.repeat(64), 'b'.repeat(64)],
    at: Date.UTC(2026, 0, 1) + i * 1000,
    ...overrides,
  };
}
