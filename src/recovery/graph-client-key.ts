// The Graph client certificate's key pair: RSA 2048 generated in the HSM token under its own label
// ("<hsm.keyLabelPrefix>/recovery/<recovery.tap.keyLabel>"), sensitive and never extractable, beside a
// self-signed certificate object with the same CKA_ID. The operator uploads that certificate to the Entra
// app registration; the appliance then proves itself to the token endpoint with client assertions the
// token signs (PS256), so the credential that can create Temporary Access Passes never exists in a file.
// The label is outside "<prefix>/sign/…", so the id_token key ring never mistakes this key for one of its own.
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import type { Handle } from 'pkcs11js';
import { ProofgateError } from '../core/errors.js';
import type { HsmToken, TokenContext } from '../hsm/hsm-token.js';
import { buildSelfSignedCertificate, name as x509Name, type RsaPublicKey } from '../hsm/certificate.js';
import { certificateTemplate, destroyQuietly, readAttributes, rsaPrivateKeyTemplate, rsaPublicKeyTemplate } from '../hsm/pkcs11-attributes.js';
import { minimalUnsigned } from '../hsm/rsa-jwk.js';
import { KEY_GENERATION_TIMEOUT_MS } from '../hsm/pkcs11-signing-key.js';
import { hsmError } from '../hsm/hsm-errors.js';

export const GRAPH_CLIENT_KEY_BITS = 2048;
export const GRAPH_CLIENT_CERTIFICATE_CN = 'proofgate Microsoft Graph client';

/** CKA_LABEL of the key pair and its certificate. */
export const graphClientLabel = (keyLabelPrefix: string, keyLabel: string): string => `${keyLabelPrefix}/recovery/${keyLabel}`;

/** What signs a client assertion: the certificate's SHA-256 thumbprint for the header, and RSASSA-PSS SHA-256. */
export interface AssertionSigner {
  /** Base64url SHA-256 of the certificate's DER: the JWS header `x5t#S256`. */
  readonly x5tS256: string;
  signPs256(data: Buffer): Promise<Buffer>;
}

export class GraphClientKey implements AssertionSigner {
  readonly #token: HsmToken;
  readonly #id: Buffer;
  readonly #signatureBytes: number;
  readonly label: string;
  readonly certificate: X509Certificate;
  readonly x5tS256: string;

  constructor(token: HsmToken, stored: { id: Buffer; label: string; publicKey: RsaPublicKey; certificate: Buffer }) {
    this.#token = token;
    this.#id = stored.id;
    this.#signatureBytes = minimalUnsigned(stored.publicKey.n).length;
    this.label = stored.label;
    this.certificate = new X509Certificate(stored.certificate);
    this.x5tS256 = createHash('sha256').update(this.certificate.raw).digest('base64url');
  }

  /** The certificate in PEM, as the Entra portal's "Upload certificate" takes it. */
  pem(): string {
    return this.certificate.toString();
  }

  /** Uppercase hex thumbprints: SHA-1 is what the Entra portal lists, SHA-256 what the assertion names. */
  thumbprints(): { sha1: string; sha256: string } {
    return { sha1: this.certificate.fingerprint.replaceAll(':', ''), sha256: this.certificate.fingerprint256.replaceAll(':', '') };
  }

  /** RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt in the token (JWS PS256). */
  signPs256(data: Buffer): Promise<Buffer> {
    return this.#token.run('sign Graph client assertion', async (ctx) => {
      const key = ctx.handle(`graph-client:${this.#id.toString('hex')}`, () => {
        const [found] = ctx.findObjects([
          { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
          { type: pkcs11js.CKA_ID, value: this.#id },
        ], 1);
        if (!found) throw hsmError(`the Graph client key "${this.label}" is no longer in the token: run \`proofgate recovery certificate\``);
        return found;
      });
      const pss: pkcs11js.RsaPSS = { type: pkcs11js.CK_PARAMS_RSA_PSS, hashAlg: pkcs11js.CKM_SHA256, mgf: pkcs11js.CKG_MGF1_SHA256, saltLen: 32 };
      ctx.api.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS_PSS, parameter: pss }, key);
      return Buffer.from(await ctx.api.C_SignAsync(ctx.session, data, Buffer.alloc(this.#signatureBytes)));
    });
  }
}

interface FoundKey {
  privateKey: Handle;
  id: Buffer;
  publicKey: RsaPublicKey;
  certificate: Buffer | null;
}

function findKey(ctx: TokenContext, label: string): FoundKey | null {
  const keys = ctx.findObjects([
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
    { type: pkcs11js.CKA_LABEL, value: label },
  ], 2);
  if (keys.length > 1) throw hsmError(`more than one private key labelled "${label}" in the token; remove the extra one`);
  if (keys.length === 0) return null;
  const [id, n, e] = readAttributes(ctx, keys[0], [pkcs11js.CKA_ID, pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT]);
  const certificate = newestCertificate(ctx, id);
  return { privateKey: keys[0], id, publicKey: { n, e }, certificate };
}

/** The certificate object(s) with the key's CKA_ID: one, or briefly two during a renewal. */
function certificateObjects(ctx: TokenContext, id: Buffer): Handle[] {
  return ctx.findObjects([
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
    { type: pkcs11js.CKA_ID, value: id },
  ], 8);
}

function newestCertificate(ctx: TokenContext, id: Buffer): Buffer | null {
  let newest: { der: Buffer; notAfter: number } | null = null;
  for (const o of certificateObjects(ctx, id)) {
    const [der] = readAttributes(ctx, o, [pkcs11js.CKA_VALUE]);
    const notAfter = Date.parse(new X509Certificate(der).validTo);
    if (!newest || notAfter > newest.notAfter) newest = { der, notAfter };
  }
  return newest?.der ?? null;
}

/**
 * The Graph client key as the appliance uses it. A missing key or certificate is a setup problem named
 * with what to run (ERR_CONFIG), not an outage.
 */
export function openGraphClientKey(token: HsmToken, label: string): Promise<GraphClientKey> {
  return token.run('open Graph client key', (ctx) => {
    const found = findKey(ctx, label);
    if (!found || !found.certificate) {
      throw new ProofgateError('ERR_CONFIG',
        `recovery.tap is enabled but the token holds no Graph client ${found ? 'certificate' : 'key'} "${label}": run \`proofgate recovery certificate\` and upload the certificate to the app registration`);
    }
    return new GraphClientKey(token, { id: found.id, label, publicKey: found.publicKey, certificate: found.certificate });
  });
}

export interface GraphClientCertificateResult {
  key: GraphClientKey;
  /** A new key pair was generated (none was in the token). */
  keyCreated: boolean;
  /** A new certificate was issued (new key, no certificate yet, or a renewal); false: the stored one is reused. */
  certificateIssued: boolean;
}

/**
 * Creates the key pair under `label` if absent (or reuses it) and issues a self-signed certificate valid
 * for `validityDays` when there is none yet or `renew` is set. A renewal adds the new certificate beside the
 * old one (the newest is the one used); pruneGraphClientCertificates removes the old one once the change
 * is audited. The old certificate stays valid in Entra until the operator removes it there.
 */
export function ensureGraphClientCertificate(token: HsmToken, opts: {
  label: string; validityDays: number; renew: boolean; now: number;
}): Promise<GraphClientCertificateResult> {
  return token.run('create Graph client certificate', async (ctx) => {
    let found = findKey(ctx, opts.label);
    let keyCreated = false;
    let generated: { publicKey: Handle; privateKey: Handle } | undefined;
    if (!found) {
      const id = randomBytes(16);
      generated = await ctx.api.C_GenerateKeyPairAsync(ctx.session, { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN },
        rsaPublicKeyTemplate(opts.label, id, GRAPH_CLIENT_KEY_BITS), rsaPrivateKeyTemplate(opts.label, id));
      const [n, e] = readAttributes(ctx, generated.publicKey, [pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT]);
      found = { privateKey: generated.privateKey, id, publicKey: { n, e }, certificate: null };
      keyCreated = true;
    }
    if (found.certificate && !opts.renew) {
      return { key: new GraphClientKey(token, { ...found, label: opts.label, certificate: found.certificate }), keyCreated, certificateIssued: false };
    }
    try {
      const signatureBytes = minimalUnsigned(found.publicKey.n).length;
      const privateKey = found.privateKey;
      const der = await buildSelfSignedCertificate({
        publicKey: found.publicKey,
        commonName: GRAPH_CLIENT_CERTIFICATE_CN,
        notBefore: new Date(opts.now - 5 * 60_000), // tolerate the token endpoint's clock skew
        notAfter: new Date(opts.now + opts.validityDays * 86_400_000),
        subjectKeyId: found.id,
        sign: async (tbs) => {
          ctx.api.C_SignInit(ctx.session, { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS }, privateKey);
          return Buffer.from(await ctx.api.C_SignAsync(ctx.session, tbs, Buffer.alloc(signatureBytes)));
        },
      });
      ctx.api.C_CreateObject(ctx.session, certificateTemplate(opts.label, found.id, x509Name(GRAPH_CLIENT_CERTIFICATE_CN), der));
      return { key: new GraphClientKey(token, { ...found, label: opts.label, certificate: der }), keyCreated, certificateIssued: true };
    } catch (e) {
      // No half-made key: a key generated now without its certificate would only confuse the next run.
      if (generated) {
        destroyQuietly(ctx, generated.privateKey);
        destroyQuietly(ctx, generated.publicKey);
      }
      throw e;
    }
  }, { timeoutMs: KEY_GENERATION_TIMEOUT_MS });
}

/**
 * Keeps only one certificate beside the key: `keep` (the change was audited) or, with `drop`, every one but
 * it (the audit record for a new certificate could not be written, so the new one goes again).
 */
export function pruneGraphClientCertificates(token: HsmToken, key: GraphClientKey, mode: 'keep' | 'drop'): Promise<number> {
  return token.run('prune Graph client certificates', (ctx) => {
    const [privateKey] = ctx.findObjects([
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_LABEL, value: key.label },
    ], 1);
    if (!privateKey) return 0;
    const [id] = readAttributes(ctx, privateKey, [pkcs11js.CKA_ID]);
    let removed = 0;
    for (const o of certificateObjects(ctx, id)) {
      const [der] = readAttributes(ctx, o, [pkcs11js.CKA_VALUE]);
      if (der.equals(key.certificate.raw) === (mode === 'drop')) {
        ctx.api.C_DestroyObject(ctx.session, o);
        removed += 1;
      }
    }
    return removed;
  });
}
