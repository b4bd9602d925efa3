// `systemd-analyze verify` on every unit in appliance/systemd (services and timers), alone and with each
// example drop-in in proofgate.service.d/, plus the offline `systemd-analyze security` exposure of the
// appliance's unit and of the Entra key job held below a threshold. A unit passes only when verify exits 0 AND prints nothing:
// systemd ignores a misspelled key or a bad value with a warning and exit status 0, so the status alone
// would pass a unit that silently lost its sandbox. Units are copied to a temp dir first; an Exec*
// binary absent on this machine (a packaged path) is pointed at this node so verify can load the unit.
import t, { type Test } from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';

const SYSTEMD_DIR = path.join(projectRoot, 'appliance', 'systemd');
const UNITS = readdirSync(SYSTEMD_DIR).filter((f) => /\.(service|timer)$/.test(f)).sort();
const DROP_IN_DIR = path.join(SYSTEMD_DIR, 'proofgate.service.d');
const DROP_INS = readdirSync(DROP_IN_DIR).filter((f) => f.endsWith('.conf.example')).sort();
// Exposure on systemd-analyze's 0–100 scale (printed as 0.0–10.0): both units score 15; the appliance's
// unit before its hardening pass scored 58, the Entra key job before its own 58 too.
const EXPOSURE_THRESHOLD = 20;

const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((f) => existsSync(f)) ?? null;
const SKIP = analyze ? false : 'systemd-analyze is not installed (package systemd)';

/** Exec*= lines whose binary does not exist here run this node instead (the arguments stay). */
function pointExecAtExistingBinaries(unitText: string): string {
  return unitText.replace(/^(Exec[A-Za-z]+=[-@:+!]*)(\/\S+)/gm, (line, key: string, binary: string) => (existsSync(binary) ? line : `${key}${process.execPath}`));
}

/** A temp copy of appliance/systemd: every unit (units may refer to each other), and the given drop-ins. */
function stageUnits(t: Test, opts: { dropIns?: Record<string, string>; units?: Record<string, string> } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-units-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const unit of UNITS) writeFileSync(path.join(dir, unit), pointExecAtExistingBinaries(readFileSync(path.join(SYSTEMD_DIR, unit), 'utf8')));
  for (const [unit, text] of Object.entries(opts.units ?? {})) writeFileSync(path.join(dir, unit), pointExecAtExistingBinaries(text));
  if (opts.dropIns) {
    mkdirSync(path.join(dir, 'proofgate.service.d'));
    for (const [name, text] of Object.entries(opts.dropIns)) writeFileSync(path.join(dir, 'proofgate.service.d', name), text);
  }
  return dir;
}

function systemdAnalyze(args: string[]): { status: number | null; output: string } {
  const run = spawnSync(analyze!, args, { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0', SYSTEMD_LOG_COLOR: '0' } });
  return { status: run.status, output: `${run.stdout}${run.stderr}`.trim() };
}

function verify(dir: string, unit: string) {
  return systemdAnalyze(['verify', '--man=no', path.join(dir, unit)]);
}

function exposure(dir: string, unit: string) {
  return systemdAnalyze(['security', '--offline=true', `--threshold=${EXPOSURE_THRESHOLD}`, path.join(dir, unit)]);
}

const dropInName = (example: string) => example.replace(/\.example$/, '');

t.ok(UNITS.includes('proofgate.service'), 'the appliance unit is shipped');
t.ok(DROP_INS.length >= 3, 'HSM drop-in examples: USB, PCIe, network');

t.test('the unit runs the built CLI the way `npm start` does', async (t) => {
  const unit = readFileSync(path.join(SYSTEMD_DIR, 'proofgate.service'), 'utf8');
  const start = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
  t.equal(start, 'node dist/src/cli/main.js serve');
  t.match(unit, /^ExecStart=\/usr\/bin\/node \/opt\/proofgate\/dist\/src\/cli\/main\.js serve$/m);
  t.match(unit, /^WorkingDirectory=\/opt\/proofgate$/m);
});

for (const unit of UNITS) {
  t.test(`${unit}: systemd-analyze verify is clean`, { skip: SKIP }, async (t) => {
    const result = verify(stageUnits(t), unit);
    t.equal(result.status, 0, result.output);
    t.equal(result.output, '', 'no warnings');
  });
}

for (const example of DROP_INS) {
  t.test(`proofgate.service with ${example}: verify is clean and the drop-in is read`, { skip: SKIP }, async (t) => {
    const text = readFileSync(path.join(DROP_IN_DIR, example), 'utf8');
    const clean = verify(stageUnits(t, { dropIns: { [dropInName(example)]: text } }), 'proofgate.service');
    t.equal(clean.status, 0, clean.output);
    t.equal(clean.output, '', 'no warnings');
    const broken = verify(stageUnits(t, { dropIns: { [dropInName(example)]: `${text}DeviceAlow=char-usb_device rw\n` } }), 'proofgate.service');
    t.match(broken.output, new RegExp(`${dropInName(example).replaceAll('.', '\\.')}:\\d+: Unknown key 'DeviceAlow'`), 'a typo in the drop-in is reported, so it was loaded');
    const sandbox = exposure(stageUnits(t, { dropIns: { [dropInName(example)]: text } }), 'proofgate.service');
    t.equal(sandbox.status, 0, `exposure stays under ${EXPOSURE_THRESHOLD / 10} with the drop-in:\n${sandbox.output.split('\n').at(-1)}`);
  });
}

// The appliance, and the Entra key job: the one unit that downloads gets no weaker a sandbox.
for (const unit of ['proofgate.service', 'proofgate-entra-keys.service']) {
  t.test(`${unit}: systemd-analyze security exposure under ${EXPOSURE_THRESHOLD / 10}`, { skip: SKIP }, async (t) => {
    const result = exposure(stageUnits(t), unit);
    t.equal(result.status, 0, result.output.split('\n').at(-1) ?? '');
    // The hardening block runs to [Install] or to the end of the file.
    const text = readFileSync(path.join(SYSTEMD_DIR, unit), 'utf8');
    const unhardened = text.replace(/^# Hardening:[\s\S]*?(?=^\[Install\]|(?![\s\S]))/m, '');
    t.not(unhardened, text, 'the hardening block was found');
    const weak = exposure(stageUnits(t, { units: { [unit]: unhardened } }), unit);
    t.not(weak.status, 0, 'the same unit without its sandbox fails the threshold');
  });
}

t.test('verify catches a broken unit (the checks above can fail)', { skip: SKIP }, async (t) => {
  const original = readFileSync(path.join(SYSTEMD_DIR, 'proofgate.service'), 'utf8');
  const cases: Array<[string, string, RegExp]> = [
    ['a misspelled key', original.replace(/^NoNewPrivileges=true$/m, 'NoNewPrivilegs=true'), /Unknown key 'NoNewPrivilegs' in section \[Service\]/],
    ['a bad value', original.replace(/^Type=simple$/m, 'Type=bogus'), /Failed to parse service type, ignoring: bogus/],
    ['a misspelled section', original.replace(/^\[Install\]$/m, '[Instal]'), /Unknown section 'Instal'/],
  ];
  for (const [label, text, expected] of cases) {
    t.not(text, original, `${label}: the unit was changed`);
    const result = verify(stageUnits(t, { units: { 'proofgate.service': text } }), 'proofgate.service');
    t.match(result.output, expected, `${label} is reported`);
  }
  const dir = stageUnits(t);
  writeFileSync(path.join(dir, 'missing-binary.service'), original.replace(/^ExecStart=\S+/m, 'ExecStart=/nonexistent/node'));
  const missing = verify(dir, 'missing-binary.service');
  t.not(missing.status, 0, 'an ExecStart binary that does not exist fails verify');
  t.match(missing.output, /\/nonexistent\/node is not executable/);
});

t.test('Exec paths are rewritten only where the binary is absent', async (t) => {
  const text = `[Service]\nExecStart=/nonexistent/bin/node /opt/x.js serve\nExecStartPre=-${process.execPath} --version\n`;
  t.equal(pointExecAtExistingBinaries(text), `[Service]\nExecStart=${process.execPath} /opt/x.js serve\nExecStartPre=-${process.execPath} --version\n`);
});
