// Conformance with a reader nobody here wrote: every model.onnx and TensorProto test vector of
// Debian's libonnx-testdata, read by the package (wasm) and by python3-onnx, must agree.
// The expectations are computed now, by tests/conformance/onnx_reference.py; none are committed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { inspectModel } from '../../dist/index.js';
import { loadCore, unwrap } from '../../dist/core.js';

const referenceScript = fileURLToPath(new URL('../conformance/onnx_reference.py', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'onnx-predict-conformance-'));
const reference = JSON.parse(execFileSync('/usr/bin/python3',
  [referenceScript, '/usr/share/libonnx-testdata/data', scratch], { maxBuffer: 256 << 20, encoding: 'utf8' }));

const SIGNATURE_KEYS = ['irVersion', 'opsetImport', 'producerName', 'producerVersion', 'domain', 'modelVersion',
  'docString', 'metadataProps'];

function signatureOf(info) {
  const out = Object.fromEntries(SIGNATURE_KEYS.map((k) => [k, info[k]]));
  const { name, docString, input, output } = info.graph;
  out.graph = { name, docString, input, output };
  return out;
}

// The bytes numpy_helper.to_array(t).tobytes() would give: bfloat16 widens to float32 there;
// strings are framed as (uint32 length, bytes) on both sides.
function referenceBytes(tensor) {
  const BFLOAT16 = 16;
  if (tensor.strings) {
    const parts = tensor.strings.flatMap((s) => {
      const length = Buffer.alloc(4);
      length.writeUInt32LE(s.length);
      return [length, Buffer.from(s)];
    });
    return Buffer.concat(parts);
  }
  if (tensor.dataType === BFLOAT16) {
    const halves = new Uint16Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength / 2);
    const widened = new Uint32Array(halves.length);
    for (let i = 0; i < halves.length; i++) widened[i] = halves[i] << 16;
    return Buffer.from(widened.buffer);
  }
  return Buffer.from(tensor.data);
}

test('every libonnx-testdata model has the signature python3-onnx reads', async () => {
  assert.ok(reference.models.length >= 1000, `expected the 1072 models of libonnx-testdata, found ${reference.models.length}`);
  const mismatches = [];
  for (const { path, signature } of reference.models) {
    const info = await inspectModel(readFileSync(path));
    try {
      assert.deepStrictEqual(signatureOf(info), signature);
    } catch (error) {
      mismatches.push(`${path}\n${error.message}`);
    }
  }
  const agreed = reference.models.length - mismatches.length;
  console.log(`conformance: ${agreed}/${reference.models.length} models`);
  assert.equal(mismatches.length, 0, mismatches.slice(0, 3).join('\n\n'));
});

test('every TensorProto test vector decodes to the values numpy_helper.to_array gives, bit for bit', async () => {
  const core = await loadCore();
  assert.ok(reference.tensors.length >= 3000, `expected ~3154 tensor test vectors, found ${reference.tensors.length}`);
  const mismatches = [];
  for (const expected of reference.tensors) {
    const tensor = unwrap(core.readTensor(new Uint8Array(readFileSync(expected.path))));
    const bytes = referenceBytes(tensor);
    const actual = {
      dataType: tensor.dataType,
      dims: tensor.dims,
      byteLength: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    const { path, ...wanted } = expected;
    try {
      assert.deepStrictEqual(actual, wanted);
    } catch (error) {
      mismatches.push(`${path}\n${error.message}`);
    }
  }
  const agreed = reference.tensors.length - mismatches.length;
  console.log(`conformance: ${agreed}/${reference.tensors.length} tensors` +
    ` (${reference.skipped.length} sequence/map/optional vectors are not TensorProtos)`);
  assert.equal(mismatches.length, 0, mismatches.slice(0, 3).join('\n\n'));
});
