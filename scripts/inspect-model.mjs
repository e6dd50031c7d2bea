#!/usr/bin/env node
// Prints what onnx-predict reads from an ONNX model (through the built package's wasm core):
//   node scripts/inspect-model.mjs models/iris.onnx [--json]
import { readFileSync } from 'node:fs';
import { inspectModel, OnnxPredictError } from '../dist/index.js';

const ELEM_TYPES = ['undefined', 'float32', 'uint8', 'int8', 'uint16', 'int16', 'int32', 'int64', 'string', 'bool',
  'float16', 'float64', 'uint32', 'uint64', 'complex64', 'complex128', 'bfloat16', 'float8e4m3fn', 'float8e4m3fnuz',
  'float8e5m2', 'float8e5m2fnuz', 'uint4', 'int4', 'float4e2m1'];

function typeText(type) {
  if (!type) return '(no type)';
  const tensor = type.tensorType ?? type.sparseTensorType;
  if (tensor) {
    const elem = ELEM_TYPES[tensor.elemType ?? 0] ?? `type ${tensor.elemType}`;
    if (!tensor.shape) return `${elem}[?]`;
    const dims = tensor.shape.dim.map((d) => d.dimValue ?? d.dimParam ?? '?');
    return `${type.sparseTensorType ? 'sparse ' : ''}${elem}[${dims.join(', ')}]`;
  }
  if (type.sequenceType) return `sequence<${typeText(type.sequenceType.elemType)}>`;
  if (type.optionalType) return `optional<${typeText(type.optionalType.elemType)}>`;
  if (type.mapType) return `map<${ELEM_TYPES[type.mapType.keyType ?? 0]}, ${typeText(type.mapType.valueType)}>`;
  return JSON.stringify(type);
}

const [path, flag] = process.argv.slice(2);
if (!path) {
  console.error('usage: node scripts/inspect-model.mjs MODEL.onnx [--json]');
  process.exit(2);
}
try {
  const info = await inspectModel(readFileSync(path));
  if (flag === '--json') {
    console.log(JSON.stringify(info, null, 2));
  } else {
    const opsets = info.opsetImport.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
    console.log(`${path}: ONNX IR ${info.irVersion}, opsets ${opsets}`);
    console.log(`  producer  ${info.producerName} ${info.producerVersion}`.trimEnd());
    console.log(`  graph     ${info.graph.name}: ${info.stats.nodeCount} nodes, ${info.stats.initializerCount} initializers (${info.stats.initializerBytes} bytes)`);
    for (const [domain, ops] of Object.entries(info.stats.opTypes)) {
      console.log(`  ops       ${domain || 'ai.onnx'}: ${Object.entries(ops).map(([op, n]) => `${op}×${n}`).join(' ')}`);
    }
    for (const v of info.graph.input) console.log(`  input     ${v.name}: ${typeText(v.type)}`);
    for (const v of info.graph.output) console.log(`  output    ${v.name}: ${typeText(v.type)}`);
    for (const { key, value } of info.metadataProps) {
      console.log(`  metadata  ${key} = ${value.length > 100 ? `${value.slice(0, 97)}...` : value}`);
    }
    if (info.docString) console.log(`  doc       ${info.docString}`);
  }
} catch (error) {
  if (!(error instanceof OnnxPredictError)) throw error;
  console.error(`${path}: ${error.message}`);
  console.error(`  code ${error.code}, details ${JSON.stringify(error.details)}`);
  process.exit(1);
}
