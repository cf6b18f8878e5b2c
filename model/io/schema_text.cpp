// Schema facts and wording shared by the YAML reader, the checks and the writer.
#include "model/io/schema_text.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include "ketensim/options.pb.h"

namespace ketensim::io::detail {
namespace {

namespace pb = google::protobuf;
using pb::FieldDescriptor;

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Noun phrase for one value of a field, before the parenthesised details.
std::string value_noun(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      return "a number";
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
      return "an integer";
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return "an unsigned integer";
    case FieldDescriptor::CPPTYPE_BOOL:
      return "true or false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return "one of " + join(enum_names(*field.enum_type()), ", ");
    case FieldDescriptor::CPPTYPE_STRING:
      return is_month(field) ? "a month \"YYYY-MM\"" : "a string";
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return "a mapping";
  }
  return "a value";
}

std::string type_name(const FieldDescriptor& field) {
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_ENUM) return "enum " + field.enum_type()->name();
  if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    return "message " + field.message_type()->name();
  }
  return field.type_name();
}

bool is_numeric(const FieldDescriptor& field) {
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return true;
    default:
      return false;
  }
}

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), std::size_t{0});
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      const std::size_t substitute = diagonal + (a[i - 1] == b[j - 1] ? 0U : 1U);
      row[j] = std::min({above + 1, row[j - 1] + 1, substitute});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> suggest(std::string_view typed,
                                   const std::vector<std::string>& candidates) {
  const std::string typed_lower = lower(typed);
  const std::size_t threshold = std::max<std::size_t>(2, typed.size() / 3);
  std::optional<std::string> best;
  std::size_t best_distance = threshold + 1;
  for (const auto& candidate : candidates) {
    const std::size_t distance = edit_distance(typed_lower, lower(candidate));
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string suggestion_text(std::string_view typed, const std::vector<std::string>& allowed) {
  std::string text;
  if (auto best = suggest(typed, allowed)) text = "; did you mean '" + *best + "'?";
  return text + " (allowed: " + join(allowed, ", ") + ")";
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string format_double(double value) {
  char buffer[64];
  // Whole numbers in fixed notation ("8200000", not "8.2e+06"); the rest shortest.
  const bool whole = std::isfinite(value) && std::trunc(value) == value && std::fabs(value) < 1e15;
  const auto result =
      whole ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
            : std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

Limits limits_of(const FieldDescriptor& field) {
  const auto& options = field.options();
  Limits limits;
  if (options.HasExtension(config::min)) limits.min = options.GetExtension(config::min);
  if (options.HasExtension(config::max)) limits.max = options.GetExtension(config::max);
  return limits;
}

std::string range_text(const Limits& limits) {
  // Appended piece by piece: GCC 12 -O3 reports a false -Wrestrict for "[" + std::string&&.
  std::string text = limits.min ? std::string("[").append(format_double(*limits.min)) : "(-inf";
  text += ", ";
  text += limits.max ? format_double(*limits.max) + "]" : "inf)";
  return text;
}

std::string unit_of(const FieldDescriptor& field) {
  return field.options().GetExtension(config::unit);
}

std::string source_of(const FieldDescriptor& field) {
  return field.options().GetExtension(config::source);
}

bool is_month(const FieldDescriptor& field) {
  return field.options().GetExtension(config::month);
}

const FieldDescriptor* map_key_of(const pb::Descriptor& message) {
  if (!message.options().HasExtension(config::map_key)) return nullptr;
  const std::string& name = message.options().GetExtension(config::map_key);
  const FieldDescriptor* key = message.FindFieldByName(name);
  if (key == nullptr || key->is_repeated() || key->cpp_type() != FieldDescriptor::CPPTYPE_STRING) {
    throw std::logic_error("schema: (map_key) of " + message.full_name() + " names '" + name +
                           "', which is not a singular string field");
  }
  return key;
}

std::vector<std::string> field_names(const pb::Descriptor& message) {
  std::vector<std::string> names;
  for (int i = 0; i < message.field_count(); ++i) names.push_back(message.field(i)->name());
  return names;
}

std::vector<std::string> enum_names(const pb::EnumDescriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) names.push_back(type.value(i)->name());
  return names;
}

std::string expected_text(const FieldDescriptor& field) {
  std::vector<std::string> details{type_name(field)};
  if (const std::string unit = unit_of(field); !unit.empty()) details.push_back("unit " + unit);
  if (const Limits limits = limits_of(field); is_numeric(field) && (limits.min || limits.max)) {
    details.push_back("range " + range_text(limits));
  }
  return value_noun(field) + " (" + join(details, ", ") + ")";
}

std::string allowed_text(const FieldDescriptor& field) {
  std::string text = "allowed range " + range_text(limits_of(field));
  if (const std::string unit = unit_of(field); !unit.empty()) text += ", unit " + unit;
  return text;
}

}  // namespace ketensim::io::detail
