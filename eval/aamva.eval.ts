// AAMVA parser evaluation: parses every payload in --data DIR (e.g. the aamva-dev payloads) and
// reports what was read, the quirks tolerated and the failed cross-checks. The upstream C# test
// files in that folder hold no per-jurisdiction expected values (only the assertion helpers), so
// the table checks internal consistency: mandatory fields present, dates valid and ordered, IIN = DAJ.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAamva } from '../src/documents/aamva/index.js';

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const dir = argValue('--data');
if (!dir) {
  console.error('usage: npm run eval:aamva -- --data DIR');
  process.exit(2);
}
const files = readdirSync(dir).filter((f) => f.endsWith('.txt')).sort();
const rows = files.map((file) => {
  const r = parseAamva(readFileSync(path.join(dir, file)));
  if (!r.ok) return { file, ok: false, version: null, name: '', dob: null, expiry: null, number: null, problems: r.problems };
  const f = r.fields;
  return { file, ok: true, version: r.header.version, name: `${f.familyName ?? '?'}, ${f.givenNames ?? '?'}`, dob: f.dateOfBirth, expiry: f.dateOfExpiry, number: f.documentNumber, problems: r.problems };
});
console.log('| file | parsed | v | name | DOB | expiry | number | problems |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.file} | ${r.ok ? 'yes' : 'no'} | ${r.version ?? ''} | ${r.name} | ${r.dob ?? ''} | ${r.expiry ?? ''} | ${r.number ?? ''} | ${r.problems.join(' ')} |`);
const parsed = rows.filter((r) => r.ok).length;
const complete = rows.filter((r) => r.ok && r.dob && r.expiry && r.number && !r.name.includes('?')).length;
const summary = { payloads: rows.length, parsed, withNameDobExpiryNumber: complete, iinMismatch: rows.filter((r) => r.problems.includes('AAMVA_IIN_JURISDICTION_MISMATCH')).length, invalidDates: rows.filter((r) => r.problems.some((p) => p.startsWith('AAMVA_DATE_INVALID'))).length };
console.log(`\n${parsed}/${rows.length} parsed; ${complete} with name, birth date, expiry and number`);
console.log(JSON.stringify({ summary, rows }, null, 0).slice(0, 200000));
