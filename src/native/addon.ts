// Loads the compiled Node-API addon once. Every native capability is reached through here so the
// path and the "not built yet" error live in one place.
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Repository root, whether running from src/ under tsx or from dist/src/ after tsc. */
export const projectRoot: string = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) || existsSync(path.join(dir, 'CMakeLists.txt'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('proofgate: cannot locate the project root');
    dir = parent;
  }
  return dir;
})();

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
