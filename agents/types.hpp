// Small value types shared by all agents: ids, options, strategies, roles.
#pragma once

#include <array>
#include <cstdint>
#include <limits>

#include "model/engine/fixed_point.hpp"
#include "model/engine/partition.hpp"
#include "model/engine/rng.hpp"

namespace ketensim::agents {

using engine::AgentId;
using engine::Euro;
using engine::Kilograms;
using engine::RandomStream;

// Most product groups a scenario may have (households store per-group state inline).
inline constexpr int kMaxGroups = 8;

// Household purchase options (MODEL.md "Household: purchase").
enum class Option : std::uint8_t {
  kNewLinear = 0,
  kNewCircular = 1,
  kSecondHand = 2,
  kService = 3
};
inline constexpr int kOptions = 4;

// The four NPCE circular strategies ("knoppen").
enum class Strategy : std::uint8_t { kReduce = 0, kSubstitute = 1, kExtend = 2, kRecycle = 3 };
inline constexpr int kStrategies = 4;
inline constexpr std::array<const char*, kStrategies> kStrategyNames = {"reduce", "substitute",
                                                                        "extend", "recycle"};
inline constexpr std::uint8_t kNoStrategy = 0xFF;

// A firm's intentions U_s at its last review, per strategy; kNoIntention (NaN)
// for a strategy it did not evaluate (adopted already, or not for its role).
inline constexpr float kNoIntention = std::numeric_limits<float>::quiet_NaN();
using Intentions = std::array<float, kStrategies>;
inline constexpr Intentions kNoIntentions = {kNoIntention, kNoIntention, kNoIntention,
                                             kNoIntention};

// The six chain roles of MODEL.md (values are part of the id layout and the outputs).
enum class Role : std::uint8_t {
  kProducer = 0,      // producer / brand owner
  kRefurbisher = 1,   // repair, refurbish, product-as-a-service
  kRecycler = 2,      // high-grade recycler
  kManufacturer = 3,  // converter / component manufacturer supplying producers
  kRetailer = 4,      // retailer taking a margin on household purchases
  kCollector = 5      // collector / sorter of separately collected end-of-life products
};
inline constexpr int kRoles = 6;
inline constexpr std::array<const char*, kRoles> kRoleNames = {
    "producer", "refurbisher", "recycler", "manufacturer", "retailer", "collector"};

enum class SizeClass : std::uint8_t { kSme = 0, kLarge = 1 };

// Purposes of random draws (part of the counter; never reuse a value).
namespace purpose {
inline constexpr engine::Purpose kHouseholdInit = 1;
inline constexpr engine::Purpose kNetwork = 2;
inline constexpr engine::Purpose kPurchase = 3;
inline constexpr engine::Purpose kLifetime = 4;
inline constexpr engine::Purpose kEndOfLife = 5;
inline constexpr engine::Purpose kFirmInit = 6;
inline constexpr engine::Purpose kReview = 7;
inline constexpr engine::Purpose kEnforcement = 8;
inline constexpr engine::Purpose kEntry = 9;
inline constexpr engine::Purpose kSupplier = 10;
inline constexpr engine::Purpose kArrival = 11;
inline constexpr engine::Purpose kMunicipality = 12;
inline constexpr engine::Purpose kProject = 13;
inline constexpr engine::Purpose kRetailer = 14;  // per product group: the shop a household uses
// Above every per_group(base, group) purpose of the world (base * 16 + group < 0x100)
// and the diffusion model's (0x01xx).
inline constexpr engine::Purpose kTender = 0x0201;  // regional tender lots, per (province, group)
inline constexpr engine::Purpose kFirmPlace = 0x0202;  // a firm's municipality (its province)
inline constexpr engine::Purpose kFirmLinks = 0x0203;  // a firm slot's peers and chain partners
}  // namespace purpose

}  // namespace ketensim::agents
