// Pipeline C of the benchmarks (issue #6): the best generic hand-written JS for a schema document,
// as a careful developer would write it without onnx-predict. An ajv-compiled validator (allErrors)
// for the document's input schema, the valid records packed into one typed array per bound input,
// and the outputs decoded to the same result objects as predictBatch.
import Ajv from 'ajv';
import * as ort from 'onnxruntime-web/wasm';

const TYPED = { float32: Float32Array, float64: Float64Array, int64: BigInt64Array, int32: Int32Array };

/** Per bound input: a function that writes one record's row into a typed array. */
function compileRowWriters(document) {
  const properties = document.input.properties ?? {};
  return Object.entries(document.bind).map(([name, spec]) => {
    const features = spec.features.map((f) => (typeof f === 'string' ? { field: f } : f));
    const width = features.reduce((w, f) => w + (f.encoding === 'one_hot' ? f.categories.length : 1), 0);
    const Typed = TYPED[spec.dtype];
    const writers = features.map((f) => {
      const fallback = f.default ?? properties[f.field]?.default ?? null;
      if (f.encoding === 'one_hot') {
        const index = new Map(f.categories.map((c, i) => [c, i]));
        return (out, at, record) => {
          const i = index.get(record[f.field] ?? fallback);
          for (let k = 0; k < f.categories.length; k++) out[at + k] = k === i ? 1 : 0;
        };
      }
      return (out, at, record) => {
        const v = record[f.field] ?? fallback;
        out[at] = v === null ? NaN : typeof v === 'boolean' ? Number(v) : v;
      };
    });
    const offsets = [];
    features.reduce((at, f) => (offsets.push(at), at + (f.encoding === 'one_hot' ? f.categories.length : 1)), 0);
    return {
      name, dtype: spec.dtype, width,
      allocate: (rows) => new Typed(rows * width),
      write(out, row, record) {
        const base = row * width;
        for (let i = 0; i < writers.length; i++) writers[i](out, base + offsets[i], record);
      },
    };
  });
}

/** Output tensors → result objects, as docs/schema.md's `output` section describes. */
function compileDecoder(document) {
  return Object.entries(document.output).map(([key, spec]) => {
    const from = spec.from ?? key;
    const kind = spec.kind ?? 'raw';
    const classes = spec.classes;
    if (kind === 'label') {
      return (outputs, row, result) => {
        const v = outputs[from].data[row];
        result[key] = typeof v === 'string' ? v : classes ? classes[Number(v)] : Number(v);
      };
    }
    if (kind === 'probabilities') {
      return (outputs, row, result) => {
        const data = outputs[from].data;
        const probabilities = {};
        for (let k = 0; k < classes.length; k++) probabilities[classes[k]] = data[row * classes.length + k];
        result[key] = probabilities;
      };
    }
    if (kind === 'value') {
      return (outputs, row, result) => {
        const t = outputs[from];
        const width = t.dims.length > 1 ? t.dims[1] : 1;
        result[key] = width === 1 ? Number(t.data[row * width]) : Array.from(t.data.subarray(row * width, (row + 1) * width), Number);
      };
    }
    throw new Error(`bench: output kind ${kind} not handled by the hand-written decoder`);
  });
}

export function handWritten(document) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const validate = ajv.compile(document.input);
  const inputs = compileRowWriters(document);
  const decoders = compileDecoder(document);
  const pack = (records) => {
    const valid = [];
    const errors = [];
    for (let i = 0; i < records.length; i++) {
      if (validate(records[i])) valid.push(i);
      else errors.push({ index: i, errors: validate.errors });
    }
    const feeds = {};
    for (const input of inputs) {
      const data = input.allocate(valid.length);
      for (let r = 0; r < valid.length; r++) input.write(data, r, records[valid[r]]);
      feeds[input.name] = new ort.Tensor(input.dtype, data, [valid.length, input.width]);
    }
    return { feeds, valid, errors };
  };
  const decode = (outputs, rows) => {
    const results = new Array(rows);
    for (let r = 0; r < rows; r++) {
      const result = {};
      for (const d of decoders) d(outputs, r, result);
      results[r] = result;
    }
    return results;
  };
  return { pack, decode };
}
