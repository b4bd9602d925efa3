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

t.test('no error class in src/ extends Error directly, except the base', async (t) => {
  const outside = sources(path.join(projectRoot, 'src')).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends (?:Error|TypeError|RangeError)\b/g)]
      .map((m) => `${path.relative(projectRoot, file)}: ${m[1]}`),
  );
  t.same(outside, ['src/core/errors.ts: ProofgateError']);
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
