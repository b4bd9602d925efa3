// Child process for the capture-claims race test: from the wall-clock instant argv[3] until argv[4] ms later,
// claims one key on the store at argv[2] (a SQLite file, or PostgreSQL store options as JSON) again and
// again; each time it is granted it holds the claim about a millisecond and releases it. Prints one JSON
// line: the intervals it held the claim (measured inside the true holding time: after the claim returned,
// before the release was sent) and how many claims were refused.
import { performance } from 'node:perf_hooks';
import { openSqliteRepository } from '../../src/store/sqlite-repository.js';
import { openPostgresRepository } from '../../src/store/postgres/open-postgres.js';

const [store, startAt, forMs, key] = process.argv.slice(2);
const repo = store.startsWith('{') ? openPostgresRepository(JSON.parse(store)) : openSqliteRepository(store, { busyTimeoutMs: 20_000 });
const clock = () => performance.timeOrigin + performance.now();
const start = Number(startAt);
const end = start + Number(forMs);
while (clock() < start) await new Promise((resolve) => setTimeout(resolve, 1));
const held: Array<[number, number]> = [];
let refused = 0;
while (clock() < end) {
  const now = Date.now();
  const claim = repo.captureClaims.claim(key, now, now + 60_000);
  if (!claim) {
    refused += 1;
    continue;
  }
  const from = clock();
  while (clock() - from < 1);
  held.push([from, clock()]);
  repo.captureClaims.release(claim);
}
repo.close();
process.stdout.write(`${JSON.stringify({ held, refused })}\n`);
