// Derives the audit position keys in the token: C_Sign with CKM_SHA256_HMAC under the generic secret
// `<prefix>/audit-mac` (sensitive, never extractable). SoftHSM 2.6.1 supports it (mechanism 0x251).
import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import type { HsmToken, TokenContext } from './hsm-token.js';
import { hsmError, hsmUnavailable } from './hsm-errors.js';
import { auditMacPositionInput, type AuditMacKeys } from './audit-mac-keys.js';
import { auditMacKeyTemplate, auditMacLabel, readAttributes } from './pkcs11-attributes.js';

export class Pkcs11AuditMacKeys implements AuditMacKeys {
  readonly #token: HsmToken;
  readonly #id: Buffer;
  /** "pkcs11-hmac:" + base64url CKA_ID of the MAC key. */
  readonly macKeyId: string;

  private constructor(token: HsmToken, id: Buffer) {
    this.#token = token;
    this.#id = id;
    this.macKeyId = `pkcs11-hmac:${id.toString('base64url')}`;
  }

  /** Finds the MAC key `<prefix>/audit-mac` (creating it when `create` is set and none exists). */
  static async open(token: HsmToken, opts: { labelPrefix: string; create?: boolean }): Promise<{ macKeys: Pkcs11AuditMacKeys; created: boolean }> {
    const label = auditMacLabel(opts.labelPrefix);
    return token.run('open audit MAC key', async (ctx) => {
      const found = ctx.findObjects([
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_LABEL, value: label },
      ], 2);
      if (found.length > 1) throw hsmError(`more than one audit MAC key labelled "${label}" in the token; remove the extra one`);
      if (found.length === 1) {
        const [id] = readAttributes(ctx, found[0], [pkcs11js.CKA_ID]);
        return { macKeys: new Pkcs11AuditMacKeys(token, id), created: false };
      }
      // A setup problem, not an outage: ERR_HSM, so the session manager does not tear the token down.
      if (!opts.create) throw hsmError(`no audit MAC key "${label}" in the token: run \`proofgate init\``);
      const id = randomBytes(16);
      await ctx.api.C_GenerateKeyAsync(ctx.session, { mechanism: pkcs11js.CKM_GENERIC_SECRET_KEY_GEN }, auditMacKeyTemplate(label, id));
      return { macKeys: new Pkcs11AuditMacKeys(token, id), created: true };
    });
  }

  positionKey(seq: number): Promise<Buffer> {
    let input: Buffer;
    try {
      input = auditMacPositionInput(seq);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#token.run('derive audit MAC position key', async (ctx) => {
      const key = this.#macKey(ctx);
      ctx.api.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_SHA256_HMAC }, key);
      return Buffer.from(await ctx.api.C_SignAsync(ctx.session, input, Buffer.alloc(32)));
    });
  }

  #macKey(ctx: TokenContext): Handle {
    return ctx.handle(`audit-mac:${this.#id.toString('hex')}`, () => {
      const [key] = ctx.findObjects([
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
        { type: pkcs11js.CKA_ID, value: this.#id },
      ], 1);
      if (!key) throw hsmUnavailable(`audit MAC key ${this.macKeyId} is no longer in the token`);
      return key;
    });
  }
}
