// Robustness of the readers against hostile bytes: the contract that sniff_format, read_model_info,
// read_tensor, rewrite_zipmap_outputs and one_hot_categories, whatever the bytes, return or throw onnx_predict::Error,
// and never crash, hang, recurse without bound, read out of bounds, or allocate beyond what the
// input's size justifies.
//
// Inputs: ~30 models (chosen from Debian's libonnx-testdata for their features, plus the largest
// and size quantiles, plus hand-made ones for what the test data lacks), their test vectors, the
// refused-format fixtures (zip, gzip, pickle, ...); every strict prefix of each; hand-made hostile
// messages (type nesting past kMaxTypeNesting, 2^60 lengths, impossible dims, bad packed data);
// and 200,000 seeded mutations, byte-level (bit flips, overwrites, insertions, deletions) and
// field-level (lengths inflated, fields duplicated, deleted, spliced, re-tagged, nested deeper,
// with the enclosing lengths rewritten so the damage reaches the inner readers). Every input goes
// through all five readers, and a valid ModelInfo through to_json as the binding does; the ZipMap
// rewrite's output must read back. ZipMap classifiers, which the test data lacks, get their own
// prefixes and mutations ("[rewrite]").
//
// How each part is checked: every input lives in its own exactly-sized heap block, so the ASan
// build (scripts/build.sh asan) catches a read one byte past the end; UBSan aborts on any UB; a
// valid result must hold no more items than the input has bytes; every call is timed and one over
// kSlowCall fails the test, and natively a watchdog aborts a call stuck past kStuckCall. When a
// sanitizer or the watchdog stops the run, the input being read is saved to
// $TMPDIR/onnx-predict-robustness-input.bin and its sample, mutation kind and index are printed;
// the run is deterministic, so the same index reproduces it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <random>
#include <string>
#include <typeinfo>
#include <vector>

#ifndef __EMSCRIPTEN__
#include <thread>
#endif
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define ROBUSTNESS_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ROBUSTNESS_ASAN 1
#endif
#ifdef ROBUSTNESS_ASAN
#include <sanitizer/common_interface_defs.h>
#endif

#include "common/error.h"
#include "onnx/format_sniff.h"
#include "onnx/model_info.h"
#include "onnx/model_info_json.h"
#include "onnx/tensor.h"
#include "onnx/wire_reader.h"
#include "onnx/input_categories.h"
#include "onnx/zipmap_rewrite.h"
#include "proto_mutator.h"
#include "test_support.h"
#include "zipmap_models.h"

using namespace onnx_predict;
using namespace onnx_predict::onnx;
using test_support::Proto;
using namespace test_support;

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

// 200,000 in all. The whole [robustness] set takes ~40 s of CPU natively under ASan + UBSan
// (Debug), ~7 s in the Release wasm build under Node, ~5 s in the native Release build.
constexpr uint64_t kModelMutations = 150'000;
constexpr uint64_t kTensorMutations = 35'000;
constexpr uint64_t kFormatMutations = 15'000;
constexpr uint64_t kZipMapMutations = 40'000;
constexpr auto kSlowCall = std::chrono::seconds(1);   // fails the test
constexpr auto kStuckCall = std::chrono::seconds(10);  // the watchdog aborts the run
constexpr size_t kMaxVectorBytes = 64 * 1024;          // larger test vectors only slow the run down
constexpr uint64_t kJsonEvery = 64;                    // valid parses per to_json call
constexpr uint64_t kSeed = 0x6f6e6e782d707264;         // "onnx-prd"

// ---- What is being read right now, for the crash and hang reports ----

struct Breadcrumb {
  std::atomic<const std::string*> sample{nullptr};
  std::atomic<const char*> kind{"original"};
  std::atomic<uint64_t> index{0};
  std::atomic<const char*> call{""};
  std::atomic<const uint8_t*> data{nullptr};
  std::atomic<size_t> size{0};
  std::atomic<int64_t> call_started{0};  // steady_clock ticks; 0 when no call runs
};
Breadcrumb g_crumb;

std::string current_input_label() {
  const std::string* sample = g_crumb.sample.load();
  return (sample ? *sample : std::string("?")) + " " + g_crumb.kind.load() + " #" +
         std::to_string(g_crumb.index.load()) + " (" + std::to_string(g_crumb.size.load()) + " bytes)";
}

// Prints where the run stopped and saves the input; called as the process dies, so C stdio only.
void report_current_input(const char* why) {
  static const std::string saved = (fs::temp_directory_path() / "onnx-predict-robustness-input.bin").string();
  if (g_crumb.call_started.load() == 0) {
    std::fprintf(stderr, "robustness: %s outside any reader call (in a test harness, not in src/)\n", why);
    return;
  }
  const std::string* sample = g_crumb.sample.load();
  std::fprintf(stderr, "robustness: %s in %s on %s %s #%llu (%zu bytes); input saved to %s\n", why,
               g_crumb.call.load(), sample ? sample->c_str() : "?", g_crumb.kind.load(),
               static_cast<unsigned long long>(g_crumb.index.load()), g_crumb.size.load(), saved.c_str());
  if (std::FILE* out = std::fopen(saved.c_str(), "wb")) {
    if (g_crumb.size.load() > 0) std::fwrite(g_crumb.data.load(), 1, g_crumb.size.load(), out);
    std::fclose(out);
  }
}

// Aborts the run when one call runs past kStuckCall: a loop that never ends must not hang CI.
class Watchdog {
 public:
#ifdef ROBUSTNESS_ASAN
  Watchdog() { __sanitizer_set_death_callback([] { report_current_input("sanitizer report"); }); }
#else
  Watchdog() = default;
#endif
#ifndef __EMSCRIPTEN__
  ~Watchdog() { stop_ = true; thread_.join(); }

 private:
  void run() {
    while (!stop_) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      int64_t started = g_crumb.call_started.load();
      if (started != 0 && Clock::now().time_since_epoch().count() - started >
                              std::chrono::duration_cast<Clock::duration>(kStuckCall).count()) {
        report_current_input("call still running after 10 s (runaway loop?)");
        std::abort();
      }
    }
  }
  std::atomic<bool> stop_{false};
  std::thread thread_{[this] { run(); }};
#endif
};

// ---- Outcomes ----

struct Counts {
  uint64_t valid = 0, errors = 0;
  Clock::duration time{};
};

struct Tally {
  uint64_t inputs = 0;
  Counts sniff, model, tensor, rewrite, categories;
  uint64_t rewritten = 0;  // rewrite_zipmap_outputs changed the model
  uint64_t categorized = 0;  // one_hot_categories found an input's categories
  uint64_t not_onnx = 0;  // sniff_format said "not ONNX"
  Clock::duration slowest{};
  std::string slowest_call;
  uint64_t unexpected = 0;
  std::string first_unexpected;  // the first few, one per line
};

std::string hex(Bytes bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (uint8_t b : bytes) out += {digits[b >> 4], digits[b & 15]};
  return out;
}

// Runs one call; fn returns "" or a description of how a valid result overreaches the input.
template <class Fn>
void timed_call(Tally& tally, Counts& counts, const char* name, Bytes input, Fn&& fn) {
  g_crumb.call = name;
  Clock::time_point start = Clock::now();
  g_crumb.call_started = start.time_since_epoch().count();
  std::string unexpected;
  try {
    unexpected = fn();
    if (unexpected.empty()) ++counts.valid;
  } catch (const onnx_predict::Error&) {
    ++counts.errors;
  } catch (const std::exception& e) {
    unexpected = std::string("threw ") + typeid(e).name() + ": " + e.what();
  } catch (...) {
    unexpected = "threw something that is not a std::exception";
  }
  Clock::duration elapsed = Clock::now() - start;
  g_crumb.call_started = 0;
  counts.time += elapsed;
  if (elapsed > tally.slowest) {
    tally.slowest = elapsed;
    tally.slowest_call = std::string(name) + " on " + current_input_label();
  }
  if (!unexpected.empty() && ++tally.unexpected <= 5) {
    tally.first_unexpected += std::string(name) + " on " + current_input_label() + ": " + unexpected +
                              (input.size() <= 512 ? "\n  input: " + hex(input) : std::string()) + "\n";
  }
}

uint64_t type_items(const TypeInfo& type, uint64_t& string_bytes) {
  string_bytes += type.denotation.size() + type.opaque_domain.size() + type.opaque_name.size();
  uint64_t items = 1;
  if (type.shape) {
    for (const Dimension& d : *type.shape) string_bytes += d.param.size() + d.denotation.size();
    items += type.shape->size();
  }
  for (const TypeInfo& element : type.element) items += type_items(element, string_bytes);
  return items;
}

// Every item and string of a ModelInfo comes from its own bytes of the input.
std::string model_info_overreach(const ModelInfo& info, size_t input_size, bool with_json) {
  uint64_t strings = info.producer_name.size() + info.producer_version.size() + info.domain.size() +
                     info.doc_string.size() + info.graph_name.size() + info.graph_doc_string.size();
  uint64_t items = info.opset_import.size() + info.metadata_props.size() + info.node_count;
  for (const OpsetImport& o : info.opset_import) strings += o.domain.size();
  for (const auto& [key, value] : info.metadata_props) strings += key.size() + value.size();
  for (const auto* list : {&info.inputs, &info.outputs}) {
    for (const ValueInfo& v : *list) {
      strings += v.name.size() + v.doc_string.size();
      items += 1 + (v.type ? type_items(*v.type, strings) : 0);
    }
  }
  if (items > input_size || strings > input_size || info.initializer_count > input_size) {
    return "ModelInfo holds " + std::to_string(items) + " items and " + std::to_string(strings) +
           " string bytes read from " + std::to_string(input_size) + " bytes";
  }
  // What the binding does with every model it reads: a throw here would escape as a non-Error.
  // Unoptimized nlohmann::json under ASan costs 4x the parse, so only every kJsonEvery-th model.
  if (with_json) (void)to_json(info).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return "";
}

std::string tensor_overreach(const Tensor& t, size_t input_size) {
  if (t.dims.size() > input_size || t.strings.size() > input_size || t.data().size() > 8 * input_size) {
    return "Tensor holds " + std::to_string(t.dims.size()) + " dims, " + std::to_string(t.strings.size()) +
           " strings and " + std::to_string(t.data().size()) + " data bytes read from " +
           std::to_string(input_size) + " bytes";
  }
  return "";
}

// A rewrite is no larger than the input but for each rewritten output's new type (a float
// [N, C] TypeProto with a symbolic N of up to 128 bytes), and what it rewrites reads back.
constexpr uint64_t kMaxGrowthPerRewrite = 160;

std::string rewrite_overreach(const RewriteResult& r, Bytes input, bool input_reads) {
  if (r.changed == r.bytes.empty() || r.changed == r.rewrites.empty()) return "`changed`, bytes and rewrites disagree";
  uint64_t labels = 0;
  for (const ZipMapRewrite& z : r.rewrites) labels += z.classes.size();
  if (r.rewrites.size() + r.notes.size() > input.size() || labels > input.size()) {
    return std::to_string(r.rewrites.size()) + " rewrites, " + std::to_string(r.notes.size()) + " notes and " +
           std::to_string(labels) + " labels from " + std::to_string(input.size()) + " bytes";
  }
  if (r.bytes.size() > input.size() + kMaxGrowthPerRewrite * r.rewrites.size() + 16) {
    return "rewrote " + std::to_string(input.size()) + " bytes into " + std::to_string(r.bytes.size());
  }
  if (!r.changed || !input_reads) return "";
  try {
    if (read_model_info(r.bytes).outputs.size() != read_model_info(input).outputs.size()) return "the rewrite lost an output";
  } catch (const onnx_predict::Error& e) {
    return std::string("the rewritten model does not read: ") + e.what();
  }
  return "";
}

// Sends `input` (its own heap block, exactly sized) through every reader.
void check_input(Tally& tally, const Buffer& input) {
  Bytes bytes(input.data(), input.size());
  g_crumb.data = input.data();
  g_crumb.size = input.size();
  ++tally.inputs;
  timed_call(tally, tally.sniff, "sniff_format", bytes, [&] {
    if (!sniff_format(bytes).is_onnx()) ++tally.not_onnx;
    return std::string();
  });
  bool model_reads = false;
  timed_call(tally, tally.model, "read_model_info", bytes, [&] {
    ModelInfo info = read_model_info(bytes);
    model_reads = true;
    return model_info_overreach(info, bytes.size(), tally.model.valid % kJsonEvery == 0);
  });
  timed_call(tally, tally.tensor, "read_tensor", bytes, [&] { return tensor_overreach(read_tensor(bytes), bytes.size()); });
  timed_call(tally, tally.rewrite, "rewrite_zipmap_outputs", bytes, [&] {
    RewriteResult r = rewrite_zipmap_outputs(bytes);
    tally.rewritten += r.changed;
    return rewrite_overreach(r, bytes, model_reads);
  });
  timed_call(tally, tally.categories, "one_hot_categories", bytes, [&] {
    // Names the corpus uses: libonnx-testdata's "x", the converter's "float_input", wine's "hue_band".
    auto found = one_hot_categories(bytes, {"x", "float_input", "hue_band"});
    tally.categorized += !found.empty();
    size_t labels = 0;
    for (const auto& [name, categories] : found) {
      for (const std::string& c : categories) labels += c.size() + 1;
    }
    return labels > bytes.size() ? std::string("categories larger than the input") : std::string();
  });
}

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

void report(const char* what, const Tally& t, Clock::time_point started) {
  auto ull = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("robustness: %s: %llu inputs in %.1f s: read_model_info %llu errors, %llu valid; "
              "read_tensor %llu errors, %llu valid; sniff_format %llu not onnx, %llu errors; "
              "rewrite_zipmap_outputs %llu errors, %llu valid, %llu rewritten; one_hot_categories %llu errors, %llu with categories; "
              "time in calls %.1f/%.1f/%.1f/%.1f s; slowest call %.2f ms (%s)\n",
              what, ull(t.inputs), seconds(Clock::now() - started), ull(t.model.errors), ull(t.model.valid),
              ull(t.tensor.errors), ull(t.tensor.valid), ull(t.not_onnx), ull(t.sniff.errors), ull(t.rewrite.errors),
              ull(t.rewrite.valid), ull(t.rewritten), ull(t.categories.errors), ull(t.categorized), seconds(t.model.time), seconds(t.tensor.time), seconds(t.sniff.time),
              seconds(t.rewrite.time), seconds(t.slowest) * 1000, t.slowest_call.c_str());
  std::fflush(stdout);
  INFO(t.first_unexpected);
  CHECK(t.unexpected == 0);
  INFO("slowest call: " << t.slowest_call);
  CHECK(t.slowest < kSlowCall);
}

Buffer packed_floats(std::initializer_list<float> values) {
  Buffer out;
  for (float v : values) {
    uint8_t b[4];
    std::memcpy(b, &v, 4);
    out.insert(out.end(), b, b + 4);
  }
  return out;
}

// A TypeProto of `levels` nested container types (sequence, map, optional in turn when `mixed`)
// around a float tensor type: the innermost TypeProto sits at nesting depth levels + 1.
Buffer nested_type(size_t levels, bool mixed) {
  static const uint32_t cycle[3][2] = {{4, 1}, {5, 2}, {9, 1}};  // sequence.elem_type, map.value_type, optional.elem_type
  std::vector<uint32_t> fields;
  for (size_t i = 0; i < levels; ++i) {
    const uint32_t* pair = cycle[mixed ? i % 3 : 0];
    fields.insert(fields.end(), {pair[0], pair[1]});
  }
  return nest(fields, Proto().message(1, Proto().varint(1, 1)).data());
}

Buffer model_with_input_type(const Buffer& type) {
  Proto value_info;
  value_info.bytes(1, "x").bytes(2, type);
  return Proto().varint(1, 8).message(7, Proto().message(11, value_info)).data();
}

// ---- Samples: the inputs the mutations start from ----

// A model that uses what the test data lacks: metadata, sparse initializers, external data,
// map/opaque/sparse types, tensor and sparse-tensor attributes, training_info and functions.
Buffer feature_model() {
  Proto shape;
  shape.message(1, Proto().varint(1, 1)).message(1, Proto().bytes(2, "batch").bytes(3, "DATA_BATCH")).message(1, Proto());
  Proto float_tensor_type;
  float_tensor_type.message(1, Proto().varint(1, 1).message(2, shape));
  Proto graph;
  graph.bytes(2, "features").bytes(10, "a graph doc");
  Proto then_branch;
  then_branch.message(1, Proto().bytes(1, "x").bytes(2, "y").bytes(4, "Identity")).bytes(2, "then");
  Proto sparse;
  sparse.message(1, Proto().bytes(8, "s").varint(1, 2).varint(2, 1).bytes(4, packed_floats({1.5f, -2})))
      .message(2, Proto().varint(1, 2).varint(2, 7).packed_varints(7, {0, 3}))
      .varint(3, 4);
  graph.message(1, Proto().bytes(1, "c").bytes(2, "y").bytes(4, "If").bytes(7, "")
                       .message(5, Proto().bytes(1, "then_branch").varint(20, 5).message(6, then_branch))
                       .message(5, Proto().bytes(1, "t").varint(20, 4).message(5, Proto().varint(1, 2).varint(2, 1).bytes(4, packed_floats({1, 2}))))
                       .message(5, Proto().bytes(1, "st").varint(20, 11).message(22, sparse)));
  graph.message(1, Proto().bytes(4, "LabelEncoder").bytes(7, "ai.onnx.ml"));
  graph.message(5, Proto().bytes(8, "w").varint(1, 2).varint(1, 3).varint(2, 7).packed_varints(7, {1, 2, 3, 4, 5, static_cast<uint64_t>(-6)}));
  graph.message(5, Proto().bytes(8, "e").varint(1, 4).varint(2, 1).varint(14, 1)
                       .message(13, Proto().bytes(1, "location").bytes(2, "weights.bin")));
  graph.message(15, sparse);
  graph.message(11, Proto().bytes(1, "x").message(2, Proto(float_tensor_type).bytes(6, "IMAGE")));
  graph.message(11, Proto().bytes(1, "w").message(2, float_tensor_type));  // also an initializer (IR < 4 style)
  graph.message(11, Proto().bytes(1, "m").message(2, Proto().message(5, Proto().varint(1, 8).message(2, float_tensor_type))));
  Proto sequence_of_sparse;  // TypeProto{sequence_type{elem_type{sparse_tensor_type{elem_type: FLOAT}}}}
  sequence_of_sparse.message(4, Proto().message(1, Proto().message(8, Proto().varint(1, 1))));
  graph.message(11, Proto().bytes(1, "o").message(2, Proto().message(9, Proto().message(1, sequence_of_sparse))));
  graph.message(11, Proto().bytes(1, "q").message(2, Proto().message(7, Proto().bytes(1, "com.example").bytes(2, "Blob"))));
  graph.message(12, Proto().bytes(1, "y").message(2, float_tensor_type).bytes(3, "the output"));
  graph.message(13, Proto().bytes(1, "mid").message(2, float_tensor_type));
  Proto model;
  model.varint(1, 8).bytes(2, "robustness").bytes(3, "1.0").bytes(4, "ai.test").varint(5, 3).bytes(6, "doc")
      .message(7, graph)
      .message(8, Proto().bytes(1, "").varint(2, 17))
      .message(8, Proto().bytes(1, "ai.onnx.ml").varint(2, 3))
      .message(14, Proto().bytes(1, "author").bytes(2, "tests"))
      .message(14, Proto().bytes(1, "license").bytes(2, "MIT"))
      .message(20, Proto().message(1, graph))                      // training_info: skipped
      .message(25, Proto().bytes(1, "F").bytes(3, "ai.test"));  // functions: skipped
  return model.data();
}

// TensorProtos in each storage the test vectors (raw_data almost always) leave out.
std::vector<std::pair<std::string, Buffer>> hand_made_tensors() {
  std::vector<std::pair<std::string, Buffer>> t;
  t.emplace_back("float packed float_data", Proto().varint(1, 2).varint(1, 2).varint(2, 1).bytes(8, "f").bytes(4, packed_floats({1, 2, 3, 4})).data());
  t.emplace_back("float unpacked float_data", Proto().varint(1, 3).varint(2, 1).fixed32(4, 1).fixed32(4, 2).fixed32(4, 3).data());
  t.emplace_back("double double_data", Proto().varint(1, 2).varint(2, 11).fixed64(10, 1).fixed64(10, 2).data());
  t.emplace_back("int64 packed int64_data", Proto().varint(1, 3).varint(2, 7).packed_varints(7, {1, static_cast<uint64_t>(-1), 1ull << 40}).data());
  t.emplace_back("uint64 uint64_data", Proto().varint(1, 2).varint(2, 13).packed_varints(11, {~0ull, 7}).data());
  t.emplace_back("uint32 uint64_data", Proto().varint(1, 2).varint(2, 12).varint(11, 0xffffffff).varint(11, 1).data());
  t.emplace_back("int4 int32_data", Proto().varint(1, 3).varint(2, 22).packed_varints(5, {0x21, 0x0f}).data());
  t.emplace_back("complex64 float_data", Proto().varint(1, 1).varint(2, 14).bytes(4, packed_floats({1, -1})).data());
  t.emplace_back("bool int32_data", Proto().varint(1, 3).varint(2, 9).packed_varints(5, {1, 0, 1}).data());
  t.emplace_back("float16 int32_data", Proto().varint(1, 2).varint(2, 10).packed_varints(5, {0x3c00, 0xc000}).data());
  t.emplace_back("string string_data", Proto().varint(1, 2).varint(2, 8).bytes(6, "hello").bytes(6, "").data());
  t.emplace_back("uint8 raw_data scalar", Proto().varint(2, 2).bytes(9, std::string_view("\x2a", 1)).data());
  t.emplace_back("external data", Proto().varint(1, 4).varint(2, 1).varint(14, 1).message(13, Proto().bytes(1, "location").bytes(2, "w.bin")).data());
  return t;
}

struct Corpus {
  std::vector<Sample> models, tensors, formats;  // formats: files sniff_format refuses
};

// What scripts/test.sh generates with tests/fixtures/make_refused_formats.py (the [sniff] tests
// fail without it), plus a few inline samples so that the set is never empty.
const fs::path kRefusedFixtures = test_support::kSourceDir / "build/fixtures/refused";

std::vector<std::pair<std::string, Buffer>> hand_made_formats() {
  using namespace std::string_view_literals;
  auto bytes = [](std::string_view s) { return Buffer(s.begin(), s.end()); };
  std::vector<std::pair<std::string, Buffer>> f;
  f.emplace_back("pickle", bytes("\x80\x02" "ctorch._utils\n_rebuild_tensor_v2\nq\x00."sv));
  f.emplace_back("gzip with a stored block", bytes("\x1f\x8b\x08\0\0\0\0\0\0\xff" "\x01\x05\0\xfa\xff" "\x80\x04K\x01." "\0\0\0\0\x05\0\0\0"sv));
  f.emplace_back("html", bytes("<!DOCTYPE html><html><head><title>404</title></head><body>Not found</body></html>\n"));
  f.emplace_back("hdf5", bytes(std::string("\x89HDF\r\n\x1a\n", 8) + std::string(56, '\0')));
  return f;
}

// Models chosen for what they contain (subgraphs of If/Loop/Scan/SequenceMap, sequence and
// optional types, strings, initializers, tensor attributes); the largest, and size quantiles are
// added below. Debian's libonnx-testdata has no map types, sparse initializers or metadata:
// feature_model() covers those.
const char* const kChosenModels[] = {
    "node/test_if", "node/test_if_seq", "node/test_if_opt", "node/test_loop11", "node/test_loop13_seq",
    "node/test_loop16_seq_none", "node/test_scan_sum", "node/test_scan9_sum",
    "node/test_sequence_map_identity_2_sequences_expanded", "node/test_sequence_map_extract_shapes",
    "node/test_optional_get_element_sequence", "node/test_optional_has_element_empty",
    "node/test_identity_sequence", "node/test_sequence_insert_at_front",
    "node/test_range_float_type_positive_delta_expanded", "node/test_cast_FLOAT_to_STRING",
    "node/test_castlike_STRING_to_FLOAT", "node/test_constant", "node/test_sign",
    "pytorch-converted/test_Conv3d_groups", "pytorch-converted/test_Embedding_sparse",
    "pytorch-converted/test_ConvTranspose2d", "pytorch-operator/test_operator_conv",
};

const Corpus& corpus() {
  static const Corpus built = [] {
    Corpus c;
    std::vector<fs::path> all = test_support::onnx_test_models();
    std::vector<fs::path> chosen;
    for (const char* name : kChosenModels) {
      fs::path p = test_support::kOnnxTestData / name / "model.onnx";
      if (fs::exists(p)) chosen.push_back(p);
    }
    std::vector<std::pair<uintmax_t, fs::path>> by_size;
    for (const fs::path& p : all) by_size.emplace_back(fs::file_size(p), p);
    std::sort(by_size.begin(), by_size.end());
    if (!by_size.empty()) {
      for (size_t i = 0; i < 3 && i < by_size.size(); ++i) chosen.push_back(by_size[by_size.size() - 1 - i].second);
      for (double q : {0.0, 0.25, 0.5, 0.75, 0.9}) chosen.push_back(by_size[static_cast<size_t>(q * double(by_size.size() - 1))].second);
    }
    std::sort(chosen.begin(), chosen.end());
    chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
    for (const fs::path& p : chosen) {
      std::string name = fs::relative(p.parent_path(), test_support::kOnnxTestData).string();
      c.models.push_back(make_sample(name, test_support::read_file(p)));
      std::vector<fs::path> vectors;
      fs::path data_set = p.parent_path() / "test_data_set_0";
      if (fs::exists(data_set)) {
        for (const auto& entry : fs::directory_iterator(data_set)) {
          std::string file = entry.path().filename().string();
          if (file.rfind("input_", 0) == 0 && entry.path().extension() == ".pb" && entry.file_size() <= kMaxVectorBytes) {
            vectors.push_back(entry.path());
          }
        }
      }
      std::sort(vectors.begin(), vectors.end());
      for (const fs::path& v : vectors) c.tensors.push_back(make_sample(name + "/" + v.filename().string(), test_support::read_file(v)));
    }
    c.models.push_back(make_sample("hand-made feature model", feature_model()));
    c.models.push_back(make_sample("hand-made 63 nested sequence types", model_with_input_type(nested_type(63, false))));
    for (auto& [name, bytes] : hand_made_tensors()) c.tensors.push_back(make_sample("hand-made " + name, std::move(bytes)));
    std::vector<fs::path> fixtures;
    if (fs::exists(kRefusedFixtures)) {
      for (const auto& entry : fs::directory_iterator(kRefusedFixtures)) {
        if (entry.path().filename() != "manifest.json" && entry.file_size() <= kMaxVectorBytes) fixtures.push_back(entry.path());
      }
    }
    std::sort(fixtures.begin(), fixtures.end());
    for (const fs::path& p : fixtures) c.formats.push_back(make_sample("refused/" + p.filename().string(), test_support::read_file(p)));
    for (auto& [name, bytes] : hand_made_formats()) c.formats.push_back(make_sample("hand-made " + name, std::move(bytes)));
    return c;
  }();
  return built;
}

// Runs `total` mutations spread over `samples`, each sample with its own seed.
void run_mutations(const char* what, const std::vector<Sample>& samples, uint64_t total, uint64_t seed) {
  REQUIRE(!samples.empty());
  total = std::max<uint64_t>(total, samples.size());
  Watchdog watchdog;
  Tally tally;
  Clock::time_point started = Clock::now();
  for (size_t i = 0; i < samples.size(); ++i) {
    uint64_t count = total / samples.size() + (i < total % samples.size() ? 1 : 0);
    Mutator mutator(samples[i], seed + 0x9e3779b97f4a7c15ull * (i + 1));
    g_crumb.sample = &samples[i].name;
    for (uint64_t n = 0; n < count; ++n) {
      auto kind = static_cast<Mutation>(mutator.pick(0, static_cast<uint64_t>(Mutation::kCount) - 1));
      g_crumb.kind = kMutationNames[static_cast<int>(kind)];
      g_crumb.index = n;
      check_input(tally, mutator.mutate(kind));
    }
  }
  g_crumb.sample = nullptr;
  report(what, tally, started);
  CHECK(tally.inputs == total);
}

// Every strict prefix of each sample through check_input; stride > 1: the first and last KiB of
// each, and every stride-th length between.
Tally all_prefixes(const std::vector<Sample>& samples, size_t stride) {
  g_crumb.kind = "prefix of length";
  Tally tally;
  for (const Sample& s : samples) {
    g_crumb.sample = &s.name;
    for (size_t length = 0; length < s.bytes.size(); ++length) {
      if (length % stride != 0 && length > 1024 && s.bytes.size() - length > 1024) continue;
      g_crumb.index = length;
      check_input(tally, Buffer(s.bytes.begin(), s.bytes.begin() + static_cast<std::ptrdiff_t>(length)));
    }
  }
  g_crumb.sample = nullptr;
  return tally;
}

// ZipMap classifiers: the converter fixtures (tests/fixtures/make_converter_models.py and the
// trained pipelines of make_pipeline_models.py, with string inputs one-hot encoded) when made,
// and hand-made ones that reach each branch of the rewrite (rewritten, renamed, declined).
const std::vector<Sample>& zipmap_samples() {
  static const std::vector<Sample> built = [] {
    using namespace test_support::zipmap;
    std::vector<Sample> samples;
    for (const char* folder : {"converter", "pipelines"}) {
      fs::path fixtures = test_support::kSourceDir / "build/fixtures" / folder;
      if (!fs::exists(fixtures)) continue;
      std::vector<fs::path> files;
      for (const auto& entry : fs::directory_iterator(fixtures)) {
        std::string file = entry.path().filename().string();
        if (entry.path().extension() == ".onnx" && file.find(".rewritten.") == std::string::npos && file.find(".expected.") == std::string::npos &&
            file.find(".nozipmap.") == std::string::npos) {
          files.push_back(entry.path());
        }
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& p : files) samples.push_back(make_sample(std::string(folder) + "/" + p.filename().string(), test_support::read_file(p)));
    }
    Classifier strings;
    samples.push_back(make_sample("hand-made ZipMap classifier", strings.bytes()));
    Classifier ints;
    ints.last = zipmap_node(ints_attribute("classlabels_int64s", {0, 1, 2}, false));
    ints.value_infos = {value_info("probabilities", tensor_type(kFloat, {dim_param("N"), dim_value(3)}))};
    samples.push_back(make_sample("hand-made ZipMap classifier, int64 labels, shaped input", ints.bytes()));
    Classifier renamed;
    renamed.default_opset = false;
    samples.push_back(make_sample("hand-made ZipMap classifier without a default opset", renamed.bytes()));
    Classifier two;
    Proto branch;
    branch.message(1, Proto().bytes(1, "second").bytes(2, "n").bytes(4, "SequenceLength")).bytes(2, "then")
        .message(12, value_info("n", tensor_type(kInt64, {})));
    two.more_nodes = {zipmap_node(iris_labels(), "probabilities", "second", "Z2"),
                      Proto().bytes(1, "c").bytes(2, "n").bytes(4, "If").message(5, Proto().bytes(1, "then_branch").message(6, branch).varint(20, 5))};
    two.more_outputs = {value_info("second", seq_map_type(kString)), value_info("n", tensor_type(kInt64, {}))};
    samples.push_back(make_sample("hand-made two ZipMaps, one read in a subgraph", two.bytes()));
    return samples;
  }();
  return built;
}

}  // namespace

TEST_CASE("the robustness corpus holds at least twenty real models, their test vectors and hand-made samples", "[robustness]") {
  const Corpus& c = corpus();
  std::printf("robustness: corpus: %zu models, %zu tensors, %zu refused-format files\n", c.models.size(), c.tensors.size(), c.formats.size());
  auto real = std::count_if(c.models.begin(), c.models.end(), [](const Sample& s) { return s.name.rfind("hand-made", 0) != 0; });
  CHECK(real >= 20);
  CHECK(c.tensors.size() >= 20);
  for (const Sample& s : c.models) {
    INFO(s.name);
    CHECK_NOTHROW(read_model_info(s.bytes));
    CHECK(!s.spans.empty());
  }
  for (const Sample& s : c.tensors) {
    INFO(s.name);
    CHECK(!s.spans.empty());
    if (s.name.find("hand-made") != std::string::npos && s.name.find("external") == std::string::npos) {
      CHECK_NOTHROW(read_tensor(s.bytes));
    }
  }
  ModelInfo info = read_model_info(feature_model());
  CHECK(info.metadata_props.size() == 2);
  CHECK(info.initializer_count == 3);  // w, e and the sparse s
  CHECK(info.uses_external_data);
  CHECK(info.inputs.size() == 4);  // x, m, o, q: w is an initializer
  CHECK(info.op_types["ai.onnx.ml"]["LabelEncoder"] == 1);
}

TEST_CASE("every strict prefix of a model, test vector or refused file is an error or a valid parse, never a crash", "[robustness]") {
  Watchdog watchdog;
  Clock::time_point started = Clock::now();
  Tally models = all_prefixes(corpus().models, 1);
  report("prefixes of models", models, started);
  // A prefix that ends between two top-level fields after the graph is a valid, smaller model;
  // one that ends inside the graph never is.
  CHECK(models.model.errors > 10 * models.model.valid);
  started = Clock::now();
  report("prefixes of tensors", all_prefixes(corpus().tensors, 1), started);
  started = Clock::now();
  report("prefixes of refused formats (the first and last KiB, then every 8th)", all_prefixes(corpus().formats, 8), started);
}

TEST_CASE("type nesting deeper than kMaxTypeNesting is an invalid_model error, not a stack overflow", "[robustness]") {
  ModelInfo info = read_model_info(model_with_input_type(nested_type(kMaxTypeNesting - 1, false)));
  REQUIRE(info.inputs.size() == 1);
  const TypeInfo* type = &*info.inputs[0].type;
  int depth = 1;
  for (; !type->element.empty(); type = &type->element.front()) ++depth;
  CHECK(depth == kMaxTypeNesting);
  CHECK(type->kind == TypeInfo::Kind::kTensor);

  for (size_t levels : {size_t{kMaxTypeNesting}, size_t{100}, size_t{100'000}}) {
    for (bool mixed : {false, true}) {
      INFO(levels << " levels, " << (mixed ? "sequence/map/optional" : "sequence"));
      try {
        read_model_info(model_with_input_type(nested_type(levels, mixed)));
        FAIL("expected an error");
      } catch (const onnx_predict::Error& e) {
        CHECK(e.code() == ErrorCode::kInvalidModel);
        CHECK(e.message().find("nesting is deeper than 64") != std::string::npos);
      }
    }
  }
}

TEST_CASE("lengths and sizes no buffer could hold are invalid_model errors, not allocations", "[robustness]") {
  const uint64_t huge = uint64_t{1} << 60;
  std::vector<std::pair<const char*, Buffer>> models = {
      {"graph of length 2^60", Proto().varint(1, 8).raw({0x3a}).raw_varint(huge).raw({0x0a, 0x00}).data()},
      {"node of length 2^60", Proto().message(7, Proto().raw({0x0a}).raw_varint(huge)).data()},
      {"input name of length 2^63", Proto().message(7, Proto().message(11, Proto().raw({0x0a}).raw_varint(1ull << 63))).data()},
      {"initializer raw_data of length 2^60", Proto().message(7, Proto().message(5, Proto().raw({0x4a}).raw_varint(huge))).data()},
  };
  for (const auto& [name, bytes] : models) {
    INFO(name);
    CHECK_THROWS_AS(read_model_info(bytes), onnx_predict::Error);
  }
  std::vector<std::pair<const char*, Buffer>> tensors = {
      {"raw_data of length 2^60", Proto().varint(1, 2).varint(2, 1).raw({0x4a}).raw_varint(huge).data()},
      {"dims of 2^40 with 4 raw bytes", Proto().varint(1, 1ull << 40).varint(2, 1).bytes(9, "abcd").data()},
      {"dims of 2^40 with 3 packed int64 values", Proto().varint(1, 1ull << 40).varint(2, 7).packed_varints(7, {1, 2, 3}).data()},
      {"dims of 2^40 with 2 strings", Proto().varint(1, 1ull << 40).varint(2, 8).bytes(6, "a").bytes(6, "b").data()},
      {"dims whose product overflows", Proto().packed_varints(1, {1ull << 62, 8}).varint(2, 1).data()},
      {"a negative dim", Proto().varint(1, static_cast<uint64_t>(-1)).varint(2, 1).data()},
      {"packed float_data of 5 bytes", Proto().varint(1, 1).varint(2, 1).bytes(4, "abcde").data()},
      {"packed double_data of 12 bytes", Proto().varint(1, 1).varint(2, 11).bytes(10, "abcdefghijkl").data()},
      {"packed int64_data ending inside a varint", Proto().varint(1, 2).varint(2, 7).bytes(7, std::string_view("\x01\x80", 2)).data()},
      {"packed int64_data with an 11-byte varint", Proto().varint(1, 1).varint(2, 7).bytes(7, std::string_view("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 11)).data()},
      {"packed dims ending inside a varint", Proto().bytes(1, std::string_view("\x02\x80", 2)).varint(2, 1).data()},
  };
  for (const auto& [name, bytes] : tensors) {
    INFO(name);
    CHECK_THROWS_AS(read_tensor(bytes), onnx_predict::Error);
  }
  // The same fields, packed and unpacked, decode alike.
  Tensor packed = read_tensor(Proto().packed_varints(1, {2}).varint(2, 7).packed_varints(7, {5}).varint(7, 6).data());
  Tensor unpacked = read_tensor(Proto().varint(1, 2).varint(2, 7).varint(7, 5).packed_varints(7, {6}).data());
  CHECK(packed.dims == unpacked.dims);
  CHECK(std::vector<uint8_t>(packed.data().begin(), packed.data().end()) == std::vector<uint8_t>(unpacked.data().begin(), unpacked.data().end()));

  // Deep nesting where the reader does not descend, and many empty fields: quick either way.
  Tally tally;
  Clock::time_point started = Clock::now();
  std::string name = "hand-made hostile input";
  g_crumb.sample = &name;
  g_crumb.kind = "fixed";
  Buffer empty_nodes = Proto().message(7, Proto()).data();
  for (int i = 0; i < 100'000; ++i) empty_nodes.insert(empty_nodes.end(), {0x3a, 0x02, 0x0a, 0x00});
  std::vector<Buffer> inputs = {nest(std::vector<uint32_t>(100'000, 7), {}), nest(std::vector<uint32_t>(100'000, 1), {}), empty_nodes};
  for (const auto* list : {&models, &tensors}) {
    for (const auto& entry : *list) inputs.push_back(entry.second);
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    g_crumb.index = i;
    check_input(tally, inputs[i]);
  }
  g_crumb.sample = nullptr;
  report("hand-made hostile inputs", tally, started);
}

TEST_CASE("seeded mutations of models end in a return or an invalid_model error", "[robustness]") {
  run_mutations("model mutations", corpus().models, kModelMutations, kSeed);
}

TEST_CASE("seeded mutations of tensor test vectors end in a return or an invalid_model error", "[robustness]") {
  run_mutations("tensor mutations", corpus().tensors, kTensorMutations, kSeed ^ 0xa5a5a5a5a5a5a5a5ull);
}

TEST_CASE("prefixes and seeded mutations of ZipMap classifiers end in a rewrite, a note or an invalid_model error", "[robustness][rewrite]") {
  const std::vector<Sample>& samples = zipmap_samples();
  uint64_t rewritable = 0;
  for (const Sample& s : samples) {
    INFO(s.name);
    CHECK(!s.spans.empty());
    rewritable += rewrite_zipmap_outputs(s.bytes).changed;
  }
  CHECK(rewritable >= 4);
  Clock::time_point started = Clock::now();
  Tally prefixes;
  {
    Watchdog watchdog;
    prefixes = all_prefixes(samples, 1);
  }
  report("prefixes of ZipMap classifiers", prefixes, started);
  run_mutations("ZipMap classifier mutations", samples, kZipMapMutations, kSeed ^ 0x7a69704d61700000ull);
}

TEST_CASE("seeded mutations of refused formats (zip, gzip, pickle, ...) end in a return or an error", "[robustness]") {
  if (!fs::exists(kRefusedFixtures)) std::printf("robustness: %s is missing: only hand-made formats are mutated\n", kRefusedFixtures.c_str());
  run_mutations("refused-format mutations", corpus().formats, kFormatMutations, kSeed ^ 0x5a5a5a5a5a5a5a5aull);
}
