// to_yaml: writes the fully resolved scenario (every field, defaults included,
// in schema order) with unit and source as trailing comments. Generic over the
// descriptor; load_scenario reads the text back to an equivalent message.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "model/io/config_loader.hpp"
#include "model/io/schema_text.hpp"

namespace ketensim::io {
namespace {

namespace pb = google::protobuf;
using pb::FieldDescriptor;

// Text YAML reads back as the same string without quotes: a name-like token
// that no YAML reader would take for a boolean or null.
bool is_plain_safe(const std::string& text) {
  static const std::set<std::string> kReserved{"true", "false", "null", "yes", "no",
                                               "on",   "off",   "y",    "n"};
  if (text.empty() || !(std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_')) {
    return false;
  }
  std::string lowered(text.size(), ' ');
  std::transform(text.begin(), text.end(), lowered.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return !kReserved.contains(lowered) && std::all_of(text.begin(), text.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/';
  });
}

std::string quoted(const std::string& text) {
  if (is_plain_safe(text)) return text;
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20 || byte == 0x7f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned>(byte));
      out += escape;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// One scalar value; `index` selects the element of a repeated field.
std::string scalar_text(const pb::Message& msg, const FieldDescriptor& field, int index) {
  const pb::Reflection& r = *msg.GetReflection();
  const bool rep = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return detail::format_double(rep ? r.GetRepeatedDouble(msg, &field, index)
                                       : r.GetDouble(msg, &field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return detail::format_double(static_cast<double>(rep ? r.GetRepeatedFloat(msg, &field, index)
                                                           : r.GetFloat(msg, &field)));
    case FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(rep ? r.GetRepeatedInt32(msg, &field, index) : r.GetInt32(msg, &field));
    case FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(rep ? r.GetRepeatedInt64(msg, &field, index) : r.GetInt64(msg, &field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(rep ? r.GetRepeatedUInt32(msg, &field, index)
                                : r.GetUInt32(msg, &field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(rep ? r.GetRepeatedUInt64(msg, &field, index)
                                : r.GetUInt64(msg, &field));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r.GetRepeatedBool(msg, &field, index) : r.GetBool(msg, &field)) ? "true"
                                                                                    : "false";
    case FieldDescriptor::CPPTYPE_ENUM:
      return (rep ? r.GetRepeatedEnum(msg, &field, index) : r.GetEnum(msg, &field))->name();
    case FieldDescriptor::CPPTYPE_STRING:
      return quoted(rep ? r.GetRepeatedString(msg, &field, index) : r.GetString(msg, &field));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  return "";
}

// Builds the YAML text line by line.
class Writer {
 public:
  std::string take() { return std::move(out_); }

  // Every field of `msg` at `indent`, except `skip` (the key of a keyed entry).
  void message(const pb::Message& msg, int indent, const FieldDescriptor* skip) {
    const pb::Descriptor& type = *msg.GetDescriptor();
    for (int i = 0; i < type.field_count(); ++i) {
      if (type.field(i) != skip) field(msg, *type.field(i), indent);
    }
  }

 private:
  void field(const pb::Message& msg, const FieldDescriptor& field, int indent) {
    const bool is_message = field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (!field.is_repeated() && !is_message) {
      line(indent, field.name() + ": " + scalar_text(msg, field, -1), &field);
    } else if (!field.is_repeated()) {
      sub_message(field.name(), msg.GetReflection()->GetMessage(msg, &field), indent, nullptr);
    } else if (!is_message) {
      std::vector<std::string> items;
      for (int i = 0; i < msg.GetReflection()->FieldSize(msg, &field); ++i) {
        items.push_back(scalar_text(msg, field, i));
      }
      line(indent, field.name() + ": [" + detail::join(items, ", ") + "]", &field);
    } else if (const FieldDescriptor* key = detail::map_key_of(*field.message_type())) {
      keyed_entries(msg, field, *key, indent);
    } else {
      list_entries(msg, field, indent);
    }
  }

  void sub_message(const std::string& name, const pb::Message& sub, int indent,
                   const FieldDescriptor* skip) {
    const int own_fields = sub.GetDescriptor()->field_count() - (skip != nullptr ? 1 : 0);
    line(indent, name + (own_fields == 0 ? ": {}" : ":"), nullptr);
    message(sub, indent + 2, skip);
  }

  // Repeated messages with a (map_key): a mapping keyed by that field.
  void keyed_entries(const pb::Message& msg, const FieldDescriptor& field,
                     const FieldDescriptor& key, int indent) {
    const pb::Reflection& r = *msg.GetReflection();
    const int size = r.FieldSize(msg, &field);
    line(indent, field.name() + (size == 0 ? ": {}" : ":"), nullptr);
    for (int i = 0; i < size; ++i) {
      const pb::Message& entry = r.GetRepeatedMessage(msg, &field, i);
      sub_message(quoted(entry.GetReflection()->GetString(entry, &key)), entry, indent + 2, &key);
    }
  }

  // Other repeated messages: a block list, "- " before each entry's first field.
  void list_entries(const pb::Message& msg, const FieldDescriptor& field, int indent) {
    const pb::Reflection& r = *msg.GetReflection();
    const int size = r.FieldSize(msg, &field);
    line(indent, field.name() + (size == 0 ? ": []" : ":"), nullptr);
    for (int i = 0; i < size; ++i) {
      Writer entry;
      entry.message(r.GetRepeatedMessage(msg, &field, i), indent + 4, nullptr);
      std::string text = entry.take();
      if (text.empty()) text = std::string(static_cast<std::size_t>(indent + 4), ' ') + "{}\n";
      text.replace(0, static_cast<std::size_t>(indent + 4),
                   std::string(static_cast<std::size_t>(indent + 2), ' ') + "- ");
      out_ += text;
    }
  }

  // One line, with "# unit, source" when the field's options give them.
  void line(int indent, const std::string& text, const FieldDescriptor* field) {
    out_.append(static_cast<std::size_t>(indent), ' ');
    out_ += text;
    if (field != nullptr) {
      std::vector<std::string> notes;
      if (auto unit = detail::unit_of(*field); !unit.empty()) notes.push_back(unit);
      if (auto source = detail::source_of(*field); !source.empty()) notes.push_back(source);
      if (!notes.empty()) out_ += "  # " + detail::join(notes, ", ");
    }
    out_ += '\n';
  }

  std::string out_;
};

}  // namespace

std::string to_yaml(const config::Scenario& scenario) {
  Writer writer;
  writer.message(scenario, 0, nullptr);
  return "# Fully resolved scenario: every field, defaults included. Comments: unit, source.\n" +
         writer.take();
}

}  // namespace ketensim::io
