#include "batch/packer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <unordered_map>

#include "batch/fast_columns.h"
#include "batch/sax_records.h"
#include "common/error.h"
#include "common/json_text.h"

namespace onnx_predict::batch {

using features::DType;
using features::FeatureColumn;
using features::InputBinding;
using schema::FlatField;
using schema::Loc;
using schema::ValidationError;

struct Packer::Impl {
  const schema::SchemaDocument& doc;
  const schema::FlatShape* flat;             // nullptr when the input schema is not flat
  std::vector<std::vector<size_t>> field_of; // per binding, per column: index into flat->fields
  PackedBatch batch;

  // The record being assembled: one slot per flat field, plus keys the schema does not define.
  std::vector<Json> slots;
  std::vector<bool> present;
  std::vector<std::pair<std::string, Json>> extras;
  std::vector<ValidationError> record_errors;
  std::vector<size_t> missing_errors;  // positions in record_errors of this record's `missing` errors
  std::vector<uint8_t> fast_valid;  // per row, for the columns fast path

  explicit Impl(const schema::SchemaDocument& d) : doc(d), flat(d.validator.flat_shape() ? &*d.validator.flat_shape() : nullptr) {
    if (flat) field_by_name = schema::fields_by_name(*flat);
    for (const InputBinding& b : doc.bind) {
      std::vector<size_t> indices;
      for (const FeatureColumn& c : b.columns) indices.push_back(field_index(c.field));
      field_of.push_back(std::move(indices));
    }
    if (flat) {
      slots.resize(flat->fields.size());
      present.resize(flat->fields.size());
    }
  }

  std::unordered_map<std::string_view, size_t> field_by_name;  // views of flat->fields' names

  size_t field_index(std::string_view name) const {
    auto it = field_by_name.find(name);
    return it == field_by_name.end() ? std::numeric_limits<size_t>::max() : it->second;
  }

  // True when `value` certainly passes a simple field (FlatField::simple): a finite number
  // within its bounds, converted to double exactly. Anything else goes to the field's validator.
  static bool passes_simple(const FlatField& f, const Json& value) {
    if (!f.simple || f.kind == FlatField::Kind::kBoolean) return f.simple && value.is_boolean();
    double v;
    if (value.is_number_float()) v = value.get<double>();
    else if (value.is_number_integer() && std::abs(value.get<double>()) < 0x1p53) v = value.get<double>();
    else return false;
    return std::isfinite(v) && f.simple->admits(v) && (f.kind != FlatField::Kind::kInteger || v == std::floor(v));
  }

  void begin_batch() {
    batch.records = 0;
    batch.row_map.clear();
    batch.errors.clear();
    batch.tensors.resize(doc.bind.size());
    for (size_t i = 0; i < doc.bind.size(); ++i) {
      PackedTensor& t = batch.tensors[i];
      t.name = doc.bind[i].input;
      t.dtype = doc.bind[i].dtype;
      t.data.clear();
      t.strings.clear();
      t.dims.clear();
    }
  }

  void end_batch() {
    int64_t rows = static_cast<int64_t>(batch.row_map.size());
    for (size_t i = 0; i < doc.bind.size(); ++i) {
      const InputBinding& b = doc.bind[i];
      std::vector<int64_t>& dims = batch.tensors[i].dims;
      dims = {rows};
      if (b.form == InputBinding::Form::kTensor) dims.insert(dims.end(), b.element_shape.begin(), b.element_shape.end());
      else if (b.form == InputBinding::Form::kFeatures || b.rank == 2) dims.push_back(static_cast<int64_t>(b.width()));
    }
  }

  void clear_record() {
    std::fill(present.begin(), present.end(), false);
    extras.clear();
    record_errors.clear();
  }

  // The record as a JSON object, for the `input` of a `missing` error (what Pydantic reports).
  Json record_object() const {
    Json object = Json::object();
    for (size_t i = 0; i < slots.size(); ++i) {
      if (present[i]) object[flat->fields[i].name] = slots[i];
    }
    for (const auto& [key, value] : extras) object[key] = value;
    return object;
  }

  Loc field_loc{int64_t{0}, std::string()};  // [record, field], reused so that valid fields allocate nothing

  // Validates the assembled flat record field by field, as the root schema would.
  void validate_flat_record(size_t index) {
    for (const auto& [key, value] : extras) {
      if (!flat->additional_properties) {
        record_errors.push_back({"extra_forbidden", Loc{static_cast<int64_t>(index), key}, "Extra inputs are not permitted", value, Json()});
      }
    }
    missing_errors.clear();
    for (size_t i = 0; i < flat->fields.size(); ++i) {
      const FlatField& f = flat->fields[i];
      if (present[i]) {
        if (passes_simple(f, slots[i])) continue;
        field_loc[0] = static_cast<int64_t>(index);
        std::get<std::string>(field_loc[1]).assign(f.name);
        doc.validator.validate_node(f.node, slots[i], record_errors, field_loc);
      } else if (f.required) {
        missing_errors.push_back(record_errors.size());
        record_errors.push_back({"missing", Loc{static_cast<int64_t>(index), f.name}, "Field required", Json(), Json()});
      }
    }
    // Each `missing` error's input is the record: built once, copied for all but the last, which
    // takes it (one copy fewer per record: most invalid records miss one field).
    if (missing_errors.empty()) return;
    Json object = record_object();
    for (size_t k = 0; k + 1 < missing_errors.size(); ++k) record_errors[missing_errors[k]].input = object;
    record_errors[missing_errors.back()].input = std::move(object);
  }

  // Sorts this record's errors into a canonical order and either moves them to the batch or,
  // when there are none, packs the record's row. Returns whether the record was packed.
  void finish_record(size_t index, const Json* dom_record) {
    if (record_errors.size() > 1) std::stable_sort(record_errors.begin(), record_errors.end(),
                     [](const ValidationError& a, const ValidationError& b) { return std::tie(a.loc, a.type) < std::tie(b.loc, b.type); });
    if (record_errors.size() > doc.validator.options().max_errors) record_errors.resize(doc.validator.options().max_errors);
    if (record_errors.empty()) pack_row(index, dom_record);
    for (ValidationError& e : record_errors) batch.errors.push_back(std::move(e));
    record_errors.clear();
  }

  // ---- writing one row ----

  static void append_scalar(PackedTensor& t, double value) {
    size_t at = t.data.size();
    switch (t.dtype) {
      case DType::kFloat32: { float v = static_cast<float>(value); t.data.resize(at + 4); std::memcpy(&t.data[at], &v, 4); break; }
      case DType::kFloat64: { t.data.resize(at + 8); std::memcpy(&t.data[at], &value, 8); break; }
      case DType::kInt64: { int64_t v = static_cast<int64_t>(value); t.data.resize(at + 8); std::memcpy(&t.data[at], &v, 8); break; }
      case DType::kInt32: { int32_t v = static_cast<int32_t>(value); t.data.resize(at + 4); std::memcpy(&t.data[at], &v, 4); break; }
      case DType::kBool: t.data.push_back(value != 0 ? 1 : 0); break;
      case DType::kString: break;
    }
  }
  static void append_int(PackedTensor& t, int64_t value) {
    size_t at = t.data.size();
    if (t.dtype == DType::kInt64) { t.data.resize(at + 8); std::memcpy(&t.data[at], &value, 8); }
    else append_scalar(t, static_cast<double>(value));
  }

  // Appends one scalar JSON value; false when it cannot go into this tensor.
  static bool append_value(PackedTensor& t, const Json& v) {
    if (t.dtype == DType::kString) {
      if (!v.is_string()) return false;
      t.strings.push_back(v.get<std::string>());
      return true;
    }
    if (v.is_boolean()) append_scalar(t, v.get<bool>() ? 1 : 0);
    else if (v.is_number_integer()) append_int(t, v.get<int64_t>());  // exact int64, not through double
    else if (v.is_number()) append_scalar(t, v.get<double>());
    else return false;
    return true;
  }

  // Writes one column's slots for a value (present and not null) or its default / NaN / zeros.
  bool append_column(PackedTensor& t, const FeatureColumn& c, const Json* value, size_t index) {
    const Json* v = value && !value->is_null() ? value : (c.default_value ? &*c.default_value : nullptr);
    if (c.encoding == FeatureColumn::Encoding::kValue) {
      if (!v) { append_scalar(t, std::numeric_limits<double>::quiet_NaN()); return true; }
      return append_value(t, *v);
    }
    size_t category = c.categories.size();
    if (v) {
      if (v->is_string()) category = static_cast<size_t>(std::find(c.categories.begin(), c.categories.end(), v->get_ref<const std::string&>()) - c.categories.begin());
      if (category == c.categories.size()) {
        std::string expected;
        for (size_t i = 0; i < c.categories.size(); ++i) {
          expected += (i == 0 ? "'" : i + 1 == c.categories.size() ? " or '" : ", '") + c.categories[i] + "'";
        }
        record_errors.push_back({"enum", Loc{static_cast<int64_t>(index), c.field}, "Input should be " + expected, *v, Json{{"expected", expected}}});
        return false;
      }
    }
    if (c.encoding == FeatureColumn::Encoding::kOrdinal) {
      append_scalar(t, category == c.categories.size() ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(category));
    } else {
      for (size_t i = 0; i < c.categories.size(); ++i) append_scalar(t, i == category ? 1 : 0);
    }
    return true;
  }

  // Flattens a nested array of the binding's element shape; false on a shape or type mismatch.
  static bool append_tensor(PackedTensor& t, const Json& value, const std::vector<int64_t>& shape, size_t axis) {
    if (axis == shape.size()) return append_value(t, value);
    if (!value.is_array() || static_cast<int64_t>(value.size()) != shape[axis]) return false;
    for (const Json& element : value) {
      if (!append_tensor(t, element, shape, axis + 1)) return false;
    }
    return true;
  }

  std::vector<size_t> data_sizes, string_sizes;  // tensor sizes before the row, to roll back a half-written row

  void pack_row(size_t index, const Json* dom_record) {
    data_sizes.clear();
    string_sizes.clear();
    for (const PackedTensor& t : batch.tensors) data_sizes.push_back(t.data.size()), string_sizes.push_back(t.strings.size());
    bool ok = true;
    for (size_t i = 0; ok && i < doc.bind.size(); ++i) {
      const InputBinding& b = doc.bind[i];
      PackedTensor& t = batch.tensors[i];
      if (b.form == InputBinding::Form::kTensor) {
        const Json* value = dom_record && dom_record->is_object() && dom_record->contains(b.tensor_field) ? &(*dom_record)[b.tensor_field] : nullptr;
        if (!value || !append_tensor(t, *value, b.element_shape, 0)) {
          std::string shape;
          for (int64_t d : b.element_shape) shape += (shape.empty() ? "" : ", ") + std::to_string(d);
          record_errors.push_back({"tensor_shape", Loc{static_cast<int64_t>(index), b.tensor_field},
                                   "Input should be nested arrays of numbers of shape [" + shape + "]",
                                   value ? *value : Json(), Json{{"shape", b.element_shape}}});
          ok = false;
        }
        continue;
      }
      for (size_t c = 0; ok && c < b.columns.size(); ++c) {
        size_t f = field_of[i][c];
        ok = append_column(t, b.columns[c], present[f] ? &slots[f] : nullptr, index);
      }
    }
    if (!ok) {
      for (size_t i = 0; i < batch.tensors.size(); ++i) {
        batch.tensors[i].data.resize(data_sizes[i]);
        batch.tensors[i].strings.resize(string_sizes[i]);
      }
      return;
    }
    batch.row_map.push_back(static_cast<uint32_t>(index));
  }

  // ---- the DOM path ----

  void pack_dom_record(size_t index, const Json& record) {
    clear_record();
    if (!doc.validator.validate(record, record_errors, Loc{static_cast<int64_t>(index)})) {
      finish_record(index, &record);
      return;
    }
    if (flat && record.is_object()) {
      for (size_t i = 0; i < flat->fields.size(); ++i) {
        auto it = record.find(flat->fields[i].name);
        if (it != record.end()) slots[i] = *it, present[i] = true;
      }
    }
    finish_record(index, &record);
  }
};

Packer::Packer(const schema::SchemaDocument& document) : document_(document), impl_(std::make_shared<Impl>(document)) {}

const PackedBatch& Packer::pack_records(const Json& records) {
  if (!records.is_array()) throw Error(ErrorCode::kInvalidArgument, "expected an array of records");
  Impl& s = *impl_;
  s.begin_batch();
  s.batch.records = records.size();
  for (size_t i = 0; i < records.size(); ++i) s.pack_dom_record(i, records[i]);
  s.end_batch();
  return s.batch;
}

const PackedBatch& Packer::pack_json_dom(std::string_view json_text) {
  Json records = parse_json_text(json_text, ErrorCode::kInvalidArgument, "the records");
  return pack_records(records);
}

const PackedBatch& Packer::pack_json(std::string_view json_text) {
  Impl& s = *impl_;
  if (!s.flat) return pack_json_dom(json_text);
  s.begin_batch();
  RecordEvents events{
      .begin = [&](size_t) { s.clear_record(); },
      .field = [&](size_t, std::string& key, Json&& value) {
        // A repeated key: the last one wins, as in the DOM.
        size_t f = s.field_index(key);
        if (f != std::numeric_limits<size_t>::max()) {
          s.slots[f] = std::move(value);
          s.present[f] = true;
          return;
        }
        for (auto& [k, v] : s.extras) {
          if (k == key) { v = std::move(value); return; }
        }
        s.extras.emplace_back(key, std::move(value));
      },
      .end = [&](size_t index) {
        s.validate_flat_record(index);
        s.finish_record(index, nullptr);
      },
      .not_object = [&](size_t index, Json&& value) {
        s.clear_record();
        s.record_errors.push_back({"dict_type", Loc{static_cast<int64_t>(index)}, "Input should be a valid dictionary", std::move(value), Json()});
        s.finish_record(index, nullptr);
      },
  };
  s.batch.records = parse_record_array(json_text, events);
  s.end_batch();
  return s.batch;
}

namespace {

// Checks that a column's arrays cover `rows` rows and its offsets stay inside its data.
// Checks a column's arrays against `rows`; returns whether every row is a number (the fast path
// then reads no tag of that column again).
bool check_column(const ColumnView& col, size_t rows) {
  auto fail = [&](const char* what) { throw Error(ErrorCode::kInvalidArgument, "column '" + std::string(col.name) + "' " + what); };
  if (col.tags.size() < rows) fail("has fewer tags than rows");
  // One branch-free pass over the tags (this runs on every column of every batch).
  uint8_t max_tag = 0, all_numbers = 1, any_number = 0, any_string = 0;
  const uint8_t* tags = col.tags.data();
  for (size_t r = 0; r < rows; ++r) {
    uint8_t t = tags[r];
    max_tag = std::max(max_tag, t);
    all_numbers &= t == static_cast<uint8_t>(Tag::kNumber);
    any_number |= t == static_cast<uint8_t>(Tag::kNumber);
    any_string |= (t == static_cast<uint8_t>(Tag::kString)) | (t == static_cast<uint8_t>(Tag::kJson));
  }
  if (max_tag > static_cast<uint8_t>(Tag::kJson)) fail("has an unknown tag");
  if (any_number && col.numbers.size() < rows) fail("has fewer numbers than rows");
  if (!any_string) return all_numbers;
  if (col.string_codes.empty()) {
    if (col.string_offsets.size() < rows + 1) fail("needs rows + 1 string offsets");
  } else {
    if (col.string_codes.size() < rows) fail("has fewer string codes than rows");
    if (col.string_offsets.empty()) fail("has string codes but no string offsets");
    const size_t entries = col.string_offsets.size() - 1;
    uint8_t outside = 0;  // a text row whose code names no entry (other rows' codes are not read)
    for (size_t r = 0; r < rows; ++r) {
      const uint8_t t = tags[r];
      const bool text = (t == static_cast<uint8_t>(Tag::kString)) | (t == static_cast<uint8_t>(Tag::kJson));
      outside |= static_cast<uint8_t>(text & (col.string_codes[r] >= entries));
    }
    if (outside) fail("has a string code outside its string offsets");
  }
  for (size_t e = 0, entries = col.text_entries(rows); e < entries; ++e) {
    if (col.string_offsets[e] > col.string_offsets[e + 1] || col.string_offsets[e + 1] > col.string_data.size()) {
      fail("has string offsets outside its data");
    }
  }
  return false;
}

// The value of row `r` of a checked column (kMissing gives a discarded value).
Json column_value(const ColumnView& col, size_t r) {
  auto text = [&] { return col.text(r); };
  switch (static_cast<Tag>(col.tags[r])) {
    case Tag::kMissing: return Json(Json::value_t::discarded);
    case Tag::kNumber: return col.numbers[r];
    case Tag::kFalse: return false;
    case Tag::kTrue: return true;
    case Tag::kNull: return nullptr;
    case Tag::kString: return std::string(text());
    case Tag::kJson: {
      Json value = Json::parse(text(), nullptr, false);
      if (value.is_discarded()) throw Error(ErrorCode::kInvalidArgument, "row " + std::to_string(r) + " of column '" + std::string(col.name) + "' is tagged JSON but is not JSON");
      return value;
    }
  }
  return Json(Json::value_t::discarded);
}

}  // namespace

const PackedBatch& Packer::pack_columns(size_t rows, std::span<const ColumnView> columns, const ColumnView* non_objects) {
  Impl& s = *impl_;
  if (!s.flat) throw Error(ErrorCode::kInvalidArgument, "columns need an input schema of scalar fields (a flat object)");
  std::vector<size_t> field(columns.size());
  std::vector<uint8_t> all_numbers(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    all_numbers[c] = check_column(columns[c], rows);
    field[c] = s.field_index(columns[c].name);
  }
  if (non_objects) check_column(*non_objects, rows);
  s.begin_batch();
  s.batch.records = rows;

  // The general path for one record: JSON values per field, the field validators, pack_row.
  auto general_row = [&](size_t r) {
    s.clear_record();
    if (non_objects && non_objects->tags[r] != static_cast<uint8_t>(Tag::kMissing)) {
      s.record_errors.push_back({"dict_type", Loc{static_cast<int64_t>(r)}, "Input should be a valid dictionary", column_value(*non_objects, r), Json()});
      s.finish_record(r, nullptr);
      return;
    }
    for (size_t c = 0; c < columns.size(); ++c) {
      Json value = column_value(columns[c], r);
      if (value.is_discarded()) continue;
      if (field[c] == std::numeric_limits<size_t>::max()) {
        s.extras.emplace_back(std::string(columns[c].name), std::move(value));
      } else {
        s.slots[field[c]] = std::move(value);
        s.present[field[c]] = true;
      }
    }
    s.validate_flat_record(r);
    s.finish_record(r, nullptr);
  };

  std::optional<FastColumnPlan> fast = FastColumnPlan::make(document_, columns, field, all_numbers);
  if (!fast) {
    for (size_t r = 0; r < rows; ++r) general_row(r);
    s.end_batch();
    return s.batch;
  }
  // Every record valid, as whole-column reductions show (the common case), or else row by row.
  bool all_valid = !non_objects && fast->all_valid(rows);
  if (!all_valid) {
    fast->check(rows, s.fast_valid);
    if (non_objects) {
      for (size_t r = 0; r < rows; ++r) s.fast_valid[r] &= non_objects->tags[r] == static_cast<uint8_t>(Tag::kMissing);
    }
    all_valid = static_cast<size_t>(std::count(s.fast_valid.begin(), s.fast_valid.end(), uint8_t{1})) == rows;
  }
  if (all_valid) {
    fast->write(rows, nullptr, s.batch.tensors);
    s.batch.row_map.resize(rows);
    for (size_t r = 0; r < rows; ++r) s.batch.row_map[r] = static_cast<uint32_t>(r);
  } else {
    // The valid records column by column (appended row by row, an iris batch with 1% invalid
    // records took 20-30 ns more per record), then the general path for the others, which
    // reports their errors.
    for (size_t r = 0; r < rows; ++r) {
      if (s.fast_valid[r]) s.batch.row_map.push_back(static_cast<uint32_t>(r));
    }
    const size_t valid = s.batch.row_map.size();
    fast->write(rows, &s.batch.row_map, s.batch.tensors);
    for (size_t r = 0; r < rows; ++r) {
      if (!s.fast_valid[r]) general_row(r);
    }
    // The check is exact: a record it fails has errors, so the general path packs none of them
    // (one packed here would sit after the others, out of record order).
    if (s.batch.row_map.size() != valid) throw Error(ErrorCode::kInternal, "the fast column check failed a valid record");
  }
  s.end_batch();
  return s.batch;
}

}  // namespace onnx_predict::batch
