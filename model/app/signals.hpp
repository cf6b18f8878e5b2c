// Stop requests from the batch system: SIGTERM and SIGUSR1 (what Slurm sends
// before the wall-time limit with --signal) only set a flag; the run loop
// checks it at the next month boundary, where the ranks agree on it, write a
// checkpoint and exit with code 3.
#pragma once

#include <string>

namespace ketensim::app {

// Installs the flag-setting handlers for SIGTERM and SIGUSR1.
void install_stop_handlers();
// The last stop signal received by this process (0 when none).
int stop_signal();
// "SIGTERM", "SIGUSR1", or "signal N".
std::string signal_name(int signal);

}  // namespace ketensim::app
