// The one error every station device raises. `code` says what happened to the device, in the words the
// station's screen and its operator need; `messageKey` names the person-facing text the kiosk UI shows
// (the UI owns the wording and its translations); `message` is for the operator's log.
import type { DeviceName } from './device.js';

export type KioskDeviceErrorCode = 'unplugged' | 'removed' | 'access-denied' | 'timeout' | 'corrupt' | 'busy';

/** Person-facing message keys, one per code. */
export const DEVICE_MESSAGE_KEYS: Readonly<Record<KioskDeviceErrorCode, string>> = {
  unplugged: 'kiosk.device.unplugged',
  removed: 'kiosk.device.removed',
  'access-denied': 'kiosk.device.access-denied',
  timeout: 'kiosk.device.timeout',
  corrupt: 'kiosk.device.corrupt',
  busy: 'kiosk.device.busy',
};

export class KioskDeviceError extends Error {
  readonly device: DeviceName;
  readonly code: KioskDeviceErrorCode;
  readonly messageKey: string;

  constructor(device: DeviceName, code: KioskDeviceErrorCode, message: string, opts: { cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KioskDeviceError';
    this.device = device;
    this.code = code;
    this.messageKey = DEVICE_MESSAGE_KEYS[code];
  }
}
