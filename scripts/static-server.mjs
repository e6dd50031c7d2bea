// A static file server on 127.0.0.1 for the demo (npm start) and the browser tests: URL prefixes
// map to folders, with the COOP/COEP headers ONNX Runtime Web's threads need and no caching
// surprises (every response is revalidated).
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.json': 'application/json',
  '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.png': 'image/png', '.svg': 'image/svg+xml',
  '.csv': 'text/csv; charset=utf-8', '.ico': 'image/x-icon', '.webmanifest': 'application/manifest+json',
};

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Starts a server. `routes` maps URL prefixes ('/', '/dist/', ...) to folders; the longest prefix
 * wins and a path ending in '/' serves its index.html. Resolves to { server, url, close() }.
 */
export async function startStaticServer({ routes, port = 0, host = '127.0.0.1', headers = ISOLATION_HEADERS } = {}) {
  const table = Object.entries(routes)
    .map(([prefix, dir]) => [prefix, resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    const route = table.find(([prefix]) => path.startsWith(prefix));
    if (!route || (req.method !== 'GET' && req.method !== 'HEAD')) return res.writeHead(404, headers).end('not found');
    let file = normalize(join(route[1], path.slice(route[0].length)));
    if (file !== route[1] && !file.startsWith(route[1] + sep)) return res.writeHead(404, headers).end('not found');
    let stat;
    try {
      stat = statSync(file);
      if (stat.isDirectory()) stat = statSync((file = join(file, 'index.html')));
    } catch {
      return res.writeHead(404, headers).end('not found');
    }
    res.writeHead(200, {
      ...headers,
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': stat.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise((ok, fail) => server.once('error', fail).listen(port, host, ok));
  const url = `http://${host}:${server.address().port}`;
  return { server, url, close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }) };
}
