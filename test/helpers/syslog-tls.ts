// Test PKI for the syslog-over-TLS tests, made with the system's openssl in a temp directory: a CA, a
// server certificate for DNS:syslog.test and IP:127.0.0.1, a client certificate, and an unrelated CA
// (for the refusal test). P-256 keys: quick to make.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp-store.js';

interface Teardown { teardown(fn: () => void): void }

export interface SyslogTestPki {
  dir: string;
  caFile: string;
  otherCaFile: string;
  serverKey: Buffer;
  serverCert: Buffer;
  ca: Buffer;
  clientCertFile: string;
  clientKeyFile: string;
}

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', `${name}.key`, '-out', `${name}.pem`, '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function makeLeaf(dir: string, name: string, ca: string, ext: string): void {
  writeFileSync(path.join(dir, `${name}.ext`), ext);
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial',
    '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`]);
}

export function syslogTestPki(t: Teardown): SyslogTestPki {
  const dir = tempDir(t, 'proofgate-syslog-pki-');
  makeCa(dir, 'test-ca');
  makeCa(dir, 'other-ca');
  makeLeaf(dir, 'syslog.test', 'test-ca', 'subjectAltName=DNS:syslog.test,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  makeLeaf(dir, 'proofgate-appliance', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  const file = (f: string) => path.join(dir, f);
  return {
    dir,
    caFile: file('test-ca.pem'),
    otherCaFile: file('other-ca.pem'),
    ca: readFileSync(file('test-ca.pem')),
    serverKey: readFileSync(file('syslog.test.key')),
    serverCert: readFileSync(file('syslog.test.pem')),
    clientCertFile: file('proofgate-appliance.pem'),
    clientKeyFile: file('proofgate-appliance.key'),
  };
}
