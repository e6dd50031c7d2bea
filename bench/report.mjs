// Shared by the benchmark sections (bench/<section>.mjs): the median of timings, the machine a run
// happened on, and writing a section's figures into bench/results.json and bench/README.md without touching the
// other sections' entries.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

const resultsUrl = new URL('./results.json', import.meta.url);
const readmeUrl = new URL('./README.md', import.meta.url);

function firstLine(command, args) {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0].trim();
  } catch {
    return 'unavailable';
  }
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** nproc, CPU model, memory, OS, Node and compiler versions. */
export function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    nproc: os.availableParallelism(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    memory_bytes: os.totalmem(),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    cxx: firstLine('g++', ['--version']),
    emcc: firstLine('emcc', ['--version']),
  };
}

/** One-line markdown description of `machine()`'s result. */
export function machineMarkdown(m) {
  const gib = (m.memory_bytes / 2 ** 30).toFixed(1);
  return `${m.nproc} × ${m.cpu}, ${gib} GiB RAM, ${m.os}; Node ${m.node}; ${m.cxx}; ${m.emcc}`;
}

/** Sets results.json's `key` to `value`, keeping the other keys. */
export function writeResults(key, value) {
  const results = existsSync(resultsUrl) ? JSON.parse(readFileSync(resultsUrl, 'utf8')) : {};
  results[key] = value;
  writeFileSync(resultsUrl, `${JSON.stringify(results, null, 2)}\n`);
}

const README_HEAD = `# Benchmarks

Figures, not tests: nothing here fails a build. \`npm run bench\` (scripts/bench.sh) builds the
native benchmarks and the package, runs every section, writes the raw figures to
\`bench/results.json\` and rewrites its own section below. Timings come from one machine and one
run; compare runs on the same machine only.
`;

/** Replaces (or appends) README.md's block for `key`, delimited by HTML comments. */
export function writeReadmeSection(key, markdown) {
  const begin = `<!-- bench:${key} -->`;
  const end = `<!-- /bench:${key} -->`;
  const block = `${begin}\n${markdown.trim()}\n${end}`;
  let text = existsSync(readmeUrl) ? readFileSync(readmeUrl, 'utf8') : README_HEAD;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from >= 0 && to > from) text = text.slice(0, from) + block + text.slice(to + end.length);
  else text = `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(readmeUrl, text);
}
