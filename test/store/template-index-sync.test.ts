// The template index kept in step with the profiles table through the profile journal
// (src/store/template-index-sync.ts): concurrent searches around an enrolment and an erasure.
import t from 'tap';
import { SyncedTemplateIndex } from '../../src/store/template-index-sync.js';

const DIM = 128;
const MODEL = 'dlib-resnet-v1';

function template(seed: number): Buffer {
  const v = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) v[i] = Math.sin(seed * 7.1 + i * 0.37);
  const norm = Math.hypot(...v);
  return Buffer.from(new Float32Array(v.map((x) => x / norm)).buffer);
}
import { forEachStoreBackend } from '../helpers/store-backends.js';

forEachStoreBackend(t, (t, backend) => {
  t.test('searches running at once around an erasure never keep the erased face', async (t) => {
    const { repo } = await backend.temp(t);
    const enrol = (n: number) => {
      repo.upsertSubject({ tid: 'T', oid: `o-${n}`, upn: null, displayName: null, givenName: null, familyName: null });
      return repo.saveProfile({ profileId: `p-${n}`, tid: 'T', oid: `o-${n}`, template: template(n), modelId: MODEL, enrolment: null });
    };
    enrol(1);
    enrol(2);
    const index = await SyncedTemplateIndex.build(repo.profileJournal, { modelId: MODEL, dimension: DIM, encoding: 'int8', threads: 1 });
    t.equal(index.size, 2);

    enrol(3);
    const query = new Float32Array(template(3).buffer.slice(0));
    // The first search reads the journal (p-3 enrolled) and yields; the account is erased before the second
    // starts. Interleaved passes would put p-3 back after the second removed it, and skip the removal for good.
    const first = index.search(query, 3);
    t.ok(repo.eraseAccountBiometrics('T', 'o-3', Date.now()), 'p-3 erased while the first search is catching up');
    const second = index.search(query, 3);
    await first;
    const found = await second;
    t.notOk(found.some((c) => c.profileId === 'p-3'), 'the second search, begun after the erasure, does not find it');
    t.equal(index.size, 2, 'and the index does not keep it');
    t.notOk((await index.search(query, 3)).some((c) => c.profileId === 'p-3'), 'nor does any later search');
  });
});
