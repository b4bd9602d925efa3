// HSM failures as the operator sees them: each failed PKCS#11 operation is one 'hsm.failure' log event
// (operation kind, code, message; messages never carry a PIN) and one count by operation.
import type { Logger } from '../../core/log.js';
import type { ProofgateError } from '../../core/errors.js';
import type { ApplianceMetrics } from '../../observability/metrics.js';

export function hsmFailureObserver(log: Logger, metrics: ApplianceMetrics): (operation: string, error: ProofgateError) => void {
  return (operation, error) => {
    metrics.hsmFailure(operation);
    log('hsm.failure', { operation, code: error.code, reason: error.message.replace(/[\r\n]+/g, ' ').slice(0, 300) }, 'error');
  };
}
