// Converts the pinned TF.js face models to ONNX under models/, verifying every input and output
// against tools/models/pins.ts, and writes models/manifest.json. Called by tools/models/build-models-cli.ts.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ProofgateError } from '../../src/core/errors.js';
import { convertFaceRecognition } from './convert-face-recognition.js';
import { convertGraphModel, type TfjsGraphModelJson } from './convert-graph-model.js';
import { MODEL_CATALOG, type ModelEntry, type ModelId } from './model-catalog.js';
import { encodeOnnxModel } from './onnx-builder.js';
import { ensureTarballMembers } from './package-tarball.js';
import { INPUT_PINS, OUTPUT_PINS } from './pins.js';
import { decodeWeightsManifest, type TfjsWeightGroup } from './tfjs-weights.js';

export const MANIFEST_FORMAT = 'proofgate-models/1';
const PRODUCER = 'proofgate-model-converter';
const PRODUCER_VERSION = '1';

export interface BuildModelsOptions {
  projectRoot: string;
  /** Output folder, normally <root>/models. */
  outDir: string;
  /** Record the hashes found instead of checking them (an intentional upgrade); returns them in `pins`. */
  repin: boolean;
  /** Convert even when the outputs already match their pins. */
  force: boolean;
  /** Fetch a catalog entry's npm tarball (npm pack) when build/model-cache lacks it; false: fail instead. */
  fetchTarballs: boolean;
  log: (line: string) => void;
}

export interface BuiltModel {
  id: ModelId;
  file: string;
  sha256: string;
  bytes: number;
  converted: boolean;
  ms: number;
  opCounts?: Record<string, number>;
}

export interface BuildModelsResult {
  models: BuiltModel[];
  manifestPath: string;
  pins: { inputs: Record<string, string>; outputs: Record<ModelId, string> };
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function pinMismatch(what: string, file: string, expected: string | undefined, actual: string): ProofgateError {
  const hint =
    expected === undefined
      ? 'it has no pin'
      : `expected sha256 ${expected}, actual ${actual}`;
  return new ProofgateError(
    'ERR_MODEL_PIN',
    `model ${what} ${file}: ${hint}. If this change is intentional (package upgrade or converter change), ` +
      `review it and re-pin with "npm run build:models -- --repin" (see docs/models.md).`,
  );
}

export function buildModels(opts: BuildModelsOptions): BuildModelsResult {
  const inputPins: Record<string, string> = {};
  const outputPins = {} as Record<ModelId, string>;
  const built: BuiltModel[] = [];
  mkdirSync(opts.outDir, { recursive: true });

  const manifestModels: Record<string, unknown> = {};
  for (const entry of MODEL_CATALOG) {
    const started = performance.now();
    // 1. Inputs: the npm files must be exactly the pinned ones.
    const sources = new Map<string, Uint8Array>();
    if (entry.source.tarball) ensureTarballMembers(opts.projectRoot, entry.source.tarball, opts.fetchTarballs, opts.log);
    for (const rel of entry.source.files) {
      const abs = path.join(opts.projectRoot, rel);
      if (!existsSync(abs)) throw new ProofgateError('ERR_MODEL', `model source ${rel} is missing: is ${entry.source.package} ${entry.source.tarball ? 'cached' : 'installed'}?`);
      const bytes = readFileSync(abs);
      const hash = sha256Hex(bytes);
      if (!opts.repin && INPUT_PINS[rel] !== hash) throw pinMismatch('source', rel, INPUT_PINS[rel], hash);
      inputPins[rel] = hash;
      sources.set(rel, bytes);
    }

    // 2. Skip the conversion when the output on disk already is the pinned file.
    const outPath = path.join(opts.outDir, entry.file);
    const pinned = OUTPUT_PINS[entry.id];
    let result: BuiltModel | undefined;
    if (!opts.force && !opts.repin && pinned && existsSync(outPath)) {
      const existing = readFileSync(outPath);
      if (sha256Hex(existing) === pinned) {
        result = { id: entry.id, file: entry.file, sha256: pinned, bytes: existing.length, converted: false, ms: performance.now() - started };
        opts.log(`${entry.id}: ${entry.file} up to date (sha256 ${pinned.slice(0, 12)}…)`);
      }
    }

    // 3. Convert, then check the bytes against the pin before anything is written.
    if (!result) {
      opts.log(`${entry.id}: converting ${entry.source.files.join(' + ')}`);
      const { bytes, opCounts } = convertEntry(entry, opts.projectRoot, sources, opts.log);
      const hash = sha256Hex(bytes);
      if (!opts.repin && hash !== pinned) throw pinMismatch('output', entry.file, pinned, hash);
      const tmp = `${outPath}.tmp-${process.pid}`;
      writeFileSync(tmp, bytes);
      renameSync(tmp, outPath);
      result = { id: entry.id, file: entry.file, sha256: hash, bytes: bytes.length, converted: true, ms: performance.now() - started, opCounts };
      const ops = Object.entries(opCounts).map(([op, n]) => `${op}×${n}`).join(' ');
      opts.log(`${entry.id}: wrote ${entry.file} (${bytes.length} bytes, sha256 ${hash.slice(0, 12)}…) in ${result.ms.toFixed(0)} ms [${ops}]`);
    }
    outputPins[entry.id] = result.sha256;
    built.push(result);
    manifestModels[entry.id] = manifestEntry(entry, result, inputPins, opts.projectRoot);
  }

  const manifest = { format: MANIFEST_FORMAT, opset: 10, producer: `${PRODUCER}/${PRODUCER_VERSION}`, models: manifestModels };
  const manifestPath = path.join(opts.outDir, 'manifest.json');
  writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
  opts.log(`manifest: ${manifestPath}`);
  return { models: built, manifestPath, pins: { inputs: inputPins, outputs: outputPins } };
}

function convertEntry(
  entry: ModelEntry,
  root: string,
  sources: Map<string, Uint8Array>,
  log: (line: string) => void,
): { bytes: Uint8Array; opCounts: Record<string, number> } {
  const readPinned = (rel: string): Uint8Array => {
    const bytes = sources.get(rel);
    if (!bytes) throw new ProofgateError('ERR_MODEL', `${entry.id}: ${rel} is read by the converter but not pinned in the catalog`);
    return bytes;
  };
  const decode = (manifestRel: string, groups: TfjsWeightGroup[]) => {
    const dir = path.posix.dirname(manifestRel);
    const weights = decodeWeightsManifest(groups, (p) => readPinned(`${dir}/${p}`));
    log(`${entry.id}: decoded ${weights.size} weight tensors`);
    return weights;
  };
  const metadata = {
    'proofgate.model_id': entry.id,
    'proofgate.source_package': entry.source.package,
    'proofgate.normalisation': entry.input.normalisation.formula,
  };
  const docString = `${entry.source.provenance}. Input ${entry.input.name} ${entry.input.layout} [${entry.input.shape.join(',')}] ${entry.input.colorOrder}, ${entry.input.normalisation.formula}.`;
  const common = { producerName: PRODUCER, producerVersion: PRODUCER_VERSION, docString, metadata };

  let converted: { model: Parameters<typeof encodeOnnxModel>[0]; input: { dims: readonly number[] }; outputs: { name: string; dims: readonly number[] }[]; opCounts: Record<string, number> };
  if (entry.kind === 'tfjs-graph-model') {
    const json = JSON.parse(new TextDecoder().decode(readPinned(entry.modelJson))) as TfjsGraphModelJson;
    const weights = decode(entry.modelJson, json.weightsManifest);
    converted = convertGraphModel(json, weights, { ...common, graphName: entry.id, inputName: entry.input.name, outputs: entry.tfOutputs });
  } else {
    const groups = JSON.parse(new TextDecoder().decode(readPinned(entry.weightsManifest))) as TfjsWeightGroup[];
    const weights = decode(entry.weightsManifest, groups);
    converted = convertFaceRecognition(weights, { ...common, inputName: entry.input.name, outputName: entry.outputs[0].name });
  }

  // The catalog documents the shapes; the converter must agree with it exactly.
  if (converted.input.dims.join() !== entry.input.shape.join()) {
    throw new ProofgateError('ERR_MODEL', `${entry.id}: converted input is [${converted.input.dims}], catalog says [${entry.input.shape}]`);
  }
  for (const expected of entry.outputs) {
    const got = converted.outputs.find((o) => o.name === expected.name);
    if (!got || got.dims.join() !== expected.shape.join()) {
      throw new ProofgateError('ERR_MODEL', `${entry.id}: output ${expected.name} is [${got?.dims ?? 'missing'}], catalog says [${expected.shape}]`);
    }
  }
  return { bytes: encodeOnnxModel(converted.model), opCounts: converted.opCounts };
}

function manifestEntry(entry: ModelEntry, built: BuiltModel, inputPins: Record<string, string>, root: string): Record<string, unknown> {
  const version = entry.source.tarball
    ? entry.source.tarball.version
    : (JSON.parse(readFileSync(path.join(root, 'node_modules', entry.source.package, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    file: entry.file,
    sha256: built.sha256,
    bytes: built.bytes,
    kind: entry.kind,
    source: {
      package: entry.source.package,
      version,
      ...(entry.source.tarball ? { tarballIntegrity: entry.source.tarball.integrity } : {}),
      license: entry.source.license,
      provenance: entry.source.provenance,
      files: entry.source.files.map((f) => ({ path: f, sha256: inputPins[f] })),
    },
    input: entry.input,
    outputs: entry.outputs,
    ...(entry.kind === 'tfjs-graph-model' && entry.decoder ? { decoder: entry.decoder } : {}),
    ...(entry.kind === 'tfjs-graph-model' && entry.embedding ? { embedding: entry.embedding } : {}),
    ...(entry.kind === 'face-api-face-recognition' ? { matching: entry.matching } : {}),
  };
}

/** Source text for tools/models/pins.ts, written by --repin. */
export function renderPinsFile(pins: BuildModelsResult['pins']): string {
  const lines = [
    '// sha256 of every model source file (from the pinned npm packages) and of every converted ONNX file.',
    '// The build fails when any differs. Regenerate only for an intentional change, with',
    '// "npm run build:models -- --repin", and review the diff (docs/models.md).',
    "import type { ModelId } from './model-catalog.js';",
    '',
    'export const INPUT_PINS: Readonly<Record<string, string>> = {',
    ...Object.keys(pins.inputs).sort().map((k) => `  '${k}': '${pins.inputs[k]}',`),
    '};',
    '',
    'export const OUTPUT_PINS: Readonly<Partial<Record<ModelId, string>>> = {',
    ...(Object.keys(pins.outputs) as ModelId[]).sort().map((k) => `  ${k}: '${pins.outputs[k]}',`),
    '};',
    '',
  ];
  return lines.join('\n');
}
