// Reads a model's schema document (docs/schema.md) into the flat field list the form, the model
// card and the batch parser share, and turns text (a form input, a CSV cell) into a record value.
// Everything here is derived from model.schema.document and model.info: no model is special-cased.

const PIXEL = /^pixel_([0-7])_([0-7])$/;

/** Follows a local `$ref` ("#/$defs/Color", "#/definitions/Color"); other refs stay unresolved. */
function deref(node, root, seen = new Set()) {
  if (!node || typeof node !== 'object' || typeof node.$ref !== 'string' || seen.has(node.$ref)) return node;
  if (!node.$ref.startsWith('#')) return node;
  seen.add(node.$ref);
  let target = root;
  for (const part of node.$ref.slice(1).split('/').filter(Boolean)) {
    target = target?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  if (!target) return node;
  const { $ref, ...siblings } = node;  // Pydantic puts title/default/description beside $ref: annotations only
  return { ...deref(target, root, seen), ...siblings };
}

/**
 * One property's schema flattened for display: Optional wrappers (anyOf/oneOf with a null
 * branch, "type": [x, "null"]), single-entry allOf wrappers and local $refs are looked through.
 */
function flatten(schema, root) {
  let node = deref(schema, root);
  let nullable = false;
  for (let depth = 0; depth < 8 && node && typeof node === 'object'; depth++) {
    const union = node.anyOf ?? node.oneOf;
    if (Array.isArray(union)) {
      const rest = union.filter((branch) => deref(branch, root)?.type !== 'null');
      if (rest.length < union.length) nullable = true;
      if (rest.length !== 1) break;
      const { anyOf, oneOf, ...siblings } = node;
      node = { ...deref(rest[0], root), ...siblings };
      continue;
    }
    if (Array.isArray(node.allOf) && node.allOf.length === 1) {
      const { allOf, ...siblings } = node;
      node = { ...deref(allOf[0], root), ...siblings };
      continue;
    }
    break;
  }
  node = node && typeof node === 'object' ? node : {};
  let type = node.type;
  if (Array.isArray(type)) {
    if (type.includes('null')) nullable = true;
    type = type.find((t) => t !== 'null');
  }
  return { node, type, nullable };
}

function kindOf(node, type) {
  if (Array.isArray(node.enum) || node.const !== undefined) return 'enum';
  if (type === 'number' || type === 'integer' || type === 'boolean' || type === 'string' || type === 'array') return type;
  return 'json';
}

/**
 * The record's fields in display order: [{ name, title, description, kind ('number' | 'integer' |
 * 'enum' | 'boolean' | 'string' | 'array' | 'json'), type, options (enum values), minimum, maximum,
 * exclusiveMinimum, exclusiveMaximum, multipleOf, required, nullable, default, schema }].
 */
export function describeFields(model) {
  const input = model.schema.document.input ?? {};
  const root = deref(input, input);
  const properties = root.properties ?? {};
  const required = new Set(root.required ?? []);
  const names = Object.keys(properties);  // model.schema.document keeps the author's order (derived: the signature's)
  return names.map((name) => {
    const { node, type, nullable } = flatten(properties[name], input);
    const field = {
      name,
      title: node.title ?? name,
      description: node.description,
      kind: kindOf(node, type),
      type,
      options: Array.isArray(node.enum) ? node.enum : node.const !== undefined ? [node.const] : undefined,
      minimum: node.minimum,
      maximum: node.maximum,
      exclusiveMinimum: typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum : undefined,
      exclusiveMaximum: typeof node.exclusiveMaximum === 'number' ? node.exclusiveMaximum : undefined,
      multipleOf: node.multipleOf,
      minLength: node.minLength,
      maxLength: node.maxLength,
      pattern: node.pattern,
      required: required.has(name),
      nullable,
      default: node.default,
      schema: node,
    };
    return field;
  });
}

/** The record schema's title and description (a Pydantic model's class name and docstring). */
export function recordTitle(model) {
  const input = model.schema.document.input ?? {};
  return { title: input.title, description: input.description };
}

/** "number · 0 ≤ x ≤ 100", "integer · x > 0", "one of 3", "optional, default 0" */
export function describeRange(field) {
  const low = field.exclusiveMinimum !== undefined ? `${field.exclusiveMinimum} <` : field.minimum !== undefined ? `${field.minimum} ≤` : '';
  const high = field.exclusiveMaximum !== undefined ? `< ${field.exclusiveMaximum}` : field.maximum !== undefined ? `≤ ${field.maximum}` : '';
  if (!low && !high) return '';
  return [low, 'x', high].filter(Boolean).join(' ');
}

/** A short type name for the card and the form hints. */
export function typeLabel(field) {
  if (field.kind === 'enum') return `enum (${field.options.length})`;
  if (field.kind === 'json') return 'JSON';
  return field.type ?? field.kind;
}

/** When the model takes 64 pixels named pixel_R_C (R, C in 0..7): their names by [row][col]. */
export function pixelGrid(fields) {
  if (fields.length !== 64) return undefined;
  const grid = Array.from({ length: 8 }, () => new Array(8));
  for (const f of fields) {
    const m = PIXEL.exec(f.name);
    if (!m || grid[m[1]][m[2]]) return undefined;
    grid[m[1]][m[2]] = f.name;
  }
  return grid;
}

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A form input's or CSV cell's text as the record value for `field` (undefined: leave the field
 * out). Text that does not parse as the field's type is passed on as a string, so the package
 * reports it (float_type, int_type, bool_type…) instead of the demo silently dropping it.
 */
export function coerce(field, text) {
  const raw = String(text ?? '');
  const trimmed = raw.trim();
  if (trimmed === '') return undefined;
  const kind = field?.kind;
  if (kind === 'string') return raw;
  if (kind === 'enum') {
    const match = field.options.find((o) => String(o) === trimmed);
    return match !== undefined ? match : trimmed;
  }
  if (trimmed === 'null') return null;
  if (kind === 'boolean' || (!field && /^(true|false)$/.test(trimmed))) {
    return trimmed === 'true' ? true : trimmed === 'false' ? false : trimmed;
  }
  if (kind === 'number' || kind === 'integer' || !field) return NUMERIC.test(trimmed) ? Number(trimmed) : trimmed;
  try {
    return JSON.parse(trimmed);  // arrays and objects (tensor-bound fields)
  } catch {
    return trimmed;
  }
}

/** The model card's view of a tensor type: "float32 [N, 4]". */
const ELEM_TYPES = { 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 16: 'bfloat16' };

export function tensorTypeLabel(valueInfo) {
  const t = valueInfo.type;
  if (!t) return 'untyped';
  if (t.tensorType) {
    const dims = t.tensorType.shape?.dim?.map((d) => d.dimValue ?? d.dimParam ?? '?');
    return `${ELEM_TYPES[t.tensorType.elemType] ?? `type ${t.tensorType.elemType}`}${dims ? ` [${dims.join(', ')}]` : ''}`;
  }
  if (t.sequenceType) return 'sequence';
  if (t.mapType) return 'map';
  return Object.keys(t)[0]?.replace(/Type$/, '') ?? 'unknown';
}
