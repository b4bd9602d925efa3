// Bounds on the request values proofgate keeps (the session row, the audit record, the log) or echoes
// back to Entra. They describe Entra's protocol, not a site's policy, so they are constants rather than
// configuration: client-request-id is a GUID (36 characters) in every Entra request, state is opaque but
// Entra's is a few hundred characters, and Entra's nonce is a GUID. Each bound stays far below the audit
// trail's 4096-character field limit, so a value accepted here can always be recorded later. state is
// 1*VSCHAR (printable ASCII, RFC 6749 appendix A.5); client-request-id, a GUID, also has no spaces (it is
// logged as one token); the nonce's characters are left to the OIDC client, as OIDC Core does.
import type { AuthorizeParam } from './context.js';

export type EchoedParam = Extract<AuthorizeParam, 'state' | 'client-request-id' | 'nonce'>;

interface EchoedParamRule {
  maxLength: number;
  /** The characters allowed, and what the refusal calls them; null: any. */
  characters: { pattern: RegExp; described: string } | null;
}

const PRINTABLE_ASCII = { pattern: /^[\x20-\x7e]*$/, described: 'printable ASCII' };
const PRINTABLE_ASCII_NO_SPACE = { pattern: /^[\x21-\x7e]*$/, described: 'printable ASCII (without spaces)' };

export const ECHOED_PARAM_RULES: Readonly<Record<EchoedParam, EchoedParamRule>> = {
  state: { maxLength: 2048, characters: PRINTABLE_ASCII },
  'client-request-id': { maxLength: 256, characters: PRINTABLE_ASCII_NO_SPACE },
  nonce: { maxLength: 512, characters: null },
};

/** Why `value` may not be stored or echoed as `name`, or null when it may. */
export function echoedParamProblem(name: EchoedParam, value: string): string | null {
  const { maxLength, characters } = ECHOED_PARAM_RULES[name];
  if (value.length === 0) return `${name} is empty`;
  if (value.length > maxLength) return `${name} is longer than ${maxLength} characters`;
  if (characters && !characters.pattern.test(value)) return `${name} contains characters other than ${characters.described}`;
  return null;
}

/** The parameter's value when it is fit to store, log or echo; null when absent or unfit. */
export function echoableParam(params: Partial<Record<AuthorizeParam, string>>, name: EchoedParam): string | null {
  const value = params[name];
  return value !== undefined && echoedParamProblem(name, value) === null ? value : null;
}
