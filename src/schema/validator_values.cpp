// JSON value helpers for validation. Everything that walks a value is iterative, so values of any
// depth (built in C++, not parsed) cannot overflow the stack.
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "schema/validator_internal.h"

namespace onnx_predict::schema::detail {
namespace {

constexpr double kTwoPow63 = 9223372036854775808.0;
constexpr double kTwoPow64 = 18446744073709551616.0;
constexpr double kTwoPow53 = 9007199254740992.0;

int sign_of(bool less, bool greater) { return less ? -1 : (greater ? 1 : 0); }

int compare_int_double(int64_t i, double d) {
  if (std::isnan(d)) return 2;
  if (d >= kTwoPow63) return -1;
  if (d < -kTwoPow63) return 1;
  double t = std::trunc(d);
  auto ti = static_cast<int64_t>(t);
  if (i != ti) return sign_of(i<ti, i> ti);
  double frac = d - t;
  return sign_of(frac > 0, frac < 0);
}

int compare_uint_double(uint64_t u, double d) {
  if (std::isnan(d)) return 2;
  if (d < 0) return 1;
  if (d >= kTwoPow64) return -1;
  double t = std::trunc(d);
  auto tu = static_cast<uint64_t>(t);
  if (u != tu) return sign_of(u<tu, u> tu);
  return d > t ? -1 : 0;
}

double as_double(const Json& v) {
  if (v.is_number_unsigned()) return static_cast<double>(v.get<uint64_t>());
  if (v.is_number_integer()) return static_cast<double>(v.get<int64_t>());
  return v.get<double>();
}

void append_python_repr(const Json& v, std::string& out, int depth) {
  if (depth > 32) {
    out += "...";
    return;
  }
  switch (v.type()) {
    case Json::value_t::null: out += "None"; return;
    case Json::value_t::boolean: out += v.get<bool>() ? "True" : "False"; return;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: out += python_number(v); return;
    case Json::value_t::string: {
      const std::string& s = v.get_ref<const std::string&>();
      // Python quotes with ' unless the text holds ' and no ".
      char quote = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
      out += quote;
      for (char ch : s) {
        auto u = static_cast<unsigned char>(ch);
        if (ch == quote || ch == '\\') {
          out += '\\';
          out += ch;
        } else if (ch == '\n') {
          out += "\\n";
        } else if (ch == '\r') {
          out += "\\r";
        } else if (ch == '\t') {
          out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", u);
          out += buf;
        } else {
          out += ch;
        }
      }
      out += quote;
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& item : v) {
        if (!first) out += ", ";
        first = false;
        append_python_repr(item, out, depth + 1);
      }
      out += ']';
      return;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ", ";
        first = false;
        append_python_repr(Json(it.key()), out, depth + 1);
        out += ": ";
        append_python_repr(*it, out, depth + 1);
      }
      out += '}';
      return;
    }
    default: out += "<binary>"; return;
  }
}

// Python's float repr: the shortest digits that round-trip, fixed notation for exponents in
// [-4, 16), scientific ("1e-05", "1.5e+16") otherwise.
std::string python_float(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*e", precision - 1, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string text = buf;
  std::string sign;
  if (text[0] == '-') {
    sign = "-";
    text.erase(0, 1);
  }
  size_t e_pos = text.find('e');
  int exponent = std::atoi(text.c_str() + e_pos + 1);
  std::string digits;
  for (size_t i = 0; i < e_pos; ++i) {
    if (text[i] != '.') digits += text[i];
  }
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return sign + "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + digits;
    auto int_len = static_cast<size_t>(exponent) + 1;
    if (digits.size() <= int_len) return sign + digits + std::string(int_len - digits.size(), '0') + ".0";
    return sign + digits.substr(0, int_len) + "." + digits.substr(int_len);
  }
  std::string mantissa = digits.size() > 1 ? digits.substr(0, 1) + "." + digits.substr(1) : digits;
  char exp_buf[16];
  std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
  return sign + mantissa + exp_buf;
}

}  // namespace

bool is_number(const Json& v) { return v.is_number(); }

bool is_integral(const Json& v) {
  if (v.is_number_integer()) return true;  // also unsigned
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::trunc(d) == d;
}

int compare_numbers(const Json& a, const Json& b) {
  bool a_float = a.is_number_float(), b_float = b.is_number_float();
  if (!a_float && !b_float) {
    if (a.is_number_unsigned() && b.is_number_unsigned()) {
      uint64_t x = a.get<uint64_t>(), y = b.get<uint64_t>();
      return sign_of(x<y, x> y);
    }
    if (!a.is_number_unsigned() && !b.is_number_unsigned()) {
      int64_t x = a.get<int64_t>(), y = b.get<int64_t>();
      return sign_of(x<y, x> y);
    }
    if (a.is_number_unsigned()) return -compare_numbers(b, a);
    int64_t x = a.get<int64_t>();  // signed vs unsigned
    uint64_t y = b.get<uint64_t>();
    if (x < 0) return -1;
    return sign_of(static_cast<uint64_t>(x) < y, static_cast<uint64_t>(x) > y);
  }
  if (a_float && b_float) {
    double x = a.get<double>(), y = b.get<double>();
    if (std::isnan(x) || std::isnan(y)) return 2;
    return sign_of(x<y, x> y);
  }
  if (b_float) {
    double d = b.get<double>();
    return a.is_number_unsigned() ? compare_uint_double(a.get<uint64_t>(), d) : compare_int_double(a.get<int64_t>(), d);
  }
  int reversed = compare_numbers(b, a);
  return reversed == 2 ? 2 : -reversed;
}

bool is_multiple_of(const Json& value, const Json& divisor) {
  if (!value.is_number_float() && !divisor.is_number_float()) {  // exact integer arithmetic
    uint64_t d = divisor.is_number_unsigned() ? divisor.get<uint64_t>() : static_cast<uint64_t>(divisor.get<int64_t>());
    uint64_t magnitude;
    if (value.is_number_unsigned()) {
      magnitude = value.get<uint64_t>();
    } else {
      int64_t v = value.get<int64_t>();
      magnitude = v < 0 ? ~static_cast<uint64_t>(v) + 1 : static_cast<uint64_t>(v);
    }
    return magnitude % d == 0;
  }
  double v = as_double(value), m = as_double(divisor);
  if (!std::isfinite(v)) return false;
  if (std::trunc(m) == m) return std::fmod(v, m) == 0.0;  // fmod is exact
  // A non-integral divisor (0.0001) has no exact binary value: accept a quotient within a few
  // rounding errors of an integer (each of value, divisor and the division adds at most half an
  // ulp, so 8 epsilons relative to the quotient is a safe margin). 0.0075 / 0.0001 passes,
  // 0.00751 / 0.0001 does not; a quotient that overflows to inf is not a multiple.
  double q = v / m;
  if (!std::isfinite(q)) return false;
  if (std::fabs(q) >= kTwoPow53) return true;  // every double this large is an integer
  return std::fabs(q - std::nearbyint(q)) <= 8 * DBL_EPSILON * std::fabs(q);
}

bool json_equal(const Json& a, const Json& b) {
  std::vector<std::pair<const Json*, const Json*>> stack{{&a, &b}};
  while (!stack.empty()) {
    auto [x, y] = stack.back();
    stack.pop_back();
    if (x->is_number() && y->is_number()) {
      if (compare_numbers(*x, *y) != 0) return false;
      continue;
    }
    if (x->type() != y->type()) return false;
    switch (x->type()) {
      case Json::value_t::array:
        if (x->size() != y->size()) return false;
        for (size_t i = 0; i < x->size(); ++i) stack.push_back({&(*x)[i], &(*y)[i]});
        break;
      case Json::value_t::object: {
        if (x->size() != y->size()) return false;
        auto i = x->begin();
        auto j = y->begin();
        for (; i != x->end(); ++i, ++j) {  // both iterate in key order
          if (i.key() != j.key()) return false;
          stack.push_back({&*i, &*j});
        }
        break;
      }
      case Json::value_t::discarded: return false;
      default:
        if (*x != *y) return false;  // null, boolean, string, binary
    }
  }
  return true;
}

size_t json_hash(const Json& v) {
  size_t h = 1469598103934665603ull & SIZE_MAX;
  auto mix = [&h](size_t x) { h = (h ^ x) * (1099511628211ull & SIZE_MAX) + 0x9e3779b9; };
  std::vector<const Json*> stack{&v};
  while (!stack.empty()) {
    const Json* x = stack.back();
    stack.pop_back();
    if (x->is_number()) {
      double d = as_double(*x);
      mix(std::hash<double>{}(d == 0 ? 0.0 : d));  // 1 and 1.0 hash alike; so do 0 and -0.0
      continue;
    }
    mix(static_cast<size_t>(x->type()));
    switch (x->type()) {
      case Json::value_t::string: mix(std::hash<std::string>{}(x->get_ref<const std::string&>())); break;
      case Json::value_t::boolean: mix(x->get<bool>() ? 1 : 2); break;
      case Json::value_t::array:
        mix(x->size());
        for (const Json& item : *x) stack.push_back(&item);
        break;
      case Json::value_t::object:
        mix(x->size());
        for (auto it = x->begin(); it != x->end(); ++it) {
          mix(std::hash<std::string>{}(it.key()));
          stack.push_back(&*it);
        }
        break;
      default: break;
    }
  }
  return h;
}

Json copy_bounded(const Json& v, size_t max_depth) {
  Json out;
  struct Task {
    const Json* from;
    Json* to;
    size_t depth;
  };
  std::vector<Task> stack{{&v, &out, 0}};
  while (!stack.empty()) {
    Task t = stack.back();
    stack.pop_back();
    if (t.from->is_array()) {
      if (t.depth >= max_depth) continue;  // stays null
      *t.to = Json::array();
      auto& items = t.to->get_ref<Json::array_t&>();
      items.resize(t.from->size());  // addresses stay put from here on
      for (size_t i = 0; i < items.size(); ++i) stack.push_back({&(*t.from)[i], &items[i], t.depth + 1});
    } else if (t.from->is_object()) {
      if (t.depth >= max_depth) continue;
      *t.to = Json::object();
      auto& members = t.to->get_ref<Json::object_t&>();
      for (auto it = t.from->begin(); it != t.from->end(); ++it) {
        stack.push_back({&*it, &members[it.key()], t.depth + 1});  // std::map nodes are stable
      }
    } else {
      *t.to = *t.from;
    }
  }
  return out;
}

std::string python_repr(const Json& v) {
  std::string out;
  append_python_repr(v, out, 0);
  return out;
}

std::string python_number(const Json& v) {
  if (v.is_number_unsigned()) return std::to_string(v.get<uint64_t>());
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number_float()) return python_float(v.get<double>());
  return python_repr(v);
}

std::string python_or_list(const Json* begin, const Json* end) {
  std::string out;
  for (const Json* it = begin; it != end; ++it) {
    if (it != begin) out += it + 1 == end ? " or " : ", ";
    out += python_repr(*it);
  }
  return out;
}

size_t count_code_points(std::string_view utf8) {
  size_t n = 0;
  for (char ch : utf8) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return n;
}

}  // namespace onnx_predict::schema::detail
