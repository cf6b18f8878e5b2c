// Files that mark progress or completion are written atomically: a temporary
// file in the same folder, fsync, then rename over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace ketensim::io {

void write_file_atomically(const std::filesystem::path& path, std::string_view contents);

}  // namespace ketensim::io
