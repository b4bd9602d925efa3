// One conversation with a chip: plain until an access protocol establishes secure messaging, then
// every command wrapped and every response verified. Chip Authentication replaces the session keys.
import { encodeCommand, parseResponse, SW_OK, type CommandApdu, type ResponseApdu } from './apdu.js';
import { ChipAccessError, hexSw } from './chip-access-error.js';
import type { SecureMessaging } from './secure-messaging.js';
import type { ChipTransport } from './transport.js';

export class ChipChannel {
  readonly #transport: ChipTransport;
  #sm: SecureMessaging | null = null;
  /** The raw bytes of the last response, as the chip sent them (CA version 1 evidence). */
  lastRawResponse: Buffer = Buffer.alloc(0);

  constructor(transport: ChipTransport) { this.#transport = transport; }

  get secureMessaging(): SecureMessaging | null { return this.#sm; }

  /** From now on every command is protected with `sm` (after BAC, PACE, or CA's re-keying). */
  protect(sm: SecureMessaging): void { this.#sm = sm; }

  /** Sends one command (wrapped when a session is up) and returns the opened response, any status word. */
  async exchange(command: CommandApdu): Promise<ResponseApdu> {
    const sm = this.#sm;
    const raw = await this.#transport(sm ? sm.wrap(command) : encodeCommand(command));
    this.lastRawResponse = Buffer.from(raw);
    return sm ? sm.unwrap(raw) : parseResponse(raw);
  }

  /** Like exchange(), but anything other than 9000 is a ChipAccessError('status') naming `what`. */
  async send(command: CommandApdu, what: string): Promise<Buffer> {
    const { data, sw } = await this.exchange(command);
    if (sw !== SW_OK) throw new ChipAccessError('status', `${what}: the chip answered ${hexSw(sw)}`, sw);
    return data;
  }
}
