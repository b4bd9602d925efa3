// A client of the public listener as Entra or a browser is one: TLS to the public host name, checked
// against the test's certificate and nothing else, Host header = the public authority. nginx listens on
// 127.0.0.1, so the connection goes there while SNI and the certificate check use the public name.
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';

export interface PublicReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface PublicEndpoint {
  hostName: string;
  httpsPort: number;
  ca: string;
}

function collect(res: http.IncomingMessage): Promise<PublicReply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('error', reject);
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
    });
  });
}

/** One HTTPS request to the public listener (HTTP/1.1, no connection reuse). */
export function httpsRequest(
  to: PublicEndpoint, method: string, pathname: string, opts: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<PublicReply> {
  return new Promise((resolve, reject) => {
    const req = https.request({
      host: '127.0.0.1', port: to.httpsPort, servername: to.hostName, ca: to.ca, agent: false, method, path: pathname,
      headers: { host: `${to.hostName}:${to.httpsPort}`, ...opts.headers },
    }, (res) => collect(res).then(resolve, reject));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** One plain-HTTP request to 127.0.0.1:port with the given Host header. */
export function httpRequest(port: number, hostHeader: string, method: string, pathname: string): Promise<PublicReply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, method, path: pathname, headers: { host: hostHeader } }, (res) => collect(res).then(resolve, reject));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Sends only a request head over TLS (a Content-Length without the body) and reads the status line of the
 * answer: how a proxy's body limit is seen without uploading the body.
 */
export function httpsHeadOnly(to: PublicEndpoint, method: string, pathname: string, headers: Record<string, string>): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: to.httpsPort, servername: to.hostName, ca: to.ca, ALPNProtocols: ['http/1.1'] }, () => {
      const lines = [`${method} ${pathname} HTTP/1.1`, `Host: ${to.hostName}:${to.httpsPort}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let received = '';
    const timer = setTimeout(() => { socket.destroy(); reject(new Error(`no answer to the request head: ${received}`)); }, 10_000);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      clearTimeout(timer);
      socket.destroy();
      const head = received.slice(0, end);
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    });
    socket.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

/** The application protocol the public listener picks when the client offers h2 and http/1.1. */
export function negotiatedProtocol(to: PublicEndpoint): Promise<string | false> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: '127.0.0.1', port: to.httpsPort, servername: to.hostName, ca: to.ca, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      const protocol = socket.alpnProtocol ?? false;
      socket.destroy();
      resolve(protocol);
    });
    socket.on('error', reject);
  });
}
