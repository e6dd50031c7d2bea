// Plain JS records → the typed columns the core's packer reads (src/batch/packer.h, ColumnView):
// one tag array per key plus a Float64Array of numbers and UTF-8 bytes for strings. One pass over
// the records; the core then validates and packs every record in one call.

/** Tags as src/batch/packer.h numbers them. */
const enum Tag { Missing = 0, Number = 1, False = 2, True = 3, Null = 4, String = 5, Json = 6 }

export interface Column {
  name: string;
  tags?: Uint8Array;
  numbers?: Float64Array;
  /** Instead of tags and numbers: the core's staged column of that index (Staging). */
  staged?: number;
  /** The texts of string and JSON rows: entry e is data[offsets[e] .. offsets[e + 1]) (UTF-8); row r's is entry codes[r]. */
  offsets?: Uint32Array;
  data?: Uint8Array;
  codes?: Uint32Array;
}

/**
 * The core's staged columns for one batch (bindings/interop.h, ColumnStaging): views of the wasm
 * heap where field i's tags are tags[i * rows ...] (cleared) and its numbers numbers[i * rows ...].
 * Writing there spares building JS arrays and copying them into the core.
 */
export interface Staging {
  tags: Uint8Array;
  numbers: Float64Array;
}

/** Distinct texts a dictionary looks up; texts past this many are entries of their own. */
const kDictionaryTexts = 1024;

/**
 * Texts as entries and codes: each distinct text is an entry once, and code(text) is its index.
 * Past kDictionaryTexts distinct texts, a new text is an entry without being looked up again (a
 * column of IDs costs what one entry per row would). Record columns and string outputs cross the
 * boundary this way.
 */
export class TextDictionary {
  readonly entries: string[] = [];
  readonly #codeOf = new Map<string, number>();

  code(text: string): number {
    let code = this.#codeOf.get(text);
    if (code === undefined) {
      code = this.entries.push(text) - 1;
      if (code < kDictionaryTexts) this.#codeOf.set(text, code);
    }
    return code;
  }
}

class ColumnBuilder {
  readonly tags: Uint8Array;
  numbers: Float64Array | undefined;
  // The texts of string and JSON rows as a dictionary: a row holds its text's code (categories
  // cross as a few strings plus a code per row).
  codes: Uint32Array | undefined;
  readonly texts = new TextDictionary();
  readonly staged: number | undefined;

  constructor(readonly name: string, readonly rows: number, staging?: Staging, index = 0) {
    if (staging) {
      this.staged = index;
      this.tags = staging.tags.subarray(index * rows, (index + 1) * rows);
      this.numbers = staging.numbers.subarray(index * rows, (index + 1) * rows);
    } else {
      this.tags = new Uint8Array(rows);
    }
  }

  /** Row `row` back to Missing (its number or text, if any, is ignored from then on). */
  clear(row: number): void {
    this.tags[row] = Tag.Missing;
  }

  #text(row: number, text: string): void {
    (this.codes ??= new Uint32Array(this.rows))[row] = this.texts.code(text);
  }

  set(row: number, value: unknown): void {
    switch (typeof value) {
      case 'number':
        this.tags[row] = Tag.Number;
        (this.numbers ??= new Float64Array(this.rows))[row] = value;
        return;
      case 'boolean':
        this.tags[row] = value ? Tag.True : Tag.False;
        return;
      case 'string':
        this.tags[row] = Tag.String;
        this.#text(row, value);
        return;
      case 'undefined':
        return;  // as JSON would: the key is absent
      default:
        if (value === null) {
          this.tags[row] = Tag.Null;
          return;
        }
        this.tags[row] = Tag.Json;  // objects, arrays (and bigint, which JSON cannot hold: a type error)
        this.#text(row, typeof value === 'bigint' ? JSON.stringify(String(value)) : JSON.stringify(value));
    }
  }

  build(): Column {
    const column: Column = this.staged === undefined ? { name: this.name, tags: this.tags, numbers: this.numbers }
      : { name: this.name, staged: this.staged };
    const entries = this.texts.entries;
    if (this.codes) {
      const encoder = new TextEncoder();
      const offsets = new Uint32Array(entries.length + 1);
      // One encode for every entry; when it is all ASCII, byte offsets are string offsets.
      const joined = entries.join('');
      let data = encoder.encode(joined);
      const parts = data.length === joined.length ? undefined : entries.map((t) => encoder.encode(t));
      for (let e = 0, total = 0; e < entries.length; e++) offsets[e + 1] = total += parts ? parts[e].length : entries[e].length;
      if (parts) {
        data = new Uint8Array(offsets[entries.length]);
        parts.forEach((part, e) => data.set(part, offsets[e]));
      }
      column.offsets = offsets;
      column.data = data;
      column.codes = this.codes;
    }
    return column;
  }
}

/**
 * Rows [from, from + rows) of columns given by the caller, one array per field. A Float64Array
 * goes across as it is (copied once into the core's staged column when the field is one of
 * `fields`); any other array (number[], Float32Array, string[], boolean[], mixed) is tagged element
 * by element, `undefined` meaning the field is absent from that record.
 */
export function arraysToColumns(arrays: Record<string, ArrayLike<unknown>>, rows: number,
  fields: readonly string[] = [], staging?: Staging, from = 0): Column[] {
  return Object.entries(arrays).map(([name, values]) => {
    const field = staging ? fields.indexOf(name) : -1;
    if (values instanceof Float64Array) {
      const numbers = values.subarray(from, from + rows);
      if (field < 0) return { name, tags: new Uint8Array(rows).fill(Tag.Number), numbers };
      staging!.tags.fill(Tag.Number, field * rows, (field + 1) * rows);
      staging!.numbers.set(numbers, field * rows);
      return { name, staged: field };
    }
    const builder = field < 0 ? new ColumnBuilder(name, rows) : new ColumnBuilder(name, rows, staging, field);
    for (let r = 0; r < rows; r++) builder.set(r, values[from + r]);
    return builder.build();
  });
}

/** Every column of one batch: a builder per key, made on the key's first use, plus the rows that are not objects. */
class ColumnSet {
  readonly builders = new Map<string, ColumnBuilder>();
  others: ColumnBuilder | undefined;

  /** With staging, `fields[i]` is read into staged column i. */
  constructor(readonly rows: number, fields?: readonly string[], staging?: Staging) {
    if (fields && staging) fields.forEach((name, i) => this.builders.set(name, new ColumnBuilder(name, rows, staging, i)));
  }

  column(key: string): ColumnBuilder {
    let builder = this.builders.get(key);
    if (!builder) this.builders.set(key, (builder = new ColumnBuilder(key, this.rows)));
    return builder;
  }

  /** A row that is not a record (null, an array, a primitive; undefined counts as null). */
  setNonObject(row: number, value: unknown): void {
    (this.others ??= new ColumnBuilder('', this.rows)).set(row, value === undefined ? null : value);
  }

  build(): { columns: Column[]; nonObjects: Column | undefined } {
    return { columns: [...this.builders.values()].map((b) => b.build()), nonObjects: this.others?.build() };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The columns of records[from .. from + rows) (every key any of them has; row r is records[from + r])
 * and the rows that are not objects at all.
 */
export function recordsToColumns(records: readonly unknown[], _staging?: Staging, from = 0, rows = records.length - from):
  { columns: Column[]; nonObjects: Column | undefined } {
  const set = new ColumnSet(rows);
  // Records of one shape list their keys in the same order: the builder for the key at position
  // i is usually the previous record's, found by comparing (interned) strings, not by hashing.
  const keyAt: string[] = [];
  const builderAt: ColumnBuilder[] = [];
  const hasOwn = Object.prototype.hasOwnProperty;
  for (let r = 0; r < rows; r++) {
    const record = records[from + r];
    if (!isRecord(record)) {
      set.setNonObject(r, record);
      continue;
    }
    let i = 0;
    for (const key in record) {
      if (!hasOwn.call(record, key)) continue;
      if (keyAt[i] !== key) {
        keyAt[i] = key;
        builderAt[i] = set.column(key);
      }
      builderAt[i].set(r, record[key]);
      i++;
    }
  }
  return set.build();
}

/** Reads records[from .. from + rows) (default: all of them), into `staging` where given. */
export type RecordReader = (records: readonly unknown[], staging?: Staging, from?: number, rows?: number) =>
  { columns: Column[]; nonObjects: Column | undefined };

/**
 * recordsToColumns specialised to a schema's flat fields: a function generated once per field list
 * (like ajv's validators) that reads each field by its constant name, so V8 compiles monomorphic
 * property loads, and writes numbers straight into the column arrays. Any other value goes
 * through ColumnBuilder.set. Only plain objects (a null or Object.prototype prototype, so a field
 * read is an own property) whose for-in key count equals the fields they have take this path; a
 * record with extra or undefined-valued keys, and any other object, is read again by the generic
 * code (rereadRecord). The columns are exactly recordsToColumns' (columns for keys no record has
 * carry only Missing tags, which the core treats as absent). Returns the generic recordsToColumns
 * where code generation is not allowed (a Content-Security-Policy without 'unsafe-eval').
 */
export function compileRecordReader(fields: readonly string[]): RecordReader {
  const generated = compiledOnce(generatedReaders, JSON.stringify(fields), () => generateReader(fields));
  if (!generated) return recordsToColumns;
  return (records, staging, from = 0, rows = records.length - from) => {
    const set = new ColumnSet(rows, fields, staging);
    generated(records, from, rows, fields, set, isRecord, rereadRecord);
    return set.build();
  };
}

type GeneratedReader = (records: readonly unknown[], from: number, rows: number, fields: readonly string[], set: ColumnSet,
  isRecordFn: typeof isRecord, reread: typeof rereadRecord) => void;

// Generated readers by field list, shared by every model in the process: a model loaded again
// reuses the function V8 has already optimised. undefined: code generation is not allowed.
const generatedReaders = new Map<string, GeneratedReader | undefined>();

/**
 * The value `make()` gives for `key`, made once per process and kept in `cache` (at most
 * kCompiledKept entries: past that the cache starts over, so a stream of distinct layouts cannot
 * grow it without bound).
 */
export function compiledOnce<T>(cache: Map<string, T>, key: string, make: () => T): T {
  if (cache.has(key)) return cache.get(key) as T;
  if (cache.size >= kCompiledKept) cache.clear();
  const value = make();
  cache.set(key, value);
  return value;
}
const kCompiledKept = 64;

function generateReader(fields: readonly string[]): GeneratedReader | undefined {
  const body = [
    'const fieldBuilders = fields.map((name) => set.column(name));',
    ...fields.map((_, i) => `const b${i} = fieldBuilders[${i}], t${i} = b${i}.tags, n${i} = (b${i}.numbers ??= new Float64Array(rows));`),
    'for (let r = 0; r < rows; r++) {',
    '  const rec = records[from + r];',
    '  if (!isRecord(rec)) { set.setNonObject(r, rec); continue; }',
    // The prototype through the __proto__ accessor, which V8 inlines (Object.getPrototypeOf was
    // half the reader's time). A null-prototype object has no accessor and gives undefined, as
    // does an object with an own "__proto__" key of undefined (checked the slow way); another own
    // "__proto__" key (JSON.parse makes those) is not Object.prototype, so that record is reread.
    "  const proto = rec.__proto__;",
    '  if (proto !== Object.prototype && (proto !== undefined || Object.getPrototypeOf(rec) !== null)) { reread(set, fieldBuilders, rec, r); continue; }',  // class instances: own keys only
    '  let present = 0, v;',
    ...fields.map((f, i) => {
      const key = JSON.stringify(f);
      // A name Object.prototype has (constructor, toString, …) must be an own key to count.
      const read = f in Object.prototype ? `Object.prototype.hasOwnProperty.call(rec, ${key}) ? rec[${key}] : undefined` : `rec[${key}]`;
      return `  v = ${read}; if (typeof v === "number") { t${i}[r] = 1; n${i}[r] = v; present++; } else if (v !== undefined) { b${i}.set(r, v); present++; }`;
    }),
    '  let keys = 0;',
    '  for (const key in rec) keys++;',
    '  if (keys !== present) reread(set, fieldBuilders, rec, r);',
    '}',
  ].join('\n');
  try {
    // (sourceURL: the name profilers and stack traces show for the generated code)
    return new Function('records', 'from', 'rows', 'fields', 'set', 'isRecord', 'reread', `${body}\n//# sourceURL=onnx-predict-record-reader.js`) as GeneratedReader;
  } catch {
    return undefined;
  }
}

/**
 * A record whose own enumerable keys are not exactly its schema fields (extra keys, inherited
 * or explicitly undefined properties): its row is cleared and read again as recordsToColumns
 * reads every record, own keys only.
 */
function rereadRecord(set: ColumnSet, fieldBuilders: ColumnBuilder[], record: Record<string, unknown>, row: number): void {
  for (const b of fieldBuilders) b.clear(row);
  for (const key in record) {
    if (Object.prototype.hasOwnProperty.call(record, key)) set.column(key).set(row, record[key]);
  }
}
