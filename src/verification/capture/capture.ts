// One image (or depth frame) sent to the capture API, already size-checked and sniffed.

/**
 * Kinds the capture API accepts. The selfie is matched; 'depth' (with optional 'ir') goes to depth
 * liveness and 'challenge-frame's to the active challenge (liveness-captures.ts). Document kinds are
 * stored as evidence and reported as not checked, so kiosk clients can send them before their checks exist.
 */
export const CAPTURE_KINDS = [
  'selfie', 'depth', 'ir', 'challenge-frame', 'document-front', 'document-back', 'document-ir', 'document-uv', 'document-chip',
] as const;
export type CaptureKind = (typeof CAPTURE_KINDS)[number];

export const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export type ImageMediaType = (typeof IMAGE_MEDIA_TYPES)[number];

/** Chip data is not an image; it travels as an octet stream. */
export const RAW_MEDIA_TYPE = 'application/octet-stream';

export interface Capture {
  kind: CaptureKind;
  mediaType: ImageMediaType | typeof RAW_MEDIA_TYPE;
  bytes: Buffer;
  /** Client-side metadata for kinds that need it (depth intrinsics and unit, capture time and nonce). */
  meta: Record<string, unknown> | null;
}

/** Content-Type of the multi-capture JSON envelope (docs/verification.md). */
export const CAPTURE_ENVELOPE_MEDIA_TYPE = 'application/vnd.proofgate.captures+json';
