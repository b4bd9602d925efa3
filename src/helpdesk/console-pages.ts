// The help-desk console's pages (server-rendered, escaped by construction, the verification pages'
// stylesheet; the one script, static/helpdesk-console.js, follows a request's status). Every form carries
// the staff session's CSRF token as `_csrf`.
import { html, type SafeHtml } from '../pages/html.js';
import type { KnownAccount } from '../store/request-store.js';
import type { IssuedRequest, VerificationRequest } from './request-service.js';
import type { RequestResult } from './request-results.js';

const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));

export interface ConsolePaths {
  home: string;
  accounts: string;
  requests: string;
  request: (id: string) => string;
}

function csrfField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}">`;
}

function staffLine(staff: { name: string; role: string }): SafeHtml {
  return html`<p class="hint" id="staff">Signed in as <strong>${staff.name}</strong> (${staff.role})</p>`;
}

export function consoleHomeBody(m: { staff: { name: string; role: string }; requests: VerificationRequest[]; paths: ConsolePaths }): SafeHtml {
  return html`<main class="card" id="helpdesk-home">
<h1>Help desk</h1>
${staffLine(m.staff)}
<h2>Find an account</h2>
<form method="get" action="${m.paths.accounts}" id="find-by-upn">
<label for="upn">UPN seen in earlier verifications</label>
<input id="upn" name="upn" type="text" maxlength="256" autocomplete="off">
<button type="submit">Find</button>
</form>
<form method="get" action="${m.paths.accounts}" id="find-by-id">
<label for="tid">Tenant id</label><input id="tid" name="tid" type="text" maxlength="64" autocomplete="off">
<label for="oid">Object id</label><input id="oid" name="oid" type="text" maxlength="64" autocomplete="off">
<button type="submit">Find</button>
</form>
<h2>Recent requests</h2>
${requestTable(m.requests, m.paths)}
</main>`;
}

function requestTable(requests: VerificationRequest[], paths: ConsolePaths): SafeHtml {
  if (requests.length === 0) return html`<p class="hint">No requests yet.</p>`;
  return html`<table id="requests"><thead><tr><th>Account</th><th>Purpose</th><th>Status</th><th>Created</th><th>Expires</th></tr></thead><tbody>
${requests.map((r) => html`<tr data-request-id="${r.id}"><td><a href="${paths.request(r.id)}">${r.upn ?? `${r.tid} / ${r.oid}`}</a></td><td>${r.purpose}</td><td>${r.status}</td><td>${iso(r.createdAt)}</td><td>${iso(r.expiresAt)}</td></tr>`)}
</tbody></table>`;
}

export function accountsBody(m: { accounts: KnownAccount[]; query: string; csrf: string; paths: ConsolePaths; defaultTtlHours: number; maxTtlHours: number }): SafeHtml {
  return html`<main class="card" id="helpdesk-accounts">
<h1>Accounts for ${m.query}</h1>
${m.accounts.length === 0 ? html`<p id="no-accounts">No account with that name or id has verified or enrolled here.</p>` : ''}
${m.accounts.map((a) => html`<section class="account" data-tid="${a.tid}" data-oid="${a.oid}">
<h2>${a.upn ?? 'no UPN on record'}</h2>
<p class="hint">tenant ${a.tid} · object ${a.oid}</p>
<form method="post" action="${m.paths.requests}" class="create-request">
${csrfField(m.csrf)}
<input type="hidden" name="tid" value="${a.tid}"><input type="hidden" name="oid" value="${a.oid}">
<label>Purpose <select name="purpose"><option value="verify">verify</option><option value="recovery">recovery</option></select></label>
<label>Expires in (hours, at most ${m.maxTtlHours}) <input name="ttlHours" type="number" min="1" max="${m.maxTtlHours}" value="${m.defaultTtlHours}"></label>
<button type="submit">Create verification request</button>
</form>
</section>`)}
<p><a href="${m.paths.home}">Back</a></p>
</main>`;
}

export function createdBody(m: { issued: IssuedRequest; qr: string; statusUrl: string; requestUrl: string }): SafeHtml {
  const r = m.issued.request;
  return html`<main class="card" id="helpdesk-created" data-request-id="${r.id}">
<h1>Verification request for ${r.upn ?? `${r.tid} / ${r.oid}`}</h1>
<p>Send the person this link through your own channel, or read out the code: they open <strong>/r</strong>, type their UPN and the code.
The link and the code are shown only now. They work until ${iso(r.expiresAt)}.</p>
<p><a id="request-link" href="${m.issued.link}">${m.issued.link}</a></p>
<p class="handoff-code-large"><strong id="request-code">${m.issued.code}</strong></p>
${r.upn ? '' : html`<p class="cannot" id="no-upn">This account has no UPN on record, and the code is typed with the UPN: send the link.</p>`}
<img id="request-qr" src="${m.qr}" alt="QR code of the link" width="220" height="220">
${statusSection(r, m.statusUrl)}
<p><a id="request-page" href="${m.requestUrl}">Follow this request</a></p>
</main>`;
}

function statusSection(r: VerificationRequest, statusUrl: string): SafeHtml {
  return html`<p class="status" id="request-status" role="status" aria-live="polite" data-status-url="${statusUrl}" data-status="${r.status}">Status: <strong id="request-status-value">${r.status}</strong></p>`;
}

export function requestBody(m: {
  request: VerificationRequest; result: RequestResult | null; statusUrl: string; revokeUrl: string; csrf: string; imagesAllowed: boolean;
  evidenceUrl: (evidenceId: string) => string; paths: ConsolePaths;
}): SafeHtml {
  const r = m.request;
  return html`<main class="card" id="helpdesk-request" data-request-id="${r.id}">
<h1>Request for ${r.upn ?? `${r.tid} / ${r.oid}`}</h1>
<p class="hint">tenant ${r.tid} · object ${r.oid} · purpose ${r.purpose} · created ${iso(r.createdAt)}${r.createdBy ? ` by ${r.createdBy.name}` : ''} · expires ${iso(r.expiresAt)}</p>
${statusSection(r, m.statusUrl)}
${r.status === 'open' ? html`<form method="post" action="${m.revokeUrl}" id="revoke">${csrfField(m.csrf)}<button type="submit" class="secondary">Revoke</button></form>` : ''}
${m.result ? resultSection(m.result, m.imagesAllowed, m.evidenceUrl) : ''}
<p><a href="${m.paths.home}">Back</a></p>
</main>`;
}

function resultSection(res: RequestResult, imagesAllowed: boolean, evidenceUrl: (id: string) => string): SafeHtml {
  return html`<section id="result" data-decision="${res.decision}">
<h2>Result: <span id="result-decision">${res.decision}</span></h2>
<p>Tier reached: <strong id="result-tier">${res.tier}</strong> · decided ${iso(res.decidedAt)} · reference <strong id="result-reference">${res.reference}</strong> · audit record ${res.auditSeq}</p>
<table id="result-checks"><thead><tr><th>Check</th><th>Score</th><th>Threshold</th><th>Outcome</th></tr></thead><tbody>
${res.checks.map((c) => html`<tr data-check="${c.name}"><td>${c.name}</td><td>${c.score ?? '—'}</td><td>${c.threshold ?? '—'}</td><td>${c.outcome}</td></tr>`)}
</tbody></table>
${imagesAllowed
    ? html`<div id="result-images">${res.evidence.filter((e) => e.purgedAt === null && e.mediaType.startsWith('image/')).map((e) => html`<img src="${evidenceUrl(e.evidenceId)}" alt="${e.kind}" width="160">`)}</div>`
    : html`<p class="hint" id="images-hidden">Evidence images are shown only to the roles allowed to see them.</p>`}
</section>`;
}
