// A frontend app as users build it: tests/vite-app installs onnx-predict from its `npm pack`
// tarball (scripts/build-vite-app.sh), and Vite's production build and dev server must both find
// every wasm file by themselves, on the main thread and in a module Web Worker.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { loadModel } from 'onnx-predict';
import { createServer } from 'vite';

import { ROOT, launchBrowser, openPage, screenshot, startStaticServer } from './harness.mjs';

const APP = join(ROOT, 'build/vite-app');
const record = { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 };  // as in tests/vite-app/main.js
let browser;
let expected;

before(async () => {
  execFileSync(join(ROOT, 'scripts/build-vite-app.sh'), { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  browser = await launchBrowser();
  const model = await loadModel(readFileSync(join(ROOT, 'models/iris.onnx')));
  expected = await model.predict(record);
  model.dispose();
});
after(() => browser?.close());

async function appResults(url, name) {
  const page = await openPage(browser.context, url);
  await page.waitForFunction(() => ['main-result', 'worker-result'].every((id) => document.getElementById(id).dataset.state),
    null, { timeout: 60_000 });
  const shown = await page.evaluate(() => ['main-result', 'worker-result'].map((id) => document.getElementById(id).textContent));
  await screenshot(page, name);
  assert.deepEqual(page.pageErrors, []);
  await page.close();
  return shown;
}

test('the production build (vite build) predicts in Chromium like Node does', async (t) => {
  const server = await startStaticServer({ routes: { '/': join(APP, 'dist') } });
  t.after(() => server.close());
  const [main, worker] = await appResults(`${server.url}/`, 'vite-app-build');
  assert.deepEqual(JSON.parse(main), expected, main);
  assert.deepEqual(JSON.parse(worker), expected, worker);
});

test('the dev server (vite) predicts in Chromium like Node does', async (t) => {
  const dev = await createServer({ root: APP, logLevel: 'error', server: { host: '127.0.0.1', port: 0 } });
  await dev.listen();
  t.after(() => dev.close());
  const [main, worker] = await appResults(dev.resolvedUrls.local[0], 'vite-app-dev');
  assert.deepEqual(JSON.parse(main), expected, main);
  assert.deepEqual(JSON.parse(worker), expected, worker);
});
