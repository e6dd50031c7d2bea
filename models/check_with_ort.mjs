// Runs an ONNX model with raw ONNX Runtime Web (wasm backend, one thread): the independent check
// that models/make_models.py uses (Debian's python3-onnx 1.12 has no onnx.reference evaluator).
//
//   node models/check_with_ort.mjs MODEL.onnx < request.json > response.json
//
// request:  {"inputs": {"X": {"dtype": "float32", "dims": [2, 4], "data": [5.1, null, ...]}}}
//           (null in a float tensor is NaN; JSON has no NaN)
// response: {"outputs": {"label": {"dtype": "string", "dims": [2], "data": ["setosa", ...]}, ...}}
//           numbers are the exact values of the output elements (a float32 as the double of the
//           same value, int64 as a number), NaN as null.
import { readFileSync } from 'node:fs';

import * as ort from 'onnxruntime-web/wasm';

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array };

const [modelPath] = process.argv.slice(2);
if (!modelPath) {
  console.error('usage: node models/check_with_ort.mjs MODEL.onnx < request.json');
  process.exit(2);
}
const request = JSON.parse(readFileSync(0, 'utf8'));
ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(readFileSync(modelPath), { executionProviders: ['wasm'] });
const feeds = {};
for (const [name, { dtype, dims, data }] of Object.entries(request.inputs)) {
  let values;
  if (dtype === 'string') values = data;
  else if (dtype === 'int64') values = BigInt64Array.from(data, (v) => BigInt(v));
  else if (ARRAYS[dtype]) values = ARRAYS[dtype].from(data, (v) => (v === null ? NaN : v));
  else throw new Error(`unsupported input dtype ${dtype}`);
  feeds[name] = new ort.Tensor(dtype, values, dims);
}
const results = await session.run(feeds);
const outputs = {};
for (const [name, tensor] of Object.entries(results)) {
  const data = Array.from(tensor.data, (v) => {
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'number' && !Number.isFinite(v)) return null;
    return v;
  });
  outputs[name] = { dtype: tensor.type, dims: [...tensor.dims], data };
}
await session.release();
process.stdout.write(JSON.stringify({ outputs }));
