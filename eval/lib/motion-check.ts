// The server's 3D-consistency-from-motion check (measureTextureParallax: the tracked image texture,
// with the landmark measure's value reported beside it), bound to the configuration's liveness.motion
// settings, for the evaluation harness.
import type { ProofgateConfig } from '../../src/config/index.js';
import { measureTextureParallax } from '../../src/liveness/index.js';
import type { MotionCheck } from './remote-liveness-checks.js';

export interface LoadedMotionCheck {
  readonly check: MotionCheck;
  readonly description: string;
  readonly settings: ProofgateConfig['liveness']['motion'];
}

export function loadMotionCheck(config: ProofgateConfig): LoadedMotionCheck {
  const settings = config.liveness.motion;
  return {
    check: (views, frames) => measureTextureParallax(frames, views, settings),
    description: `measureTextureParallax, liveness.motion ${JSON.stringify(settings)}`,
    settings,
  };
}
