// Loads the Embind module (build/wasm → dist/wasm) once per process/page and turns its
// {value} | {error} results into values or thrown OnnxPredictErrors. The raw module stays here.
import createOnnxPredictCore from './wasm/onnx-predict-core.cjs';
import { OnnxPredictError, type OnnxPredictErrorCode, type OnnxPredictErrorDetails } from './errors.js';

interface CoreResult<T> {
  value?: T;
  error?: { code: OnnxPredictErrorCode; message: string; details: OnnxPredictErrorDetails };
}

/** A native compiled schema (Embind object: must be delete()d). */
export interface CoreSchema {
  validate(valueJson: string): CoreResult<unknown>;
  delete(): void;
}

/** A native schema document + batch packer (Embind object: must be delete()d). */
export interface CorePacker {
  packJson(text: string): CoreResult<unknown>;
  packColumns(rows: number, columns: unknown[], nonObjects: unknown): CoreResult<unknown>;  // Embind: pass all 3
  delete(): void;
}

/** A native predictor: model info, schema in force, packer, decoder (Embind object: must be delete()d). */
export interface CorePredictor {
  info(): CoreResult<unknown>;
  schema(): CoreResult<unknown>;
  packJson(text: string): CoreResult<unknown>;
  packColumns(rows: number, columns: unknown[], nonObjects: unknown): CoreResult<unknown>;
  decode(outputs: unknown[], rows: number): CoreResult<unknown>;
  delete(): void;
}

export interface CoreModule {
  createPredictor(bytes: Uint8Array, schemaJson: string): CoreResult<CorePredictor>;
  createPacker(documentJson: string): CoreResult<CorePacker>;
  inspectModel(bytes: Uint8Array): CoreResult<unknown>;
  compileSchema(schemaJson: string, maxErrors: number, checkFormats: boolean): CoreResult<CoreSchema>;
  sniffFormat(bytes: Uint8Array): CoreResult<{ format: string; code?: string; message?: string }>;
  readTensor(bytes: Uint8Array): CoreResult<unknown>;
}

// This module's own URL: import.meta.url as an ES module, __filename in the CommonJS bundle
// (dist/index.cjs, built by esbuild), where import.meta is empty.
declare const __filename: string | undefined;
const moduleUrl = typeof __filename === 'string' ? require('node:url').pathToFileURL(__filename).href : import.meta.url;
const wasmUrl = new URL('./wasm/onnx-predict-core.wasm', moduleUrl);
let core: Promise<CoreModule> | undefined;

async function instantiate(): Promise<CoreModule> {
  const isNode = typeof process !== 'undefined' && process.versions?.node !== undefined;
  if (isNode) {
    // Emscripten 3.1.6's glue would fetch() a file path under Node 18+: hand it the bytes instead.
    const { readFile } = await import('node:fs/promises');
    const wasmBinary = await readFile(wasmUrl);
    return createOnnxPredictCore({ wasmBinary });
  }
  return createOnnxPredictCore({ locateFile: (file: string) => new URL(file, wasmUrl).href });
}

/** The shared core module, instantiated on first use. */
export function loadCore(): Promise<CoreModule> {
  core ??= instantiate();
  return core;
}

/** Returns a core call's value or throws its error as an OnnxPredictError. */
export function unwrap<T>(result: CoreResult<T>): T {
  if (result.error) throw new OnnxPredictError(result.error.code, result.error.message, result.error.details);
  return result.value as T;
}
