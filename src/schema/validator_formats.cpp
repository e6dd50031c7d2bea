// `format` checks (draft-07 section 7.3), used when ValidatorOptions::check_formats is set. Each
// follows the RFC the spec names, as a plain syntax check (no DNS, no IDN tables).
#include <cctype>
#include <string>

#include "schema/validator_internal.h"

namespace onnx_predict::schema::detail {
namespace {

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }
bool is_hex(char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; }
bool is_alpha(char ch) { return std::isalpha(static_cast<unsigned char>(ch)) != 0; }
bool is_alnum(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) != 0; }

// `count` digits at `pos` as a number, or -1.
int digits(std::string_view s, size_t pos, size_t count) {
  if (pos + count > s.size()) return -1;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!is_digit(s[i])) return -1;
    value = value * 10 + (s[i] - '0');
  }
  return value;
}

// RFC 3339 section 5.6 full-date.
bool is_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day <= kDays[month - 1] + (month == 2 && leap ? 1 : 0);
}

// RFC 3339 section 5.6 full-time: HH:MM:SS[.frac](Z|+HH:MM|-HH:MM); a leap second (:60) allowed.
bool is_time(std::string_view s) {
  if (s.size() < 9 || s[2] != ':' || s[5] != ':') return false;
  int hour = digits(s, 0, 2), minute = digits(s, 3, 2), second = digits(s, 6, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) return false;
  size_t i = 8;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  if (i == s.size()) return false;
  if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == s.size()) return true;
  if ((s[i] != '+' && s[i] != '-') || s.size() != i + 6 || s[i + 3] != ':') return false;
  int offset_hour = digits(s, i + 1, 2), offset_minute = digits(s, i + 4, 2);
  return offset_hour >= 0 && offset_hour <= 23 && offset_minute >= 0 && offset_minute <= 59;
}

bool is_date_time(std::string_view s) {
  return s.size() > 11 && (s[10] == 'T' || s[10] == 't') && is_date(s.substr(0, 10)) && is_time(s.substr(11));
}

// Dotted decimal, no leading zeros (RFC 2673 section 3.2 "dotted-quad").
bool is_ipv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (true) {
    size_t start = i;
    int value = 0;
    while (i < s.size() && is_digit(s[i]) && i - start < 3) value = value * 10 + (s[i++] - '0');
    size_t length = i - start;
    if (length == 0 || value > 255 || (length > 1 && s[start] == '0')) return false;
    ++parts;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

// RFC 4291 section 2.2: eight groups of 1-4 hex digits, one "::" for a run of zero groups, and
// optionally a dotted IPv4 address in place of the last two groups.
bool is_ipv6(std::string_view s) {
  size_t gap = s.find("::");
  if (gap != std::string_view::npos && s.find("::", gap + 1) != std::string_view::npos) return false;
  auto count_groups = [](std::string_view part, bool allow_ipv4_tail, int& groups) {
    if (part.empty()) return true;
    size_t i = 0;
    while (true) {
      size_t end = part.find(':', i);
      std::string_view group = part.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i);
      if (end == std::string_view::npos && allow_ipv4_tail && group.find('.') != std::string_view::npos) {
        if (!is_ipv4(group)) return false;
        groups += 2;
        return true;
      }
      if (group.empty() || group.size() > 4) return false;
      for (char ch : group) {
        if (!is_hex(ch)) return false;
      }
      ++groups;
      if (end == std::string_view::npos) return true;
      i = end + 1;
    }
  };
  int groups = 0;
  if (gap == std::string_view::npos) return count_groups(s, true, groups) && groups == 8;
  return count_groups(s.substr(0, gap), false, groups) && count_groups(s.substr(gap + 2), true, groups) && groups < 8;
}

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !is_hex(s[i])) return false;
  }
  return true;
}

// Bytes of non-ASCII UTF-8 sequences, allowed where the IDN/IRI formats extend the ASCII ones.
bool is_non_ascii(char ch) { return static_cast<unsigned char>(ch) >= 0x80; }

// RFC 1123 section 2.1: dot-separated labels of letters, digits and inner hyphens, 1-63 each,
// 253 in all (in bytes). `unicode` (idn-hostname, roughly): any non-ASCII character may stand
// where a letter may; the IDNA 2008 tables (RFC 5892) are not applied.
bool is_hostname(std::string_view s, bool unicode = false) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t end = s.find('.', start);
    std::string_view label = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char ch : label) {
      if (!is_alnum(ch) && ch != '-' && !(unicode && is_non_ascii(ch))) return false;
    }
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

// RFC 5322 section 3.4.1 addr-spec with a dot-atom local part and a hostname or [IP] domain;
// `unicode` for idn-email (RFC 6531).
bool is_email(std::string_view s, bool unicode = false) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = s.substr(0, at), domain = s.substr(at + 1);
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos) return false;
  for (char ch : local) {
    bool atext = is_alnum(ch) || std::string_view("!#$%&'*+-/=?^_`{|}~.").find(ch) != std::string_view::npos;
    if (!atext && !(unicode && is_non_ascii(ch))) return false;
  }
  if (domain.size() > 2 && domain.front() == '[' && domain.back() == ']') {
    std::string_view literal = domain.substr(1, domain.size() - 2);
    return literal.rfind("IPv6:", 0) == 0 ? is_ipv6(literal.substr(5)) : is_ipv4(literal);
  }
  return is_hostname(domain, unicode);
}

// RFC 3986 section 2: unreserved, sub-delims, %HH escapes and the characters in `extra`;
// `unicode` admits non-ASCII (RFC 3987 IRIs).
bool uri_chars(std::string_view s, std::string_view extra, bool unicode) {
  for (size_t i = 0; i < s.size(); ++i) {
    char ch = s[i];
    if (ch == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
      i += 2;
    } else if (!is_alnum(ch) && std::string_view("-._~!$&'()*+,;=").find(ch) == std::string_view::npos &&
               extra.find(ch) == std::string_view::npos && !(unicode && is_non_ascii(ch))) {
      return false;
    }
  }
  return true;
}

// RFC 3986 section 3.2: [userinfo "@"] host [":" port], host an [IPv6] literal or a reg-name.
bool is_authority(std::string_view s, bool unicode) {
  size_t at = s.rfind('@');
  if (at != std::string_view::npos) {
    if (!uri_chars(s.substr(0, at), ":", unicode)) return false;
    s = s.substr(at + 1);
  }
  std::string_view port;
  if (!s.empty() && s[0] == '[') {
    size_t close = s.find(']');
    if (close == std::string_view::npos || !is_ipv6(s.substr(1, close - 1))) return false;
    if (close + 1 < s.size() && s[close + 1] != ':') return false;
    port = close + 1 < s.size() ? s.substr(close + 2) : std::string_view();
  } else {
    size_t colon = s.find(':');
    if (!uri_chars(s.substr(0, colon), "", unicode)) return false;
    port = colon == std::string_view::npos ? std::string_view() : s.substr(colon + 1);
  }
  for (char ch : port) {
    if (!is_digit(ch)) return false;
  }
  return true;
}

// RFC 3986 section 4.1 URI-reference (RFC 3987 IRI-reference with `unicode`); `absolute`
// requires a scheme (the uri and iri formats).
bool is_uri_reference(std::string_view s, bool absolute, bool unicode) {
  size_t colon = s.find(':');
  size_t first_delimiter = s.find_first_of("/?#");
  bool has_scheme = colon != std::string_view::npos && colon > 0 && colon < first_delimiter && is_alpha(s[0]);
  for (size_t i = 1; has_scheme && i < colon; ++i) {
    if (!is_alnum(s[i]) && s[i] != '+' && s[i] != '-' && s[i] != '.') return false;
  }
  if (absolute && !has_scheme) return false;
  std::string_view rest = has_scheme ? s.substr(colon + 1) : s;
  if (rest.substr(0, 2) == "//") {
    size_t end = rest.find_first_of("/?#", 2);
    if (!is_authority(rest.substr(2, end == std::string_view::npos ? std::string_view::npos : end - 2), unicode)) {
      return false;
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  }
  size_t hash = rest.find('#');
  if (hash != std::string_view::npos && !uri_chars(rest.substr(hash + 1), ":@/?", unicode)) return false;
  return uri_chars(rest.substr(0, hash), ":@/?", unicode);
}

// RFC 6570: literals and {expressions}, braces neither nested nor unbalanced.
bool is_uri_template(std::string_view s) {
  bool open = false;
  size_t expression_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '{') {
      if (open) return false;
      open = true;
      expression_start = i + 1;
    } else if (s[i] == '}') {
      if (!open || i == expression_start) return false;
      open = false;
    } else if (!open && (static_cast<unsigned char>(s[i]) <= 0x20 ||
                         std::string_view("\"'<>\\^`|").find(s[i]) != std::string_view::npos)) {
      return false;
    }
  }
  return !open;
}

bool is_json_pointer(std::string_view s) {
  if (!s.empty() && s[0] != '/') return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '~' && (i + 1 >= s.size() || (s[i + 1] != '0' && s[i + 1] != '1'))) return false;
  }
  return true;
}

// draft-handrews-relative-json-pointer-01: a non-negative integer, then "#" or a JSON pointer.
bool is_relative_json_pointer(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_digit(s[i])) ++i;
  if (i == 0 || (i > 1 && s[0] == '0')) return false;
  std::string_view rest = s.substr(i);
  return rest == "#" || is_json_pointer(rest);
}

}  // namespace

std::optional<Format> format_from_name(std::string_view name) {
  if (name == "date-time") return Format::kDateTime;
  if (name == "date") return Format::kDate;
  if (name == "time") return Format::kTime;
  if (name == "email") return Format::kEmail;
  if (name == "idn-email") return Format::kIdnEmail;
  if (name == "ipv4") return Format::kIpv4;
  if (name == "ipv6") return Format::kIpv6;
  if (name == "uuid") return Format::kUuid;
  if (name == "uri") return Format::kUri;
  if (name == "uri-reference") return Format::kUriReference;
  if (name == "iri") return Format::kIri;
  if (name == "iri-reference") return Format::kIriReference;
  if (name == "uri-template") return Format::kUriTemplate;
  if (name == "hostname") return Format::kHostname;
  if (name == "idn-hostname") return Format::kIdnHostname;
  if (name == "json-pointer") return Format::kJsonPointer;
  if (name == "relative-json-pointer") return Format::kRelativeJsonPointer;
  if (name == "regex") return Format::kRegex;
  return std::nullopt;
}

bool check_format(Format format, std::string_view text) {
  switch (format) {
    case Format::kDateTime: return is_date_time(text);
    case Format::kDate: return is_date(text);
    case Format::kTime: return is_time(text);
    case Format::kEmail: return is_email(text);
    case Format::kIdnEmail: return is_email(text, true);
    case Format::kIpv4: return is_ipv4(text);
    case Format::kIpv6: return is_ipv6(text);
    case Format::kUuid: return is_uuid(text);
    case Format::kUri: return is_uri_reference(text, true, false);
    case Format::kUriReference: return is_uri_reference(text, false, false);
    case Format::kIri: return is_uri_reference(text, true, true);
    case Format::kIriReference: return is_uri_reference(text, false, true);
    case Format::kUriTemplate: return is_uri_template(text);
    case Format::kHostname: return is_hostname(text);
    case Format::kIdnHostname: return is_hostname(text, true);
    case Format::kJsonPointer: return is_json_pointer(text);
    case Format::kRelativeJsonPointer: return is_relative_json_pointer(text);
    case Format::kRegex: {
      std::string error;
      return Regex::compile(text, &error) != nullptr;
    }
  }
  return true;
}

}  // namespace onnx_predict::schema::detail
