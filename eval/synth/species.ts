// Presentation-attack instrument species the generator builds, plus bona fide. The names are the
// species labels in ISO/IEC 30107-3 figures.
export const ATTACK_SPECIES = [
  'print-flat',
  'print-tilted',
  'print-curved',
  'print-eye-holes',
  'replay-phone',
  'replay-tablet',
  'replay-monitor',
  'mask-rigid-3d',
] as const;

export type AttackSpecies = (typeof ATTACK_SPECIES)[number];
export type CaptureLabel = 'bona-fide' | AttackSpecies;

/** Species whose surface is 2D (planar or bent sheet): depth geometry alone must reject them. */
export const FLAT_ATTACK_SPECIES: readonly AttackSpecies[] = ATTACK_SPECIES.filter((s) => s !== 'mask-rigid-3d');

export function isCaptureLabel(s: string): s is CaptureLabel {
  return s === 'bona-fide' || (ATTACK_SPECIES as readonly string[]).includes(s);
}
