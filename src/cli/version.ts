// What `proofgate --version` reports: the package version, the git commit it was built from and the
// face models it runs (ids and SHA-256 from models/manifest.json). A build (`npm run build:ts`) records
// the commit in dist/build-info.json (tools/build-info/write-build-info.mjs); running from src/ under
// tsx asks git directly, and says "source" when there is no git.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../core/project-root.js';

export interface VersionInfo {
  version: string;
  commit: string;
  /** Where the commit came from: the build's record, git (running from source), or neither. */
  commitFrom: 'build' | 'git' | 'none';
  models: Array<{ id: string; file: string; sha256: string }>;
  /** Why no models are listed, when none are. */
  modelsProblem: string | null;
}

const COMMIT = /^[0-9a-f]{40}$/;

function readJson(file: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

function builtCommit(): { commit: string; commitFrom: VersionInfo['commitFrom'] } {
  const runningFromDist = path.relative(projectRoot, fileURLToPath(import.meta.url)).startsWith(`dist${path.sep}`);
  if (runningFromDist) {
    const info = readJson(path.join(projectRoot, 'dist', 'build-info.json'));
    const commit = typeof info?.commit === 'string' ? info.commit : 'unknown';
    return { commit, commitFrom: COMMIT.test(commit) ? 'build' : 'none' };
  }
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: projectRoot, encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    if (COMMIT.test(head)) return { commit: head, commitFrom: 'git' };
  } catch {
    // no git, or not a checkout
  }
  return { commit: 'source', commitFrom: 'none' };
}

function manifestModels(): Pick<VersionInfo, 'models' | 'modelsProblem'> {
  const file = path.join(projectRoot, 'models', 'manifest.json');
  if (!existsSync(file)) return { models: [], modelsProblem: `${file} is missing (run "npm run build:models")` };
  const models = readJson(file)?.models;
  if (models === null || typeof models !== 'object' || Array.isArray(models)) return { models: [], modelsProblem: `${file} has no "models" object` };
  const out = Object.entries(models as Record<string, Record<string, unknown>>).map(([id, m]) => ({
    id, file: typeof m?.file === 'string' ? m.file : '?', sha256: typeof m?.sha256 === 'string' ? m.sha256 : '?',
  }));
  return { models: out, modelsProblem: null };
}

export function versionInfo(): VersionInfo {
  const pkg = readJson(path.join(projectRoot, 'package.json'));
  return { version: typeof pkg?.version === 'string' ? pkg.version : 'unknown', ...builtCommit(), ...manifestModels() };
}

export function versionLines(v: VersionInfo): string[] {
  return [
    `proofgate ${v.version}`,
    `commit ${v.commit}${v.commitFrom === 'git' ? ' (running from source)' : ''}`,
    ...(v.modelsProblem ? [`models: ${v.modelsProblem}`] : ['models:', ...v.models.map((m) => `  ${m.id} ${m.file} sha256 ${m.sha256}`)]),
  ];
}
