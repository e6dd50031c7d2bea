// The public face of the validator (validator.h); the work happens in validator_compile.cpp and
// validator_run.cpp.
#include "schema/validator.h"

#include "common/error.h"
#include "schema/validator_internal.h"

namespace onnx_predict::schema {

struct Validator::Compiled : detail::Compiled {};

Json ValidationError::to_json() const {
  Json out = Json::object();
  out["type"] = type;
  Json location = Json::array();
  for (const LocItem& item : loc) {
    if (const auto* index = std::get_if<int64_t>(&item)) {
      location.push_back(*index);
    } else {
      location.push_back(std::get<std::string>(item));
    }
  }
  out["loc"] = std::move(location);
  out["msg"] = msg;
  out["input"] = detail::copy_bounded(input, detail::kMaxInputCopyDepth);
  if (!ctx.is_null()) out["ctx"] = ctx;
  return out;
}

Validator Validator::compile(const Json& schema, ValidatorOptions options) {
  auto compiled = std::make_unique<Compiled>();
  detail::compile_schema(schema, options, *compiled);
  return Validator(std::move(compiled));
}

Validator::Validator(std::unique_ptr<Compiled> compiled) : compiled_(std::move(compiled)) {}
Validator::Validator(Validator&&) noexcept = default;
Validator& Validator::operator=(Validator&&) noexcept = default;
Validator::~Validator() = default;

bool Validator::validate(const Json& value, std::vector<ValidationError>& errors, const Loc& prefix) const {
  return detail::run_validation(*compiled_, compiled_->root, value, &errors, prefix);
}

bool Validator::is_valid(const Json& value) const {
  return detail::run_validation(*compiled_, compiled_->root, value, nullptr, {});
}

bool Validator::validate_node(NodeId node, const Json& value, std::vector<ValidationError>& errors,
                              const Loc& loc) const {
  if (node >= compiled_->nodes.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                "node " + std::to_string(node) + " does not belong to this validator (it has " +
                    std::to_string(compiled_->nodes.size()) + " nodes); use the NodeId of its flat_shape()");
  }
  return detail::run_validation(*compiled_, node, value, &errors, loc);
}

const std::optional<FlatShape>& Validator::flat_shape() const { return compiled_->flat; }

const ValidatorOptions& Validator::options() const { return compiled_->options; }

}  // namespace onnx_predict::schema
