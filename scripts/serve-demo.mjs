#!/usr/bin/env node
// Serves the demo page (web/demo) on 127.0.0.1 with the package's <script> build and the models:
//   /         → web/demo   (index.html, demo.js, sw.js, models.json, …)
//   /dist/    → dist       (onnx-predict.min.js and ort/: run `npm run build` first)
//   /models/  → models
//
//   node scripts/serve-demo.mjs [PORT]     PORT (or the PORT variable): default 8080, then any free
//                                          port if 8080 is busy; 0 picks a free port at once.
// Prints the URL and serves until killed. Tests and `npm start` import startDemoServer instead.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { startStaticServer } from './static-server.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const DEFAULT_PORT = 8080;

/**
 * Starts the demo server. `port` 0 (the default here) takes any free port; `fallback` retries on a
 * free port when `port` is in use. `modelsDir` serves another folder at /models/. Resolves to
 * static-server's { server, url, close() }.
 */
export async function startDemoServer({ port = 0, host = '127.0.0.1', fallback = false, modelsDir = `${ROOT}models` } = {}) {
  const routes = { '/': `${ROOT}web/demo`, '/dist/': `${ROOT}dist`, '/models/': modelsDir };
  try {
    return await startStaticServer({ routes, port, host });
  } catch (error) {
    if (!fallback || error.code !== 'EADDRINUSE' || port === 0) throw error;
    return startStaticServer({ routes, port: 0, host });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const requested = process.argv[2] ?? process.env.PORT;
  const port = requested === undefined ? DEFAULT_PORT : Number(requested);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-demo: not a port: ${requested}`);
    process.exit(2);
  }
  if (!existsSync(`${ROOT}dist/onnx-predict.min.js`)) {
    console.error('serve-demo: dist/onnx-predict.min.js is missing: build the package first (npm run build)');
    process.exit(1);
  }
  let started;
  try {
    started = await startDemoServer({ port, fallback: requested === undefined });
  } catch (error) {
    console.error(`serve-demo: cannot listen on 127.0.0.1:${port}: ${error.code ?? error.message}` +
      `${error.code === 'EADDRINUSE' ? ' (pass another port, or 0 for any free one)' : ''}`);
    process.exit(1);
  }
  const { url, close } = started;
  if (requested === undefined && !url.endsWith(`:${DEFAULT_PORT}`)) console.log(`(port ${DEFAULT_PORT} is busy: using another)`);
  console.log(`onnx-predict demo: ${url}/`);
  const stop = () => close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
