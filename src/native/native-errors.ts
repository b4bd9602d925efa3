// What every native capability shares when its worker rejects: the codes raised by the common decode,
// argument and error paths (native/src/common, the image decoders), their appliance-wide code and HTTP
// status, and the caller's stack captured before the call so a failure points at the line that asked
// for it. callNative() (call-native.ts) is the one place these are applied.
import type { ErrorCode } from '../core/errors.js';

export interface MappedNativeCode {
  code: ErrorCode;
  status: number;
}

/** Image and runtime codes any capability's worker can reject with; capabilities add their own. */
export const COMMON_NATIVE_CODES = {
  ERR_IMAGE_EMPTY: { code: 'ERR_IMAGE_INVALID', status: 400 },
  ERR_IMAGE_UNSUPPORTED: { code: 'ERR_UNSUPPORTED_MEDIA_TYPE', status: 415 },
  ERR_IMAGE_DECODE: { code: 'ERR_IMAGE_INVALID', status: 400 },
  ERR_IMAGE_TRUNCATED: { code: 'ERR_IMAGE_INVALID', status: 400 },
  ERR_IMAGE_TOO_LARGE: { code: 'ERR_IMAGE_TOO_LARGE', status: 413 },
  ERR_NATIVE_OPENCV: { code: 'ERR_INTERNAL', status: 500 },
  ERR_NATIVE_OUT_OF_MEMORY: { code: 'ERR_INTERNAL', status: 503 },
  ERR_NATIVE_INTERNAL: { code: 'ERR_INTERNAL', status: 500 },
  // A missing or mistyped argument key (common/js_args.h): TypeScript builds every argument, so a bug here.
  ERR_NATIVE_ARGUMENT: { code: 'ERR_INTERNAL', status: 500 },
} as const satisfies Record<string, MappedNativeCode>;

/** Captures the caller's stack now (frames above `callee`), to be joined to a native error that arrives later. */
export function captureCallSite(callee: Function): string {
  const holder: { stack?: string } = {};
  Error.captureStackTrace(holder, callee);
  return (holder.stack ?? '').split('\n').slice(1).join('\n');
}

/** The native code a rejection carries, or ERR_NATIVE_INTERNAL when it carries none. */
export function nativeCodeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR_NATIVE_INTERNAL';
}
