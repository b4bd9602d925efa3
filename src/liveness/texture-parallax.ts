// 3D consistency from motion, measured on the image texture. The landmark measure
// (motion-consistency.ts) reads the nose tip where the landmark network puts it, and that network
// places a nose as a turning head's would whatever the scene (its shape prior): a print bent into a
// cylinder or a 2D warp that fakes a turn then shows "parallax". The pixels do not lie that way: every
// view of a flat or smoothly bent picture, and a smooth 2D warp, moves the texture around the nose by
// (nearly) one homography, while a real head's nose-tip texture moves differently from its ring's.
//
// The measure: seed small grids of points at the ring's and the nose's landmarks in the reference frame
// (the most frontal), track them through the frames as uploaded (pyramidal Lucas-Kanade, native,
// chained frame to frame outward from the reference, forward-backward checked), fit the homography that
// maps the tracked ring from the reference to each frame (least squares, refitted without its worst
// fifth), and take the median miss of the nose's tracked points over the outer-eye-corner distance.
// The sequence's value is the peakFrames-th largest miss over the frames that count: frames where the
// head has turned (minFramePoseDeg from the reference) and whose miss a head can give (≤ maxParallax).
// A head that turns also hides part of itself (the nose covers the far side's nose wing, cheek and eye
// corner), so the tracker loses those seeds there; a picture moved, bent or warped in 2D keeps every point in
// view. The motion must show that too: the share of seeds lost in the counted frame that lost most must
// reach minOccludedFraction (a 2D warp that fakes a turn can give the nose a head's parallax, not this).
// Why not a statistic over every frame: at the page's ~5 frames/s a turn's peak holds two or three
// frames, past ~30° the far side of the face leaves the view and the tracker loses the nose there, so a
// live head often has two good peak frames and a dozen near-frontal ones whose parallax is rightly ~0.
import type { MotionSettings, MotionTrackingSettings } from '../config/sections/liveness.js';
import { ProofgateError } from '../core/errors.js';
import { landmarkX, landmarkY, NOSE_TIP, type LandmarkView } from './facemesh-points.js';
import { applyHomography, fitHomography, type Homography, type Point2 } from './homography.js';
import { measureMotionConsistency, motionReference, PARALLAX_RING, type MotionConsistencyReport } from './motion-consistency.js';
import { trackTexture as nativeTrackTexture, type TrackTexture, type TextureTracks } from './native-texture-tracking.js';

/**
 * Where the nose's texture is tracked: the tip (1), the ridge just above it (4, 5) and the sides of the
 * tip (44, 274, 45, 275), all within ~4 mm of the tip's depth on the canonical mesh. The tip alone has
 * little texture; its sides carry the shading edges the tracker locks on.
 */
export const TRACKED_NOSE = [NOSE_TIP, 4, 5, 44, 274, 45, 275] as const;

/** Fewest ring points a homography is fitted to (it has 8 unknowns). */
const MIN_RING_POINTS = 8;
/** Share of the ring's points kept for the refit (the rest: the worst residuals of the first fit). */
const REFIT_KEEP = 0.8;
/** Largest LK window the configuration allows (liveness.motion.tracking.windowPx's bound). */
const MAX_WINDOW_PX = 61;

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** A seedGrid x seedGrid grid of points `spacing` px apart, centred on each landmark. */
export function seedGrid(view: LandmarkView, landmarks: readonly number[], grid: number, spacing: number): Point2[] {
  const out: Point2[] = [];
  const half = (grid - 1) / 2;
  for (const i of landmarks) {
    for (let gy = 0; gy < grid; gy++) {
      for (let gx = 0; gx < grid; gx++) out.push({ x: landmarkX(view, i) + (gx - half) * spacing, y: landmarkY(view, i) + (gy - half) * spacing });
    }
  }
  return out;
}

/** Evenly spaced indices, at most `max` of `n` (all when n ≤ max), the first and last included. */
export function evenSubsample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)));
}

function trackedPoint(t: TextureTracks, frame: number, point: number): Point2 | null {
  const at = frame * t.points + point;
  if (t.tracked[at] !== 1) return null;
  return { x: t.xy[at * 2], y: t.xy[at * 2 + 1] };
}

function fitRing(from: Point2[], to: Point2[]): Homography | null {
  const first = fitHomography(from, to);
  if (!first) return null;
  const residual = from.map((p, k) => {
    const q = applyHomography(first, p);
    return q ? Math.hypot(q.x - to[k].x, q.y - to[k].y) : Number.POSITIVE_INFINITY;
  });
  const order = residual.map((r, k) => [r, k] as const).sort((a, b) => a[0] - b[0]);
  const keep = order.slice(0, Math.max(MIN_RING_POINTS, Math.ceil(order.length * REFIT_KEEP))).map(([, k]) => k);
  return fitHomography(keep.map((k) => from[k]), keep.map((k) => to[k])) ?? first;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

interface FrameParallax { parallaxPx: number | null; ringTracked: number; noseTracked: number }

/** The tracked nose's miss against the tracked ring's homography in one frame, px (null when too little was tracked). */
function frameParallax(t: TextureTracks, ref: number, frame: number, ringSeeds: number, noseSeeds: number, minFraction: number): FrameParallax {
  const from: Point2[] = [], to: Point2[] = [];
  for (let p = 0; p < ringSeeds; p++) {
    const a = trackedPoint(t, ref, p), b = trackedPoint(t, frame, p);
    if (a && b) { from.push(a); to.push(b); }
  }
  let noseTracked = 0;
  for (let p = ringSeeds; p < ringSeeds + noseSeeds; p++) if (trackedPoint(t, frame, p)) noseTracked++;
  const none = { parallaxPx: null, ringTracked: from.length, noseTracked };
  if (from.length < Math.max(MIN_RING_POINTS, minFraction * ringSeeds)) return none;
  const h = fitRing(from, to);
  if (!h) return none;
  const misses: number[] = [];
  for (let p = ringSeeds; p < ringSeeds + noseSeeds; p++) {
    const a = trackedPoint(t, ref, p), b = trackedPoint(t, frame, p);
    if (!a || !b) continue;
    const predicted = applyHomography(h, a);
    if (predicted) misses.push(Math.hypot(b.x - predicted.x, b.y - predicted.y));
  }
  if (misses.length < Math.max(1, minFraction * noseSeeds)) return none;
  const px = median(misses);
  return { ...none, parallaxPx: Number.isFinite(px) ? px : null };
}

/** One tracked frame of a sequence, for the report and for diagnosis (eval/remote-liveness-traces.ts). */
export interface TrackedFrame {
  /** Index into the frames as given. */
  frame: number;
  /** Yaw or pitch change from the reference frame (the larger), degrees, from the landmarks. */
  poseChangeDeg: number;
  /** Ring and nose seeds still tracked in this frame (of ringSeeds, noseSeeds). */
  ringTracked: number;
  noseTracked: number;
  /** The nose's miss over the outer-eye-corner distance; null when too little was tracked. */
  parallax: number | null;
}

/**
 * The sequence's value from its tracked frames: the peakFrames-th largest parallax among the frames that
 * count (pose change ≥ minFramePoseDeg, parallax ≤ maxParallax); null when fewer frames count.
 */
export function peakParallax(frames: readonly TrackedFrame[], s: Pick<MotionTrackingSettings, 'minFramePoseDeg' | 'peakFrames' | 'maxParallax'>): number | null {
  const counted = frames.flatMap((f) => (f.parallax !== null && f.poseChangeDeg >= s.minFramePoseDeg && f.parallax <= s.maxParallax ? [f.parallax] : []));
  if (counted.length < s.peakFrames) return null;
  return counted.sort((a, b) => b - a)[s.peakFrames - 1];
}

/** The LK window for a face of this size: windowFraction of the eye-corner distance, odd, at least windowPx. */
export function trackingWindowPx(s: MotionTrackingSettings, scale: number): number {
  const scaled = Math.round(s.windowFraction * scale);
  const odd = scaled % 2 ? scaled : scaled + 1;
  return Math.min(MAX_WINDOW_PX, Math.max(s.windowPx, odd));
}

/**
 * The motion-parallax report judged on the tracked texture. `frames` are the challenge frames' bytes
 * as uploaded, `views` their validated landmarks (same order, same length). The landmark measure's value
 * is reported beside it (landmarkValue). Fails closed: too little motion, or texture that could not be
 * tracked, is a failure with its reason.
 */
export async function measureTextureParallax(
  frames: readonly Buffer[], views: readonly LandmarkView[], settings: MotionSettings, track: TrackTexture = nativeTrackTexture,
  landmarkReport?: MotionConsistencyReport, inspect?: (frames: TrackedFrame[]) => void,
): Promise<MotionConsistencyReport> {
  if (frames.length !== views.length) throw new ProofgateError('ERR_INTERNAL', `texture parallax: ${frames.length} frames but ${views.length} landmark sets`, { status: 500 });
  const s = settings.tracking;
  // The landmark measure, reported beside the judged one: verifyChallenge's when the caller has it.
  const landmarks = landmarkReport ?? measureMotionConsistency(views, settings);
  const base = { name: 'motion-parallax' as const, threshold: s.minParallax, method: 'texture' as const, landmarkValue: landmarks.value };
  if (views.length < 2) return { ...base, value: null, motion: 0, outcome: 'not-computed', reason: 'a single frame shows no motion', perFrame: [] };
  const picked = evenSubsample(views.length, s.maxFrames);
  const pickedViews = picked.map((i) => views[i]);
  const { ref, scale, motion, poseChangeDeg } = motionReference(pickedViews);
  if (!(scale > 1)) return { ...base, value: null, motion: 0, outcome: 'not-computed', reason: 'the face in the reference frame has no measurable size', perFrame: [] };
  const spacing = s.seedSpacing * scale;
  const ringSeeds = seedGrid(pickedViews[ref], PARALLAX_RING, s.seedGrid, spacing);
  const noseSeeds = seedGrid(pickedViews[ref], TRACKED_NOSE, s.seedGrid, spacing);
  const trackSettings = {
    ...s, windowPx: trackingWindowPx(s, scale), maxForwardBackwardPx: Math.max(s.maxForwardBackwardPx, s.forwardBackwardFraction * scale),
  };
  const tracks = await track(picked.map((i) => frames[i]), ref, [...ringSeeds, ...noseSeeds], trackSettings);
  const trackedFrames: TrackedFrame[] = [];
  for (let f = 0; f < picked.length; f++) {
    if (f === ref) continue;
    const r = frameParallax(tracks, ref, f, ringSeeds.length, noseSeeds.length, s.minTrackedFraction);
    trackedFrames.push({ frame: picked[f], poseChangeDeg: round4(poseChangeDeg[f]), ringTracked: r.ringTracked, noseTracked: r.noseTracked, parallax: r.parallaxPx === null ? null : round4(r.parallaxPx / scale) });
  }
  inspect?.(trackedFrames);
  const perFrame = trackedFrames.flatMap((f) => (f.parallax === null ? [] : [f.parallax]));
  const peak = peakParallax(trackedFrames, s);
  const occluded = occludedFraction(trackedFrames, ringSeeds.length + noseSeeds.length, s.minFramePoseDeg);
  const occlusion = { value: occluded === null ? null : round4(occluded), threshold: s.minOccludedFraction };
  if (peak === null) {
    const reason = motion < settings.minMotionDeg
      ? `the head moved ${motion} deg, less than the ${settings.minMotionDeg} deg needed to see depth`
      : `the texture around the nose could not be tracked through the turn (fewer than ${s.peakFrames} frames turned ${s.minFramePoseDeg} deg or more with a tracked nose)`;
    return { ...base, value: null, motion, outcome: 'fail', reason, perFrame, occlusion };
  }
  const value = round4(peak);
  if (motion < settings.minMotionDeg) {
    return { ...base, value, motion, outcome: 'fail', reason: `the head moved ${motion} deg, less than the ${settings.minMotionDeg} deg needed to see depth`, perFrame, occlusion };
  }
  if (value < s.minParallax) {
    return { ...base, value, motion, outcome: 'fail', reason: `the image texture moved like a flat picture (tracked parallax ${value} < ${s.minParallax})`, perFrame, occlusion };
  }
  if (s.minOccludedFraction > 0 && (occlusion.value === null || occlusion.value < s.minOccludedFraction)) {
    return {
      ...base, value, motion, outcome: 'fail', perFrame, occlusion,
      reason: `nothing on the face went out of view as it turned (at most ${occlusion.value} of the tracked points lost < ${s.minOccludedFraction}): a picture moved, bent or warped in 2D`,
    };
  }
  return { ...base, value, motion, outcome: 'pass', reason: null, perFrame, occlusion };
}

/**
 * Self-occlusion: the largest share of the seeds not tracked in a frame that counts (turned minFramePoseDeg
 * or more from the reference); null when none counts. A frame where the tracker lost the ring altogether
 * (too few left for a homography) counts too: that is the most a turn can hide.
 */
export function occludedFraction(frames: readonly TrackedFrame[], seeds: number, minFramePoseDeg: number): number | null {
  const counted = frames.filter((f) => f.poseChangeDeg >= minFramePoseDeg);
  if (counted.length === 0 || seeds <= 0) return null;
  return Math.max(...counted.map((f) => 1 - (f.ringTracked + f.noseTracked) / seeds));
}
