// npm run check:layout — prints every import that breaks the floor table (tools/layout/floors.ts); exit 1 if any.
import { projectRoot } from '../../src/core/project-root.js';
import { checkLayout } from './import-graph.js';

const problems = checkLayout(projectRoot);
for (const p of problems) console.log(`${p.kind}: ${p.detail}`);
console.log(problems.length === 0 ? 'layout OK: every import points down a floor, no cycles' : `${problems.length} layout problem(s)`);
process.exitCode = problems.length === 0 ? 0 : 1;
