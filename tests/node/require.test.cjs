// The CommonJS entry: require('onnx-predict') resolves through package.json `exports` to
// dist/index.cjs and finds its wasm without configuration.
const assert = require('node:assert/strict');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { test } = require('node:test');

const { loadModel, inspectModel, compileSchema, OnnxPredictError } = require('onnx-predict');

const irisPath = join(__dirname, '../../models/iris.onnx');

test('require() gives the same API: inspect, validate, load and predict', async () => {
  assert.equal((await inspectModel(readFileSync(irisPath))).graph.name, 'iris_logistic_regression');
  const schema = await compileSchema({ type: 'number', minimum: 0 });
  assert.deepEqual(schema.validate(-1).map((e) => e.type), ['greater_than_equal']);
  schema.dispose();
  const model = await loadModel(irisPath);
  const result = await model.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
  assert.equal(result.label, 'setosa');
  model.dispose();
  await assert.rejects(inspectModel(new Uint8Array([0x80, 0x04, 0x95])), (e) => e instanceof OnnxPredictError);
});
