// Layout conversions between TF (NHWC activations, HWIO filters) and ONNX (NCHW, OIHW), and TF's
// padding arithmetic made explicit, since OpenCV 4.6 does not accept ONNX auto_pad.

/** TF Conv2D filter [kh, kw, in, out] to ONNX Conv weight [out, in, kh, kw]. */
export function hwioToOihw(values: Float32Array, [kh, kw, cin, cout]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = values[((y * kw + x) * cin + i) * cout + o];
  return out;
}

/**
 * TF depthwise filter [kh, kw, channels, multiplier] to ONNX grouped-conv weight
 * [channels*multiplier, 1, kh, kw] (group = channels; output channel c*multiplier+m reads input c, as in TF).
 */
export function depthwiseToOihw(values: Float32Array, [kh, kw, channels, multiplier]: readonly number[]): Float32Array {
  const out = new Float32Array(values.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < channels; c++)
        for (let m = 0; m < multiplier; m++) out[((c * multiplier + m) * kh + y) * kw + x] = values[((y * kw + x) * channels + c) * multiplier + m];
  return out;
}

/** Row-major [rows, cols] to [cols, rows]: TF MatMul weights [K, N] become Gemm's transB=1 operand [N, K]. */
export function transpose2d(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}

export interface Window2d {
  kernel: [number, number];
  stride: [number, number];
}

export interface ResolvedPadding {
  /** ONNX order: [top, left, bottom, right]. */
  pads: [number, number, number, number];
  outHeight: number;
  outWidth: number;
}

/** TF "SAME" puts the odd extra pixel at the bottom/right; "VALID" pads nothing. */
export function resolveTfPadding(padding: string, height: number, width: number, w: Window2d): ResolvedPadding {
  const [kh, kw] = w.kernel;
  const [sh, sw] = w.stride;
  if (padding === 'VALID') {
    return { pads: [0, 0, 0, 0], outHeight: Math.floor((height - kh) / sh) + 1, outWidth: Math.floor((width - kw) / sw) + 1 };
  }
  if (padding !== 'SAME') throw new Error(`unsupported TF padding mode ${padding}`);
  const outHeight = Math.ceil(height / sh);
  const outWidth = Math.ceil(width / sw);
  const padH = Math.max((outHeight - 1) * sh + kh - height, 0);
  const padW = Math.max((outWidth - 1) * sw + kw - width, 0);
  const top = Math.floor(padH / 2);
  const left = Math.floor(padW / 2);
  return { pads: [top, left, padH - top, padW - left], outHeight, outWidth };
}
