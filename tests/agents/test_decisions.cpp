// Decision rules of households, companies and the government, in one process
// (agents know nothing about MPI). Expected values are computed by hand or
// from the formulas in MODEL.md, independently of the code under test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "agents/company.hpp"
#include "agents/government.hpp"
#include "agents/household.hpp"

namespace ketensim::agents {
namespace {

PurchaseSituation all_available() {
  PurchaseSituation s;
  s.available = {true, true, true, true};
  s.cost = {100, 110, 60, 90};
  s.social_share = {0.7, 0.1, 0.2, 0.0};
  s.last_choice = 0;
  s.linear_option = 0;
  return s;
}

TEST(PurchaseRule, IntentionsFollowTheTpbFormula) {
  PurchaseRule r;  // w_a 0.464, w_sn 0.497, w_pbc 0.382, habit 0.1, no default bonus
  const auto s = all_available();
  const auto bi = purchase_intentions(r, 0.3, s);
  // New linear: A = 1 - 0.3, SN 0.7, PBC -100/110, no habit penalty (it was the last choice).
  EXPECT_NEAR(bi[0], 0.464 * 0.7 + 0.497 * 0.7 - 0.382 * 100.0 / 110.0, 1e-12);
  // Second hand: A = 0.3, SN 0.2, PBC -60/110, habit penalty 0.1.
  EXPECT_NEAR(bi[2], 0.464 * 0.3 + 0.497 * 0.2 - 0.382 * 60.0 / 110.0 - 0.1, 1e-12);
}

TEST(PurchaseRule, DefaultBonusGoesToTheDefaultOption) {
  PurchaseRule r;
  r.default_bonus = 0.1;
  r.default_option = static_cast<std::uint8_t>(Option::kNewCircular);
  PurchaseRule no_bonus;
  const auto s = all_available();
  const auto with = purchase_intentions(r, 0.3, s);
  const auto without = purchase_intentions(no_bonus, 0.3, s);
  EXPECT_NEAR(with[1] - without[1], 0.1, 1e-12);
  EXPECT_DOUBLE_EQ(with[0], without[0]);
}

TEST(PurchaseRule, LogitProbabilitiesSumToOneAndSkipUnavailableOptions) {
  PurchaseRule r;
  r.temperature = 0.2;
  auto s = all_available();
  s.available[3] = false;
  const auto p = purchase_probabilities(r, 0.5, s);
  EXPECT_NEAR(p[0] + p[1] + p[2] + p[3], 1.0, 1e-12);
  EXPECT_EQ(p[3], 0.0);
  const auto bi = purchase_intentions(r, 0.5, s);
  // Ratio of two options is exp((BI_i - BI_j) / tau).
  EXPECT_NEAR(p[0] / p[2], std::exp((bi[0] - bi[2]) / 0.2), 1e-9);
}

TEST(PurchaseRule, ChoiceFrequenciesMatchProbabilities) {
  PurchaseRule r;
  r.temperature = 0.3;
  const auto s = all_available();
  const auto p = purchase_probabilities(r, 0.6, s);
  std::array<int, kOptions> count{};
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    RandomStream rs(7, static_cast<AgentId>(i), 0, 3);
    ++count[static_cast<std::size_t>(choose_purchase(r, 0.6, s, rs))];
  }
  for (std::size_t k = 0; k < kOptions; ++k) {
    const double se = std::sqrt(p[k] * (1 - p[k]) / n);
    EXPECT_NEAR(count[k] / static_cast<double>(n), p[k], 5 * se + 1e-9) << "option " << k;
  }
}

TEST(PurchaseRule, LowTemperatureApproachesArgmax) {
  PurchaseRule r;
  r.temperature = 0.001;
  const auto s = all_available();
  const auto bi = purchase_intentions(r, 0.9, s);
  const auto best = static_cast<std::size_t>(std::max_element(bi.begin(), bi.end()) - bi.begin());
  const auto p = purchase_probabilities(r, 0.9, s);
  EXPECT_GT(p[best], 0.999);
}

TEST(EndOfLifeRule, ResidualWasteIsTheLinearOption) {
  ChoiceRule r{0.39, 0.27, 0.44, 0.05, 0.0, 0, 0.0};
  ChoiceSituation s;
  s.available = {true, true, true, true};
  s.cost = {30, 10, 5, 20};
  s.linear_option = static_cast<std::uint8_t>(EolOption::kResidual);
  s.last_choice = static_cast<std::uint8_t>(EolOption::kResidual);
  const auto bi = choice_intentions(r, 0.8, s);
  EXPECT_NEAR(bi[3], 0.39 * 0.2 - 0.44 * 20.0 / 30.0, 1e-12);
  EXPECT_NEAR(bi[2], 0.39 * 0.8 - 0.44 * 5.0 / 30.0, 1e-12);
}

// FactoredLogit must draw what choose() draws: with the same uniform the two pick
// the same option unless the uniform falls within rounding of a cumulative
// boundary (chance ~1e-13 per draw), so every draw below must agree.
struct FactoredCase {
  ChoiceRule rule;
  double attitude;
  ChoiceSituation s;
  std::array<std::uint64_t, kOptions> count;
  std::uint64_t total;
};

std::vector<FactoredCase> factored_cases() {
  std::vector<FactoredCase> cases;
  const ChoiceRule purchase;  // defaults, tau 0.05
  const ChoiceRule eol{0.39, 0.27, 0.44, 0.05, 0.0, 0, 0.0};
  ChoiceRule bonus{0.464, 0.497, 0.382, 0.2, 0.15, 1, 0.3};
  ChoiceRule warm{0.8, 0.1, 0.6, 1.0, 0.0, 0, 0.05};
  auto s = all_available();
  // A neighbourhood of 10 (tabulated) and the shares' counts of all_available.
  cases.push_back({purchase, 0.3, s, {7, 1, 2, 0}, 10});
  // No neighbours: every social factor is 1 (SN 0).
  cases.push_back({purchase, 0.7, s, {0, 0, 0, 0}, 0});
  // A degree beyond the table (exp per option) and the last choice not the linear one.
  s.last_choice = 2;
  cases.push_back({bonus, 0.55, s, {20, 5, 11, 4}, 40});
  // Unavailable options get no weight.
  s.available = {true, false, true, false};
  cases.push_back({warm, 0.9, s, {1, 3, 0, 28}, 32});
  // All costs zero (PBC 0 for every option).
  s.available = {true, true, true, true};
  s.cost = {0, 0, 0, 0};
  cases.push_back({bonus, 0.1, s, {0, 1, 0, 0}, 1});
  // End of life: residual waste is the linear option.
  ChoiceSituation e;
  e.available = {true, true, true, true};
  e.cost = {30, 10, 5, 20};
  e.linear_option = static_cast<std::uint8_t>(EolOption::kResidual);
  e.last_choice = static_cast<std::uint8_t>(EolOption::kCollect);
  cases.push_back({eol, 0.8, e, {2, 0, 3, 5}, 10});
  for (auto& c : cases)
    for (std::size_t k = 0; k < kOptions; ++k)
      c.s.social_share[k] =
          c.total > 0 ? static_cast<double>(c.count[k]) / static_cast<double>(c.total) : 0.0;
  return cases;
}

TEST(FactoredLogit, DrawsTheSameOptionAsChooseWithTheSameUniform) {
  int case_index = 0;
  for (const auto& c : factored_cases()) {
    const FactoredLogit logit(c.rule);
    ASSERT_TRUE(logit.usable());
    const auto option = logit.option_factors(c.s);
    const auto social = logit.social_factors(c.count, c.total);
    const auto p = choice_probabilities(c.rule, c.attitude, c.s);
    std::array<int, kOptions> picked{};
    for (int i = 0; i < 20000; ++i) {
      RandomStream a(11, static_cast<AgentId>(i), 5, 2);
      RandomStream b(11, static_cast<AgentId>(i), 5, 2);
      RandomStream d(11, static_cast<AgentId>(i), 5, 2);
      const auto expected = choose(c.rule, c.attitude, c.s, a);
      const auto got =
          logit.choose(c.attitude, c.s.linear_option, c.s.last_choice, option, social, b);
      ASSERT_EQ(got, expected) << "case " << case_index << " draw " << i;
      // The simulation's path: the household's attitude factor computed beforehand.
      ASSERT_EQ(logit.choose_by_factor(logit.attitude_factor(c.attitude), c.s.linear_option,
                                       c.s.last_choice, option, social, d),
                expected)
          << "case " << case_index << " draw " << i;
      ++picked[got];
    }
    // Every option with a probability above 1 % is drawn, none unavailable is.
    for (std::size_t k = 0; k < kOptions; ++k) {
      if (!c.s.available[k]) {
        EXPECT_EQ(picked[k], 0) << "case " << case_index;
      }
      if (p[k] > 0.01) {
        EXPECT_GT(picked[k], 0) << "case " << case_index;
      }
    }
    ++case_index;
  }
}

TEST(FactoredLogit, FactorsAreTheExponentialsOfTheIntentionTerms) {
  ChoiceRule r{0.5, 0.4, 0.3, 0.25, 0.2, 2, 0.1};
  const FactoredLogit logit(r);
  ASSERT_TRUE(logit.usable());
  auto s = all_available();
  s.available[1] = false;
  const auto f = logit.option_factors(s);
  // Largest available cost 100: PBC_k = -cost_k / 100; option 2 gets the bonus.
  EXPECT_NEAR(f[0], std::exp(0.3 * -1.0 / 0.25), 1e-12);
  EXPECT_EQ(f[1], 0.0);
  EXPECT_NEAR(f[2], std::exp((0.3 * -0.6 + 0.2) / 0.25), 1e-12);
  EXPECT_NEAR(f[3], std::exp(0.3 * -0.9 / 0.25), 1e-12);
  // Social factors from counts, inside the table and beyond it.
  const auto small = logit.social_factors({3, 1, 0, 2}, 6);
  EXPECT_NEAR(small[0], std::exp(0.4 * 0.5 / 0.25), 1e-12);
  EXPECT_NEAR(small[2], 1.0, 1e-15);
  const auto large = logit.social_factors({50, 0, 25, 25}, 100);
  EXPECT_NEAR(large[0], std::exp(0.4 * 0.5 / 0.25), 1e-12);
  EXPECT_NEAR(large[3], std::exp(0.4 * 0.25 / 0.25), 1e-12);
  const auto none = logit.social_factors({0, 0, 0, 0}, 0);
  for (double x : none) EXPECT_EQ(x, 1.0);
  // Attitude factor of the circular options: exp(w_a a / tau).
  EXPECT_NEAR(logit.attitude_factor(0.6), std::exp(0.5 * 0.6 / 0.25), 1e-12);
  EXPECT_EQ(logit.attitude_factor(0.0), 1.0);
}

TEST(FactoredLogit, NotUsableWhenFactorsCouldOverflow) {
  PurchaseRule r;  // weights sum to 1.443
  r.temperature = 0.05;
  EXPECT_TRUE(FactoredLogit(r).usable());
  r.temperature = 0.001;  // exp(1443) overflows a double: choose() must be used
  EXPECT_FALSE(FactoredLogit(r).usable());
  r.temperature = 0;
  EXPECT_FALSE(FactoredLogit(r).usable());
}

TEST(BassRule, HazardMatchesClosedForm) {
  EXPECT_NEAR(bass_adoption_probability(0.03, 0.38, 0.5, 1.0 / 12),
              1 - std::exp(-(0.03 + 0.19) / 12), 1e-15);
  EXPECT_EQ(bass_adoption_probability(0.0, 0.0, 0.7, 1.0), 0.0);
}

TEST(CompanyRule, NpvDiscountsYearlyFlows) {
  StrategyEconomics e;
  e.capex = 1000;
  e.subsidy_rate = 0.5;
  e.revenue_change = 300;
  e.cost_change = 100;
  e.horizon_years = 3;
  e.hurdle_rate = 0.1;
  e.expected_penalty_avoided[1] = 50;  // year 2
  const double expected = -500 + 200 / 1.1 + 250 / (1.1 * 1.1) + 200 / (1.1 * 1.1 * 1.1);
  EXPECT_NEAR(strategy_npv(e), expected, 1e-9);
}

TEST(CompanyRule, SubsidyRaisesNpvByTheGrant) {
  StrategyEconomics e;
  e.capex = 200000;
  e.revenue_change = 10000;
  e.horizon_years = 10;
  const double without = strategy_npv(e);
  e.subsidy_rate = 0.5;
  EXPECT_NEAR(strategy_npv(e) - without, 100000, 1e-6);
}

TEST(CompanyRule, IntentionAndLogisticAdoption) {
  IntentionWeights w{0.5, 0.2, 0.2, 0.1, 10};
  const double u = strategy_intention(w, 50000, 100000, 0.4, 0.3, true);
  EXPECT_NEAR(u, 0.5 * std::tanh(0.5) + 0.2 * 0.4 + 0.2 * 0.3 + 0.1, 1e-12);
  EXPECT_NEAR(adoption_probability(10, 0.25, 0.25), 0.5, 1e-12);
  EXPECT_NEAR(adoption_probability(10, 0.35, 0.25), 1 / (1 + std::exp(-1.0)), 1e-12);
  EXPECT_LT(adoption_probability(10, 0.0, 0.25), 0.1);
}

TEST(CompanyRule, StrategiesApplyByRole) {
  EXPECT_TRUE(strategy_applies(Role::kProducer, Strategy::kSubstitute));
  EXPECT_FALSE(strategy_applies(Role::kProducer, Strategy::kExtend));
  EXPECT_TRUE(strategy_applies(Role::kRefurbisher, Strategy::kExtend));
  EXPECT_TRUE(strategy_applies(Role::kRecycler, Strategy::kRecycle));
  EXPECT_FALSE(strategy_applies(Role::kRecycler, Strategy::kReduce));
  // The three further roles of MODEL.md.
  EXPECT_TRUE(strategy_applies(Role::kManufacturer, Strategy::kReduce));
  EXPECT_TRUE(strategy_applies(Role::kManufacturer, Strategy::kRecycle));
  EXPECT_FALSE(strategy_applies(Role::kManufacturer, Strategy::kExtend));
  EXPECT_TRUE(strategy_applies(Role::kRetailer, Strategy::kSubstitute));
  EXPECT_TRUE(strategy_applies(Role::kRetailer, Strategy::kExtend));
  EXPECT_FALSE(strategy_applies(Role::kRetailer, Strategy::kRecycle));
  EXPECT_TRUE(strategy_applies(Role::kCollector, Strategy::kExtend));
  EXPECT_TRUE(strategy_applies(Role::kCollector, Strategy::kRecycle));
  EXPECT_FALSE(strategy_applies(Role::kCollector, Strategy::kReduce));
  // Every role can adopt at least one strategy (chain projects need members of >= 3 roles).
  for (int r = 0; r < kRoles; ++r) {
    bool any = false;
    for (int s = 0; s < kStrategies; ++s)
      any = any || strategy_applies(static_cast<Role>(r), static_cast<Strategy>(s));
    EXPECT_TRUE(any) << kRoleNames[static_cast<std::size_t>(r)];
  }
}

TEST(CompanyRule, BankruptAfterConsecutiveNegativeCashMonths) {
  Company c;
  c.cash = Euro::from_double(10);
  int months = 0;
  bool exit = false;
  while (!exit && months < 100) {
    c.revenue = Euro::from_double(1);
    c.cost = Euro::from_double(6);
    exit = close_month(c, 24);
    ++months;
  }
  // Cash goes negative in month 3 (10 - 5 - 5 = 0 is not negative; month 3 is -5),
  // so the 24th negative month is month 26.
  EXPECT_EQ(months, 26);
}

TEST(CompanyRule, PositiveMonthResetsTheCounter) {
  Company c;
  c.cash = Euro::from_double(-1);
  c.revenue = Euro{};
  c.cost = Euro{};
  EXPECT_FALSE(close_month(c, 3));
  EXPECT_FALSE(close_month(c, 3));
  c.revenue = Euro::from_double(5);
  EXPECT_FALSE(close_month(c, 3));
  EXPECT_EQ(c.negative_cash_months, 0);
}

TEST(CompanyRule, FinancingNeedsCashPlusCredit) {
  Company c;
  c.cash = Euro::from_double(100);
  EXPECT_TRUE(can_finance(c, 50, 150));
  EXPECT_FALSE(can_finance(c, 50, 150.01));
}

TEST(Government, FirstComeFirstServedGrantsInArrivalOrder) {
  SchemeRules rules{0, 100, false};
  std::vector<SubsidyApplication> apps = {
      {1, 30, 0, 60}, {2, 10, 0, 60}, {3, 20, 0, 60}, {4, 5, 0, 60}};
  Euro budget = Euro::from_double(150);
  const auto d = allocate_subsidies(rules, apps, budget);
  ASSERT_EQ(d.size(), 4u);
  // Arrival order 4, 2, 3, 1: two grants of 60 fit in 150, the third does not.
  EXPECT_EQ(d[0].applicant, 4u);
  EXPECT_TRUE(d[0].granted);
  EXPECT_EQ(d[1].applicant, 2u);
  EXPECT_TRUE(d[1].granted);
  EXPECT_EQ(d[2].applicant, 3u);
  EXPECT_FALSE(d[2].granted);
  EXPECT_FALSE(d[3].granted);
  EXPECT_NEAR(budget.to_double(), 30, 1e-9);
}

TEST(Government, NeverOverCommitsAndRespectsMinMax) {
  SchemeRules rules{50, 80, false};
  std::vector<SubsidyApplication> apps;
  for (std::uint32_t i = 0; i < 100; ++i) apps.push_back({i, i, 0, 30.0 + i});
  Euro budget = Euro::from_double(1000);
  const Euro start = budget;
  const auto d = allocate_subsidies(rules, apps, budget);
  double granted = 0;
  for (const auto& x : d) {
    if (!x.granted) continue;
    EXPECT_GE(x.granted_eur, 50);
    EXPECT_LE(x.granted_eur, 80);
    granted += x.granted_eur;
  }
  EXPECT_LE(granted, 1000);
  EXPECT_NEAR((start - budget).to_double(), granted, 1e-9);
}

TEST(Government, TenderRanksByScore) {
  SchemeRules rules{0, 100, true};
  std::vector<SubsidyApplication> apps = {{1, 0, 0.2, 100}, {2, 1, 0.9, 100}, {3, 2, 0.5, 100}};
  Euro budget = Euro::from_double(200);
  const auto d = allocate_subsidies(rules, apps, budget);
  EXPECT_EQ(d[0].applicant, 2u);
  EXPECT_EQ(d[1].applicant, 3u);
  EXPECT_TRUE(d[1].granted);
  EXPECT_FALSE(d[2].granted);
}

TEST(RegionalGovernment, AwardScoreIsMeatWithACircularityWeight) {
  // (1 - w) x lowest / price + w x circular.
  EXPECT_NEAR(tender_score(0.2, 100, 100, false), 0.8, 1e-12);
  EXPECT_NEAR(tender_score(0.2, 100, 110, true), 0.8 * 100.0 / 110.0 + 0.2, 1e-12);
  EXPECT_NEAR(tender_score(0.0, 100, 125, true), 0.8, 1e-12);
}

TEST(RegionalGovernment, TenderWinnerFollowsTheLogitShares) {
  // Two equal-weight offers: linear at 100, circular at 110; w = 0.3, tau = 0.1.
  const std::vector<TenderOffer> offers = {{1, 100, false}, {1, 110, true}};
  const double s_lin = 0.7;
  const double s_circ = 0.7 * 100.0 / 110.0 + 0.3;
  const double p_lin = std::exp(s_lin / 0.1) / (std::exp(s_lin / 0.1) + std::exp(s_circ / 0.1));
  EXPECT_EQ(tender_winner(offers, 0.3, 0.1, p_lin - 1e-9), 0u);
  EXPECT_EQ(tender_winner(offers, 0.3, 0.1, p_lin + 1e-9), 1u);
  // No offer with a positive weight: no winner.
  const std::vector<TenderOffer> none = {{0, 100, false}};
  EXPECT_EQ(tender_winner(none, 0.3, 0.1, 0.5), 1u);
}

// The sequential draw (running sum until it passes u x total), written out
// independently: tender_winner and the precomputed tender_pick must equal it.
std::size_t sequential_winner(const std::vector<TenderOffer>& offers, double w, double tau,
                              double u) {
  double lowest = std::numeric_limits<double>::infinity();
  for (const auto& o : offers)
    if (o.weight > 0 && o.price > 0) lowest = std::min(lowest, o.price);
  if (!std::isfinite(lowest)) lowest = 0;
  auto term = [&](const TenderOffer& o) {
    return o.weight * std::exp((tender_score(w, lowest, o.price, o.circular) - 1.0) / tau);
  };
  double total = 0;
  for (const auto& o : offers)
    if (o.weight > 0) total += term(o);
  if (!(total > 0)) return offers.size();
  double running = 0;
  std::size_t last = offers.size();
  for (std::size_t k = 0; k < offers.size(); ++k) {
    if (offers[k].weight <= 0) continue;
    running += term(offers[k]);
    last = k;
    if (u * total < running) return k;
  }
  return last;
}

TEST(RegionalGovernment, PrecomputedLotsDrawTheSameWinners) {
  RandomStream rs(3, 1, 0, 7);
  for (int lot = 0; lot < 200; ++lot) {
    std::vector<TenderOffer> offers;
    const auto n = 1 + rs.below(60);
    for (std::uint64_t k = 0; k < n; ++k)
      offers.push_back(
          {rs.uniform() < 0.2 ? 0.0 : rs.uniform(), 50 + 100 * rs.uniform(), rs.uniform() < 0.4});
    std::vector<double> cumulative;
    tender_cumulative(offers, 0.3, 0.05, cumulative);
    for (int d = 0; d < 200; ++d) {
      const double u = d == 0 ? 1.0 - 1e-16 : rs.uniform();
      const std::size_t expected = sequential_winner(offers, 0.3, 0.05, u);
      ASSERT_EQ(tender_pick(cumulative, offers, u), expected) << "lot " << lot << " u " << u;
      ASSERT_EQ(tender_winner(offers, 0.3, 0.05, u), expected);
    }
  }
}

TEST(RegionalGovernment, CircularOffersWinMoreOftenAsTheWeightRises) {
  double last = 0;
  for (const double w : {0.0, 0.05, 0.1, 0.2, 0.4, 0.8}) {
    const double p = circular_win_probability(w, 0.1, 1.1);
    EXPECT_GT(p, last) << "w_circ " << w;
    last = p;
  }
  // Equal prices and no weight: a coin toss; a circularity weight tips it.
  EXPECT_NEAR(circular_win_probability(0.0, 0.1, 1.0), 0.5, 1e-12);
  EXPECT_GT(circular_win_probability(0.1, 0.1, 1.0), 0.5);
}

TEST(RegionalGovernment, CofundingNeverOverCommitsTheBudget) {
  Euro budget = Euro::from_double(100);
  EXPECT_NEAR(cofund(0.25, 200, budget), 50, 1e-12);
  EXPECT_NEAR(cofund(0.25, 400, budget), 50, 1e-12);  // only 50 left
  EXPECT_NEAR(budget.to_double(), 0, 1e-12);
  EXPECT_NEAR(cofund(0.25, 400, budget), 0, 1e-12);
  EXPECT_NEAR(budget.to_double(), 0, 1e-12);
}

}  // namespace
}  // namespace ketensim::agents
