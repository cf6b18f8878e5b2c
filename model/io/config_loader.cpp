#include "model/io/config_loader.hpp"
