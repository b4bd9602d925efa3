// The program of the worker thread that holds one ONNX Runtime session (onnxruntime-runner.ts).
// onnxruntime-node's InferenceSession.run() computes on the thread that calls it (its promise only defers
// the call with setImmediate), so a session on the main thread would stop the event loop for every
// forward pass: at 40 verifications/s, two passes each, most of the main thread. Here the passes run one
// after another on this thread (and ORT's intra-op pool), and the event loop only posts inputs and reads
// outputs.
// Plain JavaScript run with `eval` and no loader flags, as the PostgreSQL worker (a worker that loads
// TypeScript through the parent's loader hooks can stall, and plain source needs no file beside the
// compiled one). Messages: onnxruntime-worker-protocol.ts.
export const ONNXRUNTIME_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

let ort;
let session;

function message(e) {
  return String(e && e.message !== undefined ? e.message : e);
}

async function open() {
  try {
    ort = require(workerData.ortModule);
  } catch (e) {
    return { kind: 'failed', stage: 'load', message: message(e) };
  }
  try {
    session = await ort.InferenceSession.create(workerData.path, workerData.options);
  } catch (e) {
    return { kind: 'failed', stage: 'open', message: message(e) };
  }
  return { kind: 'ready', inputNames: session.inputNames, outputNames: session.outputNames };
}

async function run(req) {
  const results = await session.run({ [req.inputName]: new ort.Tensor('float32', req.input, req.shape) }, req.outputNames);
  const outputs = [];
  for (const name of req.outputNames) {
    const tensor = results[name];
    if (tensor.type !== 'float32') throw new Error('output ' + name + ' is ' + tensor.type + ', not float32');
    // A copy the caller owns, moved (not cloned) back to the calling thread.
    outputs.push(new Float32Array(tensor.data));
  }
  return outputs;
}

const opened = open().then((reply) => { parentPort.postMessage(reply); return reply.kind === 'ready'; });

parentPort.on('message', async (req) => {
  if (!(await opened)) return;
  if (req.kind === 'run') {
    try {
      const outputs = await run(req);
      parentPort.postMessage({ kind: 'result', id: req.id, outputs }, outputs.map((o) => o.buffer));
    } catch (e) {
      parentPort.postMessage({ kind: 'result', id: req.id, error: message(e) });
    }
  } else if (req.kind === 'close') {
    try {
      await session.release();
    } finally {
      parentPort.postMessage({ kind: 'closed' });
    }
  }
});
`;
