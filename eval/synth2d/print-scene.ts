// Printed-photo attacks: the subject's portrait printed (print-look) on a sheet held in front of the
// webcam. The attacker follows the same instructions the live subject gets, with what a sheet allows:
// held still (tremor only); moved (slid sideways or up, rolled, brought nearer: scale); tilted (turned
// about its vertical or horizontal axis, so perspective squeezes one side); bent round a cylinder of
// 60-150 mm radius and turned.
import type { RigidPose } from '../synth/scene-raster.js';
import { stepAt, stepEnvelope } from './head-motion.js';
import { printTexture, randomPrintLook } from './media-textures.js';
import type { Scene, SceneContext } from './scene-types.js';
import { sheetMesh } from './sheet-mesh.js';

export type PrintMotion = 'still' | 'moved' | 'tilted' | 'bent';

export function printScene(ctx: SceneContext, motion: PrintMotion): Scene {
  const { rng, portrait, head, script } = ctx;
  const look = randomPrintLook(rng);
  const { texture, marginPx } = printTexture(portrait.texture, look);
  let ax = 0, ay = 0;
  for (let i = 0; i < 468; i++) {
    ax += portrait.landmarks[i * 2];
    ay += portrait.landmarks[i * 2 + 1];
  }
  const anchor = [ax / 468 + marginPx, ay / 468 + marginPx] as const;
  const lifeScale = rng.uniform(0.75, 1.05);
  const distanceMm = rng.uniform(380, 600);
  const base = { x: rng.uniform(-40, 40), y: rng.uniform(-10, 40), yaw: rng.uniform(-8, 8), pitch: rng.uniform(-8, 8), roll: rng.uniform(-5, 5) };
  const tremorMm = rng.uniform(0.5, 2);
  const tremorDeg = rng.uniform(0.2, 0.8);
  const phases = Array.from({ length: 6 }, () => rng.uniform(0, 2 * Math.PI));
  const slideMm = rng.uniform(50, 90);
  const rollDeg = rng.uniform(5, 15);
  const nearerMm = rng.uniform(40, 110);
  const tiltDeg = rng.uniform(20, 40);
  const bendRadiusMm = motion === 'bent' ? rng.uniform(60, 150) * (rng.chance(0.8) ? 1 : -1) : 0;
  const params: Record<string, number | string> = { distanceMm: Math.round(distanceMm), lifeScale: round2(lifeScale) };
  if (motion === 'moved') Object.assign(params, { slideMm: Math.round(slideMm), rollDeg: round2(rollDeg), nearerMm: Math.round(nearerMm) });
  if (motion === 'tilted' || motion === 'bent') params.tiltDeg = round2(tiltDeg);
  if (motion === 'bent') params.bendRadiusMm = Math.round(bendRadiusMm);

  const poseAtTime = (tMs: number): RigidPose => {
    const s = tMs / 1000;
    const wob = (i: number, hz: number) => Math.sin(2 * Math.PI * hz * s + phases[i]);
    const p = {
      x: base.x + tremorMm * wob(0, 1.3), y: base.y + tremorMm * wob(1, 1.7), z: distanceMm + tremorMm * wob(2, 0.9),
      yaw: base.yaw + tremorDeg * wob(3, 1.1), pitch: base.pitch + tremorDeg * wob(4, 0.8), roll: base.roll + tremorDeg * wob(5, 1.5),
    };
    const at = stepAt(script, tMs);
    if (at && motion !== 'still') {
      const e = stepEnvelope(at.fraction);
      const side = at.step === 'turn-left' ? 1 : at.step === 'turn-right' ? -1 : 0;
      if (motion === 'moved') {
        // A turn to the subject's left moves their face toward the image's right.
        p.x += side * slideMm * e;
        p.roll += side * rollDeg * e;
        if (at.step === 'look-up') { p.y -= 0.6 * slideMm * e; p.z -= nearerMm * e; }
        if (at.step === 'blink') p.z += 0.5 * nearerMm * e;
      } else {
        // Turned like a head would turn: the same yaw sign convention as the live head.
        p.yaw -= side * tiltDeg * e;
        if (at.step === 'look-up') p.pitch -= 0.7 * tiltDeg * e;
        if (at.step === 'blink') p.yaw += 0.2 * tiltDeg * Math.sin(2 * Math.PI * at.fraction);
      }
    }
    return { yawDeg: p.yaw, pitchDeg: p.pitch, rollDeg: p.roll, translation: [p.x, p.y, p.z] };
  };
  return {
    params,
    draw: (raster, tMs) => raster.draw(sheetMesh({
      texture, pixelsPerMm: head.pixelsPerMm / lifeScale, anchor, bendRadiusMm,
      pose: poseAtTime(tMs), cells: motion === 'bent' ? [32, 4] : [8, 8],
    })),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
