// Builds syntactically complete TD3 MRZs with correct check digits, for tests that vary one field.
import { mrzCheckDigit } from '../../../src/documents/mrz/index.js';

export interface Td3Fields {
  code?: string; state?: string; name?: string; number?: string; nationality?: string;
  dob?: string; sex?: string; expiry?: string; personal?: string;
}

const pad = (s: string, n: number) => (s + '<'.repeat(n)).slice(0, n);
const cd = (s: string) => String(mrzCheckDigit(s));

export function buildTd3(f: Td3Fields = {}): [string, string] {
  const l1 = pad(`${pad(f.code ?? 'P', 2)}${pad(f.state ?? 'FRA', 3)}${f.name ?? 'ERIKSSON<<ANNA<MARIA'}`, 44);
  const num = pad(f.number ?? 'L898902C3', 9);
  const pn = pad(f.personal ?? 'ZE184226B', 14);
  const part1 = num + cd(num);
  const dob = f.dob ?? '740812';
  const exp = f.expiry ?? '341231';
  const part2 = dob + cd(dob);
  const part3 = exp + cd(exp) + pn + cd(pn);
  const l2 = part1 + pad(f.nationality ?? 'FRA', 3) + part2 + (f.sex ?? 'F') + part3 + cd(part1 + part2 + part3);
  return [l1, l2];
}
