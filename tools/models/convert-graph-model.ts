// TF.js graph model (NHWC, grappler-fused ops) -> ONNX opset 10 (NCHW, static shapes) that OpenCV 4.6's
// readNetFromONNX accepts. Covers the op set of Human's BlazeFace and FaceMesh, MobileFaceNet (and the
// common MobileNet ops around them); any other op fails the build with its name rather than producing a
// wrong model.
//
// OpenCV 4.6 quirks handled here:
//  - _FusedConv2D / FusedDepthwiseConv2dNative / _FusedMatMul are unfused into Conv/Gemm + activation;
//  - Relu6 (fused, or Relu->Minimum->Maximum) becomes Clip in its attribute form (opset <= 10);
//  - TF "SAME" padding becomes explicit pads (extra pixel bottom/right), never auto_pad;
//  - Gemm always has transB=1 with a transposed weight;
//  - a Reshape of a conv activation first transposes back to NHWC so the element order matches TF;
//  - Keras/TF-slim PReLU written out as relu(x) + alpha * (x - |x|) * 0.5 (MobileFaceNet) becomes one
//    PRelu: OpenCV 4.6 has no ONNX Abs, and one layer is faster than five.
import { attr, OnnxGraphBuilder, type OnnxModel, type OnnxValueInfo } from './onnx-builder.js';
import { depthwiseToOihw, hwioToOihw, resolveTfPadding, transpose2d } from './layout.js';
import type { DecodedTensor, TfjsWeightGroup, WeightMap } from './tfjs-weights.js';

interface TfAttrValue {
  s?: string;
  i?: string;
  f?: number;
  b?: boolean;
  type?: string;
  list?: { i?: string[]; s?: string[]; f?: number[] };
  shape?: { dim?: { size?: string }[] };
}

export interface TfNode {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfAttrValue>;
}

export interface TfjsGraphModelJson {
  format?: string;
  modelTopology: { node: TfNode[] };
  weightsManifest: TfjsWeightGroup[];
}

export interface GraphConversionSpec {
  graphName: string;
  /** Name of the ONNX input (NCHW). */
  inputName: string;
  /** TF.js graph outputs (usually `Identity*` nodes) and the ONNX names they get. */
  outputs: readonly { tfNode: string; onnxName: string }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
}

export interface ConvertedGraph {
  model: OnnxModel;
  input: OnnxValueInfo;
  outputs: OnnxValueInfo[];
  /** ONNX op type -> count, for progress lines and docs. */
  opCounts: Record<string, number>;
}

/** How an intermediate TF tensor lives in the ONNX graph. */
interface Tensor {
  onnx: string;
  /** 'nchw': a 4-D activation whose ONNX dims are NCHW; 'plain': same dims as in TF. */
  layout: 'nchw' | 'plain';
  dims: number[];
}

const decodeString = (b64: string | undefined): string => (b64 === undefined ? '' : Buffer.from(b64, 'base64').toString('utf8'));

export function convertGraphModel(json: TfjsGraphModelJson, weights: WeightMap, spec: GraphConversionSpec): ConvertedGraph {
  return new GraphConverter(json, weights, spec).run();
}

class GraphConverter {
  readonly #byName = new Map<string, TfNode>();
  readonly #consumers = new Map<string, string[]>();
  readonly #tensors = new Map<string, Tensor>();
  readonly #finalNames = new Map<string, string>();
  readonly #g = new OnnxGraphBuilder();
  /** Add nodes that close a written-out PReLU, and the nodes of the pattern that emit nothing. */
  readonly #prelus = new Map<string, PreluPattern>();
  readonly #folded = new Set<string>();
  #input: OnnxValueInfo | undefined;

  constructor(
    private readonly json: TfjsGraphModelJson,
    private readonly weights: WeightMap,
    private readonly spec: GraphConversionSpec,
  ) {
    for (const node of json.modelTopology.node) this.#byName.set(node.name, node);
    for (const node of json.modelTopology.node) {
      for (const input of dataInputs(node)) {
        const list = this.#consumers.get(input) ?? [];
        list.push(node.name);
        this.#consumers.set(input, list);
      }
    }
    for (const node of json.modelTopology.node) this.#matchPrelu(node);
  }

  /**
   * Add(a, Mul(Sub(x, Abs(x)), c)) with a = Relu(x) is PReLU with slope 2c (x - |x| = 2 min(x, 0)); with
   * a = x itself it is x + 2c min(x, 0), a PReLU with slope 1 + 2c. The pattern's inner nodes are folded
   * only when nothing else reads them.
   */
  #matchPrelu(node: TfNode): void {
    if (node.op !== 'Add' && node.op !== 'AddV2') return;
    const inputs = dataInputs(node);
    for (const [mulName, other] of [[inputs[1], inputs[0]], [inputs[0], inputs[1]]]) {
      const mul = this.#byName.get(mulName);
      if (mul?.op !== 'Mul') continue;
      const mulInputs = dataInputs(mul);
      const constName = mulInputs.find((i) => this.#isConst(i));
      const sub = this.#byName.get(mulInputs.find((i) => i !== constName) ?? '');
      if (!constName || sub?.op !== 'Sub') continue;
      const [x, absName] = dataInputs(sub);
      const abs = this.#byName.get(absName);
      if (abs?.op !== 'Abs' || dataInputs(abs)[0] !== x) continue;
      const a = this.#byName.get(other);
      const viaRelu = a?.op === 'Relu' && dataInputs(a)[0] === x;
      if (!viaRelu && other !== x) continue;
      this.#prelus.set(node.name, { x, alphaConst: constName, viaRelu });
      for (const inner of [mul, sub, abs, ...(viaRelu ? [a!] : [])]) {
        if ((this.#consumers.get(inner.name) ?? []).length === 1) this.#folded.add(inner.name);
      }
      return;
    }
  }

  run(): ConvertedGraph {
    // ONNX output names are reserved up front, so the node computing an output is named after it.
    const outputSources = this.spec.outputs.map((o) => ({ ...o, source: this.#throughIdentity(o.tfNode) }));
    for (const o of outputSources) {
      this.#finalNames.set(o.source, o.onnxName);
      this.#g.uniqueName(o.onnxName);
    }
    this.#g.uniqueName(this.spec.inputName);
    for (const name of this.#topologicalOrder(outputSources.map((o) => o.source))) this.#convertNode(this.#byName.get(name)!);

    const outputs = outputSources.map((o) => {
      const t = this.#tensors.get(o.source)!;
      if (t.onnx !== o.onnxName) throw new Error(`${this.spec.graphName}: output ${o.tfNode} did not map to ${o.onnxName}`);
      if (t.layout === 'nchw') throw new Error(`${this.spec.graphName}: output ${o.tfNode} is a raw NCHW activation; add a Reshape in the spec`);
      return { name: o.onnxName, dims: t.dims };
    });
    if (!this.#input) throw new Error(`${this.spec.graphName}: the outputs do not depend on a Placeholder`);
    const opCounts: Record<string, number> = {};
    for (const n of this.#g.nodes) opCounts[n.opType] = (opCounts[n.opType] ?? 0) + 1;
    const model: OnnxModel = {
      graphName: this.spec.graphName,
      producerName: this.spec.producerName,
      producerVersion: this.spec.producerVersion,
      docString: this.spec.docString,
      opsetVersion: 10,
      nodes: this.#g.nodes,
      initializers: this.#g.initializers,
      inputs: [this.#input],
      outputs,
      metadata: this.spec.metadata,
    };
    return { model, input: this.#input, outputs, opCounts };
  }

  #throughIdentity(name: string): string {
    let node = this.#requireNode(name);
    while (node.op === 'Identity') node = this.#requireNode(dataInputs(node)[0]);
    return node.name;
  }

  #requireNode(name: string): TfNode {
    const node = this.#byName.get(name);
    if (!node) throw new Error(`${this.spec.graphName}: graph has no node ${name}`);
    return node;
  }

  /** Depth-first post-order from the outputs: every node after its inputs, in a stable order. */
  #topologicalOrder(roots: string[]): string[] {
    const order: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (root: string) => {
      const stack: { name: string; next: number }[] = [{ name: root, next: 0 }];
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        if (top.next === 0) {
          if (state.get(top.name) === 'done') {
            stack.pop();
            continue;
          }
          state.set(top.name, 'visiting');
        }
        const inputs = dataInputs(this.#requireNode(top.name));
        if (top.next < inputs.length) {
          const child = inputs[top.next++];
          const s = state.get(child);
          if (s === 'visiting') throw new Error(`${this.spec.graphName}: cycle through ${child}`);
          if (s !== 'done') stack.push({ name: child, next: 0 });
          continue;
        }
        state.set(top.name, 'done');
        order.push(top.name);
        stack.pop();
      }
    };
    for (const r of roots) visit(r);
    return order;
  }

  #outName(tfName: string): string {
    return this.#finalNames.get(tfName) ?? this.#g.uniqueName(tfName);
  }

  #tensor(name: string): Tensor {
    const t = this.#tensors.get(name);
    if (!t) throw new Error(`${this.spec.graphName}: tensor ${name} is a constant or unconverted where an activation is expected`);
    return t;
  }

  #weight(name: string): DecodedTensor {
    const w = this.weights.get(name);
    if (!w) throw new Error(`${this.spec.graphName}: no weight named ${name}`);
    return w;
  }

  #floatWeight(name: string): Float32Array {
    const w = this.#weight(name);
    if (w.dtype !== 'float32') throw new Error(`${this.spec.graphName}: weight ${name} is ${w.dtype}, expected float32`);
    return w.values as Float32Array;
  }

  #intWeight(name: string): number[] {
    return Array.from(this.#weight(name).values);
  }

  #isConst(name: string): boolean {
    return this.#byName.get(name)?.op === 'Const';
  }

  #convertNode(node: TfNode): void {
    const inputs = dataInputs(node);
    if (this.#folded.has(node.name)) return; // emitted as part of the PRelu its Add closes
    const prelu = this.#prelus.get(node.name);
    if (prelu) return this.#prelu(node, prelu);
    switch (node.op) {
      case 'Const':
        return; // materialised where consumed, in the layout the consumer needs
      case 'Placeholder':
        return this.#placeholder(node);
      case 'Identity':
        this.#tensors.set(node.name, this.#tensor(inputs[0]));
        return;
      case 'Conv2D':
      case 'DepthwiseConv2dNative':
      case '_FusedConv2D':
      case 'FusedDepthwiseConv2dNative':
        return this.#conv(node, inputs);
      case '_FusedMatMul':
      case 'MatMul':
        return this.#matMul(node, inputs);
      case 'Relu':
        return this.#relu(node, inputs);
      case 'Minimum':
      case 'Maximum':
        if (this.#tensors.has(node.name)) return; // already folded into a Clip by #relu
        throw new Error(`${this.spec.graphName}: unsupported standalone ${node.op} ${node.name}`);
      case 'Relu6':
        return this.#set(node.name, this.#activation(node.name, this.#tensor(inputs[0]), 'Relu6'));
      case 'Prelu':
        return this.#set(node.name, this.#activation(node.name, this.#tensor(inputs[0]), 'Prelu', inputs[1]));
      case 'Sigmoid':
        return this.#unary(node, inputs, 'Sigmoid');
      case 'Softmax': {
        const x = this.#tensor(inputs[0]);
        if (x.layout !== 'plain') throw new Error(`${this.spec.graphName}: Softmax over an NCHW activation (${node.name}) is not supported`);
        return this.#set(node.name, { ...x, onnx: this.#g.node('Softmax', [x.onnx], this.#outName(node.name), { axis: attr.int(x.dims.length - 1) }) });
      }
      case 'Add':
      case 'AddV2':
      case 'Sub':
      case 'Mul':
        return this.#binary(node, inputs);
      case 'MaxPool':
      case 'AvgPool':
        return this.#pool(node, inputs);
      case 'Pad':
        return this.#pad(node, inputs);
      case 'Reshape':
        return this.#reshape(node, inputs);
      case 'Mean':
        return this.#mean(node, inputs);
      case 'Squeeze':
        return this.#squeeze(node, inputs);
      default:
        throw new Error(`${this.spec.graphName}: unsupported TF op ${node.op} (${node.name})`);
    }
  }

  #set(name: string, t: Tensor): void {
    this.#tensors.set(name, t);
  }

  #placeholder(node: TfNode): void {
    const dims = (node.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size ?? -1));
    if (dims.length !== 4) throw new Error(`${this.spec.graphName}: input ${node.name} must be NHWC 4-D, got [${dims.join(',')}]`);
    const [, h, w, c] = dims;
    if (h <= 0 || w <= 0 || c <= 0) throw new Error(`${this.spec.graphName}: input ${node.name} needs static H, W, C`);
    const nchw = [1, c, h, w]; // batch 1: the appliance runs one face at a time and OpenCV wants static shapes
    this.#input = { name: this.spec.inputName, dims: nchw };
    this.#set(node.name, { onnx: this.spec.inputName, layout: 'nchw', dims: nchw });
  }

  #conv(node: TfNode, inputs: string[]): void {
    const x = this.#nchw(inputs[0], node);
    const depthwise = node.op.includes('Depthwise');
    checkNhwc(node);
    const strides = intList(node, 'strides');
    const dilations = node.attr?.dilations ? intList(node, 'dilations') : [1, 1, 1, 1];
    if (dilations.some((d) => d !== 1)) throw new Error(`${this.spec.graphName}: dilated conv ${node.name} is not supported`);
    const filter = this.#weight(inputs[1]);
    const [kh, kw, cin, cout] = filter.shape;
    const weight = depthwise ? depthwiseToOihw(filter.values as Float32Array, filter.shape) : hwioToOihw(filter.values as Float32Array, filter.shape);
    const outChannels = depthwise ? cin * cout : cout;
    if (cin !== x.dims[1]) throw new Error(`${this.spec.graphName}: ${node.name} filter expects ${cin} channels, input has ${x.dims[1]}`);
    const pad = resolveTfPadding(decodeString(node.attr?.padding?.s), x.dims[2], x.dims[3], { kernel: [kh, kw], stride: [strides[1], strides[2]] });

    const fused = (node.attr?.fused_ops?.list?.s ?? []).map(decodeString);
    if (fused.length > 0 && fused[0] !== 'BiasAdd') throw new Error(`${this.spec.graphName}: ${node.name} fuses ${fused.join('+')}, expected BiasAdd first`);
    if (fused.length > 2) throw new Error(`${this.spec.graphName}: ${node.name} fuses ${fused.join('+')}`);
    const activation = fused[1];

    const convInputs = [x.onnx, this.#g.floatConstant(`${node.name}/weight`, [outChannels, depthwise ? 1 : cin, kh, kw], weight)];
    if (fused[0] === 'BiasAdd') convInputs.push(this.#g.floatConstant(`${node.name}/bias`, [outChannels], this.#floatWeight(inputs[2])));
    const convOut = activation ? this.#g.uniqueName(`${node.name}/conv`) : this.#outName(node.name);
    this.#g.node('Conv', convInputs, convOut, {
      kernel_shape: attr.ints([kh, kw]),
      strides: attr.ints([strides[1], strides[2]]),
      pads: attr.ints(pad.pads),
      dilations: attr.ints([1, 1]),
      group: attr.int(depthwise ? cin : 1),
    });
    const conv: Tensor = { onnx: convOut, layout: 'nchw', dims: [1, outChannels, pad.outHeight, pad.outWidth] };
    this.#set(node.name, activation ? this.#activation(node.name, conv, activation, inputs[3]) : conv);
  }

  #matMul(node: TfNode, inputs: string[]): void {
    if (node.attr?.transpose_a?.b || node.attr?.transpose_b?.b) throw new Error(`${this.spec.graphName}: transposed MatMul ${node.name} is not supported`);
    const x = this.#tensor(inputs[0]);
    if (x.layout !== 'plain' || x.dims.length !== 2) throw new Error(`${this.spec.graphName}: ${node.name} needs a 2-D input`);
    const w = this.#weight(inputs[1]);
    const [k, n] = w.shape;
    if (k !== x.dims[1]) throw new Error(`${this.spec.graphName}: ${node.name} weight is ${k}x${n}, input has ${x.dims[1]} features`);
    const fused = (node.attr?.fused_ops?.list?.s ?? []).map(decodeString);
    if (fused.length > 0 && fused[0] !== 'BiasAdd') throw new Error(`${this.spec.graphName}: ${node.name} fuses ${fused.join('+')}`);
    const bias = fused[0] === 'BiasAdd' ? this.#floatWeight(inputs[2]) : new Float32Array(n); // opset 10 Gemm requires C
    const activation = fused[1];
    const out = activation ? this.#g.uniqueName(`${node.name}/gemm`) : this.#outName(node.name);
    this.#g.node(
      'Gemm',
      [
        x.onnx,
        this.#g.floatConstant(`${node.name}/weight_t`, [n, k], transpose2d(w.values as Float32Array, k, n)),
        this.#g.floatConstant(`${node.name}/bias`, [n], bias),
      ],
      out,
      { transB: attr.int(1) }, // OpenCV 4.6 only maps Gemm with a constant B when transB=1
    );
    const gemm: Tensor = { onnx: out, layout: 'plain', dims: [1, n] };
    this.#set(node.name, activation ? this.#activation(node.name, gemm, activation, inputs[3]) : gemm);
  }

  /** Emits an activation named after the TF node (the fused node's output is the activation's). */
  #activation(tfName: string, x: Tensor, kind: string, alphaName?: string): Tensor {
    const out = this.#outName(tfName);
    switch (kind) {
      case 'Relu':
        this.#g.node('Relu', [x.onnx], out);
        break;
      case 'Relu6':
        // Attribute form: OpenCV 4.6 ignores Clip's opset-11 min/max inputs.
        this.#g.node('Clip', [x.onnx], out, { min: attr.float(0), max: attr.float(6) });
        break;
      case 'Prelu': {
        if (!alphaName) throw new Error(`${this.spec.graphName}: Prelu ${tfName} has no alpha`);
        const alpha = this.#floatWeight(alphaName);
        const channels = x.layout === 'nchw' ? x.dims[1] : x.dims[x.dims.length - 1];
        if (alpha.length !== channels) throw new Error(`${this.spec.graphName}: Prelu ${tfName} alpha has ${alpha.length} values for ${channels} channels`);
        const slopeDims = x.layout === 'nchw' ? [channels, 1, 1] : [channels];
        this.#g.node('PRelu', [x.onnx, this.#g.floatConstant(`${tfName}/slope`, slopeDims, alpha)], out);
        break;
      }
      default:
        throw new Error(`${this.spec.graphName}: unsupported activation ${kind} in ${tfName}`);
    }
    return { ...x, onnx: out };
  }

  #relu(node: TfNode, inputs: string[]): void {
    const x = this.#tensor(inputs[0]);
    // Keras ReLU6 arrives as Relu -> Minimum(6) -> Maximum(0) (either order); fold it into one Clip.
    const first = this.#soleConsumer(node.name);
    const second = first && (first.op === 'Minimum' || first.op === 'Maximum') ? this.#soleConsumer(first.name) : undefined;
    if (first && second && (second.op === 'Minimum' || second.op === 'Maximum') && second.op !== first.op) {
      const minNode = first.op === 'Minimum' ? first : second;
      const maxNode = first.op === 'Maximum' ? first : second;
      if (this.#scalarOperand(minNode) === 6 && this.#scalarOperand(maxNode) === 0) {
        const clip = this.#activation(second.name, x, 'Relu6');
        this.#set(node.name, clip); // not referenced further, but keeps lookups total
        this.#set(first.name, clip);
        this.#set(second.name, clip);
        return;
      }
    }
    this.#set(node.name, this.#activation(node.name, x, 'Relu'));
  }

  #soleConsumer(name: string): TfNode | undefined {
    const list = this.#consumers.get(name) ?? [];
    return list.length === 1 ? this.#byName.get(list[0]) : undefined;
  }

  #scalarOperand(node: TfNode): number | undefined {
    const constName = dataInputs(node).find((i) => this.#isConst(i));
    if (!constName) return undefined;
    const w = this.weights.get(constName);
    return w && w.values.length === 1 ? w.values[0] : undefined;
  }

  #unary(node: TfNode, inputs: string[], opType: string): void {
    const x = this.#tensor(inputs[0]);
    this.#set(node.name, { ...x, onnx: this.#g.node(opType, [x.onnx], this.#outName(node.name)) });
  }

  #binary(node: TfNode, inputs: string[]): void {
    const opType = { Add: 'Add', AddV2: 'Add', Sub: 'Sub', Mul: 'Mul' }[node.op]!;
    const [a, b] = inputs;
    const aConst = this.#isConst(a);
    const bConst = this.#isConst(b);
    if (aConst && bConst) throw new Error(`${this.spec.graphName}: ${node.name} has two constant operands`);
    if (!aConst && !bConst) {
      const ta = this.#tensor(a);
      const tb = this.#tensor(b);
      if (ta.layout !== tb.layout || ta.dims.join() !== tb.dims.join()) {
        throw new Error(`${this.spec.graphName}: ${node.name} adds [${ta.dims}] (${ta.layout}) and [${tb.dims}] (${tb.layout}); broadcasting is not supported`);
      }
      this.#set(node.name, { ...ta, onnx: this.#g.node(opType, [ta.onnx, tb.onnx], this.#outName(node.name)) });
      return;
    }
    if (opType === 'Sub' && aConst) throw new Error(`${this.spec.graphName}: constant - tensor (${node.name}) is not supported`);
    const x = this.#tensor(aConst ? b : a);
    const c = this.#floatWeight(aConst ? a : b);
    const channels = x.layout === 'nchw' ? x.dims[1] : x.dims[x.dims.length - 1];
    let dims: number[];
    if (c.length === 1) dims = [];
    else if (c.length === channels) dims = x.layout === 'nchw' ? [channels, 1, 1] : [channels];
    else throw new Error(`${this.spec.graphName}: ${node.name} constant has ${c.length} values; only scalars and per-channel vectors are supported`);
    const constant = this.#g.floatConstant(`${node.name}/operand`, dims, c);
    this.#set(node.name, { ...x, onnx: this.#g.node(opType, [x.onnx, constant], this.#outName(node.name)) });
  }

  #pool(node: TfNode, inputs: string[]): void {
    const x = this.#nchw(inputs[0], node);
    checkNhwc(node);
    const ksize = intList(node, 'ksize');
    const strides = intList(node, 'strides');
    if (ksize[0] !== 1 || ksize[3] !== 1 || strides[0] !== 1 || strides[3] !== 1) throw new Error(`${this.spec.graphName}: ${node.name} pools over batch or channels`);
    const padding = decodeString(node.attr?.padding?.s);
    const pad = resolveTfPadding(padding, x.dims[2], x.dims[3], { kernel: [ksize[1], ksize[2]], stride: [strides[1], strides[2]] });
    const isAvg = node.op === 'AvgPool';
    // TF's SAME average pool divides by the valid-pixel count, i.e. count_include_pad=0 (the ONNX default).
    const out = this.#g.node(isAvg ? 'AveragePool' : 'MaxPool', [x.onnx], this.#outName(node.name), {
      kernel_shape: attr.ints([ksize[1], ksize[2]]),
      strides: attr.ints([strides[1], strides[2]]),
      pads: attr.ints(pad.pads),
    });
    this.#set(node.name, { onnx: out, layout: 'nchw', dims: [1, x.dims[1], pad.outHeight, pad.outWidth] });
  }

  #pad(node: TfNode, inputs: string[]): void {
    const x = this.#nchw(inputs[0], node);
    const p = this.#intWeight(inputs[1]); // NHWC [[before, after] x 4]
    if (p.length !== 8) throw new Error(`${this.spec.graphName}: ${node.name} paddings must be 4x2`);
    if (p[0] !== 0 || p[1] !== 0) throw new Error(`${this.spec.graphName}: ${node.name} pads the batch axis`);
    const [hb, ha, wb, wa, cb, ca] = p.slice(2);
    const out = this.#g.node('Pad', [x.onnx], this.#outName(node.name), {
      mode: attr.string('constant'),
      pads: attr.ints([0, cb, hb, wb, 0, ca, ha, wa]), // ONNX: all begins (N,C,H,W), then all ends
      value: attr.float(0),
    });
    this.#set(node.name, { onnx: out, layout: 'nchw', dims: [1, x.dims[1] + cb + ca, x.dims[2] + hb + ha, x.dims[3] + wb + wa] });
  }

  #reshape(node: TfNode, inputs: string[]): void {
    let x = this.#tensor(inputs[0]);
    const target = this.#intWeight(inputs[1]);
    let tfDims = x.dims;
    if (x.layout === 'nchw') {
      // Restore TF's NHWC element order before flattening (OpenCV would otherwise flatten channel-major).
      const [n, c, h, w] = x.dims;
      tfDims = [n, h, w, c];
      const t = this.#g.node('Transpose', [x.onnx], this.#g.uniqueName(`${node.name}/to_nhwc`), { perm: attr.ints([0, 2, 3, 1]) });
      x = { onnx: t, layout: 'plain', dims: tfDims };
    }
    const total = tfDims.reduce((a, b) => a * b, 1);
    const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const dims = target.map((d) => (d === -1 ? total / known : d)); // static shapes: resolve -1 here
    if (dims.reduce((a, b) => a * b, 1) !== total || !dims.every(Number.isInteger)) {
      throw new Error(`${this.spec.graphName}: ${node.name} cannot reshape [${tfDims}] to [${target}]`);
    }
    const shape = this.#g.int64Constant(`${node.name}/shape`, dims);
    this.#set(node.name, { onnx: this.#g.node('Reshape', [x.onnx, shape], this.#outName(node.name)), layout: 'plain', dims });
  }

  #mean(node: TfNode, inputs: string[]): void {
    const x = this.#nchw(inputs[0], node);
    const axes = this.#intWeight(inputs[1]);
    if (axes.join() !== '1,2') throw new Error(`${this.spec.graphName}: ${node.name} averages axes [${axes}]; only spatial [1,2] is supported`);
    const keep = node.attr?.keep_dims?.b === true;
    if (keep) throw new Error(`${this.spec.graphName}: ${node.name} keeps dims; not supported`);
    const out = this.#g.node('ReduceMean', [x.onnx], this.#outName(node.name), { axes: attr.ints([2, 3]), keepdims: attr.int(0) });
    this.#set(node.name, { onnx: out, layout: 'plain', dims: [1, x.dims[1]] });
  }

  #prelu(node: TfNode, p: PreluPattern): void {
    const x = this.#tensor(p.x);
    const c = this.#floatWeight(p.alphaConst);
    const channels = x.layout === 'nchw' ? x.dims[1] : x.dims[x.dims.length - 1];
    if (c.length !== channels && c.length !== 1) throw new Error(`${this.spec.graphName}: PReLU ${node.name} has ${c.length} slopes for ${channels} channels`);
    const slope = Float32Array.from({ length: channels }, (_, i) => (p.viaRelu ? 0 : 1) + 2 * c[c.length === 1 ? 0 : i]);
    const slopeDims = x.layout === 'nchw' ? [channels, 1, 1] : [channels];
    const out = this.#g.node('PRelu', [x.onnx, this.#g.floatConstant(`${node.name}/slope`, slopeDims, slope)], this.#outName(node.name));
    this.#set(node.name, { ...x, onnx: out });
  }

  /** Squeezing the 1x1 spatial axes of an NCHW activation: [1, C, 1, 1] -> [1, C] (no reordering needed). */
  #squeeze(node: TfNode, inputs: string[]): void {
    const x = this.#nchw(inputs[0], node);
    const axes = node.attr?.squeeze_dims?.list?.i?.map(Number) ?? [];
    if (axes.join() !== '1,2' || x.dims[2] !== 1 || x.dims[3] !== 1) {
      throw new Error(`${this.spec.graphName}: ${node.name} squeezes axes [${axes}] of [${x.dims}]; only the 1x1 spatial axes are supported`);
    }
    const dims = [1, x.dims[1]];
    const shape = this.#g.int64Constant(`${node.name}/shape`, dims);
    this.#set(node.name, { onnx: this.#g.node('Reshape', [x.onnx, shape], this.#outName(node.name)), layout: 'plain', dims });
  }

  #nchw(name: string, node: TfNode): Tensor {
    const t = this.#tensor(name);
    if (t.layout !== 'nchw') throw new Error(`${this.spec.graphName}: ${node.op} ${node.name} needs a 4-D activation`);
    return t;
  }
}

interface PreluPattern {
  x: string;
  /** The constant c of alpha * 0.5 = c. */
  alphaConst: string;
  /** true: Relu(x) + c (x - |x|); false: x + c (x - |x|). */
  viaRelu: boolean;
}

function dataInputs(node: TfNode): string[] {
  return (node.input ?? [])
    .filter((i) => !i.startsWith('^'))
    .map((i) => {
      const [name, index] = i.split(':');
      if (index !== undefined && index !== '0') throw new Error(`TF node ${node.name} reads output ${index} of ${name}; multi-output ops are not supported`);
      return name;
    });
}

function intList(node: TfNode, key: string): number[] {
  const list = node.attr?.[key]?.list?.i;
  if (!list) throw new Error(`TF node ${node.name} lacks attribute ${key}`);
  return list.map(Number);
}

function checkNhwc(node: TfNode): void {
  const format = decodeString(node.attr?.data_format?.s);
  if (format !== '' && format !== 'NHWC') throw new Error(`TF node ${node.name} uses data_format ${format}; only NHWC is supported`);
}
