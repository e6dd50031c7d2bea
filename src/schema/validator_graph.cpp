// The in-place applicator graph of a compiled schema: $ref, allOf, anyOf, oneOf, not, if/then/else
// and schema dependencies apply subschemas to the same value, so a cycle among them would loop
// forever and a long chain would make the evaluator's frame stack long. Both are refused.
#include <algorithm>

#include "common/error.h"
#include "schema/json_pointer.h"
#include "schema/validator_compiler.h"

namespace onnx_predict::schema::detail {
namespace {

void report_cycle(const std::vector<const Json*>& node_schema, const std::vector<std::string>& node_pointer,
                  const std::vector<std::pair<NodeId, size_t>>& path, NodeId target) {
  std::string cycle;
  size_t first = 0;
  while (path[first].first != target) ++first;
  for (size_t i = first; i < path.size(); ++i)
    cycle += (node_pointer[path[i].first].empty() ? "#" : node_pointer[path[i].first]) + " → ";
  cycle += node_pointer[target].empty() ? "#" : node_pointer[target];
  NodeId closing = path.back().first;
  std::string where = node_pointer[closing];
  if (node_schema[closing]->is_object() && node_schema[closing]->contains("$ref"))
    where = append_pointer(where, "$ref");
  throw Error(ErrorCode::kSchemaInvalid,
              "$ref/applicator cycle that never descends into the value (" + cycle +
                  "): validation would never end. Put the recursion under properties/items, or remove it",
              where);
}

}  // namespace

void check_in_place_graph(const Compiled& c, const std::vector<const Json*>& node_schema,
                          const std::vector<std::string>& node_pointer) {
  const size_t n = c.nodes.size();
  std::vector<std::vector<NodeId>> edges(n);
  for (size_t v = 0; v < n; ++v) {
    for (uint32_t i = c.nodes[v].ops_begin; i < c.nodes[v].ops_end; ++i) {
      const Op& op = c.ops[i];
      auto add = [&](NodeId t) {
        if (t != kNoNode) edges[v].push_back(t);
      };
      switch (op.kind) {
        case OpKind::kAllOf:
        case OpKind::kAnyOf:
        case OpKind::kOneOf:
          for (uint32_t k = op.begin; k < op.end; ++k) add(c.children[k]);
          break;
        case OpKind::kNullable:
        case OpKind::kNot: add(op.a); break;
        case OpKind::kIf: add(op.a), add(op.b), add(op.c); break;
        case OpKind::kDependentSchema: add(op.b); break;
        default: break;
      }
    }
  }
  std::vector<uint8_t> color(n, 0);  // 0 unvisited, 1 on the path, 2 done
  std::vector<size_t> longest(n, 0);
  std::vector<std::pair<NodeId, size_t>> path;
  for (NodeId start = 0; start < n; ++start) {
    if (color[start] != 0) continue;
    color[start] = 1;
    path.push_back({start, 0});
    while (!path.empty()) {
      auto& [v, next] = path.back();
      if (next < edges[v].size()) {
        NodeId t = edges[v][next++];
        if (color[t] == 1) report_cycle(node_schema, node_pointer, path, t);
        if (color[t] == 0) {
          color[t] = 1;
          path.push_back({t, 0});
        } else {
          longest[v] = std::max(longest[v], longest[t] + 1);
        }
        continue;
      }
      color[v] = 2;
      if (longest[v] > kMaxSchemaDepth) {
        throw Error(ErrorCode::kSchemaInvalid,
                    "allOf/anyOf/oneOf/not/if/$ref chain more than " + std::to_string(kMaxSchemaDepth) +
                        " subschemas deep on the same value; flatten the schema",
                    node_pointer[v]);
      }
      size_t done = longest[v];
      path.pop_back();
      if (!path.empty()) longest[path.back().first] = std::max(longest[path.back().first], done + 1);
    }
  }
}

}  // namespace onnx_predict::schema::detail
