// A portrait that faces the camera. The demo photos' faces sit up to ~25° off frontal; a head modelled
// from such a photo rests that far off, so every live head would start its challenge half-turned and every
// print, screen and warp would show a half-turned face, neither of which is what the product meets (a
// person facing their laptop; an attacker holding up the victim's frontal photo). The head model undoes the
// photo's yaw (head-model.ts, frontalise); this renders that head at yaw 0, nearly orthographically, over
// the original photo (which shows only past the model's outer ring), so all species share one frontal photo.
// The photo's roll and framing are kept.
import { buildHeadModel } from './head-model.js';
import { posedHeadMesh } from './live-head-scene.js';
import type { RgbImage } from '../lib/rgb-image.js';
import { TexturedRaster } from './textured-raster.js';
import type { Portrait } from './portrait-subjects.js';

/** Far enough that the head's depth changes the scale by under 3%: close to the orthographic photo model. */
const DISTANCE_MM = 5000;

export function renderFrontalPortrait(portrait: Portrait): RgbImage {
  const head = buildHeadModel(portrait);
  const { width, height } = portrait.texture;
  // The head frame maps onto the photo as the fit found it (origin, scale, roll), so the model's outer ring,
  // which keeps the photo's outline, meets the photo around it.
  const f = head.pixelsPerMm * DISTANCE_MM;
  const raster = new TexturedRaster(width, height, { fx: f, fy: f, cx: head.photoOrigin[0], cy: head.photoOrigin[1] });
  raster.fillFrom(portrait.texture);
  const roll = (head.photoRollDeg * Math.PI) / 180;
  const [px, py] = head.pivot;
  // posedHeadMesh turns about the pivot; this offset makes it a turn about the head frame's origin.
  const offsetMm = [Math.cos(roll) * px - Math.sin(roll) * py - px, Math.sin(roll) * px + Math.cos(roll) * py - py] as const;
  const still = { yawDeg: 0, pitchDeg: 0, rollDeg: head.photoRollDeg, eyeClosure: 0, offsetMm: [0, 0, 0] as const };
  raster.draw(posedHeadMesh(portrait, head, still, { distanceMm: DISTANCE_MM, offsetMm }));
  return raster.image();
}
