// A software WebAuthn authenticator for route tests: a real P-256 key, real authenticator data and real
// ECDSA signatures over what the server sent, in the JSON shape @simplewebauthn/browser posts. It lets a
// test forge exactly the wrong thing (origin, RP ID, challenge, counter, flags, key) that the browser test
// (test/e2e/staff-passkeys-browser.test.ts, Chromium's virtual authenticator) cannot. Attestation 'none'.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

// A minimal CBOR encoder: unsigned and negative integers, byte and text strings, maps (what COSE keys
// and attestation objects use).
type Cbor = number | Buffer | string | Map<Cbor, Cbor>;
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = (major << 5) | 25; b.writeUInt16BE(n, 1); return b; }
  const b = Buffer.alloc(5); b[0] = (major << 5) | 26; b.writeUInt32BE(n, 1); return b;
}
export function cbor(v: Cbor): Buffer {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (Buffer.isBuffer(v)) return Buffer.concat([head(2, v.length), v]);
  if (typeof v === 'string') { const s = Buffer.from(v, 'utf8'); return Buffer.concat([head(3, s.length), s]); }
  return Buffer.concat([head(5, v.size), ...[...v].flatMap(([k, x]) => [cbor(k), cbor(x)])]);
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest();
const b64u = (b: Buffer) => b.toString('base64url');

export interface Ceremony {
  origin: string;
  rpId: string;
  challenge: string;
  /** Defaults: user present and verified. */
  userPresent?: boolean;
  userVerified?: boolean;
  type?: string;
}

export class SoftwarePasskey {
  readonly credentialId: Buffer = randomBytes(32);
  readonly #key: KeyObject;
  readonly #cose: Buffer;
  counter = 0;
  /** The user handle stored with the credential at registration (the server's user.id). */
  userHandle: string | null = null;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.#key = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    this.#cose = cbor(new Map<Cbor, Cbor>([[1, 2], [3, -7], [-1, 1], [-2, Buffer.from(jwk.x!, 'base64url')], [-3, Buffer.from(jwk.y!, 'base64url')]]));
  }

  get id(): string {
    return b64u(this.credentialId);
  }

  #authData(c: Ceremony, attested: boolean): Buffer {
    const flags = (c.userPresent === false ? 0 : 0x01) | (c.userVerified === false ? 0 : 0x04) | (attested ? 0x40 : 0);
    const count = Buffer.alloc(4);
    count.writeUInt32BE(this.counter);
    const parts: Buffer[] = [sha256(c.rpId), Buffer.from([flags]), count];
    if (attested) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(this.credentialId.length);
      parts.push(Buffer.alloc(16), len, this.credentialId, this.#cose);
    }
    return Buffer.concat(parts);
  }

  #clientData(c: Ceremony, type: string): Buffer {
    return Buffer.from(JSON.stringify({ type: c.type ?? type, challenge: c.challenge, origin: c.origin, crossOrigin: false }));
  }

  /** The answer to navigator.credentials.create() for these options. */
  register(c: Ceremony, userHandle?: string) {
    this.userHandle = userHandle ?? null;
    const clientDataJSON = this.#clientData(c, 'webauthn.create');
    const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', this.#authData(c, true)]]));
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: { clientDataJSON: b64u(clientDataJSON), attestationObject: b64u(attestationObject), transports: ['internal'] },
    };
  }

  /** The answer to navigator.credentials.get(); the counter moves on by one first (pass bump 0 to replay it). */
  assert(c: Ceremony, bump = 1) {
    this.counter += bump;
    const clientDataJSON = this.#clientData(c, 'webauthn.get');
    const authenticatorData = this.#authData(c, false);
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.#key);
    return {
      id: this.id, rawId: this.id, type: 'public-key', clientExtensionResults: {}, authenticatorAttachment: 'platform',
      response: {
        clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authenticatorData), signature: b64u(signature),
        ...(this.userHandle ? { userHandle: this.userHandle } : {}),
      },
    };
  }
}
