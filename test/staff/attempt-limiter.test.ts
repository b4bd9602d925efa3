// The per-address attempt count of the passkey ceremonies: a fixed window per address, and a bounded map
// whose overflow addresses share one bucket rather than growing memory.
import t from 'tap';
import { AttemptLimiter, MAX_ADDRESSES } from '../../src/staff/attempt-limiter.js';

t.test('each address gets its own window of attempts', async (t) => {
  const limiter = new AttemptLimiter({ maxAttemptsPerWindow: 2, windowSeconds: 10 });
  t.same([limiter.allow('10.0.0.1', 0), limiter.allow('10.0.0.1', 1), limiter.allow('10.0.0.1', 2)], [true, true, false]);
  t.equal(limiter.allow('10.0.0.2', 3), true, 'another address is not held back');
  t.equal(limiter.allow('10.0.0.1', 10_000), true, 'the next window');
  t.same([limiter.allow(null, 0), limiter.allow(null, 0), limiter.allow(null, 0)], [true, true, false], 'unknown addresses share a bucket');
});

t.test('past MAX_ADDRESSES, ended windows are dropped first, then new addresses share the overflow bucket', async (t) => {
  const limiter = new AttemptLimiter({ maxAttemptsPerWindow: 1, windowSeconds: 10 });
  for (let i = 0; i < MAX_ADDRESSES; i += 1) limiter.allow(`a${i}`, 0);
  t.equal(limiter.allow('new-1', 1), true, 'the first newcomer takes the overflow bucket');
  t.equal(limiter.allow('new-2', 1), false, 'the second shares it, and is over the limit');
  t.equal(limiter.allow('new-3', 20_000), true, 'once the old windows ended they are dropped');
  t.equal(limiter.allow('new-3', 20_001), false, 'and the newcomer has its own window again');
});
