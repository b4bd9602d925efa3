// The station install script (appliance/kiosk/): the script parses (bash -n) and refuses bad arguments
// before touching anything; the Chromium policy is valid JSON naming only real policies with the values a
// kiosk needs, and with the placeholders filled it allows exactly the appliance and the agent; both units
// pass `systemd-analyze verify` with nothing printed (a misspelled key is only a warning).
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';

const DIR = path.join(projectRoot, 'appliance', 'kiosk');
const SCRIPT = path.join(DIR, 'install.sh');

t.test('install.sh parses and refuses bad arguments before anything is touched', async (t) => {
  t.equal(spawnSync('bash', ['-n', SCRIPT]).status, 0, 'bash -n');
  const run = (...args: string[]) => spawnSync('bash', [SCRIPT, ...args], { encoding: 'utf8' });
  const none = run();
  t.equal(none.status, 1);
  t.match(none.stderr, /--appliance-url is required/);
  t.match(run('--appliance-url', 'http://verify.example.org').stderr, /must be an https origin \(http only for a loopback appliance\)/);
  t.match(run('--appliance-url', 'https://verify.example.org/path?x').stderr, /must be an https origin/);
  t.match(run('--appliance-url', 'https://verify.example.org', '--agent-port', '80').stderr, /--agent-port must be 1024\.\.65535/);
  t.match(run('--bogus').stderr, /unknown option --bogus/);
  if (process.getuid?.() !== 0) t.match(run('--appliance-url', 'https://verify.example.org').stderr, /run as root/);
});

t.test('the managed Chromium policy: only the appliance and the agent, camera for the appliance only, no microphone', async (t) => {
  const text = readFileSync(path.join(DIR, 'proofgate-kiosk-policy.json'), 'utf8')
    .replaceAll('@APPLIANCE_ORIGIN@', 'https://verify.example.org').replaceAll('@AGENT_PORT@', '7480');
  const policy = JSON.parse(text) as Record<string, unknown>;
  t.same(policy.URLBlocklist, ['*'], 'everything blocked');
  t.same(policy.URLAllowlist, ['https://verify.example.org', 'http://127.0.0.1:7480'], 'but the appliance and the agent');
  t.same(policy.VideoCaptureAllowedUrls, ['https://verify.example.org']);
  t.equal(policy.VideoCaptureAllowed, false, 'no camera prompt for any other page');
  t.equal(policy.AudioCaptureAllowed, false);
  t.equal(policy.DeveloperToolsAvailability, 2, 'no devtools: the page cannot be scripted at the station');
  t.equal(policy.DownloadRestrictions, 3);
  t.notOk(text.includes('@'), 'every placeholder filled');
});

const analyze = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((f) => existsSync(f)) ?? null;

t.test('both units pass systemd-analyze verify, printing nothing', { skip: analyze ? false : 'systemd-analyze is not installed (package systemd)' }, async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-kiosk-units-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const unit of ['proofgate-kiosk.service', 'proofgate-kiosk-browser.service']) {
    // The packaged binaries may be absent here: point Exec lines at this node (the arguments stay).
    const text = readFileSync(path.join(DIR, unit), 'utf8').replaceAll('@APPLIANCE_URL@', 'https://verify.example.org/')
      .replace(/^(Exec[A-Za-z]+=[-@:+!]*)(\/\S+)/gm, (line, key: string, binary: string) => (existsSync(binary) ? line : `${key}${process.execPath}`));
    writeFileSync(path.join(dir, unit), text);
  }
  for (const unit of ['proofgate-kiosk.service', 'proofgate-kiosk-browser.service']) {
    const run = spawnSync(analyze!, ['verify', '--man=no', path.join(dir, unit)], { encoding: 'utf8', env: { ...process.env, SYSTEMD_COLORS: '0' } });
    const output = `${run.stdout}${run.stderr}`.trim();
    t.equal(run.status, 0, `${unit}: exit 0`);
    t.equal(output, '', `${unit}: no warnings (${output})`);
  }
});
