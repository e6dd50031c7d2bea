// Warm load time, shared by the load and wide sections: loadModel(bytes) against
// ort.InferenceSession.create(bytes) in one process, alternating, median of `reps` after `warmups`.
import * as ort from 'onnxruntime-web/wasm';
import { loadModel } from 'onnx-predict';

import { median } from './report.mjs';

// dispose() starts ORT's session release without waiting for it; a create timed while a release
// is still pending took 2-3x as long (breast_cancer: 5.9 ms instead of 2.3), so each side's
// release is let finish (one macrotask) before the other side is timed.
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

export async function warmLoad(bytes, { reps, warmups }) {
  const ours = [];
  const theirs = [];
  for (let rep = 0; rep < reps + warmups; rep++) {
    let start = process.hrtime.bigint();
    const model = await loadModel(bytes);
    const oursMs = ms(start);
    model.dispose();
    await settle();
    start = process.hrtime.bigint();
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const theirsMs = ms(start);
    await session.release();
    await settle();
    if (rep >= warmups) {
      ours.push(oursMs);
      theirs.push(theirsMs);
    }
  }
  return { package_ms: median(ours), ort_create_ms: median(theirs) };
}
