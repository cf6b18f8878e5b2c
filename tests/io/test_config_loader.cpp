// Tests of the scenario loader: defaults, `base:` inheritance and keyed merges,
// --set overrides, one-line errors with file:line:column and key path for each
// bad-input file under tests/data/bad, and the to_yaml round trip.
#include <gtest/gtest.h>

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "model/io/config_loader.hpp"
#include "model/io/errors.hpp"
#include "model/io/schema_text.hpp"

namespace ketensim::io {
namespace {

std::string data(const std::string& name) {
  return std::string(KETENSIM_TEST_DATA) + "/" + name;
}

// Writes `text` to a file in the test temp folder, named after the running test.
std::string write_temp(const std::string& suffix, const std::string& text) {
  const auto* info = testing::UnitTest::GetInstance()->current_test_info();
  std::string name = std::string(info->test_suite_name()) + "_" + info->name() + "_" + suffix;
  std::replace(name.begin(), name.end(), '/', '_');  // parameterised test names
  const std::string path = testing::TempDir() + name;
  std::ofstream(path) << text;
  return path;
}

// The ConfigError message of a load, or "" (plus a test failure) when it loads.
std::string load_error(const std::string& path, const std::vector<std::string>& overrides = {}) {
  try {
    load_scenario(path, overrides);
  } catch (const ConfigError& error) {
    return error.what();
  }
  ADD_FAILURE() << "expected a ConfigError loading " << path;
  return "";
}

testing::AssertionResult contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return testing::AssertionSuccess();
  return testing::AssertionFailure() << "\"" << text << "\"\n  does not contain \"" << part << "\"";
}

std::vector<std::string> group_ids(const config::Scenario& scenario) {
  std::vector<std::string> ids;
  for (const auto& group : scenario.product_groups()) ids.push_back(group.id());
  return ids;
}

// ---- good files --------------------------------------------------------------

TEST(ConfigLoader, GoodFileLoadsWithDefaults) {
  const config::Scenario s = load_scenario(data("minimal.yaml"));
  EXPECT_EQ(s.name(), "minimal");
  EXPECT_EQ(s.households().count(), 500U);
  EXPECT_DOUBLE_EQ(s.households().represented(), 8200000.0);
  EXPECT_EQ(s.households().network().degree(), 10U);
  EXPECT_EQ(s.time().start(), "2025-01");
  EXPECT_EQ(s.time().end(), "2050-12");
  EXPECT_EQ(s.time().warmup_months(), 36U);
  EXPECT_EQ(s.seed(), 20251013U);
  EXPECT_EQ(s.product_groups_size(), 0);
}

TEST(ConfigLoader, EmptyValueMakesSubMessagePresentWithDefaults) {
  const config::Scenario s =
      load_scenario(write_temp("x.yaml", "time:\nhouseholds:\n  network: ~\n"));
  EXPECT_TRUE(s.has_time());
  EXPECT_TRUE(s.households().has_network());
  EXPECT_FALSE(s.has_markets());
  EXPECT_EQ(s.households().network().degree(), 10U);
}

TEST(ConfigLoader, ReadsEveryKindOfField) {
  const config::Scenario s = load_scenario(data("base_scenario.yaml"));
  EXPECT_EQ(s.seed(), 42U);
  EXPECT_EQ(s.households().network().mixing(), config::NETWORK);  // written "network"
  EXPECT_EQ(group_ids(s), (std::vector<std::string>{"textiles", "eee"}));
  EXPECT_DOUBLE_EQ(s.product_groups(0).lifetime_years(), 2.5);
  EXPECT_TRUE(s.product_groups(1).critical_raw_materials());
  ASSERT_EQ(s.government().envelope_size(), 2);
  EXPECT_EQ(s.government().envelope(1).year(), 2026);
  EXPECT_DOUBLE_EQ(s.government().envelope(1).amount_eur(), 60e6);
  ASSERT_EQ(s.government().schemes_size(), 1);
  EXPECT_EQ(s.government().schemes(0).eligible_groups_size(), 2);
  ASSERT_EQ(s.companies().strategies_size(), 2);
  EXPECT_EQ(s.companies().strategies(1).id(), "extend");
  EXPECT_EQ(s.eu().rules(0).product_group(), "eee");
}

TEST(ConfigLoader, BaseIsInheritedAndMapsMergeByKey) {
  const config::Scenario s = load_scenario(data("derived_scenario.yaml"));
  EXPECT_EQ(s.name(), "derived");
  EXPECT_EQ(s.seed(), 42U);                          // from the base
  EXPECT_EQ(s.households().count(), 1000U);          // from the base
  EXPECT_EQ(s.households().network().degree(), 8U);  // overridden
  EXPECT_EQ(s.households().network().mixing(), config::NETWORK);
  EXPECT_EQ(group_ids(s), (std::vector<std::string>{"textiles", "eee", "furniture"}));
  const auto& textiles = s.product_groups(0);
  EXPECT_DOUBLE_EQ(textiles.lifetime_years(), 3.0);  // overridden
  EXPECT_EQ(textiles.label(), "Textiles");           // kept
  EXPECT_DOUBLE_EQ(textiles.import_share(), 0.6);    // kept
  const auto& cio = s.government().schemes(0);
  EXPECT_EQ(cio.last_year(), 2027);
  ASSERT_EQ(cio.eligible_groups_size(), 1);  // a list is replaced whole
  EXPECT_EQ(cio.eligible_groups(0), "furniture");
  EXPECT_EQ(cio.eligible_strategies_size(), 2);  // kept
  EXPECT_EQ(s.government().envelope_size(), 2);  // kept
}

TEST(ConfigLoader, BasePathIsRelativeToTheIncludingFile) {
  const config::Scenario s = load_scenario(data("nested/derived_elsewhere.yaml"));
  EXPECT_EQ(s.name(), "elsewhere");
  EXPECT_EQ(s.seed(), 42U);
}

TEST(ConfigLoader, KeyedListsMayBeWrittenAsSequences) {
  const config::Scenario s = load_scenario(data("sequence_form.yaml"));
  EXPECT_EQ(group_ids(s), (std::vector<std::string>{"textiles", "paper"}));
  EXPECT_DOUBLE_EQ(s.product_groups(0).lifetime_years(), 4.0);
  EXPECT_EQ(s.eu().rules(0).variant(), config::EARLY);  // written "early"
}

TEST(ConfigLoader, SequenceFormMergesByKeyOverABase) {
  const config::Scenario s =
      load_scenario(data("base_scenario.yaml"),
                    {"product_groups=[{id: textiles, lifetime_years: 9}, {id: wood}]"});
  EXPECT_EQ(group_ids(s), (std::vector<std::string>{"textiles", "eee", "wood"}));
  EXPECT_DOUBLE_EQ(s.product_groups(0).lifetime_years(), 9.0);
  EXPECT_DOUBLE_EQ(s.product_groups(0).import_share(), 0.6);
}

TEST(ConfigLoader, WholeIntegersMayUseExponents) {
  const config::Scenario s = load_scenario(data("minimal.yaml"), {"households.count=2e4"});
  EXPECT_EQ(s.households().count(), 20000U);
}

// ---- --set -------------------------------------------------------------------

TEST(ConfigLoaderSet, OverridesScalarsEntriesAndLists) {
  const config::Scenario s =
      load_scenario(data("base_scenario.yaml"),
                    {"households.count=5000", "product_groups.textiles.lifetime_years=4",
                     "government.schemes.cio.last_year=2030", "eu.rules.sup_pet.variant=EARLY",
                     "government.schemes.cio.eligible_groups=[textiles]", "name=set by test"});
  EXPECT_EQ(s.households().count(), 5000U);
  EXPECT_DOUBLE_EQ(s.product_groups(0).lifetime_years(), 4.0);
  EXPECT_DOUBLE_EQ(s.product_groups(0).import_share(), 0.6);
  EXPECT_EQ(s.government().schemes(0).last_year(), 2030);
  EXPECT_EQ(s.eu().rules(0).variant(), config::EARLY);
  ASSERT_EQ(s.government().schemes(0).eligible_groups_size(), 1);
  EXPECT_EQ(s.name(), "set by test");
}

TEST(ConfigLoaderSet, LaterOverridesWin) {
  const config::Scenario s =
      load_scenario(data("minimal.yaml"), {"households.count=7", "households.count=8"});
  EXPECT_EQ(s.households().count(), 8U);
}

TEST(ConfigLoaderSet, CreatesAMissingEntry) {
  const config::Scenario s =
      load_scenario(data("base_scenario.yaml"), {"product_groups.paper.lifetime_years=2"});
  EXPECT_EQ(group_ids(s), (std::vector<std::string>{"textiles", "eee", "paper"}));
  EXPECT_DOUBLE_EQ(s.product_groups(2).lifetime_years(), 2.0);
  EXPECT_DOUBLE_EQ(s.product_groups(2).unit_price_eur(), 100.0);  // default
}

struct SetCase {
  std::string override_text;
  std::string expected;
};

class ConfigLoaderSetError : public testing::TestWithParam<SetCase> {};

TEST_P(ConfigLoaderSetError, IsValidatedLikeFileValues) {
  const std::string message = load_error(data("base_scenario.yaml"), {GetParam().override_text});
  EXPECT_TRUE(contains(message, "--set " + GetParam().override_text + ": "));
  EXPECT_TRUE(contains(message, GetParam().expected));
  EXPECT_EQ(message.find('\n'), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigLoaderSetError,
    testing::Values(
        SetCase{"households.count=abc",
                "key 'households.count': expected an unsigned integer (uint64"},
        SetCase{"households.count=-5", "key 'households.count': expected an unsigned integer"},
        SetCase{"households.cuont=5", "key 'households.cuont': unknown key; did you mean 'count'?"},
        SetCase{"households.network.rewiring=2",
                "key 'households.network.rewiring': value 2 is above the maximum 1"},
        SetCase{"product_groups.textiles.import_share=-0.5",
                "value -0.5 is below the minimum 0 (allowed range [0, 1])"},
        SetCase{"eu.rules.sup_pet.variant=SOON",
                "key 'eu.rules.sup_pet.variant': unknown value 'SOON'"},
        SetCase{"time.end=2020-01", "key 'time.end': end 2020-01 is before time.start 2025-01"},
        SetCase{"time.start=2025-1", "key 'time.start': value '2025-1' is not a month"},
        SetCase{"time.warmup_months=121",
                "key 'time.warmup_months': value 121 is above the maximum 120 (allowed range [0, "
                "120], unit months)"},
        SetCase{"time.warmup_months=-12",
                "key 'time.warmup_months': expected an unsigned integer (uint32, unit months, "
                "range [0, 120]), got '-12'"},
        SetCase{"time.warmup_months=1.5", "key 'time.warmup_months': expected an unsigned integer"},
        SetCase{"government.schemes.cio.eligible_groups=[textiles,plastics]",
                "key 'government.schemes.cio.eligible_groups[1]': unknown product group"},
        SetCase{"households.count", "expected key.path=value"},
        SetCase{"households..count=1", "empty key in the path"},
        SetCase{"households.count=[1", "cannot read the value"}));

// ---- bad files ---------------------------------------------------------------

struct BadCase {
  std::string file;      // under tests/data/bad
  std::string location;  // "file:line:column: key 'path'"
  std::string detail;    // what is wrong / allowed
};

void PrintTo(const BadCase& c, std::ostream* out) {
  *out << c.file;
}

class ConfigLoaderBadFile : public testing::TestWithParam<BadCase> {};

TEST_P(ConfigLoaderBadFile, NamesFileLineKeyAndWhatIsAllowed) {
  const std::string message = load_error(data("bad/" + GetParam().file));
  EXPECT_TRUE(contains(message, GetParam().location));
  EXPECT_TRUE(contains(message, GetParam().detail));
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ConfigLoaderBadFile,
    testing::Values(
        BadCase{"misspelt_key.yaml", "misspelt_key.yaml:3:3: key 'households.cuont'",
                "unknown key; did you mean 'count'? (allowed: count, represented,"},
        BadCase{"wrong_type.yaml",
                "wrong_type.yaml:4:29: key 'product_groups.textiles.virgin_price_eur_per_t'",
                "expected a number (double, unit EUR/t, range [0, inf)), got 'abc'"},
        BadCase{"fractional_integer.yaml", "fractional_integer.yaml:3:10: key 'households.count'",
                "expected an unsigned integer (uint64, range [1, 4000000000]), got '1.5'"},
        BadCase{"negative_unsigned.yaml",
                "negative_unsigned.yaml:3:19: key 'households.municipalities'",
                "expected an unsigned integer (uint32, range [1, 65535]), got '-3'"},
        BadCase{"negative_peers.yaml", "negative_peers.yaml:3:10: key 'companies.peers'",
                "expected an unsigned integer (uint32, range [0, 64]), got '-2'"},
        BadCase{"quoted_number.yaml", "quoted_number.yaml:3:10: key 'households.count'",
                "got the quoted string \"5000\""},
        BadCase{"negative_budget.yaml",
                "negative_budget.yaml:5:19: key 'government.envelope[0].amount_eur'",
                "value -1000 is below the minimum 0 (allowed range [0, inf), unit EUR)"},
        BadCase{"share_above_one.yaml",
                "share_above_one.yaml:4:19: key 'product_groups.textiles.import_share'",
                "value 1.5 is above the maximum 1 (allowed range [0, 1])"},
        BadCase{"end_before_start.yaml", "end_before_start.yaml:4:8: key 'time.end'",
                "end 2029-12 is before time.start 2030-01"},
        BadCase{"warmup_too_long.yaml", "warmup_too_long.yaml:4:18: key 'time.warmup_months'",
                "value 240 is above the maximum 120 (allowed range [0, 120], unit months)"},
        BadCase{"warmup_before_year_one.yaml",
                "warmup_before_year_one.yaml:4:18: key 'time.warmup_months'",
                "value 24 starts the warm-up before 0001-01 (time.start 0002-06)"},
        BadCase{"bad_month.yaml", "bad_month.yaml:3:10: key 'time.start'",
                "value '2025-13' is not a month"},
        BadCase{"unknown_enum.yaml", "unknown_enum.yaml:8:16: key 'eu.rules.weee.variant'",
                "unknown value 'EARLYY'; did you mean 'EARLY'? (allowed: AS_PLANNED, EARLY, LATE, "
                "OFF)"},
        BadCase{"cycle_a.yaml", "cycle_b.yaml:2:7: key 'base'", "inheritance cycle: "},
        BadCase{"missing_base.yaml", "missing_base.yaml:2:7: key 'base'",
                "no_such_file.yaml': no such file"},
        BadCase{"unknown_product_group.yaml",
                "unknown_product_group.yaml:7:22: key 'eu.rules.sup_pet.product_group'",
                "unknown product group 'plastics' (allowed: textiles)"},
        BadCase{"unknown_eligible_group.yaml",
                "unknown_eligible_group.yaml:8:35: key 'government.schemes.cio.eligible_groups[1]'",
                "unknown product group 'plastic'"},
        BadCase{"unknown_strategy.yaml",
                "unknown_strategy.yaml:4:5: key 'companies.strategies.recycel'",
                "did you mean 'recycle'? (allowed: reduce, substitute, extend, recycle)"},
        BadCase{"odd_degree.yaml", "odd_degree.yaml:4:13: key 'households.network.degree'",
                "value 7 must be even"},
        BadCase{"window_reversed.yaml",
                "window_reversed.yaml:6:25: key 'government.schemes.cio.window_end_month'",
                "window_end_month 2 is before window_start_month 6"},
        BadCase{"last_before_first.yaml",
                "last_before_first.yaml:6:18: key 'government.schemes.cio.last_year'",
                "last_year 2026 is before first_year 2027"},
        BadCase{"duplicate_entry.yaml", "duplicate_entry.yaml:5:5: key 'product_groups.textiles'",
                "duplicate entry (first given at "},
        BadCase{"duplicate_key.yaml", "duplicate_key.yaml:4:3: key 'households.count'",
                "duplicate key"},
        BadCase{"empty_entry_key.yaml", "empty_entry_key.yaml:3:3: key 'product_groups'",
                "an entry has an empty id"},
        BadCase{"entry_without_key.yaml", "entry_without_key.yaml:4:5: key 'product_groups[1]'",
                "no 'id'"},
        BadCase{"not_a_mapping.yaml", "not_a_mapping.yaml:2:13: key 'households'",
                "expected a mapping (message Households), got '5000'"},
        BadCase{"syntax_error.yaml", "syntax_error.yaml:4:", "YAML syntax error: "}),
    [](const testing::TestParamInfo<BadCase>& param) {
      return param.param.file.substr(0, param.param.file.find('.'));
    });

TEST(ConfigLoader, MissingFileIsAConfigError) {
  EXPECT_TRUE(contains(load_error(data("no_such_scenario.yaml")),
                       "no_such_scenario.yaml: cannot read the file: no such file"));
}

TEST(ConfigLoader, EntryKeysCannotBreakKeyPaths) {
  const std::string path = write_temp("x.yaml", "product_groups:\n  \"a.b\": {}\n");
  EXPECT_TRUE(contains(load_error(path), "x.yaml:2:3: key 'product_groups.a.b': id must not"));
}

TEST(ConfigLoader, ErrorsInABasePointIntoTheBase) {
  const std::string child =
      write_temp("child.yaml", "base: " + data("bad/odd_degree.yaml") + "\nname: child\n");
  EXPECT_TRUE(contains(load_error(child), "odd_degree.yaml:4:13: key 'households.network.degree'"));
}

TEST(ConfigLoader, CrossFieldErrorsPointAtTheFinalValue) {
  // time.end comes from the base (2030-12) until the child overrides it.
  const std::string child =
      write_temp("child.yaml", "base: " + data("base_scenario.yaml") + "\ntime:\n  end: 2024-06\n");
  EXPECT_TRUE(contains(load_error(child), "child.yaml:3:8: key 'time.end'"));
  // time.start set in the child, time.end only in the base: the base's line is named.
  const std::string late_start = write_temp(
      "late.yaml", "base: " + data("base_scenario.yaml") + "\ntime:\n  start: 2031-01\n");
  EXPECT_TRUE(contains(load_error(late_start), "base_scenario.yaml:7:8: key 'time.end'"));
}

// ---- to_yaml -----------------------------------------------------------------

class ConfigLoaderRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(ConfigLoaderRoundTrip, ToYamlLoadsBackToAnEquivalentMessage) {
  const config::Scenario original = load_scenario(
      data(GetParam()), {R"(description="quotes \" and \\ and # and: colons\nnew line\ttab, ü")",
                         "households.habit=0.30000000000000004", "households.default_bonus=1e-300",
                         "output.progress_percent=33.333333333333336"});
  ASSERT_EQ(original.description(), "quotes \" and \\ and # and: colons\nnew line\ttab, ü");
  const std::string text = to_yaml(original);
  const config::Scenario reloaded = load_scenario(write_temp("resolved.yaml", text));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equivalent(original, reloaded)) << text;
  EXPECT_EQ(to_yaml(reloaded), text);
}

INSTANTIATE_TEST_SUITE_P(Files, ConfigLoaderRoundTrip,
                         testing::Values("minimal.yaml", "base_scenario.yaml",
                                         "derived_scenario.yaml", "sequence_form.yaml"),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param.substr(0, param.param.find('.'));
                         });

TEST(ConfigLoaderToYaml, WritesEveryFieldWithUnitAndSource) {
  const std::string text = to_yaml(config::Scenario());
  EXPECT_TRUE(contains(text, "\nseed: 20251013  # A: date of the NPCE 2025 letter\n"));
  EXPECT_TRUE(contains(text, "\n  start: \"2025-01\"  # S: NPCE 2025 period\n"));
  EXPECT_TRUE(contains(text, "\n    rewiring: 0.1  # probability, S-code: ABSiCE\n"));
  EXPECT_TRUE(contains(text, "\n    mixing: NETWORK\n"));
  EXPECT_TRUE(contains(text, "\nproduct_groups: {}\n"));
  EXPECT_TRUE(contains(text, "\n  envelope: []\n"));
  EXPECT_TRUE(contains(text, "\n  represented: 8200000  # households,"));
  EXPECT_TRUE(contains(text, "\n  shuffle_arrivals: false\n"));
}

TEST(ConfigLoaderToYaml, WritesKeyedEntriesAsMappings) {
  const std::string text = to_yaml(load_scenario(data("base_scenario.yaml")));
  EXPECT_TRUE(contains(text, "\nproduct_groups:\n  textiles:\n    label: Textiles\n"));
  EXPECT_TRUE(contains(text, "\n  envelope:\n    - year: 2025\n      amount_eur: 73000000"));
  EXPECT_TRUE(contains(text, "\n      eligible_groups: [textiles, eee]\n"));
}

// ---- helpers -----------------------------------------------------------------

TEST(SchemaText, EditDistanceAndSuggestions) {
  EXPECT_EQ(detail::edit_distance("cuont", "count"), 2U);
  EXPECT_EQ(detail::edit_distance("", "abc"), 3U);
  EXPECT_EQ(detail::edit_distance("kitten", "sitting"), 3U);
  const std::vector<std::string> names{"count", "represented", "municipalities"};
  EXPECT_EQ(detail::suggest("cuont", names), "count");
  EXPECT_EQ(detail::suggest("Count", names), "count");
  EXPECT_EQ(detail::suggest("municipalites", names), "municipalities");
  EXPECT_EQ(detail::suggest("zzzzzz", names), std::nullopt);
}

TEST(SchemaText, DoublesUseShortestRoundTripText) {
  EXPECT_EQ(detail::format_double(10), "10");
  EXPECT_EQ(detail::format_double(8200000), "8200000");
  EXPECT_EQ(detail::format_double(0.0833), "0.0833");
  EXPECT_EQ(detail::format_double(-0.5), "-0.5");
  EXPECT_EQ(detail::format_double(0.1 + 0.2), "0.30000000000000004");
}

TEST(SchemaText, EveryMapKeyOptionNamesAStringField) {
  const auto* file = config::Scenario::descriptor()->file();
  for (int i = 0; i < file->message_type_count(); ++i) {
    EXPECT_NO_THROW(detail::map_key_of(*file->message_type(i))) << file->message_type(i)->name();
  }
  EXPECT_NE(detail::map_key_of(*config::ProductGroup::descriptor()), nullptr);
  EXPECT_EQ(detail::map_key_of(*config::YearAmount::descriptor()), nullptr);
}

}  // namespace
}  // namespace ketensim::io
