// Load time, size and memory (issue #6), written to results.json key `load` and its README block:
//   load     bytes → a ready Model (loadModel: sniff, read, schema, ORT session, self-check) against
//            ort.InferenceSession.create on the same bytes; warm (one process, alternating,
//            median of `reps`) and fresh (a new Node process per sample: import + compile + load,
//            and on to the first prediction of one record)
//   size     the package's own wasm and glue, raw and gzip -9, as built and as shipped (gzip -9, base64
//            inside dist/wasm/onnx-predict-core-wasm.js), next to ONNX Runtime Web's wasm
//   memory   RSS and wasm heap over 10,000 predictBatch calls of 100 records (iris)
//   node bench/load.mjs [--quick]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

import * as ort from 'onnxruntime-web/wasm';
import { loadModel } from 'onnx-predict';

import { loadCore } from '../dist/core.js';
import { handWritten } from './handwritten.mjs';
import { machine, machineMarkdown, median, writeReadmeSection, writeResults } from './report.mjs';
import { warmLoad } from './warm-load.mjs';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const MODELS = join(ROOT, 'models');
const { values: args } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, command: { type: 'string', default: 'node bench/load.mjs' } },
});
const WARM_REPS = args.quick ? 5 : 21;
const WARM_UPS = args.quick ? 2 : 20;  // the first model measured in a process needs about 20 loads before its code settles
const FRESH_REPS = args.quick ? 3 : 7;
const BATCHES = args.quick ? 1000 : 10_000;
ort.env.wasm.numThreads = 1;

const ms = (start) => Number(process.hrtime.bigint() - start) / 1e6;

// ---- load ------------------------------------------------------------------------------------

// A fresh Node process per sample: the clock starts before the first import, so module
// compilation (ours and ORT's wasm) is included, as on a page's first load. The second time is
// after the first prediction of one record (the package: predict; ORT: run on the same record
// packed by the hand-written pipeline): the self-check's run falls inside the package's load,
// and ORT's first run compiles most of its run path, so both sides have then done the same.
const FRESH = {
  package: `const t0 = performance.now();
const { loadModel } = await import('onnx-predict');
const bytes = (await import('node:fs')).readFileSync(process.argv[1]);
const model = await loadModel(bytes);
const t1 = performance.now();
await model.predict(JSON.parse(process.argv[2]).record);
console.log(t1 - t0, performance.now() - t0);`,
  ort: `const t0 = performance.now();
const ort = await import('onnxruntime-web/wasm');
ort.env.wasm.numThreads = 1;
const bytes = (await import('node:fs')).readFileSync(process.argv[1]);
const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
const t1 = performance.now();
const typed = { float32: Float32Array, float64: Float64Array, int32: Int32Array, bool: Uint8Array };
const feeds = {};
for (const f of JSON.parse(process.argv[2]).feeds) {
  const data = f.dtype === 'int64' ? BigInt64Array.from(f.data, BigInt) : f.dtype === 'string' ? f.data : typed[f.dtype].from(f.data);
  feeds[f.name] = new ort.Tensor(f.dtype, data, f.dims);
}
await session.run(feeds);
console.log(t1 - t0, performance.now() - t0);`,
};

// The first reference record, and its feeds as the hand-written pipeline packs them.
async function firstRecord(path) {
  const model = await loadModel(readFileSync(path));
  const reference = JSON.parse(readFileSync(path.replace(/\.onnx$/, '.reference.json'), 'utf8'));
  const record = reference.cases[0].input;
  const { feeds } = handWritten(model.schema.document).pack([record]);
  model.dispose();
  return JSON.stringify({
    record,
    feeds: Object.entries(feeds).map(([name, t]) => ({ name, dtype: t.type, dims: t.dims, data: Array.from(t.data, (v) => (typeof v === 'bigint' ? String(v) : v)) })),
  });
}

async function freshLoad(path) {
  const first = await firstRecord(path);
  const samples = { package: [], ort: [] };
  for (let rep = 0; rep < FRESH_REPS; rep++) {
    for (const [key, script] of Object.entries(FRESH)) {
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script, path, first], { cwd: ROOT, encoding: 'utf8' });
      samples[key].push(out.trim().split('\n').pop().split(' ').map(Number));
    }
  }
  const at = (key, i) => median(samples[key].map((s) => s[i]));
  return { package_ms: at('package', 0), ort_create_ms: at('ort', 0), package_first_prediction_ms: at('package', 1), ort_first_run_ms: at('ort', 1) };
}

// ---- size --------------------------------------------------------------------------------------

function sizeOf(path) {
  const bytes = readFileSync(path);
  return { path: path.replace(ROOT, ''), bytes: bytes.length, gzip9_bytes: gzipSync(bytes, { level: 9 }).length };
}

// ---- memory ------------------------------------------------------------------------------------

async function memory() {
  const bytes = readFileSync(join(MODELS, 'iris.onnx'));
  const reference = JSON.parse(readFileSync(join(MODELS, 'iris.reference.json'), 'utf8'));
  const records = Array.from({ length: 100 }, (_, i) => reference.cases[i % reference.cases.length].input);
  const core = await loadCore();
  const model = await loadModel(bytes);
  for (let i = 0; i < 200; i++) await model.predictBatch(records);
  globalThis.gc?.();
  const rss0 = process.memoryUsage().rss;
  const heap0 = core.HEAPU8.length;
  let peak = rss0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < BATCHES; i++) {
    await model.predictBatch(records);
    if (i % 500 === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = ms(start) / 1000;
  globalThis.gc?.();
  const rss1 = process.memoryUsage().rss;
  model.dispose();
  return {
    batches: BATCHES, records_per_batch: records.length, seconds: Number(seconds.toFixed(2)),
    rss_before_bytes: rss0, rss_after_bytes: rss1, rss_growth_bytes: rss1 - rss0, rss_peak_growth_bytes: peak - rss0,
    wasm_heap_before_bytes: heap0, wasm_heap_after_bytes: core.HEAPU8.length,
  };
}

// ---- run ---------------------------------------------------------------------------------------

const models = readdirSync(MODELS).filter((f) => f.endsWith('.onnx')).sort();
const load = [];
for (const file of models) {
  const path = join(MODELS, file);
  const row = { model: file.replace(/\.onnx$/, ''), bytes: statSync(path).size, warm: await warmLoad(readFileSync(path), { reps: WARM_REPS, warmups: WARM_UPS }), fresh: await freshLoad(path) };
  load.push(row);
  console.error(`  load ${file}: warm ${row.warm.package_ms.toFixed(2)} vs ${row.warm.ort_create_ms.toFixed(2)} ms, fresh ${row.fresh.package_ms.toFixed(1)} vs ${row.fresh.ort_create_ms.toFixed(1)} ms, to first prediction ${row.fresh.package_first_prediction_ms.toFixed(1)} vs ${row.fresh.ort_first_run_ms.toFixed(1)} ms`);
}
const ortDist = join(ROOT, 'node_modules/onnxruntime-web/dist');
const size = {
  core_wasm: sizeOf(join(ROOT, 'build/wasm/onnx-predict-core.wasm')),
  core_glue: sizeOf(join(ROOT, 'dist/wasm/onnx-predict-core.cjs')),
  core_wasm_shipped_base64: sizeOf(join(ROOT, 'dist/wasm/onnx-predict-core-wasm.js')),
  script_bundle: sizeOf(join(ROOT, 'dist/onnx-predict.min.js')),
  ort_wasm: sizeOf(join(ortDist, 'ort-wasm-simd-threaded.wasm')),
  ort_glue: sizeOf(join(ortDist, 'ort.wasm.bundle.min.mjs')),
};
size.core_wasm_plus_glue_gzip9_bytes = size.core_wasm.gzip9_bytes + size.core_glue.gzip9_bytes;
size.target_gzip9_bytes = 150 * 1024;
const mem = await memory();
console.error(`  memory: RSS +${(mem.rss_growth_bytes / 2 ** 20).toFixed(1)} MiB over ${mem.batches} batches, wasm heap ${mem.wasm_heap_before_bytes} → ${mem.wasm_heap_after_bytes}`);

const result = { machine: machine(), command: args.command, date: new Date().toISOString(),
  method: { warm_reps: WARM_REPS, fresh_reps: FRESH_REPS, ort_threads: 1 }, load, size, memory: mem };
writeResults('load', result);

const kib = (b) => `${(b / 1024).toFixed(1)} KiB`;
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const sizeRow = (label, s) => `| ${label} | \`${s.path}\` | ${kib(s.bytes)} | ${kib(s.gzip9_bytes)} |`;
writeReadmeSection('load', `## Load time, size and memory

- **Load**: \`loadModel(bytes)\` (format sniff, C++ read, schema resolution and check, ORT session,
  self-check run of the examples) against \`ort.InferenceSession.create(bytes)\`. Warm: one
  process, alternating, median of ${WARM_REPS} after ${WARM_UPS} warm-up loads, each side's session release let finish before the
  other side is timed. Fresh: a new Node process per sample, timed from
  before the first \`import\` (so both wasm compilations count), median of ${FRESH_REPS}; and
  the same processes' time to their first prediction of one record (the package's \`predict\`,
  ORT's \`run\` on the record packed by hand), where both have run the model once.
- **Memory**: ${mem.batches.toLocaleString('en')} \`predictBatch\` calls of ${mem.records_per_batch} iris records after 200 warm-up calls.
- Machine: ${machineMarkdown(result.machine)}
- Command: \`${args.command}\` (${result.date})

| Model | File | Warm: package | Warm: ORT create | ratio | Fresh: package | Fresh: ORT | ratio | Fresh to first prediction: package | ORT | ratio |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${load.map((r) => `| ${r.model} | ${kib(r.bytes)} | ${r.warm.package_ms.toFixed(2)} ms | ${r.warm.ort_create_ms.toFixed(2)} ms | ${(r.warm.package_ms / r.warm.ort_create_ms).toFixed(2)} | ${r.fresh.package_ms.toFixed(1)} ms | ${r.fresh.ort_create_ms.toFixed(1)} ms | ${(r.fresh.package_ms / r.fresh.ort_create_ms).toFixed(2)} | ${r.fresh.package_first_prediction_ms.toFixed(1)} ms | ${r.fresh.ort_first_run_ms.toFixed(1)} ms | ${(r.fresh.package_first_prediction_ms / r.fresh.ort_first_run_ms).toFixed(2)} |`).join('\n')}

| Artifact | File | Raw | gzip -9 |
| --- | --- | ---: | ---: |
${sizeRow('core wasm (as built)', size.core_wasm)}
${sizeRow('core glue', size.core_glue)}
${sizeRow('core wasm as shipped (gzip -9, base64 module)', size.core_wasm_shipped_base64)}
${sizeRow('\`<script>\` bundle (everything but ORT\'s wasm)', size.script_bundle)}
${sizeRow('ORT Web wasm', size.ort_wasm)}
${sizeRow('ORT Web wasm-only bundle (JS)', size.ort_glue)}

Core wasm + glue, gzip -9: ${kib(size.core_wasm_plus_glue_gzip9_bytes)} (target ${kib(size.target_gzip9_bytes)}).

Memory over ${mem.batches.toLocaleString('en')} batches (${mem.seconds} s): RSS ${mib(mem.rss_before_bytes)} → ${mib(mem.rss_after_bytes)} (growth ${mib(mem.rss_growth_bytes)}, peak growth ${mib(mem.rss_peak_growth_bytes)}); wasm heap ${mib(mem.wasm_heap_before_bytes)} → ${mib(mem.wasm_heap_after_bytes)}.
`);
console.log(`load (warm, package/ORT): ${load.map((r) => `${r.model} ${(r.warm.package_ms / r.warm.ort_create_ms).toFixed(2)}`).join(', ')}`);
console.log(`size: core wasm+glue gzip -9 ${kib(size.core_wasm_plus_glue_gzip9_bytes)} (target 150 KiB); ORT wasm gzip -9 ${kib(size.ort_wasm.gzip9_bytes)}`);
console.log(`memory: RSS growth ${mib(mem.rss_growth_bytes)} over ${mem.batches} batches; wasm heap ${mem.wasm_heap_before_bytes} → ${mem.wasm_heap_after_bytes} bytes`);
