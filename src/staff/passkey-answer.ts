// The browser's answer to a passkey ceremony (@simplewebauthn/browser's RegistrationResponseJSON or
// AuthenticationResponseJSON), checked for shape and size before anything reads it: every field is a
// bounded base64url string, unknown fields are dropped, and the challenge is read from clientDataJSON so the
// store can take it (once) before the signature is even checked.
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { ProofgateError } from '../core/errors.js';

const B64URL = /^[A-Za-z0-9_-]*$/;
const TRANSPORTS = ['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb'];

function refused(why: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', `malformed passkey answer: ${why}`, { status: 400 });
}

function b64(v: unknown, field: string, max: number, min = 1): string {
  if (typeof v !== 'string' || v.length < min || v.length > max || !B64URL.test(v)) throw refused(`${field} must be base64url, ${min}..${max} characters`);
  return v;
}

function object(v: unknown, field: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw refused(`${field} must be an object`);
  return v as Record<string, unknown>;
}

function common(body: unknown) {
  const answer = object(object(body, 'the body').answer, 'answer');
  if (answer.type !== 'public-key') throw refused('type must be public-key');
  // A credential id is at most 1023 bytes (WebAuthn), 1364 base64url characters.
  const id = b64(answer.id, 'id', 1366, 16);
  if (answer.rawId !== id) throw refused('rawId must equal id');
  const response = object(answer.response, 'response');
  const clientDataJSON = b64(response.clientDataJSON, 'response.clientDataJSON', 4096);
  return { id, response, clientDataJSON };
}

export function registrationAnswerOf(body: unknown): RegistrationResponseJSON {
  const { id, response, clientDataJSON } = common(body);
  const transports = response.transports === undefined ? [] : response.transports;
  if (!Array.isArray(transports) || transports.length > 8 || transports.some((x) => !TRANSPORTS.includes(x as string))) {
    throw refused(`response.transports must list at most 8 of ${TRANSPORTS.join(', ')}`);
  }
  return {
    id, rawId: id, type: 'public-key', clientExtensionResults: {},
    response: {
      clientDataJSON, attestationObject: b64(response.attestationObject, 'response.attestationObject', 16384),
      transports: transports as RegistrationResponseJSON['response']['transports'],
    },
  };
}

export function authenticationAnswerOf(body: unknown): AuthenticationResponseJSON {
  const { id, response, clientDataJSON } = common(body);
  const userHandle = response.userHandle === undefined || response.userHandle === null ? undefined : b64(response.userHandle, 'response.userHandle', 128);
  return {
    id, rawId: id, type: 'public-key', clientExtensionResults: {},
    response: {
      clientDataJSON, authenticatorData: b64(response.authenticatorData, 'response.authenticatorData', 4096),
      signature: b64(response.signature, 'response.signature', 1024), ...(userHandle ? { userHandle } : {}),
    },
  };
}

/** The challenge the browser says it answered (clientDataJSON.challenge), or null when there is none to read. */
export function answeredChallenge(answer: { response: { clientDataJSON: string } }): string | null {
  try {
    const client = JSON.parse(Buffer.from(answer.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: unknown };
    return typeof client.challenge === 'string' && client.challenge.length <= 128 ? client.challenge : null;
  } catch {
    return null;
  }
}
