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

const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const batch = Array.from({ length: 100 }, (_, i) =>
  Object.fromEntries(FEATURES.map((f, k) => [f, ((i * 7 + k * 3) % 70) / 10])));
batch[13] = { ...batch[13], petal_width: -1 };  // one invalid record per batch: the error path too

test('10,000 predictBatch calls of 100 records: RSS grows < 20 MB, the wasm heap and Embind handles stay flat', async () => {
  const core = await loadCore();
  const model = await loadModel(readFileSync(new URL('../../models/iris.onnx', import.meta.url)));
  for (let i = 0; i < 500; i++) await model.predictBatch(batch, { onInvalid: 'skip' });  // warm up
  gc();
  const rss0 = process.memoryUsage().rss;
  const heap0 = core.HEAPU8.length;
  const handles0 = core.count_emval_handles();
  for (let i = 0; i < 10000; i++) {
    const { results, errors } = await model.predictBatch(batch, { onInvalid: 'skip' });
    if (results.length !== 99 || errors.length !== 1) throw new Error(`batch ${i}: ${results.length} results, ${errors.length} errors`);
  }
  gc();
  const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
  console.log(`leaks: RSS +${grown.toFixed(1)} MiB, wasm heap ${heap0} → ${core.HEAPU8.length} bytes, Embind handles ${handles0} → ${core.count_emval_handles()}`);
  assert.ok(grown < 20, `RSS grew by ${grown.toFixed(1)} MiB`);
  assert.equal(core.HEAPU8.length, heap0, 'the wasm heap grew');
  assert.equal(core.count_emval_handles(), handles0, 'Embind handles leaked');
  model.dispose();
});
