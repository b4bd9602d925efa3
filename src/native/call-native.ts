// The one rewrap of native failures: every capability's call into the addon goes through callNative(),
// which captures the caller's stack before the call, maps the native code a rejection (or a synchronous
// argument TypeError) carries to the appliance-wide code and HTTP status through the capability's
// table, and rethrows the capability's typed error with that stack joined.
import { ProofgateError, type ErrorCode } from '../core/errors.js';
import { COMMON_NATIVE_CODES, captureCallSite, nativeCodeOf, type MappedNativeCode } from './native-errors.js';

/** A native code's appliance mapping; `bare`: the native message is already client wording, so no context prefix. */
export interface NativeCodeMapping extends MappedNativeCode {
  bare?: true;
}

/** Native code -> mapping: COMMON_NATIVE_CODES spread in, plus the capability's own codes. */
export type NativeCodeTable<Reason extends string = string> = Readonly<Record<Reason, NativeCodeMapping>>;

/** How one capability reports native failures. */
export interface NativeCapability<Reason extends string, E extends ProofgateError> {
  readonly codes: NativeCodeTable<Reason>;
  /** Builds the typed error; `reason` is the native code, or ERR_NATIVE_INTERNAL when the table lacks it. */
  readonly toError: (reason: Reason | 'ERR_NATIVE_INTERNAL', code: ErrorCode, message: string, opts: { status: number; cause: unknown }) => E;
}

/**
 * Runs `invoke` (one addon call) and rewraps its failure with the stack of `caller`'s caller.
 * `context`, when given, prefixes the message ("reading the MRZ: ...") unless the mapping is `bare`.
 * ProofgateErrors thrown by TypeScript inside `invoke` pass through untouched.
 */
export async function callNative<T, Reason extends string, E extends ProofgateError>(
  caller: Function, invoke: () => Promise<T>, capability: NativeCapability<Reason, E>, context?: string,
): Promise<T> {
  const callSite = captureCallSite(caller);
  try {
    return await invoke();
  } catch (err) {
    if (err instanceof ProofgateError) throw err;
    throw rewrapNativeError(err, callSite, capability, context);
  }
}

/** The typed error for one native failure; exported for the rare caller that cannot await through callNative(). */
export function rewrapNativeError<Reason extends string, E extends ProofgateError>(
  err: unknown, callSite: string, capability: NativeCapability<Reason, E>, context?: string,
): E {
  const native = nativeCodeOf(err);
  const known = Object.hasOwn(capability.codes, native);
  const reason = (known ? native : 'ERR_NATIVE_INTERNAL') as Reason | 'ERR_NATIVE_INTERNAL';
  const mapping: NativeCodeMapping = known ? capability.codes[native as Reason] : COMMON_NATIVE_CODES.ERR_NATIVE_INTERNAL;
  const raw = err instanceof Error ? err.message : String(err);
  const message = context && !mapping.bare ? `${context}: ${raw}` : raw;
  const error = capability.toError(reason, mapping.code, message, { status: mapping.status, cause: err });
  error.stack = `${error.name} [${mapping.code}/${reason}]: ${message}\n${callSite}`;
  return error;
}
