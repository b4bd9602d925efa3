// npm run bench:remote-liveness [-- --rounds N]
// Server time per remote-active decision on CPU: decideReturningUser (the function the capture route
// calls) on a browser capture of one selfie and the challenge frames, with the real face engine:
// the selfie and every frame through the face engine, the quality gates, the match, the active
// challenge, the motion-parallax check and the policy. Not included: reading the HTTP envelope,
// storing the encrypted evidence, the audit record and the HSM signature (npm run bench:verify times
// the whole route). The peer, measured in the same run: one selfie's face analysis, the cost of a
// selfie-only decision, so the ratio says what the challenge adds.
// Fixed inputs: the 2D generator's rendering of one subject (seeded), a live head turning left then
// looking up, and a print of the same face moved through the same steps; frames as the page sends
// them (verification.challengeFrames JPEGs at 640x480 over liveness.challenge.steps × stepMs).
import { parseArgs } from 'node:util';
import { buildConfig } from '../src/config/index.js';
import { verificationPolicy } from '../src/config/sections/verification.js';
import { requiredTier } from '../src/config/sections/verification-assurance.js';
import type { NonceReplayGuard } from '../src/liveness/index.js';
import type { BiometricProfile } from '../src/core/domain.js';
import type { Capture } from '../src/verification/capture/capture.js';
import { loadFaceAnalyzer } from '../src/verification/capture/face-analyzer.js';
import { decideReturningUser, type ReturningUserContext } from '../src/verification/policy/decide-returning-user.js';
import { enrolmentTemplate } from '../src/verification/policy/profile-template.js';
import { encodeJpeg } from '../eval/lib/rgb-image.js';
import { median, percentile } from '../eval/lib/latency-stats.js';
import { renderSequence } from '../eval/synth2d/render-sequence.js';
import { PORTRAIT_SUBJECTS, loadPortrait } from '../eval/synth2d/portrait-subjects.js';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '20' } }, strict: true });
const rounds = Number(values.rounds);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds must be a positive integer');

// The shipped default (verification.assurance: remote-active for a returning user: the challenge with
// motion consistency and the injection signals, no depth); head motions only (the generator's eyelids
// do not make a blink the face engine sees closed).
const config = buildConfig({ liveness: { challenge: { kinds: ['turn-left', 'turn-right', 'look-up'], steps: 2 } } });
const required = requiredTier(config.verification.assurance, 'bench-tid', 'returning');
const steps = ['turn-left', 'look-up'] as const;
const frameCount = config.verification.challengeFrames;
const stepMs = config.liveness.challenge.stepMs;
const engine = await loadFaceAnalyzer(config);
// s02 faces the camera in its portrait: the challenge requires a frontal start.
const portrait = await loadPortrait(engine, PORTRAIT_SUBJECTS.find((s) => s.id === 's02')!);

/** The selfie (a frontal frame before the steps, as the page's auto-capture takes it) and the filmed frames. */
function browserCapture(species: 'bona-fide' | 'print-moved') {
  const fps = (1000 * frameCount) / (steps.length * stepMs);
  const seq = renderSequence({
    species, portrait, seed: `bench-remote-${species}`, steps, resolution: [640, 480],
    fps, stepMs, leadInMs: 1000 / fps, tailMs: 0, webcam: { gain: 1, gamma: 1, cast: [1, 1, 1], noiseSigma: 1.5, jpegQuality: 85 },
  });
  if (seq.frames.length < frameCount + 1) throw new Error(`${species}: rendered ${seq.frames.length} frames, need ${frameCount + 1}`);
  return { selfie: seq.frames[0], frames: seq.frames.slice(1, frameCount + 1) };
}
const inputs = { live: browserCapture('bona-fide'), print: browserCapture('print-moved') };

const enrolled = await engine.analyzeFace(encodeJpeg(portrait.texture, 92));
if (!enrolled.face) throw new Error('no face in the enrolment portrait');
const profile: BiometricProfile = {
  profileId: 'bench', tid: 'bench-tid', oid: 'bench-oid', template: enrolmentTemplate(enrolled.face.embedding),
  modelId: engine.modelId, enrolment: null, createdAt: 0, updatedAt: 0,
};

// Each decision consumes its session's nonce, as the store's rememberOnce does.
const seen = new Set<string>();
const replayGuard: NonceReplayGuard = { rememberOnce: (_kind, value) => (seen.has(value) ? false : (seen.add(value), true)) };
let session = 0;

async function decide(input: { selfie: Buffer; frames: Buffer[] }) {
  const nonce = `bench-remote-nonce-${String(++session).padStart(8, '0')}`;
  const now = Date.now();
  const intervalMs = Math.ceil((steps.length * stepMs) / frameCount);
  const captures: Capture[] = [
    { kind: 'selfie', mediaType: 'image/jpeg', bytes: input.selfie, meta: { capturedAt: now - frameCount * intervalMs - 50 } },
    // A page's timer drifts by a few ms (frames stamped at exactly equal intervals are a script's).
    ...input.frames.map((bytes, i): Capture => ({ kind: 'challenge-frame', mediaType: 'image/jpeg', bytes, meta: { capturedAt: now - (frameCount - i) * intervalMs + ((i * 7) % 5), nonce } })),
  ];
  const ctx: ReturningUserContext = {
    engine, policy: verificationPolicy(config), liveness: config.liveness, challenge: { steps: [...steps], nonce },
    replayGuard, now, requiredTier: required, captureHistory: { usedInEarlierSession: () => false },
  };
  return decideReturningUser(ctx, profile, captures);
}

async function time(name: string, run: () => Promise<unknown>): Promise<{ name: string; samples: number[] }> {
  for (let i = 0; i < 2; i++) await run(); // warm-up
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    await run();
    samples.push(performance.now() - t0);
  }
  return { name, samples };
}

// The inputs must be what they claim: the live sequence verifies and the print is denied.
const outcomes: Record<string, string> = {};
for (const [name, input] of Object.entries(inputs)) {
  const o = await decide(input);
  const failing = o.checks.filter((c) => c.outcome === 'fail').map((c) => c.name);
  outcomes[name] = o.kind === 'decided' ? `${o.decision}${failing.length ? ` (failing: ${failing.join(', ')})` : ''}` : `retry (${o.advice})`;
}
if (!outcomes.live.startsWith('verified') || !outcomes.print.startsWith('denied')) {
  throw new Error(`the fixed inputs did not decide as expected: live ${outcomes.live}, print ${outcomes.print}`);
}

const live = await time('remote-active decision, live head', () => decide(inputs.live));
const print = await time('remote-active decision, moved print', () => decide(inputs.print));
const peer = await time('peer: one selfie face analysis', () => engine.analyzeFace(inputs.live.selfie));
engine.close();

const peerMedian = median(peer.samples);
console.log(`# bench:remote-liveness: selfie + ${frameCount} challenge frames (640x480 JPEG, ${steps.join(' then ')}, ${stepMs} ms a step), ${rounds} rounds each after 2 warm-up, one at a time\n`);
console.log(`required tier ${required}; decisions: live ${outcomes.live}; print ${outcomes.print}\n`);
console.log('| path | n | p50 ms | p99 ms | p50 ratio to peer |');
console.log('|---|---:|---:|---:|---:|');
for (const r of [live, print, peer]) {
  console.log(`| ${r.name} | ${r.samples.length} | ${median(r.samples).toFixed(1)} | ${percentile(r.samples, 99).toFixed(1)} | ${(median(r.samples) / peerMedian).toFixed(2)} |`);
}
