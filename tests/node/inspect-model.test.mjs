// inspectModel through the package's main entry: what a user of `import { inspectModel } from
// 'onnx-predict'` relies on, including errors that arrive as OnnxPredictError and leave the
// module working.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { inspectModel, OnnxPredictError } from '../../dist/index.js';

const iris = readFileSync(new URL('../../models/iris.onnx', import.meta.url));

test('the iris model reads with its signature, metadata and stats', async () => {
  const info = await inspectModel(iris);
  assert.equal(info.irVersion, 8);
  assert.deepEqual(info.opsetImport, [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }]);
  assert.deepEqual(info.graph.input, [{
    name: 'X', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } },
  }]);
  assert.deepEqual(info.graph.output.map((o) => [o.name, o.type.tensorType.elemType]), [['label', 7], ['probabilities', 1]]);
  const schema = JSON.parse(info.metadataProps.find((p) => p.key === 'onnx_predict.schema').value);
  assert.deepEqual(schema.bind.X.features, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
  assert.deepEqual(info.stats.opTypes, { 'ai.onnx.ml': { LinearClassifier: 1 } });
});

test('an ArrayBuffer works as well as a Uint8Array, and the caller keeps its bytes', async () => {
  const copy = new Uint8Array(iris).slice();
  const info = await inspectModel(copy.buffer);
  assert.equal(info.graph.name, 'iris_logistic_regression');
  assert.deepEqual(copy, new Uint8Array(iris));
});

test('every truncation of a model is an invalid_model error with path and offset, and the module keeps working', async () => {
  let errors = 0;
  for (let length = 0; length < iris.length; length++) {
    try {
      await inspectModel(iris.subarray(0, length));
    } catch (error) {
      assert.ok(error instanceof OnnxPredictError, `prefix ${length}: ${error}`);
      assert.ok(error instanceof Error);
      assert.equal(error.code, 'invalid_model', `prefix ${length}: ${error.message}`);
      assert.equal(typeof error.details.offset, 'number');
      errors++;
    }
  }
  // A prefix that ends exactly between two top-level fields may still hold a graph; the others must fail.
  assert.ok(errors >= iris.length - 10, `${errors} of ${iris.length} prefixes failed`);
  assert.equal((await inspectModel(iris)).graph.name, 'iris_logistic_regression');
});

test('a truncated download names the field it cut and suggests truncation', async () => {
  await assert.rejects(inspectModel(iris.subarray(0, iris.length / 2)), (error) => {
    assert.equal(error.code, 'invalid_model');
    assert.match(error.message, /runs past the end of the buffer .*truncated/);
    assert.match(error.details.path, /^metadata_props\[0\]$/);  // the embedded schema is most of this file
    return true;
  });
});

test('a Python pickle is refused as unsafe_format, never parsed', async () => {
  const pickle = execFileSync('/usr/bin/python3', ['-c',
    'import pickle, sys; sys.stdout.buffer.write(pickle.dumps({"coef": [1.0, 2.0], "classes": ["a", "b"]}, protocol=4))']);
  await assert.rejects(inspectModel(pickle), (error) => {
    assert.equal(error.code, 'unsafe_format');
    assert.equal(error.details.format, 'pickle');
    assert.match(error.message, /arbitrary code/);
    assert.match(error.message, /ONNX/);
    return true;
  });
});

test('an HTML error page served as the model is unsupported_format with a hint to check the URL', async () => {
  const page = new TextEncoder().encode('<!DOCTYPE html><html><head><title>404 Not Found</title></head><body>Not Found</body></html>');
  await assert.rejects(inspectModel(page), (error) => error.code === 'unsupported_format' && error.details.format === 'html');
});

test('anything but bytes is an invalid_argument error', async () => {
  for (const bad of ['model.onnx', 42, null, [1, 2, 3]]) {
    await assert.rejects(inspectModel(bad), (error) => error instanceof OnnxPredictError && error.code === 'invalid_argument');
  }
});
