#!/usr/bin/env node
// The main job for now (npm start): serve models/ over HTTP on 127.0.0.1, load the iris model
// with the package as a user would, show what it read, and predict a batch in which one record
// is invalid.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

import { loadModel } from 'onnx-predict';

const modelsDir = fileURLToPath(new URL('../models/', import.meta.url));
const server = createServer((req, res) => {
  const file = normalize(join(modelsDir, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!file.startsWith(modelsDir) || extname(file) !== '.onnx') return res.writeHead(404).end();
  try {
    const body = readFileSync(file);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/iris.onnx`;

let lastShown = -1;
const model = await loadModel(url, {
  onProgress: ({ loaded, total }) => {
    if (loaded === total && lastShown !== loaded) console.log(`downloaded ${url}: ${loaded} bytes`);
    lastShown = loaded;
  },
});
const { info, schema } = model;
console.log(`model: ${info.graph.name} (IR ${info.irVersion}, ${info.producerName}); schema: ${schema.source}`);
for (const v of info.graph.input) console.log(`  input  ${v.name}: elemType ${v.type.tensorType.elemType}, dims [${v.type.tensorType.shape.dim.map((d) => d.dimValue ?? d.dimParam).join(', ')}]`);
for (const v of info.graph.output) console.log(`  output ${v.name}`);

const records = [
  { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
  { sepal_length: 5.7, sepal_width: 2.8, petal_length: 4.1, petal_width: 1.3 },
  { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: -2.3 },
  { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 },
];
const { results, indices, errors } = await model.predictBatch(records, { onInvalid: 'skip' });
console.log('\npredictBatch of 4 records, one invalid:');
results.forEach((r, i) => {
  const p = Object.entries(r.probabilities).map(([c, v]) => `${c} ${v.toFixed(3)}`).join(', ');
  console.log(`  record ${indices[i]}: ${r.label}  (${p})`);
});
for (const e of errors) console.log(`  record ${e.loc[0]}: ${e.type} at ${JSON.stringify(e.loc)}: ${e.msg} (input ${JSON.stringify(e.input)})`);
model.dispose();
server.close();
