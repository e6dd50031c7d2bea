// Loads the Embind module (build/wasm → dist/wasm) once per process/page and turns its results
// (a value, or a failure: an Error with the code and details) into values or thrown
// OnnxPredictErrors. The raw module stays here.
import { OnnxPredictError, type OnnxPredictErrorCode, type OnnxPredictErrorDetails } from './errors.js';
import { importNode } from './node-modules.js';
import type { ValidationErrorItem } from './schema.js';

/** A failed core call (bindings/interop.h, error_result). */
interface CoreFailure extends Error {
  code: OnnxPredictErrorCode;
  details: OnnxPredictErrorDetails;
}
type CoreResult<T> = T | CoreFailure;

/** A native compiled schema (Embind object: must be delete()d). */
export interface CoreSchema {
  validate(valueJson: string): CoreResult<ExportedErrors>;
  delete(): void;
}

/** What packs batches: packJson and packColumns give a summary for readPacked. */
interface PackedBatchSource {
  packJson(text: string): CoreResult<Float64Array>;
  packColumns(rows: number, columns: unknown[], nonObjects: unknown): CoreResult<Float64Array>;  // Embind: pass all 3
  packErrors(): CoreResult<ExportedErrors>;
  packStrings(tensor: number): CoreResult<string[]>;
}

/** A native schema document + batch packer (Embind object: must be delete()d). */
export interface CorePacker extends PackedBatchSource {
  packedInputs(): CoreResult<PackedInput[]>;
  delete(): void;
}

/** A native predictor: model info, schema in force, packer, decoder (Embind object: must be delete()d). */
export interface CorePredictor extends PackedBatchSource {
  info(): CoreResult<unknown>;
  takeModelBytes(): CoreResult<Uint8Array | null>;
  schema(): CoreResult<unknown>;
  stageColumns(rows: number): CoreResult<{ tags: number; numbers: number }>;
  /** bindings/predictor_bindings.cpp: the outputs' metadata in, the heap addresses to write their data at out. */
  decodeBuffers(meta: Float64Array): CoreResult<Float64Array>;
  decode(rows: number, strings: unknown): CoreResult<Float64Array>;
  decodedLayout(): CoreResult<{ name: string; names: string[] }[]>;
  decodedJson(column: number): CoreResult<unknown[]>;
  delete(): void;
}

export interface CoreModule {
  createPredictor(bytes: Uint8Array, schemaJson: string, rewriteZipMap: boolean): CoreResult<CorePredictor>;
  createPacker(documentJson: string): CoreResult<CorePacker>;
  inspectModel(bytes: Uint8Array): CoreResult<unknown>;
  compileSchema(schemaJson: string, maxErrors: number, checkFormats: boolean): CoreResult<CoreSchema>;
  sniffFormat(bytes: Uint8Array): CoreResult<{ format: string; code?: string; message?: string }>;
  readTensor(bytes: Uint8Array): CoreResult<unknown>;
  /** The wasm heap; replaced when the memory grows, so read it again after every call into the core. */
  HEAPU8: Uint8Array;
}

// The core's wasm travels inside the package gzipped, as base64 (dist/wasm/onnx-predict-core-wasm.js,
// written by scripts/build-package.sh), and is handed to the glue as wasmBinary. Nothing is
// fetched or located: the same code works in Node (ESM and require), bundlers (dev and build),
// a <script> tag and Web Workers, and Emscripten 3.1.6's loader never fetch()es a file path.
// Gzipped first, the string is 2.6x shorter to parse and decode, and about 25% smaller on the wire
// (base64 hides redundancy from gzip: of the raw wasm it cost 79 KiB more than the wasm gzipped;
// of the gzipped wasm, 0.9 KiB). Node's zlib or the browser's DecompressionStream inflates it.
async function coreWasm(base64: string): Promise<Uint8Array> {
  const node = globalThis as { process?: { versions?: { node?: string } }; Buffer?: { from(text: string, encoding: string): Uint8Array } };
  if (node.process?.versions?.node && node.Buffer) {
    // Node's zlib directly: its DecompressionStream and Response are JS over zlib, and their first
    // use loaded more code than the inflate took (a fresh core load went 62 -> 115 ms).
    return (await importNode('node:zlib')).gunzipSync(node.Buffer.from(base64, 'base64'));
  }
  if (typeof DecompressionStream === 'undefined') {
    throw new OnnxPredictError('runtime_unavailable', 'this JavaScript engine has no DecompressionStream, which the core needs to start ' +
      '(Chrome 80, Firefox 113, Safari 16.4 and later have it)');
  }
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const inflated = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

let core: Promise<CoreModule> | undefined;

// The glue and the base64 wasm (about 360 KB of JS) are imported on first use, not with the
// package: a page that imports onnx-predict parses them only when it loads a model, and on a
// first load that parse overlaps ONNX Runtime's compilation of its own wasm (loadModel starts both).
async function instantiate(): Promise<CoreModule> {
  const [glue, wasm] = await Promise.all([import('./wasm/onnx-predict-core.cjs'), import('./wasm/onnx-predict-core-wasm.js')]);
  return glue.default({ wasmBinary: await coreWasm(wasm.default) });
}

/**
 * Validation errors as the core exports them (bindings/interop.h, export_errors): the JSON text of
 * the values they name, and numbers that say which, per error.
 */
export type ExportedErrors = [values: string, numbers: Float64Array];

/**
 * The Pydantic-shaped error objects, keys in Pydantic's order. Every object in them is its own:
 * the core sends an object value once per use.
 */
export function readErrors([text, n]: ExportedErrors): ValidationErrorItem[] {
  const values = JSON.parse(text) as unknown[];
  const value = (at: number) => (n[at] === 0 ? n[at + 1] : values[n[at + 1]]);  // 0 and a number, or 1 and a value index
  const errors: ValidationErrorItem[] = [];
  for (let at = 0; at < n.length;) {
    const type = values[n[at]] as string, msg = values[n[at + 1]] as string;
    const loc: (string | number)[] = new Array(n[at + 2]);
    at += 3;
    for (let k = 0; k < loc.length; k++, at++) loc[k] = n[at] >= 0 ? n[at] : values[-1 - n[at]] as string;
    let input: unknown;
    if (n[at] === 2) {  // an object, member by member (bindings/interop.h)
      const members = n[at + 1];
      const object: Record<string, unknown> = {};
      at += 2;
      for (let k = 0; k < members; k++, at += 3) {
        const key = values[n[at]] as string, member = value(at + 1);
        // An own "__proto__" key stays an own key, as JSON.parse makes it.
        if (key === '__proto__') Object.defineProperty(object, key, { value: member, writable: true, enumerable: true, configurable: true });
        else object[key] = member;
      }
      input = object;
    } else {
      input = value(at);
      at += 2;
    }
    const ctx = n[at];
    at += 1;
    errors.push(ctx < 0 ? { type, loc, msg, input } : { type, loc, msg, input, ctx: values[ctx] as Record<string, unknown> });
  }
  return errors;
}

/** The shared core module, instantiated on first use. */
export function loadCore(): Promise<CoreModule> {
  core ??= instantiate();
  return core;
}

/** Returns a core call's value or throws its error as an OnnxPredictError. */
export function unwrap<T>(result: CoreResult<T>): T {
  if (result instanceof Error) throw new OnnxPredictError((result as CoreFailure).code, result.message, (result as CoreFailure).details);
  return result;
}

/** A packed tensor's name and element type (the schema's bind, in order). */
export interface PackedInput { name: string; dtype: string }
export interface PackedTensor { name: string; dtype: string; dims: number[]; data?: Uint8Array; strings?: string[] }
/** A packed batch: data and rowMap are views of the core's heap, valid until the next call into the core. */
export interface PackedBatch { records: number; tensors: PackedTensor[]; rowMap: Uint32Array; errors: ValidationErrorItem[] }

/**
 * The batch a pack call returned as its summary (bindings/interop.h, PackedExport: numbers, not
 * objects, so a batch crosses the boundary in a few calls): errors and string tensors are asked
 * for when it has any, and the heap views are taken after those calls, which may grow the memory.
 */
export function readPacked(core: CoreModule, source: PackedBatchSource, summary: Float64Array,
  inputs: readonly PackedInput[]): PackedBatch {
  const s = summary.slice();  // the view would not survive the calls below
  const errors = s[3] > 0 ? readErrors(unwrap(source.packErrors())) : [];
  const tensors: PackedTensor[] = [];
  const places: number[] = [];
  for (let i = 0, at = 5; i < s[4]; i++) {
    const rank = s[at + 2];
    const t: PackedTensor = { name: inputs[i].name, dtype: inputs[i].dtype, dims: Array.from(s.subarray(at + 3, at + 3 + rank)) };
    if (t.dtype === 'string') t.strings = unwrap(source.packStrings(i));
    places.push(s[at], s[at + 1]);
    tensors.push(t);
    at += 3 + rank;
  }
  const buffer = core.HEAPU8.buffer;
  tensors.forEach((t, i) => {
    if (!t.strings) t.data = new Uint8Array(buffer, places[2 * i], places[2 * i + 1]);
  });
  return { records: s[0], tensors, rowMap: new Uint32Array(buffer, s[1], s[2]), errors };
}
