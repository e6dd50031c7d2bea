// Model byte caches for fetchModelBytes (web/src/fetch.ts): Cache Storage in browsers, a file
// cache in Node. Every entry carries the SHA-256 of its bytes and is re-hashed on read, so a
// corrupted entry is dropped instead of handed to the wasm core. Writes are best effort: a cache
// that cannot be written (quota, read-only directory) never fails a load.

import { importNode } from './node-modules.js';

/** Lower-case hex SHA-256 of `bytes` (WebCrypto: browsers, Node 19+, Node 18's `node:crypto`). */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle ?? (await importNode('node:crypto')).webcrypto.subtle;
  const digest = new Uint8Array(await subtle.digest('SHA-256', ownBuffer(bytes)));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** `bytes` as a view of a plain ArrayBuffer (WebCrypto and Response refuse shared memory). */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}

/** A verified cache hit: the bytes and their SHA-256 (hex), re-checked on read. */
export interface CacheHit {
  bytes: Uint8Array;
  sha256: string;
}

/** One cache backend. `key` is fetch.ts's cacheKey(): the URL, plus `#sha256=<hex>` when pinned. */
export interface ModelCache {
  /** The entry for `key`, or undefined when absent, unreadable or corrupt (a corrupt one is deleted). */
  get(key: string): Promise<CacheHit | undefined>;
  /** Stores verified bytes (`sha256` = their hex digest). Best effort: never throws. */
  put(key: string, bytes: Uint8Array, sha256: string): Promise<void>;
}

const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/**
 * The cache to use: in Node, a file cache in `cacheDir` when given, else none; elsewhere the
 * browser's Cache Storage when the page has one (secure contexts; `cacheDir` is ignored), else none.
 */
export function openModelCache(cacheDir: string | undefined): ModelCache | undefined {
  if (isNode) return cacheDir === undefined ? undefined : new FileCache(cacheDir);
  if (typeof caches !== 'undefined') return new CacheStorageCache();
  return undefined;
}

const kCacheName = 'onnx-predict-v1';
const kKeyHeader = 'x-onnx-predict-key';
const kShaHeader = 'x-onnx-predict-sha256';

/**
 * Browser Cache Storage (`caches.open('onnx-predict-v1')`). Cache matching ignores URL fragments,
 * so an entry is stored under the model URL and the full key (with `#sha256=`) is kept in a
 * header: a URL holds one entry, and pinning a new sha256 replaces the old bytes on success.
 */
class CacheStorageCache implements ModelCache {
  async get(key: string): Promise<CacheHit | undefined> {
    try {
      const cache = await caches.open(kCacheName);
      const url = urlOfKey(key);
      const response = await cache.match(url);
      if (!response || response.headers.get(kKeyHeader) !== key) return undefined;
      const bytes = new Uint8Array(await response.arrayBuffer());
      const sha256 = response.headers.get(kShaHeader);
      if (sha256 !== null && (await sha256Hex(bytes)) === sha256) return { bytes, sha256 };
      await cache.delete(url);
      return undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, bytes: Uint8Array, sha256: string): Promise<void> {
    try {
      const cache = await caches.open(kCacheName);
      const headers = {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.byteLength),
        [kKeyHeader]: key,
        [kShaHeader]: sha256,
      };
      await cache.put(urlOfKey(key), new Response(ownBuffer(bytes), { headers }));
    } catch {
      // Quota exceeded or storage disabled: the load itself succeeded.
    }
  }
}

function urlOfKey(key: string): string {
  const hash = key.indexOf('#');
  return hash < 0 ? key : key.slice(0, hash);
}

/**
 * Node file cache: one file per key, `<cacheDir>/<sha256(key)>.bin`, holding a one-line JSON
 * header `{"v":1,"key":…,"sha256":…,"size":…}` + `\n` + the model bytes. Written to a temp file
 * in the same directory and renamed into place, so readers never see a half-written entry.
 */
class FileCache implements ModelCache {
  constructor(private readonly dir: string) {}

  private async fileFor(key: string): Promise<string> {
    const { join } = await importNode('node:path');
    return join(this.dir, `${await sha256Hex(new TextEncoder().encode(key))}.bin`);
  }

  async get(key: string): Promise<CacheHit | undefined> {
    const fs = await importNode('node:fs/promises');
    const file = await this.fileFor(key);
    let data: Uint8Array;
    try {
      const buffer = await fs.readFile(file);
      data = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);  // not a Buffer
    } catch {
      return undefined;  // absent (or unreadable: treated as a miss, refetched)
    }
    const hit = await parseEntry(data, key);
    if (!hit) await fs.rm(file, { force: true }).catch(() => {});
    return hit;
  }

  async put(key: string, bytes: Uint8Array, sha256: string): Promise<void> {
    const fs = await importNode('node:fs/promises');
    const file = await this.fileFor(key);
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    const header = new TextEncoder().encode(
      `${JSON.stringify({ v: 1, key, sha256, size: bytes.byteLength })}\n`);
    try {
      await fs.mkdir(this.dir, { recursive: true });
      const handle = await fs.open(temp, 'w');
      try {
        await handle.write(header);
        await handle.write(bytes);
      } finally {
        await handle.close();
      }
      await fs.rename(temp, file);
    } catch {
      await fs.rm(temp, { force: true }).catch(() => {});
    }
  }
}

/** Splits and verifies a file-cache entry; undefined when it is not an intact entry for `key`. */
async function parseEntry(data: Uint8Array, key: string): Promise<CacheHit | undefined> {
  const newline = data.indexOf(0x0a);
  if (newline < 0) return undefined;
  let header: { v?: unknown; key?: unknown; sha256?: unknown; size?: unknown };
  try {
    header = JSON.parse(new TextDecoder().decode(data.subarray(0, newline)));
  } catch {
    return undefined;
  }
  const bytes = data.subarray(newline + 1);
  if (header.v !== 1 || header.key !== key || typeof header.sha256 !== 'string' ||
      header.size !== bytes.byteLength) {
    return undefined;
  }
  if ((await sha256Hex(bytes)) !== header.sha256) return undefined;
  return { bytes, sha256: header.sha256 };
}
