// The demo page (web/demo, served by scripts/serve-demo.mjs) in headless Chromium: what a user
// sees after filling the form, typing an invalid value, pasting a 1,000-row CSV, drawing a digit
// and reloading with the network off. Screenshots: build/browser-artifacts/demo-*.png.
//
//   node --test tests/browser/demo.test.mjs
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { startDemoServer } from '../../scripts/serve-demo.mjs';
import { inspectModel, loadModel } from '../../dist/index.js';
import { ROOT, launchBrowser, openPage, screenshot } from './harness.mjs';

const IRIS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];

let server;
let browser;

before(async () => {
  server = await startDemoServer({ port: 0 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** Opens the demo on `model` and waits until its card, form and first prediction are shown. */
async function openDemo(model = 'iris', url = server.url) {
  const page = await openPage(browser.context, `${url}/#model=${model}`);
  try {
    await page.waitForSelector(`body[data-state=ready][data-model=${model}]`, { timeout: 20000 });
  } catch (error) {
    error.message += `\nconsole: ${page.consoleLines.join('\n')}\npage errors: ${page.pageErrors.join('\n')}\n` +
      `load error: ${await page.locator('#load-error').textContent()}`;
    throw error;
  }
  return page;
}

function assertNoPageErrors(page) {
  assert.deepEqual(page.pageErrors, [], `uncaught errors in the page; console:\n${page.consoleLines.join('\n')}`);
}

/** Types a record into the form field by field, as a user would. */
async function fillForm(page, record) {
  for (const [name, value] of Object.entries(record)) {
    const input = page.getByTestId(`input-${name}`);
    if (await input.evaluate((e) => e.tagName === 'SELECT')) await input.selectOption(String(value ?? ''));
    else await input.fill(value === undefined || value === null ? '' : String(value));
  }
}

/** The label and the chart as shown: { label, bars: { class: { p, text, width } } }. */
async function readPrediction(page) {
  const label = await page.getByTestId('prediction-label').textContent();
  const bars = Object.fromEntries(await page.getByTestId('bar').evaluateAll((rows) => rows.map((row) => [row.dataset.class, {
    p: Number(row.dataset.p),
    text: row.querySelector('.bar-value').textContent,
    width: parseFloat(row.querySelector('.bar-fill').style.width),
  }])));
  return { label, bars };
}

/** Clicks Predict and waits for a new result (the JSON block is replaced on every prediction). */
async function predict(page) {
  const before = await page.getByTestId('prediction').evaluate((e) => e.firstElementChild);
  await page.getByTestId('predict').click();
  await page.waitForFunction((old) => document.getElementById('prediction').firstElementChild !== old, before);
}

async function embeddedExamples(model) {
  const info = await inspectModel(readFileSync(join(ROOT, 'models', `${model}.onnx`)));
  return JSON.parse(info.metadataProps.find((p) => p.key === 'onnx_predict.schema').value).examples;
}

test('iris: the form predicts what the package predicts, and the card shows the model', async () => {
  const page = await openDemo('iris');
  // The card is derived from model.info and the schema.
  assert.equal(await page.getByTestId('card-title').textContent(), 'Iris species');
  assert.equal(await page.getByTestId('card-schema-source').textContent(), 'embedded');
  assert.match(await page.getByTestId('card-opset').textContent(), /ai\.onnx 17.*ai\.onnx\.ml 3/);
  assert.match(await page.getByTestId('card-producer').textContent(), /make_models\.py/);
  assert.deepEqual(await page.getByTestId('card-classes').locator('.chip').allTextContents(), ['setosa', 'versicolor', 'virginica']);
  assert.equal(await page.locator('[data-testid=card-inputs] tbody tr').count(), 4);
  assert.equal(await page.getByTestId('input-sepal_length').getAttribute('min'), '0');
  assert.equal(await page.getByTestId('input-sepal_length').getAttribute('max'), '100');

  // A record typed by hand, compared with the package run on its own in the same page.
  const record = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };
  await fillForm(page, record);
  await predict(page);
  const shown = await readPrediction(page);
  const expected = await page.evaluate(async (r) => {
    const model = await OnnxPredict.loadModel('models/iris.onnx');
    try {
      return await model.predict(r);
    } finally {
      model.dispose();
    }
  }, record);
  assert.equal(shown.label, expected.label);
  assert.equal(shown.label, 'virginica');
  assert.deepEqual(Object.keys(shown.bars), ['setosa', 'versicolor', 'virginica']);
  for (const [cls, p] of Object.entries(expected.probabilities)) {
    assert.equal(shown.bars[cls].p, p, cls);
    assert.ok(Math.abs(shown.bars[cls].width - p * 100) < 0.01, `${cls}: bar width ${shown.bars[cls].width}% for p=${p}`);
  }
  assert.equal(shown.bars.virginica.text, `${(expected.probabilities.virginica * 100).toFixed(2)}%`);
  await screenshot(page, 'demo-iris-prediction');

  // The schema's own examples (scikit-learn's predict_proba, written by models/make_models.py).
  const examples = await embeddedExamples('iris');
  const example = examples.find((e) => e.output.label === 'versicolor');
  await fillForm(page, example.input);
  await predict(page);
  const again = await readPrediction(page);
  assert.equal(again.label, 'versicolor');
  for (const [cls, p] of Object.entries(example.output.probabilities)) assert.ok(Math.abs(again.bars[cls].p - p) < 1e-5, cls);
  assertNoPageErrors(page);
  await page.close();
});

test('own model: a converter-shaped .onnx opened from disk gets a derived form (an enum select) and its ZipMap probabilities charted', async () => {
  const file = join(ROOT, 'build/fixtures/pipelines/wine_pipeline.onnx');
  const page = await openDemo('iris');
  await page.getByTestId('model-file').setInputFiles(file);
  await page.waitForSelector('body[data-state=ready][data-model=file]', { timeout: 20000 });
  assert.equal(await page.getByTestId('card-schema-source').textContent(), 'derived');
  assert.match(await page.getByTestId('load-status').textContent(), /1\.\d kB opened and checked/);
  assert.match(await page.getByTestId('card-rewrite').textContent(), /output_probability: ZipMap → float tensor, 3 classes/);
  assert.deepEqual(await page.getByTestId('input-hue_band').locator('option:not([value=""])').allTextContents(), ['low', 'medium', 'high']);

  const record = JSON.parse(readFileSync(join(ROOT, 'build/fixtures/pipelines/wine_pipeline.reference.json'), 'utf8')).cases[0].input;
  await fillForm(page, record);
  await predict(page);
  const bars = Object.fromEntries(await page.getByTestId('bar').evaluateAll((rows) => rows.map((row) => [row.dataset.class, Number(row.dataset.p)])));
  const model = await loadModel(readFileSync(file));
  const expected = await model.predict(record);
  model.dispose();
  assert.deepEqual(bars, expected.output_probability);
  await screenshot(page, 'demo-own-model');
  assertNoPageErrors(page);
  await page.close();
});

test('iris: an invalid field shows its Pydantic-style error inline, and fixing it predicts again', async () => {
  const page = await openDemo('iris');
  await fillForm(page, { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: -1 });
  // Live validation while typing: only the edited field's error, under it.
  const petalWidthError = page.getByTestId('error-petal_width');
  await petalWidthError.waitFor({ state: 'visible' });
  assert.match(await petalWidthError.textContent(), /Input should be greater than or equal to 0/);
  assert.equal(await petalWidthError.locator('code.type').textContent(), 'greater_than_equal');
  assert.equal(await page.getByTestId('input-petal_width').getAttribute('aria-invalid'), 'true');

  // An empty required field: shown when Predict is pressed, and no prediction is made.
  await fillForm(page, { sepal_length: '' });
  await predict(page);
  const sepalLengthError = page.getByTestId('error-sepal_length');
  await sepalLengthError.waitFor({ state: 'visible' });
  assert.match(await sepalLengthError.textContent(), /Field required/);
  assert.equal(await sepalLengthError.locator('code.type').textContent(), 'missing');
  assert.equal(await page.getByTestId('prediction-label').count(), 0);
  assert.match(await page.getByTestId('prediction-invalid').textContent(), /2 errors/);
  for (const name of ['sepal_width', 'petal_length']) assert.equal(await page.getByTestId(`error-${name}`).isVisible(), false, name);
  await screenshot(page, 'demo-iris-invalid');

  await fillForm(page, { sepal_length: 5.1, petal_width: 0.2 });
  await predict(page);
  assert.equal(await page.getByTestId('prediction-label').textContent(), 'setosa');
  for (const name of IRIS) assert.equal(await page.getByTestId(`error-${name}`).isVisible(), false, name);
  assertNoPageErrors(page);
  await page.close();
});

test('iris_petal_width: an enum select and an optional field left empty', { skip: !existsSync(join(ROOT, 'models/iris_petal_width.onnx')) && 'models/iris_petal_width.onnx is not built yet' }, async () => {
  const page = await openDemo('iris_petal_width');
  const options = await page.getByTestId('input-species').locator('option').allTextContents();
  assert.deepEqual(options.slice(1), ['setosa', 'versicolor', 'virginica']);
  const record = { species: 'versicolor', sepal_length: 6.0, sepal_width: '', petal_length: 4.5 };
  await fillForm(page, record);
  await predict(page);
  const shown = Number(await page.getByTestId('prediction-value').textContent());
  const expected = await page.evaluate(async () => {
    const model = await OnnxPredict.loadModel('models/iris_petal_width.onnx');
    try {
      return await model.predict({ species: 'versicolor', sepal_length: 6.0, petal_length: 4.5 });
    } finally {
      model.dispose();
    }
  });
  assert.equal(shown, Number(expected.value.toPrecision(5)));
  await fillForm(page, { species: '' });
  await predict(page);
  assert.equal(await page.getByTestId('error-species').locator('code.type').textContent(), 'missing');
  assert.equal(await page.getByTestId('error-sepal_width').isVisible(), false);
  assertNoPageErrors(page);
  await page.close();
});

test('batch: 1,000 CSV rows, 10 invalid, render 990 results and 10 errors on the right rows', async () => {
  const page = await openDemo('iris');
  const invalid = new Map([  // record index → [field, cell, expected error type]
    [0, ['petal_width', '-1', 'greater_than_equal']],
    [99, ['sepal_length', 'abc', 'float_type']],
    [100, ['sepal_width', '', 'missing']],
    [257, ['petal_length', '150', 'less_than_equal']],
    [400, ['petal_width', '-0.5', 'greater_than_equal']],
    [401, ['sepal_length', '', 'missing']],
    [512, ['sepal_width', 'wide', 'float_type']],
    [777, ['petal_length', '-3', 'greater_than_equal']],
    [998, ['sepal_length', '1000', 'less_than_equal']],
    [999, ['petal_width', 'n/a', 'float_type']],
  ]);
  const records = [];
  const lines = [IRIS.join(',')];
  for (let i = 0; i < 1000; i++) {
    const record = {
      sepal_length: Number((4.3 + (i % 36) / 10).toFixed(1)),
      sepal_width: Number((2.0 + (i % 24) / 10).toFixed(1)),
      petal_length: Number((1.0 + (i * 7 % 59) / 10).toFixed(1)),
      petal_width: Number((0.1 + (i * 3 % 24) / 10).toFixed(1)),
    };
    const cells = IRIS.map((f) => String(record[f]));
    if (invalid.has(i)) cells[IRIS.indexOf(invalid.get(i)[0])] = invalid.get(i)[1];
    records.push(record);
    lines.push(cells.join(','));
  }
  await page.getByTestId('batch-input').fill(lines.join('\n'));
  const started = Date.now();
  await page.getByTestId('batch-run').click();
  await page.getByTestId('batch-ok').waitFor();
  const elapsed = Date.now() - started;

  assert.equal(await page.getByTestId('batch-total').textContent(), '1,000');
  assert.equal(await page.getByTestId('batch-ok').textContent(), '990');
  assert.equal(await page.getByTestId('batch-invalid').textContent(), '10');
  const table = page.getByTestId('batch-table');
  assert.equal(await table.locator('tbody tr').count(), 1000);
  assert.equal(await table.locator('tr.row-ok').count(), 990);
  const errorRows = await table.locator('tr.row-invalid').evaluateAll((rows) => rows.map((row) => ({
    row: Number(row.dataset.row), shown: row.cells[0].textContent, text: row.textContent,
    types: [...row.querySelectorAll('code.type')].map((c) => c.textContent),
  })));
  assert.deepEqual(errorRows.map((r) => r.row), [...invalid.keys()].map((i) => i + 1));
  for (const [i, [field, , type]] of invalid) {
    const row = errorRows.find((r) => r.row === i + 1);
    assert.equal(row.shown, String(i + 1));
    assert.deepEqual(row.types, [type], `row ${i + 1}`);
    assert.ok(row.text.includes(`[${i},"${field}"]`), `row ${i + 1} shows loc [${i},"${field}"]: ${row.text}`);
  }

  // Every shown label is the package's own result for that record.
  const valid = records.filter((_, i) => !invalid.has(i));
  const expected = await page.evaluate(async (rs) => {
    const model = await OnnxPredict.loadModel('models/iris.onnx');
    try {
      return (await model.predictBatch(rs)).results.map((r) => r.label);
    } finally {
      model.dispose();
    }
  }, valid);
  assert.deepEqual(await table.locator('tr.row-ok td.pred').allTextContents(), expected);
  console.log(`# demo: parse + predict + render of 1,000 CSV rows took ${elapsed} ms`);  // a figure, not a gate

  await page.locator('#batch-filter button[data-filter=invalid]').click();
  assert.equal(await table.locator('tr.row-ok').first().isVisible(), false);
  await screenshot(page, 'demo-batch-errors');
  assertNoPageErrors(page);
  await page.close();
});

test('batch: text in a number column, twice, fails only those rows and shows the text as the input', async () => {
  const page = await openDemo('iris');
  await page.getByTestId('batch-input').fill(`${IRIS.join(',')}\nn/a,3.5,1.4,0.2\n5.1,3.5,1.4,0.2\nn/a,3.0,5.2,2.3\n6.7,3.0,5.2,2.3\n5.9,3.0,4.2,1.5\n`);
  await page.getByTestId('batch-run').click();
  await page.getByTestId('batch-summary').locator('strong, .error-text').first().waitFor();
  assert.equal(await page.getByTestId('batch-summary').textContent().then((t) => /invalid_argument/.test(t)), false,
    await page.getByTestId('batch-summary').textContent());
  assert.equal(await page.getByTestId('batch-ok').textContent(), '3');
  const rows = page.getByTestId('batch-table').locator('tr.row-invalid');
  assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.dataset.row)), ['1', '3']);
  for (const text of await rows.allTextContents()) assert.match(text, /float_type input "n\/a"/);
  await page.close();
});

test('digits: a "1" and a "0" drawn on the canvas are predicted', { skip: !existsSync(join(ROOT, 'models/digits.onnx')) && 'models/digits.onnx is not built yet (models/make_models.py)' }, async () => {
  const page = await openDemo('digits');
  const canvas = page.getByTestId('digits-canvas');
  assert.ok(await canvas.isVisible(), 'the digit pad is shown for a model with 64 pixel_R_C fields');
  const box = await canvas.boundingBox();
  const at = (x, y) => [box.x + x * box.width, box.y + y * box.height];
  const draw = async (points) => {
    await page.getByTestId('digits-clear').click();
    const before = await page.getByTestId('prediction').evaluate((e) => e.firstElementChild);
    await page.mouse.move(...at(...points[0]));
    await page.mouse.down();
    for (const p of points.slice(1)) await page.mouse.move(...at(...p), { steps: 4 });
    await page.mouse.up();
    await page.waitForFunction((old) => document.getElementById('prediction').firstElementChild !== old, before);
  };
  const shapes = {
    1: [[0.5, 0.15], [0.5, 0.85]],
    0: Array.from({ length: 25 }, (_, i) => [0.5 + 0.22 * Math.sin((Math.PI * i) / 12), 0.5 - 0.33 * Math.cos((Math.PI * i) / 12)]),
  };
  for (const [digit, points] of Object.entries(shapes)) {
    await draw(points);
    const { label, bars } = await readPrediction(page);
    assert.equal(label, digit, `drew a ${digit}; probabilities ${JSON.stringify(bars)}`);
    assert.deepEqual(Object.keys(bars), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    const sum = Object.values(bars).reduce((s, b) => s + b.p, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities sum to ${sum}`);
    // What was sent: the 64 form fields, integers 0..16, the same as the preview grid.
    const pixels = await page.locator('[data-testid=form-fields] input').evaluateAll((inputs) => inputs.map((i) => Number(i.value)));
    const preview = await page.locator('[data-testid=digits-preview] .px').evaluateAll((cells) => cells.map((c) => Number(c.dataset.value)));
    assert.equal(pixels.length, 64);
    assert.deepEqual(pixels, preview);
    assert.ok(pixels.every((v) => Number.isInteger(v) && v >= 0 && v <= 16), pixels.join(','));
    assert.ok(pixels.filter((v) => v > 0).length >= 6, `ink in ${pixels.filter((v) => v > 0).length} pixels`);
    if (digit === '0') assert.equal(pixels[3 * 8 + 3] + pixels[3 * 8 + 4] + pixels[4 * 8 + 3] + pixels[4 * 8 + 4], 0, 'a 0 is hollow');
    if (digit === '1') assert.equal(pixels.filter((_, i) => i % 8 < 2 || i % 8 > 5).reduce((s, v) => s + v, 0), 0, 'a 1 is narrow');
    await screenshot(page, `demo-digits-${digit}`);
  }
  assertNoPageErrors(page);
  await page.close();
});

test('offline: after one visit the page reloads and predicts with the network off', async () => {
  // A server of its own (another origin, so another service worker), stopped before the reload.
  const offlineServer = await startDemoServer({ port: 0 });
  let stopped = false;
  const page = await openDemo('iris', offlineServer.url);
  try {
    const badge = page.getByTestId('offline-badge');
    await page.waitForSelector('[data-testid=offline-badge][data-state=ready]', { timeout: 30000 });
    assert.equal((await badge.textContent()).trim(), 'Works offline');
    const record = { sepal_length: 5.9, sepal_width: 3.0, petal_length: 4.2, petal_width: 1.5 };
    await fillForm(page, record);
    await predict(page);
    const online = await readPrediction(page);

    await browser.context.setOffline(true);
    await offlineServer.close();
    stopped = true;
    await page.reload();
    await page.waitForSelector('body[data-state=ready][data-model=iris]', { timeout: 20000 });
    await fillForm(page, record);
    await predict(page);
    const offline = await readPrediction(page);
    assert.deepEqual(offline, online);
    assert.equal(online.label, 'versicolor');
    await page.waitForSelector('[data-testid=offline-badge][data-state=offline]');
    assert.equal((await badge.textContent()).trim(), 'Offline');
    await screenshot(page, 'demo-offline');
    assertNoPageErrors(page);
  } finally {
    await browser.context.setOffline(false);
    if (!stopped) await offlineServer.close();
    await page.close();
  }
});
