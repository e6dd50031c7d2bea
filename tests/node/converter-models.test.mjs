// Models as scikit-learn's converter exports them (tests/fixtures/make_pipeline_models.py, trained
// on iris, wine and diabetes into build/fixtures/pipelines by scripts/test.sh): classifiers ending
// in a ZipMap, one input per column, string and int64 inputs, no embedded schema. Loaded through
// the package entry over a real HTTP server on 127.0.0.1, as a user would load them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as ort from 'onnxruntime-web/wasm';
import { loadModel, OnnxPredictError } from 'onnx-predict';

import { startStaticServer } from '../../scripts/static-server.mjs';

const TOLERANCE = 1e-5;
const dir = new URL('../../build/fixtures/pipelines/', import.meta.url);
if (!existsSync(new URL('manifest.json', dir))) {
  throw new Error('missing build/fixtures/pipelines: run /usr/bin/python3 tests/fixtures/make_pipeline_models.py build/fixtures/pipelines');
}
const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8'));
const entry = (name) => manifest.find((m) => m.name === name);
const readJson = (file) => JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
let server;
let base;

before(async () => {
  server = await startStaticServer({ routes: { '/': fileURLToPath(dir) } });
  base = server.url;
  ort.env.wasm.numThreads = 1;
});
after(() => server.close());

// Records keyed by model input name → the feeds a user of raw ORT would build for these models
// (make_pipeline_models.py: wine's numbers are float32, diabetes' float64 and its sex int64).
function feedsByHand(session, records) {
  const feeds = {};
  for (const name of session.inputNames) {
    const values = records.map((r) => r[name]);
    const dims = [records.length, 1];
    if (Array.isArray(values[0])) feeds[name] = new ort.Tensor('float32', Float32Array.from(values.flat()), [records.length, values[0].length]);
    else if (typeof values[0] === 'string') feeds[name] = new ort.Tensor('string', values, dims);
    else if (name === 'sex') feeds[name] = new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
    else if (entry('wine_pipeline').inputs.includes(name)) feeds[name] = new ort.Tensor('float32', Float32Array.from(values), dims);
    else feeds[name] = new ort.Tensor('float64', Float64Array.from(values), dims);
  }
  return feeds;
}

// Largest |package - scikit-learn| over probabilities and values (keys: the model's output names,
// or the explicit schema's keys mapped through `from`); labels must be equal.
function worstDifference(cases, results, keyOf = (k) => k) {
  let worst = 0;
  cases.forEach(({ output }, i) => {
    for (const [name, expected] of Object.entries(output)) {
      const actual = results[i][keyOf(name)];
      if (typeof expected === 'object') {
        assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `record ${i}: ${name} classes`);
        for (const [c, p] of Object.entries(expected)) worst = Math.max(worst, Math.abs(actual[c] - p));
      } else if (name === 'output_label') {
        assert.equal(actual, expected, `record ${i}: label`);
      } else {
        worst = Math.max(worst, Math.abs((Array.isArray(actual) ? actual[0] : actual) - expected));
      }
    }
  });
  return worst;
}

for (const name of ['iris_zipmap', 'wine_pipeline']) {
  test(`${name}: the ZipMap is rewritten at load; probabilities equal the hand-removed twin's bit for bit and scikit-learn's within 1e-5`, async (t) => {
    const { zipmap, nozipmap } = entry(name);
    const reference = readJson(`${name}.reference.json`);
    const records = reference.cases.map((c) => c.input);

    // The problem this solves: raw ONNX Runtime Web cannot return the converter's output.
    const zipmapSession = await ort.InferenceSession.create(readFileSync(new URL(`${name}.onnx`, dir)));
    await assert.rejects(zipmapSession.run(feedsByHand(zipmapSession, records)), /non-tensor/);
    await zipmapSession.release();

    const model = await loadModel(`${base}/${name}.onnx`);
    const { rewrite } = model.info;
    assert.equal(rewrite.enabled, true);
    assert.equal(rewrite.changed, true);
    assert.equal(rewrite.rewrites.length, 1);
    assert.equal(rewrite.rewrites[0].output, 'output_probability');
    assert.equal(rewrite.rewrites[0].newOutput, 'output_probability');
    assert.deepEqual(rewrite.rewrites[0].classes, zipmap.classes);
    assert.equal(rewrite.rewrites[0].int64Labels, zipmap.int64Labels);
    assert.match(rewrite.rewrites[0].note, /ZipMap/);
    assert.deepEqual(rewrite.notes, []);
    assert.deepEqual(model.info.graph.output.find((o) => o.name === 'output_probability').type.tensorType.elemType, 1);
    assert.equal(model.schema.source, 'derived');
    assert.deepEqual(model.schema.document.output.output_probability,
      { from: 'output_probability', kind: 'probabilities', classes: zipmap.classes });

    const { results, errors } = await model.predictBatch(records);
    assert.deepEqual(errors, []);
    const worst = worstDifference(reference.cases, results);
    assert.ok(worst <= TOLERANCE, `max |package - scikit-learn| = ${worst}`);

    const twin = await ort.InferenceSession.create(readFileSync(new URL(nozipmap, dir)));
    const raw = await twin.run(feedsByHand(twin, records));
    await twin.release();
    const width = zipmap.classes.length;
    results.forEach((result, r) => {
      assert.deepEqual(Object.keys(result.output_probability), zipmap.classes.slice().sort((a, b) => {
        const ia = /^(0|[1-9]\d*)$/.test(a), ib = /^(0|[1-9]\d*)$/.test(b);  // JS orders integer keys first
        return ia && ib ? Number(a) - Number(b) : ia ? -1 : ib ? 1 : zipmap.classes.indexOf(a) - zipmap.classes.indexOf(b);
      }));
      zipmap.classes.forEach((c, j) => {
        assert.ok(Object.is(result.output_probability[c], raw.probabilities.data[r * width + j]), `record ${r} class ${c}: bit for bit`);
      });
      const label = raw.output_label.data[r];
      assert.equal(result.output_label, typeof label === 'bigint' ? Number(label) : label);
    });
    t.diagnostic(`${records.length} held-out records: probabilities bit for bit equal to the ZipMap-free twin's; ` +
      `labels equal scikit-learn's; max |package - scikit-learn| = ${worst.toExponential(2)}`);
    model.dispose();
  });
}

test('rewriteZipMap: false runs the model as given: labels still come, the ZipMap output is left out, and info says so', async () => {
  const reference = readJson('iris_zipmap.reference.json');
  const model = await loadModel(`${base}/iris_zipmap.onnx`, { rewriteZipMap: false });
  assert.deepEqual(model.info.rewrite, { enabled: false, changed: false, rewrites: [], notes: [] });
  assert.ok(model.info.graph.output.find((o) => o.name === 'output_probability').type.sequenceType);
  assert.deepEqual(Object.keys(model.schema.document.output), ['output_label']);
  const result = await model.predict(reference.cases[0].input);
  assert.deepEqual(result, { output_label: reference.cases[0].output.output_label });
  model.dispose();
});

test('per-column models predict from plain records with a derived schema: strings, int64 and float64 inputs, enums from the encoder', async (t) => {
  const wine = await loadModel(`${base}/wine_pipeline.onnx`);
  const input = wine.schema.document.input;
  assert.deepEqual(input.properties.hue_band, { type: 'string', enum: ['low', 'medium', 'high'] });
  assert.deepEqual(input.properties.alcohol, { type: 'number' });
  assert.deepEqual(wine.schema.document.bind.hue_band, { dtype: 'string', field: 'hue_band' });
  // In the signature's order, as the converter laid the columns out.
  assert.deepEqual(Object.keys(input.properties), entry('wine_pipeline').inputs);
  assert.deepEqual(input.required, entry('wine_pipeline').inputs);
  assert.deepEqual(Object.keys(wine.schema.document.bind), entry('wine_pipeline').inputs);

  const diabetes = await loadModel(`${base}/diabetes_columns.onnx`);
  assert.deepEqual(diabetes.schema.document.input.properties.sex, { type: 'integer' });
  assert.deepEqual(diabetes.schema.document.bind.sex, { dtype: 'int64', field: 'sex' });
  assert.deepEqual(diabetes.schema.document.bind.bmi, { dtype: 'float64', field: 'bmi' });
  assert.deepEqual(diabetes.info.rewrite.changed, false);

  for (const [name, model] of [['wine_pipeline', wine], ['diabetes_columns', diabetes]]) {
    const reference = readJson(`${name}.reference.json`);
    const { results, errors } = await model.predictBatch(reference.cases.map((c) => c.input));
    assert.deepEqual(errors, []);
    const worst = worstDifference(reference.cases, results);
    assert.ok(worst <= TOLERANCE, `${name}: max |package - scikit-learn| = ${worst}`);
    t.diagnostic(`${name} (derived schema): ${results.length} held-out records, max |package - scikit-learn| = ${worst.toExponential(2)}`);
  }
  // A derived raw output keeps the [N, 1] row as ORT gives it.
  assert.ok(Array.isArray((await diabetes.predict(readJson('diabetes_columns.reference.json').cases[0].input)).variable));

  // The same records as columns.
  const reference = readJson('wine_pipeline.reference.json');
  const columns = Object.fromEntries(entry('wine_pipeline').inputs.map((f) => [f, reference.cases.map((c) => c.input[f])]));
  const fromColumns = await wine.predictColumns(columns);
  const fromRecords = await wine.predictBatch(reference.cases.map((c) => c.input));
  assert.deepEqual(fromColumns, fromRecords);
  wine.dispose();
  diabetes.dispose();
});

test('the same models with the explicit schema a user would write: named fields, kind label/value, enum from the schema', async (t) => {
  for (const name of ['iris_zipmap', 'wine_pipeline', 'diabetes_columns']) {
    const schema = readJson(`${name}.schema.json`);
    const reference = readJson(`${name}.reference.json`);
    const cases = reference.namedCases ?? reference.cases;
    const model = await loadModel(`${base}/${name}.onnx`, { schema });
    assert.equal(model.schema.source, 'given');
    const { results, errors } = await model.predictBatch(cases.map((c) => c.input));
    assert.deepEqual(errors, []);
    const keyOf = (output) => Object.keys(schema.output).find((k) => schema.output[k].from === output);
    const worst = worstDifference(cases, results, keyOf);
    assert.ok(worst <= TOLERANCE, `${name}: max |package - scikit-learn| = ${worst}`);
    if (name === 'diabetes_columns') assert.equal(typeof results[0].value, 'number');
    t.diagnostic(`${name} (explicit schema): ${results.length} records, max |package - scikit-learn| = ${worst.toExponential(2)}`);
    model.dispose();
  }
});

test('a string outside the category list is an enum error, from the derived and from the explicit schema; the model keeps working', async () => {
  const reference = readJson('wine_pipeline.reference.json');
  const good = reference.cases[0].input;
  for (const options of [{}, { schema: readJson('wine_pipeline.schema.json') }]) {
    const model = await loadModel(`${base}/wine_pipeline.onnx`, options);
    const records = [good, { ...good, hue_band: 'purple' }, { ...good, hue_band: 3 }, { ...good, hue_band: 'Low' }];
    const { results, indices, errors } = await model.predictBatch(records, { onInvalid: 'skip' });
    assert.deepEqual(indices, [0]);
    assert.equal(results.length, 1);
    assert.deepEqual(errors.map((e) => [e.loc, e.type]), [
      [[1, 'hue_band'], 'enum'], [[2, 'hue_band'], 'string_type'], [[3, 'hue_band'], 'enum'],
    ]);
    assert.match(errors[0].msg, /'low', 'medium' or 'high'/);
    await assert.rejects(model.predict({ ...good, hue_band: 'purple' }),
      (e) => e instanceof OnnxPredictError && e.code === 'validation_failed' && e.details.errors[0].type === 'enum');
    assert.deepEqual(await model.predict(good), results[0]);
    model.dispose();
  }
  const diabetes = await loadModel(`${base}/diabetes_columns.onnx`);
  const record = readJson('diabetes_columns.reference.json').cases[0].input;
  const { errors } = await diabetes.predictBatch([{ ...record, sex: 1.5 }, { ...record, sex: '2' }], { onInvalid: 'skip' });
  assert.deepEqual(errors.map((e) => [e.loc, e.type]), [[[0, 'sex'], 'int_from_float'], [[1, 'sex'], 'int_type']]);
  diabetes.dispose();
});

test('a ZipMap the rewrite must decline is loaded unchanged; when ONNX Runtime then refuses the model, the error says why', async () => {
  // tests/fixtures/make_converter_models.py: the ZipMap's sequence output also feeds a
  // SequenceLength node (main graph, or inside an If branch), so rewriting it would change the
  // model; ONNX Runtime itself refuses the model as it is (SequenceLength takes no seq(map)).
  const converter = new URL('../../build/fixtures/converter/', import.meta.url);
  for (const [file, where] of [['declined_consumer.onnx', /also feeds/], ['declined_subgraph.onnx', /SequenceLength/]]) {
    await assert.rejects(loadModel(readFileSync(new URL(file, converter))), (e) => {
      assert.equal(e.code, 'invalid_model');
      assert.match(e.message, /ONNX Runtime could not load the model/);
      assert.match(e.message, /the ai\.onnx\.ml ZipMap is left unchanged/);
      assert.equal(e.details.rewriteNotes.length, 1);
      assert.equal(e.details.rewriteNotes[0].output, 'output_probability');
      assert.match(e.details.rewriteNotes[0].note, where);
      return true;
    }, file);
  }
  // The core keeps working: a good model loads and predicts afterwards.
  const model = await loadModel(`${base}/wine_pipeline.onnx`);
  assert.equal((await model.predict(readJson('wine_pipeline.reference.json').cases[0].input)).output_label,
    readJson('wine_pipeline.reference.json').cases[0].output.output_label);
  model.dispose();
});
