// Reads every relative import in src/ (static, dynamic and type-only) and reports what breaks the floor
// table in floors.ts: an import to a unit on the same floor or above, a file in no unit, and import
// cycles between files. Used by test/layout/import-direction.test.ts and `npm run check:layout`.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { FLOORS } from './floors.js';

export interface LayoutProblem {
  kind: 'upward-import' | 'same-floor-import' | 'unplaced-file' | 'cycle';
  detail: string;
}

const IMPORT_RE = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...listTs(p));
    else if (e.name.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** The unit (longest matching folder in FLOORS) a file belongs to, with its floor. */
export function unitOf(file: string): { unit: string; floor: number } | null {
  let best: { unit: string; floor: number } | null = null;
  for (const f of FLOORS) {
    for (const u of f.units) {
      if ((file.startsWith(`${u}/`)) && (!best || u.length > best.unit.length)) best = { unit: u, floor: f.floor };
    }
  }
  return best;
}

/** Relative imports of every file under src/, as project-relative paths with .ts extensions. */
export function importGraph(projectRoot: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const abs of listTs(path.join(projectRoot, 'src'))) {
    const file = path.relative(projectRoot, abs).split(path.sep).join('/');
    const targets: string[] = [];
    for (const m of readFileSync(abs, 'utf8').matchAll(IMPORT_RE)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1])).replace(/\.js$/, '.ts');
      targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  // Tarjan's strongly connected components; any component of two or more files is a cycle.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

export function checkLayout(projectRoot: string): LayoutProblem[] {
  const graph = importGraph(projectRoot);
  const problems: LayoutProblem[] = [];
  for (const [file, targets] of graph) {
    const from = unitOf(file);
    if (!from) {
      problems.push({ kind: 'unplaced-file', detail: `${file} is in no unit of tools/layout/floors.ts` });
      continue;
    }
    for (const target of targets) {
      const to = unitOf(target);
      if (!to || to.unit === from.unit) continue;
      if (to.floor > from.floor) problems.push({ kind: 'upward-import', detail: `${file} (floor ${from.floor}) imports ${target} (floor ${to.floor})` });
      else if (to.floor === from.floor) problems.push({ kind: 'same-floor-import', detail: `${file} imports ${target}: ${from.unit} and ${to.unit} share floor ${from.floor}` });
    }
  }
  for (const c of cycles(graph)) problems.push({ kind: 'cycle', detail: c.join(' <-> ') });
  return problems;
}
