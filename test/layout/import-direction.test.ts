// Imports in src/ point down the floors of tools/layout/floors.ts (routes -> flows -> policy ->
// native/store/signing/audit), and no two files import each other, directly or around a circle.
import t from 'tap';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../src/core/project-root.js';
import { checkLayout } from '../../tools/layout/import-graph.js';

t.test('every import in src/ points down a floor, and there are no cycles', async (t) => {
  t.same(checkLayout(projectRoot), []);
});

/** A throw-away tree with the given files under src/. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'proofgate-layout-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

t.test('the check catches what it is for', async (t) => {
  t.test('an upward import (the store computing the audit chain)', async (t) => {
    const root = tree({
      'src/store/repo.ts': "import { chain } from '../audit/chain.js';\n",
      'src/audit/chain.ts': 'export const chain = 1;\n',
    });
    t.same(checkLayout(root), [{ kind: 'upward-import', detail: 'src/store/repo.ts (floor 5) imports src/audit/chain.ts (floor 6)' }]);
  });
  t.test('a type-only or dynamic import counts too', async (t) => {
    const root = tree({
      'src/core/a.ts': "import type { X } from '../http/x.js';\nexport const a = () => import('../cli/main.js');\n",
      'src/http/x.ts': 'export type X = 1;\n',
      'src/cli/main.ts': '\n',
    });
    t.same(checkLayout(root).map((p) => p.kind), ['upward-import', 'upward-import']);
  });
  t.test('an import between two units of one floor', async (t) => {
    const root = tree({ 'src/store/s.ts': "import '../liveness/l.js';\n", 'src/liveness/l.ts': '\n' });
    t.same(checkLayout(root).map((p) => p.kind), ['same-floor-import']);
  });
  t.test('a circle between two files of one unit', async (t) => {
    const root = tree({
      'src/documents/emrtd/ca-select.ts': "import type { C } from './chip-auth.js';\nexport type S = 1;\n",
      'src/documents/emrtd/chip-auth.ts': "import type { S } from './ca-select.js';\nexport type C = 1;\n",
    });
    t.same(checkLayout(root), [{ kind: 'cycle', detail: 'src/documents/emrtd/ca-select.ts <-> src/documents/emrtd/chip-auth.ts' }]);
  });
  t.test('a file in a folder the table does not place', async (t) => {
    const root = tree({ 'src/unplaced-room/agent.ts': '\n' });
    t.same(checkLayout(root), [{ kind: 'unplaced-file', detail: 'src/unplaced-room/agent.ts is in no unit of tools/layout/floors.ts' }]);
  });
  t.test('imports down a floor and inside a unit are fine', async (t) => {
    const root = tree({
      'src/cli/main.ts': "import '../verification/http/routes.js';\n",
      'src/verification/http/routes.ts': "import '../flow/service.js';\nimport './paths.js';\n",
      'src/verification/http/paths.ts': '\n',
      'src/verification/flow/service.ts': "import '../../core/errors.js';\n",
      'src/core/errors.ts': '\n',
    });
    t.same(checkLayout(root), []);
  });
});
