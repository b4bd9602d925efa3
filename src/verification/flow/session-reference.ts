// The reference a person quotes to the service desk after a failed or refused attempt: the first
// characters of the session id, which every audit record and log event of the session carries in full
// (`sessionId` starts with it). The same for every outcome and reason, so it says nothing about why.
// The session id is already in the page's URL; its prefix gives nobody more than that.
export const REFERENCE_CHARS = 10;

export function sessionReference(sessionId: string): string {
  return sessionId.slice(0, REFERENCE_CHARS);
}
