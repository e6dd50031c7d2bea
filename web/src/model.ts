// loadModel and Model: bytes → checked predictor (C++) + ONNX Runtime Web session → batches.
// The core validates, packs and decodes; this file only moves buffers and awaits ORT.
import * as ort from 'onnxruntime-web/wasm';

import { arraysToColumns, compiledOnce, compileRecordReader, TextDictionary, type Column, type RecordReader, type Staging } from './columns.js';
import { loadCore, readPacked, unwrap, type CoreModule, type CorePredictor, type PackedBatch, type PackedInput,
  type PackedTensor } from './core.js';
import { OnnxPredictError } from './errors.js';
import { downloadModel, type FetchOptions, type ModelSource } from './fetch.js';
import type { LoadedModelInfo } from './model-info.js';
import type { ValidationErrorItem } from './schema.js';

export interface LoadModelOptions extends FetchOptions {
  /** A schema document (docs/schema.md) to use instead of the model's embedded one or a derived one. */
  schema?: object | string;
  /** ONNX Runtime Web threads (default 1). */
  numThreads?: number;
  /** Where ONNX Runtime Web finds its .wasm files when self-hosting (ort.env.wasm.wasmPaths). */
  wasmPaths?: string | Record<string, string>;
  /** Passed to InferenceSession.create (default ['wasm']). */
  executionProviders?: string[];
  /** Run the schema's `examples` after loading and fail with `self_check_failed` on a mismatch (default true). */
  selfCheck?: boolean;
  /**
   * Rewrite outputs made by an ai.onnx.ml ZipMap (scikit-learn converters' `output_probability`,
   * which ONNX Runtime Web cannot return) into their float [N, C] probability tensors (default
   * true). `model.info.rewrite` reports what was changed; docs/rewrite.md.
   */
  rewriteZipMap?: boolean;
}

/** The schema in force: where it came from and the document itself. */
export interface ModelSchema {
  source: 'given' | 'embedded' | 'derived';
  document: Record<string, unknown>;
}

/** One record's result: keys from the schema's `output` section (docs/schema.md, "Results"). */
export type PredictionResult = Record<string, unknown>;

export interface PredictBatchOptions {
  /** 'throw' (default): any invalid record fails the whole batch with `validation_failed`. 'skip': predict the rest. */
  onInvalid?: 'throw' | 'skip';
  /**
   * 'objects' (default): one result object per valid record (BatchPrediction). 'columns': one
   * typed-array column per output key instead (ColumnarPrediction): no object is built per record.
   */
  output?: 'objects' | 'columns';
}

/** PredictBatchOptions asking for result objects (the default). */
export type ObjectsOptions = PredictBatchOptions & { output?: 'objects' };
/** PredictBatchOptions asking for result columns. */
export type ColumnsOptions = PredictBatchOptions & { output: 'columns' };

export interface BatchPrediction {
  /** Results of the valid records, in input order. */
  results: PredictionResult[];
  /** indices[i] is the input index of results[i]. */
  indices: number[];
  /** Pydantic-shaped errors; loc[0] is the record's input index. */
  errors: ValidationErrorItem[];
}

/**
 * One output key's values for every predicted row, as the core decoded them (src/decode/decoder.h,
 * DecodedColumn). Row r's value, by `form`:
 *   number        numbers[r]
 *   name          names[indices[r]]                                 (labels)
 *   namedNumbers  {names[c]: numbers[r * width + c]} for c < width   (probabilities by class)
 *   numbers       numbers[r * width .. (r + 1) * width]              (a vector value)
 *   topK          [{class: names ? names[i] : i, probability: numbers[r * width + j]}], i = indices[r * width + j], j < width
 *   json          json[r]                                           (raw outputs, booleans, strings)
 * The arrays belong to the caller.
 */
export interface ResultColumn {
  form: 'number' | 'name' | 'namedNumbers' | 'numbers' | 'topK' | 'json';
  width: number;
  /** A float32 output's values as a Float32Array (ONNX Runtime's own array), else doubles. */
  numbers?: Float64Array | Float32Array;
  indices?: Uint32Array;
  names?: string[];
  json?: unknown[];
}

/** predictBatch / predictColumns with output: 'columns'. */
export interface ColumnarPrediction {
  /** How many records were predicted (the valid ones). */
  rows: number;
  /** indices[r] is the input index of row r. */
  indices: Uint32Array;
  /** One column per output key of the schema, rows in input order; empty when no record was predicted. */
  columns: Record<string, ResultColumn>;
  /** Pydantic-shaped errors; loc[0] is the record's input index. */
  errors: ValidationErrorItem[];
}


const ORT_TO_ONNX: Record<string, number> = {
  float32: 1, uint8: 2, int8: 3, uint16: 4, int16: 5, int32: 6, int64: 7, string: 8, bool: 9, float16: 10,
  float64: 11, uint32: 12, uint64: 13,
};

function validationFailed(errors: ValidationErrorItem[]): OnnxPredictError {
  const first = errors[0];
  return new OnnxPredictError('validation_failed',
    `${errors.length} validation error(s); first at ${JSON.stringify(first.loc)}: ${first.msg}`, { errors });
}

// predictBatch runs batches of more records than this slice by slice, in slices of about this size.
const kPipelineSlice = 8192;

/**
 * The rows per slice for `count` records: round(count / target) equal slices (at least one), so
 * no slice is a short tail. A short tail slice cost far more than its rows: 10,000 records as
 * 8,192 + 1,808 against one slice, predictBatch ns per record: iris 100 -> 91, breast_cancer
 * 1,338 -> 1,141, digits 1,815 -> 1,376 (digits, 100,000 records, 13 slices -> 12: 2,862 -> 2,425).
 */
function sliceRows(count: number, target: number): number {
  return Math.max(1, Math.ceil(count / Math.max(1, Math.round(count / target))));
}

function typedArray(dtype: string, bytes: Uint8Array): ort.Tensor['data'] {
  const { buffer, byteOffset, byteLength } = bytes;
  switch (dtype) {
    case 'float32': return new Float32Array(buffer, byteOffset, byteLength / 4);
    case 'float64': return new Float64Array(buffer, byteOffset, byteLength / 8);
    case 'int64': return new BigInt64Array(buffer, byteOffset, byteLength / 8);
    case 'int32': return new Int32Array(buffer, byteOffset, byteLength / 4);
    case 'bool': return bytes;
    default: throw new OnnxPredictError('internal_error', `unexpected packed dtype ${dtype}`);
  }
}

/** Rows [from, to) of a packed tensor as an ORT tensor, padded to `pad` rows by repeating the last one. */
function ortTensor(t: PackedTensor, from: number, to: number, pad: number): ort.Tensor {
  const rows = t.dims[0];
  const perRow = rows === 0 ? 0 : (t.strings ? t.strings.length : t.data!.byteLength) / rows;
  const count = Math.max(to - from, pad);
  const pick = (i: number) => Math.min(from + i, to - 1);
  const dims = [count, ...t.dims.slice(1)];
  if (t.strings) {
    const out: string[] = [];
    for (let i = 0; i < count; i++) out.push(...t.strings.slice(pick(i) * perRow, (pick(i) + 1) * perRow));
    return new ort.Tensor('string', out, dims);
  }
  let bytes: Uint8Array;
  if (count === to - from) {
    bytes = t.data!.subarray(from * perRow, to * perRow);
  } else {
    bytes = new Uint8Array(count * perRow);
    for (let i = 0; i < count; i++) bytes.set(t.data!.subarray(pick(i) * perRow, (pick(i) + 1) * perRow), i * perRow);
  }
  // A view, not a copy: the packed buffer is ours (copied out of the wasm heap) and row-aligned.
  return new ort.Tensor(t.dtype as 'float32', typedArray(t.dtype, bytes) as Float32Array, dims);
}

/** A string output for the core: each distinct string crosses once; elements are indices into them. */
function distinctStrings(data: string[]): { strings: string[]; stringIndices: Uint32Array } {
  const dictionary = new TextDictionary();
  const stringIndices = new Uint32Array(data.length);
  for (let i = 0; i < data.length; i++) stringIndices[i] = dictionary.code(data[i]);
  return { strings: dictionary.entries, stringIndices };
}

const FORMS: ResultColumn['form'][] = ['number', 'name', 'namedNumbers', 'numbers', 'topK', 'json'];  // DecodedColumn::Form's order

/**
 * One decoded output column (bindings/predictor_bindings.cpp): numbers and indices are views of
 * the core's heap, or numbers is the output named by numbersOf (an index in the outputs decoded).
 */
interface DecodedColumn extends ResultColumn {
  name: string;
  numbersOf?: number;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Where a model keeps the packed batches it is about to run: the core hands out views of its heap
 * (valid until the next call), so each slice's tensors and row map are copied out. Slice 0 (every
 * batch below 12,288 records) reuses one buffer, grown as needed, so a steady stream of batches
 * allocates nothing here; further slices of a larger batch get buffers of their own.
 */
class PackedCopies {
  #reused = new ArrayBuffer(0);

  /** `batch` with its data and rowMap copied into buffers owned here (slot: the slice's index). */
  keep(slot: number, batch: PackedBatch): PackedBatch {
    let bytes = batch.rowMap.byteLength;
    for (const t of batch.tensors) if (t.data) bytes += align8(t.data.byteLength);
    let buffer: ArrayBuffer;
    if (slot > 0) {
      buffer = new ArrayBuffer(bytes);
    } else {
      if (this.#reused.byteLength < bytes) this.#reused = new ArrayBuffer(bytes);
      buffer = this.#reused;
    }
    let at = 0;
    const tensors = batch.tensors.map((t) => {
      if (!t.data) return t;
      const data = new Uint8Array(buffer, at, t.data.byteLength);
      data.set(t.data);
      at += align8(t.data.byteLength);  // 8-aligned: float64 and int64 views start here
      return { ...t, data };
    });
    const rowMap = new Uint32Array(buffer, at, batch.rowMap.length);
    rowMap.set(batch.rowMap);
    return { records: batch.records, tensors, rowMap, errors: batch.errors };
  }
}

/** Where #runSlices hands a batch's results: each run chunk's decoded rows, then each slice's row map. */
interface ResultSink {
  /** Rows [0, count) of `decoded` are result rows [at, at + count). */
  chunk(decoded: DecodedColumn[], at: number, count: number): void;
  /** Result rows [at, at + rowMap.length) are input records rowMap + offset. */
  slice(rowMap: Uint32Array, offset: number, at: number): void;
}

/** Decoded chunks copied into caller-owned columns of `rows` rows in all (output: 'columns'). */
class ColumnCollector implements ResultSink {
  readonly columns: Record<string, ResultColumn> = {};
  readonly indices: Uint32Array;
  #nameIndex = new Map<string, Map<string, number>>();  // per column with indices into names: name → its index in the merged names

  constructor(readonly rows: number) {
    this.indices = new Uint32Array(rows);
  }

  chunk(decoded: DecodedColumn[], at: number, count: number): void {
    for (const c of decoded) {
      const w = c.width;
      let out = this.columns[c.name];
      if (!out) {
        out = { form: c.form, width: w };
        if (c.numbers) {
          // An output's own array (numbersOf) holding exactly these rows is the column; heap views are copied.
          const whole = c.numbersOf !== undefined && count === this.rows && c.numbers.length === count * w;
          out.numbers = whole ? c.numbers : new (c.numbers instanceof Float32Array ? Float32Array : Float64Array)(this.rows * w);
        }
        if (c.indices) out.indices = new Uint32Array(this.rows * w);
        if (c.names) out.names = [...c.names];
        if (c.json) out.json = [];
        this.columns[c.name] = out;
      }
      if (c.numbers && out.numbers !== c.numbers) out.numbers!.set(c.numbers.subarray(0, count * w), at * w);
      if (c.json) for (let r = 0; r < count; r++) out.json!.push(c.json[r]);
      if (!c.indices) continue;
      const names = out.names, chunkNames = c.names;
      if (!names || !chunkNames || (names.length === chunkNames.length && names.every((n, i) => n === chunkNames[i]))) {
        out.indices!.set(c.indices.subarray(0, count * w), at * w);
        continue;
      }
      // Label strings differ between chunks (each chunk's names are its own distinct labels): merge.
      let index = this.#nameIndex.get(c.name);
      if (!index) this.#nameIndex.set(c.name, (index = new Map(names.map((n, i) => [n, i]))));
      const remap = chunkNames.map((n) => {
        let k = index!.get(n);
        if (k === undefined) index!.set(n, (k = names.push(n) - 1));
        return k;
      });
      for (let j = 0; j < count * w; j++) out.indices![at * w + j] = remap[c.indices[j]];
    }
  }

  slice(rowMap: Uint32Array, offset: number, at: number): void {
    if (offset === 0) this.indices.set(rowMap, at);
    else for (let i = 0; i < rowMap.length; i++) this.indices[at + i] = rowMap[i] + offset;
  }
}

/** Row r's value of a decoded column: the core decided what each row holds; this only builds it. */
function columnValue(c: DecodedColumn, r: number): unknown {
  const { numbers, indices, names, width } = c;
  switch (c.form) {
    case 'number': return numbers![r];
    case 'name': return names![indices![r]];
    case 'namedNumbers': {
      const row: Record<string, number> = {};
      for (let k = 0, at = r * width; k < width; k++) row[names![k]] = numbers![at + k];
      return row;
    }
    case 'numbers': return Array.from(numbers!.subarray(r * width, (r + 1) * width));
    case 'topK': {
      const row = new Array(width);
      for (let j = 0, at = r * width; j < width; j++) {
        const i = indices![at + j];
        row[j] = { class: names ? names[i] : i, probability: numbers![at + j] };
      }
      return row;
    }
    default: return c.json![r];
  }
}

// Writes rows [0, rows) of the columns as result objects at into[at ...]. `value` is columnValue
// (a parameter of the generated builders, which cannot close over it).
type ResultBuilder = (columns: DecodedColumn[], rows: number, into: PredictionResult[], at: number, value: typeof columnValue) => void;

function resultObjects(columns: DecodedColumn[], rows: number, into: PredictionResult[], at: number): void {
  for (let r = 0; r < rows; r++) {
    const result: PredictionResult = {};
    for (const c of columns) result[c.name] = columnValue(c, r);
    into[at + r] = result;
  }
}

// Decoded columns → result objects, per layout, shared by every model in the process: a model
// loaded again (or another with the same outputs) reuses the function V8 has already optimised
// (the first batches of a fresh builder run several times slower). Models of one layout store the
// same kinds of values under the same keys, so sharing its hidden classes does not generalize them.
const resultBuilders = new Map<string, ResultBuilder>();

/**
 * resultObjects specialised to one batch's column layout (names, forms, class names). Every kind
 * of object it makes (the result, a namedNumbers row, a topK entry) comes from a constructor of its
 * own whose prototype is Object.prototype: the objects are plain (own enumerable keys in order,
 * Object.prototype as prototype), but V8 gives them hidden classes no other code shares. Built as
 * object literals, they shared their hidden classes with every object of the same keys made
 * anywhere in the page (another model's results, the caller's own objects), and when such code
 * stored other kinds of values under those keys, V8 generalized the shared fields and the builder
 * ran 3-4x slower from then on (bench/README.md). Builders are cached per layout (resultBuilders);
 * where code generation is not allowed, resultObjects does the same work.
 */
function compileResultBuilder(columns: DecodedColumn[]): ResultBuilder {
  const constructors: string[] = [];
  // A constructor for objects with these keys; the expression that makes one from `values`.
  const make = (keys: string[], values: string[]) => {
    const id = constructors.length;
    const assign = keys.map((key, i) => (key === '__proto__'  // (an assignment would set the prototype)
      ? `Object.defineProperty(this, "__proto__", { value: a${i}, writable: true, enumerable: true, configurable: true });`
      : `this[${JSON.stringify(key)}] = a${i};`));
    constructors.push(`function O${id}(${keys.map((_, i) => `a${i}`).join(', ')}) { ${assign.join(' ')} }`,
      `O${id}.prototype = Object.prototype;`);
    return `new O${id}(${values.join(', ')})`;
  };
  const lines = columns.map((c, k) => `const n${k} = columns[${k}].numbers, i${k} = columns[${k}].indices, s${k} = columns[${k}].names, j${k} = columns[${k}].json;`);
  const values = columns.map((c, k) => {
    const w = c.width;
    switch (c.form) {
      case 'number': return `n${k}[r]`;
      case 'name': return `s${k}[i${k}[r]]`;
      case 'namedNumbers':
        if (w > 256) return `value(columns[${k}], r)`;
        return make(c.names!, c.names!.map((_, i) => `n${k}[r * ${w} + ${i}]`));
      case 'topK':
        return `[${Array.from({ length: w }, (_, j) => make(['class', 'probability'],
          [c.names ? `s${k}[i${k}[r * ${w} + ${j}]]` : `i${k}[r * ${w} + ${j}]`, `n${k}[r * ${w} + ${j}]`])).join(', ')}]`;
      case 'json': return `j${k}[r]`;
      default: return `value(columns[${k}], r)`;
    }
  });
  const result = make(columns.map((c) => c.name), values);
  const source = [...constructors,
    'return function build(columns, rows, into, at, value) {',
    ...lines,
    '  for (let r = 0; r < rows; r++) into[at + r] = ' + result + ';',
    '};'].join('\n');
  try {
    // called directly: no wrapper closure between the caller and the loop
    return new Function(`${source}\n//# sourceURL=onnx-predict-result-builder.js`)() as ResultBuilder;
  } catch {
    return resultObjects;
  }
}

/**
 * @internal What a compiled result builder depends on: names, forms and widths, and the class
 * names only where the builder writes them as keys (namedNumbers). The distinct label strings of
 * a batch ('name', 'topK') are data, not layout: a key holding them would compile and keep one
 * builder per combination of labels seen.
 */
export function layoutKey(columns: readonly Pick<DecodedColumn, 'name' | 'form' | 'width' | 'names'>[]): string {
  return JSON.stringify(columns.map((c) => [c.name, c.form, c.width, c.form === 'namedNumbers' ? c.names : null]));
}

function closeEnough(expected: unknown, actual: unknown): boolean {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(expected - actual) <= 1e-4 * Math.max(1, Math.abs(expected));
  }
  if (expected && typeof expected === 'object' && actual && typeof actual === 'object') {
    return Object.entries(expected).every(([k, v]) => closeEnough(v, (actual as Record<string, unknown>)[k]));
  }
  return expected === actual;
}

/** The keys of `object` in `order` first (those it has), then the rest as they were. */
function ordered<T>(object: Record<string, T>, order: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const key of order) if (Object.prototype.hasOwnProperty.call(object, key)) out[key] = object[key];
  for (const [key, value] of Object.entries(object)) if (!(key in out)) out[key] = value;
  return out;
}

/** What the core's schema() gives (bindings/predictor_bindings.cpp): the document as text or, derived, as JSON. */
interface SchemaExport {
  source: ModelSchema['source'];
  documentText?: string;  // embedded
  document?: Record<string, unknown>;  // derived, with graphInputs and graphOutputs
  graphInputs?: string[];
  graphOutputs?: string[];
  flatFields: string[] | null;
  chunkSize: number;
  fixedBatch: boolean;
  fetches: string[];
  inputs: PackedInput[];
}

/**
 * The schema document with its author's key order (the core's JSON objects are sorted maps; a
 * form generated from `input.properties` wants the order back): the caller's text or the
 * embedded text, parsed here (the core has parsed the same text with a strict parser, which also
 * skips a byte order mark), or the derived document in the signature's order.
 */
function documentInOrder(s: SchemaExport, givenText: string): Record<string, unknown> {
  if (s.source !== 'derived') {
    const text = s.source === 'given' ? givenText : s.documentText ?? '';
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  }
  const document = s.document ?? {};
  const inputs = s.graphInputs ?? [];
  const input = document.input as { properties?: Record<string, unknown>; required?: string[] } & Record<string, unknown>;
  const position = new Map<string, number>();  // each input's first index (one sort compare was two scans)
  inputs.forEach((name, i) => { if (!position.has(name)) position.set(name, i); });
  const rank = (name: string) => position.get(name) ?? inputs.length;
  return ordered({
    ...document,
    input: ordered({
      ...input,
      properties: ordered(input.properties ?? {}, inputs),
      required: [...(input.required ?? [])].sort((a, b) => rank(a) - rank(b)),
    }, ['type', 'properties', 'required']),
    bind: ordered(document.bind as Record<string, unknown>, inputs),
    output: ordered(document.output as Record<string, unknown>, s.graphOutputs ?? []),
  }, ['version', 'input', 'bind', 'output']);
}

/** A loaded model. Owns a native predictor and an ORT session: call dispose() when done. */
export class Model {
  #core: CoreModule;
  #predictor: CorePredictor | undefined;
  #session: ort.InferenceSession | undefined;
  #readRecords: RecordReader | undefined;  // records → columns, compiled for the flat fields (none: not a flat schema)
  #flatFields: readonly string[] = [];
  #lastBuilder: { layout: object; shape: { form: string; width: number }[]; build: ResultBuilder } | undefined;
  #chunkSize: number;
  #fixedBatch: boolean;
  #fetches: string[];  // the outputs the decoder reads: all ORT is asked for, in the order decodeBuffers takes them
  #inputs: PackedInput[];  // the packed tensors' names and types
  #layout: { name: string; names: string[] }[] = [];  // decoded columns' keys and names, as the core last sent them
  #queue: Promise<unknown> = Promise.resolve();  // the batches in flight, one after another (#serially)
  #packed = new PackedCopies();
  #info: LoadedModelInfo | undefined;  // made on first read (it crosses as JSON: 0.1-0.3 ms of a load)
  /** The schema in force. */
  readonly schema: ModelSchema;

  /** @internal schemaText: the schema the caller gave, as sent to the core ('' for none). */
  constructor(core: CoreModule, predictor: CorePredictor, session: ort.InferenceSession, schemaText = '') {
    this.#core = core;
    this.#predictor = predictor;
    this.#session = session;
    const s = unwrap(predictor.schema()) as SchemaExport;
    this.schema = { source: s.source, document: documentInOrder(s, schemaText) };
    this.#readRecords = s.flatFields ? compileRecordReader(s.flatFields) : undefined;
    this.#flatFields = s.flatFields ?? [];
    this.#chunkSize = s.chunkSize;
    this.#fixedBatch = s.fixedBatch;
    this.#fetches = s.fetches;
    this.#inputs = s.inputs;
  }

  /**
   * What the C++ deserializer read of the model ORT runs (inputs, outputs, types, shapes, opsets,
   * metadata) and what loading rewrote. Read from the core on first use (still there after dispose()).
   */
  get info(): LoadedModelInfo {
    return (this.#info ??= unwrap(this.#live().info()) as LoadedModelInfo);
  }

  #live(): CorePredictor {
    if (!this.#predictor) throw new OnnxPredictError('disposed', 'this model was disposed; load it again');
    return this.#predictor;
  }

  /**
   * The core's staged columns for a batch of `rows`: views of its heap, taken after the call that
   * may have grown it, valid until the next call into the core (packColumns reads them).
   */
  #stage(rows: number): Staging {
    const at = unwrap(this.#live().stageColumns(rows));
    const heap = this.#core.HEAPU8.buffer, fields = this.#flatFields.length;
    return { tags: new Uint8Array(heap, at.tags, fields * rows), numbers: new Float64Array(heap, at.numbers, fields * rows) };
  }

  /** Validates and packs records[from .. to); errors' loc[0] count from `from`. */
  #pack(records: readonly unknown[], from = 0, to = records.length): PackedBatch {
    if (!Array.isArray(records)) throw new OnnxPredictError('invalid_argument', 'expected an array of records');
    const predictor = this.#live();
    if (this.#readRecords) {
      // The flat fields are read straight into the core's staged columns (views of its heap, taken
      // after the call that may have grown it; nothing calls into the core until packColumns).
      const rows = to - from;
      const { columns, nonObjects } = this.#readRecords(records, this.#stage(rows), from, rows);
      return this.#packColumns(rows, columns, nonObjects);
    }
    let text: string;
    try {
      text = JSON.stringify(from === 0 && to === records.length ? records : records.slice(from, to));
    } catch (error) {
      throw new OnnxPredictError('invalid_argument', `the records cannot be serialized to JSON: ${(error as Error).message}`);
    }
    return readPacked(this.#core, predictor, unwrap(predictor.packJson(text)), this.#inputs);
  }

  /**
   * Packs a staged batch: every staged field is a column of it, so only the columns that carry
   * more (strings, keys no field has) cross.
   */
  #packColumns(rows: number, columns: Column[], nonObjects: Column | undefined): PackedBatch {
    const predictor = this.#live();
    const more = columns.filter((c) => c.staged === undefined || c.offsets !== undefined);
    return readPacked(this.#core, predictor, unwrap(predictor.packColumns(rows, more, nonObjects)), this.#inputs);
  }

  /** Validates records without running the model: every record's Pydantic-shaped errors (loc[0] = index). */
  validate(records: readonly unknown[]): ValidationErrorItem[] {
    return this.#pack(records).errors;
  }

  /** Predicts one record; an invalid record throws `validation_failed` with details.errors. */
  async predict(record: unknown): Promise<PredictionResult> {
    const { results } = await this.predictBatch([record], { onInvalid: 'throw', output: 'objects' });
    return results[0];
  }

  /**
   * Validates all records, runs the valid ones in one vectorized run (in chunks when the schema's
   * limits.maxBatch or a fixed model batch dimension asks for it) and decodes the outputs.
   * Batches of 12,288 records or more go through the pipeline in equal slices of about 8,192: every slice is
   * validated and packed first (so 'throw' still runs nothing when any record is invalid), then
   * run and decoded one by one, which keeps the working set in cache (digits, 100,000 records:
   * 2.3x faster than one slice; bench/README.md). With output: 'columns', typed-array result
   * columns instead of result objects.
   */
  predictBatch(records: readonly unknown[], options?: ObjectsOptions): Promise<BatchPrediction>;
  predictBatch(records: readonly unknown[], options: ColumnsOptions): Promise<ColumnarPrediction>;
  predictBatch(records: readonly unknown[], options?: PredictBatchOptions): Promise<BatchPrediction | ColumnarPrediction>;
  predictBatch(records: readonly unknown[], options: PredictBatchOptions = {}): Promise<BatchPrediction | ColumnarPrediction> {
    return this.#serially(() => {
      const count = Array.isArray(records) ? records.length : 0;
      return this.#predictSlices(count, (from, to) => this.#pack(records, from, to), options);
    });
  }

  /**
   * Packs records [0, count) in slices of about `slice` (sliceRows; `pack(from, to)`: errors' loc[0] counts from
   * `from`), all before running any; fails with `validation_failed` on any error unless
   * skipping; else runs the slices' valid rows in order and collects their results as objects or
   * as columns.
   */
  async #predictSlices(count: number, pack: (from: number, to: number) => PackedBatch,
    options: PredictBatchOptions, slice = kPipelineSlice): Promise<BatchPrediction | ColumnarPrediction> {
    const output = options.output ?? 'objects';
    if (output !== 'objects' && output !== 'columns') {
      throw new OnnxPredictError('invalid_argument', `output must be 'objects' or 'columns', not ${JSON.stringify(output)}`);
    }
    const slices: { from: number; batch: PackedBatch }[] = [];
    const errors: ValidationErrorItem[] = [];
    const step = sliceRows(count, slice);
    for (let from = 0; from === 0 || from < count; from += step) {
      const batch = this.#packed.keep(slices.length, pack(from, Math.min(count, from + step)));
      for (const e of batch.errors) {
        if (from > 0) (e.loc as (string | number)[])[0] = (e.loc[0] as number) + from;  // record index in the whole batch
        errors.push(e);
      }
      slices.push({ from, batch });
    }
    if (errors.length > 0 && (options.onInvalid ?? 'throw') === 'throw') throw validationFailed(errors);
    const rows = slices.reduce((n, s) => n + s.batch.rowMap.length, 0);
    if (output === 'columns') {
      const collector = new ColumnCollector(rows);
      await this.#runSlices(slices, collector);
      return { rows, indices: collector.indices, columns: collector.columns, errors };
    }
    // Arrays of their final length, filled by index (growing them by push took 3x as long).
    const results: PredictionResult[] = new Array(rows), indices: number[] = new Array(rows);
    await this.#runSlices(slices, {
      chunk: (decoded, at, count) => this.#resultBuilder(decoded)(decoded, count, results, at, columnValue),
      slice: (rowMap, offset, at) => {
        for (let i = 0; i < rowMap.length; i++) indices[at + i] = rowMap[i] + offset;
      },
    });
    return { results, indices, errors };
  }

  /** The slices' results as objects, by a result builder compiled per output layout. */
  /**
   * The result builder for these columns' layout: the last one while the core reports the same
   * keys and names (#layout) and the forms and widths are the same, else by layoutKey.
   */
  #resultBuilder(decoded: DecodedColumn[]): ResultBuilder {
    const last = this.#lastBuilder;
    if (last && last.layout === this.#layout && last.shape.length === decoded.length &&
        decoded.every((c, k) => c.form === last.shape[k].form && c.width === last.shape[k].width)) {
      return last.build;
    }
    const key = layoutKey(decoded);
    const build = compiledOnce(resultBuilders, key, () => compileResultBuilder(decoded));
    this.#lastBuilder = { layout: this.#layout, shape: decoded.map(({ form, width }) => ({ form, width })), build };
    return build;
  }

  /** Runs the slices' valid rows chunk by chunk, in order, handing each to `into`. */
  async #runSlices(slices: { from: number; batch: PackedBatch }[], into: ResultSink): Promise<void> {
    let at = 0;
    for (const { from: offset, batch } of slices) {
      const { rowMap } = batch, chunk = this.#chunkRows(rowMap.length);
      for (let from = 0; from < rowMap.length; from += chunk) {
        const to = Math.min(rowMap.length, from + chunk);
        into.chunk(await this.#runChunk(batch, from, to), at + from, to - from);
      }
      into.slice(rowMap, offset, at);
      at += rowMap.length;
    }
  }

  /** Rows per ORT run for a packed batch of `rows`: the schema's chunk size (limits.maxBatch, a fixed batch dimension) or all. */
  #chunkRows(rows: number): number {
    return this.#chunkSize > 0 ? this.#chunkSize : Math.max(rows, 1);
  }

  /**
   * Runs rows [from, to) of a packed batch (padded to the chunk size for a fixed batch dimension)
   * and decodes them. The decoded columns are views of the core's heap: read them before calling
   * into the core again.
   */
  async #runChunk(batch: PackedBatch, from: number, to: number): Promise<DecodedColumn[]> {
    const pad = this.#fixedBatch ? this.#chunkSize : 0;
    const feeds: Record<string, ort.Tensor> = {};
    for (const t of batch.tensors) feeds[t.name] = ortTensor(t, from, to, pad);
    const results = await this.#run(feeds);
    return this.#decode(this.#fetches.map((name) => results[name]), Math.max(to - from, pad));
  }

  /**
   * The outputs (in #fetches order) decoded by the core: their metadata and bytes cross as numbers
   * and heap writes, the columns come back as numbers (bindings/predictor_bindings.cpp).
   */
  #decode(outputs: ort.Tensor[], rows: number): DecodedColumn[] {
    const predictor = this.#live();
    const meta: number[] = [];
    let strings: ({ strings: string[]; stringIndices: Uint32Array } | undefined)[] | undefined;
    outputs.forEach((tensor, i) => {
      const dataType = ORT_TO_ONNX[tensor.type];
      if (dataType === undefined) {
        throw new OnnxPredictError('inference_failed', `output '${this.#fetches[i]}' has type ${tensor.type}, which cannot be decoded`);
      }
      if (tensor.type === 'string') (strings ??= [])[i] = distinctStrings(tensor.data as string[]);
      meta.push(dataType, tensor.type === 'string' ? 0 : (tensor.data as ArrayBufferView).byteLength, tensor.dims.length, ...tensor.dims);
    });
    const addresses = unwrap(predictor.decodeBuffers(new Float64Array(meta)));
    const heap = this.#core.HEAPU8;
    outputs.forEach((tensor, i) => {
      if (!addresses[i]) return;  // a string tensor, or elements the core does not read
      const data = tensor.data as ArrayBufferView;
      heap.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), addresses[i]);
    });
    const s = unwrap(predictor.decode(rows, strings)).slice();  // the view would not survive the calls below
    if (!s[0]) this.#layout = unwrap(predictor.decodedLayout());
    const columns: DecodedColumn[] = [];
    for (let k = 0, at = 2; k < s[1]; k++, at += 7) {
      const { name, names } = this.#layout[k];
      const c: DecodedColumn = { name, form: FORMS[s[at]], width: s[at + 1] };
      if (names.length) c.names = names;
      if (c.form === 'json') c.json = unwrap(predictor.decodedJson(k));
      columns.push(c);
    }
    const buffer = this.#core.HEAPU8.buffer;  // after the calls above, which may grow the memory
    columns.forEach((c, k) => {
      const at = 2 + 7 * k, numbersOf = s[at + 2];
      if (numbersOf >= 0) {
        c.numbersOf = numbersOf;
        c.numbers = outputs[numbersOf].data as Float32Array | Float64Array;
      } else if (s[at + 4] > 0) c.numbers = new Float64Array(buffer, s[at + 3], s[at + 4]);
      if (s[at + 6] > 0) c.indices = new Uint32Array(buffer, s[at + 5], s[at + 6]);
    });
    return columns;
  }

  /**
   * Predicts from columns: { field: Float64Array | number[] | string[] | boolean[] }, all of one
   * length (record r is element r of every column). The fastest input form for flat schemas: a
   * Float64Array crosses into the core as it is (NaN is not a number there: a validation error).
   * Results and errors as in predictBatch, and its slices of about 8,192 rows unless every column is a
   * Float64Array; with output: 'columns', typed arrays out as well.
   */
  predictColumns(columns: Record<string, ArrayLike<unknown>>, options?: ObjectsOptions): Promise<BatchPrediction>;
  predictColumns(columns: Record<string, ArrayLike<unknown>>, options: ColumnsOptions): Promise<ColumnarPrediction>;
  predictColumns(columns: Record<string, ArrayLike<unknown>>, options?: PredictBatchOptions): Promise<BatchPrediction | ColumnarPrediction>;
  predictColumns(columns: Record<string, ArrayLike<unknown>>, options: PredictBatchOptions = {}): Promise<BatchPrediction | ColumnarPrediction> {
    return this.#serially(() => {
      const lengths = Object.values(columns).map((c) => c.length);
      const rows = lengths[0] ?? 0;
      if (lengths.some((n) => n !== rows)) throw new OnnxPredictError('invalid_argument', 'all columns must have the same length');
      this.#live();
      if (!this.#readRecords) throw new OnnxPredictError('invalid_argument', "columns need a schema of scalar fields; use predictBatch");
      // Slices keep the arrays built element by element in JS small (100,000 rows with a string
      // column: 2x faster); Float64Arrays have no such work and run best as one slice.
      const typed = Object.values(columns).every((c) => c instanceof Float64Array);
      return this.#predictSlices(rows, (from, to) =>
        this.#packColumns(to - from, arraysToColumns(columns, to - from, this.#flatFields, this.#stage(to - from), from), undefined),
      options, typed ? Math.max(rows, 1) : kPipelineSlice);
    });
  }

  /**
   * Runs one batch's work (pack, ORT runs, decode) after the batches before it: ORT runs one batch
   * at a time per session, and the packed-batch buffers (#packed) are reused by the next batch.
   */
  #serially<T>(work: () => Promise<T>): Promise<T> {
    const done = this.#queue.then(work);
    this.#queue = done.catch(() => undefined);
    return done;
  }

  #run(feeds: Record<string, ort.Tensor>): Promise<ort.InferenceSession.OnnxValueMapType> {
    const session = this.#session;
    if (!session) return Promise.reject(new OnnxPredictError('disposed', 'this model was disposed; load it again'));
    return session.run(feeds, this.#fetches).catch((error: unknown) => {
      throw new OnnxPredictError('inference_failed', `ONNX Runtime failed to run the model: ${(error as Error)?.message ?? error}`);
    });
  }

  /** Releases the ORT session and the native predictor. Idempotent; later calls throw `disposed`. */
  dispose(): void {
    try {
      if (this.#predictor) void this.info;  // readable after dispose, as it always was
    } catch {
      // (cannot fail: the export replaces bad UTF-8) dispose still releases everything
    }
    this.#predictor?.delete();
    this.#predictor = undefined;
    void this.#session?.release();
    this.#session = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** @internal Runs the schema's examples; throws self_check_failed on the first mismatch. */
  async selfCheck(): Promise<void> {
    const examples = (this.schema.document.examples ?? []) as { input: unknown; output?: Record<string, unknown> }[];
    if (examples.length === 0) return;
    const { results, errors } = await this.predictBatch(examples.map((e) => e.input), { onInvalid: 'skip', output: 'objects' });
    if (errors.length > 0) {
      throw new OnnxPredictError('self_check_failed', `example ${errors[0].loc[0]} does not validate: ${errors[0].msg}`, { errors });
    }
    examples.forEach((example, i) => {
      for (const [key, expected] of Object.entries(example.output ?? {})) {
        if (!closeEnough(expected, results[i][key])) {
          throw new OnnxPredictError('self_check_failed',
            `example ${i}: the model gives ${JSON.stringify(results[i][key])} for '${key}', the schema expects ${JSON.stringify(expected)}: ` +
            'the model file may be corrupted or not the one the schema describes', { example: i, key, expected, actual: results[i][key] });
        }
      }
    });
  }
}

/** An ORT session for `bytes` with the options' ORT settings, or the error ORT gave (never rejects). */
function createSession(bytes: Uint8Array, options: LoadModelOptions): Promise<ort.InferenceSession | Error> {
  ort.env.wasm.numThreads = options.numThreads ?? 1;
  const wasmPaths = options.wasmPaths ?? defaultOrtWasmPaths;
  if (wasmPaths !== undefined) ort.env.wasm.wasmPaths = wasmPaths;
  return ort.InferenceSession.create(bytes, { executionProviders: options.executionProviders ?? ['wasm'] })
    .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
}

// Set by the <script> build (script.ts): ONNX Runtime Web's wasm is copied beside the bundle.
let defaultOrtWasmPaths: string | undefined;

/** @internal Where ONNX Runtime Web finds its wasm when `wasmPaths` is not given. */
export function setDefaultOrtWasmPaths(prefix: string): void {
  defaultOrtWasmPaths = prefix;
}

// The core's first model read in a process compiles the code it runs (V8 compiles wasm functions
// on first call): tens of ms on the main thread, which on a page's first load delayed ORT's
// session by more than they overlapped it, so that read waits for ORT's session
// (docs/decisions.md). Later reads are quick (0.1-1 ms for models/) and go first: a file the core
// refuses fails without waiting for ORT.
let coreHasReadAModel = false;

/**
 * Loads an ONNX model: fetches it (progress, retries, integrity, cache), refuses non-ONNX bytes,
 * rewrites ZipMap outputs into tensors, reads its signature, resolves and checks its schema, creates the ONNX Runtime Web session and
 * runs the schema's examples. Downloaded bytes enter the cache only after all of that succeeded.
 */
export async function loadModel(source: ModelSource, options: LoadModelOptions = {}): Promise<Model> {
  const corePromise = loadCore();  // compiles while the model downloads
  corePromise.catch(() => {});    // (a failed download must not leave an unhandled rejection)
  const download = await downloadModel(source, options);
  const { bytes } = download;
  // ONNX Runtime starts on the bytes as downloaded while the core's wasm compiles and then reads
  // them. Most models run as given; a rewritten one (ZipMap) gets a session of its own, and a
  // refused file's early session, if ORT made one, is released unused.
  const early = createSession(bytes, options);
  const releaseEarly = () => void early.then((s) => (s instanceof Error ? undefined : s.release()));
  let core: CoreModule;
  let predictor: CorePredictor;
  let runBytes: Uint8Array | null;
  let schemaText = '';
  try {
    if (!coreHasReadAModel) await early;  // never rejects: an ORT error is its value
    core = await corePromise;
    if (options.schema !== undefined) schemaText = typeof options.schema === 'string' ? options.schema : JSON.stringify(options.schema);
    const created = core.createPredictor(bytes, schemaText, options.rewriteZipMap ?? true);
    coreHasReadAModel = true;
    predictor = unwrap(created);
    runBytes = unwrap(predictor.takeModelBytes());  // the ZipMap-free model, when rewritten
  } catch (error) {
    releaseEarly();
    throw error;
  }
  if (runBytes) releaseEarly();
  const session = runBytes ? await createSession(runBytes, options) : await early;
  if (session instanceof Error) {
    const notes = (unwrap(predictor.info()) as LoadedModelInfo).rewrite.notes;
    predictor.delete();
    const message = String(session.message);
    if (/no available backend/.test(message)) {
      throw new OnnxPredictError('runtime_unavailable', `ONNX Runtime Web could not start its wasm backend (${message}); ` +
        'if you self-host its files, point the wasmPaths option at the folder holding ort-wasm-simd-threaded.wasm and .mjs');
    }
    // A ZipMap the rewrite declined is often why (its sequence output is also read elsewhere): say so.
    const why = notes.length > 0 ? `; ${notes.map((n) => n.note).join('; ')}` : '';
    throw new OnnxPredictError('invalid_model', `ONNX Runtime could not load the model: ${message}${why}`,
      notes.length > 0 ? { rewriteNotes: notes } : {});
  }
  const model = new Model(core, predictor, session, schemaText);
  if (options.selfCheck ?? true) {
    try {
      await model.selfCheck();
    } catch (error) {
      model.dispose();
      throw error;
    }
  }
  await download.store();  // only a model that loaded and passed its self-check is cached
  return model;
}
