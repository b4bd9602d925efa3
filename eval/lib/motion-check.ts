// The server's 3D-consistency-from-motion check (src/liveness/motion-consistency.ts), bound to the
// configuration's liveness.motion settings, for the evaluation harness.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ProofgateConfig } from '../../src/config/index.js';
import { projectRoot } from '../../src/core/project-root.js';
import type { MotionCheck } from './remote-liveness-checks.js';

export interface LoadedMotionCheck {
  readonly check: MotionCheck;
  readonly description: string;
  readonly settings: unknown;
}

// TODO(motion-consistency): import measureMotionConsistency statically once it is on this branch.
export async function loadMotionCheck(config: ProofgateConfig): Promise<LoadedMotionCheck> {
  const file = path.join(projectRoot, 'src', 'liveness', 'motion-consistency.ts');
  if (!existsSync(file)) throw new Error(`the motion-consistency check (${path.relative(projectRoot, file)}) is not in this tree`);
  const mod = (await import(pathToFileURL(file).href)) as { measureMotionConsistency: (views: unknown[], settings: unknown) => ReturnType<MotionCheck> };
  const settings = (config.liveness as unknown as { motion: unknown }).motion;
  return { check: (views) => mod.measureMotionConsistency(views, settings), description: `measureMotionConsistency with liveness.motion ${JSON.stringify(settings)}`, settings };
}
