// The recovery error codes as the one mapping (describe-error.ts) classifies them: a Graph outage is an
// expected outage (one log line, 503), a Graph refusal a 502 whose message is not shown, the recovery
// refusals 403s the completion page can explain.
import t from 'tap';
import { describeError, isExpectedOutage } from '../../src/core/describe-error.js';
import { graphRefused, graphUnavailable } from '../../src/recovery/graph-errors.js';
import { recoveryDisabled } from '../../src/recovery/recovery-service.js';

t.test('graph and recovery errors map to status, shown message and outage class', async (t) => {
  const unavailable = graphUnavailable('Graph', 'HTTP 503');
  t.match(describeError(unavailable), { status: 503, code: 'ERR_GRAPH_UNAVAILABLE', message: 'the service is temporarily unavailable' });
  t.ok(isExpectedOutage(unavailable));
  const refused = graphRefused('token endpoint', 'HTTP 401 invalid_client');
  t.match(describeError(refused), { status: 502, code: 'ERR_GRAPH_REFUSED', message: 'the service is temporarily unavailable' });
  t.notOk(isExpectedOutage(refused), 'a refusal is a setup problem, logged with its stack');
  t.match(describeError(recoveryDisabled()), { status: 403, code: 'ERR_RECOVERY_DISABLED', message: /is disabled on this appliance/ });
});
