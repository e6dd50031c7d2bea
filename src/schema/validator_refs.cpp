// `$ref` resolution (draft-07 section 8): base URIs from `$id`, location-independent identifiers
// (`$id: "#name"`, and 2019-09's `$anchor`), JSON Pointer fragments, and the built-in draft-07
// meta-schema. Remote documents are never fetched.
#include <algorithm>
#include <cctype>
#include <utility>

#include "common/error.h"
#include "schema/draft7_metaschema.h"
#include "schema/json_pointer.h"
#include "schema/validator_internal.h"

namespace onnx_predict::schema::detail {
namespace {

// The five components of a URI reference (RFC 3986 section 3); absent ones are nullopt.
struct UriParts {
  std::optional<std::string> scheme, authority, query, fragment;
  std::string path;
};

UriParts parse_uri(std::string_view s) {
  UriParts parts;
  size_t i = 0;
  size_t colon = s.find(':');
  if (colon != std::string_view::npos && colon > 0 && std::isalpha(static_cast<unsigned char>(s[0]))) {
    bool scheme_chars = std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(colon), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '+' || ch == '-' || ch == '.';
    });
    if (scheme_chars) {
      parts.scheme = std::string(s.substr(0, colon));
      i = colon + 1;
    }
  }
  if (s.substr(i, 2) == "//") {
    size_t end = s.find_first_of("/?#", i + 2);
    if (end == std::string_view::npos) end = s.size();
    parts.authority = std::string(s.substr(i + 2, end - i - 2));
    i = end;
  }
  size_t path_end = s.find_first_of("?#", i);
  if (path_end == std::string_view::npos) path_end = s.size();
  parts.path = std::string(s.substr(i, path_end - i));
  i = path_end;
  if (i < s.size() && s[i] == '?') {
    size_t end = s.find('#', i);
    if (end == std::string_view::npos) end = s.size();
    parts.query = std::string(s.substr(i + 1, end - i - 1));
    i = end;
  }
  if (i < s.size() && s[i] == '#') parts.fragment = std::string(s.substr(i + 1));
  return parts;
}

// RFC 3986 section 5.2.4.
std::string remove_dot_segments(std::string input) {
  std::string output;
  while (!input.empty()) {
    if (input.rfind("../", 0) == 0) {
      input.erase(0, 3);
    } else if (input.rfind("./", 0) == 0) {
      input.erase(0, 2);
    } else if (input.rfind("/./", 0) == 0) {
      input.erase(0, 2);
    } else if (input == "/.") {
      input = "/";
    } else if (input.rfind("/../", 0) == 0 || input == "/..") {
      input = input.size() == 3 ? std::string("/") : input.substr(3);
      size_t last = output.rfind('/');
      output.erase(last == std::string::npos ? 0 : last);
    } else if (input == "." || input == "..") {
      input.clear();
    } else {
      size_t next = input.find('/', input[0] == '/' ? 1 : 0);
      if (next == std::string::npos) next = input.size();
      output += input.substr(0, next);
      input.erase(0, next);
    }
  }
  return output;
}

std::string compose_uri(const UriParts& t) {
  std::string out;
  if (t.scheme) out += *t.scheme + ":";
  if (t.authority) out += "//" + *t.authority;
  out += t.path;
  if (t.query) out += "?" + *t.query;
  if (t.fragment) out += "#" + *t.fragment;
  return out;
}

std::string strip_fragment(const std::string& uri) { return uri.substr(0, uri.find('#')); }

Error invalid_ref(const std::string& ref, const std::string& why, const std::string& pointer) {
  return Error(ErrorCode::kSchemaInvalid, "$ref \"" + ref + "\" " + why, pointer);
}

}  // namespace

std::string resolve_uri(std::string_view base, std::string_view ref) {
  UriParts r = parse_uri(ref);
  UriParts b = parse_uri(base);
  UriParts t;
  if (r.scheme) {
    t = r;
    t.path = remove_dot_segments(r.path);
    return compose_uri(t);
  }
  t.scheme = b.scheme;
  if (r.authority) {
    t.authority = r.authority;
    t.path = remove_dot_segments(r.path);
    t.query = r.query;
  } else {
    t.authority = b.authority;
    if (r.path.empty()) {
      t.path = b.path;
      t.query = r.query ? r.query : b.query;
    } else {
      if (r.path[0] == '/') {
        t.path = remove_dot_segments(r.path);
      } else if (b.authority && b.path.empty()) {
        t.path = remove_dot_segments("/" + r.path);
      } else {
        size_t slash = b.path.rfind('/');
        std::string merged = slash == std::string::npos ? r.path : b.path.substr(0, slash + 1) + r.path;
        t.path = remove_dot_segments(merged);
      }
      t.query = r.query;
    }
  }
  t.fragment = r.fragment;
  return compose_uri(t);
}

std::string apply_id(const std::string& parent_base, const Json& schema) {
  if (!schema.is_object() || schema.contains("$ref")) return parent_base;
  auto id = schema.find("$id");
  if (id == schema.end() || !id->is_string()) return parent_base;
  return strip_fragment(resolve_uri(parent_base, id->get_ref<const std::string&>()));
}

SchemaIndex::SchemaIndex(const Json& root) {
  scan(root, "", "");
  root_ = Location{&root, apply_id("", root), ""};
}

void SchemaIndex::scan(const Json& document, const std::string& base, const std::string& pointer) {
  struct Item {
    const Json* json;
    std::string parent_base;
    std::string pointer;
    size_t depth;
  };
  std::vector<Item> stack;
  stack.push_back({&document, base, pointer, 0});
  bool document_root = true;
  while (!stack.empty()) {
    Item item = std::move(stack.back());
    stack.pop_back();
    if (item.depth > kMaxSchemaDepth) {
      throw Error(ErrorCode::kSchemaInvalid,
                  "the schema nests subschemas deeper than " + std::to_string(kMaxSchemaDepth) +
                      " levels; flatten it (move shared parts under \"$defs\" and use \"$ref\")",
                  item.pointer);
    }
    const Json& schema = *item.json;
    if (!schema.is_object()) continue;
    bool has_ref = schema.contains("$ref");
    std::string own_base = apply_id(item.parent_base, schema);
    if (document_root) resources_.emplace(own_base, Location{&schema, own_base, item.pointer});
    document_root = false;
    if (!has_ref) {
      auto id = schema.find("$id");
      if (id != schema.end() && id->is_string()) {
        const std::string& text = id->get_ref<const std::string&>();
        std::string full = resolve_uri(item.parent_base, text);
        size_t hash = full.find('#');
        if (!text.empty() && text[0] != '#')
          resources_.emplace(full.substr(0, hash), Location{&schema, own_base, item.pointer});
        if (hash != std::string::npos && hash + 1 < full.size() && full[hash + 1] != '/') {
          anchors_.emplace(full, Location{&schema, own_base, item.pointer});
        }
      }
      auto anchor = schema.find("$anchor");
      if (anchor != schema.end() && anchor->is_string()) {
        anchors_.emplace(own_base + "#" + anchor->get<std::string>(), Location{&schema, own_base, item.pointer});
      }
    }
    for_each_subschema(schema, has_ref, [&](const Json& child, const std::string& suffix) {
      stack.push_back({&child, own_base, item.pointer + suffix, item.depth + 1});
    });
  }
}

Location SchemaIndex::resolve(const std::string& ref, const std::string& base, const std::string& ref_pointer) {
  std::string uri = resolve_uri(base, ref);
  size_t hash = uri.find('#');
  std::string doc = uri.substr(0, hash);
  std::string fragment = hash == std::string::npos ? "" : uri.substr(hash + 1);
  auto resource = resources_.find(doc);
  if (resource == resources_.end() && doc == kDraft7MetaSchemaUri && !metaschema_) {
    metaschema_ = std::make_unique<Json>(Json::parse(kDraft7MetaSchema));
    scan(*metaschema_, "", std::string(kDraft7MetaSchemaUri) + "#");
    resource = resources_.find(doc);
  }
  if (resource == resources_.end()) {
    throw invalid_ref(ref,
                      "refers to the document \"" + doc +
                          "\", which is not part of this schema: remote references are not fetched. Copy the "
                          "referenced schema under \"$defs\" and refer to it as \"#/$defs/<name>\"",
                      ref_pointer);
  }
  if (fragment.empty()) return resource->second;
  if (fragment[0] != '/') {
    auto anchor = anchors_.find(doc + "#" + fragment);
    if (anchor == anchors_.end()) {
      throw invalid_ref(ref, "names the identifier \"#" + fragment + "\", but no subschema declares it with \"$id\"",
                        ref_pointer);
    }
    return anchor->second;
  }
  std::optional<std::vector<std::string>> tokens = parse_pointer(percent_decode(fragment));
  if (!tokens) throw invalid_ref(ref, "has a malformed JSON Pointer fragment (RFC 6901)", ref_pointer);
  Location at = resource->second;
  for (const std::string& token : *tokens) {
    const Json* next = nullptr;
    if (at.json->is_object()) {
      auto member = at.json->find(token);
      if (member != at.json->end()) next = &*member;
    } else if (at.json->is_array() && !token.empty() && token.size() < 10 &&
               std::all_of(token.begin(), token.end(), [](char ch) { return ch >= '0' && ch <= '9'; }) &&
               (token == "0" || token[0] != '0')) {
      size_t index = std::stoul(token);
      if (index < at.json->size()) next = &(*at.json)[index];
    }
    if (next == nullptr) {
      throw invalid_ref(ref, "points to nothing: there is no \"" + token + "\" at \"" + at.pointer + "\"", ref_pointer);
    }
    at.json = next;
    at.pointer = append_pointer(at.pointer, token);
    at.base = apply_id(at.base, *next);
  }
  return at;
}

}  // namespace onnx_predict::schema::detail
