// Signature-read benchmark, WebAssembly: the built package's core.inspectModel(bytes) under Node.
//
//   node --expose-gc bench/wasm_model_info.mjs [--reps N] model.onnx...
//
// Needs dist/ (scripts/build-package.sh). Each model runs in its own Node process, so that the
// wasm memory growth it reports starts from a fresh module. Prints one JSON object per model:
//   median_ms, min_ms       core.inspectModel(bytes) over N (default 50) calls after 3 warm-ups:
//                           copy into the wasm heap + format sniff + parse + JSON to a JS object
//   first_call_ms           the first call, which also grows the wasm memory
//   copy_median_ms          core.sniffFormat(bytes): the binding's same copy_bytes() and a bounded
//                           peek, no parse. Timed in alternation with inspectModel, so that
//                           parse_estimate_ms, the median of the paired differences, sees the
//                           same machine noise on both sides
//   js_copy_median_ms       _malloc + HEAPU8.set + _free from JS: the copy alone, without the
//                           zero-fill that std::vector<uint8_t>(n) in copy_bytes() adds
//   first_touch_reference_ms  filling a fresh ArrayBuffer of the model's size once: what this
//                           machine charges for first-touching that much new memory (page faults),
//                           the bulk of first_call_ms for a large model
//   wasm_memory_*_bytes     WebAssembly.Memory byte length (the module's exported memory) before
//                           and after the first call; wasm memory never shrinks
//   rss_delta_bytes, array_buffers_delta_bytes   process.memoryUsage() across the first call
// A figure to read, not a test.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const { loadCore, unwrap } = await import(new URL('../dist/core.js', import.meta.url).href);

const WARMUP = 3;

function parseArgs(argv) {
  let reps = 50;
  const paths = [];
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--reps') reps = Math.max(1, Number.parseInt(argv[++i], 10));
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
    else paths.push(argv[i]);
  }
  if (paths.length === 0) throw new Error('usage: wasm_model_info.mjs [--reps N] model.onnx...');
  return { reps, paths };
}

// "…/node/test_abs/model.onnx" → "test_abs"; "…/large-200mb.onnx" → "large-200mb".
function modelName(path) {
  const stem = basename(path).replace(/\.onnx$/, '');
  return stem === 'model' ? basename(dirname(path)) : stem;
}

function median(sorted) {
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeOnce(fn) {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const sorted = (values) => [...values].sort((a, b) => a - b);

// Times fn() `reps` times after WARMUP calls; returns sorted milliseconds.
function timeCalls(fn, reps) {
  for (let i = 0; i < WARMUP; ++i) fn();
  return sorted(Array.from({ length: reps }, () => timeOnce(fn)));
}

// Times a() and b() alternately, `reps` times each after WARMUP pairs; returns sorted
// milliseconds of each and of the paired differences a − b.
function timePairs(a, b, reps) {
  for (let i = 0; i < WARMUP; ++i) { a(); b(); }
  const ta = [], tb = [], diff = [];
  for (let i = 0; i < reps; ++i) {
    // Swap the order every other pair so that neither side always runs right after the other.
    let x, y;
    if (i % 2) { y = timeOnce(b); x = timeOnce(a); } else { x = timeOnce(a); y = timeOnce(b); }
    ta.push(x); tb.push(y); diff.push(x - y);
  }
  return { a: sorted(ta), b: sorted(tb), diff: sorted(diff) };
}

// The module's WebAssembly.Memory: Emscripten keeps the instance exports on `asm`.
function wasmMemory(core) {
  const memory = Object.values(core.asm ?? {}).find((v) => v instanceof WebAssembly.Memory);
  if (!memory) throw new Error('the core module exports no WebAssembly.Memory (Emscripten glue changed?)');
  return memory;
}

const round = (ms) => Number(ms.toFixed(6));

async function benchOne(path, reps) {
  const file = readFileSync(path);
  const bytes = new Uint8Array(file.buffer, file.byteOffset, file.byteLength);  // a view, not a copy
  const core = await loadCore();
  const memory = wasmMemory(core);

  globalThis.gc?.();
  const memoryBefore = memory.buffer.byteLength;
  const usageBefore = process.memoryUsage();
  let start = process.hrtime.bigint();
  const info = unwrap(core.inspectModel(bytes));
  const firstCallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const usageAfter = process.memoryUsage();
  const memoryAfter = memory.buffer.byteLength;

  const { a: inspect, b: copy, diff } = timePairs(
    () => unwrap(core.inspectModel(bytes)), () => unwrap(core.sniffFormat(bytes)), reps);
  const jsCopy = timeCalls(() => {
    const ptr = core._malloc(bytes.length);
    if (ptr === 0) throw new Error('_malloc failed');
    try {
      core.HEAPU8.set(bytes, ptr);  // read HEAPU8 after _malloc: the heap may have grown
    } finally {
      core._free(ptr);
    }
  }, reps);
  const firstTouchMs = timeOnce(() => new Uint8Array(bytes.length).fill(1));

  return {
    name: modelName(path),
    path,
    bytes: bytes.length,
    reps,
    median_ms: round(median(inspect)),
    min_ms: round(inspect[0]),
    first_call_ms: round(firstCallMs),
    copy_median_ms: round(median(copy)),
    parse_estimate_ms: round(median(diff)),
    js_copy_median_ms: round(median(jsCopy)),
    first_touch_reference_ms: round(firstTouchMs),
    wasm_memory_before_bytes: memoryBefore,
    wasm_memory_after_bytes: memoryAfter,
    wasm_memory_growth_bytes: memoryAfter - memoryBefore,
    rss_delta_bytes: usageAfter.rss - usageBefore.rss,
    array_buffers_delta_bytes: usageAfter.arrayBuffers - usageBefore.arrayBuffers,
    nodes: info.stats.nodeCount,
    initializer_bytes: info.stats.initializerBytes,
  };
}

const { reps, paths } = parseArgs(process.argv.slice(2));
if (paths.length === 1) {
  console.log(JSON.stringify(await benchOne(paths[0], reps)));
} else {
  // One process per model: a fresh wasm memory each, and the figures of one cannot leak into the next.
  const self = fileURLToPath(import.meta.url);
  for (const path of paths) {
    const run = spawnSync(process.execPath, [...process.execArgv, self, '--reps', String(reps), path], { stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}
