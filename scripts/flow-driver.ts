// The pieces shared by the by-hand scripts and benchmarks that drive the real app over HTTP (soak.ts,
// bench/verify.bench.ts): the app child process (started from a script that prints `ready <baseUrl>`),
// its RSS, and the returning-user flow as Entra and a browser see it: authorize POST with a signed
// id_token_hint, the capture page's URLs and CSRF token, the selfie POST, the decision's form_post.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { SimulatedEntra } from '../test/helpers/simulated-entra.js';

export const REQUEST_TIMEOUT_MS = 30_000;

export interface AppChild {
  proc: ChildProcess;
  baseUrl: string;
}

/**
 * Starts `script` (run with tsx) with `args` and waits for its `ready <baseUrl>` line. The child gets an
 * IPC channel too, so a script that answers messages (the benchmark's lag and RSS probe) can be asked.
 */
export function startAppChild(script: string, args: string[]): Promise<AppChild> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^ready (\S+)$/m.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        proc.stdout!.resume();
        resolve({ proc, baseUrl: m[1] });
      }
    };
    proc.stdout!.on('data', onData);
    proc.on('exit', (code, signal) => reject(new Error(`child exited before it was ready (code ${code}, signal ${signal})`)));
  });
}

/** SIGTERM, then SIGKILL after 10 s; resolves with the exit code. */
export function stopChild(proc: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve(proc.exitCode);
    const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
    proc.once('exit', (code) => { clearTimeout(timer); resolve(code); });
    proc.kill('SIGTERM');
  });
}

/** A process's resident set, KiB, read from /proc (Linux). */
export function rssKiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

export const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

/** A POST to the app, no redirects followed, bounded by REQUEST_TIMEOUT_MS. */
export function postTo(baseUrl: string, url: string, body: BodyInit, contentType: string, extra: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}${url}`, {
    method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    headers: { 'content-type': contentType, ...extra },
  });
}

export interface CapturePage {
  captureUrl: string;
  cancelUrl: string;
  csrf: string;
}

/** A refused step: what went wrong, and the HTTP status and error code when the app answered. */
export interface FlowFailure {
  step: 'authorize' | 'capture' | 'cancel';
  status: number;
  /** The app's error code (ERR_BUSY, ...) when its reply names one, else null. */
  code: string | null;
  detail: string;
}

/** The first ERR_ code a reply names (JSON error fields or the page text), else null. */
export function errorCodeIn(text: string): string | null {
  return /\bERR_[A-Z_]+\b/.exec(text)?.[0] ?? null;
}

/**
 * Entra's authorize POST with a fresh signed hint (about `oid`, default the simulated Entra's user; or
 * `mintedHint`, one minted beforehand); the capture page's capture URL, cancel URL and CSRF token.
 */
export async function openCapturePage(entra: SimulatedEntra, baseUrl: string, oid?: string, mintedHint?: string): Promise<CapturePage | FlowFailure> {
  const hint = mintedHint ?? (oid === undefined ? undefined : await entra.mintHint({ claims: { oid } }));
  const res = await postTo(baseUrl, '/oidc/authorize', new URLSearchParams(await entra.request({ hint })), 'application/x-www-form-urlencoded');
  const html = await res.text();
  const capture = /data-capture-url="([^"]+)" data-csrf-token="([^"]+)"/.exec(html);
  const cancel = /action="([^"]*\/verify\/[^/"]+\/cancel)"/.exec(html);
  if (res.status !== 200 || !capture || !cancel) {
    return { step: 'authorize', status: res.status, code: errorCodeIn(html), detail: `authorize: HTTP ${res.status}, no capture page` };
  }
  const local = (u: string) => new URL(u, baseUrl).pathname;
  return { captureUrl: local(capture[1]), cancelUrl: local(cancel[1]), csrf: capture[2] };
}

export interface CaptureReply {
  outcome?: string;
  decision?: string;
  postBack?: { fields?: Record<string, string> };
}

/** Posts one selfie to the capture page; the decided reply, or the refusal. */
export async function postSelfie(baseUrl: string, page: CapturePage, selfie: Uint8Array<ArrayBuffer>): Promise<CaptureReply | FlowFailure> {
  const res = await postTo(baseUrl, page.captureUrl, selfie, 'image/jpeg', { accept: 'application/json', 'x-csrf-token': page.csrf });
  const text = await res.text();
  if (res.status !== 200) return { step: 'capture', status: res.status, code: errorCodeIn(text), detail: `capture: HTTP ${res.status} ${text.slice(0, 200)}` };
  return JSON.parse(text) as CaptureReply;
}

export const isFailure = (x: object): x is FlowFailure => 'step' in x && 'detail' in x;
