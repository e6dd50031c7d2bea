// fetchModelBytes against a real HTTP server on 127.0.0.1 with fault routes (404, 5xx, truncated
// bodies, stalls, slow downloads), integrity checks, and the Node file cache.
// Run after `node_modules/.bin/tsc -p web/tsconfig.json`.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchModelBytes } from '../../dist/fetch.js';
import * as pkg from '../../dist/index.js';

const modelPath = fileURLToPath(new URL('../../models/iris.onnx', import.meta.url));
const MODEL = new Uint8Array(readFileSync(modelPath));
const SHA = createHash('sha256').update(MODEL).digest('hex');
const SRI = `sha256-${createHash('sha256').update(MODEL).digest('base64')}`;
const WRONG_SHA = '0'.repeat(64);

/** Starts the fault server; `hits` counts requests per path. */
function startServer(port = 0) {
  const hits = new Map();
  const server = http.createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const n = (hits.get(path) ?? 0) + 1;
    hits.set(path, n);
    const serveInChunks = () => {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': MODEL.length });
      const parts = [MODEL.subarray(0, 700), MODEL.subarray(700, 1400), MODEL.subarray(1400)];
      const next = () => {
        const part = parts.shift();
        if (part === undefined) return res.end();
        res.write(part);
        setTimeout(next, 10);
      };
      next();
    };
    switch (path) {
      case '/model.onnx': return serveInChunks();
      case '/missing.onnx': res.writeHead(404); return res.end('not here');
      case '/flaky.onnx':
        if (n === 1) { res.writeHead(500); return res.end('oops'); }
        return serveInChunks();
      case '/down.onnx': res.writeHead(503); return res.end('down');
      case '/truncated.onnx':
        res.writeHead(200, { 'content-length': MODEL.length });
        res.write(MODEL.subarray(0, 1000));
        return setTimeout(() => res.socket.destroy(), 20);
      case '/stall-body.onnx':
        res.writeHead(200, { 'content-length': MODEL.length });
        return res.flushHeaders();  // headers, then nothing
      case '/stall-headers.onnx': return;  // not even headers
      case '/slow.onnx': {  // chunked, 64 bytes every 50 ms (~1.8 s in all)
        res.writeHead(200);
        let offset = 0;
        const timer = setInterval(() => {
          if (res.destroyed) return clearInterval(timer);
          res.write(MODEL.subarray(offset, offset + 64));
          offset += 64;
          if (offset >= MODEL.length) { clearInterval(timer); res.end(); }
        }, 50);
        res.on('close', () => clearInterval(timer));
        return;
      }
      default: res.writeHead(404); return res.end();
    }
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => {
    const { port: bound } = server.address();
    resolve({
      base: `http://127.0.0.1:${bound}`,
      port: bound,
      hits: (path) => hits.get(path) ?? 0,
      close: () => { server.closeAllConnections(); return new Promise((r) => server.close(r)); },
    });
  }));
}

/** Asserts that `promise` rejects with an OnnxPredictError of `code`; returns the error. */
async function rejectsWith(promise, code, message) {
  let error;
  await assert.rejects(promise, (e) => { error = e; return true; });
  assert.equal(error.name, 'OnnxPredictError', String(error));
  assert.equal(error.code, code, error.message);
  if (message) assert.match(error.message, message);
  return error;
}

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.close(); });

test('index exports fetchModelBytes', () => {
  assert.equal(pkg.fetchModelBytes, fetchModelBytes);
});

test('a Uint8Array source is returned as is; an ArrayBuffer as a view of it', async () => {
  assert.equal(await fetchModelBytes(MODEL), MODEL);
  const copy = MODEL.slice().buffer;
  const view = await fetchModelBytes(copy, { sha256: SHA });
  assert.equal(view.buffer, copy);
  assert.deepEqual(view, MODEL);
});

test('in-memory bytes are still checked against sha256 (hex or SRI)', async () => {
  assert.equal(await fetchModelBytes(MODEL, { sha256: SHA.toUpperCase() }), MODEL);
  assert.equal(await fetchModelBytes(MODEL, { sha256: SRI }), MODEL);
  const error = await rejectsWith(fetchModelBytes(MODEL, { sha256: WRONG_SHA }), 'integrity_mismatch');
  assert.equal(error.details.expected, WRONG_SHA);
  assert.equal(error.details.actual, SHA);
});

test('bad arguments are invalid_argument', async () => {
  await rejectsWith(fetchModelBytes(MODEL, { sha256: 'abc' }), 'invalid_argument', /sha256/);
  await rejectsWith(fetchModelBytes(MODEL, { sha256: 'sha384-abc' }), 'invalid_argument');
  await rejectsWith(fetchModelBytes(MODEL, { retries: -1 }), 'invalid_argument', /retries/);
  await rejectsWith(fetchModelBytes(MODEL, { timeoutMs: 0 }), 'invalid_argument', /timeoutMs/);
  await rejectsWith(fetchModelBytes(MODEL, { cache: 'force-cache' }), 'invalid_argument', /cache/);
  await rejectsWith(fetchModelBytes(42), 'invalid_argument');
  await rejectsWith(fetchModelBytes('http://[bad'), 'invalid_argument', /not a valid URL/);
});

test('a Response is read like a fetched one', async () => {
  assert.deepEqual(await fetchModelBytes(new Response(MODEL), { sha256: SHA }), MODEL);
  const error = await rejectsWith(fetchModelBytes(new Response('x', { status: 502 })), 'http_error');
  assert.equal(error.details.status, 502);
  const used = new Response(MODEL);
  await used.arrayBuffer();
  await rejectsWith(fetchModelBytes(used), 'invalid_argument', /already read/);
});

test('Node: a path or file: URL is read from disk', async () => {
  assert.deepEqual(await fetchModelBytes(modelPath, { sha256: SHA }), MODEL);
  assert.deepEqual(await fetchModelBytes(new URL('../../models/iris.onnx', import.meta.url)), MODEL);
  const test_add = '/usr/share/libonnx-testdata/data/node/test_add/model.onnx';
  assert.deepEqual(await fetchModelBytes(test_add), new Uint8Array(readFileSync(test_add)));
  await rejectsWith(fetchModelBytes('/no/such/model.onnx'), 'fetch_failed', /ENOENT/);
});

test('a download streams with monotonic progress that ends at total', async () => {
  const events = [];
  const bytes = await fetchModelBytes(`${srv.base}/model.onnx`, { onProgress: (p) => events.push({ ...p }) });
  assert.deepEqual(bytes, MODEL);
  assert.ok(events.length >= 3, `expected one event per chunk, got ${JSON.stringify(events)}`);
  for (let i = 1; i < events.length; i++) assert.ok(events[i].loaded >= events[i - 1].loaded);
  for (const e of events) assert.equal(e.total, MODEL.length);
  assert.deepEqual(events.at(-1), { loaded: MODEL.length, total: MODEL.length });
});

test('sha256 is checked on downloads; the SRI form is accepted', async () => {
  assert.deepEqual(await fetchModelBytes(`${srv.base}/model.onnx`, { sha256: SRI }), MODEL);
  assert.deepEqual(await fetchModelBytes(`${srv.base}/model.onnx`, { sha256: SHA }), MODEL);
  const before = srv.hits('/model.onnx');
  const error = await rejectsWith(fetchModelBytes(`${srv.base}/model.onnx`, { sha256: WRONG_SHA }), 'integrity_mismatch');
  assert.deepEqual(error.details, { expected: WRONG_SHA, actual: SHA, url: `${srv.base}/model.onnx` });
  assert.equal(srv.hits('/model.onnx'), before + 1, 'an integrity mismatch is not retried');
});

test('HTTP 404 is http_error with status and url, never retried', async () => {
  const url = `${srv.base}/missing.onnx`;
  const error = await rejectsWith(fetchModelBytes(url), 'http_error', /404/);
  assert.deepEqual(error.details, { status: 404, url });
  assert.equal(srv.hits('/missing.onnx'), 1);
});

test('HTTP 500 then 200: retried, succeeds on the second request', async () => {
  assert.deepEqual(await fetchModelBytes(`${srv.base}/flaky.onnx`), MODEL);
  assert.equal(srv.hits('/flaky.onnx'), 2);
});

test('a persistent 5xx is http_error after retries + 1 requests', async () => {
  const error = await rejectsWith(fetchModelBytes(`${srv.base}/down.onnx`, { retries: 1 }), 'http_error', /after 2 attempts/);
  assert.equal(error.details.status, 503);
  assert.equal(srv.hits('/down.onnx'), 2);
});

test('a body cut short of its Content-Length is fetch_failed "truncated", retried', async () => {
  await rejectsWith(fetchModelBytes(`${srv.base}/truncated.onnx`, { retries: 0 }), 'fetch_failed',
    new RegExp(`truncated: got \\d+ of ${MODEL.length} bytes`));
  assert.equal(srv.hits('/truncated.onnx'), 1);
  await rejectsWith(fetchModelBytes(`${srv.base}/truncated.onnx`), 'fetch_failed', /truncated.*after 3 attempts/);
  assert.equal(srv.hits('/truncated.onnx'), 4);
});

test('a stalled body times out after timeoutMs without data (not retried)', async () => {
  const start = Date.now();
  await rejectsWith(fetchModelBytes(`${srv.base}/stall-body.onnx`, { timeoutMs: 300 }), 'timeout', /no data for 300 ms/);
  const elapsed = Date.now() - start;
  assert.ok(elapsed >= 250 && elapsed < 2000, `took ${elapsed} ms`);
  assert.equal(srv.hits('/stall-body.onnx'), 1);
});

test('missing response headers time out too', async () => {
  await rejectsWith(fetchModelBytes(`${srv.base}/stall-headers.onnx`, { timeoutMs: 300 }), 'timeout', /no response within 300 ms/);
});

test('a slow but steady download does not hit the idle timeout', async () => {
  // 64 bytes every 50 ms for ~1.8 s: far longer than timeoutMs overall, never idle that long.
  assert.deepEqual(await fetchModelBytes(`${srv.base}/slow.onnx`, { timeoutMs: 400 }), MODEL);
});

test('abort interrupts a download in progress', async () => {
  const controller = new AbortController();
  const start = Date.now();
  let events = 0;
  const error = await rejectsWith(fetchModelBytes(`${srv.base}/slow.onnx`, {
    signal: controller.signal,
    onProgress: () => { if (events++ === 0) controller.abort(); },
  }), 'aborted');
  assert.equal(events, 1);
  assert.ok(Date.now() - start < 1000, 'the abort did not wait for the body');
  assert.equal(error.details.url, `${srv.base}/slow.onnx`);
});

test('an already aborted signal sends no request; abort also cuts a retry wait short', async () => {
  const before = srv.hits('/model.onnx');
  await rejectsWith(fetchModelBytes(`${srv.base}/model.onnx`, { signal: AbortSignal.abort() }), 'aborted');
  assert.equal(srv.hits('/model.onnx'), before);
  const start = Date.now();
  await rejectsWith(fetchModelBytes(`${srv.base}/down.onnx`, { retries: 5, signal: AbortSignal.timeout(100) }), 'aborted');
  assert.ok(Date.now() - start < 1000);
});

test('a refused connection is fetch_failed', async () => {
  const gone = await startServer();
  await gone.close();
  await rejectsWith(fetchModelBytes(`${gone.base}/model.onnx`, { retries: 0 }), 'fetch_failed', /ECONNREFUSED/);
});

test('cache: stored once, served offline, corrupt entry dropped and refetched', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'onnx-predict-cache-'));
  t.after(() => rm(cacheDir, { recursive: true, force: true }));
  let server = await startServer();
  const url = `${server.base}/model.onnx`;
  try {
    assert.deepEqual(await fetchModelBytes(url, { cacheDir, sha256: SHA }), MODEL);
    assert.equal(server.hits('/model.onnx'), 1);
    const files = await readdir(cacheDir);
    assert.equal(files.length, 1);
    assert.match(files[0], /^[0-9a-f]{64}\.bin$/);

    await server.close();  // offline from here
    const events = [];
    assert.deepEqual(await fetchModelBytes(url, { cacheDir, sha256: SHA, onProgress: (p) => events.push(p) }), MODEL);
    assert.deepEqual(events, [{ loaded: MODEL.length, total: MODEL.length }]);
    assert.deepEqual(await fetchModelBytes(url, { cacheDir, sha256: SHA, cache: 'only-if-cached' }), MODEL);
    // The key includes the pinned sha256: the same URL without it is another entry.
    await rejectsWith(fetchModelBytes(url, { cacheDir, cache: 'only-if-cached' }), 'fetch_failed', /not cached/);

    // Flip one byte of the model in the entry: detected when read, dropped.
    const file = join(cacheDir, files[0]);
    const entry = await readFile(file);
    entry[entry.length - 10] ^= 0xff;
    await writeFile(file, entry);
    await rejectsWith(fetchModelBytes(url, { cacheDir, sha256: SHA, cache: 'only-if-cached' }), 'fetch_failed', /not cached/);
    assert.deepEqual(await readdir(cacheDir), []);

    await writeFile(file, entry);  // corrupt again, then come back online: refetched and repaired
    server = await startServer(server.port);
    assert.deepEqual(await fetchModelBytes(url, { cacheDir, sha256: SHA }), MODEL);
    assert.equal(server.hits('/model.onnx'), 1);
    assert.deepEqual(await fetchModelBytes(url, { cacheDir, sha256: SHA }), MODEL);
    assert.equal(server.hits('/model.onnx'), 1, 'the repaired entry is used');
  } finally {
    await server.close();
  }
});

test('cache modes: no-store never writes, reload always fetches and stores', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'onnx-predict-cache-'));
  t.after(() => rm(cacheDir, { recursive: true, force: true }));
  const url = `${srv.base}/model.onnx`;
  const before = srv.hits('/model.onnx');
  await fetchModelBytes(url, { cacheDir, cache: 'no-store' });
  assert.deepEqual(await readdir(cacheDir), []);
  await fetchModelBytes(url, { cacheDir, cache: 'reload' });
  await fetchModelBytes(url, { cacheDir, cache: 'reload' });
  assert.equal((await readdir(cacheDir)).length, 1);
  await fetchModelBytes(url, { cacheDir });  // default: from the cache
  assert.equal(srv.hits('/model.onnx'), before + 3);
});

test('only-if-cached with an empty cache (or no cacheDir) is fetch_failed, no request', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'onnx-predict-cache-'));
  t.after(() => rm(cacheDir, { recursive: true, force: true }));
  const before = srv.hits('/model.onnx');
  await rejectsWith(fetchModelBytes(`${srv.base}/model.onnx`, { cacheDir, cache: 'only-if-cached' }), 'fetch_failed', /not cached/);
  await rejectsWith(fetchModelBytes(`${srv.base}/model.onnx`, { cache: 'only-if-cached' }), 'fetch_failed', /pass cacheDir/);
  assert.equal(srv.hits('/model.onnx'), before);
});

test('no cache entry is left after any failure', async (t) => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'onnx-predict-cache-'));
  t.after(() => rm(cacheDir, { recursive: true, force: true }));
  const options = { cacheDir, retries: 0 };
  await rejectsWith(fetchModelBytes(`${srv.base}/missing.onnx`, options), 'http_error');
  await rejectsWith(fetchModelBytes(`${srv.base}/down.onnx`, options), 'http_error');
  await rejectsWith(fetchModelBytes(`${srv.base}/truncated.onnx`, options), 'fetch_failed');
  await rejectsWith(fetchModelBytes(`${srv.base}/stall-body.onnx`, { ...options, timeoutMs: 200 }), 'timeout');
  await rejectsWith(fetchModelBytes(`${srv.base}/model.onnx`, { ...options, sha256: WRONG_SHA }), 'integrity_mismatch');
  const controller = new AbortController();
  await rejectsWith(fetchModelBytes(`${srv.base}/slow.onnx`, { ...options, signal: controller.signal, onProgress: () => controller.abort() }), 'aborted');
  assert.deepEqual(await readdir(cacheDir), []);
});
