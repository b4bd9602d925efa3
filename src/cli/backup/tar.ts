// A small POSIX ustar writer and reader, enough for proofgate's backup archives: regular files and
// directories only, names up to 255 bytes, sizes below 8 GiB. Read and written in 1 MiB chunks so a large
// database never sits in memory. The reader trusts nothing: each header's checksum is checked, every name
// must be a plain relative path (no "..", no absolute path), and links or devices are refused, so an
// archive cannot write outside the directory it is extracted into.
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ProofgateError } from '../../core/errors.js';

const BLOCK = 512;
const CHUNK = 1024 * 1024;
const MAX_SIZE = 0o77777777777; // 11 octal digits

function archiveError(message: string): ProofgateError {
  return new ProofgateError('ERR_BAD_REQUEST', message, { status: 400 });
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, mode: number, mtime: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK);
  const bytes = Buffer.from(name, 'utf8');
  let prefix = '';
  let base = name;
  if (bytes.length > 100) {
    // ustar splits a long name at a "/" into prefix (155 bytes) and name (100 bytes).
    const cut = name.lastIndexOf('/', 155);
    if (cut <= 0 || Buffer.byteLength(name.slice(cut + 1)) > 100 || Buffer.byteLength(name.slice(0, cut)) > 155) {
      throw archiveError(`path too long for the archive: ${name}`);
    }
    prefix = name.slice(0, cut);
    base = name.slice(cut + 1);
  }
  if (size > MAX_SIZE) throw archiveError(`${name} is too large for the archive (${size} bytes)`);
  h.write(base, 0, 100, 'utf8');
  h.write(octal(mode & 0o7777, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(Math.floor(mtime / 1000), 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(prefix, 345, 155, 'utf8');
  h.write(octal(checksum(h), 7), 148, 'ascii');
  return h;
}

function checksum(h: Buffer): number {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum;
}

/** Appends entries to an open archive file; finish() writes the end-of-archive blocks. */
export class TarWriter {
  readonly #fd: number;

  constructor(fd: number) {
    this.#fd = fd;
  }

  addDirectory(name: string, mtime = Date.now()): void {
    writeSync(this.#fd, header(`${name.replace(/\/$/, '')}/`, 0, 0o700, mtime, '5'));
  }

  /** Copies `source` into the archive as `name` (mode 0600 recorded whatever the source's); returns its size and SHA-256. */
  addFile(name: string, source: string): { bytes: number; sha256: string } {
    const fd = openSync(source, 'r');
    try {
      const { size, mtimeMs } = fstatSync(fd);
      writeSync(this.#fd, header(name, size, 0o600, mtimeMs, '0'));
      const buf = Buffer.allocUnsafe(CHUNK);
      const hash = createHash('sha256');
      let left = size;
      while (left > 0) {
        const n = readSync(fd, buf, 0, Math.min(CHUNK, left), null);
        if (n === 0) throw archiveError(`${source} shrank while it was archived`);
        writeSync(this.#fd, buf, 0, n);
        hash.update(buf.subarray(0, n));
        left -= n;
      }
      this.#pad(size);
      return { bytes: size, sha256: hash.digest('hex') };
    } finally {
      closeSync(fd);
    }
  }

  addBuffer(name: string, data: Buffer): void {
    writeSync(this.#fd, header(name, data.length, 0o600, Date.now(), '0'));
    writeSync(this.#fd, data);
    this.#pad(data.length);
  }

  finish(): void {
    writeSync(this.#fd, Buffer.alloc(BLOCK * 2));
  }

  #pad(size: number): void {
    const rest = size % BLOCK;
    if (rest) writeSync(this.#fd, Buffer.alloc(BLOCK - rest));
  }
}

function field(h: Buffer, offset: number, length: number): string {
  const raw = h.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** A plain relative archive path (no "..", ".", empty or absolute segment, no NUL), or an ERR_BAD_REQUEST. */
export function safeName(name: string): string {
  const clean = name.replace(/\/$/, '');
  const parts = clean.split('/');
  if (clean.length === 0 || clean.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..') || clean.includes('\0')) {
    throw archiveError(`archive entry "${name}" is not a plain relative path`);
  }
  return clean;
}

/**
 * Extracts `archive` into the existing directory `dest` (directories 0700, files 0600, never replacing a
 * file). Returns the relative paths of the files written, in archive order.
 */
export function extractTar(archive: string, dest: string): string[] {
  const fd = openSync(archive, 'r');
  const written: string[] = [];
  try {
    const total = fstatSync(fd).size;
    const h = Buffer.alloc(BLOCK);
    const buf = Buffer.allocUnsafe(CHUNK);
    let pos = 0;
    for (;;) {
      if (pos + BLOCK > total) throw archiveError(`${archive}: truncated (no end-of-archive marker)`);
      readSync(fd, h, 0, BLOCK, pos);
      pos += BLOCK;
      if (h.every((b) => b === 0)) return written;
      const stored = Number.parseInt(field(h, 148, 8).trim(), 8);
      if (stored !== checksum(h)) throw archiveError(`${archive}: damaged header at byte ${pos - BLOCK}`);
      if (field(h, 257, 6) !== 'ustar') throw archiveError(`${archive}: not a ustar archive`);
      const prefix = field(h, 345, 155);
      const name = safeName(prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      const size = Number.parseInt(field(h, 124, 12).trim() || '0', 8);
      const type = String.fromCharCode(h[156] || 0x30);
      if (!Number.isSafeInteger(size) || size < 0 || pos + size > total) throw archiveError(`${archive}: entry ${name} runs past the end`);
      const target = path.join(dest, name);
      if (type === '5') {
        mkdirSync(target, { recursive: true, mode: 0o700 });
        continue;
      }
      if (type !== '0') throw archiveError(`${archive}: entry ${name} is not a regular file or directory (type ${type})`);
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      const out = openSync(target, 'wx', 0o600);
      try {
        let left = size;
        while (left > 0) {
          const n = readSync(fd, buf, 0, Math.min(CHUNK, left), pos);
          writeSync(out, buf, 0, n);
          pos += n;
          left -= n;
        }
      } finally {
        closeSync(out);
      }
      pos += (BLOCK - (size % BLOCK)) % BLOCK;
      written.push(name);
    }
  } finally {
    closeSync(fd);
  }
}
