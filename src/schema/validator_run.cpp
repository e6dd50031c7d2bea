// The evaluator: an explicit stack of frames (one per subschema being applied to a value) on the
// heap, so neither deep values nor long $ref chains touch the machine stack (WebAssembly stacks
// can be 64 KiB). A frame runs its node's ops in order; an applicator op pushes a child frame and
// resumes when the child's verdict arrives.
//
// Errors are collected only in "collect" frames; anyOf/oneOf/not/if/contains/propertyNames
// evaluate their subschemas without collecting (only the verdict matters there), so a failure in
// a collecting frame always makes the whole value invalid: once max_errors errors exist the run
// stops with verdict false.
#include <algorithm>
#include <deque>
#include <unordered_map>

#include "schema/validator_internal.h"

namespace onnx_predict::schema::detail {
namespace {

class Runner final : public ErrorSink {
 public:
  Runner(const Compiled& c, std::vector<ValidationError>* errors, const Loc& prefix)
      : c_(c), errors_(errors), prefix_(prefix), first_error_(errors ? errors->size() : 0) {}

  bool run(NodeId node, const Json& value) {
    push_frame(node, &value, 0, errors_ != nullptr, LocStep{nullptr, -1});
    bool verdict = true;
    while (!stack_.empty()) {
      Frame& f = stack_.back();
      if (step(f) == Step::kPushed) continue;
      verdict = f.valid && !aborted_;
      if (frames_ > kMemoAfterFrames && !f.ephemeral && !aborted_ && (verdict || !f.collect)) {
        memo_.emplace(MemoKey{f.value, f.node}, verdict);
      }
      stack_.pop_back();
      if (aborted_) return false;
      if (!stack_.empty()) {
        stack_.back().has_child = true;
        stack_.back().child_valid = verdict;
      }
    }
    return verdict;
  }

  void add(std::string_view type, std::string msg, Json ctx, const Json& input, const std::string* extra) override {
    add_error(type, std::move(msg), std::move(ctx), input, extra, -1);
  }

 private:
  enum class Step { kPushed, kDone };

  // The step from the parent's value to this frame's value, for error locations.
  struct LocStep {
    const std::string* key = nullptr;
    int64_t index = -1;
  };

  struct Frame {
    const Json* value;
    NodeId node;
    uint32_t op;             // the op being run (index into Compiled::ops)
    uint32_t depth;          // nesting depth of `value` below the validated root
    bool collect;            // errors are reported (else only the verdict counts)
    bool ephemeral = false;  // value is a propertyNames key copy: its address is reused
    bool valid = true;
    bool has_child = false;  // a child's verdict is waiting in child_valid
    bool child_valid = false;
    uint8_t phase = 0;  // per-op state, reset by next_op()
    uint32_t i = 0, j = 0, count = 0;
    LocStep loc;
    Json::object_t::const_iterator member;  // kMembers / kPropertyNames position
    Json key;                               // kPropertyNames: the key as a JSON string
  };

  void push_frame(NodeId node, const Json* value, uint32_t depth, bool collect, LocStep loc) {
    Frame& f = stack_.emplace_back();
    f.value = value;
    f.node = node;
    f.op = c_.nodes[node].ops_begin;
    f.depth = depth;
    f.collect = collect;
    f.loc = loc;
  }

  // Pushes `node` for `value`; `loc` set means the value is an item/member (one level deeper).
  // False when the child cannot run: too deep (its verdict is then false) or out of budget.
  bool push(Frame& parent, NodeId node, const Json* value, bool collect, LocStep loc = LocStep{nullptr, -1}) {
    bool descends = loc.key != nullptr || loc.index >= 0;
    uint32_t depth = parent.depth + (descends ? 1 : 0);
    if (depth > c_.options.max_depth) {
      if (collect) {
        Issue issue = too_deep_issue(c_.options.max_depth);
        add_at(issue, *value, loc);
      }
      return false;
    }
    if (++frames_ > kMaxFramesPerCall) {
      if (errors_) {
        Issue issue = too_complex_issue();
        add(issue.type, issue.msg, issue.ctx, *stack_.front().value, nullptr);
      }
      aborted_ = true;
      return false;
    }
    bool ephemeral = parent.ephemeral || value == &parent.key;
    push_frame(node, value, depth, collect, loc);
    stack_.back().ephemeral = ephemeral;
    if (frames_ > kMemoAfterFrames && !ephemeral) {
      auto known = memo_.find(MemoKey{value, node});
      if (known != memo_.end() && (known->second || !collect)) {  // invalid + collect: rerun for the errors
        stack_.back().op = c_.nodes[node].ops_end;
        stack_.back().valid = known->second;
      }
    }
    return true;
  }

  // An error about the value of the top frame, or about its member/item `loc` when given.
  void add_at(const Issue& issue, const Json& input, LocStep loc) {
    add_error(issue.type, issue.msg, issue.ctx, input, loc.key, loc.index);
  }

  void add_error(std::string_view type, std::string msg, Json ctx, const Json& input, const std::string* extra_key,
                 int64_t extra_index) {
    if (errors_ == nullptr) return;
    if (errors_->size() - first_error_ >= c_.options.max_errors) {
      aborted_ = true;
      return;
    }
    ValidationError e;
    e.type = std::string(type);
    e.msg = std::move(msg);
    e.ctx = std::move(ctx);
    e.input = copy_bounded(input, kMaxInputCopyDepth);
    e.loc = prefix_;
    for (const Frame& f : stack_) {
      if (f.loc.key) e.loc.emplace_back(*f.loc.key);
      if (f.loc.index >= 0) e.loc.emplace_back(f.loc.index);
    }
    if (extra_key) e.loc.emplace_back(*extra_key);
    if (extra_index >= 0) e.loc.emplace_back(extra_index);
    errors_->push_back(std::move(e));
    if (errors_->size() - first_error_ >= c_.options.max_errors) aborted_ = true;
  }

  void report(Frame& f, const Issue& issue) {
    if (f.collect) add(issue.type, issue.msg, issue.ctx, *f.value, nullptr);
  }

  static void next_op(Frame& f) {
    ++f.op;
    f.phase = 0;
    f.i = f.j = f.count = 0;
  }

  // Records a failed check or child; true when the frame should stop (its verdict is settled
  // and nobody wants its errors, or the error budget is spent).
  bool failed(Frame& f) {
    f.valid = false;
    return !f.collect || aborted_;
  }

  Step step(Frame& f);

  const Compiled& c_;
  std::vector<ValidationError>* errors_;
  const Loc& prefix_;
  size_t first_error_;
  std::deque<Frame> stack_;
  uint64_t frames_ = 0;
  // Verdicts of finished (subschema, value) pairs, kept once a run gets long: a schema whose
  // applicators share subschemas (allOf: [A, A], each A again allOf: [B, B], ...) would otherwise
  // take time exponential in its depth. A value's address identifies its position, so a pair
  // always has the same verdict within a run. Only valid verdicts, and invalid ones of frames that
  // do not collect errors, are reused; a collecting frame reruns to report its errors (and at most
  // max_errors of those exist).
  struct MemoKey {
    const Json* value;
    NodeId node;
    bool operator==(const MemoKey& o) const { return value == o.value && node == o.node; }
  };
  struct MemoHash {
    size_t operator()(const MemoKey& k) const {
      return std::hash<const void*>{}(k.value) ^ static_cast<size_t>(static_cast<uint64_t>(k.node) * 0x9E3779B97F4A7C15ull);
    }
  };
  std::unordered_map<MemoKey, bool, MemoHash> memo_;
  bool aborted_ = false;
};

Runner::Step Runner::step(Frame& f) {
  const Node& node = c_.nodes[f.node];
  const Json& v = *f.value;
  while (f.op < node.ops_end) {
    if (aborted_) return Step::kDone;
    const Op& op = c_.ops[f.op];
    if (is_leaf(op.kind)) {
      if (!check_leaf(c_, op, v, f.collect ? this : nullptr)) {
        // A wrong type settles the node: its other keywords would only add noise (a string
        // given for {"type": "number", "minimum": 0} reports float_type alone).
        if (failed(f) || op.kind == OpKind::kType || op.kind == OpKind::kFinite) return Step::kDone;
      }
      next_op(f);
      continue;
    }
    const bool have = f.has_child;
    const bool child_ok = f.child_valid;
    f.has_child = false;
    // After a push that could not run (too deep), loop again as if the child had failed.
    auto child_failed = [&f]() {
      f.has_child = true;
      f.child_valid = false;
    };
    switch (op.kind) {
      case OpKind::kAllOf: {
        if (have) {
          if (!child_ok && failed(f)) return Step::kDone;
          ++f.i;
        }
        if (f.i < op.end - op.begin) {
          if (push(f, c_.children[op.begin + f.i], f.value, f.collect)) return Step::kPushed;
          return Step::kDone;  // out of budget
        }
        break;
      }
      case OpKind::kNullable:
      case OpKind::kDependentSchema: {
        if (have) {
          if (!child_ok && failed(f)) return Step::kDone;
          break;
        }
        if (op.kind == OpKind::kNullable && v.is_null()) break;
        if (op.kind == OpKind::kDependentSchema && (!v.is_object() || !v.contains(c_.strings[op.a]))) break;
        if (push(f, op.kind == OpKind::kNullable ? op.a : op.b, f.value, f.collect)) return Step::kPushed;
        return Step::kDone;
      }
      case OpKind::kAnyOf:
      case OpKind::kOneOf: {
        bool any = op.kind == OpKind::kAnyOf;
        if (have) {
          if (child_ok && any) break;  // satisfied
          if (child_ok) ++f.count;
          ++f.i;
        }
        if (f.i < op.end - op.begin && f.count < 2) {
          if (push(f, c_.children[op.begin + f.i], f.value, false)) return Step::kPushed;
          return Step::kDone;
        }
        if (!any && f.count == 1) break;
        report(f, any ? any_of_issue() : one_of_issue(f.count));
        if (failed(f)) return Step::kDone;
        break;
      }
      case OpKind::kNot: {
        if (!have) {
          if (push(f, op.a, f.value, false)) return Step::kPushed;
          return Step::kDone;
        }
        if (child_ok) {
          report(f, not_issue());
          if (failed(f)) return Step::kDone;
        }
        break;
      }
      case OpKind::kIf: {
        if (f.phase == 0) {
          if (!have) {
            if (push(f, op.a, f.value, false)) return Step::kPushed;
            return Step::kDone;
          }
          NodeId branch = child_ok ? op.b : op.c;
          if (branch == kNoNode) break;
          if (c_.nodes[branch].false_schema) {  // say why, rather than "no value is allowed"
            report(f, if_then_else_issue(child_ok));
            if (failed(f)) return Step::kDone;
            break;
          }
          f.phase = 1;
          if (push(f, branch, f.value, f.collect)) return Step::kPushed;
          return Step::kDone;
        }
        if (!child_ok && failed(f)) return Step::kDone;
        break;
      }
      case OpKind::kFields: {
        if (!v.is_object()) break;
        if (have) {
          if (!child_ok && failed(f)) return Step::kDone;
          ++f.i;
        }
        bool pushed = false;
        while (f.i < op.end - op.begin) {
          const Field& field = c_.fields[op.begin + f.i];
          const std::string& name = c_.strings[field.name];
          auto it = v.find(name);
          if (it == v.end()) {
            if (field.required) {
              if (f.collect) add("missing", "Field required", nullptr, v, &name);
              if (failed(f)) return Step::kDone;
            }
            ++f.i;
            continue;
          }
          if (field.child == kNoNode) {
            ++f.i;
            continue;
          }
          if (push(f, field.child, &*it, f.collect, LocStep{&name, -1})) {
            pushed = true;
            break;
          }
          if (aborted_ || failed(f)) return Step::kDone;
          ++f.i;
        }
        if (pushed) return Step::kPushed;
        break;
      }
      case OpKind::kMembers: {
        if (!v.is_object()) break;
        const auto& members = v.get_ref<const Json::object_t&>();
        if (f.phase == 0) {
          f.member = members.begin();
          f.phase = 1;
        }
        if (have && !child_ok && failed(f)) return Step::kDone;
        for (; f.member != members.end(); ++f.member, f.j = 0, f.count = 0) {
          const std::string& key = f.member->first;
          while (f.j < op.end - op.begin) {
            const PatternChild& pattern = c_.patterns[op.begin + f.j++];
            if (!c_.regexes[pattern.regex]->search(key)) continue;
            f.count = 1;
            if (push(f, pattern.child, &f.member->second, f.collect, LocStep{&key, -1})) return Step::kPushed;
            if (aborted_ || failed(f)) return Step::kDone;
          }
          if (f.count != 0) continue;  // a pattern matched, or additionalProperties already ran
          auto declared_begin = c_.declared.begin() + op.begin2, declared_end = c_.declared.begin() + op.end2;
          auto found = std::lower_bound(declared_begin, declared_end, key,
                                        [this](uint32_t name, const std::string& k) { return c_.strings[name] < k; });
          bool declared = found != declared_end && c_.strings[*found] == key;
          if (declared) continue;
          if (op.b != 0) {
            if (f.collect) add("extra_forbidden", "Extra inputs are not permitted", nullptr, f.member->second, &key);
            if (failed(f)) return Step::kDone;
          } else if (op.a != kNoNode) {
            f.count = 2;
            if (push(f, op.a, &f.member->second, f.collect, LocStep{&key, -1})) return Step::kPushed;
            if (aborted_ || failed(f)) return Step::kDone;
          }
        }
        break;
      }
      case OpKind::kPropertyNames: {
        if (!v.is_object()) break;
        const auto& members = v.get_ref<const Json::object_t&>();
        if (f.phase == 0) {
          f.member = members.begin();
          f.phase = 1;
        } else if (have) {
          if (!child_ok) {
            if (f.collect) add_at(property_names_issue(f.member->first), f.key, LocStep{&f.member->first, -1});
            if (failed(f)) return Step::kDone;
          }
          ++f.member;
        }
        if (f.member == members.end()) break;
        f.key = f.member->first;  // a key is a string value, not a member: no deeper nesting
        if (push(f, op.a, &f.key, false)) return Step::kPushed;
        return Step::kDone;
      }
      case OpKind::kItems: {
        if (!v.is_array()) break;
        const size_t leading = op.end - op.begin;
        if (have) {
          if (!child_ok && failed(f)) return Step::kDone;
          ++f.i;
        }
        while (f.i < v.size()) {
          NodeId child;
          if (f.i < leading) {
            child = c_.children[op.begin + f.i];
          } else if (op.b != 0) {
            report(f, additional_items_issue(leading, v.size()));
            if (failed(f)) return Step::kDone;
            break;
          } else if (op.a == kNoNode) {
            break;
          } else {
            child = op.a;
          }
          if (push(f, child, &v[f.i], f.collect, LocStep{nullptr, static_cast<int64_t>(f.i)})) return Step::kPushed;
          if (aborted_ || failed(f)) return Step::kDone;
          ++f.i;
        }
        break;
      }
      case OpKind::kContains: {
        if (!v.is_array()) break;
        if (have) {
          if (child_ok) break;
          ++f.i;
        }
        if (f.i < v.size()) {
          if (push(f, op.a, &v[f.i], false, LocStep{nullptr, static_cast<int64_t>(f.i)})) return Step::kPushed;
          if (aborted_) return Step::kDone;
          child_failed();
          continue;
        }
        report(f, contains_issue());
        if (failed(f)) return Step::kDone;
        break;
      }
      default: break;
    }
    next_op(f);
  }
  return Step::kDone;
}

}  // namespace

bool run_validation(const Compiled& compiled, NodeId node, const Json& value, std::vector<ValidationError>* errors,
                    const Loc& prefix) {
  return Runner(compiled, errors, prefix).run(node, value);
}

}  // namespace onnx_predict::schema::detail
