// One mapping from what went wrong under the chip reader (PC/SC, access control, secure messaging)
// to the kiosk's device errors, so the screen says the same thing for the same cause.
import { ChipAccessError } from '../../../documents/emrtd/access/chip-access-error.js';
import { PcscError } from '../../../native/pcsc.js';
import { KioskDeviceError } from '../device-error.js';

/** `phase`: 'waiting' before a card session exists, 'reading' once one does (a lost card is then 'removed'). */
export function chipDeviceError(err: unknown, phase: 'waiting' | 'reading'): KioskDeviceError {
  if (err instanceof KioskDeviceError) return err;
  const fail = (code: KioskDeviceError['code'], message: string) => new KioskDeviceError('chip', code, message, { cause: err });
  if (err instanceof PcscError) {
    switch (err.reason) {
      case 'no-readers':
      case 'no-service': return fail('unplugged', `no chip reader: ${err.message}`);
      case 'timeout': return fail('timeout', 'no document was placed on the chip reader in time');
      case 'cancelled': return fail('timeout', 'the chip read was cancelled');
      case 'sharing': return fail('busy', 'another program is using the chip reader');
      case 'no-card':
      case 'unresponsive': return phase === 'reading' ? fail('removed', `the document left the reader during the read: ${err.message}`) : fail('timeout', err.message);
      case 'failed': return phase === 'reading' ? fail('removed', `the chip stopped answering: ${err.message}`) : fail('unplugged', err.message);
    }
  }
  if (err instanceof ChipAccessError) {
    if (err.reason === 'access-denied') return fail('access-denied', err.message);
    return fail('corrupt', `the chip's answer could not be used (${err.reason}): ${err.message}`);
  }
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return fail('timeout', 'the chip read took too long');
  return fail('corrupt', `the chip read failed: ${err instanceof Error ? err.message : String(err)}`);
}
