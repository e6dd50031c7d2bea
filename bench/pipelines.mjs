// Side by side, in one Node process per model, for every model in models/ and N records (issue #6):
//   A  raw ONNX Runtime Web: session.run on a tensor packed before the clock starts (the ceiling)
//   B  the naive loop: pack one record, session.run, decode, for every record
//   C  the best generic hand-written JS: an ajv-compiled validator for the same JSON Schema, one
//      typed array packed from the schema's bind, one session.run, decoding to result objects
//   D  onnx-predict predictBatch(records) → the same result objects
//   E  onnx-predict predictColumns(typed arrays, { output: 'columns' }): typed arrays in and out
//   Eo onnx-predict predictColumns(typed arrays) → the same result objects as D
//   S  JSON.stringify(records) alone, for scale
// Pipelines are interleaved repetition by repetition; each figure is the median of the timed
// repetitions after warm-up, in records/s. The target ratios also come paired: each round's own
// ratio, median over rounds. Every pipeline's results are checked against D's
// before timing (C, B and D must agree on labels and, to float32 precision, on numbers).
//   node bench/pipelines.mjs [--quick] [--models iris,digits] [--sizes 1,100,10000]
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as ort from 'onnxruntime-web/wasm';
import { loadModel } from 'onnx-predict';

import { rowsOf } from '../tests/result-columns.mjs';
import { handWritten } from './handwritten.mjs';
import { machine, machineMarkdown, median, writeReadmeSection, writeResults } from './report.mjs';

const MODELS = fileURLToPath(new URL('../models/', import.meta.url));
const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    models: { type: 'string' },
    sizes: { type: 'string', default: '1,100,10000,100000' },
    reps: { type: 'string', default: '7' },
    command: { type: 'string', default: 'node bench/pipelines.mjs' },
    child: { type: 'boolean', default: false },
  },
});
const SIZES = args.sizes.split(',').map(Number);
const REPS = args.quick ? 3 : Number(args.reps);
// Warm-up rounds (all pipelines, interleaved) continue until every pipeline has run for
// WARMUP_MS or WARMUP_MAX rounds, and at least WARMUP_MIN: V8 needs about ten calls of a 10,000-
// record batch before its optimised code settles (with 2 warm-ups the figures swung 5x between runs).
const WARMUP_MIN = args.quick ? 1 : 3;
const WARMUP_MS = args.quick ? 0 : 400;
const WARMUP_MAX = 40;
const PAIRS = [['D', 'B'], ['D', 'C'], ['D', 'A'], ['E', 'A']];  // the ratios issue #6 sets targets for
const LOOP_MAX_N = 10_000;  // B at 100,000 would take minutes per model for a figure we already know
const MIN_SAMPLE_RECORDS = 1000;  // small N: a timed sample repeats the call until it covers this many records

ort.env.wasm.numThreads = 1;

// ---- the benchmark ----------------------------------------------------------------------------

/** Fresh record objects (as parsed JSON would give), cycling through the held-out cases. */
function makeRecords(cases, n) {
  return Array.from({ length: n }, (_, i) => JSON.parse(JSON.stringify(cases[i % cases.length].input)));
}

function toColumns(records, document) {
  const fields = Object.keys(document.input.properties);
  const columns = {};
  for (const f of fields) {
    // A Float64Array where every record has a number; a plain array (with undefined and null
    // for missing values, strings as they are) otherwise.
    columns[f] = records.every((r) => typeof r[f] === 'number') ? Float64Array.from(records, (r) => r[f]) : records.map((r) => r[f]);
  }
  return columns;
}

function sameResults(actual, expected, what) {
  if (actual.length !== expected.length) throw new Error(`${what}: ${actual.length} results, predictBatch gave ${expected.length}`);
  const close = (a, b) => (typeof a === 'number' ? Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b))
    : typeof a === 'object' ? Object.keys(b).every((k) => close(a[k], b[k])) : a === b);
  actual.forEach((r, i) => {
    if (!close(r, expected[i])) throw new Error(`${what}: record ${i} gives ${JSON.stringify(r)}, predictBatch ${JSON.stringify(expected[i])}`);
  });
}

async function benchModel(file) {
  const bytes = readFileSync(join(MODELS, file));
  const reference = JSON.parse(readFileSync(join(MODELS, file.replace(/\.onnx$/, '.reference.json')), 'utf8'));
  const model = await loadModel(bytes);
  const document = model.schema.document;
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const c = handWritten(document);
  const rows = [];
  for (const n of SIZES) {
    const records = makeRecords(reference.cases, n);
    const columns = toColumns(records, document);
    const prepacked = c.pack(records).feeds;
    const expected = (await model.predictBatch(records, { onInvalid: 'skip' })).results;

    const pipelines = {
      A: async () => session.run(prepacked),
      B: n <= LOOP_MAX_N ? async () => {
        const results = new Array(records.length);
        for (let i = 0; i < records.length; i++) {
          const { feeds } = c.pack([records[i]]);
          results[i] = c.decode(await session.run(feeds), 1)[0];
        }
        return results;
      } : undefined,
      C: async () => {
        const { feeds, valid } = c.pack(records);
        return c.decode(await session.run(feeds), valid.length);
      },
      D: async () => (await model.predictBatch(records, { onInvalid: 'skip' })).results,
      E: async () => model.predictColumns(columns, { onInvalid: 'skip', output: 'columns' }),
      Eo: async () => (await model.predictColumns(columns, { onInvalid: 'skip' })).results,
      S: async () => JSON.stringify(records),
    };
    for (const key of ['B', 'C', 'E', 'Eo']) {
      if (!pipelines[key]) continue;
      const results = await pipelines[key]();
      sameResults(key === 'E' ? rowsOf(results) : results, expected, `${file} N=${n} ${key}`);
    }

    const repeat = Math.max(1, Math.ceil(MIN_SAMPLE_RECORDS / n));
    const samples = Object.fromEntries(Object.keys(pipelines).map((k) => [k, []]));
    const warmed = Object.fromEntries(Object.keys(pipelines).map((k) => [k, 0]));  // ms spent warming each
    let warmups = 0;
    const warming = () => warmups < WARMUP_MIN
      || (warmups < WARMUP_MAX && Object.entries(pipelines).some(([k, run]) => run && warmed[k] < WARMUP_MS));
    for (let rep = 0; warming() || rep < warmups + REPS; rep++) {
      const warm = warming();
      for (const [key, run] of Object.entries(pipelines)) {
        if (!run) continue;
        const start = process.hrtime.bigint();
        for (let k = 0; k < repeat; k++) await run();
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (warm) warmed[key] += seconds * 1e3;
        else samples[key].push((n * repeat) / seconds);
      }
      if (warm) warmups++;
    }
    const row = { model: file.replace(/\.onnx$/, ''), n, repeat, warmups };
    for (const [key, values] of Object.entries(samples)) row[key] = values.length ? Math.round(median(values)) : null;
    // The same ratios round by round (both pipelines timed within one round, so the machine's drift
    // between rounds falls on both), then their median: a second figure beside the ratio of medians.
    row.paired = {};
    for (const [num, den] of PAIRS) {
      const a = samples[num], b = samples[den];
      row.paired[`${num}/${den}`] = a?.length && b?.length === a.length ? Number(median(a.map((v, i) => v / b[i])).toFixed(3)) : null;
    }
    rows.push(row);
    console.error(`  ${file} N=${n}: ${['A', 'B', 'C', 'D', 'E', 'Eo', 'S'].map((k) => `${k} ${row[k] ?? '–'}`).join('  ')}`);
  }
  model.dispose();
  await session.release();
  return rows;
}

const files = readdirSync(MODELS).filter((f) => f.endsWith('.onnx')).sort()
  .filter((f) => !args.models || args.models.split(',').includes(f.replace(/\.onnx$/, '')));
if (args.child) {
  // One model in this process: its rows as JSON on stdout for the parent.
  const rows = [];
  for (const file of files) rows.push(...(await benchModel(file)));
  process.stdout.write(JSON.stringify(rows));
  process.exit(0);
}
// Every model in a fresh Node process: measured in one process after another model, a model's
// D and E ran 3-4x slower in most runs (the time goes to building result objects; bench/README.md),
// which says more about V8's state than about the model.
const rows = [];
for (const file of files) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', '--models', file.replace(/\.onnx$/, ''),
    '--sizes', args.sizes, '--reps', args.reps, ...(args.quick ? ['--quick'] : [])], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench: ${file} failed (exit ${child.status})`);
  rows.push(...JSON.parse(child.stdout));
}

const fmt = (v) => (v === null ? '–' : v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(v));
const ratio = (a, b) => (a === null || b === null ? '–' : (a / b).toFixed(2));
const result = {
  machine: machine(),
  command: args.command,
  date: new Date().toISOString(),
  method: { reps: REPS, warmup: { min_rounds: WARMUP_MIN, min_ms_per_pipeline: WARMUP_MS, max_rounds: WARMUP_MAX }, min_sample_records: MIN_SAMPLE_RECORDS, loop_max_n: LOOP_MAX_N, ort_threads: 1 },
  rows,
};
writeResults('pipelines', result);
writeReadmeSection('pipelines', `## Pipelines: the package against raw ORT, the per-record loop and hand-written JS

Records/s (median of ${REPS} timed repetitions after warm-up rounds until each pipeline has run
${WARMUP_MS} ms (${WARMUP_MIN} to ${WARMUP_MAX} rounds; \`warmups\` in results.json), pipelines interleaved
repetition by repetition, one Node process per model, ONNX Runtime Web ${ort.env.versions?.web ?? ''} wasm with 1 thread). Records are
the models' held-out cases (models/*.reference.json), cycled to N, as fresh objects. For small N a
timed sample repeats the call until it covers ${MIN_SAMPLE_RECORDS} records. B runs up to N = ${LOOP_MAX_N.toLocaleString('en')}.

- **A** raw \`session.run\` on a tensor packed before timing (the ceiling) · **B** one \`session.run\` per record
- **C** ajv-compiled validator + one typed array packed from the schema's \`bind\` + one run + result objects
- **D** \`model.predictBatch(records)\` · **E** \`model.predictColumns(typed arrays, { output: 'columns' })\`: typed arrays in, typed result columns out
- **Eo** \`model.predictColumns(typed arrays)\` to D's result objects · **S** \`JSON.stringify(records)\` alone
- Machine: ${machineMarkdown(result.machine)}
- Command: \`${args.command}\` (${result.date})

| Model | N | A | B | C | D | E | Eo | S | D/B | D/C | D/A | E/A |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.model} | ${r.n.toLocaleString('en')} | ${fmt(r.A)} | ${fmt(r.B)} | ${fmt(r.C)} | ${fmt(r.D)} | ${fmt(r.E)} | ${fmt(r.Eo)} | ${fmt(r.S)} | ${ratio(r.D, r.B)} | ${ratio(r.D, r.C)} | ${ratio(r.D, r.A)} | ${ratio(r.E, r.A)} |`).join('\n')}

The ratios above divide two medians. Paired, each round's own ratio (its two pipelines timed
within that round), median over the rounds (\`paired\` in results.json), N = 10,000:

| Model | D/B | D/C | D/A | E/A |
| --- | ---: | ---: | ---: | ---: |
${rows.filter((r) => r.n === 10_000).map((r) => `| ${r.model} | ${PAIRS.map(([a, b]) => r.paired[`${a}/${b}`]?.toFixed(2) ?? '–').join(' | ')} |`).join('\n')}
`);
console.log('ratios at N = 10,000:');
for (const r of rows.filter((x) => x.n === 10_000)) {
  console.log(`  ${r.model.padEnd(18)} D/B ${ratio(r.D, r.B)}  D/C ${ratio(r.D, r.C)}  D/A ${ratio(r.D, r.A)}  E/A ${ratio(r.E, r.A)}` +
    `   paired: ${PAIRS.map(([a, b]) => `${a}/${b} ${r.paired[`${a}/${b}`]?.toFixed(2) ?? '–'}`).join('  ')}`);
}
