// The schema compiler's state, shared by validator_compile.cpp (nodes, references, scalar
// keywords) and validator_compile_structure.cpp (array, object and applicator keywords).
#pragma once

#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "schema/validator_internal.h"

namespace onnx_predict::schema::detail {

bool is_schema(const Json& v);  // an object or a boolean

class Compiler {
 public:
  Compiler(const Json& schema, const ValidatorOptions& options, Compiled& out);
  void run();  // fills the Compiled given to the constructor; throws Error(kSchemaInvalid)

 private:
  // Error(kSchemaInvalid) about `keyword` of the schema at `pointer`.
  [[noreturn]] void fail(const std::string& pointer, std::string_view keyword, const std::string& why) const;
  // The node of a schema location, created (and queued for compilation) on first sight.
  NodeId node_for(const Json& schema, const std::string& base, const std::string& pointer);
  // A subschema found under `keyword` of the node being compiled.
  NodeId child(const Json& sub, const std::string& parent_base, const std::string& pointer, std::string_view keyword);
  std::vector<NodeId> schema_array(const Json& s, const std::string& ptr, std::string_view keyword,
                                   const std::string& base);
  uint64_t non_negative_integer(const Json& v, const std::string& ptr, std::string_view keyword) const;
  uint32_t add_value(const Json& v);
  uint32_t add_string(std::string s);
  uint32_t add_children(const std::vector<NodeId>& ids);
  uint32_t add_regex(const std::string& source, const std::string& pointer, std::string_view keyword);
  void emit(Op op) { c_->ops.push_back(op); }
  void emit_children(OpKind kind, const std::vector<NodeId>& ids);

  void compile_node(NodeId id);
  void compile_ref(const Json& s, const std::string& ptr, const std::string& base);
  // `groups`: keyword_groups(s); a group s has none of is skipped.
  void compile_keywords(const Json& s, const std::string& ptr, const std::string& base, uint32_t groups);
  void compile_type(const Json& s, const std::string& ptr);
  void compile_values(const Json& s, const std::string& ptr);
  void compile_numeric(const Json& s, const std::string& ptr);
  void count(const Json& s, const std::string& ptr, std::string_view keyword, OpKind kind);
  void compile_string(const Json& s, const std::string& ptr);
  // validator_compile_structure.cpp
  void rest_of_items(const Json& sub, const std::string& pointer, std::string_view keyword, const std::string& base,
                     Op& op);
  void compile_array(const Json& s, const std::string& ptr, const std::string& base);
  void compile_object(const Json& s, const std::string& ptr, const std::string& base);
  void compile_members(const Json& s, const std::string& ptr, const std::string& base, const Json* properties);
  void compile_dependencies(const Json& s, const std::string& ptr, const std::string& base);
  void compile_applicators(const Json& s, const std::string& ptr, const std::string& base);

  SchemaIndex index_;
  Compiled* c_;
  std::unordered_map<const Json*, NodeId> ids_;
  std::vector<const Json*> node_schema_;   // per node: the schema it is compiled from
  std::vector<std::string> node_base_;     // per node: the base URI in force inside it
  std::vector<std::string> node_pointer_;  // per node: where it is, for error paths
  std::deque<NodeId> worklist_;
};

// Applicators that evaluate subschemas on the same value must not form a cycle (it would never
// end: {"$ref": "#"}) nor chain deeper than kMaxSchemaDepth. Throws Error(kSchemaInvalid).
void check_in_place_graph(const Compiled& c, const std::vector<const Json*>& node_schema,
                          const std::vector<std::string>& node_pointer);

}  // namespace onnx_predict::schema::detail
