// The held-enrolments page of the console (admins only; docs/helpdesk.md, "Reviewing holds"): each hold's
// account, the other account's profile its face matched, the distance, when, its state, and for a hold
// still open a Release and a Reject form carrying the staff session's CSRF token. Never the template.
import { html, type SafeHtml } from '../pages/html.js';
import type { EnrolmentHold } from '../store/enrolment-hold-store.js';

const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'));
const distance = (d: number) => (Math.round(d * 10_000) / 10_000).toString();

export interface HoldsPaths {
  home: string;
  release: (holdId: string) => string;
  reject: (holdId: string) => string;
}

function actions(hold: EnrolmentHold, csrf: string, paths: HoldsPaths): SafeHtml {
  if (hold.state !== 'held') return html`<td>${hold.state === 'released' && hold.profileId ? html`profile <code>${hold.profileId}</code>` : '—'}</td>`;
  return html`<td>
<form method="post" action="${paths.release(hold.holdId)}" class="hold-release"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Release</button></form>
<form method="post" action="${paths.reject(hold.holdId)}" class="hold-reject"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit">Reject</button></form>
</td>`;
}

export function holdsBody(m: { staff: { name: string; role: string }; holds: EnrolmentHold[]; csrf: string; paths: HoldsPaths; notice?: string | null }): SafeHtml {
  const rows = m.holds.map((h) => html`<tr class="hold" data-hold-id="${h.holdId}" data-state="${h.state}">
<td><code>${h.holdId}</code></td>
<td>${h.subject?.upn ?? '—'}<br><span class="hint">${h.tid} / ${h.oid}</span></td>
<td><code>${h.matchedProfileId}</code><br><span class="hint">${h.matchedTid} / ${h.matchedOid}</span></td>
<td class="hold-distance">${distance(h.distance)} ≤ ${String(h.threshold)}</td>
<td>${iso(h.createdAt)}</td>
<td class="hold-state">${h.state}${h.settledAt === null ? '' : html` (${iso(h.settledAt)})`}</td>
${actions(h, m.csrf, m.paths)}
</tr>`);
  return html`<main class="card" id="helpdesk-holds">
<h1>Held enrolments</h1>
<p class="hint" id="staff">Signed in as <strong>${m.staff.name}</strong> (${m.staff.role})</p>
${m.notice ? html`<p class="notice" id="holds-notice">${m.notice}</p>` : ''}
<p>An enrolment whose face matched another account's profile waits here. Release stores it as the account's profile;
reject discards it. Release only when the two accounts belong to one person legitimately.</p>
${m.holds.length === 0 ? html`<p id="holds-empty">No held enrolments.</p>` : html`<table id="holds">
<thead><tr><th>Hold</th><th>Account</th><th>Matched profile</th><th>Distance</th><th>Held at</th><th>State</th><th></th></tr></thead>
<tbody>${rows}</tbody>
</table>`}
<p><a href="${m.paths.home}">Back to the help desk</a></p>
</main>`;
}
