// compileSchema through the package's main entry: Pydantic-shaped errors, typed failures, and a
// module that keeps working after hostile schemas and values.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileSchema, OnnxPredictError } from '../../dist/index.js';

const iris = {
  title: 'IrisFlower',
  type: 'object',
  properties: Object.fromEntries(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']
    .map((f) => [f, { type: 'number', minimum: 0, maximum: 100 }])),
  required: ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'],
  additionalProperties: false,
};

test('a record that does not fit gets every error, shaped like Pydantic v2', async () => {
  const schema = await compileSchema(iris);
  assert.deepEqual(schema.validate({ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }), []);
  const errors = schema.validate({ sepal_length: 5.1, sepal_width: 'wide', petal_length: -1, color: 'red' });
  const byField = Object.fromEntries(errors.map((e) => [e.loc[0], e]));
  assert.deepEqual(Object.keys(byField).sort(), ['color', 'petal_length', 'petal_width', 'sepal_width']);
  assert.deepEqual(byField.petal_length, {
    type: 'greater_than_equal', loc: ['petal_length'], msg: 'Input should be greater than or equal to 0', input: -1, ctx: { ge: 0 },
  });
  assert.deepEqual(Object.keys(byField.petal_length), ['type', 'loc', 'msg', 'input', 'ctx']);  // Pydantic's order
  assert.equal(byField.petal_width.type, 'missing');
  assert.equal(byField.petal_width.msg, 'Field required');
  assert.deepEqual(byField.petal_width.input, { sepal_length: 5.1, sepal_width: 'wide', petal_length: -1, color: 'red' });
  assert.equal(byField.sepal_width.type, 'float_type');
  assert.equal(byField.color.type, 'extra_forbidden');
  schema.dispose();
});

test('maxErrors bounds the errors reported for one value', async () => {
  const schema = await compileSchema({ type: 'array', items: { type: 'integer' } }, { maxErrors: 3 });
  assert.equal(schema.validate(['a', 'b', 'c', 'd', 'e']).length, 3);
  assert.deepEqual(schema.validate(['a']).map((e) => e.loc), [[0]]);
  schema.dispose();
});

test('a schema that cannot compile is schema_invalid with the JSON pointer of the keyword', async () => {
  for (const [bad, path] of [
    [{ type: 'object', properties: { x: { minimum: 'zero' } } }, '/properties/x/minimum'],
    [{ type: 'strnig' }, '/type'],
    [{ $ref: '#/definitions/missing' }, '/$ref'],
    [{ unevaluatedProperties: false }, '/unevaluatedProperties'],
    [{ pattern: '(?=lookahead)' }, '/pattern'],
  ]) {
    await assert.rejects(compileSchema(bad), (error) => {
      assert.ok(error instanceof OnnxPredictError);
      assert.equal(error.code, 'schema_invalid', JSON.stringify(bad));
      assert.equal(error.details.path, path, `${JSON.stringify(bad)}: ${error.message}`);
      return true;
    });
  }
  await assert.rejects(compileSchema('{"type": '), (error) => error.code === 'schema_invalid' && typeof error.details.offset === 'number');
});

test('hostile schemas and values end in typed errors and leave the module working', async () => {
  const deepSchema = '{"items":'.repeat(10000) + '{}' + '}'.repeat(10000);
  await assert.rejects(compileSchema(deepSchema), (error) => error.code === 'schema_invalid');
  await assert.rejects(compileSchema({ $ref: '#' }), (error) => error.code === 'schema_invalid');
  await assert.rejects(compileSchema({ definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, $ref: '#/definitions/a' }),
    (error) => error.code === 'schema_invalid');

  const recursive = await compileSchema({ type: 'array', items: { $ref: '#' } });
  let deep = [];
  for (let i = 0; i < 2000; i++) deep = [deep];
  const errors = recursive.validate(deep);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].type, 'too_deep');
  assert.deepEqual(recursive.validate([[[]]]), []);
  for (let i = 0; i < 100000; i++) deep = [deep];  // deeper than JSON.stringify can go
  assert.throws(() => recursive.validate(deep), (error) => error instanceof OnnxPredictError && error.code === 'invalid_argument');
  const cyclic = {};
  cyclic.self = cyclic;
  assert.throws(() => recursive.validate(cyclic), (error) => error.code === 'invalid_argument');

  const strings = await compileSchema({ type: 'string', maxLength: 3, pattern: '^a+$' });
  assert.deepEqual(strings.validate('a'.repeat(1_000_000)).map((e) => e.type), ['string_too_long']);
  assert.deepEqual(strings.validate(NaN).map((e) => e.type), ['string_type']);  // NaN has the JSON form null
  assert.deepEqual(strings.validate('aa'), []);
  recursive.dispose();
  strings.dispose();
});

test('dispose is idempotent and use after dispose is a disposed error', async () => {
  const schema = await compileSchema(iris);
  schema.dispose();
  schema.dispose();
  assert.throws(() => schema.validate({}), (error) => error instanceof OnnxPredictError && error.code === 'disposed');
  await assert.rejects(compileSchema(undefined), (error) => error.code === 'invalid_argument');
});
