/**
 * onnx-predict: validated, batched ONNX predictions in browsers and Node.js.
 * @packageDocumentation
 */
import { loadCore, unwrap } from './core.js';
import { OnnxPredictError } from './errors.js';
import type { ModelInfo } from './model-info.js';

export { OnnxPredictError } from './errors.js';
export type { OnnxPredictErrorCode, OnnxPredictErrorDetails } from './errors.js';
export type {
  ModelInfo, ValueInfo, TypeProto, TensorTypeProto, Dimension, LoadedModelInfo, RewriteReport, ZipMapRewrite, RewriteNote,
} from './model-info.js';
export { compileSchema, CompiledSchema } from './schema.js';
export type { CompileSchemaOptions, ValidationErrorItem } from './schema.js';
export { loadModel, Model } from './model.js';
export type {
  LoadModelOptions, ModelSchema, PredictionResult, PredictBatchOptions, ObjectsOptions, ColumnsOptions, BatchPrediction,
  ColumnarPrediction, ResultColumn,
} from './model.js';
export { fetchModelBytes, type FetchOptions, type FetchProgress, type ModelSource } from './fetch.js';

function toBytes(bytes: Uint8Array | ArrayBuffer): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (bytes instanceof ArrayBuffer) return new Uint8Array(bytes);
  throw new OnnxPredictError('invalid_argument', 'expected the model bytes as a Uint8Array or an ArrayBuffer');
}

/**
 * Reads an ONNX model's signature, metadata and graph statistics without running it.
 *
 * The bytes are copied into the wasm core; the caller keeps ownership of `bytes`.
 * Throws OnnxPredictError: `unsafe_format` (pickle, joblib, PyTorch: never loaded),
 * `unsupported_format` (Keras, SavedModel, zip, an HTML page, …) with `details.format`, or
 * `invalid_model` with `details.path` and `details.offset` (e.g. a truncated download).
 */
export async function inspectModel(bytes: Uint8Array | ArrayBuffer): Promise<ModelInfo> {
  const core = await loadCore();
  return unwrap(core.inspectModel(toBytes(bytes))) as ModelInfo;
}
