// Columnar results (output: 'columns') read back as result objects, by each column's form as
// documented on ResultColumn (web/src/model.ts): written from the documentation, not from the
// package's code, so tests and the benchmark can check columns against predictBatch's objects.
export function rowsOf({ rows, columns }) {
  return Array.from({ length: rows }, (_, r) => Object.fromEntries(Object.entries(columns).map(([key, c]) => {
    const w = c.width;
    switch (c.form) {
      case 'number': return [key, c.numbers[r]];
      case 'name': return [key, c.names[c.indices[r]]];
      case 'namedNumbers': return [key, Object.fromEntries(c.names.map((name, k) => [name, c.numbers[r * w + k]]))];
      case 'numbers': return [key, Array.from(c.numbers.subarray(r * w, (r + 1) * w))];
      case 'topK': return [key, Array.from({ length: w }, (_, j) => ({ class: c.names ? c.names[c.indices[r * w + j]] : c.indices[r * w + j], probability: c.numbers[r * w + j] }))];
      default: return [key, c.json[r]];
    }
  })));
}
