// Schema facts and wording shared by the YAML reader, the checks and the
// writer: the (min)/(max)/(unit)/(source)/(month)/(map_key) options, what a
// field accepts in words, typo suggestions, and number text that round-trips.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <google/protobuf/descriptor.h>

namespace ketensim::io::detail {

// Levenshtein distance (insert, delete, substitute each cost 1).
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `typed` (case-insensitive) when it is a likely typo:
// distance <= max(2, typed.size() / 3). Ties go to the earlier candidate.
std::optional<std::string> suggest(std::string_view typed,
                                   const std::vector<std::string>& candidates);

// "; did you mean 'x'? (allowed: a, b, c)" or " (allowed: a, b, c)".
std::string suggestion_text(std::string_view typed, const std::vector<std::string>& allowed);

std::string join(const std::vector<std::string>& items, std::string_view separator);

// Shortest text that parses back to exactly `value` ("10", "0.0833", "4e+09").
std::string format_double(double value);

// Inclusive bounds from the (min)/(max) options; empty when not given.
struct Limits {
  std::optional<double> min;
  std::optional<double> max;
};
Limits limits_of(const google::protobuf::FieldDescriptor& field);
// "[0, 1]", "[0, inf)", "(-inf, 10]".
std::string range_text(const Limits& limits);

std::string unit_of(const google::protobuf::FieldDescriptor& field);    // "" when none
std::string source_of(const google::protobuf::FieldDescriptor& field);  // "" when none
bool is_month(const google::protobuf::FieldDescriptor& field);

// The string field named by the message's (map_key) option, or nullptr when the
// message has none. Throws std::logic_error when the option names no string field.
const google::protobuf::FieldDescriptor* map_key_of(const google::protobuf::Descriptor& message);

// Field names in declaration order.
std::vector<std::string> field_names(const google::protobuf::Descriptor& message);
std::vector<std::string> enum_names(const google::protobuf::EnumDescriptor& type);

// What one value of the field looks like, e.g. "a number (double, unit EUR/t, range [0, 1])".
// For repeated fields this describes one element.
std::string expected_text(const google::protobuf::FieldDescriptor& field);

// "allowed range [0, 1], unit share" (the unit part only when the field has one).
std::string allowed_text(const google::protobuf::FieldDescriptor& field);

}  // namespace ketensim::io::detail
