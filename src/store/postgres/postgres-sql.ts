// Turns a statement written for SQLite into PostgreSQL's text. Only the differences every statement may
// meet are rewritten here; a statement that differs in more than these carries both texts (dialectSql).
//   `?` (positional) and `@name` (named) parameters   → $1, $2, ... (a repeated name reuses its number)
//   INSERT OR IGNORE INTO ...                          → INSERT INTO ... ON CONFLICT DO NOTHING
//   x IS ?  (SQLite's null-safe equality)              → x IS NOT DISTINCT FROM $n
// Quoted strings, quoted identifiers, comments and `::` casts are left as they are.

export interface PostgresStatementText {
  text: string;
  /** For named parameters: the name behind each $n, in order; null for positional ones. */
  names: string[] | null;
  /** How many values the statement takes. */
  count: number;
}

const OR_IGNORE = /^(\s*)INSERT\s+OR\s+IGNORE\s+INTO\b/i;
const IS_PARAM = /\bIS\s+(?=[?@])/gi;

export function toPostgresSql(sql: string): PostgresStatementText {
  let source = sql;
  if (OR_IGNORE.test(source)) source = `${source.replace(OR_IGNORE, '$1INSERT INTO').trimEnd()} ON CONFLICT DO NOTHING`;
  source = source.replace(IS_PARAM, 'IS NOT DISTINCT FROM ');

  let out = '';
  let positional = 0;
  const names: string[] = [];
  for (let i = 0; i < source.length;) {
    const c = source[i];
    if (c === "'" || c === '"') {
      const end = closingQuote(source, i, c);
      out += source.slice(i, end);
      i = end;
    } else if (c === '-' && source[i + 1] === '-') {
      const end = source.indexOf('\n', i);
      const stop = end < 0 ? source.length : end;
      out += source.slice(i, stop);
      i = stop;
    } else if (c === '?') {
      positional += 1;
      out += `$${positional}`;
      i += 1;
    } else if (c === '@' && /[A-Za-z_]/.test(source[i + 1] ?? '')) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i + 1))![0];
      let n = names.indexOf(name);
      if (n < 0) n = names.push(name) - 1;
      out += `$${n + 1}`;
      i += 1 + name.length;
    } else {
      out += c;
      i += 1;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error(`a statement mixes ? and @name parameters: ${sql}`);
  return { text: out, names: names.length > 0 ? names : null, count: positional || names.length };
}

/** Index just past the quote that closes the one at `start` (a doubled quote is an escaped one). */
function closingQuote(s: string, start: number, q: string): number {
  for (let i = start + 1; i < s.length; i += 1) {
    if (s[i] !== q) continue;
    if (s[i + 1] === q) i += 1;
    else return i + 1;
  }
  return s.length;
}
