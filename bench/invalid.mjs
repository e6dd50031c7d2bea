// Invalid records: what a batch costs as its share of invalid records grows, written to
// results.json key `invalid` and its README block. iris, 10,000 records made by JSON.parse (as a
// fetch would give them); an invalid record has one of three faults in turn: a value below its
// minimum, a string for a number, a missing field. For each share of invalid records, interleaved
// repetition by repetition, each share in a Node process of its own (median of the timed
// repetitions after warm-up, and the paired ratio: each repetition's own C/D, median):
//   C  the hand-written pipeline of bench/pipelines.mjs (ajv with allErrors, keeping ajv's errors)
//   D  predictBatch(records, { onInvalid: 'skip' }): results for the valid records, Pydantic-shaped
//      errors for the others
//   node bench/invalid.mjs [--quick]
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import * as ort from 'onnxruntime-web/wasm';
import { loadModel } from 'onnx-predict';

import { handWritten } from './handwritten.mjs';
import { machine, machineMarkdown, median, writeReadmeSection, writeResults } from './report.mjs';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    command: { type: 'string', default: 'node bench/invalid.mjs' },
    share: { type: 'string' },  // (a child process: this share only, its row as JSON on stdout)
  },
});
const N = 10_000;
const SHARES = [0, 0.01, 0.1, 0.5, 1];
const REPS = args.quick ? 3 : 15;
const WARMUPS = args.quick ? 2 : 10;
ort.env.wasm.numThreads = 1;


const bytes = readFileSync(new URL('../models/iris.onnx', import.meta.url));
const reference = JSON.parse(readFileSync(new URL('../models/iris.reference.json', import.meta.url), 'utf8'));

const faults = [
  (r) => ({ ...r, petal_width: -1 }),
  (r) => ({ ...r, sepal_length: 'n/a' }),
  ({ sepal_width: _, ...r }) => r,
];
function makeRecords(share) {
  const every = share > 0 ? Math.round(1 / share) : 0;
  let invalid = 0;
  const records = Array.from({ length: N }, (_, i) => {
    const record = reference.cases[i % reference.cases.length].input;
    return JSON.parse(JSON.stringify(every > 0 && i % every === 0 ? faults[invalid++ % faults.length](record) : record));
  });
  return { records, invalid };
}

async function benchShare(share, { model, session, c }) {
  const { records, invalid } = makeRecords(share);
  const runC = async (batch) => {
    const { feeds, valid, errors } = c.pack(batch);
    return { results: valid.length ? c.decode(await session.run(feeds), valid.length) : [], errors };
  };
  const runD = (batch) => model.predictBatch(batch, { onInvalid: 'skip' });
  const pipelines = { C: () => runC(records), D: () => runD(records) };
  if (invalid) {  // C0 and D0, the all-valid batch in the same process: the baseline of "per invalid record"
    const allValid = makeRecords(0).records;
    Object.assign(pipelines, { C0: () => runC(allValid), D0: () => runD(allValid) });
  }
  // Both skip the same records and report each of them.
  const [fromC, fromD] = [await pipelines.C(), await pipelines.D()];
  const failed = new Set(fromD.errors.map((e) => e.loc[0]));
  if (fromC.results.length !== N - invalid || fromD.results.length !== N - invalid || fromC.errors.length !== invalid || failed.size !== invalid) {
    throw new Error(`share ${share}: C kept ${fromC.results.length}, D ${fromD.results.length} of ${N} records with ${invalid} invalid`);
  }
  const samples = Object.fromEntries(Object.keys(pipelines).map((key) => [key, []]));
  for (let rep = 0; rep < WARMUPS + REPS; rep++) {
    for (const [key, run] of Object.entries(pipelines)) {
      const start = process.hrtime.bigint();
      await run();
      if (rep >= WARMUPS) samples[key].push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  }
  const ms = Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
  // What an invalid record costs: the batch's time less the valid records' share of the all-valid
  // batch's time, per invalid record.
  const perInvalid = (key) => (invalid ? Number(((ms[key] - (1 - invalid / N) * ms[`${key}0`]) * 1000 / invalid).toFixed(2)) : null);
  return {
    invalid_share: share, invalid_records: invalid, errors: fromD.errors.length,
    C_ms: Number(ms.C.toFixed(3)), D_ms: Number(ms.D.toFixed(3)),
    C_us_per_invalid: perInvalid('C'), D_us_per_invalid: perInvalid('D'),
    C_records_per_s: Math.round(N / (ms.C / 1000)), D_records_per_s: Math.round(N / (ms.D / 1000)),
    D_over_C: Number((ms.C / ms.D).toFixed(2)),
    D_over_C_paired: Number(median(samples.C.map((c, i) => c / samples.D[i])).toFixed(2)),
  };
}

if (args.share !== undefined) {
  const model = await loadModel(bytes);
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  process.stdout.write(JSON.stringify(await benchShare(Number(args.share), { model, session, c: handWritten(model.schema.document) })));
  model.dispose();
  await session.release();
  process.exit(0);
}
// Each share in a fresh process: in one process, after the other shares, the same build's D/C at
// 100% invalid moved between 0.06 and 0.36 from run to run (the garbage of the shares before).
const rows = [];
for (const share of SHARES) {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--share', String(share), ...(args.quick ? ['--quick'] : [])],
    { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`bench: invalid share ${share} failed (exit ${child.status})`);
  const row = JSON.parse(child.stdout);
  rows.push(row);
  console.error(`  iris, ${(share * 100).toFixed(0)}% invalid: C ${row.C_ms.toFixed(2)} ms, D ${row.D_ms.toFixed(2)} ms`);
}

const result = { machine: machine(), model: 'iris', records: N, reps: REPS, rows };
writeResults('invalid', result);

const fmt = (n) => n.toLocaleString('en');
const usPerInvalid = (r, key) => r[`${key}_us_per_invalid`] ?? '–';
writeReadmeSection('invalid', `
## Invalid records

\`${args.command}\` (bench/invalid.mjs): iris, ${fmt(N)} records made by JSON.parse, with a share of
invalid records (in turn a value below its minimum, a string for a number, a missing field).
**C** is the hand-written pipeline (ajv with allErrors, keeping ajv's errors); **D** is
\`predictBatch(records, { onInvalid: 'skip' })\`, which reports Pydantic-shaped errors. Each share
in a Node process of its own; median of ${REPS} interleaved repetitions, and D/C paired (in
brackets: each repetition's own ratio, median). "Per invalid record" is the batch's time less the
valid records' share of the all-valid batch's (timed in the same process), per invalid record.

${machineMarkdown(result.machine)}

| Invalid | Errors (D) | C ms | D ms | C records/s | D records/s | D/C | C µs per invalid record | D µs per invalid record |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.map((r) => `| ${(r.invalid_share * 100).toFixed(0)}% | ${fmt(r.errors)} | ${r.C_ms} | ${r.D_ms} | ${fmt(r.C_records_per_s)} | ${fmt(r.D_records_per_s)} | ${r.D_over_C} (${r.D_over_C_paired}) | ${usPerInvalid(r, 'C')} | ${usPerInvalid(r, 'D')} |`).join('\n')}
`);
console.log(rows.map((r) => `  ${(r.invalid_share * 100).toFixed(0).padStart(3)}% invalid  D/C ${r.D_over_C} (paired ${r.D_over_C_paired})`).join('\n'));
