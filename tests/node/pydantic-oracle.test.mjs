// Pydantic as the oracle: four Pydantic v1 models (Debian's python3-pydantic) give their
// schema() and validate ~200 records at test time (tests/conformance/pydantic_reference.py); the
// package compiles each schema and must report, for every record, the errors Pydantic reports:
// the same locs, and types that correspond through the one table in docs/validation-errors.md
// ("Pydantic v1 error types"), which this test reads. The same records must give the same errors
// under hand-written Pydantic-v2-style schemas of the same models ($defs, anyOf-with-null for
// Optional, prefixItems for tuples), as `model_json_schema()` of pydantic 2 writes them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { compileSchema } from '../../dist/index.js';

const referenceScript = fileURLToPath(new URL('../conformance/pydantic_reference.py', import.meta.url));
const reference = JSON.parse(execFileSync('/usr/bin/python3', [referenceScript], { maxBuffer: 64 << 20, encoding: 'utf8' }));
const typeMap = readTypeTable(fileURLToPath(new URL('../../docs/validation-errors.md', import.meta.url)));

// The "Pydantic v1 error types" section: rows `| \`v1 type\` | \`ours\`, \`ours\` | when |`.
// Returns Map(v1 type → Set of our types).
function readTypeTable(path) {
  const text = readFileSync(path, 'utf8');
  const start = text.indexOf('\n## Pydantic v1 error types\n');
  assert.ok(start >= 0, `${path} has no "## Pydantic v1 error types" section`);
  const end = text.indexOf('\n## ', start + 1);
  const map = new Map();
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    const row = /^\| `([a-z_.]+)` \| ([^|]+) \|/.exec(line);
    if (!row) continue;
    assert.ok(!map.has(row[1]), `two rows for ${row[1]}`);
    map.set(row[1], new Set([...row[2].matchAll(/`([a-z_]+)`/g)].map((m) => m[1])));
  }
  assert.ok(map.size >= 10, `expected the table's rows, found ${map.size}`);
  return map;
}

// ---- Hand-written Pydantic-v2-style schemas of the same models -------------------------------
const unitRange = (title) => ({ maximum: 100, minimum: 0, title, type: 'number' });
const forbid = (title, properties, required, extra = {}) =>
  ({ ...extra, additionalProperties: false, properties, required, title, type: 'object' });
const optional = (schema, title) => ({ anyOf: [schema, { type: 'null' }], default: null, ...(title && { title }) });

const V2_SCHEMAS = {
  Iris: forbid('Iris', {
    sepal_length: unitRange('Sepal Length'), sepal_width: unitRange('Sepal Width'),
    petal_length: unitRange('Petal Length'), petal_width: unitRange('Petal Width'),
  }, ['sepal_length', 'sepal_width', 'petal_length', 'petal_width']),

  House: forbid('House', {
    area: { exclusiveMaximum: 10000, exclusiveMinimum: 10, title: 'Area', type: 'number' },
    bedrooms: { maximum: 20, minimum: 0, title: 'Bedrooms', type: 'integer' },
    year_built: optional({ exclusiveMaximum: 2100, minimum: 1800, type: 'integer' }, 'Year Built'),
    garage: { title: 'Garage', type: 'boolean' },
    zipcode: { maxLength: 10, minLength: 5, pattern: '^[0-9]{3,}(-[0-9]{4})?$', title: 'Zipcode', type: 'string' },
    neighborhood: { $ref: '#/$defs/Neighborhood' },
    location: {
      maxItems: 2, minItems: 2, title: 'Location', type: 'array',
      prefixItems: [{ maximum: 90, minimum: -90, type: 'number' }, { maximum: 180, minimum: -180, type: 'number' }],
    },
  }, ['area', 'bedrooms', 'garage', 'zipcode', 'neighborhood', 'location'], {
    $defs: { Neighborhood: { enum: ['downtown', 'suburb', 'rural'], title: 'Neighborhood', type: 'string' } },
  }),

  Car: forbid('Car', {
    make: { maxLength: 20, minLength: 2, title: 'Make', type: 'string' },
    model_year: { maximum: 2030, minimum: 1950, title: 'Model Year', type: 'integer' },
    price: { exclusiveMinimum: 0, title: 'Price', type: 'number' },
    fuel: { $ref: '#/$defs/Fuel' },
    engine: { $ref: '#/$defs/Engine' },
    owner: optional({ $ref: '#/$defs/Owner' }),
    mileage: optional({ minimum: 0, type: 'integer' }, 'Mileage'),
  }, ['make', 'model_year', 'price', 'fuel', 'engine'], {
    $defs: {
      Engine: forbid('Engine', {
        hp: { exclusiveMaximum: 2000, exclusiveMinimum: 0, title: 'Hp', type: 'integer' },
        cylinders: { maximum: 16, minimum: 0, multipleOf: 2, title: 'Cylinders', type: 'integer' },
        turbo: { default: false, title: 'Turbo', type: 'boolean' },
      }, ['hp', 'cylinders']),
      Fuel: { enum: ['petrol', 'diesel', 'electric', 'hybrid'], title: 'Fuel', type: 'string' },
      Owner: forbid('Owner', {
        name: { maxLength: 40, minLength: 1, title: 'Name', type: 'string' },
        age: { maximum: 120, minimum: 18, title: 'Age', type: 'integer' },
      }, ['name', 'age']),
    },
  }),

  Survey: forbid('Survey', {
    respondent: { maxLength: 12, minLength: 3, title: 'Respondent', type: 'string' },
    scores: { items: { maximum: 10, minimum: 0, type: 'integer' }, maxItems: 5, minItems: 1, title: 'Scores', type: 'array' },
    tags: optional({ items: { maxLength: 8, type: 'string' }, maxItems: 4, type: 'array', uniqueItems: true }, 'Tags'),
    consent: { title: 'Consent', type: 'boolean' },
    readings: { default: [], items: { $ref: '#/$defs/Reading' }, maxItems: 3, title: 'Readings', type: 'array' },
  }, ['respondent', 'scores', 'consent'], {
    $defs: {
      Reading: forbid('Reading', {
        sensor: { pattern: '^[a-z]{2}[0-9]$', title: 'Sensor', type: 'string' },
        value: { maximum: 50, minimum: -50, title: 'Value', type: 'number' },
      }, ['sensor', 'value']),
    },
  }),
};

// ---- Comparison ------------------------------------------------------------------------------

// Pairs every Pydantic error with one of ours at the same loc whose type the table allows for
// Pydantic's type; returns what is left unpaired on either side (both empty: the record agrees).
function pairErrors(theirs, ours) {
  const left = ours.map((e) => ({ loc: JSON.stringify(e.loc), type: e.type }));
  const unmatched = [];
  for (const e of theirs) {
    const loc = JSON.stringify(e.loc);
    const allowed = typeMap.get(e.type);
    const i = allowed ? left.findIndex((o) => o.loc === loc && allowed.has(o.type)) : -1;
    if (i < 0) unmatched.push(`${loc} ${e.type}${allowed ? '' : ' (no row in the table)'}`);
    else left.splice(i, 1);
  }
  return { unmatched, extra: left.map((o) => `${o.loc} ${o.type}`) };
}

// Validates every record whose flag allows it against `schema`; returns counts and disagreements.
async function compareModel(model, schema, { includeOptionalNulls }) {
  const compiled = await compileSchema(schema);
  const result = { records: 0, errors: 0, disagreements: [] };
  try {
    for (const record of model.records) {
      if (!record.v1_schema && !includeOptionalNulls) continue;
      const ours = compiled.validate(record.value);
      const { unmatched, extra } = pairErrors(record.errors, ours);
      result.records += 1;
      if (unmatched.length === 0 && extra.length === 0) {
        result.errors += ours.length;
        continue;
      }
      result.disagreements.push(`${model.name} ${JSON.stringify(record.value)}\n` +
        `  pydantic v1: ${JSON.stringify(record.errors.map((e) => [e.loc, e.type]))}\n` +
        `  ours:        ${JSON.stringify(ours.map((e) => [e.loc, e.type]))}\n` +
        `  not reported by us: ${unmatched.join('; ') || '-'}; reported only by us: ${extra.join('; ') || '-'}`);
    }
  } finally {
    compiled.dispose();
  }
  return result;
}

async function compareAll(schemaOf, options) {
  const total = { records: 0, errors: 0, disagreements: [] };
  for (const model of reference.models) {
    const r = await compareModel(model, schemaOf(model), options);
    total.records += r.records;
    total.errors += r.errors;
    total.disagreements.push(...r.disagreements);
  }
  return total;
}

// ---- Tests -----------------------------------------------------------------------------------

test('the reference has four models, each with at least 20 invalid and a few valid records', () => {
  assert.match(reference.pydantic, /^1\./);
  assert.equal(reference.models.length, 4);
  for (const { name, records } of reference.models) {
    const invalid = records.filter((r) => r.errors.length > 0).length;
    assert.ok(invalid >= 20, `${name}: ${invalid} invalid records`);
    assert.ok(records.length - invalid >= 3, `${name}: ${records.length - invalid} valid records`);
  }
});

test('every Pydantic v1 error type met has a row in the table, and every row is met', () => {
  const met = new Set(reference.models.flatMap((m) => m.records.flatMap((r) => r.errors.map((e) => e.type))));
  assert.deepEqual([...met].filter((t) => !typeMap.has(t)).sort(), [], 'v1 types without a row');
  assert.deepEqual([...typeMap.keys()].filter((t) => !met.has(t)).sort(), [], 'rows no record exercises');
});

test('Pydantic v1 schema() of every model: our errors are Pydantic\'s, loc for loc and type for type', async () => {
  const total = await compareAll((model) => model.schema, { includeOptionalNulls: false });
  const skipped = reference.models.flatMap((m) => m.records).filter((r) => !r.v1_schema).length;
  console.log(`pydantic oracle: ${reference.models.length} models, ${total.records} records, ` +
    `${total.errors} errors agree (${skipped} explicit nulls for Optional fields left to the v2-style schemas: ` +
    'v1 schema() does not say Optional)');
  assert.equal(total.disagreements.length, 0,
    `${total.disagreements.length} records disagree:\n${total.disagreements.slice(0, 10).join('\n')}`);
});

test('hand-written Pydantic-v2-style schemas give the same errors on the same records', async () => {
  for (const model of reference.models) assert.ok(V2_SCHEMAS[model.name], `no v2-style schema for ${model.name}`);
  const total = await compareAll((model) => V2_SCHEMAS[model.name], { includeOptionalNulls: true });
  console.log(`pydantic oracle (v2-style schemas): ${reference.models.length} models, ${total.records} records, ` +
    `${total.errors} errors agree`);
  assert.equal(total.disagreements.length, 0,
    `${total.disagreements.length} records disagree:\n${total.disagreements.slice(0, 10).join('\n')}`);
});

test('v1 and v2-style schemas report identical errors (type, loc, msg, ctx) for every record both describe', async () => {
  const mismatches = [];
  for (const model of reference.models) {
    const v1 = await compileSchema(model.schema);
    const v2 = await compileSchema(V2_SCHEMAS[model.name]);
    try {
      for (const record of model.records.filter((r) => r.v1_schema)) {
        const key = (errors) => errors.map((e) => JSON.stringify([e.loc, e.type, e.msg, e.ctx ?? null])).sort();
        const a = key(v1.validate(record.value));
        const b = key(v2.validate(record.value));
        if (JSON.stringify(a) !== JSON.stringify(b)) mismatches.push(`${model.name} ${JSON.stringify(record.value)}\n  v1: ${a}\n  v2: ${b}`);
      }
    } finally {
      v1.dispose();
      v2.dispose();
    }
  }
  assert.equal(mismatches.length, 0, mismatches.slice(0, 5).join('\n'));
});
