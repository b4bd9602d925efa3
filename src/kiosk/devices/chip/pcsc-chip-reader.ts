// The chip reader over PC/SC (pcscd): picks the reader (a configured name substring, or the first
// reader with a card), waits for a document, reads it with BAC or PACE (readEmrtd) and always ends
// the card session and the PC/SC context, whatever happened.
import { performance } from 'node:perf_hooks';
import { DEFAULT_EMRTD_READ_OPTIONS, readEmrtd, type EmrtdReadOptions } from '../../../documents/emrtd/reader/read-emrtd.js';
import { PcscContext, PcscError, MAX_READER_NAME, type PcscCard } from '../../../native/pcsc.js';
import type { DeviceStatus } from '../device.js';
import { KioskDeviceError } from '../device-error.js';
import { chipDeviceError } from './chip-errors.js';
import type { ChipAccessKey, ChipRead, ChipReader } from './chip-reader.js';

export interface PcscChipReaderOptions {
  /** A substring of the PC/SC reader's name; null: the first reader with a card. */
  readonly reader: string | null;
  /** Longest one read may take, waiting for the document included, ms. */
  readonly timeoutMs: number;
  readonly read?: Partial<EmrtdReadOptions>;
}

export class PcscChipReader implements ChipReader {
  readonly name = 'chip' as const;
  readonly #options: PcscChipReaderOptions;

  constructor(options: PcscChipReaderOptions) {
    if (options.reader !== null && (options.reader.length === 0 || Buffer.byteLength(options.reader) >= MAX_READER_NAME)) throw new RangeError(`chip.reader must be 1 to ${MAX_READER_NAME - 1} bytes or null`);
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs < 1000 || options.timeoutMs > 120_000) throw new RangeError('chip.timeoutMs must be 1000 to 120000');
    this.#options = options;
  }

  async selftest(): Promise<DeviceStatus> {
    let context: PcscContext | undefined;
    try {
      context = await PcscContext.establish();
      const readers = await context.listReaders();
      const matching = this.#matching(readers);
      if (matching.length === 0) {
        const seen = readers.length ? `readers seen: ${readers.join(', ')}` : 'no PC/SC reader';
        return { device: 'chip', ok: false, detail: `${seen}; none matches "${this.#options.reader ?? '(any)'}"`, remedy: 'Plug in the contactless chip reader (or set chip.reader to part of its name) and check that pcscd is running.' };
      }
      return { device: 'chip', ok: true, detail: `PC/SC reader ${matching[0]}${readers.length > 1 ? ` (readers seen: ${readers.join(', ')})` : ''}` };
    } catch (e) {
      const err = chipDeviceError(e, 'waiting');
      return { device: 'chip', ok: false, detail: err.message, remedy: 'Start pcscd (systemctl start pcscd.socket) and plug in the chip reader.' };
    } finally {
      await context?.release();
    }
  }

  #matching(readers: readonly string[]): string[] {
    const wanted = this.#options.reader;
    return wanted === null ? [...readers] : readers.filter((r) => r.includes(wanted));
  }

  async #waitForDocument(context: PcscContext, signal: AbortSignal): Promise<string> {
    const readers = this.#matching(await context.listReaders());
    if (readers.length === 0) throw new PcscError('no-readers', this.#options.reader === null ? 'no PC/SC reader is connected' : `no PC/SC reader matches "${this.#options.reader}"`);
    for (const reader of readers) {
      try {
        await context.waitForCard(reader, 0, signal);
        return reader;
      } catch (e) {
        if (!(e instanceof PcscError) || e.reason !== 'timeout') throw e;
      }
    }
    await context.waitForCard(readers[0], this.#options.timeoutMs, signal);
    return readers[0];
  }

  /** When the read ended because the caller cancelled it or it ran out of time: 'timeout', whatever the abort's reason was. */
  #stopped(abort: AbortSignal, signal: AbortSignal | undefined, cause: unknown): KioskDeviceError | null {
    if (!abort.aborted) return null;
    const message = signal?.aborted ? 'the chip read was cancelled' : `the chip read took longer than ${this.#options.timeoutMs} ms`;
    return new KioskDeviceError('chip', 'timeout', message, { cause });
  }

  async read(key: ChipAccessKey, signal?: AbortSignal): Promise<ChipRead> {
    const started = performance.now();
    const limit = AbortSignal.timeout(this.#options.timeoutMs);
    const abort = signal ? AbortSignal.any([signal, limit]) : limit;
    let context: PcscContext | undefined;
    let card: PcscCard | undefined;
    try {
      context = await PcscContext.establish();
      const reader = await this.#waitForDocument(context, abort);
      card = await context.connect(reader);
    } catch (e) {
      await card?.disconnect();
      await context?.release();
      throw this.#stopped(abort, signal, e) ?? chipDeviceError(e, 'waiting');
    }
    try {
      const read = await readEmrtd(card.transmit, key, { ...DEFAULT_EMRTD_READ_OPTIONS, ...this.#options.read }, abort);
      const ca = read.chipAuthentication;
      return {
        protocol: read.protocol,
        files: read.files,
        ...(read.activeAuthentication ? { activeAuthentication: read.activeAuthentication } : {}),
        ...(ca ? {
          chipAuthentication: {
            protocol: ca.protocol!, terminalPrivateKey: Buffer.from(ca.terminalPrivateKey), terminalPublicKey: Buffer.from(ca.terminalPublicKey!),
            ...(ca.keyId === undefined ? {} : { keyId: ca.keyId }),
            ...(ca.protectedResponse ? { protectedResponse: Buffer.from(ca.protectedResponse), sendSequenceCounter: ca.sendSequenceCounter! } : {}),
            ...(ca.nonce ? { nonce: Buffer.from(ca.nonce), authenticationToken: Buffer.from(ca.authenticationToken!) } : {}),
          },
        } : {}),
        readMs: performance.now() - started,
      };
    } catch (e) {
      throw this.#stopped(abort, signal, e) ?? chipDeviceError(e, 'reading');
    } finally {
      await card.disconnect();
      await context.release();
    }
  }
}
