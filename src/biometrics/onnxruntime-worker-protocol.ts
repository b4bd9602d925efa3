// What the calling thread and an ONNX Runtime worker thread (onnxruntime-worker-source.ts) say to each
// other. The worker answers its start with `ready` or `failed`, each `run` with the `result` of the same
// id, and `close` with `closed`; a worker runs its requests one at a time in arrival order.
import type { InferenceSession } from 'onnxruntime-node';

export interface OrtWorkerData {
  /** The resolved path of onnxruntime-node, required by the worker. */
  ortModule: string;
  /** The ONNX file. */
  path: string;
  options: InferenceSession.SessionOptions;
}

export interface OrtRunRequest {
  kind: 'run';
  id: number;
  inputName: string;
  /** Cloned into the worker: the caller's array stays its own. */
  input: Float32Array;
  shape: number[];
  outputNames: string[];
}

export type OrtWorkerRequest = OrtRunRequest | { kind: 'close' };

export type OrtWorkerReply =
  | { kind: 'ready'; inputNames: string[]; outputNames: string[] }
  | { kind: 'failed'; stage: 'load' | 'open'; message: string }
  | { kind: 'result'; id: number; outputs?: Float32Array[]; error?: string }
  | { kind: 'closed' };
