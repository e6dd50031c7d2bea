// Plain JS records → the typed columns the core's packer reads (src/batch/packer.h, ColumnView):
// one tag array per key plus a Float64Array of numbers and UTF-8 bytes for strings. One pass over
// the records; the core then validates and packs every record in one call.

/** Tags as src/batch/packer.h numbers them. */
const enum Tag { Missing = 0, Number = 1, False = 2, True = 3, Null = 4, String = 5, Json = 6 }

export interface Column {
  name: string;
  tags: Uint8Array;
  numbers?: Float64Array;
  offsets?: Uint32Array;
  data?: Uint8Array;
}

class ColumnBuilder {
  readonly tags: Uint8Array;
  numbers: Float64Array | undefined;
  texts: (string | undefined)[] | undefined;

  constructor(readonly name: string, readonly rows: number) {
    this.tags = new Uint8Array(rows);
  }

  /** Row `row` back to Missing (its number, if any, is ignored from then on). */
  clear(row: number): void {
    this.tags[row] = Tag.Missing;
    if (this.texts) this.texts[row] = undefined;
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
        (this.texts ??= new Array(this.rows))[row] = value;
        return;
      case 'undefined':
        return;  // as JSON would: the key is absent
      default:
        if (value === null) {
          this.tags[row] = Tag.Null;
          return;
        }
        this.tags[row] = Tag.Json;  // objects, arrays (and bigint, which JSON cannot hold: a type error)
        (this.texts ??= new Array(this.rows))[row] = typeof value === 'bigint' ? JSON.stringify(String(value)) : JSON.stringify(value);
    }
  }

  build(): Column {
    const column: Column = { name: this.name, tags: this.tags, numbers: this.numbers };
    if (this.texts) {
      // `texts` is sparse (rows without a string are holes, which map/forEach skip): Array.from
      // visits every row.
      const texts = Array.from(this.texts, (t) => t ?? '');
      const encoder = new TextEncoder();
      const offsets = new Uint32Array(this.rows + 1);
      // One encode for the whole column; when it is all ASCII, byte offsets are string offsets.
      const joined = texts.join('');
      let data = encoder.encode(joined);
      if (data.length === joined.length) {
        for (let i = 0, total = 0; i < this.rows; i++) offsets[i + 1] = total += texts[i].length;
      } else {
        const parts = texts.map((t) => encoder.encode(t));
        for (let i = 0, total = 0; i < this.rows; i++) offsets[i + 1] = total += parts[i].length;
        data = new Uint8Array(offsets[this.rows]);
        for (let i = 0; i < this.rows; i++) data.set(parts[i], offsets[i]);
      }
      column.offsets = offsets;
      column.data = data;
    }
    return column;
  }
}

/**
 * Columns given by the caller, one array per field, all of length `rows`. A Float64Array goes
 * across as it is; any other array (number[], Float32Array, string[], boolean[], mixed) is tagged
 * element by element, `undefined` meaning the field is absent from that record.
 */
export function arraysToColumns(arrays: Record<string, ArrayLike<unknown>>, rows: number): Column[] {
  return Object.entries(arrays).map(([name, values]) => {
    if (values instanceof Float64Array) return { name, tags: new Uint8Array(rows).fill(Tag.Number), numbers: values };
    const builder = new ColumnBuilder(name, rows);
    for (let r = 0; r < rows; r++) builder.set(r, values[r]);
    return builder.build();
  });
}

/** The columns of `records` (every key any record has) and the rows that are not objects at all. */
export function recordsToColumns(records: readonly unknown[]): { columns: Column[]; nonObjects: Column | undefined } {
  const rows = records.length;
  const builders = new Map<string, ColumnBuilder>();
  // Records of one shape list their keys in the same order: the builder for the key at position
  // i is usually the previous record's, found by comparing (interned) strings, not by hashing.
  const keyAt: string[] = [];
  const builderAt: ColumnBuilder[] = [];
  const hasOwn = Object.prototype.hasOwnProperty;
  let others: ColumnBuilder | undefined;
  for (let r = 0; r < rows; r++) {
    const record = records[r] as Record<string, unknown>;
    if (record === null || typeof record !== 'object' || Array.isArray(record)) {
      (others ??= new ColumnBuilder('', rows)).set(r, record === undefined ? null : record);
      continue;
    }
    let i = 0;
    for (const key in record) {
      if (!hasOwn.call(record, key)) continue;
      let builder = keyAt[i] === key ? builderAt[i] : undefined;
      if (builder === undefined) {
        builder = builders.get(key);
        if (!builder) builders.set(key, (builder = new ColumnBuilder(key, rows)));
        keyAt[i] = key;
        builderAt[i] = builder;
      }
      builder.set(r, record[key]);
      i++;
    }
  }
  return { columns: [...builders.values()].map((b) => b.build()), nonObjects: others?.build() };
}

export type RecordReader = (records: readonly unknown[]) => { columns: Column[]; nonObjects: Column | undefined };

/**
 * recordsToColumns specialised to a schema's flat fields: a function generated once per model
 * (like ajv's validators) that reads each field by its constant name, so V8 compiles monomorphic
 * property loads, and writes numbers straight into the column arrays. Any other value goes
 * through ColumnBuilder.set. Plain objects only (a null or Object.prototype prototype, so a field
 * read is an own property); a record whose for-in key count differs from the fields it has
 * (extra or undefined-valued keys), and any other object, is read again by the generic code. The columns are exactly recordsToColumns' (columns for keys
 * no record has carry only Missing tags, which the core treats as absent). Returns the generic
 * recordsToColumns where code generation is not allowed (a Content-Security-Policy without
 * 'unsafe-eval').
 */
export function compileRecordReader(fields: readonly string[]): RecordReader {
  const body = [
    'const rows = records.length;',
    'const builders = fields.map((name) => newBuilder(name, rows));',
    ...fields.map((_, i) => `const b${i} = builders[${i}], t${i} = b${i}.tags, n${i} = (b${i}.numbers = new Float64Array(rows));`),
    'let others;',
    'for (let r = 0; r < rows; r++) {',
    '  const rec = records[r];',
    '  if (rec === null || typeof rec !== "object" || Array.isArray(rec)) { (others ??= newBuilder("", rows)).set(r, rec === undefined ? null : rec); continue; }',
    '  const proto = Object.getPrototypeOf(rec);',
    '  if (proto !== Object.prototype && proto !== null) { reread(rec, r, builders); continue; }',  // class instances: own keys only
    '  let present = 0, v;',
    ...fields.map((f, i) => {
      const key = JSON.stringify(f);
      // A name Object.prototype has (constructor, toString, …) must be an own key to count.
      const read = f in Object.prototype ? `Object.prototype.hasOwnProperty.call(rec, ${key}) ? rec[${key}] : undefined` : `rec[${key}]`;
      return `  v = ${read}; if (typeof v === "number") { t${i}[r] = 1; n${i}[r] = v; present++; } else if (v !== undefined) { b${i}.set(r, v); present++; }`;
    }),
    '  let keys = 0;',
    '  for (const key in rec) keys++;',
    '  if (keys !== present) reread(rec, r, builders);',
    '}',
    'return { columns: builders.map((b) => b.build()), nonObjects: others?.build() };',
  ].join('\n');
  let generated: (records: readonly unknown[], fields: readonly string[], newBuilder: (name: string, rows: number) => ColumnBuilder,
    extras: (record: Record<string, unknown>, row: number, builders: ColumnBuilder[]) => void) => ReturnType<RecordReader>;
  try {
    generated = new Function('records', 'fields', 'newBuilder', 'reread', body) as typeof generated;
  } catch {
    return recordsToColumns;
  }
  return (records) => {
    const extraBuilders = new Map<string, ColumnBuilder>();
    const index = new Map(fields.map((f, i) => [f, i]));
    const result = generated(records, fields, (name, rows) => new ColumnBuilder(name, rows),
      (rec, r, builders) => rereadRecord(rec, r, builders, index, extraBuilders));
    for (const b of extraBuilders.values()) result.columns.push(b.build());
    return result;
  };
}

/**
 * A record whose own enumerable keys are not exactly its schema fields (extra keys, inherited
 * or explicitly undefined properties): its row is cleared and read again as recordsToColumns
 * reads every record, own keys only.
 */
function rereadRecord(record: Record<string, unknown>, row: number, builders: ColumnBuilder[], index: Map<string, number>,
  extraBuilders: Map<string, ColumnBuilder>): void {
  for (const b of builders) b.clear(row);
  for (const key in record) {
    if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
    const i = index.get(key);
    let builder = i === undefined ? extraBuilders.get(key) : builders[i];
    if (!builder) extraBuilders.set(key, (builder = new ColumnBuilder(key, builders[0]?.rows ?? 0)));
    builder.set(row, record[key]);
  }
}
