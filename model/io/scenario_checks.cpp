// Cross-field rules of the scenario: one generic rule for keyed entries, then
// the rules that relate fields of this schema to each other.
#include "model/io/scenario_checks.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <vector>

#include "model/engine/calendar.hpp"
#include "model/io/schema_text.hpp"

namespace ketensim::io::detail {
namespace {

namespace pb = google::protobuf;
using pb::FieldDescriptor;

// The NPCE "knoppen"; MODEL.md names the strategies by these ids.
const std::vector<std::string> kStrategyIds{"reduce", "substitute", "extend", "recycle"};

// Turns a broken rule into a ConfigError at the place a value was set.
class Reporter {
 public:
  Reporter(const Provenance& provenance, const std::string& default_where)
      : provenance_(provenance), default_where_(default_where) {}

  // Reports at the first of `paths` that was set explicitly; when none was, at
  // the nearest explicitly set parent of the first (or the top file).
  [[noreturn]] void fail(std::initializer_list<std::string> paths, const std::string& what) const {
    for (const auto& path : paths) {
      if (const std::string* where = provenance_.find(path)) detail::fail(*where, path, what);
    }
    const std::string& path = *paths.begin();
    detail::fail(nearest_where(path), path, what);
  }

 private:
  std::string nearest_where(std::string path) const {
    for (auto cut = path.find_last_of(".["); cut != std::string::npos;
         cut = path.find_last_of(".[")) {
      path.resize(cut);
      if (const std::string* where = provenance_.find(path)) return *where;
    }
    return default_where_;
  }

  const Provenance& provenance_;
  const std::string& default_where_;
};

void check_message_keys(const pb::Message& msg, const std::string& path, const Reporter& report);

// Entries of a repeated message field: keys (where the message has one) non-empty and unique.
void check_entries(const pb::Message& msg, const FieldDescriptor& field, const std::string& path,
                   const Reporter& report) {
  const pb::Reflection& r = *msg.GetReflection();
  const FieldDescriptor* key = map_key_of(*field.message_type());
  std::set<std::string> ids;
  for (int i = 0; i < r.FieldSize(msg, &field); ++i) {
    const pb::Message& entry = r.GetRepeatedMessage(msg, &field, i);
    std::string entry_path = index_path(path, static_cast<std::size_t>(i));
    if (key != nullptr) {
      const std::string id = entry.GetReflection()->GetString(entry, key);
      if (id.empty())
        report.fail({path}, "entry " + std::to_string(i) + " has an empty " + key->name());
      entry_path = child_path(path, id);
      if (!ids.insert(id).second) report.fail({entry_path, path}, "duplicate entry");
    }
    check_message_keys(entry, entry_path, report);
  }
}

// Walks every message in the tree and checks the entries of each repeated message field.
void check_message_keys(const pb::Message& msg, const std::string& path, const Reporter& report) {
  const pb::Descriptor& type = *msg.GetDescriptor();
  const pb::Reflection& r = *msg.GetReflection();
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor& field = *type.field(i);
    if (field.cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string field_path = child_path(path, field.name());
    if (field.is_repeated()) {
      check_entries(msg, field, field_path, report);
    } else if (r.HasField(msg, &field)) {
      check_message_keys(r.GetMessage(msg, &field), field_path, report);
    }
  }
}

void check_time(const config::Time& time, const Reporter& report) {
  const auto start = engine::YearMonth::parse(time.start());
  const auto end = engine::YearMonth::parse(time.end());
  if (!start)
    report.fail({"time.start"}, "value '" + time.start() + "' is not a month \"YYYY-MM\"");
  if (!end) report.fail({"time.end"}, "value '" + time.end() + "' is not a month \"YYYY-MM\"");
  if (*end < *start) {
    report.fail({"time.end", "time.start"},
                "end " + time.end() + " is before time.start " + time.start());
  }
  // The warm-up runs before start; its first month must still be a valid month.
  if (start->ordinal() - static_cast<int>(time.warmup_months()) < engine::YearMonth{1, 1}.ordinal())
    report.fail({"time.warmup_months", "time.start"},
                "value " + std::to_string(time.warmup_months()) +
                    " starts the warm-up before 0001-01 (time.start " + time.start() + ")");
}

void check_network(const config::Network& network, const Reporter& report) {
  if (network.degree() % 2 != 0) {
    report.fail({"households.network.degree"},
                "value " + std::to_string(network.degree()) +
                    " must be even (half the neighbours on each side of the ring lattice)");
  }
}

void check_regions(const config::Regions& regions, const Reporter& report) {
  for (int i = 0; i < regions.cofunding_provinces_size(); ++i) {
    const auto province = regions.cofunding_provinces(i);
    if (province >= regions.provinces()) {
      report.fail({"regions.cofunding_provinces", "regions.provinces"},
                  "province " + std::to_string(province) + " is not below regions.provinces (" +
                      std::to_string(regions.provinces()) + "; provinces are numbered from 0)");
    }
  }
}

void check_one_of(const std::string& id, const std::vector<std::string>& allowed,
                  const std::string& what, const std::string& path, const Reporter& report) {
  if (std::find(allowed.begin(), allowed.end(), id) != allowed.end()) return;
  const std::string choices =
      allowed.empty() ? " (none are defined)" : " (allowed: " + join(allowed, ", ") + ")";
  if (id.empty()) report.fail({path}, "must name a " + what + choices);
  if (allowed.empty()) report.fail({path}, "unknown " + what + " '" + id + "'" + choices);
  report.fail({path}, "unknown " + what + " '" + id + "'" + suggestion_text(id, allowed));
}

void check_strategies(const config::Companies& companies, const Reporter& report) {
  for (const auto& strategy : companies.strategies()) {
    check_one_of(strategy.id(), kStrategyIds, "strategy", "companies.strategies." + strategy.id(),
                 report);
  }
}

void check_scheme(const config::Scheme& scheme, const std::vector<std::string>& groups,
                  const Reporter& report) {
  const std::string path = "government.schemes." + scheme.id();
  if (scheme.window_end_month() < scheme.window_start_month()) {
    report.fail({path + ".window_end_month", path + ".window_start_month"},
                "window_end_month " + std::to_string(scheme.window_end_month()) +
                    " is before window_start_month " + std::to_string(scheme.window_start_month()));
  }
  if (scheme.last_year() < scheme.first_year()) {
    report.fail({path + ".last_year", path + ".first_year"},
                "last_year " + std::to_string(scheme.last_year()) + " is before first_year " +
                    std::to_string(scheme.first_year()));
  }
  if (scheme.max_per_application_eur() < scheme.min_per_application_eur()) {
    report.fail({path + ".max_per_application_eur", path + ".min_per_application_eur"},
                "max_per_application_eur " + format_double(scheme.max_per_application_eur()) +
                    " is below min_per_application_eur " +
                    format_double(scheme.min_per_application_eur()));
  }
  for (int i = 0; i < scheme.eligible_groups_size(); ++i) {
    const std::string item = index_path(path + ".eligible_groups", static_cast<std::size_t>(i));
    check_one_of(scheme.eligible_groups(i), groups, "product group", item, report);
  }
  for (int i = 0; i < scheme.eligible_strategies_size(); ++i) {
    const std::string item = index_path(path + ".eligible_strategies", static_cast<std::size_t>(i));
    check_one_of(scheme.eligible_strategies(i), kStrategyIds, "strategy", item, report);
  }
}

void check_rules(const config::Eu& eu, const std::vector<std::string>& groups,
                 const Reporter& report) {
  for (const auto& rule : eu.rules()) {
    check_one_of(rule.product_group(), groups, "product group",
                 "eu.rules." + rule.id() + ".product_group", report);
  }
}

void check_diffusion(const config::Scenario& scenario, const Reporter& report) {
  std::set<std::uint64_t> seen;
  const auto& overrides = scenario.diffusion().threshold_overrides();
  for (int i = 0; i < overrides.size(); ++i) {
    const std::string path =
        index_path("diffusion.threshold_overrides", static_cast<std::size_t>(i)) + ".household";
    const std::uint64_t household = overrides[i].household();
    if (household >= scenario.households().count()) {
      report.fail({path, "households.count"}, "household " + std::to_string(household) +
                                                  " is not below households.count " +
                                                  std::to_string(scenario.households().count()));
    }
    if (!seen.insert(household).second) {
      report.fail({path}, "household " + std::to_string(household) + " is listed twice");
    }
  }
}

}  // namespace

void check_scenario(const config::Scenario& scenario, const Provenance& provenance,
                    const std::string& default_where) {
  const Reporter report(provenance, default_where);
  check_message_keys(scenario, "", report);
  check_time(scenario.time(), report);
  check_network(scenario.households().network(), report);
  check_regions(scenario.regions(), report);
  check_strategies(scenario.companies(), report);
  std::vector<std::string> groups;
  for (const auto& group : scenario.product_groups()) groups.push_back(group.id());
  for (const auto& scheme : scenario.government().schemes()) check_scheme(scheme, groups, report);
  check_rules(scenario.eu(), groups, report);
  check_diffusion(scenario, report);
}

}  // namespace ketensim::io::detail
