// Wraps the evidence data key under an AES-256 key that never leaves the token, with
// CKM_AES_KEY_WRAP_PAD (RFC 5649: authenticated, so a corrupt blob is refused rather than
// unwrapped into a wrong key). SoftHSM 2.6.1 supports it (mechanism 0x210A, wrap/unwrap).
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { ProofgateError } from '../core/errors.js';
import type { DataKeyWrapper } from './signing-key.js';
import type { HsmToken, TokenContext } from './hsm-token.js';
import { hsmError, hsmUnavailable } from './hsm-errors.js';
import { destroyQuietly, readAttributes, transientAesKeyTemplate, wrappingKeyTemplate, wrappingLabel } from './pkcs11-attributes.js';

const AES_KEY_LENGTHS = new Set([16, 24, 32]);
/** RFC 5649 adds one 8-byte block (integrity check + length) to a key that is a multiple of 8. */
const KWP_OVERHEAD = 8;

export class Pkcs11DataKeyWrapper implements DataKeyWrapper {
  readonly #token: HsmToken;
  readonly #id: Buffer;
  /** "pkcs11-aes-kwp:" + base64url CKA_ID of the wrapping key. */
  readonly wrappingKeyId: string;

  private constructor(token: HsmToken, id: Buffer) {
    this.#token = token;
    this.#id = id;
    this.wrappingKeyId = `pkcs11-aes-kwp:${id.toString('base64url')}`;
  }

  /** Finds the wrapping key `<prefix>/wrap` (creating it when `create` is set and none exists). */
  static async open(token: HsmToken, opts: { labelPrefix: string; create?: boolean }): Promise<{ wrapper: Pkcs11DataKeyWrapper; created: boolean }> {
    const label = wrappingLabel(opts.labelPrefix);
    return token.run('open wrapping key', async (ctx) => {
      const found = ctx.findObjects([
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_LABEL, value: label },
      ], 2);
      if (found.length > 1) throw hsmError(`more than one wrapping key labelled "${label}" in the token; remove the extra one`);
      if (found.length === 1) {
        const [id] = readAttributes(ctx, found[0], [pkcs11js.CKA_ID]);
        return { wrapper: new Pkcs11DataKeyWrapper(token, id), created: false };
      }
      // A setup problem, not an outage: ERR_HSM, so the session manager does not tear the token down.
      if (!opts.create) throw hsmError(`no wrapping key "${label}" in the token: run \`proofgate hsm init\``);
      const id = randomBytes(16);
      await ctx.api.C_GenerateKeyAsync(ctx.session, { mechanism: pkcs11js.CKM_AES_KEY_GEN }, wrappingKeyTemplate(label, id));
      return { wrapper: new Pkcs11DataKeyWrapper(token, id), created: true };
    });
  }

  wrap(dataKey: Buffer): Promise<Buffer> {
    if (!Buffer.isBuffer(dataKey) || !AES_KEY_LENGTHS.has(dataKey.length)) {
      return Promise.reject(new ProofgateError('ERR_INTERNAL', 'wrap() takes an AES key of 16, 24 or 32 bytes'));
    }
    return this.#token.run('wrap data key', async (ctx) => {
      const wrappingKey = this.#wrappingKey(ctx);
      const transient = ctx.api.C_CreateObject(ctx.session, transientAesKeyTemplate(dataKey));
      try {
        return await ctx.api.C_WrapKeyAsync(ctx.session, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD }, wrappingKey, transient,
          Buffer.alloc(dataKey.length + KWP_OVERHEAD + 8));
      } finally {
        destroyQuietly(ctx, transient);
      }
    });
  }

  unwrap(wrapped: Buffer): Promise<Buffer> {
    if (!Buffer.isBuffer(wrapped) || wrapped.length < 16 + KWP_OVERHEAD || wrapped.length > 32 + KWP_OVERHEAD || wrapped.length % 8 !== 0) {
      return Promise.reject(hsmError('wrapped data key has an impossible length (corrupt?)'));
    }
    return this.#token.run('unwrap data key', async (ctx) => {
      const unwrapped = await ctx.api.C_UnwrapKeyAsync(ctx.session, { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD },
        this.#wrappingKey(ctx), wrapped, transientAesKeyTemplate());
      try {
        return readAttributes(ctx, unwrapped, [pkcs11js.CKA_VALUE])[0];
      } finally {
        destroyQuietly(ctx, unwrapped);
      }
    }, {
      // RFC 5649's integrity check fails as CKR_GENERAL_ERROR in SoftHSM; a healthy token means bad input.
      inputError: () => hsmError(`wrapped data key refused by ${this.wrappingKeyId}: corrupt, or wrapped under another key`),
    });
  }

  #wrappingKey(ctx: TokenContext): Handle {
    return ctx.handle(`wrap:${this.#id.toString('hex')}`, () => {
      const [key] = ctx.findObjects([
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_ID, value: this.#id },
      ], 1);
      if (!key) throw hsmUnavailable(`wrapping key ${this.wrappingKeyId} is no longer in the token`);
      return key;
    });
  }
}
