// Merges YAML into a protobuf message by walking its descriptor: the one place
// where config text becomes typed values, so a new schema field needs no parser.
// Also records where each key path got its final value (for later checks).
#pragma once

#include <map>
#include <string>
#include <vector>

#include <google/protobuf/message.h>
#include <yaml-cpp/yaml.h>

namespace ketensim::io::detail {

// Where config text comes from: a YAML file (places read "file:line:column")
// or one --set override (places read "--set key=value").
class Origin {
 public:
  static Origin file(std::string name) { return Origin(std::move(name), true); }
  static Origin override_text(const std::string& text) { return Origin("--set " + text, false); }

  // "name:line:column" (1-based) for a file position; the override text otherwise.
  std::string at(const YAML::Mark& mark) const;
  const std::string& name() const { return name_; }

 private:
  Origin(std::string name, bool is_file) : name_(std::move(name)), is_file_(is_file) {}
  std::string name_;
  bool is_file_;
};

// For each key path set so far ("product_groups.textiles.lifetime_years"), the
// place its final value came from.
class Provenance {
 public:
  void record(const std::string& path, std::string where) { where_[path] = std::move(where); }
  // Drops `path` and every path below it (a list that is being replaced).
  void forget_below(const std::string& path);
  // Where `path` was set, or nullptr when it was never set.
  const std::string* find(const std::string& path) const;

 private:
  std::map<std::string, std::string> where_;
};

// Throws ConfigError "<where>: key '<path>': <what>" (no key part when path is empty).
[[noreturn]] void fail(const std::string& where, const std::string& path, const std::string& what);

// "parent.name", or "name" at the top.
std::string child_path(const std::string& parent, const std::string& name);
// "path[index]", for entries of lists without a key.
std::string index_path(const std::string& path, std::size_t index);

// Merges the YAML mapping `root` into `message`: scalars replace, sub-messages
// merge, repeated scalars and plain repeated messages are replaced, repeated
// messages with a (map_key) merge entry by entry. Values are converted and
// range-checked against the schema options. `extra_root_keys` are top-level
// keys the caller handles itself (such as "base"): skipped here, listed as allowed.
void merge_yaml(const YAML::Node& root, google::protobuf::Message& message, const Origin& origin,
                Provenance& provenance, const std::vector<std::string>& extra_root_keys = {});

}  // namespace ketensim::io::detail
