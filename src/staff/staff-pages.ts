// The staff pages, server-rendered with the verification pages' shell (same stylesheet, CSP with scripts
// from this origin only): registration from a one-time link, sign-in, the home page listing what the role
// can reach, and the admin page. The passkey pages load @simplewebauthn/browser's bundle and
// staff-passkey.js, which read their URLs from data attributes (no inline script).
import type { Response } from 'express';
import { html, type SafeHtml } from '../pages/html.js';
import { sendPage } from '../pages/page-shell.js';
import type { StaffMember, StaffRole } from '../store/staff-store.js';
import type { StaffIdentity } from './staff-identity.js';
import { STAFF_PATHS } from './staff-paths.js';

export const PASSKEY_SCRIPTS = ['webauthn-browser.js', 'staff-passkey.js'] as const;

export interface StaffPlace {
  /** Path under the app (e.g. '/helpdesk'); the route behind it enforces the role with require(roles). */
  path: string;
  label: string;
}
export type StaffPlaces = Record<StaffRole, readonly StaffPlace[]>;

/** What each role can reach from the home page, of what this unit serves; the units that add pages add theirs (createStaffAuth's `places`). */
export const BUILT_IN_PLACES: StaffPlaces = {
  helpdesk: [],
  'kiosk-operator': [],
  admin: [{ path: STAFF_PATHS.admin, label: 'Staff accounts: list and revoke' }],
};

function send(res: Response, prefix: string, title: string, body: SafeHtml, opts: { scripts?: boolean; status?: number } = {}): void {
  sendPage(res, {
    title, language: 'en', staticPath: `${prefix}${STAFF_PATHS.static}`, formTargetOrigin: "'self'", withScript: false,
    extraScripts: opts.scripts ? PASSKEY_SCRIPTS : [], body,
  }, opts.status ?? 200);
}

function passkeyBlock(kind: 'register' | 'sign-in', urls: { options: string; answer: string; done: string }, button: string): SafeHtml {
  return html`<div id="passkey" data-kind="${kind}" data-options-url="${urls.options}" data-answer-url="${urls.answer}" data-done-url="${urls.done}">
<p id="passkey-status" class="status" role="status">Your browser will ask for your device's screen lock (PIN, fingerprint or face).</p>
<div class="actions"><button id="passkey-start" type="button">${button}</button></div>
</div>`;
}

export function registrationPage(res: Response, prefix: string, token: string, member: StaffMember): void {
  const base = `${prefix}${STAFF_PATHS.register}/${token}`;
  send(res, prefix, 'Register your passkey', html`<main class="card" id="staff-register">
<h1>Register your passkey</h1>
<p>Staff account <strong>${member.name}</strong> (${member.role}). This link works once.</p>
${passkeyBlock('register', { options: `${base}/options`, answer: base, done: `${prefix}${STAFF_PATHS.home}` }, 'Create passkey')}
</main>`, { scripts: true });
}

export function signInPage(res: Response, prefix: string): void {
  send(res, prefix, 'Staff sign-in', html`<main class="card" id="staff-sign-in">
<h1>Staff sign-in</h1>
<p>Sign in with the passkey you registered.</p>
${passkeyBlock('sign-in', { options: `${prefix}${STAFF_PATHS.signIn}/options`, answer: `${prefix}${STAFF_PATHS.signIn}`, done: `${prefix}${STAFF_PATHS.home}` }, 'Sign in with a passkey')}
</main>`, { scripts: true });
}

function signOutForm(prefix: string, csrf: string): SafeHtml {
  return html`<form method="post" action="${prefix}${STAFF_PATHS.signOut}"><input type="hidden" name="_csrf" value="${csrf}"><button id="sign-out" type="submit" class="secondary">Sign out</button></form>`;
}

export function homePage(res: Response, prefix: string, staff: StaffIdentity, csrf: string, places: readonly StaffPlace[]): void {
  send(res, prefix, 'Staff', html`<main class="card" id="staff-home">
<h1>Signed in as <span id="staff-name">${staff.name}</span></h1>
<p>Role: <strong id="staff-role">${staff.role}</strong></p>
<h2>You can reach</h2>
${places.length > 0
    ? html`<ul id="staff-places">${places.map((p) => html`<li><a href="${prefix}${p.path}">${p.label}</a></li>`)}</ul>`
    : html`<p id="staff-no-places">No pages for this role are installed on this appliance yet.</p>`}
<div class="actions">${signOutForm(prefix, csrf)}</div>
</main>`);
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export function adminPage(res: Response, prefix: string, staff: StaffIdentity, csrf: string, members: StaffMember[], notice: string | null): void {
  const rows = members.map((m) => html`<tr data-staff-id="${m.staffId}"><td>${m.name}</td><td>${m.role}</td><td>${m.status}</td><td>${iso(m.createdAt)}</td>
<td>${m.status === 'active' && m.staffId !== staff.id
    ? html`<form method="post" action="${prefix}${STAFF_PATHS.admin}/${m.staffId}/revoke"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">Revoke</button></form>`
    : ''}</td></tr>`);
  send(res, prefix, 'Staff accounts', html`<main class="card" id="staff-admin">
<h1>Staff accounts</h1>
${notice ? html`<p class="status" role="status" id="staff-admin-notice">${notice}</p>` : ''}
<p class="hint">New members and registration links come from the command line: <code>proofgate staff add NAME --role ROLE</code>, <code>proofgate staff link ID</code>.</p>
<table id="staff-list"><thead><tr><th>Name</th><th>Role</th><th>Status</th><th>Added</th><th></th></tr></thead><tbody>${rows}</tbody></table>
<div class="actions"><a href="${prefix}${STAFF_PATHS.home}">Back</a> ${signOutForm(prefix, csrf)}</div>
</main>`);
}

export function unavailablePage(res: Response, prefix: string, message: string): void {
  send(res, prefix, 'Staff sign-in unavailable', html`<main class="card"><h1>Staff sign-in is unavailable</h1><p>${message}</p></main>`, { status: 503 });
}
