// The options a SANE backend offers, read from `scanimage -d DEV -A`, which prints each as
//     --mode Gray|Color [Gray]
//     --source Flatbed|Automatic Document Feeder|Infrared [Flatbed]
// Only list-valued options are kept (ranges like "1..1200dpi" are not choices). Infrared and ultraviolet
// light are whatever value of `source` or `mode` names them: backends spell them differently
// ("Infrared", "IR", "Transparency Unit Infrared", "UV", "Ultraviolet").
import type { ScanLight } from './document-scanner.js';

export interface SaneOption {
  name: string;
  values: string[];
  current: string | null;
}

const OPTION_LINE = /^\s{2,}--([a-z][a-z0-9-]*)\s+(.+?)(?:\s+\[(.*)\])?\s*$/;
const MAX_OPTIONS = 200;

export function parseSaneOptions(text: string): Map<string, SaneOption> {
  const options = new Map<string, SaneOption>();
  for (const line of text.split('\n').slice(0, 2000)) {
    const m = OPTION_LINE.exec(line);
    if (!m || options.size >= MAX_OPTIONS) continue;
    const [, name, spec, current] = m;
    if (!spec.includes('|') || /\.\./.test(spec) || spec.startsWith('[=')) continue;
    options.set(name, { name, values: spec.split('|').map((v) => v.trim()).filter((v) => v.length > 0 && v.length <= 80), current: current ?? null });
  }
  return options;
}

const LIGHT_PATTERNS: Readonly<Record<Exclude<ScanLight, 'white'>, RegExp>> = {
  ir: /\b(infra-?red|IR)\b/i,
  uv: /\b(ultra-?violet|UV)\b/i,
};

/** How to ask the backend for each light: an option and its value, or nothing for white. */
export interface LightSetting { option: 'source' | 'mode'; value: string }

export function lightSettings(options: Map<string, SaneOption>): Partial<Record<Exclude<ScanLight, 'white'>, LightSetting>> {
  const out: Partial<Record<Exclude<ScanLight, 'white'>, LightSetting>> = {};
  for (const light of ['ir', 'uv'] as const) {
    for (const option of ['source', 'mode'] as const) {
      const value = options.get(option)?.values.find((v) => LIGHT_PATTERNS[light].test(v));
      if (value && !out[light]) out[light] = { option, value };
    }
  }
  return out;
}

/** White light: colour where offered, and a source that is not an IR/UV one. */
export function whiteSettings(options: Map<string, SaneOption>): LightSetting[] {
  const out: LightSetting[] = [];
  const mode = options.get('mode')?.values.find((v) => /^colou?r$/i.test(v));
  if (mode) out.push({ option: 'mode', value: mode });
  const source = options.get('source');
  if (source) {
    const plain = source.current && !LIGHT_PATTERNS.ir.test(source.current) && !LIGHT_PATTERNS.uv.test(source.current)
      ? source.current : source.values.find((v) => !LIGHT_PATTERNS.ir.test(v) && !LIGHT_PATTERNS.uv.test(v));
    if (plain) out.push({ option: 'source', value: plain });
  }
  return out;
}
