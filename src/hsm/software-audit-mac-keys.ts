// A software AuditMacKeys: the same derivation as Pkcs11AuditMacKeys with the secret in process memory.
// FOR TESTS ONLY. The appliance derives position keys in the HSM; nothing in src/cli may construct this class.
import { createHmac, randomBytes } from 'node:crypto';
import { auditMacPositionInput, type AuditMacKeys } from './audit-mac-keys.js';

export class SoftwareAuditMacKeys implements AuditMacKeys {
  readonly #secret: Buffer;

  constructor(secret: Buffer = randomBytes(32)) {
    this.#secret = Buffer.from(secret);
  }

  async positionKey(seq: number): Promise<Buffer> {
    return createHmac('sha256', this.#secret).update(auditMacPositionInput(seq)).digest();
  }
}
