// Loads the compiled Node-API addon once. Every native capability is reached through here so the
// path and the "not built yet" error live in one place.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from '../core/project-root.js';

const require = createRequire(import.meta.url);

export const addonPath = path.join(projectRoot, 'build', 'native', 'Release', 'proofgate.node');

// The addon's export surface grows per capability; each capability module narrows it with its own type.
export type NativeAddon = Record<string, (...args: any[]) => any>;

let loaded: NativeAddon | undefined;

export function nativeAddon(): NativeAddon {
  if (loaded) return loaded;
  if (!existsSync(addonPath)) {
    throw new Error(`proofgate native addon is not built (${addonPath} missing): run "npm run build:native"`);
  }
  loaded = require(addonPath) as NativeAddon;
  return loaded;
}
