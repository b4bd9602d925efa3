// The OpenCV dnn side of a model runner: native/src/dnn/dnn_net_*.cc, a cv::dnn::Net loaded once and
// run on the libuv pool (OpenCV backend, CPU target; runs on one net take turns). OpenCV's thread count
// is process-wide (biometrics.threads, set by FaceEngine.load), so `threads` is not applied per net.
import { callNative } from '../native/call-native.js';
import { nativeAddon } from '../native/addon.js';
import { FACE_NATIVE } from './face-errors.js';
import { checkRunnerInput, type ModelRunner, type RunnerOptions } from './model-runner.js';

/** Opaque: a type-tagged External owning the net. */
export type NativeNetHandle = { readonly __nativeDnnNet: unique symbol };

interface NativeDnnAddon {
  dnnNetLoad(path: string, options: { fuse: boolean }): Promise<NativeNetHandle>;
  dnnNetRun(net: NativeNetHandle, inputs: { name: string; data: Float32Array; shape: number[] }[], outputNames: string[]): Promise<{ name: string; data: Float32Array; shape: number[] }[]>;
  dnnNetClose(net: NativeNetHandle): void;
}

function nativeDnn(): NativeDnnAddon {
  return nativeAddon() as unknown as NativeDnnAddon;
}

export async function openOpenCvRunner(options: RunnerOptions): Promise<ModelRunner> {
  const handle = await callNative(openOpenCvRunner, () => nativeDnn().dnnNetLoad(options.path, { fuse: options.fuse }), FACE_NATIVE);
  let closed = false;
  const run: ModelRunner['run'] = async function runOpenCv(input, shape, outputNames) {
    checkRunnerInput(options.path, input, shape);
    // An empty name feeds the network's only input.
    const outputs = await callNative(runOpenCv, () => nativeDnn().dnnNetRun(handle, [{ name: '', data: input, shape: [...shape] }], [...outputNames]), FACE_NATIVE);
    return outputs.map((o) => o.data);
  };
  return {
    engine: 'opencv',
    path: options.path,
    run,
    async close() {
      if (closed) return;
      closed = true;
      nativeDnn().dnnNetClose(handle);
    },
  };
}
