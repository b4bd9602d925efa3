// Runs proofgate's passive authentication over a folder of real eMRTD material and prints a table.
//   node --import tsx eval/emrtd.eval.ts --data ../shared/data/emrtd-dev
// Expected layout (the development set's): csca/ (master lists *.ml, certificates *.cer),
// real_world_sods/*.bin (EF.SOD only), bsi_tr03105_reference/ (EF_COM.bin, Datagroup<n>.bin, EF_SOD.bin).
// Not a test: the data is not part of the project and may not be redistributed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadCscaStore, verifyPassiveAuthentication, type PassiveAuthReport } from '../src/documents/emrtd/index.js';
import { parseDer } from '../src/documents/asn1/index.js';
import { chipAuthenticationSecret, NAMED_CURVES, parseDg14, startChipAuthentication, verifyActiveAuthentication, verifyChipAuthentication } from '../src/documents/emrtd/index.js';
import { createPrivateKey, createPublicKey, randomBytes } from 'node:crypto';
import { derBitString, derOid, derSequence, readOctetString } from '../src/documents/asn1/index.js';
import { iso9796Sign } from '../test/helpers/documents/chip.js';
import { chipProtectedResponse, ecChipKey } from '../test/helpers/documents/ca-chip.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, at: { type: 'string' } } });
if (!values.data) {
  console.error('usage: node --import tsx eval/emrtd.eval.ts --data DIR [--at ISO-DATE]');
  process.exit(2);
}
const dir = path.resolve(values.data);
const now = values.at ? new Date(values.at) : new Date();

const t0 = performance.now();
const { store, files } = loadCscaStore(path.join(dir, 'csca'));
const loadMs = performance.now() - t0;
console.log(`## Trust store (${path.join(dir, 'csca')}), loaded in ${loadMs.toFixed(0)} ms: ${store.size} distinct CSCA certificates\n`);
console.log('| file | kind | result |');
console.log('|---|---|---|');
for (const f of files) console.log(`| ${f.file} | ${f.kind} | ${f.ok ? '' : 'FAILED: '}${f.detail} |`);

interface Row { name: string; expected: string; report: PassiveAuthReport; ms: number; note: string }
const rows: Row[] = [];

const sodDir = path.join(dir, 'real_world_sods');
if (existsSync(sodDir)) {
  for (const file of readdirSync(sodDir).filter((f) => f.endsWith('.bin')).sort()) {
    const start = performance.now();
    const report = verifyPassiveAuthentication({ sod: readFileSync(path.join(sodDir, file)), store, now });
    rows.push({ name: `real_world_sods/${file}`, expected: 'valid', report, ms: performance.now() - start, note: 'SOD only (no data groups in the set)' });
  }
}

const bsiDir = path.join(dir, 'bsi_tr03105_reference');
if (existsSync(bsiDir)) {
  // EF.COM lists the data groups present (tag 5C); read exactly those, as an inspection system would.
  const com = parseDer(readFileSync(path.join(bsiDir, 'EF_COM.bin')), { ldsTags: true });
  const list = com.children.find((c) => c.tagClass === 'application' && c.tagNumber === 28);
  const tagToDg: Record<number, number> = { 0x61: 1, 0x75: 2, 0x63: 3, 0x76: 4, 0x65: 5, 0x66: 6, 0x67: 7, 0x6b: 11, 0x6c: 12, 0x6d: 13, 0x6e: 14, 0x6f: 15, 0x70: 16 };
  const listed = [...(list?.content ?? [])].map((b) => tagToDg[b]).filter((n): n is number => n !== undefined);
  const dataGroups = new Map<number, Uint8Array>();
  for (const n of listed) {
    const f = path.join(bsiDir, `Datagroup${n}.bin`);
    if (existsSync(f)) dataGroups.set(n, readFileSync(f));
  }
  const start = performance.now();
  const report = verifyPassiveAuthentication({ sod: readFileSync(path.join(bsiDir, 'EF_SOD.bin')), dataGroups, store, now });
  const extra = existsSync(path.join(bsiDir, 'Datagroup15.bin')) && !listed.includes(15) ? '; DG15 file present but not in EF.COM/SOD (added for AA testing), not hashed' : '';
  rows.push({ name: 'bsi_tr03105_reference', expected: 'chain-incomplete', report, ms: performance.now() - start, note: `DGs ${listed.join(',')} from EF.COM${extra}` });
}

console.log(`\n## Passive authentication (validity time ${now.toISOString()})\n`);
console.log('| document | expected | status | ok | signature | DG hashes | DS | CSCA | ms |');
console.log('|---|---|---|---|---|---|---|---|---|');
let agree = 0;
for (const r of rows) {
  const sig = r.report.checks.find((c) => c.name === 'sod.signature')?.reason ?? '-';
  const dgs = r.report.checks.filter((c) => c.name.startsWith('dg.hash.'));
  const dgText = dgs.length ? `${dgs.filter((c) => c.outcome === 'pass').length}/${dgs.length} match` : 'none supplied';
  const ok = r.report.status === r.expected;
  if (ok) agree++;
  console.log(`| ${r.name} | ${r.expected} | ${r.report.status} | ${ok ? 'yes' : 'NO'} | ${sig} | ${dgText} | ${r.report.documentSigner?.subject ?? '-'} | ${r.report.csca ? `${r.report.csca.subject} (${r.report.csca.source})` : '-'} | ${r.ms.toFixed(1)} |`);
}
console.log(`\n${agree}/${rows.length} documents give the expected status.\n`);
for (const r of rows) {
  console.log(`### ${r.name}: ${r.report.status}${r.note ? ` (${r.note})` : ''}`);
  for (const c of r.report.checks) console.log(`- ${c.name}: ${c.outcome}: ${c.reason}`);
  console.log('');
}
// Active Authentication against the BSI chip's real DG15 key: the set ships the chip's private key,
// so the chip's INTERNAL AUTHENTICATE answer is simulated with it (ISO 9796-2, as the chip would).
const dg15File = path.join(bsiDir, 'Datagroup15.bin');
const skFile = path.join(bsiDir, 'DG15_sk.pkcs8');
if (existsSync(dg15File) && existsSync(skFile)) {
  const chipKey = createPrivateKey({ key: readFileSync(skFile), format: 'der', type: 'pkcs8' });
  const challenge = randomBytes(8);
  const good = verifyActiveAuthentication({ dg15: readFileSync(dg15File), challenge, response: iso9796Sign(chipKey, challenge) });
  const replay = verifyActiveAuthentication({ dg15: readFileSync(dg15File), challenge: randomBytes(8), response: iso9796Sign(chipKey, challenge) });
  console.log('## Active Authentication (BSI DG15 key, simulated chip answer)\n');
  console.log('| case | outcome | reason |');
  console.log('|---|---|---|');
  console.log(`| fresh challenge | ${good.outcome} | ${good.reason} |`);
  console.log(`| answer replayed to another challenge | ${replay.outcome} | ${replay.reason} |`);
  if (good.outcome !== 'pass' || replay.outcome !== 'fail') process.exitCode = 1;
}

// Chip Authentication key agreement against the BSI chip's DG14 key (explicit brainpool parameters):
// the terminal side is proofgate's; the chip side is simulated with the shipped DG14 private key.
const dg14File = path.join(bsiDir, 'Datagroup14.bin');
const caSkFile = path.join(bsiDir, 'DG14_sk.pkcs8');
if (existsSync(dg14File) && existsSync(caSkFile)) {
  const dg14 = parseDg14(readFileSync(dg14File));
  const session = startChipAuthentication(dg14);
  const curveOid = NAMED_CURVES.find((c) => c.name === session.curve)!.oid;
  const terminalKey = createPublicKey({ key: derSequence(derSequence(derOid('1.2.840.10045.2.1'), derOid(curveOid)), derBitString(session.terminalPublicKey)), format: 'der', type: 'spki' });
  const chipSecret = chipAuthenticationSecret(createPrivateKey({ key: readFileSync(caSkFile), format: 'der', type: 'pkcs8' }), terminalKey);
  const same = chipSecret.equals(session.sharedSecret);
  console.log('\n## Chip Authentication key agreement (BSI DG14 key, simulated chip side)\n');
  console.log('| protocol | cipher | curve | shared secret equal |');
  console.log('|---|---|---|---|');
  console.log(`| ${session.protocol} | ${session.cipher} | ${session.curve} | ${same ? 'yes' : 'NO'} |`);
  if (!same) process.exitCode = 1;
}

// Chip Authentication verified end to end against the BSI DG14: the simulated chip (the shipped DG14
// private key) answers under the derived session keys; proofgate redoes the agreement from DG14 and
// the terminal's ephemeral key and checks the MAC. A chip without the key and a flipped MAC must fail.
if (existsSync(dg14File) && existsSync(caSkFile)) {
  const dg14Bytes = readFileSync(dg14File);
  const session = startChipAuthentication(parseDg14(dg14Bytes));
  // PKCS #8 -> ECPrivateKey -> privateKey OCTET STRING: the chip's scalar (explicit brainpool parameters, so read it directly).
  const pkcs8 = parseDer(readFileSync(caSkFile));
  const ecPrivateKey = parseDer(readOctetString(pkcs8.children[2], 'privateKey'));
  const scalar = readOctetString(ecPrivateKey.children[1], 'EC private key');
  const bsiChip = ecChipKey(session.curve!, { privateKey: scalar });
  const impostor = ecChipKey(session.curve!);
  const genuine = chipProtectedResponse(bsiChip, session.cipher, session.terminalPublicKey);
  const flipped = Buffer.from(genuine);
  flipped[flipped.length - 4] ^= 1;
  const cases: Array<[string, Buffer, string]> = [
    ['genuine chip (BSI DG14 key)', genuine, 'pass'],
    ['chip without the DG14 private key', chipProtectedResponse(impostor, session.cipher, session.terminalPublicKey), 'fail'],
    ['genuine answer, MAC bit flipped', flipped, 'fail'],
  ];
  console.log('\n## Chip Authentication verified (BSI DG14, simulated chip answer, CA version 1)\n');
  console.log('| case | protocol | expected | outcome | ms | reason |');
  console.log('|---|---|---|---|---|---|');
  for (const [label, protectedResponse, expected] of cases) {
    const start = performance.now();
    const r = verifyChipAuthentication({ dg14: dg14Bytes, terminalPrivateKey: session.terminalPrivateKey, terminalPublicKey: session.terminalPublicKey, protectedResponse });
    console.log(`| ${label} | ${r.protocol} v${r.version} ${r.cipher} | ${expected} | ${r.outcome} | ${(performance.now() - start).toFixed(1)} | ${r.reason} |`);
    if (r.outcome !== expected) process.exitCode = 1;
  }
}
if (agree !== rows.length) process.exitCode = 1;
