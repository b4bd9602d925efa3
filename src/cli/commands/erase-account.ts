// An erasure request: the account's face template, directory names and stored images are erased and the
// erasure's audit record is written in one transaction, through the audit trail (the one door), as a
// verification writes its decision with its record. Either both commit or neither: no erasure goes
// unrecorded, and no record claims an erasure that did not happen. The audit keeps what it always kept:
// account ids and the SHA-256 of each image, now also those of the images erased.
import type { AuditRecord } from '../../core/domain.js';
import type { AccountErasure, Repository } from '../../store/repository.js';
import type { AuditWriter } from '../../audit/audit-writer.js';

export interface ErasureRequest {
  tid: string;
  oid: string;
  /** The operator's reference for the request (a ticket number), kept in the record's reason. */
  reference: string | null;
  at: number;
}

/** Null, writing nothing, when the store holds nothing to erase for the account. */
export function eraseAccount(
  writers: { repo: Repository; audit: AuditWriter }, r: ErasureRequest,
): { erasure: AccountErasure; audit: AuditRecord } | null {
  const { repo, audit } = writers;
  return repo.transaction(() => {
    const erasure = repo.eraseAccountBiometrics(r.tid, r.oid, r.at);
    if (!erasure) return null;
    const what = `face template ${erasure.profileId ?? '(none)'} and ${erasure.imagesErased} stored image(s) erased; their SHA-256 hashes are kept`;
    const record = audit.record({
      sessionId: null,
      tid: r.tid,
      oid: r.oid,
      // The account's label is personal data: the erasure record names the account by its ids only.
      upn: null,
      profileId: erasure.profileId,
      flow: 'erasure',
      checks: [{ name: 'biometric-erasure', score: null, threshold: null, outcome: 'pass', reason: r.reference ? `${what} (request ${r.reference})` : what }],
      decision: 'erased',
      clientRequestId: null,
      evidenceSha256: erasure.evidenceSha256,
      at: r.at,
    });
    return { erasure, audit: record };
  });
}
