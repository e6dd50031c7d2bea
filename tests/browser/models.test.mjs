// Every model in models/ reproduces scikit-learn's held-out predictions (models/*.reference.json,
// written by models/make_models.py) through the <script> build in Chromium, exactly as it does
// through the package in Node: labels equal, probabilities and values within the file's tolerance.
// So do the converter-shaped models of tests/fixtures/make_pipeline_models.py (ZipMap outputs,
// per-column float, int64 and string inputs, derived schemas).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { loadModel } from 'onnx-predict';

import { ROOT, launchBrowser, openPage, startStaticServer } from './harness.mjs';

const MODELS = join(ROOT, 'models');
const PIPELINES = join(ROOT, 'build/fixtures/pipelines');
const references = readdirSync(MODELS).filter((f) => f.endsWith('.reference.json')).sort()
  .map((f) => JSON.parse(readFileSync(join(MODELS, f), 'utf8')));
let server;
let browser;
let page;

before(async () => {
  server = await startStaticServer({ routes: { '/dist/': 'dist', '/models/': 'models', '/pipelines/': 'build/fixtures/pipelines', '/pages/': 'tests/browser/pages' } });
  browser = await launchBrowser();
  page = await openPage(browser.context, `${server.url}/pages/script-tag.html`);
});
after(async () => {
  await browser?.close();
  await server?.close();
});

function assertMatchesReference(results, reference) {
  const tolerance = reference.tolerance;
  assert.equal(results.length, reference.cases.length);
  reference.cases.forEach(({ output }, i) => {
    for (const [key, expected] of Object.entries(output)) {
      const raw = results[i][key];
      const actual = Array.isArray(raw) && raw.length === 1 ? raw[0] : raw;  // a derived raw [N, 1] output
      if (typeof expected === 'number') {
        assert.ok(Math.abs(actual - expected) <= tolerance, `case ${i} ${key}: ${actual} vs scikit-learn ${expected}`);
      } else if (typeof expected === 'object' && expected !== null) {
        assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), `case ${i} ${key}`);
        for (const [cls, p] of Object.entries(expected)) {
          assert.ok(Math.abs(actual[cls] - p) <= tolerance, `case ${i} ${key}[${cls}]: ${actual[cls]} vs scikit-learn ${p}`);
        }
      } else {
        assert.equal(actual, expected, `case ${i} ${key}`);
      }
    }
  });
}

test('there are reference predictions for every shipped model', () => {
  const onnx = readdirSync(MODELS).filter((f) => f.endsWith('.onnx')).sort();
  assert.deepEqual(references.map((r) => r.model).sort(), onnx);
});

for (const reference of references) {
  test(`${reference.model}: Chromium reproduces scikit-learn's ${reference.cases.length} held-out predictions, and Node's bit for bit`, async () => {
    const inputs = reference.cases.map((c) => c.input);
    const inBrowser = await page.evaluate(async ({ url, inputs }) => {
      const model = await OnnxPredict.loadModel(url, { cache: 'no-store' });
      try {
        return await model.predictBatch(inputs);
      } finally {
        model.dispose();
      }
    }, { url: `/models/${reference.model}`, inputs });
    assertMatchesReference(inBrowser.results, reference);

    const model = await loadModel(readFileSync(join(MODELS, reference.model)));
    const inNode = await model.predictBatch(inputs);
    model.dispose();
    assert.deepEqual(inBrowser, inNode);
  });
}

for (const name of ['iris_zipmap', 'wine_pipeline', 'diabetes_columns']) {
  test(`${name} (converter layout, derived schema): Chromium gives scikit-learn's answers and Node's bits; a wrong category is an enum error`, async () => {
    const reference = JSON.parse(readFileSync(join(PIPELINES, `${name}.reference.json`), 'utf8'));
    const inputs = reference.cases.map((c) => c.input);
    const inBrowser = await page.evaluate(async ({ url, inputs }) => {
      const model = await OnnxPredict.loadModel(url, { cache: 'no-store' });
      try {
        const batch = await model.predictBatch(inputs);
        const wrong = 'hue_band' in inputs[0] ? model.validate([{ ...inputs[0], hue_band: 'purple' }]) : [];
        return { batch, wrong, changed: model.info.rewrite.changed };
      } finally {
        model.dispose();
      }
    }, { url: `/pipelines/${name}.onnx`, inputs });
    assertMatchesReference(inBrowser.batch.results, reference);
    assert.equal(inBrowser.changed, name !== 'diabetes_columns');
    if (name === 'wine_pipeline') assert.deepEqual(inBrowser.wrong.map((e) => [e.loc, e.type]), [[[0, 'hue_band'], 'enum']]);

    const model = await loadModel(readFileSync(join(PIPELINES, `${name}.onnx`)));
    const inNode = await model.predictBatch(inputs);
    model.dispose();
    assert.deepEqual(inBrowser.batch, inNode);
  });
}
