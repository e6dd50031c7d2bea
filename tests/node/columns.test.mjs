// Records → typed columns (web/src/columns.ts): the reader compiled for a schema's fields must
// give the core exactly what the generic walk gives, whatever the records hold.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compiledOnce, compileRecordReader, recordsToColumns } from '../../dist/columns.js';

const FIELDS = ['a', 'b', 's', 'constructor'];

// Column lists compared by name; a column whose tags are all Missing is the same as no column.
function normalise({ columns, nonObjects }, staging) {
  const rows = Object.create(null);  // (a column may be named __proto__)
  for (let c of columns) {
    if (c.staged !== undefined) {  // tags and numbers in the staging arrays, `rows` per column
      const n = staging.tags.length / FIELDS.length;
      c = { ...c, tags: staging.tags.subarray(c.staged * n, (c.staged + 1) * n), numbers: staging.numbers.subarray(c.staged * n, (c.staged + 1) * n) };
    }
    if (c.tags.every((t) => t === 0)) continue;
    const entry = (r) => (c.codes ? c.codes[r] : r);
    const text = (r) => (c.offsets ? new TextDecoder().decode(c.data.subarray(c.offsets[entry(r)], c.offsets[entry(r) + 1])) : undefined);
    rows[c.name] = Array.from(c.tags, (t, r) => [t, t === 1 ? c.numbers[r] : undefined, t >= 5 ? text(r) : undefined]);
  }
  return { rows, nonObjects: nonObjects && Array.from(nonObjects.tags) };
}

test('the compiled reader gives the generic columns for every kind of record', () => {
  class WithGetter { get a() { return 7; } }
  const inherited = Object.create({ b: 2 });
  inherited.a = 1;
  const records = [
    { a: 1, b: 2.5, s: 'x' },
    { b: 2, a: 1, s: 'y' },                       // another key order
    { a: 'n/a', b: null, s: 'é✓' },               // a string in a number field, null, non-ASCII text
    { a: true, b: false },                        // booleans, a missing field
    { a: 1, b: 2, s: 'z', extra: 3 },             // an extra key
    { a: 1, constructor: 4 },                     // a field named like an Object.prototype property
    Object.assign(Object.create(null), { a: 1, b: 2 }),  // no prototype at all
    { a: 1, b: undefined, s: 'w' },               // an explicitly undefined field
    { a: { nested: [1] }, b: [1, 2], s: 5 },      // objects and arrays as values
    inherited,                                    // an inherited field: own keys only, as JSON would
    new WithGetter(),                             // a prototype getter: not an own key
    JSON.parse('{"a": 1, "__proto__": {"b": 2}}'),  // an own "__proto__" key (JSON.parse makes one)
    Object.defineProperty(Object.create({ b: 2 }), '__proto__', { value: undefined, enumerable: true }),
    null, 42, 'text', [1, 2], undefined,          // not objects at all
    {},
  ];
  const read = compileRecordReader(FIELDS);
  assert.deepEqual(normalise(read(records)), normalise(recordsToColumns(records)));
  // Into staged columns (what the core lends for a batch), and for a range of the records.
  const staging = { tags: new Uint8Array(FIELDS.length * records.length), numbers: new Float64Array(FIELDS.length * records.length) };
  assert.deepEqual(normalise(read(records, staging), staging), normalise(recordsToColumns(records)));
  const part = { tags: new Uint8Array(FIELDS.length * 7), numbers: new Float64Array(FIELDS.length * 7) };
  assert.deepEqual(normalise(read(records, part, 5, 7), part), normalise(recordsToColumns(records.slice(5, 12))));
});

test('the compiled reader handles large batches of mixed validity like the generic walk', () => {
  const records = Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? { a: String(i), b: i } : i % 89 === 0 ? { a: i, z: 1 } : { a: i, b: i / 3, s: `r${i % 5}` }));
  assert.deepEqual(normalise(compileRecordReader(FIELDS)(records)), normalise(recordsToColumns(records)));
});

test('texts cross as a dictionary: each distinct text once, a code per row, past 1,024 distinct texts too', () => {
  // A category field (3 strings over 3,000 rows, one non-ASCII, and JSON rows), then one with a
  // non-ASCII text per row (past the dictionary's 1,024 distinct texts, a new text is an entry of its own).
  const species = ['setosa', 'versicolor', 'virginicá'];
  const records = Array.from({ length: 3000 }, (_, i) => ({ a: i % 7 === 0 ? [i] : species[i % 3], s: `id-${i}✓` }));
  const { columns } = compileRecordReader(FIELDS)(records);
  const a = columns.find((c) => c.name === 'a'), s = columns.find((c) => c.name === 's');
  assert.equal(a.offsets.length - 1, 3 + records.filter((_, i) => i % 7 === 0).length);  // each JSON text is distinct
  assert.equal(s.offsets.length - 1, 3000);
  assert.deepEqual(normalise({ columns }), normalise(recordsToColumns(records)));
  const decode = (c, r) => new TextDecoder().decode(c.data.subarray(c.offsets[c.codes[r]], c.offsets[c.codes[r] + 1]));
  assert.equal(decode(a, 2), 'virginicá');
  assert.equal(decode(a, 7), '[7]');
  assert.equal(decode(s, 2999), 'id-2999✓');
});

test('compiled code is made once per key and the cache stays bounded', () => {
  const cache = new Map();
  let made = 0;
  const make = () => ({ n: ++made });
  const first = compiledOnce(cache, 'a', make);
  assert.equal(compiledOnce(cache, 'a', make), first);
  assert.equal(made, 1);
  for (let i = 0; i < 200; i++) compiledOnce(cache, `k${i}`, make);
  assert.ok(cache.size <= 64, `${cache.size} entries kept`);
  assert.equal(made, 201);
});
