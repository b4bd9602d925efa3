// Canonical JSON for the audit chain: the exact bytes that get hashed, so an examiner can recompute them
// in any language. Objects have their keys sorted by UTF-16 code units (plain JS sort, identical to
// byte order for the ASCII keys we use), no whitespace anywhere, strings and numbers exactly as
// JSON.stringify writes them (numbers: shortest round-trip form, as RFC 8785 / JCS). Keys whose value is
// undefined are left out, as JSON.stringify does; NaN, Infinity and other non-JSON values are refused.

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, at: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${at} is ${value}, which JSON cannot carry`);
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v, i) => write(v === undefined ? null : v, `${at}[${i}]`)).join(',')}]`;
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw new TypeError(`canonical JSON: ${at} is not a plain object`);
      const entries = Object.keys(value as object)
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .sort()
        .map((k) => `${JSON.stringify(k)}:${write((value as Record<string, unknown>)[k], `${at}.${k}`)}`);
      return `{${entries.join(',')}}`;
    }
    default:
      throw new TypeError(`canonical JSON: ${at} is a ${typeof value}, which JSON cannot carry`);
  }
}
