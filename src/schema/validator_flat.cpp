// FlatShape: the root seen as a record of scalar fields, read off the compiled nodes. Wrappers
// that Pydantic emits around a field's real schema are looked through: {"$ref": ...} and
// {"allOf": [{"$ref": ...}], "default": ...} (v1 enums and defaults), and
// {"anyOf": [X, {"type": "null"}]} (v2 Optional[X]).
#include <cmath>

#include "schema/validator_internal.h"

namespace onnx_predict::schema::detail {
namespace {

constexpr uint32_t kScalarTypes = kTypeNull | kTypeBoolean | kTypeNumber | kTypeString | kTypeInteger;

struct Unwrapped {
  NodeId node;
  bool allows_null = false;
  std::optional<Json> default_value;
};

// Follows single-child allOf/$ref and Optional wrappers, collecting the outermost `default`.
Unwrapped unwrap(const Compiled& c, const std::vector<const Json*>& node_schema, NodeId node) {
  Unwrapped out{node, false, std::nullopt};
  for (size_t guard = 0; guard <= kMaxSchemaDepth; ++guard) {
    const Json& schema = *node_schema[out.node];
    if (!out.default_value && schema.is_object()) {
      auto it = schema.find("default");
      if (it != schema.end()) out.default_value = copy_bounded(*it, SIZE_MAX);
    }
    const Node& n = c.nodes[out.node];
    if (n.ops_end - n.ops_begin != 1) break;
    const Op& op = c.ops[n.ops_begin];
    if (op.kind == OpKind::kAllOf && op.end - op.begin == 1) {
      out.node = c.children[op.begin];
    } else if (op.kind == OpKind::kNullable) {
      out.allows_null = true;
      out.node = op.a;
    } else {
      break;
    }
  }
  return out;
}

FlatField::Kind kind_of_mask(uint32_t mask) {
  mask &= ~kTypeNull;
  if (mask == kTypeString) return FlatField::Kind::kString;
  if (mask == kTypeBoolean) return FlatField::Kind::kBoolean;
  if (mask == kTypeInteger) return FlatField::Kind::kInteger;
  if (mask == kTypeNumber || mask == (kTypeNumber | kTypeInteger)) return FlatField::Kind::kNumber;
  return FlatField::Kind::kAny;
}

// The kind of values an enum/const admits; nullopt when one of them is not a scalar.
std::optional<FlatField::Kind> kind_of_values(const Json* begin, const Json* end, bool& has_null) {
  uint32_t mask = 0;
  for (const Json* v = begin; v != end; ++v) {
    if (v->is_null()) {
      has_null = true;
    } else if (v->is_boolean()) {
      mask |= kTypeBoolean;
    } else if (v->is_string()) {
      mask |= kTypeString;
    } else if (v->is_number()) {
      mask |= is_integral(*v) ? kTypeInteger : kTypeNumber;
    } else {
      return std::nullopt;
    }
  }
  return kind_of_mask(mask);
}

// Fills `field` from a scalar-only node; false when the node can accept a container.
bool describe_scalar(const Compiled& c, NodeId node, FlatField& field) {
  const Node& n = c.nodes[node];
  bool restricted = false;
  std::optional<FlatField::Kind> from_values;
  const Op* enum_op = nullptr;
  for (uint32_t i = n.ops_begin; i < n.ops_end; ++i) {
    const Op& op = c.ops[i];
    if (!is_leaf(op.kind) || op.kind == OpKind::kFalse) return false;
    if (op.kind == OpKind::kType) {
      if ((op.a & ~kScalarTypes) != 0) return false;
      restricted = true;
      field.kind = kind_of_mask(op.a);
      field.allows_null = field.allows_null || (op.a & kTypeNull) != 0;
    } else if (op.kind == OpKind::kEnum || op.kind == OpKind::kConst) {
      bool has_null = false;
      const Json* begin = op.kind == OpKind::kEnum ? c.values.data() + op.begin : &c.values[op.a];
      const Json* end = op.kind == OpKind::kEnum ? c.values.data() + op.end : begin + 1;
      from_values = kind_of_values(begin, end, has_null);
      if (!from_values) return false;
      field.allows_null = field.allows_null || has_null;
      restricted = true;
      enum_op = &op;
    }
  }
  if (!restricted) return false;
  bool typed = false;
  for (uint32_t i = n.ops_begin; i < n.ops_end; ++i) typed = typed || c.ops[i].kind == OpKind::kType;
  if (!typed && from_values) field.kind = *from_values;
  if (enum_op && enum_op->kind == OpKind::kEnum && field.kind == FlatField::Kind::kString) {
    for (uint32_t i = enum_op->begin; i < enum_op->end; ++i) {
      if (c.values[i].is_string()) field.enum_strings.push_back(c.values[i].get<std::string>());
    }
  }
  return true;
}

// The bound a numeric keyword holds, when it converts to a double exactly (so that comparing
// doubles decides as the validator's exact comparison does).
std::optional<double> exact_double(const Json& bound) {
  if (bound.is_number_float()) return bound.get<double>();
  double d = bound.get<double>();
  if (bound.is_number_unsigned() ? static_cast<double>(bound.get<uint64_t>()) == d && d < 0x1p64 && static_cast<uint64_t>(d) == bound.get<uint64_t>()
                                 : d >= -0x1p63 && d < 0x1p63 && static_cast<int64_t>(d) == bound.get<int64_t>()) {
    return d;
  }
  return std::nullopt;
}

// FlatField::simple for a scalar node whose only ops are its type, kFinite and numeric bounds.
std::optional<FlatField::SimpleBounds> simple_bounds(const Compiled& c, NodeId node, FlatField::Kind kind) {
  if (kind != FlatField::Kind::kNumber && kind != FlatField::Kind::kInteger && kind != FlatField::Kind::kBoolean) return std::nullopt;
  FlatField::SimpleBounds bounds;
  const Node& n = c.nodes[node];
  for (uint32_t i = n.ops_begin; i < n.ops_end; ++i) {
    const Op& op = c.ops[i];
    std::optional<double> bound;
    switch (op.kind) {
      case OpKind::kType:
      case OpKind::kFinite:
        continue;
      case OpKind::kMinimum:
      case OpKind::kMaximum:
      case OpKind::kExclusiveMinimum:
      case OpKind::kExclusiveMaximum:
        bound = exact_double(c.values[op.a]);
        if (!bound) return std::nullopt;
        break;
      default:
        return std::nullopt;  // enum, const, multipleOf, ...: the full validator decides
    }
    if (op.kind == OpKind::kMinimum || op.kind == OpKind::kExclusiveMinimum) {
      bool exclusive = op.kind == OpKind::kExclusiveMinimum;
      if (*bound > bounds.minimum || (*bound == bounds.minimum && exclusive)) bounds.minimum = *bound, bounds.exclusive_minimum = exclusive;
    } else {
      bool exclusive = op.kind == OpKind::kExclusiveMaximum;
      if (*bound < bounds.maximum || (*bound == bounds.maximum && exclusive)) bounds.maximum = *bound, bounds.exclusive_maximum = exclusive;
    }
  }
  return bounds;
}

// FlatField::simple_enum: the node is an enum of strings, optionally with "type": "string", and
// nothing else (no null among the values: null can only come through an Optional wrapper).
bool simple_string_enum(const Compiled& c, NodeId node) {
  const Node& n = c.nodes[node];
  bool has_enum = false;
  for (uint32_t i = n.ops_begin; i < n.ops_end; ++i) {
    const Op& op = c.ops[i];
    if (op.kind == OpKind::kType && op.a == kTypeString) continue;
    if (op.kind != OpKind::kEnum) return false;
    for (uint32_t v = op.begin; v < op.end; ++v) {
      if (!c.values[v].is_string()) return false;
    }
    has_enum = true;
  }
  return has_enum;
}

}  // namespace

std::optional<FlatShape> compute_flat_shape(const Compiled& c, const std::vector<const Json*>& node_schema) {
  NodeId root = unwrap(c, node_schema, c.root).node;
  const Node& n = c.nodes[root];
  FlatShape shape;
  const Op* fields_op = nullptr;
  for (uint32_t i = n.ops_begin; i < n.ops_end; ++i) {
    const Op& op = c.ops[i];
    switch (op.kind) {
      case OpKind::kType:
        if (op.a != kTypeObject) return std::nullopt;
        break;
      case OpKind::kFields: fields_op = &op; break;
      case OpKind::kMembers:
        if (op.begin != op.end || op.a != kNoNode) return std::nullopt;  // patterns or an additionalProperties schema
        shape.additional_properties = op.b == 0;
        break;
      default: return std::nullopt;
    }
  }
  if (fields_op == nullptr) return std::nullopt;
  for (uint32_t i = fields_op->begin; i < fields_op->end; ++i) {
    const Field& f = c.fields[i];
    if (f.child == kNoNode) return std::nullopt;  // required, but no schema: anything goes
    Unwrapped inner = unwrap(c, node_schema, f.child);
    FlatField field;
    field.name = c.strings[f.name];
    field.node = f.child;
    field.required = f.required;
    field.allows_null = inner.allows_null;
    field.default_value = std::move(inner.default_value);
    if (!describe_scalar(c, inner.node, field)) return std::nullopt;
    field.simple = simple_bounds(c, inner.node, field.kind);
    field.simple_enum = field.kind == FlatField::Kind::kString && simple_string_enum(c, inner.node);
    shape.fields.push_back(std::move(field));
  }
  return shape;
}

}  // namespace onnx_predict::schema::detail

namespace onnx_predict::schema {

std::unordered_map<std::string_view, size_t> fields_by_name(const FlatShape& shape) {
  std::unordered_map<std::string_view, size_t> index;
  for (size_t i = 0; i < shape.fields.size(); ++i) index.emplace(shape.fields[i].name, i);
  return index;
}

}  // namespace onnx_predict::schema
