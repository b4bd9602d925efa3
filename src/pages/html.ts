// HTML output with escaping by construction for the verification pages: every value interpolated into
// the `html` tag goes through the one escape helper (src/pages/escape-html.ts) unless it is itself an `html`
// fragment, so reflected values (names from the hint, ids) cannot inject markup (entra-eam §7 item 16).

import { escapeHtml } from './escape-html.js';

export { escapeHtml };

/** Markup that is already safe (produced by `html`); only this class skips escaping. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Interpolated = SafeHtml | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(value);
}

/** Template tag: `html\`<p>${name}</p>\`` escapes `name`; nested `html` fragments and arrays of them pass through. */
export function html(strings: TemplateStringsArray, ...values: Interpolated[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}
