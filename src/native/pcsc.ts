// PC/SC through libpcsclite (Debian's pcscd), for the kiosk's eMRTD chip reader. Every argument is
// bounded here before it reaches the addon (native/src/pcsc), and every PC/SC failure comes back as a
// PcscError with one reason from a closed set; the kiosk adapter turns those into device errors.
// The daemon's socket is libpcsclite's choice: /run/pcscd/pcscd.comm, or PCSCLITE_CSOCK_NAME if set
// in the environment before the first context is established.
import { captureCallSite, nativeCodeOf } from './native-errors.js';
import { nativeAddon } from './addon.js';

/** The longest command APDU: extended length, 4-byte header + 3-byte Lc + 65535 data + 2-byte Le (ISO 7816-4). */
export const MAX_COMMAND_APDU = 65544;
/** The longest response: 65536 data bytes + SW1 SW2. */
export const MAX_RESPONSE_APDU = 65538;
/** pcsc-lite's MAX_READERNAME. */
export const MAX_READER_NAME = 128;
/** The longest wait for a card that one call may ask for. */
export const MAX_WAIT_MS = 10 * 60_000;

const PROTOCOL_T0 = 0x0001;
const PROTOCOL_T1 = 0x0002;
const STATE_PRESENT = 0x0020;
const STATE_UNKNOWN = 0x0004;
const STATE_UNAVAILABLE = 0x0008;

/** What went wrong, in the words the kiosk needs; `pcscCode` keeps PC/SC's own value for the log. */
export type PcscReason =
  | 'no-readers'       // SCARD_E_NO_READERS_AVAILABLE, SCARD_E_UNKNOWN_READER, SCARD_E_READER_UNAVAILABLE
  | 'no-card'          // SCARD_E_NO_SMARTCARD, SCARD_W_REMOVED_CARD, SCARD_W_RESET_CARD
  | 'unresponsive'     // SCARD_W_UNRESPONSIVE_CARD, SCARD_W_UNPOWERED_CARD, SCARD_E_PROTO_MISMATCH
  | 'timeout'          // SCARD_E_TIMEOUT
  | 'cancelled'        // SCARD_E_CANCELLED
  | 'sharing'          // SCARD_E_SHARING_VIOLATION: another program holds the card
  | 'no-service'       // SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED: pcscd is not running
  | 'failed';          // anything else (SCARD_F_*, SCARD_E_COMM_ERROR, ...)

const REASONS: Readonly<Record<number, PcscReason>> = {
  0x8010002e: 'no-readers', 0x80100009: 'no-readers', 0x80100017: 'no-readers',
  0x8010000c: 'no-card', 0x80100069: 'no-card', 0x80100068: 'no-card',
  0x80100066: 'unresponsive', 0x80100067: 'unresponsive', 0x8010000f: 'unresponsive',
  0x8010000a: 'timeout',
  0x80100002: 'cancelled',
  0x8010000b: 'sharing',
  0x8010001d: 'no-service', 0x8010001e: 'no-service',
};

export class PcscError extends Error {
  readonly reason: PcscReason;
  readonly pcscCode: number | null;
  constructor(reason: PcscReason, message: string, pcscCode: number | null = null) {
    super(message);
    this.name = 'PcscError';
    this.reason = reason;
    this.pcscCode = pcscCode;
  }
}

interface PcscAddon {
  pcscEstablishContext(): Promise<bigint>;
  pcscReleaseContext(context: bigint): Promise<void>;
  pcscListReaders(context: bigint): Promise<string[]>;
  pcscConnect(context: bigint, reader: string, options: { exclusive: boolean; protocols: number }): Promise<{ handle: bigint; protocol: number }>;
  pcscTransmit(card: bigint, protocol: number, apdu: Buffer, maxResponse: number): Promise<Buffer>;
  pcscDisconnect(card: bigint, reset: boolean): Promise<void>;
  pcscGetStatusChange(context: bigint, reader: string, currentState: number, timeoutMs: number): Promise<{ eventState: number; atr: Buffer }>;
  pcscCancel(context: bigint): boolean;
}

const addon = (): PcscAddon => nativeAddon() as unknown as PcscAddon;

async function call<T>(caller: Function, invoke: () => Promise<T>): Promise<T> {
  const callSite = captureCallSite(caller);
  try {
    return await invoke();
  } catch (err) {
    if (err instanceof PcscError) throw err;
    const code = nativeCodeOf(err);
    const match = /^ERR_PCSC_([0-9A-F]{8})$/.exec(code);
    const pcscCode = match ? Number.parseInt(match[1], 16) : null;
    const reason = pcscCode === null ? 'failed' : REASONS[pcscCode] ?? 'failed';
    const error = new PcscError(reason, err instanceof Error ? err.message : String(err), pcscCode);
    error.stack = `PcscError [${reason}]: ${error.message}\n${callSite}`;
    throw error;
  }
}

function checkReaderName(reader: string): void {
  if (typeof reader !== 'string' || reader.length === 0 || Buffer.byteLength(reader) >= MAX_READER_NAME || reader.includes('\0')) {
    throw new RangeError(`a PC/SC reader name must be 1 to ${MAX_READER_NAME - 1} bytes without NUL`);
  }
}

function checkWait(timeoutMs: number): void {
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_WAIT_MS) throw new RangeError(`a PC/SC wait must be 0 to ${MAX_WAIT_MS} ms`);
}

/** A card session on one reader; `transmit` is the transport the eMRTD protocols run over. */
export class PcscCard {
  readonly #card: bigint;
  readonly #protocol: number;
  #open = true;
  constructor(card: bigint, protocol: number) {
    this.#card = card;
    this.#protocol = protocol;
  }

  get protocol(): 'T=0' | 'T=1' { return this.#protocol === PROTOCOL_T0 ? 'T=0' : 'T=1'; }

  /** Sends one command APDU and returns the response with its status word. */
  transmit = (apdu: Uint8Array): Promise<Buffer> => {
    if (!this.#open) return Promise.reject(new PcscError('no-card', 'the card session is closed'));
    if (!(apdu instanceof Uint8Array) || apdu.length < 4 || apdu.length > MAX_COMMAND_APDU) {
      return Promise.reject(new RangeError(`a command APDU must be 4 to ${MAX_COMMAND_APDU} bytes`));
    }
    return call(this.transmit, async () => {
      const response = await addon().pcscTransmit(this.#card, this.#protocol, Buffer.from(apdu), MAX_RESPONSE_APDU);
      // A reader whose card vanished mid-exchange may report success with no bytes at all (vpcd does).
      if (response.length < 2) throw new PcscError('no-card', `the card answered ${response.length} byte(s), no status word: it has gone`);
      return response;
    });
  };

  /** Ends the session and resets the card, so no secure-messaging state outlives it; idempotent. */
  async disconnect(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await call(this.disconnect, () => addon().pcscDisconnect(this.#card, true)).catch(() => undefined);
  }
}

/** One PC/SC context with pcscd. */
export class PcscContext {
  readonly #context: bigint;
  #open = true;
  private constructor(context: bigint) { this.#context = context; }

  static async establish(): Promise<PcscContext> {
    return new PcscContext(await call(PcscContext.establish, () => addon().pcscEstablishContext()));
  }

  /** The readers pcscd knows; none is an empty list, not an error. */
  async listReaders(): Promise<string[]> {
    try {
      return await call(this.listReaders, () => addon().pcscListReaders(this.#context));
    } catch (err) {
      if (err instanceof PcscError && err.reason === 'no-readers') return [];
      throw err;
    }
  }

  /**
   * Waits until a card is present in `reader` (at once if one already is). Rejects 'timeout' after
   * `timeoutMs`, 'no-readers' if the reader goes away, 'cancelled' when `signal` aborts.
   */
  async waitForCard(reader: string, timeoutMs: number, signal?: AbortSignal): Promise<Buffer> {
    checkReaderName(reader);
    checkWait(timeoutMs);
    if (signal?.aborted) throw new PcscError('cancelled', 'the wait for a card was cancelled');
    const onAbort = () => addon().pcscCancel(this.#context);
    signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = Date.now() + timeoutMs;
    try {
      let known = 0; // SCARD_STATE_UNAWARE: report the current state at once
      for (;;) {
        const left = Math.max(0, deadline - Date.now());
        const { eventState, atr } = await call(this.waitForCard, () => addon().pcscGetStatusChange(this.#context, reader, known, left));
        if (eventState & (STATE_UNKNOWN | STATE_UNAVAILABLE)) throw new PcscError('no-readers', `reader "${reader}" is not available`);
        if (eventState & STATE_PRESENT) return atr;
        if (left === 0) throw new PcscError('timeout', 'no card was presented in time');
        known = eventState & ~0x0002; // drop SCARD_STATE_CHANGED: wait for the next change from here
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Connects to the card in `reader`, exclusively, T=1 or T=0 (contactless readers present T=1). */
  async connect(reader: string): Promise<PcscCard> {
    checkReaderName(reader);
    const { handle, protocol } = await call(this.connect, () => addon().pcscConnect(this.#context, reader, { exclusive: true, protocols: PROTOCOL_T0 | PROTOCOL_T1 }));
    return new PcscCard(handle, protocol);
  }

  /** Ends the context; idempotent. */
  async release(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await call(this.release, () => addon().pcscReleaseContext(this.#context)).catch(() => undefined);
  }
}
