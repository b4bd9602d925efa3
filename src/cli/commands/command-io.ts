// Where a command prints: results to `out`, diagnostics to `err` (tests capture both). Kept apart from any
// command so that importing it loads nothing else.
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

export const consoleIo: CommandIo = { out: (l) => console.log(l), err: (l) => console.error(l) };
