// Where the project is installed: models/, build/native/ and the static page assets are found from here.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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
