// The onnx-predict demo page: picks a model from models.json, loads it with the package's
// <script> build (global OnnxPredict) and derives everything else (card, form, chart, digit pad,
// batch table) from model.info and model.schema.document. No framework and no build step.
import { renderBatchTable, parseRecords, resultsCsv, sampleCsv } from './batch.js';
import { renderCard } from './card.js';
import { mountDigitPad } from './digits.js';
import { bytes, el, esc, locText } from './dom.js';
import { describeFields, pixelGrid } from './fields.js';
import { renderForm } from './form.js';
import { setUpOffline } from './offline.js';
import { predictionHtml, resultSummary } from './results.js';

const { loadModel, OnnxPredictError } = window.OnnxPredict;
const $ = (id) => document.getElementById(id);

/** What the page shows now; window.demo exposes it to tests and the console. */
const state = {
  entries: [],
  entry: undefined,
  model: undefined,
  fields: [],
  form: undefined,
  pad: undefined,
  lastResult: undefined,
  lastBatch: undefined,
};
window.demo = state;

let loadToken = 0;  // the latest load() call: an older one that finishes late is dropped
let loadController;

function setBusy(busy) {
  for (const id of ['predict', 'batch-run']) $(id).disabled = busy || !state.model;
}

function showLoadError(error) {
  const box = $('load-error');
  box.hidden = !error;
  if (!error) return;
  const code = error instanceof OnnxPredictError ? error.code : error.name;
  box.innerHTML = `<strong>Could not load ${esc(state.entry?.title ?? 'the model')}</strong> <code>${esc(code)}</code><div>${esc(error.message)}</div>`;
}

function setProgress(fraction, text) {
  const fill = $('load-progress-fill');
  fill.parentElement.classList.toggle('indeterminate', fraction === undefined);
  fill.style.width = `${((fraction ?? 0) * 100).toFixed(1)}%`;
  $('load-progress').value = fraction ?? 0;
  $('load-status').textContent = text;
}

async function load(entry) {
  loadController?.abort();
  const token = ++loadToken;
  const controller = new AbortController();
  loadController = controller;
  state.entry = entry;
  document.body.dataset.state = 'loading';
  document.body.dataset.model = entry.id;
  showLoadError(undefined);
  setBusy(true);
  setProgress(0, `Downloading ${entry.url.split('/').pop()}…`);
  const started = performance.now();
  let size = 0;
  let progressCalls = 0;
  let model;
  try {
    model = await loadModel(entry.bytes ?? entry.url, {
      signal: controller.signal,
      timeoutMs: 30000,
      onProgress: ({ loaded, total }) => {
        if (token !== loadToken) return;
        size = loaded;
        progressCalls++;
        const done = total !== undefined && loaded >= total;
        setProgress(total ? loaded / total : undefined,
          done ? `Checking ${bytes(loaded)}: reading the model, compiling its schema, running its examples…`
            : `Downloading ${bytes(loaded)}${total ? ` of ${bytes(total)}` : ''}…`);
      },
    });
  } catch (error) {
    if (token !== loadToken) return;
    state.model?.dispose();
    Object.assign(state, { model: undefined, fields: [], form: undefined, pad: undefined, lastResult: undefined, lastBatch: undefined });
    setProgress(0, 'Not loaded');
    document.body.dataset.state = 'error';
    showLoadError(error);
    $('model-card').innerHTML = '<p class="muted">No model loaded.</p>';
    for (const id of ['fields', 'examples', 'digits', 'prediction', 'batch-summary']) $(id).replaceChildren();
    $('digits').hidden = true;
    $('batch-table-wrap').hidden = true;
    return;
  }
  if (token !== loadToken) {
    model.dispose();
    return;
  }
  const loadMs = performance.now() - started;
  if (entry.bytes) size = entry.bytes.byteLength;  // no download, so no progress to count it
  // The package reports a cache hit as one onProgress call (loaded === total); a download makes
  // one call per body chunk plus a final one.
  const fromCache = !entry.bytes && progressCalls === 1;
  state.model?.dispose();
  state.model = model;
  state.lastResult = undefined;
  setProgress(1, `Ready · ${bytes(size)} ${fromCache ? 'from the cache' : entry.bytes ? 'opened' : 'downloaded'} and checked in ${loadMs.toFixed(0)} ms`);
  showModel({ entry, model, size, loadMs, fromCache });
  document.body.dataset.state = 'ready';
}

function showModel({ entry, model, size, loadMs, fromCache }) {
  const fields = describeFields(model);
  state.fields = fields;
  renderCard($('model-card'), { entry, model, fields, size, loadMs, fromCache });

  const grid = entry.canvas === false ? undefined : pixelGrid(fields);  // 64 fields pixel_R_C: the digit pad
  const compact = grid !== undefined;
  const fieldsWrap = $('fields-wrap');
  const fieldsBox = $('fields');
  if (fields.length > 16) {
    fieldsWrap.replaceChildren(el('details', { class: 'many-fields', dataset: { testid: 'many-fields' } },
      el('summary', {}, `${fields.length} input fields${compact ? ' (filled by the drawing)' : ''}`), fieldsBox));
  } else {
    fieldsWrap.replaceChildren(fieldsBox);
  }
  state.form = renderForm(fieldsBox, fields, { onInput: scheduleValidation, compact });

  const digits = $('digits');
  digits.hidden = !grid;
  state.pad = grid ? mountDigitPad(digits, {
    onDigit: (values) => {
      state.form.setValues(Object.fromEntries(grid.flat().map((name, i) => [name, values[i]])));
      predict();
    },
    onClear: () => {
      state.form.setValues({});
      $('prediction').innerHTML = '<p class="muted">Draw a digit.</p>';
    },
  }) : undefined;

  const examples = model.schema.document.examples ?? [];
  $('examples').replaceChildren(...examples.slice(0, 4).map((example, i) => {
    const expected = example.output ? resultSummary(model.schema.document, example.output).main : '';
    return el('button', { type: 'button', class: 'chip-btn', dataset: { testid: `example-${i}` },
      title: 'Fill the form with this example from the schema',
      onclick: () => fillExample(example) }, `Example ${i + 1}${expected ? ` · ${expected}` : ''}`);
  }));

  $('batch-input').placeholder = `${fields.map((f) => f.name).join(',')}\n…   (or a JSON array of records)`;
  uploaded = undefined;
  $('batch-summary').textContent = '';
  $('batch-table-wrap').hidden = true;
  $('batch-more').hidden = true;
  $('batch-download').disabled = true;
  setBusy(false);
  if (examples.length) {
    fillExample(examples[0]);
  } else {
    $('prediction').innerHTML = '<p class="muted">Fill the form and press Predict.</p>';
    validateNow();
  }
}

function fillExample(example) {
  state.form.setValues(example.input);
  state.pad?.show(pixelGrid(state.fields).flat().map((name) => example.input[name] ?? 0));
  predict();
}

let validationTimer;
function scheduleValidation() {
  clearTimeout(validationTimer);
  validationTimer = setTimeout(validateNow, 120);
}

function showFormErrors(errors, options) {
  const other = state.form.showErrors(errors, options);
  const box = $('form-errors');
  box.hidden = other.length === 0;
  box.innerHTML = other.map((e) => `<div><code class="loc">${esc(locText(e.loc))}</code> ${esc(e.msg)} <code class="type">${esc(e.type)}</code></div>`).join('');
  const fieldsWithErrors = new Set(errors.map((e) => e.loc[1])).size;
  $('validity').textContent = errors.length === 0 ? '✓ valid record' : `${errors.length} error${errors.length > 1 ? 's' : ''} in ${fieldsWithErrors} field${fieldsWithErrors > 1 ? 's' : ''}`;
  $('validity').dataset.valid = String(errors.length === 0);
}

/** Live validation while typing: model.validate() only, no inference. */
function validateNow() {
  if (!state.model || !state.form) return;
  showFormErrors(state.model.validate([state.form.readRecord()]));
}

async function predict() {
  const { model, form } = state;
  if (!model || !form) return;
  const record = form.readRecord();
  form.touchAll();
  const started = performance.now();
  try {
    const result = await model.predict(record);
    if (model !== state.model) return;
    state.lastResult = result;
    showFormErrors([]);
    const target = $('prediction');
    target.innerHTML = predictionHtml(model.schema.document, result, { ms: performance.now() - started });
    target.dataset.state = 'result';
  } catch (error) {
    if (model !== state.model) return;
    state.lastResult = undefined;
    const target = $('prediction');
    target.dataset.state = 'error';
    if (error instanceof OnnxPredictError && error.code === 'validation_failed') {
      showFormErrors(error.details.errors, { all: true });
      target.innerHTML = `<p class="muted" data-testid="prediction-invalid">No prediction: the record is invalid (${esc(error.details.errors.length)} error${error.details.errors.length > 1 ? 's' : ''}, shown under the fields).</p>`;
    } else {
      target.innerHTML = `<div class="alert"><code>${esc(error.code ?? error.name)}</code> ${esc(error.message)}</div>`;
    }
  }
}

// ---- batch --------------------------------------------------------------------------------------

const kTextareaLimit = 512 * 1024;
let uploaded;  // the text of an uploaded file too large for the textarea

async function runBatch() {
  const { model, fields } = state;
  if (!model) return;
  const summary = $('batch-summary');
  let parsed;
  try {
    const text = $('batch-input').value;
    parsed = parseRecords(text.trim() === '' && uploaded !== undefined ? uploaded : text, fields);
  } catch (error) {
    summary.innerHTML = `<span class="error-text">${esc(error.message)}</span>`;
    return;
  }
  if (parsed.records.length === 0) {
    summary.innerHTML = '<span class="muted">Nothing to run: paste CSV with a header row, or a JSON array.</span>';
    return;
  }
  $('batch-run').disabled = true;
  summary.textContent = `Running ${parsed.records.length.toLocaleString('en-US')} records…`;
  const started = performance.now();
  let batch;
  try {
    batch = await model.predictBatch(parsed.records, { onInvalid: 'skip' });
  } catch (error) {
    summary.innerHTML = `<span class="error-text"><code>${esc(error.code ?? error.name)}</code> ${esc(error.message)}</span>`;
    return;
  } finally {
    $('batch-run').disabled = !state.model;
  }
  if (model !== state.model) return;
  const ms = performance.now() - started;
  const table = $('batch-table');
  const renderStarted = performance.now();
  const view = renderBatchTable(table, { ...parsed, batch, fields, document: model.schema.document });
  const renderMs = performance.now() - renderStarted;
  state.lastBatch = { ...parsed, batch, fields };
  const invalidRows = parsed.records.length - batch.results.length;
  const fmt = (n) => n.toLocaleString('en-US');
  summary.innerHTML = `<span><strong data-testid="batch-total">${fmt(parsed.records.length)}</strong> ${parsed.format === 'csv' ? 'CSV rows' : 'records'}</span>` +
    `<span class="ok-text"><strong data-testid="batch-ok">${fmt(batch.results.length)}</strong> predicted</span>` +
    `<span class="${invalidRows ? 'error-text' : 'muted'}"><strong data-testid="batch-invalid">${fmt(invalidRows)}</strong> invalid` +
    `${batch.errors.length > invalidRows ? ` (${fmt(batch.errors.length)} errors)` : ''}</span>` +
    `<span class="muted" data-testid="batch-time">predictBatch ${ms.toFixed(0)} ms · table ${renderMs.toFixed(0)} ms</span>` +
    (parsed.unknown?.length ? `<span class="muted">columns that are not fields: ${parsed.unknown.map((u) => `<code>${esc(u)}</code>`).join(' ')}</span>` : '');
  $('batch-table-wrap').hidden = false;
  $('batch-download').disabled = false;
  const more = $('batch-more');
  more.hidden = !view.more;
  more.onclick = () => {
    more.hidden = !view.renderMore();
  };
}

function setFilter(filter) {
  $('batch-table').dataset.filter = filter;
  for (const button of $('batch-filter').querySelectorAll('button')) button.setAttribute('aria-pressed', String(button.dataset.filter === filter));
}

function downloadResults() {
  if (!state.lastBatch) return;
  const url = URL.createObjectURL(new Blob([resultsCsv(state.lastBatch)], { type: 'text/csv' }));
  el('a', { href: url, download: `${state.entry.id}-predictions.csv` }).click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ---- start ----------------------------------------------------------------------------------------

async function availability(entry) {
  try {
    const response = await fetch(entry.url, { method: 'HEAD' });
    return response.ok;
  } catch {
    return undefined;  // no network and not cached: let loadModel say why
  }
}

function entryFromHash() {
  const id = new URLSearchParams(location.hash.slice(1)).get('model');
  return state.entries.find((e) => e.id === id && e.available !== false);
}

async function start() {
  setUpOffline($('offline-badge'));
  $('record-form').addEventListener('submit', (event) => {
    event.preventDefault();
    predict();
  });
  $('clear-form').addEventListener('click', () => {
    state.form?.setValues({});
    state.pad?.clear();
    validateNow();
  });
  $('batch-run').addEventListener('click', runBatch);
  $('batch-sample').addEventListener('click', () => {
    if (!state.model) return;
    $('batch-input').value = sampleCsv(state.fields, state.model.schema.document.examples ?? []);
    runBatch();
  });
  $('batch-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const text = await file.text();
    event.target.value = '';
    // A large file stays out of the textarea (laying out megabytes of text there takes seconds).
    const input = $('batch-input');
    if (text.length > kTextareaLimit) {
      uploaded = text;
      input.value = '';
      input.placeholder = `${file.name} (${bytes(file.size)}) is loaded: Run batch runs it. Type or paste here to run other records instead.`;
    } else {
      uploaded = undefined;
      input.value = text;
    }
    runBatch();
  });
  $('batch-input').addEventListener('input', () => {
    uploaded = undefined;
  });
  $('batch-filter').addEventListener('click', (event) => {
    if (event.target.dataset.filter) setFilter(event.target.dataset.filter);
  });
  $('batch-download').addEventListener('click', downloadResults);

  const { models } = await (await fetch('models.json')).json();
  state.entries = models;
  await Promise.all(models.map(async (entry) => {
    entry.available = await availability(entry);
  }));
  const select = $('model-select');
  select.replaceChildren(...models.map((entry) => el('option', { value: entry.id, disabled: entry.available === false },
    `${entry.title}${entry.available === false ? ' (not built)' : ''}`)));
  select.disabled = false;
  const initial = entryFromHash() ?? models.find((e) => e.available !== false);
  if (!initial) {
    setProgress(0, 'No model available: build the models (models/make_models.py)');
    return;
  }
  const choose = (entry) => {
    select.value = entry.id;
    $('model-summary').textContent = entry.summary ?? '';
    load(entry);
  };
  select.addEventListener('change', () => {
    const entry = models.find((e) => e.id === select.value);
    history.replaceState(null, '', `#model=${entry.id}`);
    choose(entry);
  });
  // A model of the user's own: its bytes load like a download (checks, rewrite, derived schema).
  $('model-file').addEventListener('change', async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    event.target.value = '';
    const entry = { id: 'file', title: file.name, url: file.name, bytes: new Uint8Array(await file.arrayBuffer()),
      summary: `Your file · ${bytes(file.size)}` };
    select.value = '';
    $('model-summary').textContent = entry.summary;
    history.replaceState(null, '', location.pathname);
    load(entry);
  });
  addEventListener('hashchange', () => {
    const entry = entryFromHash();
    if (entry && entry !== state.entry) choose(entry);
  });
  choose(initial);
}

start().catch((error) => {
  document.body.dataset.state = 'error';
  showLoadError(error);
});
