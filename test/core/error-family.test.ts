// One error family: every error class in src/ extends ProofgateError, so each carries a stable code from
// the ErrorCode union (tsc refuses any other) and goes through the one mapping in src/core/describe-error.ts.
import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';
import { ProofgateError } from '../../src/core/errors.js';
import { describeError } from '../../src/core/describe-error.js';
import { ConfigError } from '../../src/config/validate.js';
import { Asn1Error } from '../../src/documents/asn1/asn1-node.js';
import { KeyImportError } from '../../src/documents/emrtd/public-key.js';
import { KeyAgreementError } from '../../src/documents/emrtd/ca-key-agreement.js';
import { ChipAuthenticationSelectionError } from '../../src/documents/emrtd/ca-select.js';
import { StationUntrustedError } from '../../src/verification/station/station-untrusted.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : e.name.endsWith('.ts') ? [p] : [];
  });
}

// The kiosk agent is its own program on the station: its errors (and those of the device layers only it
// uses: PC/SC, V4L2, the chip's access protocols) speak the station's vocabulary (a device reason such as
// 'unplugged' or 'access-denied' for the station's screen), mapped once to the agent's HTTP answers in
// src/kiosk/http/kiosk-errors.ts; none of them reaches the appliance's error handler.
const STATION_SIDE = [/^src\/kiosk\//, /^src\/native\/(pcsc|v4l2)\.ts$/, /^src\/documents\/emrtd\/access\//];

t.test('no error class in the appliance\'s src/ extends Error directly, except the base', async (t) => {
  const found = sources(path.join(projectRoot, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends (?:Error|TypeError|RangeError)\b/g)]
      .map((m) => ({ file: path.relative(projectRoot, file).split(path.sep).join('/'), name: m[1] })),
  );
  const appliance = found.filter((c) => !STATION_SIDE.some((re) => re.test(c.file)));
  t.same(appliance.map((c) => `${c.file}: ${c.name}`), ['src/core/errors.ts: ProofgateError']);
  t.ok(found.length > appliance.length, 'the station side keeps its own vocabulary (see STATION_SIDE)');
});

t.test('each family member keeps its name and message and carries its code', async (t) => {
  const cases: [ProofgateError, string, string][] = [
    [new ConfigError('server.port', 'an integer', 'x'), 'ConfigError', 'ERR_CONFIG'],
    [new Asn1Error('ASN1_TRUNCATED', 'value cut short', 7), 'Asn1Error', 'ASN1_TRUNCATED'],
    [new KeyImportError('unsupported named curve'), 'KeyImportError', 'ERR_KEY_IMPORT'],
    [new KeyAgreementError('point not on curve'), 'KeyAgreementError', 'ERR_KEY_AGREEMENT'],
    [new ChipAuthenticationSelectionError('no key 3 in DG14'), 'ChipAuthenticationSelectionError', 'ERR_CA_SELECTION'],
    [new StationUntrustedError('the station was revoked', 'a'.repeat(32)), 'StationUntrustedError', 'ERR_STATION_UNTRUSTED'],
  ];
  for (const [error, name, code] of cases) {
    t.ok(error instanceof ProofgateError, `${name} is a ProofgateError`);
    t.match(error, { name, code });
  }
  t.equal(cases[0][0].message, 'config server.port: expected an integer, received "x"');
  t.equal(cases[1][0].message, 'value cut short (at byte 7)');
});

t.test('an internal failure of any member maps like any other: 500, message hidden, temporarily_unavailable', async (t) => {
  t.same(describeError(new KeyImportError('secret detail')), {
    status: 500, code: 'ERR_KEY_IMPORT', message: 'the service is temporarily unavailable', oidcError: 'temporarily_unavailable',
  });
});

t.test('an untrusted station signature: 403 with one public description whatever the reason; the reason stays inside', async (t) => {
  const revoked = new StationUntrustedError('the station was revoked at 2026-06-01T09:00:00.000Z', 'a'.repeat(32));
  const forged = new StationUntrustedError('no station with this id is registered', 'not-an-id');
  t.same(describeError(revoked), { status: 403, code: 'ERR_STATION_UNTRUSTED', message: 'the capture is not signed by a trusted station', oidcError: 'access_denied' });
  t.same(describeError(forged), describeError(revoked));
  t.match(revoked, { reason: /revoked/, claimedStationId: 'a'.repeat(32) });
  t.equal(forged.claimedStationId, null, 'a claimed id not shaped like one is not repeated into the log');
});
