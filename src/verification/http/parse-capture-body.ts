// Turns a capture request body into validated captures. Two formats (docs/verification.md):
//  - a raw image body (Content-Type image/jpeg, image/png or image/webp): one selfie, what the browser
//    page sends;
//  - a JSON envelope (Content-Type application/vnd.proofgate.captures+json)
//    {"captures":[{kind, mediaType, data(base64), meta?}], "station"?: {...}}:
//    several captures at once: a kiosk's selfie with depth/IR frames or document images, or the browser
//    page's selfie with its active-challenge frames. The `station` object (a trusted station's signature,
//    docs/kiosk.md) is read and checked by src/verification/station (parse-station-claim.ts), not here.
// Every capture obeys server.maxImageBytes; exactly one selfie is required.
import { ProofgateError, badRequest } from '../../core/errors.js';
import { CAPTURE_ENVELOPE_MEDIA_TYPE, CAPTURE_KINDS, IMAGE_MEDIA_TYPES, RAW_MEDIA_TYPE, type Capture, type CaptureKind, type ImageMediaType } from '../capture/capture.js';
import { assertImageMatchesType } from '../capture/sniff-image.js';

export interface CaptureLimits {
  maxImageBytes: number;
  maxCapturesPerEnvelope: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_META_CHARS = 4096;
// Kinds whose payload is not a picture (chip data groups).
const RAW_KINDS: ReadonlySet<CaptureKind> = new Set(['document-chip']);
// Depth (16-bit) and IR (8/16-bit) frames are greyscale PNGs; liveness-captures.ts checks their headers.
const PNG_ONLY_KINDS: ReadonlySet<CaptureKind> = new Set(['depth', 'ir']);

function tooLarge(what: string, limit: number): ProofgateError {
  return new ProofgateError('ERR_IMAGE_TOO_LARGE', `${what} is larger than ${limit} bytes`, { status: 413 });
}

const isImageType = (t: unknown): t is ImageMediaType => typeof t === 'string' && (IMAGE_MEDIA_TYPES as readonly string[]).includes(t);

/** A raw body as parsed by express.raw: a Buffer whose type the route already restricted to images. */
export function parseRawCapture(body: unknown, contentType: string | undefined, limits: CaptureLimits): Capture[] {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (!isImageType(mediaType)) {
    throw new ProofgateError('ERR_UNSUPPORTED_MEDIA_TYPE', `send image/jpeg, image/png, image/webp or a ${CAPTURE_ENVELOPE_MEDIA_TYPE} envelope`, { status: 415 });
  }
  if (!Buffer.isBuffer(body)) throw badRequest('image body is missing');
  if (body.length > limits.maxImageBytes) throw tooLarge('image', limits.maxImageBytes);
  assertImageMatchesType(body, mediaType);
  return [{ kind: 'selfie', mediaType, bytes: body, meta: null }];
}

function parseEnvelopeItem(item: unknown, index: number, limits: CaptureLimits): Capture {
  const at = `captures[${index}]`;
  if (item === null || typeof item !== 'object' || Array.isArray(item)) throw badRequest(`${at} must be an object`);
  const { kind, mediaType, data, meta, ...rest } = item as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw badRequest(`${at} has an unknown field "${unknownKey.slice(0, 40)}"`);
  if (typeof kind !== 'string' || !(CAPTURE_KINDS as readonly string[]).includes(kind)) {
    throw badRequest(`${at}.kind must be one of ${CAPTURE_KINDS.join(', ')}`);
  }
  const captureKind = kind as CaptureKind;
  const rawAllowed = RAW_KINDS.has(captureKind);
  if (PNG_ONLY_KINDS.has(captureKind) && mediaType !== 'image/png') {
    throw new ProofgateError('ERR_UNSUPPORTED_MEDIA_TYPE', `${at}.mediaType must be image/png (a greyscale PNG) for ${captureKind}`, { status: 415 });
  }
  if (!(isImageType(mediaType) || (rawAllowed && mediaType === RAW_MEDIA_TYPE))) {
    throw new ProofgateError('ERR_UNSUPPORTED_MEDIA_TYPE',
      `${at}.mediaType must be one of ${IMAGE_MEDIA_TYPES.join(', ')}${rawAllowed ? `, ${RAW_MEDIA_TYPE}` : ''}`, { status: 415 });
  }
  if (typeof data !== 'string' || data.length === 0 || data.length % 4 !== 0 || !BASE64.test(data)) {
    throw badRequest(`${at}.data must be non-empty standard base64`);
  }
  if (Math.floor((data.length * 3) / 4) > limits.maxImageBytes + 2) throw tooLarge(at, limits.maxImageBytes);
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length > limits.maxImageBytes) throw tooLarge(at, limits.maxImageBytes);
  if (isImageType(mediaType)) assertImageMatchesType(bytes, mediaType, at);
  if (meta !== undefined && (meta === null || typeof meta !== 'object' || Array.isArray(meta) || JSON.stringify(meta).length > MAX_META_CHARS)) {
    throw badRequest(`${at}.meta must be an object of at most ${MAX_META_CHARS} characters of JSON`);
  }
  return { kind: captureKind, mediaType: mediaType as Capture['mediaType'], bytes, meta: (meta as Record<string, unknown> | undefined) ?? null };
}

/** A capture envelope as parsed by express.json. */
export function parseCaptureEnvelope(body: unknown, limits: CaptureLimits): Capture[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw badRequest('envelope must be a JSON object');
  const { captures, station: _station, ...rest } = body as Record<string, unknown>;
  const unknownKey = Object.keys(rest)[0];
  if (unknownKey !== undefined) throw badRequest(`envelope has an unknown field "${unknownKey.slice(0, 40)}"`);
  if (!Array.isArray(captures) || captures.length === 0) throw badRequest('envelope.captures must be a non-empty array');
  if (captures.length > limits.maxCapturesPerEnvelope) {
    throw badRequest(`envelope.captures holds ${captures.length} items; at most ${limits.maxCapturesPerEnvelope} are accepted`);
  }
  const parsed = captures.map((c, i) => parseEnvelopeItem(c, i, limits));
  const selfies = parsed.filter((c) => c.kind === 'selfie').length;
  if (selfies !== 1) throw badRequest(`envelope must hold exactly one selfie (found ${selfies})`);
  return parsed;
}
