// A DataKeyWrapper with the wrapping key in process memory: AES-256 key wrap (RFC 3394) by node:crypto.
// For store tests that do not need an HSM; the appliance wraps with the HSM's key over PKCS#11.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataKeyWrapper } from '../../src/hsm/signing-key.js';

const RFC3394_IV = Buffer.from('A6A6A6A6A6A6A6A6', 'hex');

export class SoftwareDataKeyWrapper implements DataKeyWrapper {
  readonly wrappingKeyId: string;
  readonly #kek: Buffer;
  unwrapCalls = 0;

  constructor(kek: Buffer = randomBytes(32), wrappingKeyId = `soft-kek-${randomBytes(4).toString('hex')}`) {
    this.#kek = kek;
    this.wrappingKeyId = wrappingKeyId;
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const c = createCipheriv('id-aes256-wrap', this.#kek, RFC3394_IV);
    return Buffer.concat([c.update(dataKey), c.final()]);
  }

  async unwrap(wrapped: Buffer): Promise<Buffer> {
    this.unwrapCalls += 1;
    const d = createDecipheriv('id-aes256-wrap', this.#kek, RFC3394_IV);
    return Buffer.concat([d.update(wrapped), d.final()]);
  }
}
