// Merges YAML into a protobuf message by walking its descriptor, converting and
// range-checking every value, and recording where each key path was set.
#include "model/io/yaml_to_proto.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <stdexcept>
#include <string_view>

#include "model/engine/calendar.hpp"
#include "model/io/errors.hpp"
#include "model/io/schema_text.hpp"

namespace ketensim::io::detail {

std::string Origin::at(const YAML::Mark& mark) const {
  if (!is_file_ || mark.is_null()) return name_;
  return name_ + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

void Provenance::forget_below(const std::string& path) {
  auto it = where_.lower_bound(path);
  while (it != where_.end() && it->first.starts_with(path)) {
    const std::string& key = it->first;
    const bool below =
        key.size() == path.size() || key[path.size()] == '.' || key[path.size()] == '[';
    it = below ? where_.erase(it) : std::next(it);
  }
}

const std::string* Provenance::find(const std::string& path) const {
  const auto it = where_.find(path);
  return it == where_.end() ? nullptr : &it->second;
}

void fail(const std::string& where, const std::string& path, const std::string& what) {
  std::string message = where + ": ";
  if (!path.empty()) message += "key '" + path + "': ";
  throw ConfigError(message + what);
}

std::string child_path(const std::string& parent, const std::string& name) {
  return parent.empty() ? name : parent + "." + name;
}

std::string index_path(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

namespace {

namespace pb = google::protobuf;
using pb::FieldDescriptor;

// Quoted scalars ("5") are strings, never numbers or booleans.
bool is_plain(const YAML::Node& node) {
  return node.Tag() == "?";
}

// How a node reads in an error message.
std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "an empty value";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return is_plain(node) ? "'" + node.Scalar() + "'"
                            : "the quoted string \"" + node.Scalar() + "\"";
    case YAML::NodeType::Undefined:
      break;
  }
  return "nothing";
}

// Parses a whole decimal number; YAML allows a leading '+', std::from_chars does not.
std::optional<double> parse_double(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

// One scalar value being converted for one field, with what an error needs.
class ScalarInput {
 public:
  ScalarInput(const YAML::Node& node, const FieldDescriptor& field, const std::string& where,
              const std::string& path)
      : node_(node), field_(field), where_(where), path_(path) {}

  double to_double() const {
    const auto value = parse_double(plain_text());
    if (!value) mismatch();
    check_range(*value);
    return *value;
  }

  template <class Int>
  Int to_integer() const {
    const std::string text = plain_text();
    std::string_view digits = text;
    if (digits.starts_with('+')) digits.remove_prefix(1);
    Int value{};
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (error == std::errc::result_out_of_range) {
      fail(where_, path_, "value " + text + " does not fit " + field_.type_name());
    }
    if (error != std::errc{} || end != digits.data() + digits.size()) {
      value = integral_double<Int>();  // "2e4", or a mismatch
    }
    check_range(static_cast<double>(value));
    return value;
  }

  bool to_bool() const {
    std::string text = plain_text();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (text != "true" && text != "false") mismatch();
    return text == "true";
  }

  int to_enum() const {
    if (!node_.IsScalar()) mismatch();
    const pb::EnumDescriptor& type = *field_.enum_type();
    for (int i = 0; i < type.value_count(); ++i) {
      if (same_name(type.value(i)->name(), node_.Scalar())) return type.value(i)->number();
    }
    fail(where_, path_,
         "unknown value '" + node_.Scalar() + "'" +
             suggestion_text(node_.Scalar(), enum_names(type)));
  }

  std::string to_string() const {
    if (!node_.IsScalar()) mismatch();
    const std::string& text = node_.Scalar();
    if (is_month(field_) && !engine::YearMonth::parse(text)) {
      fail(where_, path_,
           "value '" + text + "' is not a month: expected \"YYYY-MM\" with month 01..12");
    }
    return text;
  }

 private:
  [[noreturn]] void mismatch() const {
    fail(where_, path_, "expected " + expected_text(field_) + ", got " + describe(node_));
  }

  std::string plain_text() const {
    if (!node_.IsScalar() || !is_plain(node_)) mismatch();
    return node_.Scalar();
  }

  // Integers written as "2e4": accepted when whole, exact and in the type's range.
  template <class Int>
  Int integral_double() const {
    const auto value = parse_double(node_.Scalar());
    constexpr double kExact = 9007199254740992.0;  // 2^53
    if (!value || std::trunc(*value) != *value || std::fabs(*value) > kExact ||
        *value < static_cast<double>(std::numeric_limits<Int>::lowest()) ||
        *value > static_cast<double>(std::numeric_limits<Int>::max())) {
      mismatch();
    }
    return static_cast<Int>(*value);
  }

  void check_range(double value) const {
    const Limits limits = limits_of(field_);
    const std::string text = node_.Scalar();
    if (limits.min && value < *limits.min) {
      fail(where_, path_,
           "value " + text + " is below the minimum " + format_double(*limits.min) + " (" +
               allowed_text(field_) + ")");
    }
    if (limits.max && value > *limits.max) {
      fail(where_, path_,
           "value " + text + " is above the maximum " + format_double(*limits.max) + " (" +
               allowed_text(field_) + ")");
    }
  }

  static bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  }

  const YAML::Node& node_;
  const FieldDescriptor& field_;
  const std::string& where_;
  const std::string& path_;
};

// Converts `node` and sets the singular field, or appends to the repeated one.
void store_scalar(const ScalarInput& in, pb::Message& msg, const FieldDescriptor& field) {
  const pb::Reflection& r = *msg.GetReflection();
  const bool add = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return add ? r.AddDouble(&msg, &field, in.to_double())
                 : r.SetDouble(&msg, &field, in.to_double());
    case FieldDescriptor::CPPTYPE_FLOAT: {
      const auto value = static_cast<float>(in.to_double());
      return add ? r.AddFloat(&msg, &field, value) : r.SetFloat(&msg, &field, value);
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      const auto value = in.to_integer<std::int32_t>();
      return add ? r.AddInt32(&msg, &field, value) : r.SetInt32(&msg, &field, value);
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const auto value = in.to_integer<std::int64_t>();
      return add ? r.AddInt64(&msg, &field, value) : r.SetInt64(&msg, &field, value);
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const auto value = in.to_integer<std::uint32_t>();
      return add ? r.AddUInt32(&msg, &field, value) : r.SetUInt32(&msg, &field, value);
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const auto value = in.to_integer<std::uint64_t>();
      return add ? r.AddUInt64(&msg, &field, value) : r.SetUInt64(&msg, &field, value);
    }
    case FieldDescriptor::CPPTYPE_BOOL:
      return add ? r.AddBool(&msg, &field, in.to_bool()) : r.SetBool(&msg, &field, in.to_bool());
    case FieldDescriptor::CPPTYPE_ENUM:
      return add ? r.AddEnumValue(&msg, &field, in.to_enum())
                 : r.SetEnumValue(&msg, &field, in.to_enum());
    case FieldDescriptor::CPPTYPE_STRING:
      return add ? r.AddString(&msg, &field, in.to_string())
                 : r.SetString(&msg, &field, in.to_string());
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  throw std::logic_error("store_scalar called for message field " + field.full_name());
}

// The entry of a keyed repeated field whose key is `id`, appended when new.
pb::Message& find_or_add_entry(pb::Message& msg, const FieldDescriptor& field,
                               const FieldDescriptor& key_field, const std::string& id) {
  const pb::Reflection& r = *msg.GetReflection();
  for (int i = 0; i < r.FieldSize(msg, &field); ++i) {
    pb::Message* entry = r.MutableRepeatedMessage(&msg, &field, i);
    if (entry->GetReflection()->GetString(*entry, &key_field) == id) return *entry;
  }
  pb::Message* entry = r.AddMessage(&msg, &field);
  entry->GetReflection()->SetString(entry, &key_field, id);
  return *entry;
}

// The value of `name` in a YAML mapping, or an undefined node.
YAML::Node lookup(const YAML::Node& map, const std::string& name) {
  for (const auto& kv : map) {
    if (kv.first.IsScalar() && kv.first.Scalar() == name) return kv.second;
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

// Walks one YAML document into one message tree.
class Reader {
 public:
  Reader(const Origin& origin, Provenance& provenance,
         const std::vector<std::string>& extra_root_keys)
      : origin_(origin), provenance_(provenance), extra_root_keys_(extra_root_keys) {}

  void merge_message(const YAML::Node& node, pb::Message& msg, const std::string& path) {
    if (node.IsNull()) return;  // present with defaults
    if (!node.IsMap()) {
      fail(at(node), path,
           "expected a mapping (message " + msg.GetDescriptor()->name() + "), got " +
               describe(node));
    }
    std::set<std::string> seen;
    for (const auto& kv : node) {
      const std::string name = key_name(kv.first, path);
      const std::string child = child_path(path, name);
      if (!seen.insert(name).second) fail(at(kv.first), child, "duplicate key");
      if (path.empty() && is_extra_root_key(name)) continue;
      const FieldDescriptor& field = find_field(kv.first, *msg.GetDescriptor(), path);
      merge_field(kv.first, kv.second, msg, field, child);
    }
  }

 private:
  std::string at(const YAML::Node& node) const { return origin_.at(node.Mark()); }
  // yaml-cpp marks an empty value at the next token, so point at its key instead.
  std::string at_value(const YAML::Node& key, const YAML::Node& value) const {
    return value.IsNull() ? at(key) : at(value);
  }

  bool is_extra_root_key(const std::string& name) const {
    return std::find(extra_root_keys_.begin(), extra_root_keys_.end(), name) !=
           extra_root_keys_.end();
  }

  std::string key_name(const YAML::Node& key, const std::string& path) const {
    if (!key.IsScalar()) fail(at(key), path, "keys must be plain names, got " + describe(key));
    return key.Scalar();
  }

  const FieldDescriptor& find_field(const YAML::Node& key, const pb::Descriptor& type,
                                    const std::string& parent_path) const {
    if (const FieldDescriptor* field = type.FindFieldByName(key.Scalar())) return *field;
    std::vector<std::string> allowed = field_names(type);
    if (parent_path.empty()) {
      allowed.insert(allowed.end(), extra_root_keys_.begin(), extra_root_keys_.end());
    }
    fail(at(key), child_path(parent_path, key.Scalar()),
         "unknown key" + suggestion_text(key.Scalar(), allowed));
  }

  void merge_field(const YAML::Node& key, const YAML::Node& value, pb::Message& msg,
                   const FieldDescriptor& field, const std::string& path) {
    const bool is_message = field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (field.is_repeated() && is_message && map_key_of(*field.message_type()) != nullptr) {
      merge_entries(key, value, msg, field, path);
    } else if (field.is_repeated()) {
      replace_list(key, value, msg, field, path);
    } else if (is_message) {
      provenance_.record(path, at_value(key, value));
      merge_message(value, *msg.GetReflection()->MutableMessage(&msg, &field), path);
    } else {
      const std::string where = at_value(key, value);
      store_scalar(ScalarInput(value, field, where, path), msg, field);
      provenance_.record(path, where);
    }
  }

  // Repeated scalars and repeated messages without a key: the new list replaces the old.
  void replace_list(const YAML::Node& key, const YAML::Node& value, pb::Message& msg,
                    const FieldDescriptor& field, const std::string& path) {
    msg.GetReflection()->ClearField(&msg, &field);
    provenance_.forget_below(path);
    provenance_.record(path, at_value(key, value));
    if (value.IsNull()) return;  // empty list
    if (!value.IsSequence()) {
      fail(at(value), path,
           "expected a list of " + expected_text(field) + ", got " + describe(value));
    }
    std::size_t index = 0;
    for (const auto& item : value) {
      const std::string item_path = index_path(path, index++);
      const std::string where = at_value(key, item);
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
        merge_message(item, *msg.GetReflection()->AddMessage(&msg, &field), item_path);
      } else {
        store_scalar(ScalarInput(item, field, where, item_path), msg, field);
      }
      provenance_.record(item_path, where);
    }
  }

  // Repeated messages with a (map_key): a mapping keyed by the key field, or a
  // list of mappings that contain it. Entries merge by key; new keys append.
  void merge_entries(const YAML::Node& key, const YAML::Node& value, pb::Message& msg,
                     const FieldDescriptor& field, const std::string& path) {
    provenance_.record(path, at_value(key, value));
    const FieldDescriptor& key_field = *map_key_of(*field.message_type());
    std::map<std::string, std::string> seen;  // key -> where first given here
    if (value.IsMap()) {
      for (const auto& kv : value) {
        const std::string id = key_name(kv.first, path);
        merge_entry(id, kv.first, kv.second, msg, field, path, seen);
      }
    } else if (value.IsSequence()) {
      std::size_t index = 0;
      for (const auto& item : value) {
        const std::string id = entry_id(item, key_field, index_path(path, index++));
        merge_entry(id, item, item, msg, field, path, seen);
      }
    } else if (!value.IsNull()) {
      fail(at(value), path,
           "expected a mapping keyed by " + key_field.name() + " or a list of entries (message " +
               field.message_type()->name() + "), got " + describe(value));
    }
  }

  std::string entry_id(const YAML::Node& item, const FieldDescriptor& key_field,
                       const std::string& item_path) const {
    const std::string rule =
        "each list entry is a mapping with a non-empty '" + key_field.name() + "'";
    if (!item.IsMap()) fail(at(item), item_path, rule + ", got " + describe(item));
    const YAML::Node id = lookup(item, key_field.name());
    if (!id.IsDefined()) fail(at(item), item_path, "no '" + key_field.name() + "' (" + rule + ")");
    if (!id.IsScalar()) fail(at(id), item_path, rule + ", got " + describe(id));
    return id.Scalar();
  }

  void merge_entry(const std::string& id, const YAML::Node& anchor, const YAML::Node& body,
                   pb::Message& msg, const FieldDescriptor& field, const std::string& path,
                   std::map<std::string, std::string>& seen) {
    const FieldDescriptor& key_field = *map_key_of(*field.message_type());
    const std::string entry_path = child_path(path, id);
    if (id.empty()) fail(at(anchor), path, "an entry has an empty " + key_field.name());
    if (id.find_first_of(".=") != std::string::npos) {
      // Keys are components of key paths and of --set key.path=value.
      fail(at(anchor), entry_path, key_field.name() + " must not contain '.' or '='");
    }
    if (const auto [first, fresh] = seen.emplace(id, at(anchor)); !fresh) {
      fail(at(anchor), entry_path, "duplicate entry (first given at " + first->second + ")");
    }
    pb::Message& entry = find_or_add_entry(msg, field, key_field, id);
    provenance_.record(entry_path, at(anchor));
    merge_message(body, entry, entry_path);
    if (entry.GetReflection()->GetString(entry, &key_field) != id) {
      fail(at(anchor), child_path(entry_path, key_field.name()),
           "differs from the entry's key '" + id + "'");
    }
  }

  const Origin& origin_;
  Provenance& provenance_;
  const std::vector<std::string>& extra_root_keys_;
};

}  // namespace

void merge_yaml(const YAML::Node& root, pb::Message& message, const Origin& origin,
                Provenance& provenance, const std::vector<std::string>& extra_root_keys) {
  if (!root.IsNull() && !root.IsMap()) {
    fail(origin.at(root.Mark()), "",
         "the top level must be a mapping of keys, got " + describe(root));
  }
  Reader(origin, provenance, extra_root_keys).merge_message(root, message, "");
}

}  // namespace ketensim::io::detail
