// Real nginx for the appliance tests, run as the current user: a shipped site file from appliance/nginx
// rendered into a temp prefix by substituting only its listen ports, certificate paths and upstream
// (each substitution must find its text, so a drifted file fails loudly instead of testing something
// else), wrapped in a minimal nginx.conf whose pid, logs and temp dirs live in that prefix, then checked
// with `nginx -t` or started in the foreground. The TLS certificate is made per test with openssl.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';
import type { Teardown } from './loopback-app.js';

export const NGINX_DIR = path.join(projectRoot, 'appliance', 'nginx');

/** The nginx binary (Debian puts it in /usr/sbin, often not on a user's PATH), or null when not installed. */
export function nginxBinary(): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    if (!dir) continue;
    const file = path.join(dir, 'nginx');
    if (existsSync(file)) return file;
  }
  return null;
}

/** A free TCP port on 127.0.0.1 (closed again at once; nginx binds it right after). */
export { freePort } from './free-port.js';

let ipv6Loopback: Promise<boolean> | undefined;
/** Whether ::1 can be bound here (the shipped files also listen on IPv6). */
export function hasIpv6Loopback(): Promise<boolean> {
  ipv6Loopback ??= new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(0, '::1', () => server.close(() => resolve(true)));
  });
  return ipv6Loopback;
}

export interface TestCertificate {
  dir: string;
  certFile: string;
  keyFile: string;
  /** PEM of the self-signed certificate: the client's only trust anchor. */
  certPem: string;
}

/** A self-signed P-256 certificate for `hostName` (in subjectAltName, as clients check), valid one day. */
export function makeTestCertificate(t: Teardown, hostName: string): TestCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-tls-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certFile = path.join(dir, 'fullchain.pem');
  const keyFile = path.join(dir, 'privkey.pem');
  const made = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', `/CN=${hostName}`, '-addext', `subjectAltName=DNS:${hostName}`, '-keyout', keyFile, '-out', certFile,
  ], { encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
  return { dir, certFile, keyFile, certPem: readFileSync(certFile, 'utf8') };
}

export interface SitePorts {
  https: number;
  http: number;
  monitor: number;
}

export interface RenderOptions {
  ports: SitePorts;
  /** host:port of the appliance (or any upstream) on loopback. */
  upstream: string;
  certificate: Pick<TestCertificate, 'certFile' | 'keyFile'>;
  /** Keep the IPv6 listeners (bound to ::1); false drops them where ::1 cannot be bound. */
  ipv6: boolean;
}

/** The shipped site file's text with only its ports, certificate paths and upstream replaced. */
export function renderSite(siteText: string, o: RenderOptions): string {
  const replacements: Array<[string, string | null]> = [
    ['listen 80;', `listen 127.0.0.1:${o.ports.http};`],
    ['listen [::]:80;', o.ipv6 ? `listen [::1]:${o.ports.http};` : null],
    ['listen 443 ssl http2;', `listen 127.0.0.1:${o.ports.https} ssl http2;`],
    ['listen [::]:443 ssl http2;', o.ipv6 ? `listen [::1]:${o.ports.https} ssl http2;` : null],
    ['listen 127.0.0.1:9180;', `listen 127.0.0.1:${o.ports.monitor};`],
    ['server 127.0.0.1:8443;', `server ${o.upstream};`],
    ['/etc/proofgate/tls/fullchain.pem', o.certificate.certFile],
    ['/etc/proofgate/tls/privkey.pem', o.certificate.keyFile],
  ];
  let text = siteText;
  for (const [from, to] of replacements) {
    if (!text.includes(from)) throw new Error(`the site file no longer contains "${from}": update test/helpers/nginx.ts`);
    text = to === null ? text.split('\n').filter((line) => !line.includes(from)).join('\n') : text.replaceAll(from, to);
  }
  return text;
}

export interface NginxPrefix {
  dir: string;
  /** The nginx.conf to pass with -c. */
  confFile: string;
  errorLog: string;
}

/** A temp prefix holding the rendered site and an nginx.conf that includes it, with every path nginx writes inside it. */
export function writeNginxPrefix(t: Teardown, siteText: string): NginxPrefix {
  const dir = mkdtempSync(path.join(tmpdir(), 'proofgate-nginx-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  for (const sub of ['logs', 'temp']) mkdirSync(path.join(dir, sub));
  const site = path.join(dir, 'proofgate-site.conf');
  writeFileSync(site, siteText);
  const errorLog = path.join(dir, 'logs', 'error.log');
  const temp = (name: string) => path.join(dir, 'temp', name);
  const confFile = path.join(dir, 'nginx.conf');
  writeFileSync(confFile, [
    // As root, nginx would hand its workers to "nobody", who cannot write this prefix: keep them as the current user.
    ...(process.getuid?.() === 0 ? [`user ${userInfo().username};`] : []),
    'worker_processes 1;',
    `pid ${path.join(dir, 'nginx.pid')};`,
    `error_log ${errorLog} warn;`,
    'events { worker_connections 128; }',
    'http {',
    '    access_log off;',
    `    client_body_temp_path ${temp('body')};`,
    `    proxy_temp_path ${temp('proxy')};`,
    `    fastcgi_temp_path ${temp('fastcgi')};`,
    `    uwsgi_temp_path ${temp('uwsgi')};`,
    `    scgi_temp_path ${temp('scgi')};`,
    `    include ${site};`,
    '}',
    '',
  ].join('\n'));
  return { dir, confFile, errorLog };
}

export interface NginxCheck {
  status: number | null;
  output: string;
}

/** `nginx -t -p <prefix> -c <conf>`: its exit status and what it printed. */
export function nginxConfigTest(binary: string, prefix: NginxPrefix): NginxCheck {
  const run = spawnSync(binary, ['-t', '-p', prefix.dir, '-c', prefix.confFile], { encoding: 'utf8' });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Starts nginx in the foreground on the prefix and waits until `waitPort` accepts; stopped at teardown. */
export async function startNginx(t: Teardown, binary: string, prefix: NginxPrefix, waitPort: number): Promise<ChildProcess> {
  const child = spawn(binary, ['-p', prefix.dir, '-c', prefix.confFile, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
  let exited = false;
  child.once('exit', () => { exited = true; });
  t.teardown(async () => {
    // nginx's own errors (a 500 or 502 it answered) say why only in its log: pass them on, less the refusals tests expect.
    const log = existsSync(prefix.errorLog) ? readFileSync(prefix.errorLog, 'utf8') : '';
    const errors = log.split('\n').filter((line) => /\[(error|crit|alert|emerg)\]/.test(line) && !/forbidden by rule|too large body/.test(line));
    if (errors.length > 0) process.stderr.write(`nginx error log:\n${errors.join('\n')}\n`);
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await gone;
  });
  for (let tries = 0; tries < 100; tries++) {
    if (exited) break;
    if (await accepts(waitPort)) return child;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const log = existsSync(prefix.errorLog) ? readFileSync(prefix.errorLog, 'utf8') : '';
  throw new Error(`nginx did not start listening on ${waitPort}: ${stderr}${log}`);
}
