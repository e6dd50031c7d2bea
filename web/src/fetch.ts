// Gets a model's bytes, as loadModel does: from memory, a Response, a URL (streamed with progress,
// bounded retries, an idle timeout and abort), or a local file in Node; checks their SHA-256 and
// caches them (web/src/cache.ts). Every failure is an OnnxPredictError (docs/errors.md).
import { OnnxPredictError, type OnnxPredictErrorDetails } from './errors.js';
import { openModelCache, sha256Hex, type ModelCache } from './cache.js';
import { importNode } from './node-modules.js';

/**
 * Where model bytes come from. A string or URL is fetched (relative strings resolve against the
 * page in browsers; in Node a string without a scheme, or a `file:` URL, is a local file path).
 * An ArrayBuffer or Uint8Array is used as is (not copied); a Response is read like a fetched one.
 */
export type ModelSource = string | URL | ArrayBuffer | Uint8Array | Response;

/** Download progress. `total` comes from Content-Length; undefined when unknown or compressed. */
export interface FetchProgress {
  loaded: number;
  total: number | undefined;
}

/** Options of fetchModelBytes (and loadModel). */
export interface FetchOptions {
  /**
   * Called after every body chunk and once at the end with `loaded === total` (also on a cache
   * hit). `loaded` never decreases within one attempt; after a retry it starts again from 0.
   * An exception thrown here cancels the download and is rethrown as is.
   */
  onProgress?: (p: FetchProgress) => void;
  /** Aborts the request, a download in progress, or a wait between retries: error `aborted`. */
  signal?: AbortSignal;
  /**
   * An idle timeout in ms (default: none), per attempt: the longest wait for the response headers,
   * and then between two body chunks. A slow but steady download never times out; a stalled one
   * fails with `timeout` after `timeoutMs` without data. Timeouts are not retried.
   */
  timeoutMs?: number;
  /**
   * Extra attempts after a network failure (`fetch_failed`, including a body cut short) or an
   * HTTP 5xx, with exponential backoff: 200 ms × 2^n, jittered to 50–100%. Default 2. Never
   * after a 4xx, a timeout, an abort or an integrity mismatch.
   */
  retries?: number;
  /**
   * The expected SHA-256 of the bytes: 64 hex digits, or a Subresource Integrity string
   * `sha256-<base64>`. A mismatch fails with `integrity_mismatch` and nothing is cached.
   */
  sha256?: string;
  /**
   * How the model cache (Cache Storage in browsers, `cacheDir` in Node) is used for http(s) URLs:
   * `default` uses a cached copy when present, else downloads and stores; `no-store` always
   * downloads and never stores; `reload` always downloads and stores; `only-if-cached` uses the
   * cache or fails with `fetch_failed` ("not cached"). Cached bytes are re-hashed when read;
   * a corrupt entry is dropped and downloaded again. Default `default`.
   */
  cache?: 'default' | 'no-store' | 'reload' | 'only-if-cached';
  /** Node: the directory of the file cache (created when needed). Without it Node caches nothing. */
  cacheDir?: string;
}

const kDefaultRetries = 2;
const kBackoffBaseMs = 200;
const kMaxPreallocation = 1 << 27;  // a bogus Content-Length must not allocate gigabytes up front
const kCacheModes = ['default', 'no-store', 'reload', 'only-if-cached'];
const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;

/**
 * Returns the bytes of a model from `source` (see ModelSource and FetchOptions).
 *
 * The returned Uint8Array belongs to the caller (for a Uint8Array source it is that array).
 * Throws OnnxPredictError: `invalid_argument` (bad source or options), `http_error` (`details.status`,
 * `details.url`; 5xx only after the retries), `fetch_failed` (network error, truncated body, file
 * not readable, not cached), `timeout`, `aborted`, `integrity_mismatch` (`details.expected`/`actual`).
 */
export async function fetchModelBytes(source: ModelSource, options: FetchOptions = {}): Promise<Uint8Array> {
  const download = await downloadModel(source, options);
  await download.store();
  return download.bytes;
}

/** Model bytes, and how to put them in the cache once the caller has accepted them. */
export interface Download {
  bytes: Uint8Array;
  /** Stores fresh downloads in the model cache (best effort, never throws); a no-op otherwise. */
  store(): Promise<void>;
}

/** Bytes that are not to be cached (in-memory sources, local files, cache hits, no-store). */
function unstored(bytes: Uint8Array): Download {
  return { bytes, store: async () => {} };
}

/**
 * fetchModelBytes without the cache write: loadModel stores the bytes only after they passed
 * every check (sniffing, schema, ONNX Runtime, self-check), so a failed load leaves no entry.
 */
export async function downloadModel(source: ModelSource, options: FetchOptions = {}): Promise<Download> {
  checkOptions(options);
  const expected = parseSha256(options.sha256);
  throwIfAborted(options.signal, undefined);
  if (source instanceof Uint8Array) return checkIntegrity(source, expected, undefined).then(() => unstored(source));
  if (source instanceof ArrayBuffer) return downloadModel(new Uint8Array(source), options);
  if (typeof Response !== 'undefined' && source instanceof Response) {
    if (source.bodyUsed) throw new OnnxPredictError('invalid_argument', 'the Response body was already read: pass a fresh Response (or response.clone())');
    const watchdog = new Watchdog(options.signal, options.timeoutMs);
    try {
      const bytes = await readResponse(source, source.url || undefined, options, watchdog);
      await checkIntegrity(bytes, expected, source.url || undefined);
      return unstored(bytes);
    } finally {
      watchdog.dispose();
    }
  }
  if (typeof source === 'string' || source instanceof URL) {
    const target = await resolveSource(source);
    if ('path' in target) {
      const bytes = await readLocalFile(target.path, options);
      await checkIntegrity(bytes, expected, target.path);
      return unstored(bytes);
    }
    return fetchUrl(target.url, expected, options);
  }
  throw new OnnxPredictError('invalid_argument',
    'expected the model as a URL (string or URL), an ArrayBuffer, a Uint8Array or a Response');
}

function checkOptions(options: FetchOptions): void {
  const bad = (message: string) => new OnnxPredictError('invalid_argument', message);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw bad('onProgress must be a function');
  if (options.timeoutMs !== undefined && !(options.timeoutMs > 0 && Number.isFinite(options.timeoutMs))) {
    throw bad('timeoutMs must be a positive number of milliseconds');
  }
  if (options.retries !== undefined && !(Number.isInteger(options.retries) && options.retries >= 0)) {
    throw bad('retries must be a non-negative integer');
  }
  if (options.cache !== undefined && !kCacheModes.includes(options.cache)) throw bad(`cache must be one of ${kCacheModes.join(', ')}`);
  if (options.cacheDir !== undefined && typeof options.cacheDir !== 'string') throw bad('cacheDir must be a directory path');
}

/** The expected digest as lower-case hex: from 64 hex digits or an SRI `sha256-<base64>`. */
function parseSha256(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value.trim() : '';
  if (/^[0-9a-f]{64}$/i.test(text)) return text.toLowerCase();
  const sri = /^sha256-([A-Za-z0-9+/]{43}=)(\?.*)?$/.exec(text);
  if (sri) return Array.from(atob(sri[1]), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  throw new OnnxPredictError('invalid_argument',
    'sha256 must be 64 hex digits or a Subresource Integrity string "sha256-<base64>"');
}

/** Hashes `bytes` when there is something to compare; returns the hex digest when computed. */
async function checkIntegrity(bytes: Uint8Array, expected: string | undefined, url: string | undefined): Promise<string | undefined> {
  if (expected === undefined) return undefined;
  const actual = await sha256Hex(bytes);
  if (actual !== expected) {
    throw new OnnxPredictError('integrity_mismatch',
      `the SHA-256 of ${url ?? 'the model bytes'} is ${actual}, expected ${expected}: the file is corrupt, ` +
      'truncated or was replaced; if the model was updated on purpose, update the sha256 option',
      withUrl({ expected, actual }, url));
  }
  return actual;
}

function withUrl(details: OnnxPredictErrorDetails, url: string | undefined): OnnxPredictErrorDetails {
  return url === undefined ? details : { ...details, url };
}

function throwIfAborted(signal: AbortSignal | undefined, url: string | undefined): void {
  if (signal?.aborted) {
    throw new OnnxPredictError('aborted', `loading ${url ?? 'the model'} was aborted by its AbortSignal`, withUrl({}, url));
  }
}

/** A URL to fetch, or (Node) a file to read. */
async function resolveSource(source: string | URL): Promise<{ url: string } | { path: string }> {
  const hasScheme = (s: string) => /^[a-z][a-z0-9+.-]+:/i.test(s);  // 2+ letters: `C:\…` is a path
  if (isNode && typeof source === 'string' && !hasScheme(source)) return { path: source };
  let url: URL;
  try {
    url = source instanceof URL ? source : new URL(source, isNode ? undefined : globalThis.location?.href);
  } catch {
    throw new OnnxPredictError('invalid_argument', `not a valid URL: ${String(source)}`);
  }
  if (isNode && url.protocol === 'file:') return { path: (await importNode('node:url')).fileURLToPath(url) };
  return { url: url.href };
}

async function readLocalFile(path: string, options: FetchOptions): Promise<Uint8Array> {
  const { readFile } = await importNode('node:fs/promises');
  let data: Uint8Array;
  try {
    data = await readFile(path, { signal: options.signal });
  } catch (cause) {
    throwIfAborted(options.signal, path);
    throw new OnnxPredictError('fetch_failed', `cannot read ${path}: ${describe(cause)}`, { url: path });
  }
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  options.onProgress?.({ loaded: bytes.byteLength, total: bytes.byteLength });
  return bytes;
}

/** The cache key: the URL without its fragment, plus `#sha256=<hex>` when the bytes are pinned. */
function cacheKey(url: string, expected: string | undefined): string {
  const keyUrl = new URL(url);
  keyUrl.hash = '';
  return expected === undefined ? keyUrl.href : `${keyUrl.href}#sha256=${expected}`;
}

async function fetchUrl(url: string, expected: string | undefined, options: FetchOptions): Promise<Download> {
  const mode = options.cache ?? 'default';
  const cache: ModelCache | undefined = /^https?:/.test(url) ? openModelCache(options.cacheDir) : undefined;
  const key = cacheKey(url, expected);
  if (mode === 'default' || mode === 'only-if-cached') {
    const hit = await cache?.get(key);
    throwIfAborted(options.signal, url);
    if (hit && (expected === undefined || hit.sha256 === expected)) {
      options.onProgress?.({ loaded: hit.bytes.byteLength, total: hit.bytes.byteLength });
      return unstored(hit.bytes);
    }
    if (mode === 'only-if-cached') {
      throw new OnnxPredictError('fetch_failed',
        `not cached: ${url} is not in the model cache${cache ? '' : ' (no cache here: pass cacheDir in Node)'} ` +
        'and cache is "only-if-cached"; load it once online first', { url });
    }
  }
  const bytes = await downloadWithRetries(url, mode, options);
  const store = cache !== undefined && mode !== 'no-store';
  const actual = await checkIntegrity(bytes, expected, url);
  if (!store) return unstored(bytes);
  return { bytes, store: async () => cache.put(key, bytes, actual ?? (await sha256Hex(bytes))) };
}

async function downloadWithRetries(url: string, mode: string, options: FetchOptions): Promise<Uint8Array> {
  const retries = options.retries ?? kDefaultRetries;
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadOnce(url, mode, options);
    } catch (error) {
      if (attempt >= retries || !isRetryable(error)) {
        if (attempt > 0 && error instanceof OnnxPredictError) error.message += ` (gave up after ${attempt + 1} attempts)`;
        throw error;
      }
      await sleep(kBackoffBaseMs * 2 ** attempt * (0.5 + Math.random() / 2), options.signal, url);
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof OnnxPredictError)) return false;
  return error.code === 'fetch_failed' || (error.code === 'http_error' && (error.details.status ?? 0) >= 500);
}

function sleep(ms: number, signal: AbortSignal | undefined, url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new OnnxPredictError('aborted', `loading ${url} was aborted by its AbortSignal`, { url }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function downloadOnce(url: string, mode: string, options: FetchOptions): Promise<Uint8Array> {
  const watchdog = new Watchdog(options.signal, options.timeoutMs);
  try {
    // Browsers: our cache mode also steers the HTTP cache (`reload` must not get a stale copy).
    const init: RequestInit = { signal: watchdog.signal };
    if (!isNode) init.cache = mode === 'default' ? 'default' : mode === 'reload' ? 'reload' : 'no-store';
    let response: Response;
    try {
      response = await fetch(url, init);
    } catch (cause) {
      throw watchdog.failure(cause, url, undefined);
    }
    return await readResponse(response, url, options, watchdog);
  } finally {
    watchdog.dispose();
  }
}

/** Streams a response body into one Uint8Array, reporting progress; checks status and length. */
async function readResponse(response: Response, url: string | undefined, options: FetchOptions,
                            watchdog: Watchdog): Promise<Uint8Array> {
  const where = url ?? 'the Response';
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    throw new OnnxPredictError('http_error',
      `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''} for ${where}: ${statusHint(response.status)}`,
      withUrl({ status: response.status }, url));
  }
  const total = contentLength(response);
  const sink = new ByteSink(total);
  if (response.body) {
    const reader = response.body.getReader();
    let done = false;
    try {
      while (!done) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await watchdog.race(reader.read());
        } catch (cause) {
          throw watchdog.failure(cause, url, { loaded: sink.length, total });
        }
        done = chunk.done;
        if (chunk.value) {
          sink.push(chunk.value);
          watchdog.kick();
          options.onProgress?.({ loaded: sink.length, total });
        }
      }
    } finally {
      if (!done) reader.cancel().catch(() => {});
    }
  }
  if (total !== undefined && sink.length < total) {
    throw new OnnxPredictError('fetch_failed', `truncated: got ${sink.length} of ${total} bytes from ${where}; try again`,
      withUrl({}, url));
  }
  options.onProgress?.({ loaded: sink.length, total: sink.length });
  return sink.bytes();
}

function statusHint(status: number): string {
  if (status === 404 || status === 410) return 'check the model URL';
  if (status === 401 || status === 403) return 'the server refused access: check credentials or the URL';
  if (status >= 500) return 'the server failed; try again later';
  return 'the server refused the request';
}

/** Content-Length when it counts the bytes we will read (not when the body is compressed). */
function contentLength(response: Response): number | undefined {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding.toLowerCase() !== 'identity') return undefined;
  const value = response.headers.get('content-length');
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value);
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: { code?: string; message?: string } }).cause;
    const detail = inner?.code ?? inner?.message;
    return detail ? `${cause.message} (${detail})` : cause.message;
  }
  return String(cause);
}

/**
 * One attempt's abort + idle-timeout guard: its signal aborts when the caller's signal does or when
 * `timeoutMs` passes without kick(); race() makes a pending read give up at that moment.
 */
class Watchdog {
  private readonly controller = new AbortController();
  private readonly stopped: Promise<never>;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timedOut = false;
  private readonly onAbort = () => this.controller.abort();

  constructor(private readonly callerSignal: AbortSignal | undefined, private readonly timeoutMs: number | undefined) {
    this.stopped = new Promise<never>((_, reject) => {
      this.controller.signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
    });
    this.stopped.catch(() => {});
    if (callerSignal?.aborted) this.controller.abort();
    else callerSignal?.addEventListener('abort', this.onAbort, { once: true });
    this.kick();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Data arrived: restart the idle timer. */
  kick(): void {
    if (this.timeoutMs === undefined || this.controller.signal.aborted) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, this.timeoutMs);
  }

  race<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.stopped]);
  }

  /** The OnnxPredictError for a failed fetch() (progress undefined) or body read. */
  failure(cause: unknown, url: string | undefined, progress: FetchProgress | undefined): OnnxPredictError {
    if (cause instanceof OnnxPredictError) return cause;
    const where = url ?? 'the Response';
    const details = withUrl({}, url);
    if (this.callerSignal?.aborted) {
      return new OnnxPredictError('aborted', `loading ${where} was aborted by its AbortSignal`, details);
    }
    if (this.timedOut) {
      const phase = progress ? `no data for ${this.timeoutMs} ms after ${progress.loaded} bytes` : `no response within ${this.timeoutMs} ms`;
      return new OnnxPredictError('timeout', `${where}: ${phase}; check the network or raise timeoutMs`, details);
    }
    if (progress?.total !== undefined) {
      return new OnnxPredictError('fetch_failed',
        `truncated: got ${progress.loaded} of ${progress.total} bytes from ${where} (${describe(cause)}); try again`, details);
    }
    return new OnnxPredictError('fetch_failed',
      `could not download ${where}: ${describe(cause)}; check the URL, the network and (browsers) the server's CORS headers`,
      details);
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.callerSignal?.removeEventListener('abort', this.onAbort);
  }
}

/** A growable byte buffer, preallocated from Content-Length when known. */
class ByteSink {
  private buffer: Uint8Array;
  length = 0;

  constructor(expected: number | undefined) {
    this.buffer = new Uint8Array(Math.min(expected ?? 1 << 16, kMaxPreallocation));
  }

  push(chunk: Uint8Array): void {
    if (this.length + chunk.byteLength > this.buffer.byteLength) {
      const grown = new Uint8Array(Math.max(this.buffer.byteLength * 2, this.length + chunk.byteLength));
      grown.set(this.buffer.subarray(0, this.length));
      this.buffer = grown;
    }
    this.buffer.set(chunk, this.length);
    this.length += chunk.byteLength;
  }

  bytes(): Uint8Array {
    return this.length === this.buffer.byteLength ? this.buffer : this.buffer.slice(0, this.length);
  }
}
