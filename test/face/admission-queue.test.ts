// The face engine's admission queue (src/biometrics/admission-queue.ts): beyond biometrics.maxQueue an
// analysis waits only while its expected wait fits biometrics.admission.maxWaitMs, never more than
// admission.maxWaiting wait, the order is FIFO and a failing task gives its slot back.
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { AdmissionQueue } from '../../src/biometrics/admission-queue.js';
import { buildConfig } from '../../src/config/index.js';

/** A task the test finishes by hand. */
function gate(): { task: () => Promise<void>; open: () => void; fail: (e: Error) => void; started: () => boolean } {
  let open!: () => void;
  let fail!: (e: Error) => void;
  let started = false;
  const done = new Promise<void>((resolve, reject) => { open = resolve; fail = reject; });
  return { task: () => { started = true; return done; }, open: () => open(), fail: (e) => fail(e), started: () => started };
}

/** Teaches the queue a mean analysis time of at least `ms`, one task at a time. */
async function teach(queue: AdmissionQueue, ms: number): Promise<void> {
  await queue.run(() => sleep(ms));
}

t.test('beyond maxQueue an arrival waits while its expected wait fits the budget, then runs', async (t) => {
  const queue = new AdmissionQueue(1, 0, { maxWaitMs: 5_000, maxWaiting: 4 });
  await teach(queue, 40);
  const first = gate();
  const running = queue.run(first.task);
  const waiter = queue.run(async () => 'ran');
  t.equal(queue.queued, 1, 'the second waits instead of being refused');
  t.ok(queue.expectedWaitMs! >= 2 * 35, 'a third would wait about two analyses');
  first.open();
  await running;
  t.equal(await waiter, 'ran');
  t.same([queue.active, queue.queued], [0, 0]);
});

t.test('an arrival whose expected wait exceeds the budget is refused with ERR_BUSY, naming the wait', async (t) => {
  const queue = new AdmissionQueue(1, 0, { maxWaitMs: 10, maxWaiting: 4 });
  await teach(queue, 40);
  const first = gate();
  const running = queue.run(first.task);
  await t.rejects(queue.run(async () => 'never'), {
    code: 'ERR_BUSY', status: 503, message: /^the face engine is busy \(1 running, 0 waiting, about \d+ ms to wait, over 10 ms\)$/,
  });
  t.same([queue.active, queue.queued], [1, 0], 'the refusal took no slot and no place');
  first.open();
  await running;
  const noBudget = new AdmissionQueue(1, 0, { maxWaitMs: 0, maxWaiting: 4 });
  await teach(noBudget, 5);
  const busy = gate();
  const held = noBudget.run(busy.task);
  await t.rejects(noBudget.run(async () => 'never'), { code: 'ERR_BUSY', message: 'the face engine is busy (1 running, 0 waiting)' }, 'maxWaitMs 0: refused at maxQueue, as before');
  busy.open();
  await held;
});

t.test('within maxQueue an arrival waits whatever the budget; before any analysis finished nobody waits beyond it', async (t) => {
  const queue = new AdmissionQueue(1, 1, { maxWaitMs: 60_000, maxWaiting: 10 });
  const first = gate();
  const running = queue.run(first.task);
  const second = queue.run(async () => 2);
  t.equal(queue.expectedWaitMs, null, 'no analysis has finished: the wait is unknown');
  await t.rejects(queue.run(async () => 3), { code: 'ERR_BUSY', message: 'the face engine is busy (1 running, 1 waiting)' });
  first.open();
  await running;
  t.equal(await second, 2);
});

t.test('the hard bound on waiters holds whatever the budget', async (t) => {
  const queue = new AdmissionQueue(1, 1, { maxWaitMs: 60_000, maxWaiting: 3 });
  await teach(queue, 5);
  const first = gate();
  const running = queue.run(first.task);
  const waiters = [1, 2, 3].map((n) => queue.run(async () => n));
  t.equal(queue.queued, 3);
  await t.rejects(queue.run(async () => 4), { code: 'ERR_BUSY', status: 503, message: 'the face engine is busy (1 running, 3 waiting)' });
  first.open();
  await running;
  t.same(await Promise.all(waiters), [1, 2, 3]);
});

t.test('waiters run in arrival order, and a new arrival cannot overtake them', async (t) => {
  const queue = new AdmissionQueue(2, 8, { maxWaitMs: 0, maxWaiting: 8 });
  const order: number[] = [];
  const gates = [gate(), gate()];
  const running = gates.map((g) => queue.run(g.task));
  const waiters = [1, 2, 3, 4].map((n) => queue.run(async () => { order.push(n); await sleep(1); }));
  gates[0].open();
  await running[0];
  // A slot was handed to waiter 1; an arrival now still queues behind 2, 3 and 4.
  const late = queue.run(async () => { order.push(5); });
  gates[1].open();
  await Promise.all([...waiters, late, running[1]]);
  t.same(order, [1, 2, 3, 4, 5]);
});

t.test('a failing task gives its slot back: no slot leaks', async (t) => {
  const queue = new AdmissionQueue(1, 2, { maxWaitMs: 0, maxWaiting: 2 });
  const first = gate();
  const failing = queue.run(first.task);
  const next = queue.run(async () => 'next');
  const thrower = queue.run(() => { throw new Error('synchronous failure'); });
  first.fail(new Error('native failure'));
  await t.rejects(failing, { message: 'native failure' });
  t.equal(await next, 'next');
  await t.rejects(thrower, { message: 'synchronous failure' });
  t.same([queue.active, queue.queued], [0, 0], 'every slot is free again');
  t.equal(await queue.run(async () => 'after'), 'after', 'and the queue still admits');
});

t.test('failed tasks do not teach the mean: fast refusals cannot make the queue expect short waits', async (t) => {
  const queue = new AdmissionQueue(1, 0, { maxWaitMs: 100, maxWaiting: 8 });
  await teach(queue, 60);
  for (let i = 0; i < 50; i++) await t.rejects(queue.run(() => Promise.reject(new Error('corrupt image'))));
  const first = gate();
  const running = queue.run(first.task);
  t.ok(queue.expectedWaitMs! >= 55, `the expected wait (${queue.expectedWaitMs} ms) is still about one 60 ms analysis`);
  const waiter = queue.run(async () => 'waited');
  await t.rejects(queue.run(async () => 'late'), { code: 'ERR_BUSY' }, 'a second waiter (about 120 ms) is beyond the 100 ms budget');
  first.open();
  await running;
  t.equal(await waiter, 'waited');
});

t.test('config: biometrics.admission defaults and mistakes named by key', async (t) => {
  t.same(buildConfig({}).biometrics.admission, { maxWaitMs: 2000, maxWaiting: 64 });
  t.same(buildConfig({ biometrics: { admission: { maxWaitMs: 0 } } }).biometrics.admission, { maxWaitMs: 0, maxWaiting: 64 });
  t.throws(() => buildConfig({ biometrics: { admission: { maxWaitMs: -1 } } }), { code: 'ERR_CONFIG', message: /^config config\.biometrics\.admission\.maxWaitMs: expected an integer in / });
  t.throws(() => buildConfig({ biometrics: { admission: { maxWaiting: 1.5 } } }), { code: 'ERR_CONFIG', message: /^config config\.biometrics\.admission\.maxWaiting: expected an integer in / });
  t.throws(() => buildConfig({ biometrics: { admission: { maxWait: 100 } } }), { code: 'ERR_CONFIG', message: /biometrics\.admission\.maxWait\b/ });
  t.throws(() => buildConfig({ biometrics: { maxQueue: 20, admission: { maxWaiting: 10 } } }), {
    code: 'ERR_CONFIG', message: /^config config\.biometrics\.admission\.maxWaiting: expected an integer >= config\.biometrics\.maxQueue \(20\): .*received 10$/,
  });
});
