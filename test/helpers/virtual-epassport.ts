// A virtual ePassport on a real PC/SC stack, for the chip reader's tests and benchmark: a private
// pcscd (its own socket, its own vpcd port) and Debian's vicc emulating an ICAO ePassport whose files
// come from the test fixtures (virtual-epassport-vicc.py). pcscd 1.9 has no socket option, so it runs
// in a private mount namespace with a temporary directory bound over /run/pcscd; this process reaches
// it through libpcsclite's PCSCLITE_CSOCK_NAME (read once per process: one virtual passport per test file).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PcscContext } from '../../src/native/pcsc.js';
import type { TestPassportFiles } from './virtual-epassport-document.js';
import { freePort } from './free-port.js';

const VICC_SHIM = path.join(path.dirname(fileURLToPath(import.meta.url)), 'virtual-epassport-vicc.py');
const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const VICC_PACKAGE = '/usr/lib/python3/site-packages/virtualsmartcard';

export interface VirtualEpassport {
  /** The PC/SC reader the card sits in. */
  readonly reader: string;
  readonly socket: string;
  /** Kills vicc: to pcscd the card is gone (as when a passport leaves the reader). */
  removeCard(): Promise<void>;
  /** Starts vicc again with the same files and waits until the card is present. */
  insertCard(): Promise<void>;
  /** Stops pcscd too: the reader is gone. */
  unplugReader(): Promise<void>;
  close(): Promise<void>;
}

/** Why the virtual passport cannot run here, or null (tests skip with this reason). */
export function virtualEpassportUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'needs root (pcscd in a private mount namespace)';
  for (const [file, what] of [['/usr/sbin/pcscd', 'pcscd'], [VPCD_DRIVER, 'vsmartcard-vpcd'], [VICC_PACKAGE, 'vsmartcard-vpicc'], ['/usr/lib/python3/dist-packages/Cryptodome', 'python3-pycryptodome'], ['/usr/bin/unshare', 'util-linux unshare']] as const) {
    if (!existsSync(file)) return `${what} is not installed (${file})`;
  }
  return null;
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`virtual ePassport: ${what} did not happen within ${timeoutMs} ms`);
}

async function stop(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(timer);
}

export async function startVirtualEpassport(files: TestPassportFiles): Promise<VirtualEpassport> {
  const dir = await mkdtemp(path.join(tmpdir(), 'proofgate-epassport-'));
  const dataDir = path.join(dir, 'files');
  const ipcDir = path.join(dir, 'ipc');
  const confDir = path.join(dir, 'reader.conf.d');
  await Promise.all([mkdir(dataDir), mkdir(ipcDir), mkdir(confDir)]);
  for (const name of ['com', 'dg1', 'dg2', 'dg14', 'dg15', 'sod'] as const) {
    const bytes = files[name];
    if (bytes) await writeFile(path.join(dataDir, name), bytes);
  }
  const port = await freePort();
  await writeFile(path.join(confDir, 'vpcd'), `FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:${port}\nLIBPATH ${VPCD_DRIVER}\nCHANNELID ${port}\n`);
  const socket = path.join(ipcDir, 'pcscd.comm');
  const log: string[] = [];
  const keep = (child: ChildProcess, name: string) => {
    const push = (b: Buffer) => { log.push(`${name}: ${b.toString()}`); if (log.length > 200) log.shift(); };
    child.stdout?.on('data', push);
    child.stderr?.on('data', push);
  };

  let pcscd: ChildProcess | null = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
    'mkdir -p /run/pcscd && mount --bind "$0" /run/pcscd && exec pcscd --foreground -c "$1"', ipcDir, confDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  keep(pcscd, 'pcscd');
  let vicc: ChildProcess | null = null;

  const startVicc = () => {
    vicc = spawn('/usr/bin/python3', [VICC_SHIM, '-t', 'ePass', '-P', String(port)], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EPASS_DATA_DIR: dataDir } });
    keep(vicc, 'vicc');
  };
  const cardPresent = async (present: boolean) => {
    const context = await PcscContext.establish();
    try {
      const readers = await context.listReaders();
      if (!readers.includes(reader)) return false;
      await context.waitForCard(reader, 0);
      return present;
    } catch {
      return !present;
    } finally {
      await context.release();
    }
  };
  const reader = 'Virtual PCD 00 00';
  const close = async () => {
    await stop(vicc);
    await stop(pcscd);
    vicc = null;
    pcscd = null;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    process.env.PCSCLITE_CSOCK_NAME = socket;
    await until('pcscd listening', 30_000, () => existsSync(socket));
    startVicc();
    await until('the card appearing in the reader', 60_000, () => cardPresent(true));
  } catch (e) {
    await close();
    throw new Error(`${(e as Error).message}\n${log.join('')}`);
  }
  return {
    reader, socket, close,
    async removeCard() {
      await stop(vicc);
      vicc = null;
      await until('the card leaving the reader', 10_000, () => cardPresent(false));
    },
    async insertCard() {
      startVicc();
      try {
        // After a card vanished mid-exchange, vpcd may not take vicc's first reconnection (vicc then waits
        // forever): a card the reader has not seen within 5 s is taken out and put back again.
        let startedAt = Date.now();
        await until('the card appearing in the reader', 60_000, async () => {
          if (await cardPresent(true)) return true;
          if (Date.now() - startedAt > 5000) {
            await stop(vicc);
            startVicc();
            startedAt = Date.now();
          }
          return false;
        });
      } catch (e) {
        throw new Error(`${(e as Error).message}\n${log.join('')}`);
      }
    },
    async unplugReader() {
      await stop(vicc);
      await stop(pcscd);
      vicc = null;
      pcscd = null;
    },
  };
}
