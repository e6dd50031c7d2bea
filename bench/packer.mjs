// Benchmark section "Validate + pack, decode" (results.json key packer): batch::Packer natively
// (bench/native/bench_packer.cpp) and through the wasm module under Node, for flat schemas of 4
// and 64 number features at N records, from JSON text and from typed columns; and the native
// output decoder (bench/native/bench_decode.cpp).
//
//   node bench/packer.mjs --native build/bench/bench_packer --decode build/bench/bench_decode [--n 10000] [--command "npm run bench"]
import { spawnSync } from 'node:child_process';
import { loadCore, readPacked, unwrap } from '../dist/core.js';
import { machine, machineMarkdown, median, writeReadmeSection, writeResults } from './report.mjs';

const REPS = 21;
const TARGET_NATIVE_COLUMNS_4 = 20e6;  // records/s, 4-feature columnar path, native

function parseArgs(argv) {
  const args = { native: undefined, decode: undefined, n: 10000, command: 'npm run bench' };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === '--native') args.native = argv[++i];
    else if (argv[i] === '--decode') args.decode = argv[++i];
    else if (argv[i] === '--n') args.n = Number(argv[++i]);
    else if (argv[i] === '--command') args.command = argv[++i];
  }
  if (!args.native || !args.decode) throw new Error('usage: packer.mjs --native <bench_packer> --decode <bench_decode> [--n N]');
  return args;
}

function document(features) {
  const names = Array.from({ length: features }, (_, i) => `f${i}`);
  return {
    version: 1,
    input: {
      type: 'object',
      properties: Object.fromEntries(names.map((n) => [n, { type: 'number', minimum: 0, maximum: 100 }])),
      required: names,
      additionalProperties: false,
    },
    bind: { X: { dtype: 'float32', features: names } },
  };
}

// A deterministic generator (xorshift) so runs compare.
function* values(seed) {
  let x = seed;
  for (;;) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    yield Math.round(((x >>> 0) / 2 ** 32) * 10000) / 100;
  }
}

function measure(n, fn) {
  for (let i = 0; i < 3; i++) fn();
  const rates = [];
  for (let i = 0; i < REPS; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    rates.push(n / (Number(process.hrtime.bigint() - t0) / 1e9));
  }
  return { median_records_per_s: median(rates), best_records_per_s: Math.max(...rates) };
}

async function wasmFigures(n) {
  const core = await loadCore();
  const out = [];
  for (const features of [4, 64]) {
    const packer = unwrap(core.createPacker(JSON.stringify(document(features))));
    const inputs = unwrap(packer.packedInputs());
    const packedRows = (summary) => readPacked(core, packer, unwrap(summary), inputs).rowMap.length;
    const gen = values(42);
    const names = Array.from({ length: features }, (_, i) => `f${i}`);
    const columns = names.map((name) => ({ name, tags: new Uint8Array(n).fill(1), numbers: new Float64Array(n) }));
    const records = [];
    for (let r = 0; r < n; r++) {
      const record = {};
      for (let f = 0; f < features; f++) {
        const v = gen.next().value;
        record[names[f]] = v;
        columns[f].numbers[r] = v;
      }
      records.push(record);
    }
    const text = JSON.stringify(records);
    let rows = 0;
    const json = measure(n, () => { rows = packedRows(packer.packJson(text)); });
    if (rows !== n) throw new Error(`wasm packJson packed ${rows} of ${n}`);
    const cols = measure(n, () => { rows = packedRows(packer.packColumns(n, columns, undefined)); });
    if (rows !== n) throw new Error(`wasm packColumns packed ${rows} of ${n}`);
    out.push({ schema: `flat-${features}`, features, n, form: 'json', ...json, json_bytes: text.length });
    out.push({ schema: `flat-${features}`, features, n, form: 'columns', ...cols });
    packer.delete();
  }
  return out;
}

function runNative(binary, n) {
  const run = spawnSync(binary, ['--n', String(n), '--reps', String(REPS)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`${binary} exited with ${run.status ?? run.signal}`);
  return run.stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
}

const args = parseArgs(process.argv.slice(2));
const native = runNative(args.native, args.n);
const decode = runNative(args.decode, args.n);
const wasm = await wasmFigures(args.n);
const nativeColumns4 = native.find((r) => r.schema === 'flat-4' && r.form === 'columns').median_records_per_s;
const target = { what: 'native, 4 features, columns: records/s', target: TARGET_NATIVE_COLUMNS_4, measured: nativeColumns4,
  pass: nativeColumns4 >= TARGET_NATIVE_COLUMNS_4 };
const m = machine();
writeResults('packer', { date: new Date().toISOString(), command: args.command, machine: m, n: args.n, reps: REPS, native, wasm, decode, target });

const rate = (x) => (x >= 1e6 ? `${(x / 1e6).toFixed(2)} M/s` : `${(x / 1e3).toFixed(1)} k/s`);
const rows = [];
for (const [where, list] of [['native', native], ['wasm (Node)', wasm]]) {
  for (const r of list) rows.push(`| ${where} | ${r.schema} | ${r.form} | ${rate(r.median_records_per_s)} | ${rate(r.best_records_per_s)} |`);
}
writeReadmeSection('packer', `## Validate + pack, decode

\`batch::Packer\` validating and packing N = ${args.n} valid records into one float32 tensor, for a flat
schema of 4 and of 64 number features (\`minimum\`/\`maximum\` on each): from a JSON array text (SAX,
no DOM per record) and from typed columns (a Float64Array + tag array per field). Wasm figures
include copying the input into the heap and the tensors, row map and errors out (one call per batch).
Median and best of ${REPS} batches after 3 warm-ups.

- Machine: ${machineMarkdown(m)}
- Command: \`${args.command}\` (${new Date().toISOString()})

| Where | Schema | Input | Median | Best |
| --- | --- | --- | ---: | ---: |
${rows.join('\n')}

Target: ${target.what} ≥ ${rate(target.target)}: measured ${rate(target.measured)} — **${target.pass ? 'pass' : 'miss'}**.

### Decode (native)

\`decode::decode_columns\` (what the wasm binding runs per batch: class indices, numbers, distinct
label strings) and \`decode_outputs\` (the same, then one JSON object per row) on N = ${args.n} rows.
iris-like: a string label [N] and probabilities [N, 3]; digits-like: an int64 label [N] mapped to
10 classes, probabilities [N, 10] and the top 3.

| Case | Function | Median | Best |
| --- | --- | ---: | ---: |
${decode.map((r) => `| ${r.case} | ${r.function} | ${rate(r.median_rows_per_s)} | ${rate(r.best_rows_per_s)} |`).join('\n')}
`);
console.log(JSON.stringify({ native, wasm, decode, target }, null, 1));
