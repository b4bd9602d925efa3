// face-api's FaceRecognitionNet (dlib ResNet-29, 128-d descriptor) ships as weights only; its graph
// is code in @vladmandic/face-api/src/faceRecognitionNet/*.ts. This rebuilds that forward pass as an
// ONNX opset 10 graph, layer for layer, from the weight names:
//   convDown(conv32_down) 7x7/2 VALID -> maxPool 3/2 VALID -> residual x3 (32)
//   -> residualDown + residual x3 (64) -> residualDown + residual x2 (128)
//   -> residualDown + residual x2 (256) -> residualDown (256) -> mean over H,W -> matMul(fc)
// where each conv layer is conv + bias, then a per-channel "scale" (x*weights+biases), then ReLU
// (except the second conv of a residual block), and residualDown adds a 2x2/2 average-pooled
// shortcut, zero-padded on channels (and the conv branch zero-padded bottom/right when 1 px short).
import { attr, OnnxGraphBuilder, type OnnxModel, type OnnxValueInfo } from './onnx-builder.js';
import { hwioToOihw, resolveTfPadding, transpose2d } from './layout.js';
import type { WeightMap } from './tfjs-weights.js';

export const FACE_RECOGNITION_INPUT_SIZE = 150;

export interface FaceRecognitionConversionSpec {
  inputName: string;
  outputName: string;
  producerName: string;
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
}

export interface ConvertedFaceRecognition {
  model: OnnxModel;
  input: OnnxValueInfo;
  outputs: OnnxValueInfo[];
  opCounts: Record<string, number>;
}

/** An activation in the ONNX graph: name plus NCHW shape (batch 1). */
interface Activation {
  name: string;
  channels: number;
  height: number;
  width: number;
}

export function convertFaceRecognition(weights: WeightMap, spec: FaceRecognitionConversionSpec): ConvertedFaceRecognition {
  const g = new OnnxGraphBuilder();
  const used = new Set<string>();
  const take = (name: string): Float32Array => {
    const w = weights.get(name);
    if (!w || w.dtype !== 'float32') throw new Error(`face recognition weights: missing float tensor ${name}`);
    used.add(name);
    return w.values as Float32Array;
  };
  const shapeOf = (name: string): number[] => {
    const w = weights.get(name);
    if (!w) throw new Error(`face recognition weights: missing tensor ${name}`);
    return w.shape;
  };

  const perChannel = (name: string, base: string, channels: number): string => {
    const v = take(name);
    if (v.length !== channels) throw new Error(`face recognition weights: ${name} has ${v.length} values for ${channels} channels`);
    return g.floatConstant(base, [channels, 1, 1], v);
  };

  /** convLayer(): conv + bias, scale layer, optional ReLU. */
  const convLayer = (x: Activation, prefix: string, stride: number, padding: 'SAME' | 'VALID', withRelu: boolean): Activation => {
    const filterShape = shapeOf(`${prefix}/conv/filters`);
    const [kh, kw, cin, cout] = filterShape;
    if (cin !== x.channels) throw new Error(`face recognition: ${prefix} expects ${cin} channels, got ${x.channels}`);
    const pad = resolveTfPadding(padding, x.height, x.width, { kernel: [kh, kw], stride: [stride, stride] });
    const conv = g.node(
      'Conv',
      [
        x.name,
        g.floatConstant(`${prefix}/conv/filters`, [cout, cin, kh, kw], hwioToOihw(take(`${prefix}/conv/filters`), filterShape)),
        g.floatConstant(`${prefix}/conv/bias`, [cout], take(`${prefix}/conv/bias`)),
      ],
      g.uniqueName(`${prefix}/conv`),
      { kernel_shape: attr.ints([kh, kw]), strides: attr.ints([stride, stride]), pads: attr.ints(pad.pads), dilations: attr.ints([1, 1]), group: attr.int(1) },
    );
    const scaled = g.node('Mul', [conv, perChannel(`${prefix}/scale/weights`, `${prefix}/scale/weights`, cout)], g.uniqueName(`${prefix}/scale/mul`));
    const shifted = g.node(
      'Add',
      [scaled, perChannel(`${prefix}/scale/biases`, `${prefix}/scale/biases`, cout)],
      withRelu ? g.uniqueName(`${prefix}/scale/add`) : g.uniqueName(`${prefix}/out`),
    );
    const out = withRelu ? g.node('Relu', [shifted], g.uniqueName(`${prefix}/relu`)) : shifted;
    return { name: out, channels: cout, height: pad.outHeight, width: pad.outWidth };
  };

  const residual = (x: Activation, prefix: string): Activation => {
    const a = convLayer(x, `${prefix}/conv1`, 1, 'SAME', true);
    const b = convLayer(a, `${prefix}/conv2`, 1, 'SAME', false);
    const sum = g.node('Add', [b.name, x.name], g.uniqueName(`${prefix}/add`));
    return { ...b, name: g.node('Relu', [sum], g.uniqueName(prefix)) };
  };

  const residualDown = (x: Activation, prefix: string): Activation => {
    const a = convLayer(x, `${prefix}/conv1`, 2, 'VALID', true);
    let b = convLayer(a, `${prefix}/conv2`, 1, 'SAME', false);
    const pooledHeight = Math.floor((x.height - 2) / 2) + 1;
    const pooledWidth = Math.floor((x.width - 2) / 2) + 1;
    let pooled = g.node('AveragePool', [x.name], g.uniqueName(`${prefix}/pool`), {
      kernel_shape: attr.ints([2, 2]),
      strides: attr.ints([2, 2]),
      pads: attr.ints([0, 0, 0, 0]),
    });
    const padH = pooledHeight - b.height;
    const padW = pooledWidth - b.width;
    if (padH < 0 || padW < 0) throw new Error(`face recognition: ${prefix} conv branch is larger than the shortcut`);
    if (padH > 0 || padW > 0) {
      // face-api concatenates a zero row then a zero column after the conv output.
      const padded = g.node('Pad', [b.name], g.uniqueName(`${prefix}/conv_pad`), {
        mode: attr.string('constant'),
        pads: attr.ints([0, 0, 0, 0, 0, 0, padH, padW]),
        value: attr.float(0),
      });
      b = { name: padded, channels: b.channels, height: pooledHeight, width: pooledWidth };
    }
    const extraChannels = b.channels - x.channels;
    if (extraChannels < 0) throw new Error(`face recognition: ${prefix} reduces channels`);
    if (extraChannels > 0) {
      // face-api concatenates zeros of the pooled shape on the channel axis, so it must double exactly.
      if (extraChannels !== x.channels) throw new Error(`face recognition: ${prefix} grows ${x.channels} -> ${b.channels} channels; face-api only doubles`);
      pooled = g.node('Pad', [pooled], g.uniqueName(`${prefix}/shortcut_pad`), {
        mode: attr.string('constant'),
        pads: attr.ints([0, 0, 0, 0, 0, extraChannels, 0, 0]),
        value: attr.float(0),
      });
    }
    const sum = g.node('Add', [pooled, b.name], g.uniqueName(`${prefix}/add`));
    return { ...b, name: g.node('Relu', [sum], g.uniqueName(prefix)) };
  };

  const size = FACE_RECOGNITION_INPUT_SIZE;
  const input: OnnxValueInfo = { name: g.uniqueName(spec.inputName), dims: [1, 3, size, size] };
  const outputName = g.uniqueName(spec.outputName);

  let x = convLayer({ name: input.name, channels: 3, height: size, width: size }, 'conv32_down', 2, 'VALID', true);
  const pool = resolveTfPadding('VALID', x.height, x.width, { kernel: [3, 3], stride: [2, 2] });
  x = {
    ...x,
    name: g.node('MaxPool', [x.name], g.uniqueName('maxpool'), { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), pads: attr.ints(pool.pads) }),
    height: pool.outHeight,
    width: pool.outWidth,
  };
  for (const block of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, block);
  x = residualDown(x, 'conv64_down');
  for (const block of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, block);
  x = residualDown(x, 'conv128_down');
  for (const block of ['conv128_1', 'conv128_2']) x = residual(x, block);
  x = residualDown(x, 'conv256_down');
  for (const block of ['conv256_1', 'conv256_2']) x = residual(x, block);
  x = residualDown(x, 'conv256_down_out');

  const gap = g.node('ReduceMean', [x.name], g.uniqueName('global_average'), { axes: attr.ints([2, 3]), keepdims: attr.int(0) });
  const [k, n] = shapeOf('fc');
  if (k !== x.channels) throw new Error(`face recognition: fc expects ${k} features, got ${x.channels}`);
  g.node(
    'Gemm',
    [gap, g.floatConstant('fc/weight_t', [n, k], transpose2d(take('fc'), k, n)), g.floatConstant('fc/bias', [n], new Float32Array(n))],
    outputName,
    { transB: attr.int(1) },
  );

  const unused = [...weights.keys()].filter((name) => !used.has(name));
  if (unused.length > 0) throw new Error(`face recognition: weights not used by the rebuilt graph: ${unused.join(', ')}`);

  const outputs = [{ name: outputName, dims: [1, n] }];
  const opCounts: Record<string, number> = {};
  for (const node of g.nodes) opCounts[node.opType] = (opCounts[node.opType] ?? 0) + 1;
  const model: OnnxModel = {
    graphName: 'face_recognition_dlib_resnet29',
    producerName: spec.producerName,
    producerVersion: spec.producerVersion,
    docString: spec.docString,
    opsetVersion: 10,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [input],
    outputs,
    metadata: spec.metadata,
  };
  return { model, input, outputs, opCounts };
}
