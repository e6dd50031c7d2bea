// Compiles the parsed pattern (regex_parse.cpp) to a Thompson NFA program and runs it as a Pike VM
// (Russ Cox, "Regular Expression Matching: the Virtual Machine Approach", 2009): all threads
// advance in lock step over the input's code points, and a thread reaching an instruction another
// thread already reached at the same position is dropped. So each position costs at most one
// visit per instruction, whatever the pattern, and empty loops such as (a*)* end because their
// second visit to the loop head is such a duplicate. Only whether a match exists is computed:
// no captures, so greedy and lazy quantifiers behave alike.
#include "schema/regex.h"

#include <cassert>
#include <utility>
#include <vector>

#include "schema/regex_ast.h"

namespace onnx_predict::schema {

using regex_detail::Assertion;
using regex_detail::Node;

namespace {

enum class Op : uint8_t {
  kChar,    // consume the code point x
  kSet,     // consume a code point in sets[x]
  kSplit,   // continue at both x and y
  kJump,    // continue at x
  kAssert,  // continue at the next instruction if Assertion(x) holds here
  kMatch,
};

struct Instruction {
  Op op;
  uint32_t x = 0;
  uint32_t y = 0;
};

// Emits `node` as Node::size instructions (regex_parse.cpp computes the same sizes up front to
// refuse oversized programs before building them). Recursion depth follows the tree's depth,
// which the parser bounds through its group nesting limit.
class Emitter {
 public:
  explicit Emitter(std::vector<Instruction>* code) : code_(*code) {}

  void emit(const Node& node) {
    switch (node.kind) {
      case Node::Kind::kEmpty: return;
      case Node::Kind::kChar: code_.push_back({Op::kChar, node.value}); return;
      case Node::Kind::kSet: code_.push_back({Op::kSet, node.value}); return;
      case Node::Kind::kAssert: code_.push_back({Op::kAssert, node.value}); return;
      case Node::Kind::kConcat:
        for (const Node& child : node.children) emit(child);
        return;
      case Node::Kind::kAlternate: return alternate(node);
      case Node::Kind::kRepeat: return repeat(node);
    }
  }

 private:
  uint32_t here() const { return uint32_t(code_.size()); }

  // a|b|c:  split L1, L2; L1: a; jump end; L2: split L3, L4; L3: b; jump end; L4: c; end:
  void alternate(const Node& node) {
    std::vector<uint32_t> jumps;
    for (size_t k = 0; k + 1 < node.children.size(); ++k) {
      uint32_t split = here();
      code_.push_back({Op::kSplit, split + 1});
      emit(node.children[k]);
      jumps.push_back(here());
      code_.push_back({Op::kJump});
      code_[split].y = here();
    }
    emit(node.children.back());
    for (uint32_t jump : jumps) code_[jump].x = here();
  }

  // e{n,m}: n copies of e, then m-n optional copies (split over e); e{n,}: n copies, then
  // loop: split body, end; body: e; jump loop; end:
  void repeat(const Node& node) {
    const Node& body = node.children[0];
    for (uint64_t k = 0; k < node.min; ++k) emit(body);
    if (node.max == regex_detail::kUnbounded) {
      uint32_t loop = here();
      code_.push_back({Op::kSplit, loop + 1});
      emit(body);
      code_.push_back({Op::kJump, loop});
      code_[loop].y = here();
      return;
    }
    for (uint64_t k = node.min; k < node.max; ++k) {
      uint32_t split = here();
      code_.push_back({Op::kSplit, split + 1});
      emit(body);
      code_[split].y = here();
    }
  }

  std::vector<Instruction>& code_;
};

// ECMA-262 §22.2.2.6.2 IsWordChar: ASCII letters, digits and _ (no `i` flag, so no case folding).
bool is_word_character(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

constexpr uint32_t kNoCharacter = UINT32_MAX;  // before the start or past the end of the input

}  // namespace

struct Regex::Program {
  std::vector<Instruction> code;
  std::vector<regex_detail::CharSet> sets;
  bool anchored_at_start = false;  // every match starts at 0 (the program begins with ^)
};

Regex::Regex(std::unique_ptr<Program> program) : program_(std::move(program)) {}
Regex::~Regex() = default;

std::unique_ptr<Regex> Regex::compile(std::string_view pattern, std::string* error) {
  regex_detail::ParsedPattern parsed;
  std::string message;
  if (!regex_detail::parse_pattern(pattern, &parsed, &message)) {
    if (error) *error = std::move(message);
    return nullptr;
  }
  auto program = std::make_unique<Program>();
  program->sets = std::move(parsed.sets);
  program->code.reserve(static_cast<size_t>(parsed.root.size) + 1);
  Emitter(&program->code).emit(parsed.root);
  program->code.push_back({Op::kMatch});
  assert(program->code.size() == parsed.root.size + 1);
  const Instruction& first = program->code.front();
  program->anchored_at_start = first.op == Op::kAssert && Assertion(first.x) == Assertion::kBegin;
  return std::unique_ptr<Regex>(new Regex(std::move(program)));
}

bool Regex::search(std::string_view text) const {
  const std::vector<Instruction>& code = program_->code;
  std::vector<uint64_t> visited(code.size(), 0);  // the step that last reached each instruction
  std::vector<uint32_t> waiting;   // consuming instructions the threads stand on at this position
  std::vector<uint32_t> advanced;  // where threads that consumed the previous code point continue
  std::vector<uint32_t> stack;
  waiting.reserve(code.size()), advanced.reserve(code.size()), stack.reserve(2 * code.size() + 1);

  uint32_t previous = kNoCharacter;
  for (size_t pos = 0, step = 1;; ++step) {
    uint32_t current = kNoCharacter;
    size_t length = 0;
    if (pos < text.size()) length = regex_detail::decode_utf8(text, pos, &current);
    const auto holds = [&](Assertion assertion) {
      switch (assertion) {
        case Assertion::kBegin: return pos == 0;
        case Assertion::kEnd: return pos == text.size();
        case Assertion::kWordBoundary: return is_word_character(previous) != is_word_character(current);
        case Assertion::kNotWordBoundary: return is_word_character(previous) == is_word_character(current);
      }
      return false;
    };

    // Follow the non-consuming instructions from every thread (and, as the search is unanchored,
    // from a new thread starting here), each instruction at most once per step.
    stack.assign(advanced.rbegin(), advanced.rend());
    if (pos == 0 || !program_->anchored_at_start) stack.push_back(0);
    waiting.clear();
    while (!stack.empty()) {
      uint32_t pc = stack.back();
      stack.pop_back();
      if (visited[pc] == step) continue;
      visited[pc] = step;
      const Instruction& in = code[pc];
      switch (in.op) {
        case Op::kChar: case Op::kSet: waiting.push_back(pc); break;
        case Op::kSplit: stack.push_back(in.y), stack.push_back(in.x); break;
        case Op::kJump: stack.push_back(in.x); break;
        case Op::kAssert: if (holds(Assertion(in.x))) stack.push_back(pc + 1); break;
        case Op::kMatch: return true;
      }
    }
    if (pos >= text.size() || (waiting.empty() && program_->anchored_at_start)) return false;

    advanced.clear();
    for (uint32_t pc : waiting) {
      const Instruction& in = code[pc];
      if (in.op == Op::kChar ? in.x == current : program_->sets[in.x].contains(current)) advanced.push_back(pc + 1);
    }
    previous = current;
    pos += length;
  }
}

}  // namespace onnx_predict::schema
