// What the face evaluation and benchmark need from a face pipeline, so proofgate and the face-api peer run
// through the same harness.

/** Per-stage wall time in milliseconds, keyed by stage name (decode, detect, landmarks, align, embed). */
export type StageTimings = Record<string, number>;

export interface FaceProbe {
  /** Faces the detector found. */
  readonly faceCount: number;
  /** Template of the face the system would enrol (its best face); null when it found none usable. */
  readonly template: Float32Array | null;
  readonly timings: StageTimings;
}

export interface FaceSystem {
  /** Short name for tables and JSON keys. */
  readonly name: string;
  /** One line: models, backend, versions. */
  readonly description: string;
  /** Stage names in pipeline order, as they appear in `timings`. */
  readonly stages: readonly string[];
  /** The threshold the system uses out of the box, or null when it has none. */
  readonly defaultThreshold: number | null;
  /** Analyses one encoded image (JPEG or PNG bytes). */
  analyze(image: Buffer): Promise<FaceProbe>;
  /** Distance between two templates; smaller is more alike. */
  distance(a: Float32Array, b: Float32Array): number;
  close(): Promise<void>;
}
