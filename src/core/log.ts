// The structured event log as a port: call sites name an event and its fields and never see the library
// behind it. The appliance backs it with pino (src/observability/pino-logger.ts: JSON lines on stdout,
// ISO time, level, event name, secrets redacted); tests pass silentLogger or a recording function.
// docs/observability.md lists every event and its fields.
export type LogLevel = 'info' | 'warn' | 'error';

/** Logs one event; `level` defaults to 'info'. Fields must be plain, bounded values (never a token or an image). */
export type Logger = (event: string, fields: Record<string, unknown>, level?: LogLevel) => void;

export const silentLogger: Logger = () => undefined;
