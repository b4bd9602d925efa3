// The bytes a station signs (docs/kiosk.md, "The signed payload"). A station and the appliance must build
// exactly the same bytes, so they are canonical JSON (src/audit/canonical-json.ts: sorted keys, no
// whitespace, JSON.stringify's strings and numbers) of one object, in UTF-8:
//   {"captures":[<capture digest>...],"issuedAt":<ms>,"nonce":<challenge nonce>,"operator":<string|null>,
//    "sessionId":<session id>,"stationId":<id>,"v":"proofgate-station-envelope/1"}
// and each capture digest, in envelope order, is the lowercase hex SHA-256 of the canonical JSON of
//   {"bytesSha256":<hex SHA-256 of the capture's bytes>,"kind":<kind>,"mediaType":<media type>,"meta":<meta or null>}
// so the signature covers every byte and every field of every capture, their order and their number, and
// binds them to one session, its challenge, one station, one operator and one moment.
import { canonicalJson } from '../../audit/canonical-json.js';
import { sha256Hex } from '../../core/secrets.js';
import type { Capture } from '../capture/capture.js';

/** Names the format, so a signature over these bytes can mean nothing else. */
export const STATION_PAYLOAD_VERSION = 'proofgate-station-envelope/1';

/** The `station` object of a capture envelope, as the station sent it (parse-station-claim.ts). */
export interface StationClaim {
  id: string;
  /** Milliseconds since the Unix epoch, on the station's clock. */
  issuedAt: number;
  /** Who is signed in at the station (staff), or null. */
  operator: string | null;
  /** base64url (no padding) of the signature over stationSignedPayload(). */
  signature: string;
}


export function captureDigest(capture: Pick<Capture, 'kind' | 'mediaType' | 'bytes' | 'meta'>): string {
  return sha256Hex(canonicalJson({
    bytesSha256: sha256Hex(capture.bytes), kind: capture.kind, mediaType: capture.mediaType, meta: capture.meta ?? null,
  }));
}

export interface SignedPayloadInput {
  sessionId: string;
  /** The session's challenge nonce (the one its depth and challenge frames carry). */
  nonce: string;
  captures: readonly Pick<Capture, 'kind' | 'mediaType' | 'bytes' | 'meta'>[];
  stationId: string;
  operator: string | null;
  issuedAt: number;
}

export function stationSignedPayload(input: SignedPayloadInput): Buffer {
  return Buffer.from(canonicalJson({
    v: STATION_PAYLOAD_VERSION,
    sessionId: input.sessionId,
    nonce: input.nonce,
    captures: input.captures.map(captureDigest),
    stationId: input.stationId,
    operator: input.operator,
    issuedAt: input.issuedAt,
  }), 'utf8');
}
