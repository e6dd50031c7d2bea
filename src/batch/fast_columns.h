// The fast path of Packer::pack_columns: flat records whose fields are all "simple" numbers,
// integers or booleans (FlatField::simple: a type plus numeric bounds) or string enums
// (FlatField::simple_enum), bound as values (numbers) or one_hot/ordinal (enums). Such records are checked and packed straight from the column
// arrays: no JSON value per field, no per-record allocation, column-wise loops the compiler can
// vectorize. Records that fail the check are handed to the general path, which reports their
// errors; the check is exact, so it never sends a valid record there.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "batch/packer.h"

namespace onnx_predict::batch {

class FastColumnPlan {
 public:
  // The plan, or nullopt when some field or binding needs the general path. `field_of[c]` is the
  // flat field index of columns[c] (or SIZE_MAX for a column no field has); all_numbers[c] says
  // whether every row of columns[c] is a number (with its numbers present).
  static std::optional<FastColumnPlan> make(const schema::SchemaDocument& document, std::span<const ColumnView> columns,
                                            const std::vector<size_t>& field_of, const std::vector<uint8_t>& all_numbers);

  // Whether every record passes every field check, answered by whole-column reductions alone:
  // true only when every field's column is all numbers within its bounds (no enum, boolean,
  // absent field or forbidden extra key to look at row by row). Then `check` need not run.
  bool all_valid(size_t rows) const;
  // valid[r] = 1 when record r passes every field check (and has no forbidden extra key).
  // Also records each enum field's value per row, which the writers read.
  void check(size_t rows, std::vector<uint8_t>& valid);
  // Writes rows column by column into tensors that are empty: all rows 0..rows-1 (every one
  // valid), or, given `keep`, the rows it lists (ascending: after check, the valid ones).
  void write(size_t rows, const std::vector<uint32_t>* keep, std::vector<PackedTensor>& tensors) const;

 private:
  static constexpr uint32_t kNoValue = UINT32_MAX;  // an enum field absent or null in a row
  static constexpr uint32_t kUnmatched = UINT32_MAX - 1;  // EnumField::entries: not looked up yet
  static constexpr size_t kScannedEnum = 8;         // enums of at most this many strings are scanned, not hashed
  struct EnumField {
    std::vector<std::string_view> values;                   // the enum strings, in order
    std::unordered_map<std::string_view, uint32_t> index;  // enum string → its position, for long enums
    std::vector<uint32_t> entries;                          // per text entry of the column: its position, kNoValue or kUnmatched
    std::vector<uint32_t> rows;                             // per row: that position, or kNoValue
    // The position of `value` among the enum strings, or kNoValue. Short enums are scanned: for a
    // few strings, comparing beats hashing (iris_petal_width, 3 species: pack 22 -> 17 ns per row).
    uint32_t find(std::string_view value) const;
  };
  struct FieldCheck {
    const ColumnView* column;  // nullptr when no column carries the field
    bool all_numbers;          // every row of column is a number
    schema::FlatField::Kind kind;
    bool required;
    bool nullable;
    schema::FlatField::SimpleBounds bounds;
    size_t enum_field;  // index in enums_ for a simple_enum field, else SIZE_MAX
  };
  struct Source {
    features::FeatureColumn::Encoding encoding;
    const ColumnView* column;  // kValue: nullptr means always the fallback
    bool all_numbers;          // every row of column is a number
    double fallback;           // kValue: the default when absent or null, else NaN
    size_t enum_field;         // kOneHot, kOrdinal: index in enums_
    std::vector<uint32_t> category_of;  // kOneHot, kOrdinal: enum position → category index
    uint32_t fallback_category;         // the default's category, or kNoValue (zeros / NaN)
    size_t width;                       // row elements written: categories for kOneHot, else 1
  };
  struct Writer {
    features::DType dtype;
    std::vector<Source> sources;  // side by side in each row
  };
  // Whether every source of `writer` is a value whose rows are all numbers.
  static bool dense_numbers(const Writer& writer);
  // Writes one source's elements of row r at `out` (elements of `size` bytes).
  void write_source(const Source& s, features::DType dtype, size_t r, uint8_t* out, size_t size) const;

  std::vector<EnumField> enums_;
  std::vector<FieldCheck> checks_;
  std::vector<const ColumnView*> forbidden_extras_;
  std::vector<Writer> writers_;
};

}  // namespace onnx_predict::batch
