// The product logger (pinoLogger, redaction included) writing into memory, so a test reads back every
// line exactly as the appliance would have written it to stdout.
import type { Logger } from '../../src/core/log.js';
import { pinoLogger } from '../../src/observability/pino-logger.js';

export interface LogLine {
  level: string;
  time: string;
  event: string;
  [field: string]: unknown;
}

export interface LogRecorder {
  log: Logger;
  /** Every line as written (JSON text with its newline). */
  raw: string[];
  /** The parsed lines, optionally of one event. */
  lines(event?: string): LogLine[];
}

export function recordLog(): LogRecorder {
  const raw: string[] = [];
  const log = pinoLogger({ write: (line: string) => void raw.push(line) });
  return {
    log,
    raw,
    lines(event) {
      const parsed = raw.map((l) => JSON.parse(l) as LogLine);
      return event === undefined ? parsed : parsed.filter((l) => l.event === event);
    },
  };
}
