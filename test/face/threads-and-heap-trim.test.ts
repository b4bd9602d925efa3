// Threads per inference (`biometrics.threads`, 0: one per core) and the C-heap
// trim the face engine runs after loading and now and then while analyses run (src/biometrics/heap-trim.ts).
import os from 'node:os';
import t from 'tap';
import { threadsPerInference } from '../../src/biometrics/face-engine.js';
import { HeapTrimmer, trimCHeap } from '../../src/biometrics/heap-trim.js';

t.test('threads: 0 is one per core; a set count is kept', async (t) => {
  t.equal(threadsPerInference({ threads: 0 }), os.availableParallelism());
  t.equal(threadsPerInference({ threads: 3 }), 3);
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
