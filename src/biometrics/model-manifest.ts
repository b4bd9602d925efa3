// Reads models/manifest.json (written by `npm run build:models`, see tools/models/model-catalog.ts) and
// turns its entries into the default detector and landmarker slots and the built-in embedders
// (biometrics.embedder names one of them). Only the facts
// the pipeline needs are read, and each is checked, so a stale or hand-edited manifest fails start-up
// with the field it lacks instead of producing wrong faces.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { DetectorSlotConfig, EmbedderSlotConfig, LandmarkerSlotConfig, ModelInputConfig } from '../config/sections/biometrics.js';
import { ProofgateError } from '../core/errors.js';

const MANIFEST_FORMAT = 'proofgate-models/1';
/** BlazeFace keypoints in the manifest's order (decoder.keypoints): kp0 subject's right eye, kp1 left eye. */
const BLAZEFACE_RIGHT_EYE = 0;
const BLAZEFACE_LEFT_EYE = 1;
/** MediaPipe's landmark crop: 1.5x the face, for both the detection-based and the mesh-based crop. */
const FACE_MESH_CROP_SCALE = 1.5;

/** The embedders build:models produces, by the name biometrics.embedder uses, and their manifest keys. */
export const BUILT_IN_EMBEDDERS = { 'dlib-resnet': 'face_recognition', mobilefacenet: 'mobilefacenet' } as const;
export type BuiltInEmbedder = keyof typeof BUILT_IN_EMBEDDERS;

/**
 * The id a built-in embedder's templates carry: its name and the first 12 hex digits of the ONNX file's
 * sha256, so a rebuilt or changed model file never compares with templates of the old one. (dlib's
 * prefix "dlib-resnet29" is the one profiles were stored with before there was a second embedder.)
 */
export function builtInEmbedderId(name: BuiltInEmbedder, sha256: string): string {
  return `${name === 'dlib-resnet' ? 'dlib-resnet29' : name}-${sha256.slice(0, 12)}`;
}

export interface ManifestEmbedder {
  slot: EmbedderSlotConfig;
  sha256: string;
  id: string;
}

export interface ManifestSlots {
  detector: DetectorSlotConfig;
  landmarker: LandmarkerSlotConfig;
  /** Built-in embedders present in the manifest (a manifest written before MobileFaceNet lacks it). */
  embedders: Partial<Record<BuiltInEmbedder, ManifestEmbedder>>;
  /** sha256 of each model file as the manifest records it, for runtime() and the audit. */
  sha256: { detector: string; landmarker: string };
}

function fail(file: string, what: string): never {
  throw new ProofgateError('ERR_MODEL', `model manifest ${file}: ${what} (rebuild it with "npm run build:models")`);
}

type Json = Record<string, unknown>;

function object(file: string, v: unknown, where: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(file, `${where} is not an object`);
  return v as Json;
}

function string(file: string, v: unknown, where: string): string {
  if (typeof v !== 'string' || v === '') fail(file, `${where} is not a non-empty string`);
  return v;
}

function number(file: string, v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(file, `${where} is not a number`);
  return v;
}

function modelInput(file: string, entry: Json, where: string): ModelInputConfig {
  const input = object(file, entry.input, `${where}.input`);
  if (input.layout !== 'NCHW') fail(file, `${where}.input.layout is not NCHW`);
  const shape = input.shape;
  if (!Array.isArray(shape) || shape.length !== 4 || shape[0] !== 1 || shape[1] !== 3) fail(file, `${where}.input.shape is not [1, 3, H, W]`);
  const norm = object(file, input.normalisation, `${where}.input.normalisation`);
  const mean = norm.mean;
  if (!Array.isArray(mean) || mean.length !== 3) fail(file, `${where}.input.normalisation.mean is not 3 numbers`);
  const scale = number(file, norm.scale, `${where}.input.normalisation.scale`);
  if (scale <= 0) fail(file, `${where}.input.normalisation.scale is not positive`);
  const order = string(file, input.colorOrder, `${where}.input.colorOrder`).toLowerCase();
  if (order !== 'rgb' && order !== 'bgr') fail(file, `${where}.input.colorOrder is neither RGB nor BGR`);
  return {
    width: number(file, shape[3], `${where}.input.shape[3]`),
    height: number(file, shape[2], `${where}.input.shape[2]`),
    mean: [number(file, mean[0], 'mean[0]'), number(file, mean[1], 'mean[1]'), number(file, mean[2], 'mean[2]')],
    std: [1 / scale, 1 / scale, 1 / scale],
    channelOrder: order,
  };
}

function outputNames(file: string, entry: Json, where: string): string[] {
  const outputs = entry.outputs;
  if (!Array.isArray(outputs)) fail(file, `${where}.outputs is not a list`);
  return outputs.map((o, i) => string(file, object(file, o, `${where}.outputs[${i}]`).name, `${where}.outputs[${i}].name`));
}

function requireOutput(file: string, names: string[], name: string, where: string): string {
  if (!names.includes(name)) fail(file, `${where} has no output "${name}"`);
  return name;
}

/** Reads the manifest at `manifestPath`; model paths in the result are absolute. */
export function readModelManifest(manifestPath: string): ManifestSlots {
  const file = manifestPath;
  if (!existsSync(file)) {
    throw new ProofgateError('ERR_MODEL', `model manifest ${file} is missing: run "npm run build:models" to convert the face models`);
  }
  let json: Json;
  try {
    json = object(file, JSON.parse(readFileSync(file, 'utf8')), 'the file');
  } catch (e) {
    if (e instanceof ProofgateError) throw e;
    fail(file, `not valid JSON (${(e as Error).message})`);
  }
  if (json.format !== MANIFEST_FORMAT) fail(file, `format is ${JSON.stringify(json.format)}, expected "${MANIFEST_FORMAT}"`);
  const models = object(file, json.models, 'models');
  const dir = path.dirname(file);
  const modelPath = (entry: Json, where: string) => path.resolve(dir, string(file, entry.file, `${where}.file`));

  const blazeface = object(file, models.blazeface, 'models.blazeface');
  const decoder = object(file, blazeface.decoder, 'models.blazeface.decoder');
  const layers = decoder.anchorLayers;
  if (!Array.isArray(layers) || layers.length === 0) fail(file, 'models.blazeface.decoder.anchorLayers is empty');
  const blazeOutputs = outputNames(file, blazeface, 'models.blazeface');
  const parsedLayers = layers.map((l, i) => {
    const layer = object(file, l, `anchorLayers[${i}]`);
    const outs = layer.outputs;
    if (!Array.isArray(outs) || outs.length !== 2) fail(file, `anchorLayers[${i}].outputs is not [logits, regressors]`);
    return {
      stride: number(file, layer.stride, `anchorLayers[${i}].stride`),
      anchorsPerCell: number(file, layer.anchorsPerCell, `anchorLayers[${i}].anchorsPerCell`),
      logits: requireOutput(file, blazeOutputs, string(file, outs[0], 'logits'), 'models.blazeface'),
      regressors: requireOutput(file, blazeOutputs, string(file, outs[1], 'regressors'), 'models.blazeface'),
    };
  });
  const keypoints = decoder.keypoints;
  if (!Array.isArray(keypoints) || keypoints.length < 2) fail(file, 'models.blazeface.decoder.keypoints lists fewer than 2 keypoints');

  const facemesh = object(file, models.facemesh, 'models.facemesh');
  const meshOutputs = outputNames(file, facemesh, 'models.facemesh');
  const embedders: ManifestSlots['embedders'] = {};
  for (const name of Object.keys(BUILT_IN_EMBEDDERS) as BuiltInEmbedder[]) {
    const key = BUILT_IN_EMBEDDERS[name];
    if (models[key] === undefined) {
      if (name === 'dlib-resnet') fail(file, `models.${key} is missing`);
      continue;
    }
    const where = `models.${key}`;
    const entry = object(file, models[key], where);
    const output = object(file, (entry.outputs as unknown[] | undefined)?.[0], `${where}.outputs[0]`);
    const shape = output.shape;
    if (!Array.isArray(shape) || shape.length !== 2) fail(file, `${where}.outputs[0].shape is not [1, N]`);
    // dlib's entry predates the "embedding" block: its chip and raw descriptors are the dlib defaults.
    const embedding = entry.embedding === undefined ? { alignment: 'dlib', l2Normalize: false } : object(file, entry.embedding, `${where}.embedding`);
    if (embedding.alignment !== 'dlib' && embedding.alignment !== 'arcface') fail(file, `${where}.embedding.alignment is neither dlib nor arcface`);
    if (typeof embedding.l2Normalize !== 'boolean') fail(file, `${where}.embedding.l2Normalize is not a boolean`);
    const sha256 = string(file, entry.sha256, `${where}.sha256`);
    embedders[name] = {
      slot: {
        path: modelPath(entry, where),
        input: modelInput(file, entry, where),
        output: string(file, output.name, `${where}.outputs[0].name`),
        outputDim: number(file, shape[1], `${where}.outputs[0].shape[1]`),
        alignment: embedding.alignment,
        l2Normalize: embedding.l2Normalize,
      },
      sha256,
      id: builtInEmbedderId(name, sha256),
    };
  }

  return {
    detector: {
      path: modelPath(blazeface, 'models.blazeface'),
      input: modelInput(file, blazeface, 'models.blazeface'),
      scoreOutputs: parsedLayers.map((l) => l.logits),
      regressorOutputs: parsedLayers.map((l) => l.regressors),
      anchorStrides: parsedLayers.map((l) => l.stride),
      anchorsPerCell: parsedLayers.map((l) => l.anchorsPerCell),
      keypoints: keypoints.length,
      rightEyeKeypoint: BLAZEFACE_RIGHT_EYE,
      leftEyeKeypoint: BLAZEFACE_LEFT_EYE,
    },
    landmarker: {
      path: modelPath(facemesh, 'models.facemesh'),
      input: modelInput(file, facemesh, 'models.facemesh'),
      meshOutput: requireOutput(file, meshOutputs, 'mesh', 'models.facemesh'),
      scoreOutput: requireOutput(file, meshOutputs, 'face_flag', 'models.facemesh'),
      cropScale: FACE_MESH_CROP_SCALE,
      scoreIsLogit: false,
    },
    embedders,
    sha256: {
      detector: string(file, blazeface.sha256, 'models.blazeface.sha256'),
      landmarker: string(file, facemesh.sha256, 'models.facemesh.sha256'),
    },
  };
}
