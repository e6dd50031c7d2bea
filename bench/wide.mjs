// Wide schemas: how the package scales with the number of fields, written to results.json key
// `wide` and its README block. For each width n (bench/make_wide_models.py: a linear model whose
// embedded schema has n bounded number fields):
//   compile   core.createPredictor(bytes) + delete: reading the model, compiling its schema and
//             bindings (median of reps, after warm-up)
//   load      warm loadModel(bytes) against ort.InferenceSession.create(bytes), alternating
//   batch     2,000 records, ns per field value: A raw session.run on a packed tensor, D
//             predictBatch from records made by JSON.parse (as a fetch would give them), E
//             predictColumns from Float64Arrays with output: 'columns'; interleaved
//   node bench/wide.mjs --models DIR [--quick]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import * as ort from 'onnxruntime-web/wasm';
import { loadModel } from 'onnx-predict';

import { loadCore } from '../dist/core.js';
import { machine, machineMarkdown, median, writeReadmeSection, writeResults } from './report.mjs';
import { warmLoad } from './warm-load.mjs';

const { values: args } = parseArgs({
  options: { models: { type: 'string' }, quick: { type: 'boolean', default: false },
    command: { type: 'string', default: 'node bench/wide.mjs' } },
});
const WIDTHS = [64, 256, 1000];
const ROWS = 2000;
const REPS = args.quick ? 5 : 15;
const WARMUPS = 10;  // runs before timing: V8 optimizes the generated reader of a wide record after several batches
ort.env.wasm.numThreads = 1;

const fieldNames = (n) => Array.from({ length: n }, (_, i) => `feature_${String(i).padStart(4, '0')}`);

const core = await loadCore();
const rows = [];
for (const n of WIDTHS) {
  const bytes = readFileSync(join(args.models, `wide-${n}.onnx`));
  const names = fieldNames(n);

  const compile = [];
  for (let i = 0; i < REPS + WARMUPS; i++) {
    const start = performance.now();
    const predictor = core.createPredictor(bytes, '', true);
    if (predictor instanceof Error) throw predictor;
    predictor.delete();
    if (i >= WARMUPS) compile.push(performance.now() - start);
  }

  const load = await warmLoad(bytes, { reps: REPS, warmups: WARMUPS });

  const records = Array.from({ length: ROWS }, (_, r) =>
    JSON.parse(JSON.stringify(Object.fromEntries(names.map((f, i) => [f, ((r * 7 + i) % 100) / 10])))));
  const columns = Object.fromEntries(names.map((f) => [f, Float64Array.from(records, (r) => r[f])]));
  const packed = new Float32Array(ROWS * n);
  records.forEach((r, i) => names.forEach((f, j) => { packed[i * n + j] = r[f]; }));
  const model = await loadModel(bytes);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const pipelines = {
    A: () => session.run({ X: new ort.Tensor('float32', packed, [ROWS, n]) }),
    D: () => model.predictBatch(records),
    E: () => model.predictColumns(columns, { output: 'columns' }),
  };
  const times = { A: [], D: [], E: [] };
  for (let round = 0; round < REPS + WARMUPS; round++) {
    for (const [key, run] of Object.entries(pipelines)) {
      const start = performance.now();
      await run();
      if (round >= WARMUPS) times[key].push(performance.now() - start);
    }
  }
  model.dispose();
  await session.release();
  const perValue = (key) => Number((median(times[key]) * 1e6 / (ROWS * n)).toFixed(2));
  const row = {
    fields: n, bytes: bytes.length, compile_ms: Number(median(compile).toFixed(3)),
    load: { package_ms: Number(load.package_ms.toFixed(3)), ort_create_ms: Number(load.ort_create_ms.toFixed(3)) },
    batch_ns_per_value: { A: perValue('A'), D: perValue('D'), E: perValue('E') },
  };
  rows.push(row);
  console.error(`  wide-${n}: compile ${row.compile_ms} ms, load ${row.load.package_ms} vs ${row.load.ort_create_ms} ms, ` +
    `ns per value A ${row.batch_ns_per_value.A} D ${row.batch_ns_per_value.D} E ${row.batch_ns_per_value.E}`);
}

const result = { machine: machine(), command: args.command, date: new Date().toISOString(),
  method: { reps: REPS, rows: ROWS, ort_threads: 1 }, rows };
writeResults('wide', result);

writeReadmeSection('wide', `
## Wide schemas

A linear model over n number fields whose embedded schema bounds each one
(\`bench/make_wide_models.py\`). **Compile**: \`core.createPredictor(bytes)\` + \`delete()\` (read
the model, compile the schema and bindings), median of ${REPS} after ${WARMUPS} warm-ups. **Load**: warm \`loadModel(bytes)\`
against \`ort.InferenceSession.create(bytes)\`, alternating, median of ${REPS}. **Batch**: ${ROWS.toLocaleString('en-US')}
records, ns per field value (median of ${REPS}, interleaved): A raw \`session.run\` on a packed
tensor, D \`predictBatch\` from records made by \`JSON.parse\`, E \`predictColumns\` from
Float64Arrays with \`output: 'columns'\`.

- Machine: ${machineMarkdown(result.machine)}
- Command: \`${args.command}\` (${result.date})

| Fields | File | Compile | Load: package | Load: ORT create | A | D | E |
| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.map((r) => `| ${r.fields} | ${(r.bytes / 1024).toFixed(1)} KiB | ${r.compile_ms.toFixed(2)} ms | ${r.load.package_ms.toFixed(2)} ms | ${r.load.ort_create_ms.toFixed(2)} ms | ${r.batch_ns_per_value.A} | ${r.batch_ns_per_value.D} | ${r.batch_ns_per_value.E} |`).join('\n')}

Compiling was quadratic in the fields until this round (1,000 fields: 74.6 ms; required names
and bindings were looked up in lists). D's records of 128 keys or more are dictionary-mode objects
in V8 (\`JSON.parse\` makes them so): each field read and each key counted costs 40-50 ns, so
such data is better passed as columns (E).
`);
