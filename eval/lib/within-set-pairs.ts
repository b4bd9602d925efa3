// Every comparison a labelled face folder offers: all pairs of identity-labelled images within the same
// source_set (mated when the identities agree, non-mated otherwise). Pairs across sets are left out: the
// sets differ in capture (150-px grey crops vs. photos), so a cross-set impostor is easy and would flatter
// the FMR. Group and unlabelled images (empty identity) take part in no pair.
import type { ComparisonPair, LabelledImage } from './faces-dataset.js';

export interface LabelledPair extends ComparisonPair {
  readonly sourceSet: string;
  readonly identityA: string;
  readonly identityB: string;
}

export function withinSetPairs(images: readonly LabelledImage[]): LabelledPair[] {
  const labelled = images.filter((image) => image.identity !== '');
  const pairs: LabelledPair[] = [];
  for (let i = 0; i < labelled.length; i++) {
    for (let j = i + 1; j < labelled.length; j++) {
      const a = labelled[i];
      const b = labelled[j];
      if (a.sourceSet !== b.sourceSet) continue;
      pairs.push({ pathA: a.path, pathB: b.path, same: a.identity === b.identity, sourceSet: a.sourceSet, identityA: a.identity, identityB: b.identity });
    }
  }
  return pairs;
}
