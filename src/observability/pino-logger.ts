// The product's Logger (src/core/log.ts) over pino: one JSON line per event on stdout (journald or the
// log shipper keeps it), {"level":"warn","time":"<ISO 8601>","event":"oidc.authorize_refused",...}.
// Fields are chosen at each call site to carry no secret; the redact paths below are defence in depth
// for a field someone adds later under a telling name (test/observability/log-redaction.test.ts is the
// proof that real flows log no token, cookie, nonce, PIN, image, embedding or UPN).
import { pino, stdTimeFunctions, type DestinationStream } from 'pino';
import type { Logger } from '../core/log.js';

/** Field names whose value is never written, at the top level or one object down. */
export const REDACTED_FIELDS = [
  'id_token_hint', 'idTokenHint', 'id_token', 'idToken', 'token', 'jwt', 'hint',
  'nonce', 'csrf', 'csrfToken', 'x-csrf-token', 'cookie', 'set-cookie', 'authorization',
  'pin', 'userPin', 'soPin', 'password', 'secret',
  'temporaryAccessPass', 'tap', 'accessToken', 'access_token', 'clientAssertion', 'client_assertion',
  'image', 'images', 'bytes', 'photo', 'selfie', 'base64', 'data',
  'embedding', 'template', 'descriptor',
  'upn', 'preferred_username', 'email', 'name', 'given_name', 'family_name', 'birthdate', 'hintClaims',
] as const;

export const REDACTED = '[redacted]';

function redactPaths(): string[] {
  // fast-redact paths: bracket notation for names that are not identifiers (x-csrf-token).
  const path = (name: string) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : `["${name}"]`);
  return REDACTED_FIELDS.flatMap((f) => [path(f), `*.${path(f)}`.replace('.[', '[')]);
}

/** The product logger; `destination` defaults to stdout (tests pass a stream to read the lines back). */
export function pinoLogger(destination?: DestinationStream): Logger {
  const options = {
    base: null,
    messageKey: 'event',
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    redact: { paths: redactPaths(), censor: REDACTED },
  };
  const logger = destination ? pino(options, destination) : pino(options, pino.destination({ dest: 1, sync: true }));
  return (event, fields, level = 'info') => {
    logger[level](fields, event);
  };
}
