// What the Chromium tests of the returning-user page (laptop, phone hand-off, help-desk request) share: the
// liveness settings they run with and the fake camera's clip for a session's challenge.
//
// The Chromium tests run with the shipped liveness settings: the challenge draws two of the three head
// motions (blink is not a default kind: a rendered blink does not read as closed eyes to the face engine's
// mesh, docs/remote-liveness.md "The blink step"), and the motion check runs at its shipped bound with the
// self-occlusion requirement: live rounds on a loaded 2-core machine scored 0.068-0.097 with 33-54% of the
// tracked points out of view at the turn; a moved print is refused whatever the bound (it cannot make the
// head motion), the 2D warp by both.
// BROWSER_LIVENESS names the kinds anyway, so a change of the default cannot silently draw a blink here.
import { writeFileSync } from 'node:fs';
import { fakeCameraClip, type FakeCameraClipRequest } from '../../eval/synth2d/fake-camera-clip.js';
import type { Portrait } from '../../eval/synth2d/portrait-subjects.js';

export const BROWSER_LIVENESS = { challenge: { kinds: ['turn-left', 'turn-right', 'look-up'], steps: 2 } };

// The clip starts when the page opens the camera. The page takes the selfie once the picture has held
// steady for ~600 ms (sampled every 100 ms, after the video starts playing) and films the steps right
// after, stepMs each: the head must face the camera at least that long before the first step, and the
// still tail covers a late auto-capture (the fake camera loops the file; the loop starts facing too).
export const CLIP_LEAD_IN_MS = 1200;
export const CLIP_TAIL_MS = 1500;

/**
 * The live person's clip. Its seed draws the room's light too: this one is lit well above
 * verification.quality's exposure floor (a seed drawn darker, 0.146 against the floor 0.15, left the page
 * without a usable selfie, which a loaded machine's late selfie had been wrongly blamed for).
 */
export const BONA_FIDE_CLIP_SEED = 'remote-e2e-bona-fide';

/**
 * The 2D warp's brightness gain. The warp fills the frame with the portrait alone (no room around it), and
 * s02's photo is dim: at gain 1 the page read it as too dark (below its 0.12 brightness floor) for
 * seconds, so the selfie came 7 s after the camera opened, mid-loop, and the filming missed the first step.
 * An attacker injecting the feed brightens it: at 1.8 the page takes the selfie in the lead-in, as for
 * the live clip, and the steps are filmed from their start.
 */
export const WARP_FEED_GAIN = 1.8;

/** Writes the clip of `species` performing the session's steps to the file Chromium's fake camera plays. */
export function writeChallengeClip(file: string, o: { species: FakeCameraClipRequest['species']; portrait: Portrait; steps: readonly string[]; stepMs: number; seed?: string }): void {
  writeFileSync(file, fakeCameraClip({
    species: o.species, portrait: o.portrait, steps: o.steps as FakeCameraClipRequest['steps'],
    seed: o.seed ?? (o.species === 'bona-fide' ? BONA_FIDE_CLIP_SEED : `remote-e2e-${o.species}`),
    leadInMs: CLIP_LEAD_IN_MS, stepMs: o.stepMs, tailMs: CLIP_TAIL_MS,
    gain: o.species === 'warp-2d' ? WARP_FEED_GAIN : 1,
  }));
}
