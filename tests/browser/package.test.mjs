// The package in real Chromium, as a <script> tag and a classic Web Worker load it from a static
// server: the same answers as in Node, and the browser model cache (Cache Storage) offline.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import { loadModel } from 'onnx-predict';

import { irisRecords } from '../iris-records.mjs';
import { ISOLATION_HEADERS, launchBrowser, openPage, screenshot, startStaticServer } from './harness.mjs';

const irisBytes = readFileSync(new URL('../../models/iris.onnx', import.meta.url));
let server;
let browser;

before(async () => {
  server = await startStaticServer({ routes: { '/dist/': 'dist', '/models/': 'models', '/pages/': 'tests/browser/pages', '/self-hosted/ort/': 'dist/ort' } });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

async function inNode(batch) {
  const model = await loadModel(irisBytes);
  try {
    return await model.predictBatch(batch, { onInvalid: 'skip' });
  } finally {
    model.dispose();
  }
}

async function scriptPage() {
  const page = await openPage(browser.context, `${server.url}/pages/script-tag.html`);
  await page.evaluate(() => caches.delete('onnx-predict-v1'));
  return page;
}

const batch = [...irisRecords(300), { sepal_length: -1, sepal_width: 'wide' }];

test('<script> tag: predictions equal the Node package, bit for bit, with the same errors', async () => {
  const page = await scriptPage();
  const inBrowser = await page.evaluate(async (batch) => {
    const model = await OnnxPredict.loadModel('/models/iris.onnx');
    try {
      return await model.predictBatch(batch, { onInvalid: 'skip' });
    } finally {
      model.dispose();
    }
  }, batch);
  assert.equal(inBrowser.results.length, 300);
  assert.deepEqual(inBrowser, await inNode(batch));
  assert.deepEqual(page.pageErrors, []);
  await screenshot(page, 'package-script-tag');
  await page.close();
});

test("a Content-Security-Policy without 'unsafe-eval': the package loads and predicts the same", async () => {
  // Only WebAssembly compilation is allowed ('wasm-unsafe-eval', which ONNX Runtime needs too):
  // the core's glue must not generate code, and the generated record readers and result builders
  // fall back to their generic code.
  const strict = await startStaticServer({
    routes: { '/dist/': 'dist', '/models/': 'models', '/pages/': 'tests/browser/pages' },
    headers: { ...ISOLATION_HEADERS, 'content-security-policy': "script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'" },
  });
  const page = await openPage(browser.context, `${strict.url}/pages/csp.html`);
  try {
    await page.evaluate((records) => window.postMessage({ type: 'predict', url: '/models/iris.onnx', records }, '*'), batch);
    await page.waitForFunction(() => window.answer !== undefined);
    const answer = await page.evaluate(() => window.answer);
    assert.equal(answer.codeGeneration, 'refused');
    assert.equal(answer.error, undefined, JSON.stringify(answer.error));
    assert.deepEqual(answer.prediction, await inNode(batch));
    assert.deepEqual(page.pageErrors, []);
  } finally {
    await page.close();
    await strict.close();
  }
});

test('a browser without DecompressionStream gets runtime_unavailable, saying what is missing', async () => {
  const page = await scriptPage();
  const error = await page.evaluate(async () => {
    delete window.DecompressionStream;
    try {
      await OnnxPredict.loadModel('/models/iris.onnx');
      return null;
    } catch (e) {
      return { code: e.code, message: e.message };
    }
  });
  assert.equal(error?.code, 'runtime_unavailable', JSON.stringify(error));
  assert.match(error.message, /DecompressionStream/);
  await page.close();
});

test('classic Web Worker: importScripts() of the bundle finds every wasm file and predicts the same', async () => {
  const page = await scriptPage();
  const reply = await page.evaluate((batch) => new Promise((resolve) => {
    const worker = new Worker('/pages/classic-worker.js');
    worker.onmessage = ({ data }) => resolve(data);
    worker.onerror = (event) => resolve({ error: { message: event.message } });
    worker.postMessage({ url: '/models/iris.onnx', records: batch });
  }), batch);
  assert.equal(reply.error, undefined, JSON.stringify(reply.error));
  assert.deepEqual(reply.batch, await inNode(batch));
  await page.close();
});

test('offline: a model loaded once comes from Cache Storage with the network off; a corrupted entry is refetched', async () => {
  const page = await scriptPage();
  let downloads = 0;
  page.on('request', (request) => { if (request.url().endsWith('/models/iris.onnx')) downloads++; });
  const load = (options = {}) => page.evaluate(async ({ batch, options }) => {
    try {
      const model = await OnnxPredict.loadModel('/models/iris.onnx', options);
      const { results } = await model.predictBatch(batch);
      model.dispose();
      return { results };
    } catch (error) {
      return { error: { code: error.code, message: error.message } };
    }
  }, { batch: batch.slice(0, 50), options });

  const online = await load();
  assert.equal(online.error, undefined, JSON.stringify(online.error));
  assert.equal(downloads, 1);

  await browser.context.setOffline(true);
  try {
    const offline = await load({ cache: 'only-if-cached' });
    assert.deepEqual(offline, online);
    assert.deepEqual(await load(), online);
    assert.equal(downloads, 1, 'the offline loads did not touch the network');

    // Flip one byte of the cached model: the entry is dropped, and offline there is nothing left.
    await page.evaluate(async () => {
      const cache = await caches.open('onnx-predict-v1');
      const [request] = await cache.keys();
      const response = await cache.match(request);
      const bytes = new Uint8Array(await response.arrayBuffer());
      bytes[bytes.length - 10] ^= 0xff;
      await cache.put(request, new Response(bytes, { headers: response.headers }));
    });
    const corrupted = await load({ cache: 'only-if-cached' });
    assert.equal(corrupted.error?.code, 'fetch_failed', JSON.stringify(corrupted));
  } finally {
    await browser.context.setOffline(false);
  }
  // Online again: refetched once, same answers, and the entry is whole again.
  assert.deepEqual(await load(), online);
  assert.equal(downloads, 2);
  await browser.context.setOffline(true);
  try {
    assert.deepEqual(await load({ cache: 'only-if-cached' }), online);
  } finally {
    await browser.context.setOffline(false);
  }
  await page.close();
});

test('ONNX Runtime files not where wasmPaths says: runtime_unavailable, and the core keeps working', async () => {
  const page = await scriptPage();
  const outcome = await page.evaluate(async () => {
    let code;
    try {
      await OnnxPredict.loadModel('/models/iris.onnx', { wasmPaths: '/nowhere/' });
    } catch (error) {
      code = error.code;
    }
    const bytes = new Uint8Array(await (await fetch('/models/iris.onnx')).arrayBuffer());
    const info = await OnnxPredict.inspectModel(bytes);
    return { code, graph: info.graph.name };
  });
  assert.deepEqual(outcome, { code: 'runtime_unavailable', graph: 'iris_logistic_regression' });
  await page.close();
});

test('self-hosting ONNX Runtime files elsewhere: wasmPaths points the <script> build there', async () => {
  const page = await scriptPage();
  const ortRequests = [];
  page.on('request', (request) => { if (/ort-wasm/.test(request.url())) ortRequests.push(new URL(request.url()).pathname); });
  const label = await page.evaluate(async () => {
    const model = await OnnxPredict.loadModel('/models/iris.onnx', { wasmPaths: '/self-hosted/ort/', cache: 'no-store' });
    const result = await model.predict({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 });
    model.dispose();
    return result.label;
  });
  assert.equal(label, 'setosa');
  assert.ok(ortRequests.length > 0, 'ONNX Runtime files were fetched');
  assert.ok(ortRequests.every((path) => path.startsWith('/self-hosted/ort/')), ortRequests.join(', '));
  await page.close();
});
