// Validate and pack a batch in one pass: records in, contiguous input tensors + per-record
// errors out. Valid records keep their order; `row_map` says which record each tensor row holds.
//
// Three input forms, which agree exactly (tests/cpp/test_packer.cpp): JSON array text (flat
// schemas are validated and packed straight from SAX events, with no DOM per record; other
// schemas go through a DOM per record), a DOM array, and typed columns (one tag array and one
// value array per field: what the JS layer builds from plain records without JSON text).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "schema/schema_document.h"

namespace onnx_predict::batch {

using Json = nlohmann::json;

// An allocator whose resize leaves new elements default-initialized (for bytes: unwritten). The
// packer writes every byte it sizes, so a batch's tensor is not cleared first (10,000 iris rows:
// a 160 KB memset per batch, about 3 µs in wasm).
template <class T>
struct DefaultInitAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <class U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};
using TensorBytes = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

struct PackedTensor {
  std::string name;  // model input
  features::DType dtype = features::DType::kFloat32;
  std::vector<int64_t> dims;         // [rows, ...]
  TensorBytes data;                  // numeric tensors: little-endian, row-major
  std::vector<std::string> strings;  // string tensors: row-major
};

struct PackedBatch {
  size_t records = 0;                           // records in the input
  std::vector<PackedTensor> tensors;            // one per binding, in `bind` order
  std::vector<uint32_t> row_map;                // tensor row r holds record row_map[r]
  std::vector<schema::ValidationError> errors;  // loc = [record index, field, ...]; sorted per record
};

// Per-row tags of a column (ColumnView::tags).
enum class Tag : uint8_t {
  kMissing = 0,  // the record has no such key
  kNumber = 1,   // numbers[row]
  kFalse = 2,
  kTrue = 3,
  kNull = 4,
  kString = 5,   // the UTF-8 bytes ColumnView::text(row)
  kJson = 6,     // any other value (object, array), as JSON text (ColumnView::text(row))
};

// One field across all rows. Views: the caller keeps the arrays alive during the call.
struct ColumnView {
  std::string_view name;
  std::span<const uint8_t> tags;             // rows entries (Tag values)
  std::span<const double> numbers;           // rows entries (read where tag is kNumber), or empty
  // The texts of the kString and kJson rows, as entries: entry e is the UTF-8 bytes
  // string_data[string_offsets[e] .. string_offsets[e + 1]). Row r's text is entry string_codes[r],
  // or entry r when string_codes is empty: a column of categories sends each distinct string once
  // plus a code per row. string_offsets is empty when no row is a string.
  std::span<const uint32_t> string_offsets;  // entries + 1 offsets (rows + 1 without codes)
  std::string_view string_data;
  std::span<const uint32_t> string_codes;    // rows entries, or empty

  // The entries a packer reads for `rows` rows (0 without strings).
  size_t text_entries(size_t rows) const {
    return string_offsets.empty() ? 0 : string_codes.empty() ? rows : string_offsets.size() - 1;
  }
  size_t text_entry(size_t row) const { return string_codes.empty() ? row : string_codes[row]; }
  std::string_view entry_text(size_t e) const {
    return string_data.substr(string_offsets[e], string_offsets[e + 1] - string_offsets[e]);
  }
  std::string_view text(size_t row) const { return entry_text(text_entry(row)); }
};

class Packer {
 public:
  // Keeps a reference to `document`, which must outlive the packer.
  explicit Packer(const schema::SchemaDocument& document);

  // A JSON array of records. Throws Error(kInvalidArgument) when the text is not JSON or not an
  // array (with the byte offset); a record that fails validation is an entry in `errors`.
  // The result is valid until the next call (buffers are reused across calls).
  const PackedBatch& pack_json(std::string_view json_text);
  // The same through a DOM per record even for flat schemas (the reference path for tests).
  const PackedBatch& pack_json_dom(std::string_view json_text);
  // A DOM array of records.
  const PackedBatch& pack_records(const Json& records);
  // Typed columns of `rows` records (flat schemas only; Error(kInvalidArgument) otherwise, or
  // when a column's arrays are shorter than `rows`). Columns named like no field are extra keys.
  // `non_objects` (optional, its name unused) marks the rows that are not objects at all: where
  // its tag is not kMissing, the record is that value (a dict_type error) and `columns` are ignored.
  const PackedBatch& pack_columns(size_t rows, std::span<const ColumnView> columns,
                                  const ColumnView* non_objects = nullptr);

  const schema::SchemaDocument& document() const { return document_; }

 private:
  struct Impl;
  const schema::SchemaDocument& document_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace onnx_predict::batch
