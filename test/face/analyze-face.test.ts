// The whole pipeline on real faces: the demo group photos of @vladmandic/face-api and crops, rescales,
// recompressions, rotations and mirror images of them. Same person must match, different people must
// not, a photo without a face is a result (not an exception), several faces give the largest, and a
// face filling a 100-pixel frame is still found.
import t from 'tap';
import { analyzeFace, type FaceAnalysis } from '../../src/biometrics/analyze-face.js';
import { compareFaces } from '../../src/biometrics/compare-faces.js';
import type { FaceEngine } from '../../src/biometrics/face-engine.js';
import { FaceEngineError } from '../../src/biometrics/face-errors.js';
import { loadEngine, missingModels } from '../helpers/face-engine-fixture.js';
import {
  decodeJpeg, encodeJpeg, encodePng, mirror, noFacePicture, resize, rotate, scaleBrightness, sideBySide, turnCounterClockwise, withExifOrientation,
} from '../helpers/face-images.js';
import { demoPhotoBytes, faceJpeg, type DemoFace } from '../helpers/face-photos.js';

/** dlib's published same-person bound; the calibrated one lives in the configuration. */
const THRESHOLD = 0.6;
const PEOPLE: DemoFace[] = ['personA', 'personB', 'personC'];
/** DEMO_FACES centres sit on the eyes; this shifts a crop down to centre the whole face. */
const FACE_CENTRE_DY = 40;

const missing = missingModels();
if (missing) t.fail(missing);
else registerTests();

function registerTests(): void {
  let engine: FaceEngine;
  const reference = new Map<DemoFace, Float32Array>();

  t.before(async () => {
    engine = await loadEngine();
    for (const who of PEOPLE) {
      const a = await analyzeFace(engine, faceJpeg(who, { zoom: 1.5 }));
      if (!a.face?.embedding) throw new Error(`no reference face for ${who}`);
      reference.set(who, a.face.embedding);
    }
  });
  t.teardown(() => engine?.close());

  const embeddingOf = (a: FaceAnalysis, label: string): Float32Array => {
    if (!a.face?.embedding) throw new Error(`${label}: no face (${a.noFaceReason})`);
    return a.face.embedding;
  };
  const distance = (a: Float32Array, b: Float32Array) => compareFaces(a, b, THRESHOLD).distance;

  t.test('a face matches its own crops, rescales, recompressions, rotations and mirror image', async (t) => {
    for (const who of PEOPLE) {
      const base = decodeJpeg(faceJpeg(who, { zoom: 1.3 }));
      const variants: [string, Buffer][] = [
        ['wide crop, 800 px', faceJpeg(who, { zoom: 2, width: 800, height: 800 })],
        ['rescaled to 150 px, JPEG q40', faceJpeg(who, { width: 150, height: 150, quality: 40 })],
        ['portrait crop, shifted', faceJpeg(who, { width: 300, height: 400, dx: 25, dy: 30 })],
        ['PNG', encodePng(base)],
        ['turned 12 degrees', encodeJpeg(rotate(base, 12))],
        ['turned -20 degrees', encodeJpeg(rotate(base, -20))],
        ['mirror image', encodeJpeg(mirror(base))],
      ];
      for (const [label, bytes] of variants) {
        const d = distance(reference.get(who)!, embeddingOf(await analyzeFace(engine, bytes), `${who} ${label}`));
        t.ok(d < THRESHOLD, `${who}, ${label}: distance ${d.toFixed(3)} < ${THRESHOLD}`);
      }
    }
  });

  t.test('different people do not match', async (t) => {
    for (let i = 0; i < PEOPLE.length; i++) {
      for (let j = i + 1; j < PEOPLE.length; j++) {
        const result = compareFaces(reference.get(PEOPLE[i])!, reference.get(PEOPLE[j])!, THRESHOLD);
        t.notOk(result.match, `${PEOPLE[i]} vs ${PEOPLE[j]}: distance ${result.distance.toFixed(3)} > ${THRESHOLD}`);
        t.ok(result.score < 0.5, `score ${result.score.toFixed(3)} below 0.5`);
      }
      // Also against a degraded copy of the other person: still no match.
      const other = PEOPLE[(i + 1) % PEOPLE.length];
      const small = embeddingOf(await analyzeFace(engine, faceJpeg(other, { width: 120, height: 120, quality: 50 })), other);
      t.ok(distance(reference.get(PEOPLE[i])!, small) > THRESHOLD, `${PEOPLE[i]} vs small ${other}`);
    }
  });

  t.test('a picture without a face is a result, not an exception', async (t) => {
    const a = await analyzeFace(engine, encodePng(noFacePicture()));
    t.equal(a.faceCount, 0);
    t.equal(a.face, null);
    // BlazeFace fires weakly on one of the blocks; the mesh model rejects it, so it is not counted.
    t.ok(a.noFaceReason === 'no-detection' || a.noFaceReason === 'landmarks-rejected', `reason ${a.noFaceReason}`);
    t.same(a.detections, []);
    t.same(a.image, { format: 'png', width: 640, height: 480 });
    t.ok(a.timings.detect > 0 && a.timings.decode > 0, 'decode and detection were timed');
    t.equal(a.timings.embed, 0, 'nothing embedded');
  });

  t.test('several faces: all are counted and the largest is analysed', async (t) => {
    const big = decodeJpeg(faceJpeg('personA', { zoom: 1.5, width: 360, height: 360 }));
    const small = decodeJpeg(faceJpeg('personB', { zoom: 1.5, width: 180, height: 180 }));
    const a = await analyzeFace(engine, encodePng(sideBySide([small, big])));
    t.equal(a.faceCount, 2, 'two faces counted');
    const face = a.face!;
    t.ok(face, 'one analysed');
    const areas = a.detections.map((d) => d.box.width * d.box.height);
    t.equal(face.box.width * face.box.height, Math.max(...areas), 'the analysed face has the largest box');
    t.ok(face.box.x > small.width, 'and it is the right-hand (bigger) one');
    t.ok(distance(reference.get('personA')!, face.embedding!) < THRESHOLD, 'it is person A');
    t.ok(distance(reference.get('personB')!, face.embedding!) > THRESHOLD, 'not person B');

    const group = await analyzeFace(engine, demoPhotoBytes('sample1.jpg'));
    t.ok(group.faceCount >= 3, `group photo: ${group.faceCount} faces`);
    const groupAreas = group.detections.map((d) => d.box.width * d.box.height);
    t.equal(group.face!.box.width * group.face!.box.height, Math.max(...groupAreas), 'group photo: the largest face is analysed');
  });

  t.test('tightly cropped faces filling a 100-pixel frame are still found and match', async (t) => {
    for (const who of PEOPLE) {
      for (const zoom of [0.65, 0.75, 0.9]) {
        const a = await analyzeFace(engine, faceJpeg(who, { width: 100, height: 100, zoom, dy: FACE_CENTRE_DY }));
        const d = distance(reference.get(who)!, embeddingOf(a, `${who} tight ${zoom}`));
        t.ok(d < THRESHOLD, `${who}, face filling ${(1 / zoom).toFixed(1)}x the frame: found, distance ${d.toFixed(3)}${a.face!.foundOnPaddedImage ? ' (padded pass)' : ''}`);
      }
    }
    // The padded pass is what rescues the tightest crop of person A.
    const tight = await analyzeFace(engine, faceJpeg('personA', { width: 100, height: 100, zoom: 0.55 }));
    t.equal(tight.face?.foundOnPaddedImage, true, 'person A at zoom 0.55 is found on the padded pass');
    const noRetry = await analyzeFace(engine, faceJpeg('personA', { width: 100, height: 100, zoom: 0.55 }), { tightCropPadding: 0 });
    t.ok(noRetry.face === null || distance(reference.get('personA')!, noRetry.face.embedding!) > distance(reference.get('personA')!, tight.face!.embedding!),
      'without the padded pass the result is worse');
  });

  t.test('EXIF orientation is applied before detection', async (t) => {
    const upright = decodeJpeg(faceJpeg('personC', { zoom: 1.5, width: 300, height: 400 }));
    const stored = encodeJpeg(turnCounterClockwise(upright));
    const a = await analyzeFace(engine, withExifOrientation(stored, 6));
    t.same(a.image, { format: 'jpeg', width: 300, height: 400 }, 'upright size');
    t.ok(distance(reference.get('personC')!, embeddingOf(a, 'exif')) < THRESHOLD, 'the upright face matches');
    t.ok(Math.abs(a.face!.quality.roll) < 20, `roll ${a.face!.quality.roll.toFixed(1)} (upright, not sideways)`);
  });

  t.test('the analysed face carries landmarks, five points, an embedding, quality and timings', async (t) => {
    const a = await analyzeFace(engine, faceJpeg('personB', { zoom: 1.5 }));
    const face = a.face!;
    t.type(face.landmarks468, Float32Array);
    t.equal(face.landmarks468.length, 468 * 3);
    t.type(face.embedding, Float32Array);
    t.equal(face.embedding!.length, 128);
    t.ok(face.detectionScore >= 0.5 && face.detectionScore <= 1, 'detection score');
    t.ok(face.landmarkScore >= 0.5 && face.landmarkScore <= 1, 'landmark score');
    const p = face.fivePoints;
    t.ok(p.rightEye[0] < p.leftEye[0], "subject's right eye is on the image left");
    t.ok(p.noseTip[1] > p.rightEye[1] && p.mouthRight[1] > p.noseTip[1], 'eyes above nose above mouth');
    const inBox = ([x, y]: [number, number]) => x >= face.box.x && x <= face.box.x + face.box.width && y >= face.box.y && y <= face.box.y + face.box.height;
    t.ok(Object.values(p).every(inBox), 'five points inside the detection box');
    const q = face.quality;
    t.ok(q.faceSizePx > 100 && q.interocularPx > 30, `size ${q.faceSizePx.toFixed(0)} px, interocular ${q.interocularPx.toFixed(0)} px`);
    t.ok(q.brightness > 0.1 && q.brightness < 0.95, 'brightness in range');
    t.ok(q.sharpness > 20, `sharpness ${q.sharpness.toFixed(0)}`);
    t.ok(q.eyesOpen && q.leftEyeOpenness > 0.18 && q.rightEyeOpenness > 0.18, 'eyes open');
    for (const k of ['yaw', 'pitch', 'roll'] as const) t.ok(Number.isFinite(q[k]) && Math.abs(q[k]) < 60, `${k} ${q[k].toFixed(1)}`);
    for (const stage of ['decode', 'detect', 'landmarks', 'align', 'embed', 'quality', 'native', 'total'] as const) {
      t.ok(a.timings[stage] > 0, `timing ${stage} ${a.timings[stage].toFixed(2)} ms`);
    }
    t.ok(a.timings.native <= a.timings.total, 'native time within wall time');

    const noEmbedding = await analyzeFace(engine, faceJpeg('personB', { zoom: 1.5 }), { embedding: false });
    t.equal(noEmbedding.face!.embedding, null, 'embedding: false skips the embedder');
    t.equal(noEmbedding.timings.embed < 0.5, true, 'and its time');
  });

  t.test('quality measures respond to blur, darkness, roll and mirroring', async (t) => {
    const base = decodeJpeg(faceJpeg('personA', { zoom: 1.4 }));
    const measured = async (bytes: Buffer) => (await analyzeFace(engine, bytes)).face!.quality;
    const sharp = await measured(encodeJpeg(base, 95));
    // The same face from an 80-pixel crop blown up to 400: soft, without the fine detail.
    const blurred = await measured(encodeJpeg(resize(decodeJpeg(faceJpeg('personA', { zoom: 1.4, width: 80, height: 80 })), 400, 400), 95));
    t.ok(blurred.sharpness < sharp.sharpness / 2, `blur: sharpness ${blurred.sharpness.toFixed(0)} < ${sharp.sharpness.toFixed(0)} / 2`);
    const dark = await measured(encodeJpeg(scaleBrightness(base, 0.35), 95));
    t.ok(dark.brightness < sharp.brightness * 0.5, `darkened: brightness ${dark.brightness.toFixed(2)} < ${sharp.brightness.toFixed(2)} / 2`);
    const turned = await measured(encodeJpeg(rotate(base, 20), 95));
    t.ok(Math.abs(Math.abs(turned.roll - sharp.roll) - 20) < 6, `turned 20 degrees: roll ${sharp.roll.toFixed(1)} -> ${turned.roll.toFixed(1)}`);
    const mirrored = await measured(encodeJpeg(mirror(base), 95));
    t.ok(Math.sign(mirrored.yaw) !== Math.sign(sharp.yaw) || Math.abs(sharp.yaw) < 3, `mirrored: yaw ${sharp.yaw.toFixed(1)} -> ${mirrored.yaw.toFixed(1)}`);
    t.ok(Math.abs(mirrored.yaw + sharp.yaw) < 8, 'mirrored yaw is about the negative');
  });

  t.test('runs on the libuv pool: the event loop keeps turning during analyses', async (t) => {
    let ticks = 0;
    let running = true;
    const spin = () => {
      ticks++;
      if (running) setImmediate(spin);
    };
    setImmediate(spin);
    await Promise.all([1, 2, 3, 4].map((i) => analyzeFace(engine, demoPhotoBytes(`sample${i}.jpg`))));
    running = false;
    t.ok(ticks > 20, `${ticks} event-loop turns while four photos were analysed`);
  });

  t.test('concurrent analyses on separate pipelines give identical results', async (t) => {
    const bytes = faceJpeg('personC', { zoom: 1.5 });
    const sequential = embeddingOf(await analyzeFace(engine, bytes), 'sequential');
    const parallel = await Promise.all(Array.from({ length: 6 }, () => analyzeFace(engine, bytes)));
    for (const [i, a] of parallel.entries()) {
      const e = embeddingOf(a, `parallel ${i}`);
      t.ok(e.every((v, k) => Math.abs(v - sequential[k]) < 1e-5), `parallel run ${i} equals the sequential one`);
    }
    t.same(engine.runtime().active, 0, 'all pipelines returned');
  });

  t.test('the second mesh pass runs only when the first crop was off by landmarks.refineMinChange', async (t) => {
    const never = await loadEngine({ landmarks: { refineMinChange: 10 } });
    const always = await loadEngine({ landmarks: { refineMinChange: 0 } });
    t.teardown(() => {
      never.close();
      always.close();
    });
    const meanShift = (a: Float32Array, b: Float32Array) => {
      let sum = 0;
      for (let i = 0; i < 468; i++) sum += Math.hypot(a[3 * i]! - b[3 * i]!, a[3 * i + 1]! - b[3 * i + 1]!);
      return sum / 468;
    };
    for (const who of PEOPLE) {
      const bytes = faceJpeg(who, { zoom: 1.5 });
      const unrefined = (await analyzeFace(engine, bytes, { refineLandmarks: false })).face!;
      const aboveAnyChange = (await analyzeFace(never, bytes)).face!;
      t.equal(meanShift(aboveAnyChange.landmarks468, unrefined.landmarks468), 0, `${who}: a change limit no crop reaches means one pass`);
      const everyFace = (await analyzeFace(always, bytes)).face!;
      const byDefault = (await analyzeFace(engine, bytes)).face!;
      const shift = meanShift(everyFace.landmarks468, byDefault.landmarks468);
      t.ok(shift < 0.03 * byDefault.quality.faceSizePx, `${who}: default mesh within ${shift.toFixed(1)} px of always refining`);
      t.ok(distance(byDefault.embedding!, reference.get(who)!) < THRESHOLD, `${who}: still matches the reference`);
    }
  });

  t.test('bad images reject with typed errors through analyzeFace too', async (t) => {
    const cut = demoPhotoBytes('sample3.jpg');
    await t.rejects(analyzeFace(engine, cut.subarray(0, 10_000)), { name: 'FaceEngineError', code: 'ERR_IMAGE_INVALID', reason: 'ERR_IMAGE_TRUNCATED', status: 400 });
    await t.rejects(analyzeFace(engine, Buffer.alloc(0)), { code: 'ERR_IMAGE_INVALID', reason: 'ERR_IMAGE_EMPTY' });
    await t.rejects(analyzeFace(engine, Buffer.from('%PDF-1.4\n')), { code: 'ERR_UNSUPPORTED_MEDIA_TYPE', reason: 'ERR_IMAGE_UNSUPPORTED', status: 415 });
    await t.rejects(analyzeFace(engine, encodePng(noFacePicture(100, 100)), { maxPixels: 9999 }), { code: 'ERR_IMAGE_TOO_LARGE', status: 413 });
    const e = await analyzeFace(engine, Buffer.from('GIF89a')).catch((err: unknown) => err);
    t.type(e, FaceEngineError);
    t.match((e as Error).stack, /analyze-face\.test\.ts/, "the error's stack names the caller");
    t.same(engine.runtime().active, 0, 'a failed analysis returns its pipeline');
  });

  t.test('options are checked', async (t) => {
    const bytes = encodePng(noFacePicture(64, 64));
    await t.rejects(analyzeFace(engine, bytes, { minScore: 0.5 } as never), { code: 'ERR_BAD_REQUEST', message: 'analyzeFace: unknown option "minScore"' });
    await t.rejects(analyzeFace(engine, bytes, { maxFaces: 0 }), { code: 'ERR_BAD_REQUEST', message: 'analyzeFace: options.maxFaces must be an integer in 1..100, got 0' });
    await t.rejects(analyzeFace(engine, bytes, { refineLandmarks: 'yes' as never }), { code: 'ERR_BAD_REQUEST', message: 'analyzeFace: options.refineLandmarks must be true or false, got yes' });
    await t.rejects(analyzeFace(engine, bytes, { maxPixels: 1e12 }), { code: 'ERR_BAD_REQUEST', message: /options\.maxPixels must be an integer in 1\.\.40000000/ });
    await t.rejects(analyzeFace(engine, 'not a buffer' as never), { code: 'ERR_BAD_REQUEST', message: 'analyzeFace: image must be a Buffer' });
  });
}
