// Bounds on the request values proofgate keeps (the session row, the audit record, the log) or echoes
// back to Entra. They describe Entra's protocol, not a site's policy, so they are constants rather than
// configuration: client-request-id is a GUID (36 characters) in every Entra request, state is opaque but
// Entra's is a few hundred characters, and Entra's nonce is a GUID. Each bound stays far below the audit
// trail's 4096-character field limit, so a value accepted here can always be recorded later.
import type { AuthorizeParam } from './context.js';

export type EchoedParam = Extract<AuthorizeParam, 'state' | 'client-request-id' | 'nonce'>;

export const ECHOED_PARAM_MAX_LENGTH: Readonly<Record<EchoedParam, number>> = {
  state: 2048,
  'client-request-id': 256,
  nonce: 512,
};

/** Why `value` may not be stored or echoed as `name`, or null when it may. */
export function echoedParamProblem(name: EchoedParam, value: string): string | null {
  const max = ECHOED_PARAM_MAX_LENGTH[name];
  if (value.length > max) return `${name} is longer than ${max} characters`;
  return null;
}

/** The parameter's value when it is fit to store, log or echo; null when absent or unfit. */
export function echoableParam(params: Partial<Record<AuthorizeParam, string>>, name: EchoedParam): string | null {
  const value = params[name];
  return value !== undefined && echoedParamProblem(name, value) === null ? value : null;
}
