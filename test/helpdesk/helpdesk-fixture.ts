// Shared set-up for the help-desk tests: the real app with the help desk on loopback, an enrolled account,
// a staff member signed in through the StaffAuth test double, and small clients for the console and the person.
import type { Test } from 'tap';
import { randomBytes } from 'node:crypto';
import { startHelpdeskTestApp, type HelpdeskTestApp } from '../helpers/helpdesk-test-app.js';
import { RecordedFaceAnalyzer } from '../helpers/recorded-face-analyzer.js';
import type { StaffIdentity } from '../../src/helpdesk/staff-gate.js';
import type { CompletionExtras } from '../../src/helpdesk/person-routes.js';

export const UPN = 'ada@contoso.example';
export const AGENT: StaffIdentity = { id: 'staff-agent-1', name: 'Hana Agent', role: 'helpdesk' };
export const ADMIN: StaffIdentity = { id: 'staff-admin-1', name: 'Ari Admin', role: 'admin' };
export const KIOSK_OPERATOR: StaffIdentity = { id: 'staff-kiosk-1', name: 'Kai Operator', role: 'kiosk-operator' };

export interface Fixture {
  app: HelpdeskTestApp;
  clock: { now: number };
  tid: string;
  oid: string;
  /** Signs `staff` in and returns a console client. */
  console(staff: StaffIdentity): ConsoleClient;
}

export interface ConsoleClient {
  csrf: string;
  get(path: string, accept?: string): Promise<Response>;
  post(path: string, fields: Record<string, string>, opts?: { csrf?: string | null }): Promise<Response>;
  /** Creates a request through the console form; returns the page, link and code it showed. */
  createRequest(fields?: Record<string, string>): Promise<{ res: Response; html: string; link: string; code: string; requestId: string }>;
}

export async function helpdeskFixture(t: Test, opts: { config?: Record<string, unknown>; enrolled?: boolean; completionExtras?: CompletionExtras } = {}): Promise<Fixture> {
  const clock = { now: Date.now() };
  const app = await startHelpdeskTestApp(t, { faceEngine: new RecordedFaceAnalyzer([]), config: opts.config, now: () => clock.now, completionExtras: opts.completionExtras });
  const tid = app.entra.tid.toLowerCase();
  const oid = app.entra.oid.toLowerCase();
  app.repository.upsertSubject({ tid, oid, upn: UPN, displayName: null, givenName: null, familyName: null });
  if (opts.enrolled !== false) {
    app.repository.saveProfile({ profileId: randomBytes(8).toString('hex'), tid, oid, template: Buffer.alloc(512), modelId: 'test-model', enrolment: null });
  }
  const consoleFor = (staff: StaffIdentity): ConsoleClient => {
    const { cookie, csrf } = app.staffAuth.signIn(staff);
    const client: ConsoleClient = {
      csrf,
      get: (path, accept = 'text/html') => fetch(`${app.issuer}${path}`, { headers: { cookie, accept }, redirect: 'manual' }),
      post: (path, fields, o = {}) => {
        const body = new URLSearchParams(fields);
        if (o.csrf !== null) body.set('_csrf', o.csrf ?? csrf);
        return fetch(`${app.issuer}${path}`, { method: 'POST', body, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
      },
      async createRequest(fields = {}) {
        const res = await client.post('/helpdesk/requests', { tid, oid, purpose: 'verify', ttlHours: '24', ...fields });
        const html = await res.text();
        const link = /id="request-link" href="([^"]+)"/.exec(html)?.[1] ?? '';
        const code = /id="request-code">(\d+)</.exec(html)?.[1] ?? '';
        const requestId = /data-request-id="([^"]+)"/.exec(html)?.[1] ?? '';
        return { res, html, link, code, requestId };
      },
    };
    return client;
  };
  return { app, clock, tid, oid, console: consoleFor };
}

/** The person's browser, without one: POSTs a form and reads the page. */
export async function postForm(url: string, fields: Record<string, string> = {}): Promise<{ status: number; html: string }> {
  const res = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  return { status: res.status, html: await res.text() };
}

/** The capture page's session id and CSRF token. */
export function capturePageSession(html: string): { sessionId: string; csrf: string } | null {
  const cancel = /action="[^"]*\/verify\/([^/"]+)\/cancel"/.exec(html);
  const csrf = /name="csrf" value="([^"]+)"/.exec(html);
  return cancel && csrf ? { sessionId: decodeURIComponent(cancel[1]), csrf: csrf[1] } : null;
}
