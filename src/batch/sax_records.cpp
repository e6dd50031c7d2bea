#include "batch/sax_records.h"

#include <optional>

#include "common/error.h"

namespace onnx_predict::batch {
namespace {

using Json = nlohmann::json;

// SAX handler. Depth 0: before the array; 1: between records; 2: inside a record object. A value
// that is an object/array below that is built by nlohmann's own DOM builder and delivered whole.
class RecordArrayHandler : public nlohmann::json_sax<Json> {
 public:
  explicit RecordArrayHandler(const RecordEvents& events) : events_(events) {}

  bool null() override { return nested_ ? builder_->null() : scalar(Json(nullptr)); }
  bool boolean(bool v) override { return nested_ ? builder_->boolean(v) : scalar(Json(v)); }
  bool number_integer(number_integer_t v) override { return nested_ ? builder_->number_integer(v) : scalar(Json(v)); }
  bool number_unsigned(number_unsigned_t v) override { return nested_ ? builder_->number_unsigned(v) : scalar(Json(v)); }
  bool number_float(number_float_t v, const string_t& s) override { return nested_ ? builder_->number_float(v, s) : scalar(Json(v)); }
  bool string(string_t& v) override { return nested_ ? builder_->string(v) : scalar(Json(std::move(v))); }
  bool binary(binary_t&) override { return fail("binary values are not JSON"); }

  bool start_object(std::size_t n) override {
    if (nested_) return nested_depth_++, builder_->start_object(n);
    if (depth_ == 0) return fail("expected a JSON array of records, found an object");
    if (depth_ == 1) {
      depth_ = 2;
      events_.begin(records_);
      return true;
    }
    return start_nested(&nlohmann::detail::json_sax_dom_parser<Json>::start_object, n);
  }
  bool key(string_t& k) override {
    if (nested_) return builder_->key(k);
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    if (nested_) return end_nested(&nlohmann::detail::json_sax_dom_parser<Json>::end_object);
    depth_ = 1;
    events_.end(records_++);
    return true;
  }
  bool start_array(std::size_t n) override {
    if (nested_) return nested_depth_++, builder_->start_array(n);
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    return start_nested(&nlohmann::detail::json_sax_dom_parser<Json>::start_array, n);
  }
  bool end_array() override {
    if (nested_) return end_nested(&nlohmann::detail::json_sax_dom_parser<Json>::end_array);
    depth_ = 0;  // the end of the records
    return true;
  }
  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = std::string("the records are not valid JSON: ") + e.what();
    error_offset_ = position;
    return false;
  }

  size_t records() const { return records_; }
  const std::string& error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  bool scalar(Json&& value) {
    if (depth_ == 0) return fail("expected a JSON array of records, found a single value");
    deliver(std::move(value));
    return true;
  }

  void deliver(Json&& value) {
    if (depth_ == 2) events_.field(records_, key_, std::move(value));
    else events_.not_object(records_++, std::move(value));
  }

  template <class Start>
  bool start_nested(Start start, std::size_t n) {
    nested_value_ = Json();
    builder_.emplace(nested_value_, false);
    nested_ = true;
    nested_depth_ = 1;
    return ((*builder_).*start)(n);
  }

  template <class End>
  bool end_nested(End end) {
    bool ok = ((*builder_).*end)();
    if (--nested_depth_ == 0) {
      nested_ = false;
      builder_.reset();
      deliver(std::move(nested_value_));
    }
    return ok;
  }

  const RecordEvents& events_;
  int depth_ = 0;
  size_t records_ = 0;
  std::string key_;
  bool nested_ = false;
  size_t nested_depth_ = 0;
  Json nested_value_;
  std::optional<nlohmann::detail::json_sax_dom_parser<Json>> builder_;
  std::string error_;
  size_t error_offset_ = 0;
};

}  // namespace

size_t parse_record_array(std::string_view text, const RecordEvents& events) {
  RecordArrayHandler handler(events);
  bool ok = Json::sax_parse(text, &handler);
  if (!ok) throw Error(ErrorCode::kInvalidArgument, handler.error(), "", handler.error_offset());
  return handler.records();
}

}  // namespace onnx_predict::batch
