// The demo's service worker: precaches the page, its modules and styles, the package's <script>
// build, ONNX Runtime Web's wasm and every model in models.json, so that after one visit the page
// reloads and predicts with the network off. Requests go to the network first (the demo is a
// development page: a rebuilt dist/ shows up at once) and fall back to the cache when it fails.
// Paths are relative to this file, so the demo works from any folder that has dist/ and models/
// beside its files (scripts/serve-demo.mjs serves web/demo at /, dist at /dist/, models at /models/).

const CACHE = 'onnx-predict-demo-v1';
const SHELL = [
  './', 'index.html', 'style.css', 'models.json',
  'demo.js', 'dom.js', 'fields.js', 'form.js', 'card.js', 'results.js', 'batch.js', 'digits.js', 'offline.js',
  'dist/onnx-predict.min.js', 'dist/ort/ort-wasm-simd-threaded.mjs', 'dist/ort/ort-wasm-simd-threaded.wasm',
];

const absolute = (path) => new URL(path, self.registration.scope).href;

/** The models models.json lists (those that exist: a missing one must not block the install). */
async function modelUrls() {
  const url = absolute('models.json');
  const response = await fetch(url, { cache: 'no-cache' }).catch(async (error) => (await caches.match(url)) ?? Promise.reject(error));
  const { models } = await response.json();
  return models.map((m) => absolute(m.url));
}

async function precache() {
  const cache = await caches.open(CACHE);
  await cache.addAll(SHELL.map(absolute));
  await Promise.all((await modelUrls()).map(async (url) => {
    try {
      const response = await fetch(url, { cache: 'no-cache' });
      if (response.ok) await cache.put(url, response);
    } catch {
      // not built yet or unreachable: cached the first time the page loads it
    }
  }));
}

self.addEventListener('install', (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith('onnx-predict-demo-') && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

/** Whether two responses are the same version of a file (by ETag or Last-Modified, and length). */
function sameVersion(a, b) {
  if (a.headers.get('content-length') !== b.headers.get('content-length')) return false;
  return ['etag', 'last-modified'].some((h) => a.headers.get(h) !== null && a.headers.get(h) === b.headers.get(h));
}

async function fromNetworkOrCache(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (request.method === 'GET' && response.ok && response.type === 'basic') {
      const cached = await cache.match(request);
      if (!cached || !sameVersion(cached, response)) await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cache.match(request, { ignoreSearch: true, ignoreMethod: true });
    if (cached) return request.method === 'HEAD' ? new Response(null, { status: cached.status, headers: cached.headers }) : cached;
    if (request.mode === 'navigate') {
      const page = await cache.match(absolute('index.html'));
      if (page) return page;
    }
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (new URL(request.url).origin !== self.location.origin) return;
  if (request.method !== 'GET' && request.method !== 'HEAD') return;
  if (request.headers.has('range')) return;  // partial responses cannot be cached
  event.respondWith(fromNetworkOrCache(request));
});

/**
 * { type: 'status' } → { cached, total, missing }: the page's offline badge asks when it is ready.
 * Anything not cached yet (a model built after the install) is fetched now; a model the server
 * does not have (404) is left out of the total.
 */
self.addEventListener('message', (event) => {
  if (event.data?.type !== 'status') return;
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let models = [];
    try {
      models = await modelUrls();
    } catch {
      // offline: the models cached so far are what there is
    }
    const wanted = [...new Set([...SHELL.map(absolute), ...models])];
    let cached = 0;
    let unavailable = 0;
    const missing = [];
    for (const url of wanted) {
      if (await cache.match(url)) {
        cached++;
        continue;
      }
      try {
        const response = await fetch(url, { cache: 'no-cache' });
        if (response.ok) {
          await cache.put(url, response);
          cached++;
        } else if (models.includes(url)) {
          unavailable++;
        } else {
          missing.push(url);
        }
      } catch {
        missing.push(url);
      }
    }
    event.ports[0]?.postMessage({ cached, total: wanted.length - unavailable, missing });
  })());
});
