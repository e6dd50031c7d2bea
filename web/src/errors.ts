/** Stable error codes (docs/errors.md). Part of the API: new codes may be added, none renamed. */
export type OnnxPredictErrorCode =
  | 'invalid_argument'
  | 'invalid_model'
  | 'unsafe_format'
  | 'unsupported_format'
  | 'schema_invalid'
  | 'schema_mismatch'
  | 'validation_failed'
  | 'disposed'
  | 'self_check_failed'
  | 'inference_failed'
  | 'runtime_unavailable'
  | 'fetch_failed'
  | 'http_error'
  | 'timeout'
  | 'aborted'
  | 'integrity_mismatch'
  | 'internal_error';

/** Where an error happened and what it concerned. */
export interface OnnxPredictErrorDetails {
  /** Field path inside the model, e.g. `graph.node[3].attribute[0]`. */
  path?: string;
  /** Byte offset in the model bytes. */
  offset?: number;
  /** For `unsafe_format` / `unsupported_format`: what the bytes are (`pickle`, `keras`, `html`, …; docs/formats.md). */
  format?: string;
  /** For `schema_mismatch`: every way the schema does not fit the model. */
  mismatches?: { path: string; message: string }[];
  /** For `http_error`: the HTTP status (404, 503, …). */
  status?: number;
  /** For download errors: the URL (or, in Node, the file path) being loaded. */
  url?: string;
  /** For `integrity_mismatch`: the expected SHA-256 (hex, also when given as SRI); for `self_check_failed`: the example's expected value. */
  expected?: unknown;
  /** For `integrity_mismatch`: the SHA-256 of the bytes received (hex); for `self_check_failed`: the model's value. */
  actual?: unknown;
  /** For `validation_failed` (and a self-check example that does not validate): Pydantic-shaped errors, loc[0] = record index. */
  errors?: import('./schema.js').ValidationErrorItem[];
  /** For `self_check_failed`: the example's index and the result key that differs. */
  example?: number;
  key?: string;
  /** For `invalid_model` from ONNX Runtime: what the ZipMap rewrite left unchanged, and why (docs/rewrite.md). */
  rewriteNotes?: import('./model-info.js').RewriteNote[];
}

/** The one error type onnx-predict throws. `code` is stable; `message` says what to do next. */
export class OnnxPredictError extends Error {
  readonly code: OnnxPredictErrorCode;
  readonly details: OnnxPredictErrorDetails;

  constructor(code: OnnxPredictErrorCode, message: string, details: OnnxPredictErrorDetails = {}) {
    super(details.path ? `${code}: ${details.path}: ${message}` : `${code}: ${message}`);
    this.name = 'OnnxPredictError';
    this.code = code;
    this.details = details;
  }
}
