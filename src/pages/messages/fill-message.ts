// Fills a catalogue message's {placeholders}: the message text is escaped, each value is escaped
// unless it is already safe markup (an `html` fragment, e.g. <strong>account</strong>). A placeholder
// without a value is left visible rather than silently dropped, so a missing argument shows in tests.
import { escapeHtml, SafeHtml } from '../html.js';

export type MessageValues = Record<string, string | number | SafeHtml>;

export function fillMessage(template: string, values: MessageValues = {}): SafeHtml {
  let out = '';
  let last = 0;
  for (const m of template.matchAll(/\{([a-zA-Z]+)\}/g)) {
    out += escapeHtml(template.slice(last, m.index));
    const v = values[m[1]];
    out += v === undefined ? escapeHtml(m[0]) : v instanceof SafeHtml ? v.value : escapeHtml(String(v));
    last = m.index + m[0].length;
  }
  return new SafeHtml(out + escapeHtml(template.slice(last)));
}

/** The same filling for plain text (titles, attribute values that are escaped later). */
export function fillText(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{([a-zA-Z]+)\}/g, (whole, name: string) => (values[name] === undefined ? whole : String(values[name])));
}
