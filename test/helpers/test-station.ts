// A trusted kiosk station for tests: a software key pair (P-256 unless asked otherwise) registered in the
// test app's repository, and the signing a real station does over a capture envelope (docs/kiosk.md).
// The appliance's check is the real one; only the station's key lives in memory here instead of a token.
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, constants, type KeyObject } from 'node:crypto';
import type { Repository, Station } from '../../src/store/repository.js';
import type { VerificationSession } from '../../src/core/domain.js';
import { stationSignedPayload } from '../../src/verification/station/signed-payload.js';
import { kindsNeedingStation } from '../../src/verification/station/verify-station-envelope.js';
import type { Capture } from '../../src/verification/capture/capture.js';

export interface TestStation {
  station: Station;
  privateKey: KeyObject;
  publicKeyPem: string;
}

/** An envelope item as the tests build them: base64 data and optional meta. */
export interface EnvelopeItem {
  kind: string;
  mediaType: string;
  data: string;
  meta?: Record<string, unknown>;
}

export interface SignOptions {
  issuedAt?: number;
  operator?: string | null;
  /** Signs over these fields instead of the real ones (a signature made for something else). */
  signedSessionId?: string;
  signedNonce?: string;
  signedItems?: readonly EnvelopeItem[];
}

export function stationKeyPair(algorithm: 'ES256' | 'RS256' = 'ES256', rsaBits = 2048): { privateKey: KeyObject; publicKeyPem: string } {
  const { privateKey, publicKey } = algorithm === 'ES256'
    ? generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
    : generateKeyPairSync('rsa', { modulusLength: rsaBits });
  return { privateKey, publicKeyPem: publicKey.export({ format: 'pem', type: 'spki' }) as string };
}

/** Registers a new station straight in the store (the CLI's path has its own tests: test/cli/station.test.ts). */
export function registerTestStation(repo: Repository, opts: { name?: string; algorithm?: 'ES256' | 'RS256'; now?: number } = {}): TestStation {
  const { privateKey, publicKeyPem } = stationKeyPair(opts.algorithm);
  const der = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const station = repo.addStation({
    stationId: randomBytes(16).toString('hex'), name: opts.name ?? 'Test kiosk 1', publicKey: der, algorithm: opts.algorithm ?? 'ES256',
    keySha256: createHash('sha256').update(der).digest('hex'), createdAt: opts.now ?? Date.now(),
  });
  return { station, privateKey, publicKeyPem };
}

const toCapture = (i: EnvelopeItem): Pick<Capture, 'kind' | 'mediaType' | 'bytes' | 'meta'> => ({
  kind: i.kind as Capture['kind'], mediaType: i.mediaType as Capture['mediaType'], bytes: Buffer.from(i.data, 'base64'), meta: i.meta ?? null,
});

/** The signature a station with this key makes (ES256: IEEE P1363 r||s; RS256: PKCS#1 v1.5), base64url. */
export function signPayload(privateKey: KeyObject, payload: Buffer): string {
  const signature = privateKey.asymmetricKeyType === 'ec'
    ? sign('sha256', payload, { key: privateKey, dsaEncoding: 'ieee-p1363' })
    : sign('sha256', payload, { key: privateKey, padding: constants.RSA_PKCS1_PADDING });
  return signature.toString('base64url');
}

/** The envelope object a station posts: the captures and its signed `station` object. */
export function signedEnvelope(
  s: TestStation, session: Pick<VerificationSession, 'sessionId' | 'challenge'>, items: readonly EnvelopeItem[], opts: SignOptions = {},
): { captures: EnvelopeItem[]; station: { id: string; issuedAt: number; operator: string | null; signature: string } } {
  const issuedAt = opts.issuedAt ?? Date.now();
  const operator = opts.operator === undefined ? null : opts.operator;
  const payload = stationSignedPayload({
    sessionId: opts.signedSessionId ?? session.sessionId, nonce: opts.signedNonce ?? String(session.challenge.nonce),
    captures: (opts.signedItems ?? items).map(toCapture), stationId: s.station.stationId, operator, issuedAt,
  });
  return { captures: [...items], station: { id: s.station.stationId, issuedAt, operator, signature: signPayload(s.privateKey, payload) } };
}

const stations = new WeakMap<Repository, TestStation>();

/** The repository's test station, registered on first use. */
export function testStationOf(repo: Repository): TestStation {
  let s = stations.get(repo);
  if (!s) {
    s = registerTestStation(repo);
    stations.set(repo, s);
  }
  return s;
}

/**
 * The envelope as the sender of these items would post it: signed by the repository's test station when it
 * carries depth, IR, document or chip captures (only a station can send those), bare otherwise (a browser).
 * opts.issuedAt: the station's clock, when the app runs on an injected one.
 */
export function envelopeAsSent(
  repo: Repository, session: Pick<VerificationSession, 'sessionId' | 'challenge'>, items: readonly object[], opts: SignOptions = {},
): object {
  const list = items as EnvelopeItem[];
  return kindsNeedingStation(list.map((i) => ({ kind: i.kind as Capture['kind'] }))).length > 0
    ? signedEnvelope(testStationOf(repo), session, list, opts)
    : { captures: list };
}
