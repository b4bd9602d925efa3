import t from 'tap';
import { ProtobufWriter } from '../../../tools/models/protobuf-writer.js';
import { attr, encodeOnnxModel } from '../../../tools/models/onnx-builder.js';
import { readFields, summariseOnnx } from '../../helpers/protobuf-reader.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

t.test('varints, floats, strings and nested messages use the protobuf wire format', async (t) => {
  // Known encodings from the protobuf encoding guide: field 1 = 150 -> 08 96 01.
  t.equal(hex(new ProtobufWriter().int(1, 150).finish()), '089601');
  t.equal(hex(new ProtobufWriter().int(2, 300).finish()), '10ac02');
  t.equal(hex(new ProtobufWriter().int(1, 0).finish()), '0800');
  // Negative int64 is ten bytes of two's complement.
  t.equal(hex(new ProtobufWriter().int(1, -1).finish()), '08ffffffffffffffffff01');
  t.equal(hex(new ProtobufWriter().int(1, 2n ** 40n).finish()), '08808080808020');
  t.equal(hex(new ProtobufWriter().string(2, 'testing').finish()), '120774657374696e67');
  t.equal(hex(new ProtobufWriter().float(2, 1).finish()), '150000803f');
  t.equal(hex(new ProtobufWriter().message(3, new ProtobufWriter().int(1, 150)).finish()), '1a03089601');
  // Field numbers above 15 take a two-byte tag.
  t.equal(hex(new ProtobufWriter().int(20, 7).finish()), 'a00107');
  t.throws(() => new ProtobufWriter().int(0, 1), { name: 'RangeError' });
});

t.test('a small ONNX model round-trips through a wire-format reader', async (t) => {
  const bytes = encodeOnnxModel({
    graphName: 'g',
    producerName: 'p',
    producerVersion: '1',
    docString: 'd',
    opsetVersion: 10,
    nodes: [
      { opType: 'Clip', name: 'y', inputs: ['x'], outputs: ['y'], attributes: { min: attr.float(0), max: attr.float(6) } },
      { opType: 'Pad', name: 'z', inputs: ['y'], outputs: ['z'], attributes: { pads: attr.ints([0, -1, 2, 3]), mode: attr.string('constant') } },
      { opType: 'Add', name: 'out', inputs: ['z', 'c'], outputs: ['out'], attributes: {} },
    ],
    initializers: [{ name: 'c', dims: [1], data: new Float32Array([0.5]) }],
    inputs: [{ name: 'x', dims: [1, 3, 2, 2] }],
    outputs: [{ name: 'out', dims: [1, 3, 2, 2] }],
    metadata: { b: '2', a: '1' },
  });
  const s = summariseOnnx(bytes);
  t.equal(s.irVersion, 5);
  t.equal(s.opset, 10);
  t.same(s.inputs, [{ name: 'x', dims: [1, 3, 2, 2] }]);
  t.same(s.outputs, [{ name: 'out', dims: [1, 3, 2, 2] }]);
  t.same(s.initializerNames, ['c']);
  t.same(s.nodes.map((n) => n.opType), ['Clip', 'Pad', 'Add']);
  t.equal(s.nodes[0].attributes.max.f, 6);
  t.equal(s.nodes[0].attributes.max.type, 1, 'FLOAT attribute type');
  t.same(s.nodes[1].attributes.pads.ints, [0, -1, 2, 3]);
  t.equal(s.nodes[1].attributes.mode.s, 'constant');
  // Metadata is written in key order, so output bytes do not depend on object insertion order.
  const meta = readFields(bytes).filter((f) => f.field === 14).map((f) => Buffer.from(f.bytes!).toString('latin1'));
  t.ok(meta[0].includes('a') && meta[1].includes('b'));
  t.throws(() => encodeOnnxModel({ graphName: 'g', producerName: '', producerVersion: '', docString: '', opsetVersion: 10, nodes: [], initializers: [{ name: 'bad', dims: [2], data: new Float32Array(1) }], inputs: [], outputs: [], metadata: {} }), /1 values for shape \[2\]/);
});
