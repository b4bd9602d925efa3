// Small, strict readers for configuration values. Every failure names the key, what was expected
// and what was received, so an operator can fix the file without reading code.
import { ProofgateError } from '../core/errors.js';

export class ConfigError extends ProofgateError {
  constructor(readonly key: string, expected: string, received: unknown) {
    super('ERR_CONFIG', `config ${key}: expected ${expected}, received ${describe(received)}`);
    this.name = 'ConfigError';
  }
}

/** A value the error names only by its shape: a string under an unknown key may be a secret put in the wrong place. */
class Withheld {
  constructor(readonly length: number) {}
}

function describe(value: unknown): string {
  if (value instanceof Withheld) return `a string of ${value.length} character${value.length === 1 ? '' : 's'} (not shown)`;
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  try {
    const json = JSON.stringify(value);
    return json.length > 80 ? `${json.slice(0, 77)}...` : json;
  } catch {
    return typeof value;
  }
}

export type Raw = Record<string, unknown>;

/** A section reader: takes the raw object at `prefix` (already merged over defaults). */
export class SectionReader {
  readonly #raw: Raw;
  readonly #prefix: string;
  readonly #seen = new Set<string>();

  constructor(raw: unknown, prefix: string) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new ConfigError(prefix, 'an object', raw);
    this.#raw = raw as Raw;
    this.#prefix = prefix;
  }

  key(name: string): string {
    return `${this.#prefix}.${name}`;
  }

  #take(name: string): unknown {
    this.#seen.add(name);
    return this.#raw[name];
  }

  string(name: string, opts: { pattern?: RegExp; allowEmpty?: boolean } = {}): string {
    const v = this.#take(name);
    if (typeof v !== 'string' || (!opts.allowEmpty && v.length === 0)) throw new ConfigError(this.key(name), 'a non-empty string', v);
    if (opts.pattern && !opts.pattern.test(v)) throw new ConfigError(this.key(name), `a string matching ${opts.pattern}`, v);
    return v;
  }

  optionalString(name: string): string | undefined {
    const v = this.#take(name);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.length === 0) throw new ConfigError(this.key(name), 'a non-empty string or null', v);
    return v;
  }

  number(name: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.#take(name);
    const ok = typeof v === 'number' && Number.isFinite(v) && (!opts.integer || Number.isInteger(v))
      && (opts.min === undefined || v >= opts.min) && (opts.max === undefined || v <= opts.max);
    if (!ok) {
      const range = `${opts.min ?? '-inf'}..${opts.max ?? 'inf'}`;
      throw new ConfigError(this.key(name), `${opts.integer ? 'an integer' : 'a number'} in ${range}`, v);
    }
    return v as number;
  }

  /** Only real booleans: "yes", 1 or "true" are rejected so a typo cannot flip a security switch. */
  boolean(name: string): boolean {
    const v = this.#take(name);
    if (typeof v !== 'boolean') throw new ConfigError(this.key(name), 'true or false', v);
    return v;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[]): T {
    const v = this.#take(name);
    if (typeof v !== 'string' || !allowed.includes(v as T)) throw new ConfigError(this.key(name), `one of ${allowed.join(', ')}`, v);
    return v as T;
  }

  stringArray(name: string, opts: { pattern?: RegExp; nonEmpty?: boolean } = {}): string[] {
    const v = this.#take(name);
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || (opts.pattern && !opts.pattern.test(s)))) {
      throw new ConfigError(this.key(name), `an array of strings${opts.pattern ? ` matching ${opts.pattern}` : ''}`, v);
    }
    if (opts.nonEmpty && v.length === 0) throw new ConfigError(this.key(name), 'a non-empty array', v);
    return v as string[];
  }

  /** Nested object: returns a reader for it. */
  section(name: string): SectionReader {
    return new SectionReader(this.#take(name), this.key(name));
  }

  /** Raw access for shapes the helpers above do not cover; the caller validates. */
  raw(name: string): unknown {
    return this.#take(name);
  }

  /** Call last: a misspelled key is an error, not a silently ignored option. */
  done(): void {
    for (const k of Object.keys(this.#raw)) {
      if (!this.#seen.has(k)) {
        const v = this.#raw[k];
        throw new ConfigError(this.key(k), 'no such key (misspelled?)', typeof v === 'string' ? new Withheld(v.length) : v);
      }
    }
  }
}

/** Deep merge of plain objects; arrays and scalars in `over` replace those in `base`. */
export function mergeConfig(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (isPlainObject(base) && isPlainObject(over)) {
    const out: Raw = { ...base };
    for (const [k, v] of Object.entries(over)) out[k] = mergeConfig(base[k], v);
    return out;
  }
  return over;
}

function isPlainObject(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
