// Native face errors -> ProofgateError, in one table that src/native/call-native.ts applies. The
// native code stays on the error as `reason`; the stack is the JavaScript caller's.
import { ProofgateError, type ErrorCode } from '../core/errors.js';
import type { NativeCapability, NativeCodeTable } from '../native/call-native.js';
import { COMMON_NATIVE_CODES } from '../native/native-errors.js';

/** Codes raised by native/src/face (face_codes.h) and native/src/common (native_error.h). */
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
  | 'ERR_NATIVE_INTERNAL'
  | 'ERR_NATIVE_ARGUMENT';

const FACE_CODES: NativeCodeTable<NativeFaceCode> = {
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

/** What callNative() needs to rewrap a face call's failure. */
export const FACE_NATIVE: NativeCapability<NativeFaceCode, FaceEngineError> = {
  codes: FACE_CODES,
  toError: (reason, code, message, opts) => new FaceEngineError(reason, code, message, opts),
};
