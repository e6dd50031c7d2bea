// The ZipMap rewrite (src/onnx/zipmap_rewrite.h): what it rewrites, byte for byte; what it
// declines, each with its note; what it refuses. Hostile inputs: test_robustness.cpp ("[rewrite]").
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.h"
#include "onnx/model_info.h"
#include "onnx/wire_writer.h"
#include "onnx/zipmap_rewrite.h"
#include "proto_mutator.h"
#include "test_support.h"
#include "zipmap_models.h"

using namespace onnx_predict;
using namespace onnx_predict::onnx;
using namespace test_support::zipmap;
using test_support::Proto;

namespace {

namespace fs = std::filesystem;
using Buffer = std::vector<uint8_t>;

// What scripts/test.sh generates with tests/fixtures/make_converter_models.py (hand-made weights)
// and make_pipeline_models.py (trained on iris and wine).
const fs::path kConverterFixtures = test_support::kSourceDir / "build/fixtures/converter";
const fs::path kPipelineFixtures = test_support::kSourceDir / "build/fixtures/pipelines";

// The manifest.json a fixture generator (tests/fixtures/GENERATOR) wrote into folder.
nlohmann::json read_manifest(const fs::path& folder, const std::string& generator) {
  fs::path path = folder / "manifest.json";
  if (!fs::exists(path)) {
    FAIL("missing " << path.string() << ": run `/usr/bin/python3 tests/fixtures/" << generator << " " << folder.string()
                    << "` first (scripts/test.sh does)");
  }
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// For tests/fixtures/check_rewritten.py: written whole, then renamed, as another build's tests may read it.
void write_rewritten(const fs::path& folder, const std::string& file, const Buffer& bytes) {
  fs::path out = folder / (file.substr(0, file.size() - 5) + ".rewritten.onnx");
  fs::path partial = out.string() + ".part" + std::to_string(std::rand());
  {
    std::ofstream o(partial, std::ios::binary);
    o.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  fs::rename(partial, out);
}

// python3-onnx re-reads what was written: check_model, initializers, every other field.
void check_with_python_onnx(const fs::path& folder) {
#ifndef __EMSCRIPTEN__
  if (fs::exists("/usr/bin/python3")) {
    std::string command = "/usr/bin/python3 '" + (test_support::kSourceDir / "tests/fixtures/check_rewritten.py").string() +
                          "' '" + folder.string() + "'";
    INFO(command);
    CHECK(std::system(command.c_str()) == 0);
  }
#else
  (void)folder;
#endif
}

// The fields of a message as written, in order: (field number, tag..end of payload).
std::vector<std::pair<uint32_t, Buffer>> raw_fields(Bytes whole, Bytes message, uint64_t offset) {
  std::vector<std::pair<uint32_t, Buffer>> out;
  MessageReader reader(message, offset, nullptr, nullptr);
  Field f;
  while (reader.next(f)) {
    Bytes raw = raw_field(whole, f);
    out.emplace_back(f.number, Buffer(raw.begin(), raw.end()));
  }
  return out;
}

// The graph field of a model (the first).
Field graph_of(Bytes model) {
  MessageReader reader(model, 0, nullptr, nullptr);
  Field f;
  while (reader.next(f)) {
    if (f.number == 7) return f;
  }
  FAIL("no graph");
  return f;
}

// The rewritten model equals the input but for the graph; the graph equals the input's but for
// the given node and output fields (graph.node[i], graph.output[j]); initializers are identical.
void check_only_rewritten_fields(Bytes original, Bytes rewritten, const std::vector<std::pair<uint32_t, uint32_t>>& changed) {
  auto top_a = raw_fields(original, original, 0), top_b = raw_fields(rewritten, rewritten, 0);
  REQUIRE(top_a.size() == top_b.size());
  for (size_t i = 0; i < top_a.size(); ++i) {
    CHECK(top_a[i].first == top_b[i].first);
    if (top_a[i].first != 7) CHECK(top_a[i].second == top_b[i].second);
  }
  Field ga = graph_of(original), gb = graph_of(rewritten);
  auto a = raw_fields(original, ga.bytes, ga.data_offset), b = raw_fields(rewritten, gb.bytes, gb.data_offset);
  REQUIRE(a.size() == b.size());  // the Identity takes the ZipMap's place
  uint32_t seen[32] = {};
  size_t initializers = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    REQUIRE(a[i].first == b[i].first);
    uint32_t index = a[i].first < 32 ? seen[a[i].first]++ : 0;
    bool expected_change = false;
    for (auto [number, at] : changed) expected_change |= number == a[i].first && at == index;
    INFO("graph field " << a[i].first << "[" << index << "]");
    CHECK((a[i].second != b[i].second) == expected_change);
    initializers += a[i].first == 5;
  }
  CHECK(initializers > 0);
}

RewriteResult rewrite(const Buffer& model) { return rewrite_zipmap_outputs(Bytes(model)); }

// The note of a model the rewrite declines: it must come back unchanged, with that note.
std::string declined_note(const Buffer& model) {
  RewriteResult r = rewrite(model);
  CHECK_FALSE(r.changed);
  CHECK(r.bytes.empty());
  CHECK(r.rewrites.empty());
  REQUIRE(r.notes.size() >= 1);
  return r.notes.front().note;
}

Proto expected_output(size_t classes, const Proto& batch = dim_unknown(), std::string_view name = "output_probability") {
  return value_info(name, tensor_type(kFloat, {batch, dim_value(static_cast<int64_t>(classes))}));
}

Proto if_node(std::string_view output, const Proto& then_branch) {
  Proto else_branch;
  else_branch.bytes(2, "else").message(12, value_info("n", tensor_type(kInt64, {})));
  return Proto().bytes(1, "cond").bytes(2, output).bytes(3, "If").bytes(4, "If")
      .message(5, Proto().bytes(1, "then_branch").message(6, then_branch).varint(20, 5))
      .message(5, Proto().bytes(1, "else_branch").message(6, else_branch).varint(20, 5));
}

}  // namespace

TEST_CASE("a ZipMap with string labels becomes an Identity, and its output the float [N, C] tensor it zipped", "[rewrite]") {
  Classifier original;
  Buffer bytes = original.bytes();
  RewriteResult r = rewrite(bytes);
  REQUIRE(r.changed);
  REQUIRE(r.rewrites.size() == 1);
  CHECK(r.notes.empty());
  const ZipMapRewrite& z = r.rewrites[0];
  CHECK(z.output == "output_probability");
  CHECK(z.new_output == "output_probability");
  CHECK(z.probabilities == "probabilities");
  CHECK_FALSE(z.renamed);
  CHECK(z.node_name == "ZipMap");
  CHECK(z.path == "graph.node[3]");
  CHECK(z.classes == std::vector<std::string>{"setosa", "versicolor", "virginica"});
  CHECK_FALSE(z.int64_labels);
  CHECK(z.note.find("replaced by an Identity") != std::string::npos);
  CHECK(z.note.find("float tensor [N, 3]") != std::string::npos);

  Classifier expected = original;  // the hand-made twin
  expected.last = identity_node("probabilities", "output_probability", "ZipMap");
  expected.probability_output = expected_output(3);
  CHECK(r.bytes == expected.bytes());
  check_only_rewritten_fields(bytes, r.bytes, {{1, 3}, {12, 1}});

  ModelInfo before = read_model_info(bytes), after = read_model_info(r.bytes);
  REQUIRE(after.outputs.size() == 2);
  const TypeInfo& type = *after.outputs[1].type;
  CHECK(after.outputs[1].name == "output_probability");
  CHECK(type.kind == TypeInfo::Kind::kTensor);
  CHECK(type.elem_type == kFloat);
  REQUIRE(type.shape->size() == 2);
  CHECK((*type.shape)[0].kind == Dimension::Kind::kUnknown);
  CHECK((*type.shape)[1].value == 3);
  CHECK(after.op_types["ai.onnx.ml"].count("ZipMap") == 0);
  CHECK(after.op_types[""]["Identity"] == before.op_types[""]["Identity"] + 1);
  CHECK(after.initializer_bytes == before.initializer_bytes);
  CHECK(after.metadata_props == before.metadata_props);

  // Rewriting the rewritten model finds nothing more to do.
  RewriteResult again = rewrite(r.bytes);
  CHECK_FALSE(again.changed);
  CHECK(again.notes.empty());
}

TEST_CASE("int64 labels, packed or not, become their decimal strings", "[rewrite]") {
  for (bool packed : {true, false}) {
    INFO((packed ? "packed" : "unpacked"));
    Classifier c;
    c.last = zipmap_node(ints_attribute("classlabels_int64s", {0, 1, 7, -3, int64_t{1} << 40}, packed));
    c.probability_output = value_info("output_probability", seq_map_type(kInt64));
    RewriteResult r = rewrite(c.bytes());
    REQUIRE(r.rewrites.size() == 1);
    CHECK(r.rewrites[0].int64_labels);
    CHECK(r.rewrites[0].classes == std::vector<std::string>{"0", "1", "7", "-3", "1099511627776"});
    CHECK(r.rewrites[0].note.find("5 int64 class labels") != std::string::npos);
    Classifier expected = c;
    expected.last = identity_node("probabilities", "output_probability", "ZipMap");
    expected.probability_output = expected_output(5);
    CHECK(r.bytes == expected.bytes());
  }
}

TEST_CASE("the batch dimension comes from the ZipMap input's declared shape, and the output's other fields stay", "[rewrite]") {
  Classifier c;
  c.value_infos = {value_info("probabilities", tensor_type(kFloat, {dim_param("batch"), dim_value(3)}))};
  c.probability_output = Proto().bytes(1, "output_probability").message(2, seq_map_type(kString)).bytes(3, "the probabilities");
  RewriteResult r = rewrite(c.bytes());
  REQUIRE(r.changed);
  Classifier expected = c;
  expected.last = identity_node("probabilities", "output_probability", "ZipMap");
  expected.probability_output = Proto().bytes(1, "output_probability")
                                    .message(2, tensor_type(kFloat, {dim_param("batch"), dim_value(3)}))
                                    .bytes(3, "the probabilities");
  CHECK(r.bytes == expected.bytes());

  c.value_infos = {value_info("probabilities", tensor_type(kFloat, {dim_value(1), dim_value(3)}))};
  expected = c;
  expected.last = identity_node("probabilities", "output_probability", "ZipMap");
  expected.probability_output = Proto().bytes(1, "output_probability")
                                    .message(2, tensor_type(kFloat, {dim_value(1), dim_value(3)}))
                                    .bytes(3, "the probabilities");
  CHECK(rewrite(c.bytes()).bytes == expected.bytes());
}

TEST_CASE("an unnamed ZipMap becomes an unnamed Identity; padded tags and lengths of other fields are kept", "[rewrite]") {
  Classifier c;
  c.last = zipmap_node(iris_labels(), "probabilities", "output_probability", "");
  // A metadata entry with a tag padded to two bytes and a doc_string whose length is padded: valid
  // protobuf that a re-serializer would normalize; the rewrite must copy it as it is.
  Buffer bytes = c.bytes();
  Buffer odd = {0xf2, 0x00, 0x02, 'h', 'i', 0x32, 0x82, 0x00, 'o', 'k'};  // field 14 (tag 0x72 padded), doc_string length 2 padded
  bytes.insert(bytes.end(), odd.begin(), odd.end());
  RewriteResult r = rewrite(bytes);
  REQUIRE(r.changed);
  CHECK(r.rewrites[0].node_name.empty());
  CHECK(std::equal(odd.begin(), odd.end(), r.bytes.end() - static_cast<std::ptrdiff_t>(odd.size())));
  Classifier expected = c;
  expected.last = identity_node("probabilities", "output_probability", "");
  expected.probability_output = expected_output(3);
  Buffer expected_bytes = expected.bytes();
  expected_bytes.insert(expected_bytes.end(), odd.begin(), odd.end());
  CHECK(r.bytes == expected_bytes);
}

TEST_CASE("without a default-domain opset for an Identity, the ZipMap is dropped and its input becomes the output", "[rewrite]") {
  Classifier c;
  c.default_opset = false;
  RewriteResult r = rewrite(c.bytes());
  REQUIRE(r.changed);
  const ZipMapRewrite& z = r.rewrites[0];
  CHECK(z.renamed);
  CHECK(z.output == "output_probability");
  CHECK(z.new_output == "probabilities");
  CHECK(z.note.find("is the graph output instead") != std::string::npos);
  Classifier expected = c;
  expected.last = Proto();  // no node
  expected.probability_output = expected_output(3, dim_unknown(), "probabilities");
  CHECK(r.bytes == expected.bytes());

  // ... unless that name is already a graph output.
  c.more_outputs = {value_info("probabilities", tensor_type(kFloat, {dim_unknown(), dim_value(3)}))};
  CHECK(declined_note(c.bytes()).find("is already a graph output") != std::string::npos);
}

TEST_CASE("a ZipMap whose output is also used, or that is malformed as a ZipMap, is declined with a note", "[rewrite]") {
  struct Case {
    const char* name;
    Classifier model;
    const char* note;
  };
  auto with = [](auto change) { Classifier c; change(c); return c; };
  Proto reads_output;  // a then_branch that reads output_probability from the outer scope
  reads_output.message(1, Proto().bytes(1, "output_probability").bytes(2, "n").bytes(4, "SequenceLength")).bytes(2, "then")
      .message(12, value_info("n", tensor_type(kInt64, {})));
  Proto returns_output;  // a then_branch whose output is output_probability itself
  returns_output.bytes(2, "then").message(12, value_info("output_probability", seq_map_type(kString)));
  std::vector<Case> cases = {
      {"feeds another node", with([](Classifier& c) { c.more_nodes = {Proto().bytes(1, "output_probability").bytes(2, "n").bytes(3, "len").bytes(4, "SequenceLength")}; }),
       "its output also feeds graph.node[4] (SequenceLength)"},
      {"read in a subgraph", with([&](Classifier& c) { c.more_nodes = {if_node("n", reads_output)}; }),
       "its output also feeds graph.node[4].attribute[0].g.node[0] (SequenceLength)"},
      {"returned by a subgraph", with([&](Classifier& c) { c.more_nodes = {if_node("n", returns_output)}; }),
       "also returned by a subgraph (graph.node[4].attribute[0].g.output[0])"},
      {"declared twice", with([](Classifier& c) { c.more_outputs = {c.probability_output}; }), "declared 2 times in graph.output"},
      {"not a graph output", with([](Classifier& c) { c.probability_output = value_info("other", tensor_type(kFloat, {})); }),
       "its output is not a graph output"},
      {"made by another node", with([](Classifier& c) { c.more_nodes = {Proto().bytes(1, "label").bytes(2, "output_probability").bytes(4, "Identity")}; }),
       "its output is also made by graph.node[4] (Identity)"},
      {"made by another ZipMap", with([](Classifier& c) { c.more_nodes = {zipmap_node(iris_labels(), "probabilities", "output_probability", "Z2")}; }),
       "also made by the ZipMap at graph.node[4]"},
      {"also a graph input", with([](Classifier& c) { c.more_inputs = {value_info("output_probability", seq_map_type(kString))}; }),
       "its output is also a graph input (graph.input[1])"},
      {"also an initializer", with([](Classifier& c) { c.more_initializers = {Proto().varint(2, kFloat).bytes(8, "output_probability")}; }),
       "its output is also an initializer (graph.initializer[2])"},
      {"also in value_info", with([](Classifier& c) { c.value_infos = {value_info("output_probability", seq_map_type(kString))}; }),
       "also declared in graph.value_info"},
      {"both label lists", with([](Classifier& c) { c.last = zipmap_node(Proto(iris_labels())); c.last.message(5, ints_attribute("classlabels_int64s", {1, 2, 3})); }),
       "both classlabels_strings and classlabels_int64s"},
      {"no label list", with([](Classifier& c) { c.last = Proto().bytes(1, "probabilities").bytes(2, "output_probability").bytes(4, "ZipMap").bytes(7, "ai.onnx.ml"); }),
       "neither classlabels_strings nor classlabels_int64s"},
      {"empty label list", with([](Classifier& c) { c.last = zipmap_node(strings_attribute("classlabels_strings", {})); }), "class label list is empty"},
      {"a label twice", with([](Classifier& c) { c.last = zipmap_node(strings_attribute("classlabels_strings", {"a", "b", "a"})); }),
       "class label 'a' is given twice"},
      {"an int label twice", with([](Classifier& c) { c.last = zipmap_node(ints_attribute("classlabels_int64s", {4, 4})); }), "class label 4 is given twice"},
      {"a list given twice", with([](Classifier& c) { c.last = zipmap_node(iris_labels()); c.last.message(5, iris_labels()); }),
       "classlabels_strings is given twice"},
      {"ints where strings belong", with([](Classifier& c) { c.last = zipmap_node(Proto().bytes(1, "classlabels_strings").varint(8, 1).varint(20, 7)); }),
       "classlabels_strings holds something other than a list of strings"},
      {"a string where ints belong", with([](Classifier& c) { c.last = zipmap_node(Proto().bytes(1, "classlabels_int64s").bytes(4, "x").varint(20, 3)); }),
       "classlabels_int64s holds something other than a list of integers"},
      {"an unknown attribute", with([](Classifier& c) { c.last = zipmap_node(iris_labels()); c.last.message(5, Proto().bytes(1, "axis").varint(3, 1).varint(20, 2)); }),
       "an attribute 'axis' that ZipMap does not define"},
      {"two inputs", with([](Classifier& c) { c.last = zipmap_node(iris_labels()); c.last.bytes(1, "label"); }),
       "does not have exactly one named input and one named output"},
      {"input declared double", with([](Classifier& c) { c.value_infos = {value_info("probabilities", tensor_type(onnx_predict::onnx::kDouble, {dim_unknown(), dim_value(3)}))}; }),
       "its input is declared as float64, not float32"},
      {"input declared rank 3", with([](Classifier& c) { c.value_infos = {value_info("probabilities", tensor_type(kFloat, {dim_unknown(), dim_value(3), dim_value(1)}))}; }),
       "declared with rank 3, not 2"},
      {"input declared as a sequence", with([](Classifier& c) { c.value_infos = {value_info("probabilities", seq_map_type(kString))}; }),
       "declared as something other than a tensor"},
      {"width differs from the labels", with([](Classifier& c) { c.value_infos = {value_info("probabilities", tensor_type(kFloat, {dim_unknown(), dim_value(4)}))}; }),
       "declared 4 wide but it has 3 class labels"},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    Buffer bytes = c.model.bytes();
    RewriteResult r = rewrite(bytes);
    CHECK_FALSE(r.changed);
    CHECK(r.bytes.empty());
    REQUIRE(r.notes.size() >= 1);
    const RewriteNote& note = r.notes.front();
    CHECK_THAT(note.note, Catch::Contains(c.note));
    CHECK_THAT(note.note, Catch::StartsWith("the ai.onnx.ml ZipMap is left unchanged: "));
    CHECK(note.path.rfind("graph.node[", 0) == 0);
    CHECK(note.output == (std::string_view(c.name) == "not a graph output" ? "" : "output_probability"));
    CHECK(read_model_info(bytes).outputs.size() >= 2);  // the fixture itself is a readable model
  }
}

TEST_CASE("ZipMaps inside subgraphs are not rewritten, and subgraphs nested too deep decline the rewrite", "[rewrite]") {
  Proto inner;  // a then_branch with a ZipMap of its own
  inner.message(1, zipmap_node(iris_labels(), "p", "q", "inner")).bytes(2, "then").message(12, value_info("q", seq_map_type(kString)));
  Classifier c;
  c.more_nodes = {if_node("n", inner)};
  RewriteResult r = rewrite(c.bytes());
  CHECK(r.changed);  // the main-graph ZipMap still is
  REQUIRE(r.notes.size() == 1);
  CHECK(r.notes[0].path == "graph.node[4].attribute[0].g.node[0]");
  CHECK_THAT(r.notes[0].note, Catch::Contains("1 ai.onnx.ml ZipMap node(s) inside subgraphs"));

  for (int levels : {kMaxSubgraphNesting, kMaxSubgraphNesting + 1, 100'000}) {
    INFO(levels << " levels");
    // GraphProto{node{attribute{g: GraphProto{node{attribute{g: ...}}}}}}: levels graphs in all.
    std::vector<uint32_t> fields;
    for (int i = 0; i < levels - 1; ++i) fields.insert(fields.end(), {1, 5, 6});
    Buffer graph = test_support::nest(fields, Proto().bytes(2, "deepest").data());
    Classifier deep;
    deep.more_nodes = {Proto().bytes(1, "cond").bytes(2, "n").bytes(4, "If")
                           .message(5, Proto().bytes(1, "then_branch").bytes(6, graph).varint(20, 5))};
    RewriteResult d = rewrite(deep.bytes());
    CHECK(d.changed == (levels <= kMaxSubgraphNesting));
    if (!d.changed) CHECK_THAT(d.notes.front().note, Catch::Contains("subgraphs are nested deeper than 64 levels"));
  }
}

TEST_CASE("one ZipMap may be rewritten while another is declined; sequence outputs of other nodes get a note", "[rewrite]") {
  Classifier c;
  c.more_nodes = {zipmap_node(strings_attribute("classlabels_strings", {"x", "x"}), "probabilities", "second", "Z2"),
                  Proto().bytes(1, "probabilities").bytes(2, "rows").bytes(4, "SplitToSequence")};
  c.more_outputs = {value_info("second", seq_map_type(kString)), value_info("rows", Proto().message(4, Proto()))};
  RewriteResult r = rewrite(c.bytes());
  REQUIRE(r.changed);
  REQUIRE(r.rewrites.size() == 1);
  CHECK(r.rewrites[0].output == "output_probability");
  REQUIRE(r.notes.size() == 2);
  CHECK(r.notes[0].output == "second");
  CHECK(r.notes[0].node_name == "Z2");
  CHECK(r.notes[0].path == "graph.node[4]");
  CHECK_THAT(r.notes[0].note, Catch::Contains("class label 'x' is given twice"));
  CHECK(r.notes[1].output == "rows");
  CHECK(r.notes[1].path == "graph.output[3]");
  CHECK_THAT(r.notes[1].note, Catch::Contains("is a sequence not made by a main-graph ai.onnx.ml ZipMap"));

  nlohmann::json j = to_json(r);
  CHECK(j["changed"] == true);
  CHECK(j["rewrites"][0]["newOutput"] == "output_probability");
  CHECK(j["rewrites"][0]["classes"] == nlohmann::json{"setosa", "versicolor", "virginica"});
  CHECK(j["rewrites"][0]["int64Labels"] == false);
  CHECK(j["notes"][0]["node"] == "Z2");
  CHECK(j["notes"].size() == 2);
}

TEST_CASE("a graph stored in two pieces is left unchanged with a note", "[rewrite]") {
  Buffer bytes = Classifier().bytes();
  Proto second;
  second.message(7, Proto().bytes(10, "more doc"));
  bytes.insert(bytes.end(), second.data().begin(), second.data().end());
  CHECK_THAT(declined_note(bytes), Catch::Contains("stored in 2 pieces"));
}

TEST_CASE("models without a ZipMap come back unchanged and without notes", "[rewrite]") {
  std::vector<fs::path> models = test_support::onnx_test_models();
  if (models.empty()) WARN("Debian's libonnx-testdata is not installed");
  size_t with_sequence_outputs = 0;
  for (const fs::path& p : models) {
    INFO(p.string());
    Buffer bytes = test_support::read_file(p);
    RewriteResult r = rewrite(bytes);
    CHECK_FALSE(r.changed);
    CHECK(r.bytes.empty());
    for (const RewriteNote& n : r.notes) CHECK_THAT(n.note, Catch::Contains("not made by a main-graph ai.onnx.ml ZipMap"));
    with_sequence_outputs += !r.notes.empty();
  }
  std::printf("rewrite: %zu test models unchanged, %zu of them with a note about a sequence or map output\n", models.size(), with_sequence_outputs);
}

TEST_CASE("malformed bytes, an empty buffer or a model without a graph are invalid_model errors", "[rewrite]") {
  auto code_of = [](const Buffer& bytes) {
    try {
      rewrite(bytes);
    } catch (const onnx_predict::Error& e) {
      return std::string(e.code_name()) + " " + e.path() + ": " + e.message();
    }
    return std::string("no error");
  };
  CHECK_THAT(code_of({}), Catch::StartsWith("invalid_model"));
  CHECK_THAT(code_of(Proto().varint(1, 8).data()), Catch::Contains("hold no graph"));
  Buffer bytes = Classifier().bytes();
  CHECK_THAT(code_of(Buffer(bytes.begin(), bytes.end() - 3)), Catch::StartsWith("invalid_model"));
  // Packed labels that end inside a varint: the wire format itself is broken.
  Classifier c;
  c.last = zipmap_node(Proto().bytes(1, "classlabels_int64s").bytes(8, std::string_view("\x01\x80", 2)).varint(20, 7));
  CHECK_THAT(code_of(c.bytes()), Catch::Contains("invalid_model graph.node[3].attribute[0].ints"));
}

TEST_CASE("the converter fixtures are rewritten into their hand-made twins, and python3-onnx checks the result", "[rewrite]") {
  nlohmann::json manifest = read_manifest(kConverterFixtures, "make_converter_models.py");
  size_t rewritten = 0, declined = 0;
  for (const nlohmann::json& entry : manifest) {
    std::string file = entry["file"];
    INFO(file);
    Buffer bytes = test_support::read_file(kConverterFixtures / file);
    RewriteResult r = rewrite(bytes);
    if (entry["expect"] == "decline") {
      CHECK_FALSE(r.changed);
      REQUIRE(!r.notes.empty());
      CHECK(r.notes[0].output == entry["output"].get<std::string>());
      CHECK_THAT(r.notes[0].note, Catch::Contains(entry["reason"].get<std::string>()));
      ++declined;
      continue;
    }
    REQUIRE(r.changed);
    REQUIRE(r.rewrites.size() == 1);
    CHECK(r.notes.empty());
    CHECK(r.rewrites[0].output == entry["output"].get<std::string>());
    CHECK(r.rewrites[0].new_output == entry["output"].get<std::string>());
    CHECK(r.rewrites[0].probabilities == entry["probabilities"].get<std::string>());
    CHECK(r.rewrites[0].classes == entry["classes"].get<std::vector<std::string>>());
    CHECK(r.rewrites[0].int64_labels == entry["int64_labels"].get<bool>());
    CHECK(r.bytes == test_support::read_file(kConverterFixtures / entry["expected"].get<std::string>()));
    ModelInfo info = read_model_info(r.bytes);
    CHECK(info.outputs.size() == read_model_info(bytes).outputs.size());
    write_rewritten(kConverterFixtures, file, r.bytes);
    ++rewritten;
  }
  CHECK(rewritten >= 3);
  CHECK(declined >= 2);
  check_with_python_onnx(kConverterFixtures);
}

TEST_CASE("the trained converter-shaped classifiers are rewritten, and python3-onnx checks the result", "[rewrite]") {
  nlohmann::json manifest = read_manifest(kPipelineFixtures, "make_pipeline_models.py");
  size_t rewritten = 0;
  for (const nlohmann::json& entry : manifest) {
    std::string file = entry["model"];
    INFO(file);
    RewriteResult r = rewrite(test_support::read_file(kPipelineFixtures / file));
    if (!entry.contains("zipmap")) {
      CHECK_FALSE(r.changed);
      CHECK(r.notes.empty());
      continue;
    }
    REQUIRE(r.changed);
    REQUIRE(r.rewrites.size() == 1);
    CHECK(r.notes.empty());
    CHECK(r.rewrites[0].output == entry["zipmap"]["output"].get<std::string>());
    CHECK(r.rewrites[0].probabilities == entry["zipmap"]["probabilities"].get<std::string>());
    CHECK(r.rewrites[0].classes == entry["zipmap"]["classes"].get<std::vector<std::string>>());
    CHECK(r.rewrites[0].int64_labels == entry["zipmap"]["int64Labels"].get<bool>());
    write_rewritten(kPipelineFixtures, file, r.bytes);
    ++rewritten;
  }
  CHECK(rewritten == 2);
  check_with_python_onnx(kPipelineFixtures);
}
