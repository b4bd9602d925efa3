import t from 'tap';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadFacesDataset } from '../../eval/lib/faces-dataset.js';

function makeDataset(labels: string, pairs: string): string {
  const root = mkdtempSync(path.join(tmpdir(), 'faces-dataset-'));
  mkdirSync(path.join(root, 'set'));
  for (const name of ['a1.png', 'a2.png', 'b1.jpg']) writeFileSync(path.join(root, 'set', name), 'x');
  writeFileSync(path.join(root, 'labels.csv'), labels);
  writeFileSync(path.join(root, 'pairs.csv'), pairs);
  return root;
}

const labels = 'path,source_set,identity,num_faces\nset/a1.png,set,a,1\nset/a2.png,set,a,1\nset/b1.jpg,set,,-1\n';

t.test('labels and pairs are read with paths resolved under the data folder', async (t) => {
  const root = makeDataset(labels, 'path_a,path_b,same,identity_a,identity_b\nset/a1.png,set/a2.png,1,a,a\nset/a1.png,set/b1.jpg,0,a,\n');
  const dataset = loadFacesDataset(root);
  t.equal(dataset.images.length, 3);
  t.same(dataset.images[2], { path: 'set/b1.jpg', absolutePath: path.join(root, 'set/b1.jpg'), sourceSet: 'set', identity: '', numFaces: -1 });
  t.same(dataset.pairs, [
    { pathA: 'set/a1.png', pathB: 'set/a2.png', same: true },
    { pathA: 'set/a1.png', pathB: 'set/b1.jpg', same: false },
  ]);
});

t.test('malformed files are refused with the file and line', async (t) => {
  const header = 'path_a,path_b,same\n';
  t.throws(() => loadFacesDataset(makeDataset(labels, `${header}set/a1.png,set/zz.png,1\n`)), new Error('pairs.csv line 2: set/zz.png is not in labels.csv'));
  t.throws(() => loadFacesDataset(makeDataset(labels, `${header}set/a1.png,set/a2.png,yes\n`)), new Error('pairs.csv line 2: same must be 0 or 1 (got "yes")'));
  const root = makeDataset('path,identity\nset/a1.png,a\n', header);
  t.throws(() => loadFacesDataset(root), new Error(`${path.join(root, 'labels.csv')}: header lacks column(s) source_set, num_faces (header: "path,identity")`));
  const missing = makeDataset(`${labels}set/nope.png,set,c,1\n`, header);
  t.throws(() => loadFacesDataset(missing), new Error(`labels.csv line 5: image ${path.join(missing, 'set/nope.png')} is missing`));
  t.throws(() => loadFacesDataset('/nonexistent-faces'), new Error('/nonexistent-faces/labels.csv is missing'));
});
