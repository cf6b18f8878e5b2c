// Cross-field rules checked once a scenario is fully loaded (base chain and
// --set applied). Errors point at the place the offending value was set.
#pragma once

#include <string>

#include "ketensim/scenario.pb.h"
#include "model/io/yaml_to_proto.hpp"

namespace ketensim::io::detail {

// Throws ConfigError at the provenance of the first broken rule. Values never
// set anywhere are reported at `default_where` (the top file).
void check_scenario(const config::Scenario& scenario, const Provenance& provenance,
                    const std::string& default_where);

}  // namespace ketensim::io::detail
