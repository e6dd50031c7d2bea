// Every model in models/ (make_models.py), loaded through the package entry over a real HTTP
// server on 127.0.0.1: predictBatch on the held-out records of NAME.reference.json gives
// scikit-learn's labels exactly and its probabilities and values within 1e-5, and gives what raw
// ONNX Runtime Web gives, bit for bit, on input tensors packed here by hand from the schema's
// `bind` (as a user without the package would pack them).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as ort from 'onnxruntime-web/wasm';
import { loadModel } from 'onnx-predict';

import { startStaticServer } from '../../scripts/static-server.mjs';

const TOLERANCE = 1e-5;
const modelsDir = new URL('../../models/', import.meta.url);
const modelFiles = readdirSync(modelsDir).filter((f) => f.endsWith('.onnx')).sort();
let server;
let base;

before(async () => {
  server = await startStaticServer({ routes: { '/': fileURLToPath(modelsDir) } });
  base = server.url;
});
after(() => server.close());

test('models/ holds the shipped models, each with its reference records', () => {
  for (const name of ['iris', 'breast_cancer', 'digits', 'diabetes', 'iris_petal_width']) {
    assert.ok(modelFiles.includes(`${name}.onnx`), `models/${name}.onnx`);
  }
});

// ---- packing by hand, from docs/schema.md's `bind` ----------------------------------------------
const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array };

function cell(value) {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value === undefined || value === null ? NaN : value;
}

function packByHand(schema, records) {
  const properties = schema.input.properties ?? {};
  const feeds = {};
  for (const [name, binding] of Object.entries(schema.bind)) {
    assert.ok(binding.features || binding.field, `bind.${name}: this test packs "features" and "field" only`);
    const features = (binding.features ?? [binding.field]).map((f) => (typeof f === 'string' ? { field: f } : f));
    const rows = records.map((record) => features.flatMap((spec) => {
      let value = record[spec.field];
      if (value === undefined || value === null) value = spec.default ?? properties[spec.field]?.default;
      const missing = value === undefined || value === null;
      switch (spec.encoding ?? 'value') {
        case 'one_hot': return spec.categories.map((c) => (!missing && value === c ? 1 : 0));
        case 'ordinal': return [missing ? NaN : spec.categories.indexOf(value)];
        default: return [cell(value)];
      }
    }));
    const width = rows[0].length;
    const flat = rows.flat();
    const data = binding.dtype === 'int64' ? BigInt64Array.from(flat, (v) => BigInt(v)) : ARRAYS[binding.dtype].from(flat);
    feeds[name] = new ort.Tensor(binding.dtype, data, [records.length, width]);
  }
  return feeds;
}

// Raw ORT outputs → results, as docs/schema.md's `output` kinds say.
function decodeByHand(schema, outputs, n) {
  const results = Array.from({ length: n }, () => ({}));
  for (const [key, spec] of Object.entries(schema.output)) {
    const tensor = outputs[spec.from ?? key];
    const width = tensor.data.length / n;
    results.forEach((result, i) => {
      const row = Array.from(tensor.data.slice(i * width, (i + 1) * width), (v) => (typeof v === 'bigint' ? Number(v) : v));
      if (spec.kind === 'label') result[key] = typeof row[0] === 'string' ? row[0] : spec.classes ? spec.classes[row[0]] : row[0];
      else if (spec.kind === 'probabilities') result[key] = Object.fromEntries(spec.classes.map((c, k) => [c, row[k]]));
      else if (spec.kind === 'value') result[key] = width === 1 ? row[0] : row;
      else throw new Error(`output.${key}: kind ${spec.kind} is not decoded by this test`);
    });
  }
  return results;
}

// Largest |package - scikit-learn| over probabilities and values; labels must be equal.
function compareWithSklearn(cases, results, name) {
  let worst = 0;
  cases.forEach(({ output }, i) => {
    for (const [key, expected] of Object.entries(output)) {
      const actual = results[i][key];
      if (typeof expected === 'string') {
        assert.equal(actual, expected, `${name} record ${i}: ${key}`);
      } else if (typeof expected === 'number') {
        worst = Math.max(worst, Math.abs(actual - expected));
      } else {
        assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `${name} record ${i}: ${key} classes`);
        for (const [c, p] of Object.entries(expected)) worst = Math.max(worst, Math.abs(actual[c] - p));
      }
    }
  });
  return worst;
}

for (const file of modelFiles) {
  const name = file.replace(/\.onnx$/, '');
  test(`${file}: predictBatch over HTTP gives scikit-learn's answers and raw ONNX Runtime Web's bits`, async (t) => {
    const reference = JSON.parse(readFileSync(new URL(`${name}.reference.json`, modelsDir), 'utf8'));
    assert.equal(reference.model, file);
    assert.ok(reference.cases.length >= 3, 'reference records');
    const records = reference.cases.map((c) => c.input);

    const model = await loadModel(`${base}/${file}`);  // runs the embedded examples too
    assert.equal(model.schema.source, 'embedded');
    const schema = model.schema.document;
    const { results, indices, errors } = await model.predictBatch(records);
    assert.deepEqual(errors, []);
    assert.deepEqual(indices, records.map((_, i) => i));

    const worst = compareWithSklearn(reference.cases, results, name);
    t.diagnostic(`${records.length} held-out records; labels equal; max |package - scikit-learn| = ${worst.toExponential(3)}`);
    assert.ok(worst <= TOLERANCE, `${name}: max |diff| ${worst} > ${TOLERANCE}`);

    // Optional fields: the reference exercises both an absent field and an explicit null.
    const required = new Set(schema.input.required ?? []);
    for (const field of Object.keys(schema.input.properties ?? {}).filter((f) => !required.has(f))) {
      assert.ok(records.some((r) => !(field in r)), `${name}: a record without ${field}`);
      assert.ok(records.some((r) => r[field] === null), `${name}: a record with ${field}: null`);
    }

    ort.env.wasm.numThreads = 1;
    const session = await ort.InferenceSession.create(readFileSync(new URL(file, modelsDir)));
    const raw = decodeByHand(schema, await session.run(packByHand(schema, records)), records.length);
    await session.release();
    results.forEach((result, i) => {
      assert.deepEqual(Object.keys(result).sort(), Object.keys(raw[i]).sort());
      for (const [key, value] of Object.entries(raw[i])) {
        if (typeof value !== 'object') assert.ok(Object.is(result[key], value), `${name} record ${i} ${key}: ${result[key]} vs raw ${value}`);
        else for (const [c, p] of Object.entries(value)) assert.ok(Object.is(result[key][c], p), `${name} record ${i} ${key}.${c}: ${result[key][c]} vs raw ${p}`);
      }
    });
    model.dispose();
  });
}
