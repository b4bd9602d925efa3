// Stands in for the '@tensorflow/tfjs' umbrella package, which face-api's node-wasm build requires but
// this project does not install: face-api only needs tfjs-core (ops, io, browser.fromPixels) and the
// kernels of the backend it runs on. Loaded through the resolver hook in face-api-loader.ts.
'use strict';
const core = require('@tensorflow/tfjs-core');
// The umbrella package also registers the CPU backend as the fallback; face-api never selects it here.
require('@tensorflow/tfjs-backend-cpu');

// tfjs-core's CommonJS bundle leaves out the chained tensor methods (t.as3D(), t.sub(), ...) that the
// umbrella package registers and face-api calls. These are the same definitions as
// tfjs-core/dist/public/chained_ops/*.js of 4.22.0: most forward to the op of the same name
// (resizeBilinear and resizeNearestNeighbor live under tf.image).
const forwardedOps = `
  abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND 
  batchNorm broadcastTo cast ceil clipByValue conv1d conv2d conv2dTranspose cos cosh cumprod 
  cumsum depthToSpace depthwiseConv2d dilation2d div divNoNan dot elu equal erf euclideanNorm exp 
  expandDims expm1 fft floor floorDiv gather greater greaterEqual ifft irfft isFinite isInf isNaN 
  leakyRelu less lessEqual localResponseNormalization log log1p logSigmoid logSoftmax logSumExp 
  logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum mean min minimum 
  mirrorPad mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu 
  relu6 reshape resizeBilinear resizeNearestNeighbor reverse rfft round rsqrt selu 
  separableConv2d sigmoid sign sin sinh slice softmax softplus spaceToBatchND split sqrt square 
  squaredDifference squeeze step stridedSlice sub sum tan tanh tile topk transpose unique 
  unsortedSegmentSum unstack zerosLike 
`.trim().split(/\s+/);

const proto = core.Tensor.prototype;
for (const name of forwardedOps) {
  if (proto[name] !== undefined) continue;
  const op = core[name] ?? core.image[name];
  if (typeof op !== 'function') throw new Error(`tfjs-shim: tfjs-core has no op ${name}`);
  proto[name] = function chainedOp(...args) {
    this.throwIfDisposed();
    return op(this, ...args);
  };
}

const reshapeTo = (shapeOf) => function chainedReshape(...args) {
  this.throwIfDisposed();
  return core.reshape(this, shapeOf(this, args));
};
Object.assign(proto, {
  as1D: reshapeTo((t) => [t.size]),
  as2D: reshapeTo((_t, a) => a.slice(0, 2)),
  as3D: reshapeTo((_t, a) => a.slice(0, 3)),
  as4D: reshapeTo((_t, a) => a.slice(0, 4)),
  as5D: reshapeTo((_t, a) => a.slice(0, 5)),
  flatten: reshapeTo((t) => [t.size]),
  reshapeAs: reshapeTo((_t, a) => a[0].shape),
  asScalar: reshapeTo((t) => {
    if (t.size !== 1) throw new Error('The array must have only 1 element.');
    return [];
  }),
  asType(dtype) { this.throwIfDisposed(); return core.cast(this, dtype); },
  toBool() { this.throwIfDisposed(); return core.cast(this, 'bool'); },
  toFloat() { this.throwIfDisposed(); return core.cast(this, 'float32'); },
  toInt() { this.throwIfDisposed(); return core.cast(this, 'int32'); },
  concat(x, axis) { this.throwIfDisposed(); return core.concat([this, ...(x instanceof core.Tensor ? [x] : x)], axis); },
  stack(x, axis) { this.throwIfDisposed(); return core.stack([this, ...(x instanceof core.Tensor ? [x] : x)], axis); },
  where(condition, x) { this.throwIfDisposed(); return core.where(condition, this, x); },
});

module.exports = { ...core, ...require('@tensorflow/tfjs-converter') };
