// A real syslog receiver on loopback for the audit feed's tests: TCP, or TLS (RFC 5425) with a
// certificate from syslog-tls.ts, reading RFC 6587 octet-counted frames and parsing each message with the
// strict RFC 5424 parser (syslog-parser.ts). A malformed frame or message is recorded in `errors` and its
// connection cut, as a strict receiver would. stop() takes it down (refusing connections, as a receiver
// outage does) and start() brings it back on the same port.
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { OctetCountingDeframer, parseRfc5424, type SyslogMessage } from './syslog-parser.js';

interface Teardown { teardown(fn: () => unknown): void }

export interface ReceivedSyslog extends SyslogMessage {
  /** Which connection (1, 2, …) carried it. */
  connection: number;
  /** The TLS client certificate's subject CN, when one was presented. */
  clientCn?: string;
}

export interface SyslogReceiverOptions {
  /** TLS server options (key, cert, ca, requestCert, rejectUnauthorized); absent: plain TCP. */
  tls?: TlsOptions;
  /** Cut each connection after it has delivered this many messages (a receiver that drops connections). */
  dropAfter?: number;
  /** Accept connections but never read from them (a stalled receiver). */
  blackhole?: boolean;
}

export interface SyslogReceiver {
  readonly port: number;
  readonly messages: ReceivedSyslog[];
  /** Why frames or connections were refused (framing, parsing, TLS). */
  readonly errors: string[];
  connections(): number;
  /** Resolves once `count` messages arrived in all; rejects after timeoutMs. */
  waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedSyslog[]>;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startSyslogReceiver(t: Teardown, opts: SyslogReceiverOptions = {}): Promise<SyslogReceiver> {
  const messages: ReceivedSyslog[] = [];
  const errors: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let port = 0;
  let server: Server | null = null;

  const onConnection = (socket: Socket) => {
    connections += 1;
    const id = connections;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (e) => errors.push(`connection ${id}: ${e.message}`));
    if (opts.blackhole) {
      socket.pause();
      return;
    }
    const clientCn = 'getPeerCertificate' in socket ? (socket as import('node:tls').TLSSocket).getPeerCertificate()?.subject?.CN : undefined;
    const deframer = new OctetCountingDeframer();
    let delivered = 0;
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const frame of deframer.push(chunk)) {
          if (opts.dropAfter !== undefined && delivered >= opts.dropAfter) {
            socket.destroy();
            return;
          }
          messages.push({ ...parseRfc5424(frame), connection: id, ...(clientCn ? { clientCn: String(clientCn) } : {}) });
          delivered += 1;
        }
      } catch (e) {
        errors.push(`connection ${id}: ${(e as Error).message}`);
        socket.destroy();
      }
    });
    socket.on('end', () => {
      try {
        deframer.end();
      } catch (e) {
        errors.push(`connection ${id}: ${(e as Error).message}`);
      }
      socket.end();
    });
  };

  const start = async () => {
    const s = opts.tls ? createTlsServer(opts.tls, onConnection) : createTcpServer(onConnection);
    if (opts.tls) s.on('tlsClientError', (e) => errors.push(`tls: ${e.message}`));
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as { port: number }).port;
    server = s;
  };

  const stop = async () => {
    const s = server;
    server = null;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };

  await start();
  t.teardown(stop);

  return {
    get port() { return port; },
    messages,
    errors,
    connections: () => connections,
    async waitForMessages(count, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > until) throw new Error(`syslog receiver: ${messages.length} of ${count} message(s) after ${timeoutMs} ms; errors: ${errors.join('; ') || 'none'}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return messages;
    },
    stop,
    start,
  };
}
