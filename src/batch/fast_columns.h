// The fast path of Packer::pack_columns: flat records whose fields are all "simple" numbers,
// integers or booleans (FlatField::simple: a type plus numeric bounds) and whose bindings all
// take those values as they are. Such records are checked and packed straight from the column
// arrays: no JSON value per field, no per-record allocation, column-wise loops the compiler can
// vectorize. Records that fail the check are handed to the general path, which reports their
// errors; the check is exact, so it never sends a valid record there.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "batch/packer.h"

namespace onnx_predict::batch {

class FastColumnPlan {
 public:
  // The plan, or nullopt when some field or binding needs the general path. `field_of[c]` is the
  // flat field index of columns[c] (or SIZE_MAX for a column no field has).
  static std::optional<FastColumnPlan> make(const schema::SchemaDocument& document, std::span<const ColumnView> columns,
                                            const std::vector<size_t>& field_of);

  // valid[r] = 1 when record r passes every field check (and has no forbidden extra key).
  void check(size_t rows, std::vector<uint8_t>& valid) const;
  // Appends record r's row to each tensor (in bind order).
  void append_row(size_t r, std::vector<PackedTensor>& tensors) const;
  // Writes rows 0..rows-1 (all valid) column by column into tensors that are empty.
  void write_all(size_t rows, std::vector<PackedTensor>& tensors) const;

 private:
  struct FieldCheck {
    const ColumnView* column;  // nullptr when no column carries the field
    schema::FlatField::Kind kind;
    bool required;
    bool nullable;
    schema::FlatField::SimpleBounds bounds;
  };
  struct Source {
    const ColumnView* column;  // nullptr: always the fallback
    double fallback;           // the default when absent or null, else NaN
  };
  struct Writer {
    features::DType dtype;
    std::vector<Source> sources;  // one per row element
  };
  std::vector<FieldCheck> checks_;
  std::vector<const ColumnView*> forbidden_extras_;
  std::vector<Writer> writers_;
};

}  // namespace onnx_predict::batch
