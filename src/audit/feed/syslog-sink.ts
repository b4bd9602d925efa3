// The syslog destination: one long-lived TCP connection (TLS when configured, RFC 5425) carrying one
// octet-counted RFC 5424 message per record (syslog-message.ts). Connecting and handing a batch to the
// connection are each bounded by timeoutMs; a connection that fails, times out or is closed by the
// receiver is dropped, and the next send opens a new one.
import { connect as connectTcp, isIP, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions } from 'node:tls';
import type { AuditRecord } from '../../core/domain.js';
import type { FeedSink } from './feed-sink.js';
import { octetCountedFrame, syslogMessage, type SyslogHeader } from './syslog-message.js';

export interface SyslogSinkOptions {
  host: string;
  port: number;
  /** TLS material as read from the configured files (start-audit-feed.ts), or null for plain TCP. */
  tls: { ca: Buffer; servername: string | null; cert: Buffer | null; key: Buffer | null } | null;
  header: SyslogHeader;
  timeoutMs: number;
}

export class SyslogSink implements FeedSink {
  readonly destination: string;
  readonly #opts: SyslogSinkOptions;
  #socket: Socket | null = null;

  constructor(opts: SyslogSinkOptions) {
    this.#opts = opts;
    this.destination = `syslog+${opts.tls ? 'tls' : 'tcp'}://${isIP(opts.host) === 6 ? `[${opts.host}]` : opts.host}:${opts.port}`;
  }

  async send(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return;
    const bytes = Buffer.concat(records.map((r) => octetCountedFrame(syslogMessage(r, this.#opts.header))));
    const socket = this.#socket && this.stillHolds() ? this.#socket : await this.#connect();
    try {
      await this.#bounded('sending a batch', socket, (done) => socket.write(bytes, done));
    } catch (e) {
      this.#drop(socket);
      throw e;
    }
  }

  stillHolds(): boolean {
    const s = this.#socket;
    return s !== null && !s.destroyed && s.writable && !s.readableEnded;
  }

  async close(): Promise<void> {
    const s = this.#socket;
    this.#socket = null;
    if (!s || s.destroyed) return;
    // A graceful end lets the receiver read what was written; a receiver that never closes is cut off.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => s.destroy(), this.#opts.timeoutMs).unref();
      s.once('close', () => { clearTimeout(timer); resolve(); });
      s.end();
    });
  }

  #connect(): Promise<Socket> {
    if (this.#socket) this.#drop(this.#socket);
    const { host, port, tls } = this.#opts;
    let socket: Socket;
    let ready: string;
    if (tls) {
      const options: ConnectionOptions = {
        host, port, ca: tls.ca, minVersion: 'TLSv1.2',
        // The certificate must name servername (else host). SNI carries names only (RFC 6066): an IP
        // address is not sent, and the certificate is then checked against the address.
        ...(tls.servername ? { servername: tls.servername } : isIP(host) ? {} : { servername: host }),
        ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
      };
      socket = connectTls(options);
      ready = 'secureConnect';
    } else {
      socket = connectTcp({ host, port });
      ready = 'connect';
    }
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 30_000);
    // The receiver sends nothing; whatever it does send is read and dropped, so its end is seen.
    socket.on('data', () => undefined);
    socket.on('end', () => socket.destroy());
    socket.on('error', () => undefined); // every use checks stillHolds() or awaits its own callback
    return this.#bounded(`connecting to ${this.destination}`, socket, (done) => {
      socket.once(ready, () => done());
      socket.once('close', () => done(new Error(`connection to ${this.destination} closed`)));
      socket.once('error', done);
    }).then(() => {
      this.#socket = socket;
      return socket;
    }, (e: unknown) => {
      socket.destroy();
      throw e;
    });
  }

  /** Runs `start` and waits for its callback, at most timeoutMs; errors name what was being done. */
  #bounded(what: string, socket: Socket, start: (done: (error?: Error | null) => void) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (error?: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(new Error(`${what}: ${error.message}`, { cause: error }));
        else resolve();
      };
      const timer = setTimeout(() => {
        socket.destroy();
        finish(new Error(`no progress within ${this.#opts.timeoutMs} ms`));
      }, this.#opts.timeoutMs);
      start(finish);
    });
  }

  #drop(socket: Socket): void {
    socket.destroy();
    if (this.#socket === socket) this.#socket = null;
  }
}
