// callNative(): the one rewrap of native failures (codes, statuses, messages, the caller's stack).
import t from 'tap';
import { ProofgateError, type ErrorCode } from '../../src/core/errors.js';
import { callNative, type NativeCapability } from '../../src/native/call-native.js';
import { COMMON_NATIVE_CODES } from '../../src/native/native-errors.js';

class ExampleError extends ProofgateError {
  constructor(readonly reason: string, code: ErrorCode, message: string, opts: { status: number; cause?: unknown }) {
    super(code, message, opts);
    this.name = 'ExampleError';
  }
}

const EXAMPLE: NativeCapability<string, ExampleError> = {
  codes: { ...COMMON_NATIVE_CODES, ERR_EXAMPLE_BARE: { code: 'ERR_BAD_REQUEST', status: 400, bare: true } },
  toError: (reason, code, message, opts) => new ExampleError(reason, code, message, opts),
};

const coded = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

async function rejection(run: () => Promise<unknown>, context?: string): Promise<ExampleError> {
  return callNative(rejection, run, EXAMPLE, context).then(() => { throw new Error('resolved'); }, (e: ExampleError) => e);
}

t.test('maps the native code, keeps it as reason, prefixes the context and joins the caller\'s stack', async (t) => {
  const e = await rejection(() => Promise.reject(coded('ERR_IMAGE_TOO_LARGE', 'over the limit')), 'reading');
  t.type(e, ExampleError);
  t.same({ code: e.code, reason: e.reason, status: e.status, message: e.message }, { code: 'ERR_IMAGE_TOO_LARGE', reason: 'ERR_IMAGE_TOO_LARGE', status: 413, message: 'reading: over the limit' });
  t.match(e.stack, /^ExampleError \[ERR_IMAGE_TOO_LARGE\/ERR_IMAGE_TOO_LARGE\]: reading: over the limit\n/);
  t.match(e.stack, /call-native\.test\.ts/);
});

t.test('a bare mapping keeps the native wording; an unknown or missing code is internal', async (t) => {
  t.match(await rejection(() => Promise.reject(coded('ERR_EXAMPLE_BARE', 'as the client sees it')), 'ctx'), { code: 'ERR_BAD_REQUEST', status: 400, message: 'as the client sees it' });
  t.match(await rejection(() => Promise.reject(coded('ERR_SOMETHING_NEW', 'x'))), { code: 'ERR_INTERNAL', reason: 'ERR_NATIVE_INTERNAL', status: 500, message: 'x' });
  t.match(await rejection(() => Promise.reject(coded(undefined, 'y'))), { code: 'ERR_INTERNAL', reason: 'ERR_NATIVE_INTERNAL', status: 500 });
});

t.test('a synchronous argument TypeError is rewrapped too; ProofgateErrors pass through', async (t) => {
  const e = await rejection(() => { throw Object.assign(new TypeError('op options.key is missing'), { code: 'ERR_NATIVE_ARGUMENT' }); });
  t.match(e, { name: 'ExampleError', code: 'ERR_INTERNAL', reason: 'ERR_NATIVE_ARGUMENT', status: 500, message: 'op options.key is missing' });
  const busy = new ProofgateError('ERR_BUSY', 'busy', { status: 503 });
  t.equal(await rejection(() => Promise.reject(busy)), busy);
});
