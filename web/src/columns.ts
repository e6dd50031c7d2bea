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
      const encoder = new TextEncoder();
      // `texts` is sparse (rows without a string are holes, which map/forEach skip): Array.from
      // visits every row.
      const parts = Array.from(this.texts, (t) => (t === undefined ? new Uint8Array(0) : encoder.encode(t)));
      const offsets = new Uint32Array(this.rows + 1);
      let total = 0;
      for (let i = 0; i < this.rows; i++) {
        offsets[i] = total;
        total += parts[i].length;
      }
      offsets[this.rows] = total;
      const data = new Uint8Array(total);
      for (let i = 0; i < this.rows; i++) data.set(parts[i], offsets[i]);
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
