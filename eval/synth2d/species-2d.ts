// The species of the 2D (webcam) synthetic suite, as written in sequences.csv. `replay-video` is a
// replayed recording of a real head turn: it shows true 3D motion, so geometry is expected to pass it;
// the randomised step order bound to the session nonce and the injection signals are what stop it.
export const SYNTH_2D_SPECIES = [
  'bona-fide',
  'print-still',
  'print-moved',
  'print-tilted',
  'print-bent',
  'screen-still',
  'warp-2d',
  'replay-video',
] as const;

export type Synth2dSpecies = (typeof SYNTH_2D_SPECIES)[number];

export function isSynth2dSpecies(s: string): s is Synth2dSpecies {
  return (SYNTH_2D_SPECIES as readonly string[]).includes(s);
}
