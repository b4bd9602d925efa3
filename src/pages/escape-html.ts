// The one HTML escape helper. Every value reflected into a page goes through it.
const replacements: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
  '=': '&#61;',
};

/** Escapes text for an HTML element body or a double-quoted attribute value. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`=]/g, (c) => replacements[c]);
}

/** A minimal page with no external assets; `body` must already be escaped HTML. */
export function htmlPage(title: string, body: string, opts: { scriptNonce?: string; script?: string } = {}): string {
  const script = opts.script && opts.scriptNonce ? `<script nonce="${escapeHtml(opts.scriptNonce)}">${opts.script}</script>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title></head>
<body>${body}${script}</body></html>
`;
}
