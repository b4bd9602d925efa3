// Structured event log: one JSON line per event on stdout (journald keeps it). Tests pass a silent one.
export type Logger = (event: string, fields: Record<string, unknown>) => void;

export const jsonLineLogger: Logger = (event, fields) => {
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), event, ...fields })}\n`);
};

export const silentLogger: Logger = () => undefined;
