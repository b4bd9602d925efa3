// Runs scanimage (Debian's sane-utils) as a child process: an argument array (no shell), output bounded
// in bytes and time, killed when the request is aborted. The exit status is SANE's status code, which
// names what went wrong (sane/sane.h: 3 busy, 6 jammed, 7 no document, 8 cover open, 9 I/O error, 11
// access denied).
import { spawn } from 'node:child_process';

export interface ScanimageResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  /** The last lines scanimage wrote to stderr (bounded). */
  stderr: string;
  /** 'size' when stdout passed maxBytes, 'time' when the run passed timeoutMs, 'aborted' when the caller gave up. */
  killedFor: 'size' | 'time' | 'aborted' | null;
}

const MAX_STDERR_CHARS = 8 * 1024;

export interface RunScanimageOptions {
  timeoutMs: number;
  maxBytes: number;
  signal?: AbortSignal;
  /** Environment of the child (SANE_CONFIG_DIR points SANE at another configuration). */
  env?: NodeJS.ProcessEnv;
  /** The scanimage binary. */
  command?: string;
}

export function runScanimage(args: readonly string[], opts: RunScanimageOptions): Promise<ScanimageResult> {
  return new Promise((resolve) => {
    const child = spawn(opts.command ?? 'scanimage', args, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let killedFor: ScanimageResult['killedFor'] = null;
    const kill = (why: NonNullable<ScanimageResult['killedFor']>) => {
      if (killedFor === null) killedFor = why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(() => kill('time'), opts.timeoutMs);
    const onAbort = () => kill('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > opts.maxBytes) return kill('size');
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-MAX_STDERR_CHARS); });
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve({ code, signal, stdout: Buffer.concat(chunks), stderr: stderr.trim(), killedFor });
    };
    child.once('error', (e) => { stderr = `${stderr}\n${(e as Error).message}`.trim(); finish(127, null); });
    child.once('close', finish);
  });
}
