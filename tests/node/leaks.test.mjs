// No leaks: many batches through one model leave Node's RSS and the wasm heap flat, and Embind
// handles are all released.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import v8 from 'node:v8';
import vm from 'node:vm';

import { loadModel } from 'onnx-predict';
import { loadCore } from '../../dist/core.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
// Array buffers that died are freed by GC rounds that may need a turn of the event loop in between
// (finalizers, weak callbacks); one gc() can leave some of the last iterations' buffers counted.
async function settledMemory() {
  for (let round = 0; round < 4; round++) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return process.memoryUsage();
}

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const batch = Array.from({ length: 100 }, (_, i) =>
  Object.fromEntries(FEATURES.map((f, k) => [f, ((i * 7 + k * 3) % 70) / 10])));
batch[13] = { ...batch[13], petal_width: -1 };  // one invalid record per batch: the error path too

// What a leak would grow: the JS heap in use after a full GC, memory held outside it (external,
// array buffers), the wasm heap, Embind handles. RSS itself moves in steps when V8 enlarges its
// reserved heap (8 MiB at a time, more on a loaded machine), so it is printed as a figure here and
// belongs to the benchmarks (bench/), not to an assertion that would flake.
test('10,000 predictBatch calls of 100 records leave the JS heap, external memory, the wasm heap and Embind handles flat', async () => {
  const core = await loadCore();
  const model = await loadModel(readFileSync(new URL('../../models/iris.onnx', import.meta.url)));
  for (let i = 0; i < 500; i++) await model.predictBatch(batch, { onInvalid: 'skip' });  // warm up
  const before = await settledMemory();
  const heap0 = core.HEAPU8.length;
  const handles0 = core.count_emval_handles();
  for (let i = 0; i < 10000; i++) {
    const { results, errors } = await model.predictBatch(batch, { onInvalid: 'skip' });
    if (results.length !== 99 || errors.length !== 1) throw new Error(`batch ${i}: ${results.length} results, ${errors.length} errors`);
  }
  const now = await settledMemory();
  const mib = (key) => (now[key] - before[key]) / 2 ** 20;
  console.log(`leaks: over 10,000 batches: JS heap used ${mib('heapUsed').toFixed(2)} MiB, external ${mib('external').toFixed(2)} MiB, ` +
    `array buffers ${mib('arrayBuffers').toFixed(2)} MiB, RSS ${mib('rss').toFixed(1)} MiB; wasm heap ${heap0} → ${core.HEAPU8.length} bytes; ` +
    `Embind handles ${handles0} → ${core.count_emval_handles()}`);
  // 10,000 calls: a leak of even 100 bytes per call would show as 1 MiB.
  assert.ok(mib('heapUsed') < 1, `the JS heap in use grew by ${mib('heapUsed').toFixed(2)} MiB`);
  assert.ok(mib('external') < 1 && mib('arrayBuffers') < 1, 'memory outside the JS heap grew');
  assert.equal(core.HEAPU8.length, heap0, 'the wasm heap grew');
  assert.equal(core.count_emval_handles(), handles0, 'Embind handles leaked');
  model.dispose();
});
