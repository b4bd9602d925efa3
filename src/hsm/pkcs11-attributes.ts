// Attribute templates and readers for the objects proofgate keeps in the token. Conventions:
// every object's CKA_LABEL starts with "<keyLabelPrefix>/"; a signing key's private key, public key and
// certificate share one random CKA_ID and the label "<prefix>/sign/<ISO publication time>"; the
// wrapping key is "<prefix>/wrap"; the audit MAC key is "<prefix>/audit-mac". Publication time lives in the label so the token alone holds the
// rotation state (a token backup is a complete backup).
import pkcs11js from 'pkcs11js';
import type { Handle, Template } from 'pkcs11js';
import type { TokenContext } from './hsm-token.js';

export const signingLabel = (prefix: string, publishedAt: number): string => `${prefix}/sign/${new Date(publishedAt).toISOString()}`;
export const wrappingLabel = (prefix: string): string => `${prefix}/wrap`;
export const auditMacLabel = (prefix: string): string => `${prefix}/audit-mac`;

/** Publication time from a signing-key label, or undefined if the label is not one of ours. */
export function parseSigningLabel(prefix: string, label: string): number | undefined {
  const head = `${prefix}/sign/`;
  if (!label.startsWith(head)) return undefined;
  const iso = label.slice(head.length);
  const t = Date.parse(iso);
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(iso) && Number.isFinite(t) ? t : undefined;
}

export function rsaPublicKeyTemplate(label: string, id: Buffer, bits: number): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_MODULUS_BITS, value: bits },
    { type: pkcs11js.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
    { type: pkcs11js.CKA_VERIFY, value: true },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_WRAP, value: false },
  ];
}

/** Signing only: SoftHSM enables decrypt/unwrap on private keys unless told otherwise. */
export function rsaPrivateKeyTemplate(label: string, id: Buffer): Template {
  return [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_SIGN, value: true },
    { type: pkcs11js.CKA_SIGN_RECOVER, value: false },
    { type: pkcs11js.CKA_DECRYPT, value: false },
    { type: pkcs11js.CKA_UNWRAP, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
  ];
}

export function certificateTemplate(label: string, id: Buffer, subject: Buffer, certificateDer: Buffer): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
    { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_SUBJECT, value: subject },
    { type: pkcs11js.CKA_VALUE, value: certificateDer },
  ];
}

type SecretKeyUse = 'wrap' | 'unwrap' | 'sign';

/**
 * A 256-bit token secret that is sensitive and never extractable, allowed only the `uses` given: every other
 * usage attribute is set false explicitly, so a token's permissive defaults never widen it.
 */
function secretKeyTemplate(keyType: number, label: string, id: Buffer, uses: readonly SecretKeyUse[]): Template {
  const allowed = (use: SecretKeyUse) => uses.includes(use);
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: keyType },
    { type: pkcs11js.CKA_VALUE_LEN, value: 32 },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_LABEL, value: label },
    { type: pkcs11js.CKA_ID, value: id },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_WRAP, value: allowed('wrap') },
    { type: pkcs11js.CKA_UNWRAP, value: allowed('unwrap') },
    { type: pkcs11js.CKA_SIGN, value: allowed('sign') },
    { type: pkcs11js.CKA_VERIFY, value: false },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_DECRYPT, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
  ];
}

/** AES-256 key that can only wrap and unwrap, never leaves the token. */
export function wrappingKeyTemplate(label: string, id: Buffer): Template {
  return secretKeyTemplate(pkcs11js.CKK_AES, label, id, ['wrap', 'unwrap']);
}

/** 256-bit generic secret that can only HMAC (derive the audit position keys), never leaves the token. */
export function auditMacKeyTemplate(label: string, id: Buffer): Template {
  return secretKeyTemplate(pkcs11js.CKK_GENERIC_SECRET, label, id, ['sign']);
}

/** A data key in transit: a session object (gone when the session closes), readable so unwrap can return it. */
export function transientAesKeyTemplate(value?: Buffer): Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_TOKEN, value: false },
    { type: pkcs11js.CKA_PRIVATE, value: true },
    { type: pkcs11js.CKA_SENSITIVE, value: false },
    { type: pkcs11js.CKA_EXTRACTABLE, value: true },
    ...(value ? [{ type: pkcs11js.CKA_VALUE, value }] : []),
  ];
}

export function readAttributes(ctx: TokenContext, object: Handle, types: number[]): Buffer[] {
  return ctx.api.C_GetAttributeValue(ctx.session, object, types.map((type) => ({ type }))).map((a) => a.value as Buffer);
}

export function destroyQuietly(ctx: TokenContext, object: Handle): void {
  try {
    ctx.api.C_DestroyObject(ctx.session, object);
  } catch {
    // Session objects vanish with their session anyway.
  }
}
