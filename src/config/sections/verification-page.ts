// Configuration "verification.page": what the returning-user page says and asks before the camera
// starts. Kept in its own module beside verification.ts (which reads it as its "page" subsection).
import { ConfigError, type SectionReader } from '../validate.js';

export const verificationPageDefaults = {
  /**
   * The privacy notice shown before the camera starts, as plain text (no markup), in one language.
   * null: the page's own short notice in the person's language (src/pages/messages, key capture.consentDefault).
   */
  consentNotice: null as string | null,
  /**
   * Whether the person must press "I agree, start the camera" before the camera starts. false: the notice
   * is still shown, and the camera starts when the page opens.
   */
  consentRequired: true,
};

export interface VerificationPageConfig {
  consentNotice: string | null;
  consentRequired: boolean;
}

const MAX_NOTICE_CHARS = 2000;

export function readVerificationPageConfig(r: SectionReader): VerificationPageConfig {
  const notice = r.optionalString('consentNotice') ?? null;
  if (notice !== null && (notice.length > MAX_NOTICE_CHARS || notice.trim().length === 0)) {
    throw new ConfigError(r.key('consentNotice'), `plain text of 1..${MAX_NOTICE_CHARS} characters, or null`, notice);
  }
  const out: VerificationPageConfig = { consentNotice: notice, consentRequired: r.boolean('consentRequired') };
  r.done();
  return out;
}
