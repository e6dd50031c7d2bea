import { loadCore, readErrors, unwrap, type CoreSchema } from './core.js';
import { OnnxPredictError } from './errors.js';

/** One validation error, shaped like an entry of Pydantic v2's `ValidationError.errors()`. */
export interface ValidationErrorItem {
  /** Stable snake_case id: `missing`, `greater_than_equal`, `string_type`, … (docs/validation-errors.md). */
  type: string;
  /** Path to the failing value: field names and array indices. */
  loc: (string | number)[];
  /** A readable sentence: "Input should be greater than or equal to 0". */
  msg: string;
  /** The failing value (for `missing`: the object that lacks the field). */
  input: unknown;
  /** The constraint's parameters, e.g. `{ ge: 0 }`, when it has any. */
  ctx?: Record<string, unknown>;
}

export interface CompileSchemaOptions {
  /** Errors reported per validated value, at most (default 100). */
  maxErrors?: number;
  /** Check `format` (date-time, email, ipv4, uuid, …) instead of treating it as an annotation. */
  checkFormats?: boolean;
}

/**
 * A JSON Schema compiled once in the wasm core. Owns native memory: call `dispose()` (or use
 * `using`) when done; calls after that throw `disposed`.
 */
export class CompiledSchema {
  #native: CoreSchema | undefined;

  /** @internal */
  constructor(native: CoreSchema) {
    this.#native = native;
  }

  /**
   * Validates one value (as its JSON form: `undefined` members are dropped, NaN becomes null).
   * Returns every error (up to `maxErrors`); an empty array means valid.
   */
  validate(value: unknown): ValidationErrorItem[] {
    if (!this.#native) throw new OnnxPredictError('disposed', 'this schema was disposed; compile it again');
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {  // a cycle, a BigInt, or nesting deeper than the JS stack allows
      throw new OnnxPredictError('invalid_argument', `the value cannot be serialized to JSON: ${(error as Error).message}`);
    }
    if (text === undefined) throw new OnnxPredictError('invalid_argument', 'the value has no JSON form (undefined or a function)');
    return readErrors(unwrap(this.#native.validate(text)));
  }

  /** Frees the native schema. Idempotent. */
  dispose(): void {
    this.#native?.delete();
    this.#native = undefined;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/**
 * Compiles a JSON Schema (draft-07, plus the `$defs`/`prefixItems` forms Pydantic v2 emits) for
 * validating values with Pydantic-shaped errors. `schema` is an object or JSON text, e.g. the
 * output of a Pydantic model's `model_json_schema()` / `schema()`.
 * Throws OnnxPredictError `schema_invalid` (details.path: the JSON pointer of the bad keyword).
 */
export async function compileSchema(schema: object | boolean | string, options: CompileSchemaOptions = {}): Promise<CompiledSchema> {
  const text = typeof schema === 'string' ? schema : JSON.stringify(schema);
  if (text === undefined) throw new OnnxPredictError('invalid_argument', 'expected a JSON Schema object or JSON text');
  const core = await loadCore();
  const native = unwrap(core.compileSchema(text, options.maxErrors ?? 0, options.checkFormats ?? false));
  return new CompiledSchema(native);
}
