// Configuration section "staff": staff accounts signing in with passkeys (docs/helpdesk.md, "Staff
// accounts and passkeys"). The WebAuthn relying party defaults to the appliance's public URL: its host
// name is the RP ID and its origin the only origin a passkey ceremony is accepted from.
// The defaults object is also the documentation: one comment per key.
import { ConfigError, type SectionReader } from '../validate.js';
import type { ServerConfig } from './server.js';

export const staffDefaults = {
  /**
   * WebAuthn relying party ID: a domain name, the public URL's host or a suffix of it. Empty: the host of
   * server.publicBaseUrl (which must then be a name, not an IP address: browsers refuse IP addresses).
   */
  rpId: '',
  /** The name a browser shows when a passkey is created. */
  rpName: 'proofgate',
  /** The origin (scheme://host[:port]) passkey ceremonies must come from. Empty: server.publicBaseUrl's origin. */
  origin: '',
  /** How long a registration link from `staff add` / `staff link` may be used, in seconds (default 24 h, at most 7 days). */
  registrationLinkTtlSeconds: 24 * 3600,
  /** How long a WebAuthn challenge waits for its answer, in seconds. */
  challengeTtlSeconds: 300,
  /**
   * Whether the authenticator must verify the person (PIN, biometric) at registration and sign-in. Only
   * 'required' is accepted: a passkey that anyone holding the device can use is not a staff credential.
   */
  userVerification: 'required' as const,
  session: {
    /** A signed-in session ends after this many seconds without a request (default 15 min). */
    idleSeconds: 15 * 60,
    /** ... and in any case this many seconds after sign-in (default 8 h). */
    absoluteSeconds: 8 * 3600,
  },
  signIn: {
    /** Sign-in and registration attempts (options and answers) allowed per client address per window. */
    maxAttemptsPerWindow: 20,
    /** The window of that count, in seconds. */
    windowSeconds: 300,
  },
};

export interface StaffConfig {
  /** Null when server.publicBaseUrl's host is an IP address and no rpId is set: staff sign-in is unavailable. */
  rpId: string | null;
  rpName: string;
  origin: string;
  registrationLinkTtlSeconds: number;
  challengeTtlSeconds: number;
  userVerification: 'required';
  session: { idleSeconds: number; absoluteSeconds: number };
  signIn: { maxAttemptsPerWindow: number; windowSeconds: number };
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export function readStaffConfig(r: SectionReader, server: Pick<ServerConfig, 'publicBaseUrl'>): StaffConfig {
  const publicUrl = new URL(server.publicBaseUrl);
  const rpIdRaw = r.string('rpId', { allowEmpty: true });
  const originRaw = r.string('origin', { allowEmpty: true, pattern: /^$|^https?:\/\/[^/?#]+$/ });
  const origin = originRaw === '' ? publicUrl.origin : originRaw;
  let rpId: string | null = rpIdRaw === '' ? publicUrl.hostname : rpIdRaw;
  // A name WebAuthn accepts (browsers refuse IP addresses). Derived from an IP-address public URL (the
  // loopback default), staff sign-in is unavailable and its pages say so; set explicitly, it must be right.
  if (!DOMAIN.test(rpId) || IPV4.test(rpId)) {
    if (rpIdRaw !== '') throw new ConfigError(r.key('rpId'), 'a domain name (browsers refuse IP addresses)', rpIdRaw);
    rpId = null;
  }
  const originHost = new URL(origin).hostname;
  if (rpId !== null && originHost !== rpId && !originHost.endsWith(`.${rpId}`)) {
    throw new ConfigError(r.key('origin'), `an origin on ${rpId} or a subdomain of it`, origin);
  }
  const out: StaffConfig = {
    rpId,
    rpName: r.string('rpName', { pattern: /^[^\p{Cc}]{1,64}$/u }),
    origin,
    registrationLinkTtlSeconds: r.number('registrationLinkTtlSeconds', { integer: true, min: 300, max: 7 * 24 * 3600 }),
    challengeTtlSeconds: r.number('challengeTtlSeconds', { integer: true, min: 30, max: 900 }),
    userVerification: r.oneOf('userVerification', ['required'] as const),
    session: readSession(r.section('session')),
    signIn: readSignIn(r.section('signIn')),
  };
  r.done();
  return out;
}

function readSession(r: SectionReader): StaffConfig['session'] {
  const idleSeconds = r.number('idleSeconds', { integer: true, min: 60, max: 24 * 3600 });
  const absoluteSeconds = r.number('absoluteSeconds', { integer: true, min: 300, max: 24 * 3600 });
  if (absoluteSeconds < idleSeconds) throw new ConfigError(r.key('absoluteSeconds'), `at least session.idleSeconds (${idleSeconds})`, absoluteSeconds);
  r.done();
  return { idleSeconds, absoluteSeconds };
}

function readSignIn(r: SectionReader): StaffConfig['signIn'] {
  const out = {
    maxAttemptsPerWindow: r.number('maxAttemptsPerWindow', { integer: true, min: 1, max: 1000 }),
    windowSeconds: r.number('windowSeconds', { integer: true, min: 10, max: 3600 }),
  };
  r.done();
  return out;
}
