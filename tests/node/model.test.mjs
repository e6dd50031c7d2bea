// loadModel and Model through the package entry, against a real HTTP server on 127.0.0.1 and
// real ONNX Runtime Web: the answers, batches, concurrency, faults and disposal a user relies on.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, test } from 'node:test';

import * as ort from 'onnxruntime-web/wasm';
import { loadModel, OnnxPredictError } from 'onnx-predict';
import { layoutKey } from '../../dist/model.js';

import { IRIS_FEATURES, irisRecords } from '../iris-records.mjs';
import { rowsOf } from '../result-columns.mjs';

const irisBytes = readFileSync(new URL('../../models/iris.onnx', import.meta.url));
const routes = new Map([
  ['/iris.onnx', { type: 'application/octet-stream', body: irisBytes }],
  ['/error-page.onnx', { type: 'text/html', body: Buffer.from('<!DOCTYPE html><html><body>Service unavailable</body></html>') }],
  ['/model.pkl', { type: 'application/octet-stream', body: execFileSync('/usr/bin/python3', ['-c',
    'import pickle, sys; sys.stdout.buffer.write(pickle.dumps({"coef": [1.0, 2.0]}, protocol=4))']) }],
]);
let server;
let base;

before(async () => {
  server = createServer((req, res) => {
    const route = routes.get(req.url);
    if (!route) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': route.type, 'content-length': route.body.length }).end(route.body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

test('predictions equal raw ONNX Runtime Web on the same float32 inputs, bit for bit', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batch = irisRecords(500);
  const { results, indices, errors } = await model.predictBatch(batch);
  assert.equal(errors.length, 0);
  assert.deepEqual(indices, batch.map((_, i) => i));

  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(irisBytes);
  const input = Float32Array.from(batch.flatMap((r) => IRIS_FEATURES.map((f) => r[f])));
  const raw = await session.run({ X: new ort.Tensor('float32', input, [batch.length, 4]) });
  const classes = ['setosa', 'versicolor', 'virginica'];
  results.forEach((result, i) => {
    assert.equal(result.label, classes[Number(raw.label.data[i])]);
    classes.forEach((c, k) => assert.equal(result.probabilities[c], raw.probabilities.data[i * 3 + k], `row ${i} ${c}`));
  });
  await session.release();
  model.dispose();
});

test('predictBatch of 13,000 records (two slices) with 1% invalid skips them, keeps input order and reports each loc', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batch = irisRecords(13000, 7);
  for (let i = 50; i < 13000; i += 100) batch[i] = { ...batch[i], petal_width: -1 };
  const { results, indices, errors } = await model.predictBatch(batch, { onInvalid: 'skip' });
  assert.equal(results.length, 12870);
  assert.equal(errors.length, 130);
  assert.deepEqual(errors.map((e) => e.loc), batch.map((_, i) => i).filter((i) => i % 100 === 50).map((i) => [i, 'petal_width']));
  assert.ok(errors.every((e) => e.type === 'greater_than_equal'));
  assert.deepEqual(indices, batch.map((_, i) => i).filter((i) => i % 100 !== 50));
  const single = await model.predict(batch[indices[1234]]);
  assert.deepEqual(results[1234], single);
  // 13,000 records run as two slices of 6,500 (about 8,192 each, no short tail): the results of
  // those two batches, merged in order. (ORT's kernels can differ in the last bit between batch
  // sizes, so a slice is compared with the same slice run on its own.)
  const slices = [...(await model.predictBatch(batch.slice(0, 6500), { onInvalid: 'skip' })).results,
    ...(await model.predictBatch(batch.slice(6500), { onInvalid: 'skip' })).results];
  assert.deepEqual(results, slices);
  await assert.rejects(model.predictBatch(batch), (e) => e.code === 'validation_failed' && e.details.errors.length === 130);
  model.dispose();
});

test('strings scattered through a number column are each reported with their own input', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batch = irisRecords(6, 3);
  batch[1] = { ...batch[1], sepal_length: 'n/a' };
  batch[4] = { ...batch[4], sepal_length: 'wide', petal_width: 'x' };
  const { results, errors } = await model.predictBatch(batch, { onInvalid: 'skip' });
  assert.equal(results.length, 4);
  assert.deepEqual(errors.map((e) => [e.loc, e.type, e.input]), [
    [[1, 'sepal_length'], 'float_type', 'n/a'],
    [[4, 'petal_width'], 'float_type', 'x'],
    [[4, 'sepal_length'], 'float_type', 'wide'],
  ]);
  model.dispose();
});

test("errors: Pydantic's key order, each error its own objects, every input as the caller gave it", async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batch = irisRecords(8, 5);
  batch[0] = { ...batch[0], sepal_length: -1, petal_length: -2 };
  batch[1] = { ...batch[1], sepal_length: -1 };
  batch[2] = { ...batch[2], sepal_width: NaN, petal_width: -Infinity };
  batch[3] = { ...batch[3], sepal_width: true, petal_width: null };
  batch[4] = { sepal_length: 'größe', petal_length: { nested: [1, 'two'] } };
  batch[5] = { sepal_length: 'größe', petal_length: { nested: [1, 'two'] } };
  batch[6] = JSON.parse('{"__proto__": {"a": 1}, "sepal_length": 1, "sepal_width": 1}');
  const { results, errors } = await model.predictBatch(batch, { onInvalid: 'skip' });
  assert.equal(results.length, 1);
  // The failing value itself, also NaN and -Infinity (JSON text would make them null); for
  // `missing`, the record that lacks the field.
  for (const e of errors) {
    const given = e.type === 'missing' ? batch[e.loc[0]] : batch[e.loc[0]][e.loc[1]];
    if (typeof given === 'object' && given !== null) assert.deepEqual(e.input, given, `${e.type} at ${e.loc}`);
    else assert.ok(Object.is(e.input, given), `${e.type} at ${e.loc}: ${e.input}`);
  }
  assert.deepEqual(errors.map((e) => `${e.loc}`), ['0,petal_length', '0,sepal_length', '1,sepal_length', '2,petal_width', '2,sepal_width',
    '3,petal_width', '3,sepal_width', '4,petal_length', '4,petal_width', '4,sepal_length', '4,sepal_width',
    '5,petal_length', '5,petal_width', '5,sepal_length', '5,sepal_width', '6,__proto__', '6,petal_length', '6,petal_width']);
  // (an own "__proto__" key stays an own key)
  assert.deepEqual(errors.filter((e) => e.loc[0] === 6).map((e) => [e.type, Object.keys(e.input)]),
    [['extra_forbidden', ['a']], ...[1, 2].map(() => ['missing', ['__proto__', 'sepal_length', 'sepal_width']])]);
  const ge = errors.filter((e) => e.type === 'greater_than_equal');
  assert.equal(ge.length, 3);
  for (const e of ge) assert.deepEqual(Object.keys(e), ['type', 'loc', 'msg', 'input', 'ctx']);
  assert.deepEqual(Object.keys(errors.find((e) => e.type === 'float_type')), ['type', 'loc', 'msg', 'input']);
  // Errors that repeat a ctx or an input share no object: changing one leaves the others as they were.
  ge[0].ctx.ge = 99;
  ge[0].loc.push('x');
  const missing = errors.filter((e) => e.type === 'missing' && e.loc[0] === 4);
  missing[0].input.sepal_length = 'changed';
  missing[0].input.petal_length.nested.push(4);
  const nested = errors.filter((e) => e.loc[1] === 'petal_length' && e.loc[0] >= 4);
  nested[0].input.nested.push(3);
  assert.deepEqual([ge[1].ctx, ge[2].ctx, ge[1].loc], [{ ge: 0 }, { ge: 0 }, [0, 'sepal_length']]);
  assert.equal(missing[1].input.sepal_length, 'größe');
  assert.deepEqual(missing[1].input.petal_length, { nested: [1, 'two'] });
  assert.deepEqual(nested[1].input, { nested: [1, 'two'] });
  model.dispose();
});

test('a batch above limits.maxBatch runs in chunks with results identical to one run', async () => {
  const whole = await loadModel(`${base}/iris.onnx`);
  const embedded = whole.schema.document;
  const chunked = await loadModel(`${base}/iris.onnx`, { schema: { ...embedded, limits: { maxBatch: 7 } } });
  assert.equal(chunked.schema.source, 'given');
  const batch = irisRecords(100, 3);
  assert.deepEqual((await chunked.predictBatch(batch)).results, (await whole.predictBatch(batch)).results);
  whole.dispose();
  chunked.dispose();
});

test('100 concurrent predictBatch calls on one model each get their own rows', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batches = Array.from({ length: 100 }, (_, i) => irisRecords(1 + (i % 13), i + 1));
  const expected = [];
  for (const b of batches) expected.push((await model.predictBatch(b)).results);
  const concurrent = await Promise.all(batches.map((b) => model.predictBatch(b)));
  concurrent.forEach((r, i) => assert.deepEqual(r.results, expected[i], `batch ${i}`));
  model.dispose();
});

// Iris with its embedded schema edited by python3-onnx: a bind the signature cannot take, and
// an example whose expected label is wrong (the self-check must catch it).
function irisWithSchemaEdit(edit) {
  return execFileSync('/usr/bin/python3', ['-c', `
import json, sys, onnx
model = onnx.load(sys.argv[1])
prop = next(p for p in model.metadata_props if p.key == "onnx_predict.schema")
schema = json.loads(prop.value)
${edit}
prop.value = json.dumps(schema)
sys.stdout.buffer.write(model.SerializeToString())`, new URL('../../models/iris.onnx', import.meta.url).pathname]);
}

test('each fault gives its own code, leaves no cache entry, and a good model still loads afterwards', async (t) => {
  const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const cacheDir = mkdtempSync(join(tmpdir(), 'onnx-predict-cache-'));
  t.after(() => rmSync(cacheDir, { recursive: true, force: true }));

  const mismatched = irisWithSchemaEdit('schema["bind"]["X"]["dtype"] = "float64"');
  const wrongExample = irisWithSchemaEdit('schema["examples"][0]["output"]["label"] = "virginica"');
  const hits = new Map();
  const faulty = createServer((req, res) => {
    const n = (hits.get(req.url) ?? 0) + 1;
    hits.set(req.url, n);
    const send = (body, type = 'application/octet-stream') => res.writeHead(200, { 'content-type': type, 'content-length': body.length }).end(body);
    switch (req.url) {
      case '/flaky.onnx': return n === 1 ? res.writeHead(500).end('try again') : send(irisBytes);
      case '/truncated.onnx':  // promises every byte, sends half, hangs up
        res.writeHead(200, { 'content-length': irisBytes.length });
        return res.end(irisBytes.subarray(0, irisBytes.length >> 1), () => res.destroy());
      case '/stall.onnx':  // headers and a first chunk, then silence
        res.writeHead(200, { 'content-length': irisBytes.length });
        return res.write(irisBytes.subarray(0, 100));
      case '/slow.onnx': {  // 100 bytes every 50 ms
        res.writeHead(200, { 'content-length': irisBytes.length });
        let sent = 0;
        const timer = setInterval(() => {
          if (res.destroyed || sent >= irisBytes.length) return clearInterval(timer);
          res.write(irisBytes.subarray(sent, (sent += 100)));
        }, 50);
        return undefined;
      }
      case '/error-page.onnx': return send(Buffer.from('<!DOCTYPE html><html><body>Service unavailable</body></html>'), 'text/html');
      case '/model.pkl': return send(routes.get('/model.pkl').body);
      case '/mismatched.onnx': return send(mismatched);
      case '/wrong-example.onnx': return send(wrongExample);
      case '/iris.onnx': return send(irisBytes);
      default: return res.writeHead(404).end('not found');
    }
  });
  await new Promise((resolve) => faulty.listen(0, '127.0.0.1', resolve));
  t.after(() => { faulty.closeAllConnections(); faulty.close(); });
  const at = (path) => `http://127.0.0.1:${faulty.address().port}${path}`;

  const expectCode = async (promise, code) => {
    await assert.rejects(promise, (e) => {
      assert.ok(e instanceof OnnxPredictError, String(e));
      assert.equal(e.code, code, e.message);
      return true;
    });
    assert.deepEqual(readdirSync(cacheDir), [], `a failed load (${code}) left a cache entry`);
  };
  const aborted = new AbortController();
  await expectCode(loadModel(at('/missing.onnx'), { cacheDir }), 'http_error');
  await expectCode(loadModel(at('/truncated.onnx'), { cacheDir, retries: 0 }), 'fetch_failed');
  await expectCode(loadModel(at('/stall.onnx'), { cacheDir, timeoutMs: 300 }), 'timeout');
  await expectCode(loadModel(at('/slow.onnx'), { cacheDir, signal: aborted.signal,
    onProgress: ({ loaded }) => { if (loaded >= 500) aborted.abort(); } }), 'aborted');
  await expectCode(loadModel(at('/iris.onnx'), { cacheDir, sha256: '0'.repeat(64) }), 'integrity_mismatch');
  await expectCode(loadModel(at('/error-page.onnx'), { cacheDir }), 'unsupported_format');
  await expectCode(loadModel(at('/model.pkl'), { cacheDir }), 'unsafe_format');
  await expectCode(loadModel(at('/mismatched.onnx'), { cacheDir }), 'schema_mismatch');
  await expectCode(loadModel(at('/wrong-example.onnx'), { cacheDir }), 'self_check_failed');

  // 500 then 200: retried, loads, and is cached.
  const flaky = await loadModel(at('/flaky.onnx'), { cacheDir });
  assert.equal(hits.get('/flaky.onnx'), 2);
  assert.equal(readdirSync(cacheDir).length, 1);
  flaky.dispose();

  const model = await loadModel(at('/iris.onnx'), { cacheDir });
  const result = await model.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
  assert.equal(result.label, 'setosa');
  model.dispose();
});

test('dispose is idempotent and use after dispose is a disposed error', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  model.dispose();
  model.dispose();
  assert.throws(() => model.validate([]), (e) => e.code === 'disposed');
  await assert.rejects(model.predict({}), (e) => e.code === 'disposed');
});

test('offline: a model loaded once with a cache loads again with the server gone, and predicts the same', async () => {
  const { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync: read } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const cacheDir = mkdtempSync(join(tmpdir(), 'onnx-predict-cache-'));
  const own = createServer((req, res) => res.writeHead(200, { 'content-length': irisBytes.length }).end(irisBytes));
  await new Promise((resolve) => own.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${own.address().port}/iris.onnx`;
  const batch = irisRecords(50, 11);
  const online = await loadModel(url, { cacheDir });
  const expected = (await online.predictBatch(batch)).results;
  online.dispose();
  await new Promise((resolve) => own.close(resolve));

  const offline = await loadModel(url, { cacheDir, retries: 0 });
  assert.deepEqual((await offline.predictBatch(batch)).results, expected);
  offline.dispose();

  // A corrupted entry is detected: with the server gone, loading fails instead of using it;
  // with the server back, it is refetched and the entry repaired.
  const [entry] = readdirSync(cacheDir);
  const bytes = read(join(cacheDir, entry));
  bytes[bytes.length - 10] ^= 0xff;
  writeFileSync(join(cacheDir, entry), bytes);
  await assert.rejects(loadModel(url, { cacheDir, retries: 0 }), (e) => e.code === 'fetch_failed');
  let requests = 0;
  const again = createServer((req, res) => { requests++; res.writeHead(200, { 'content-length': irisBytes.length }).end(irisBytes); });
  await new Promise((resolve) => again.listen(Number(new URL(url).port), '127.0.0.1', resolve));
  const refetched = await loadModel(url, { cacheDir });
  assert.equal(requests, 1);
  assert.deepEqual((await refetched.predictBatch(batch)).results, expected);
  assert.deepEqual(read(join(cacheDir, entry)).subarray(-irisBytes.length), irisBytes);
  refetched.dispose();
  await new Promise((resolve) => again.close(resolve));
  rmSync(cacheDir, { recursive: true, force: true });
});

test('predictColumns from typed arrays gives what predictBatch gives for the same records', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batch = irisRecords(300, 5);
  batch[17] = { ...batch[17], sepal_width: 'wide' };
  const columns = Object.fromEntries(IRIS_FEATURES.map((f) => [f, Float64Array.from(batch, (r) => (typeof r[f] === 'number' ? r[f] : NaN))]));
  columns.sepal_width = batch.map((r) => r.sepal_width);  // a plain array with a string in it
  const fromColumns = await model.predictColumns(columns, { onInvalid: 'skip' });
  const fromRecords = await model.predictBatch(batch, { onInvalid: 'skip' });
  assert.deepEqual(fromColumns, fromRecords);
  assert.deepEqual(fromColumns.errors.map((e) => [e.loc, e.type]), [[[17, 'sepal_width'], 'float_type']]);
  model.dispose();
});

test('predictColumns of 13,000 rows with a plain-array column runs in slices: results, indices and errors as predictBatch', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batch = irisRecords(13000, 23);
  batch[17] = { ...batch[17], sepal_width: 'wide' };
  batch[12500] = { ...batch[12500], sepal_width: 'narrow' };  // in the second slice
  const columns = Object.fromEntries(IRIS_FEATURES.map((f) => [f, Float64Array.from(batch, (r) => r[f])]));
  columns.sepal_width = batch.map((r) => r.sepal_width);
  const fromRecords = await model.predictBatch(batch, { onInvalid: 'skip' });
  assert.deepEqual(await model.predictColumns(columns, { onInvalid: 'skip' }), fromRecords);
  assert.deepEqual(fromRecords.errors.map((e) => e.loc), [[17, 'sepal_width'], [12500, 'sepal_width']]);
  const columnar = await model.predictColumns(columns, { onInvalid: 'skip', output: 'columns' });
  assert.deepEqual(Array.from(columnar.indices), fromRecords.indices);
  assert.deepEqual(rowsOf(columnar), fromRecords.results);
  await assert.rejects(model.predictColumns(columns), (e) => e.code === 'validation_failed' && e.details.errors.length === 2);
  model.dispose();
});

/** models/iris.onnx without its embedded schema; with string class labels when `stringLabels`. */
function irisVariant(stringLabels) {
  return execFileSync('/usr/bin/python3', ['-c', `
import sys, onnx
from onnx import helper, TensorProto
m = onnx.load(sys.argv[1])
if sys.argv[2] == 'strings':
    node = m.graph.node[0]
    for a in list(node.attribute):
        if a.name == 'classlabels_ints':
            node.attribute.remove(a)
    node.attribute.append(helper.make_attribute('classlabels_strings', ['setosa', 'versicolor', 'virginica']))
    m.graph.output[0].type.tensor_type.elem_type = TensorProto.STRING
del m.metadata_props[:]
sys.stdout.buffer.write(m.SerializeToString())
`, new URL('../../models/iris.onnx', import.meta.url).pathname, stringLabels ? 'strings' : 'ints']);
}

test('int64 labels (ORT returns a BigInt64Array) decode to class names and to numbers', async () => {
  // models/iris.onnx has integer class labels, as scikit-learn converters export iris's targets.
  const bytes = irisVariant(false);
  const named = await loadModel(bytes, { schema: {
    version: 1,
    input: { type: 'object', properties: Object.fromEntries(IRIS_FEATURES.map((f) => [f, { type: 'number' }])), required: IRIS_FEATURES },
    bind: { X: { dtype: 'float32', features: IRIS_FEATURES } },
    output: { species: { from: 'label', kind: 'label', classes: ['setosa', 'versicolor', 'virginica'] },
              top: { from: 'probabilities', kind: 'top_k', k: 2, classes: ['setosa', 'versicolor', 'virginica'] } },
  } });
  const record = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };
  const result = await named.predict(record);
  assert.equal(result.species, 'virginica');
  assert.deepEqual(result.top.map((t) => t.class), ['virginica', 'versicolor']);
  named.dispose();

  const derived = await loadModel(bytes);  // no schema: a derived one, outputs raw
  assert.equal(derived.schema.source, 'derived');
  const raw = await derived.predict({ X: [6.7, 3.0, 5.2, 2.3] });
  assert.equal(raw.label, 2);
  assert.equal(raw.probabilities.length, 3);
  derived.dispose();
});

test('string labels (ORT returns strings) decode as they are, the same across a batch', async () => {
  const model = await loadModel(irisVariant(true), { schema: {
    version: 1,
    input: { type: 'object', properties: Object.fromEntries(IRIS_FEATURES.map((f) => [f, { type: 'number' }])), required: IRIS_FEATURES },
    bind: { X: { dtype: 'float32', features: IRIS_FEATURES } },
    output: { species: { from: 'label', kind: 'label' } },
  } });
  const records = [{ sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 },
    { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }];
  const { results } = await model.predictBatch([...records, ...records, ...records]);
  assert.deepEqual(results.map((r) => r.species), ['virginica', 'setosa', 'virginica', 'setosa', 'virginica', 'setosa']);
  model.dispose();
});

test('result objects: top_k lists, and class names like __proto__ become own keys', async () => {
  const plain = await loadModel(`${base}/iris.onnx`);
  const document = structuredClone(plain.schema.document);
  plain.dispose();
  const classes = ['__proto__', 'constructor', 'virginica'];
  document.output = {
    label: { from: 'label', kind: 'label' },
    probabilities: { from: 'probabilities', kind: 'probabilities', classes },
    top2: { from: 'probabilities', kind: 'top_k', k: 2, classes },
  };
  delete document.examples;
  const model = await loadModel(`${base}/iris.onnx`, { schema: document });
  const batch = irisRecords(200, 5);
  const { results } = await model.predictBatch(batch);
  for (const r of results) {
    // Plain objects (made by generated constructors whose prototype is Object.prototype).
    for (const o of [r, r.probabilities, ...r.top2]) assert.equal(Object.getPrototypeOf(o), Object.prototype);
    for (const o of [r, ...r.top2]) assert.equal(o.constructor, Object);  // (probabilities has a class named constructor)
    assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
    assert.deepEqual(Object.keys(r.probabilities), classes);
    const ranked = classes.map((c) => [c, r.probabilities[c]]).sort((a, b) => b[1] - a[1]);
    assert.deepEqual(r.top2, ranked.slice(0, 2).map(([c, p]) => ({ class: c, probability: p })));
  }
  model.dispose();
});

test('batches with different label strings share one result builder and each get their own labels', async () => {
  // A builder is compiled per output layout; the distinct labels of a batch are data, not layout
  // (a key holding them would compile and keep one builder per combination of labels seen).
  const column = (names) => [{ name: 'label', form: 'name', width: 1, names }, { name: 'p', form: 'namedNumbers', width: 2, names: ['a', 'b'] }];
  assert.equal(layoutKey(column(['setosa'])), layoutKey(column(['virginica', 'versicolor'])));
  assert.notEqual(layoutKey(column(['setosa'])), layoutKey([column([])[0], { ...column([])[1], names: ['a', 'c'] }]));

  const model = await loadModel(`${base}/iris.onnx`);
  const records = irisRecords(300, 11);
  const { results: whole } = await model.predictBatch(records);
  const labels = [...new Set(whole.map((r) => r.label))];
  assert.ok(labels.length === 3, 'the records cover every class');
  // One label per batch, then pairs, then all: each batch's labels are its own.
  for (const subset of [[labels[0]], [labels[1]], [labels[2]], [labels[0], labels[2]], labels]) {
    const picked = records.filter((_, i) => subset.includes(whole[i].label));
    const { results } = await model.predictBatch(picked);
    assert.deepEqual(results, whole.filter((r) => subset.includes(r.label)));
  }
  model.dispose();
});

test("model.schema.document keeps the author's key order, given or embedded, and equals what the core compiled", async () => {
  const embedded = await loadModel(`${base}/iris.onnx`);
  const text = embedded.info.metadataProps.find((p) => p.key === 'onnx_predict.schema').value;
  const authored = JSON.parse(text);
  assert.equal(embedded.schema.source, 'embedded');
  assert.deepEqual(embedded.schema.document, authored);
  assert.deepEqual(Object.keys(embedded.schema.document), Object.keys(authored));
  assert.deepEqual(Object.keys(embedded.schema.document.input.properties), IRIS_FEATURES);

  // A given schema whose fields are not in sorted order (the core's maps would sort them).
  const reversed = [...IRIS_FEATURES].reverse();
  const given = { ...authored, input: { ...authored.input, properties: Object.fromEntries(reversed.map((f) => [f, authored.input.properties[f]])) } };
  embedded.dispose();
  const model = await loadModel(`${base}/iris.onnx`, { schema: given });
  assert.equal(model.schema.source, 'given');
  assert.deepEqual(Object.keys(model.schema.document.input.properties), reversed);
  assert.deepEqual(model.schema.document, given);
  model.dispose();
});

test('an embedded schema text starting with a byte order mark loads in its order; model.info is read on first use, also after dispose()', async () => {
  const bytes = execFileSync('/usr/bin/python3', ['-c', `
import sys, onnx
model = onnx.load(sys.argv[1])
prop = next(p for p in model.metadata_props if p.key == "onnx_predict.schema")
prop.value = "\\ufeff" + prop.value
sys.stdout.buffer.write(model.SerializeToString())`, new URL('../../models/iris.onnx', import.meta.url).pathname]);
  const model = await loadModel(bytes);
  const text = model.info.metadataProps.find((p) => p.key === 'onnx_predict.schema').value;
  assert.ok(text.startsWith('\ufeff{'));
  assert.equal(model.schema.source, 'embedded');
  assert.deepEqual(model.schema.document, JSON.parse(text.slice(1)));
  assert.deepEqual(Object.keys(model.schema.document.input.properties), IRIS_FEATURES);
  // A model whose info nobody read before dispose() still has it afterwards.
  const unread = await loadModel(bytes);
  unread.dispose();
  assert.deepEqual(unread.info, model.info);
  model.dispose();
});

test("output: 'columns' gives typed columns holding exactly the result objects' values, with the same indices and errors", async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batch = irisRecords(300, 7);
  batch[5] = { ...batch[5], petal_width: -1 };
  batch[299] = { ...batch[299], sepal_width: 'wide' };
  const columns = Object.fromEntries(IRIS_FEATURES.map((f) => [f, batch.map((r) => r[f])]));
  columns.petal_length = Float64Array.from(batch, (r) => r.petal_length);  // typed and plain columns side by side
  const objects = await model.predictBatch(batch, { onInvalid: 'skip' });
  for (const columnar of [await model.predictColumns(columns, { onInvalid: 'skip', output: 'columns' }),
    await model.predictBatch(batch, { onInvalid: 'skip', output: 'columns' })]) {
    assert.equal(columnar.rows, 298);
    assert.ok(columnar.indices instanceof Uint32Array);
    assert.deepEqual(Array.from(columnar.indices), objects.indices);
    assert.deepEqual(columnar.errors, objects.errors);
    assert.deepEqual(Object.keys(columnar.columns), ['label', 'probabilities']);
    const { label, probabilities } = columnar.columns;
    assert.deepEqual([label.form, label.names], ['name', ['setosa', 'versicolor', 'virginica']]);
    assert.ok(label.indices instanceof Uint32Array && label.indices.length === 298);
    // float32 probabilities come back as ONNX Runtime gave them: a Float32Array [rows, classes]
    assert.ok(probabilities.numbers instanceof Float32Array && probabilities.numbers.length === 298 * 3);
    assert.deepEqual(rowsOf(columnar), objects.results);
  }
  await assert.rejects(model.predictColumns(columns, { output: 'columns' }), (e) => e instanceof OnnxPredictError && e.code === 'validation_failed');
  await assert.rejects(model.predictBatch(batch, { output: 'rows' }), (e) => e instanceof OnnxPredictError && e.code === 'invalid_argument');
  const none = await model.predictBatch([batch[5]], { onInvalid: 'skip', output: 'columns' });
  assert.deepEqual([none.rows, none.indices.length, Object.keys(none.columns), none.errors.length], [0, 0, [], 1]);
  model.dispose();
});

test("output: 'columns' over slices and chunks: indices count from the whole batch, string labels merge across chunks", async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const big = irisRecords(13000, 13);  // two slices of 6,500
  big[12500] = { ...big[12500], sepal_length: null };
  const objects = await model.predictBatch(big, { onInvalid: 'skip' });
  const columnar = await model.predictBatch(big, { onInvalid: 'skip', output: 'columns' });
  assert.deepEqual(Array.from(columnar.indices), objects.indices);
  assert.deepEqual(columnar.errors.map((e) => e.loc), [[12500, 'sepal_length']]);
  assert.deepEqual(rowsOf(columnar), objects.results);
  model.dispose();

  // String labels, 5 records per run: each chunk has its own distinct labels, merged into one list.
  const strings = await loadModel(irisVariant(true), { schema: {
    version: 1,
    input: { type: 'object', properties: Object.fromEntries(IRIS_FEATURES.map((f) => [f, { type: 'number' }])), required: IRIS_FEATURES },
    bind: { X: { dtype: 'float32', features: IRIS_FEATURES } },
    output: { species: { from: 'label', kind: 'label' } },
    limits: { maxBatch: 5 },
  } });
  const records = irisRecords(60, 17);
  const expected = (await strings.predictBatch(records)).results;
  assert.ok(new Set(expected.slice(0, 5).map((r) => r.species)).size < 3, 'the first chunk lacks a class');
  const { columns } = await strings.predictBatch(records, { output: 'columns' });
  assert.deepEqual([...columns.species.names].sort(), ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(rowsOf({ rows: 60, columns }), expected);
  strings.dispose();
});

test('batches queue per model: packed buffers reused by the next batch never mix rows', async () => {
  const model = await loadModel(`${base}/iris.onnx`);
  const batches = Array.from({ length: 40 }, (_, i) => irisRecords(50 + (i % 7) * 30, 100 + i));
  const expected = [];
  for (const b of batches) expected.push((await model.predictBatch(b)).results);
  // Records and columns, objects and columns, all in flight at once.
  const concurrent = await Promise.all(batches.map((b, i) => {
    if (i % 3 === 0) return model.predictBatch(b, { output: 'columns' }).then(rowsOf);
    if (i % 3 === 1) {
      const columns = Object.fromEntries(IRIS_FEATURES.map((f) => [f, Float64Array.from(b, (r) => r[f])]));
      return model.predictColumns(columns).then((p) => p.results);
    }
    return model.predictBatch(b).then((p) => p.results);
  }));
  concurrent.forEach((r, i) => assert.deepEqual(r, expected[i], `batch ${i}`));
  model.dispose();
});
