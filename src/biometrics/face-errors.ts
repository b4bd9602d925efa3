// Native face errors -> ProofgateError, in one table. The native code stays on the error as `reason`;
// the stack is the JavaScript caller's (captured before the native call), so a failure points at the
// line that asked for the analysis, not at the event loop.
import { ProofgateError, type ErrorCode } from '../core/errors.js';
import { COMMON_NATIVE_CODES, captureCallSite, type MappedNativeCode } from '../native/native-errors.js';

export { captureCallSite };

/** Codes raised by native/src/face (face_codes.h) and native/src/common (native_error.cc). */
export type NativeFaceCode =
  | 'ERR_IMAGE_EMPTY'
  | 'ERR_IMAGE_UNSUPPORTED'
  | 'ERR_IMAGE_DECODE'
  | 'ERR_IMAGE_TRUNCATED'
  | 'ERR_IMAGE_TOO_LARGE'
  | 'ERR_MODEL_LOAD'
  | 'ERR_MODEL_OUTPUT'
  | 'ERR_ENGINE_CLOSED'
  | 'ERR_NATIVE_OPENCV'
  | 'ERR_NATIVE_OUT_OF_MEMORY'
  | 'ERR_NATIVE_INTERNAL';

const MAPPING: Record<NativeFaceCode, MappedNativeCode> = {
  ...COMMON_NATIVE_CODES,
  ERR_MODEL_LOAD: { code: 'ERR_MODEL', status: 500 },
  ERR_MODEL_OUTPUT: { code: 'ERR_MODEL', status: 500 },
  ERR_ENGINE_CLOSED: { code: 'ERR_INTERNAL', status: 500 },
};

/** A face-engine failure: `code` is the appliance-wide one, `reason` the native one. */
export class FaceEngineError extends ProofgateError {
  constructor(readonly reason: NativeFaceCode, code: ErrorCode, message: string, opts: { status: number; cause?: unknown }) {
    super(code, message, opts);
    this.name = 'FaceEngineError';
  }
}

export function isNativeFaceCode(code: unknown): code is NativeFaceCode {
  return typeof code === 'string' && Object.hasOwn(MAPPING, code);
}

/** Converts whatever the addon rejected with; `callSite` comes from captureCallSite(). */
export function toFaceEngineError(err: unknown, callSite: string): FaceEngineError {
  const nativeCode = (err as { code?: unknown } | null)?.code;
  const reason: NativeFaceCode = isNativeFaceCode(nativeCode) ? nativeCode : 'ERR_NATIVE_INTERNAL';
  const { code, status } = MAPPING[reason];
  const message = err instanceof Error ? err.message : String(err);
  const error = new FaceEngineError(reason, code, message, { status, cause: err });
  error.stack = `${error.name} [${code}/${reason}]: ${message}\n${callSite}`;
  return error;
}
