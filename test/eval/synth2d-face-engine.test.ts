// The face engine sees what the 2D generator renders: one face per frame with landmarks, a rendered
// turn left then right moves the landmark yaw (src/liveness/landmark-motion.ts) the same way, and a
// held print is a face too (the geometry checks, not the detector, must tell them apart).
import t from 'tap';
import { analyzeFace } from '../../src/biometrics/analyze-face.js';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';
import { estimateYawDeg } from '../../src/liveness/landmark-motion.js';
import { PORTRAIT_SUBJECTS, loadPortrait, type Portrait } from '../../eval/synth2d/portrait-subjects.js';
import { fakeCameraClip } from '../../eval/synth2d/fake-camera-clip.js';
import { renderSequence } from '../../eval/synth2d/render-sequence.js';
import { loadEngine, missingModels } from '../helpers/face-engine-fixture.js';

const missing = missingModels();
if (missing) t.fail(missing);
else registerTests();

function registerTests(): void {
  let engine: FaceEngine;
  let portrait: Portrait;
  t.before(async () => {
    engine = await loadEngine();
    portrait = await loadPortrait({ analyzeFace: (image: Buffer) => analyzeFace(engine, image, { embedding: false }) }, PORTRAIT_SUBJECTS[2]);
  });
  t.teardown(() => engine.close());

  async function yaws(frames: Buffer[]): Promise<{ faces: number[]; yaw: number[] }> {
    const faces: number[] = [];
    const yaw: number[] = [];
    for (const frame of frames) {
      const a = await analyzeFace(engine, frame, { embedding: false });
      faces.push(a.faceCount);
      yaw.push(a.face ? estimateYawDeg({ points: a.face.landmarks468, stride: 3 }) : Number.NaN);
    }
    return { faces, yaw };
  }

  t.test('a rendered live head is one face, and its turns move the landmark yaw the right way', async (t) => {
    const seq = renderSequence({ species: 'bona-fide', portrait, seed: 'engine-turn', steps: ['turn-left', 'turn-right'], fps: 5, resolution: [640, 480] });
    const { faces, yaw } = await yaws(seq.frames);
    t.same(faces, faces.map(() => 1), `one face in every frame (${faces.join(' ')})`);
    const start = yaw[0];
    const left = Math.min(...yaw);
    const right = Math.max(...yaw);
    // Yaw is positive when the subject turns to their own right.
    t.ok(left < start - 15, `turning left lowers the yaw by more than 15 deg (start ${start.toFixed(1)}, min ${left.toFixed(1)})`);
    t.ok(right > start + 15, `turning right raises it by more than 15 deg (max ${right.toFixed(1)})`);
    t.ok(yaw.indexOf(left) < yaw.indexOf(right), 'left comes before right, as the steps were ordered');
  });

  t.test('a print held still is detected as one face in every frame', async (t) => {
    const seq = renderSequence({ species: 'print-still', portrait, seed: 'engine-print', steps: ['turn-left', 'look-up'], fps: 3, resolution: [640, 480] });
    const { faces, yaw } = await yaws(seq.frames);
    t.same(faces, faces.map(() => 1), `one face in every frame (${faces.join(' ')})`);
    const spread = Math.max(...yaw) - Math.min(...yaw);
    t.ok(spread < 8, `a still print's landmark yaw hardly moves (spread ${spread.toFixed(1)} deg)`);
  });

  t.test('a fake-camera clip of a left turn shows the face turning left', async (t) => {
    const clip = fakeCameraClip({ species: 'bona-fide', portrait, steps: ['turn-left'], leadInMs: 300, stepMs: 1200, tailMs: 200 });
    const frames: Buffer[] = [];
    for (let start = 0; start < clip.length;) {
      const end = clip.indexOf(Buffer.from([0xff, 0xd9]), start) + 2;
      frames.push(clip.subarray(start, end));
      start = end;
    }
    // Facing, at the step's peak (300 ms + 40-65% of 1200 ms), facing again.
    const { faces, yaw } = await yaws([frames[0], frames[Math.round(0.9 * 30)], frames.at(-1)!]);
    t.same(faces, [1, 1, 1], 'one face in each');
    t.ok(yaw[1] < yaw[0] - 15 && yaw[1] < yaw[2] - 15, `yaw ${yaw.map((y) => y.toFixed(1)).join(' → ')}: down at the peak, back after`);
  });

  t.test('the portraits face the camera: the photo\'s turn is undone, so a live head starts its challenge frontal', async (t) => {
    const finder = { analyzeFace: (image: Buffer) => analyzeFace(engine, image, { embedding: false }) };
    const subject = PORTRAIT_SUBJECTS[2];
    const photo = await loadPortrait(finder, subject, { frontal: false });
    const yawOf = (p: Portrait) => estimateYawDeg({ points: p.landmarks, stride: 2 });
    t.ok(Math.abs(yawOf(photo)) > 12, `the demo photo of ${subject.id} is turned (${yawOf(photo).toFixed(1)} deg)`);
    t.ok(Math.abs(yawOf(portrait)) < 5, `the portrait made from it faces the camera (${yawOf(portrait).toFixed(1)} deg)`);
    const seq = renderSequence({ species: 'bona-fide', portrait, seed: 'engine-start', steps: ['look-up'], fps: 5, resolution: [640, 480] });
    const { yaw } = await yaws(seq.frames.slice(0, 2));
    t.ok(yaw.every((y) => Math.abs(y) < 8), `a live head rests near frontal before its steps (${yaw.map((y) => y.toFixed(1)).join(', ')} deg)`);
  });
}
