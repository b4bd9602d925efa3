// Threads per inference (`biometrics.threads`, 0: the cores shared out among the pipelines) and the C-heap
// trim the face engine runs after loading and now and then while analyses run (src/biometrics/heap-trim.ts).
import os from 'node:os';
import t from 'tap';
import { threadsPerInference } from '../../src/biometrics/face-engine.js';
import { HeapTrimmer, trimCHeap } from '../../src/biometrics/heap-trim.js';

t.test('threads: 0 shares the cores out among the pipelines, at least one each; a set count is kept', async (t) => {
  const cores = os.availableParallelism();
  t.equal(threadsPerInference({ threads: 0, pipelines: 1 }), cores);
  t.equal(threadsPerInference({ threads: 0, pipelines: 2 }), Math.max(1, Math.floor(cores / 2)));
  t.equal(threadsPerInference({ threads: 0, pipelines: 64 }), Math.max(1, Math.floor(cores / 64)), 'never 0 (which would mean no threading)');
  t.ok(threadsPerInference({ threads: 0, pipelines: 64 }) >= 1);
  t.equal(threadsPerInference({ threads: 3, pipelines: 2 }), 3);
});

t.test('the C heap trim runs and says whether it handed memory back', async (t) => {
  t.type(trimCHeap(), 'boolean');
});

t.test('a heap trimmer trims once per interval in which work was noted, never when idle, and stops', async (t) => {
  let trims = 0;
  const trimmer = new HeapTrimmer(10, () => trims++);
  const tick = () => new Promise((resolve) => setTimeout(resolve, 60));
  await tick();
  t.equal(trims, 0, 'no analysis: no trim');
  trimmer.noteWork();
  trimmer.noteWork();
  await tick();
  t.equal(trims, 1, 'one trim for the work noted, however many analyses');
  trimmer.stop();
  trimmer.noteWork();
  await tick();
  t.equal(trims, 1, 'nothing after stop');
});
