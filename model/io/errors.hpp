// Named error types that `main` turns into one clear message and an exit code.
#pragma once

#include <stdexcept>
#include <string>

// CheckpointError (a checkpoint that is missing, truncated or corrupt) lives with the
// checkpoint archive I/O in the engine.
#include "model/engine/checkpoint_store.hpp"

namespace ketensim {

// Bad configuration or bad usage: exit code 2. The message already names
// file:line:column, the key path and what is allowed.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A run directory that exists and may not be overwritten, or cannot be written.
class RunDirError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ketensim
