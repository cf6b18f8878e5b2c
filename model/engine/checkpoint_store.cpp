#include "model/engine/checkpoint_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>

#include "model/engine/crc32c.hpp"

namespace ketensim::engine {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kFormat = "ketensim-checkpoint";
constexpr int kVersion = 1;
constexpr const char* kManifest = "manifest.json";
constexpr const char* kWritingPrefix = ".writing-";
constexpr const char* kPrefix = "ckpt-";

std::string errno_text() {
  return std::strerror(errno);
}

void fsync_path(const fs::path& p, bool directory) {
  const int fd = ::open(p.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// Writes a whole file and fsyncs it; returns "" or what went wrong.
std::string write_whole(const fs::path& path, std::string_view data) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot create " + path.string() + ": " + errno_text();
  std::size_t done = 0;
  while (done < data.size()) {
    const auto n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string why = errno_text();
      ::close(fd);
      return "cannot write " + path.string() + ": " + why;
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0)
    return "cannot flush " + path.string() + ": " + errno_text();
  return "";
}

std::string hex32(std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

// The manifest's own checksum covers its canonical text without the checksum field.
std::uint32_t manifest_crc(json m) {
  m.erase("manifest_crc32c");
  return crc32c(m.dump());
}

// Broadcast a status string from `root` ("" = fine); throws on every rank when not fine.
void agree_root_status(const Comm& comm, std::string status) {
  comm.broadcast(status);
  if (!status.empty()) throw CheckpointError(status);
}

bool is_checkpoint_name(const std::string& name) {
  if (!name.starts_with(kPrefix) || name.size() <= std::strlen(kPrefix)) return false;
  return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(std::strlen(kPrefix)), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string checkpoint_name(std::uint64_t next_tick) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%s%06llu", kPrefix, static_cast<unsigned long long>(next_tick));
  return buf;
}

std::vector<fs::path> list_checkpoints(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory(ec) && is_checkpoint_name(name) &&
        fs::exists(entry.path() / kManifest, ec))
      out.push_back(entry.path());
  }
  // Names are zero-padded ticks; compare numerically so that ticks past 999999 still sort.
  std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) {
    const auto na = std::stoull(a.filename().string().substr(std::strlen(kPrefix)));
    const auto nb = std::stoull(b.filename().string().substr(std::strlen(kPrefix)));
    return na < nb;
  });
  return out;
}

void agree_on_checkpoint_errors(const Comm& comm, const std::string& local_error) {
  const int bad = comm.allreduce_max(static_cast<std::int64_t>(local_error.empty() ? 0 : 1)) != 0;
  if (!bad) return;
  const auto bytes = comm.allgather_bytes(
      {reinterpret_cast<const std::uint8_t*>(local_error.data()), local_error.size() + 1});
  // Strings end with '\0'; the first non-empty one wins (lowest rank).
  std::size_t i = 0;
  while (i < bytes.size()) {
    const std::string s(reinterpret_cast<const char*>(bytes.data() + i));
    if (!s.empty()) throw CheckpointError(s);
    i += s.size() + 1;
  }
  throw CheckpointError("checkpoint error on another rank");
}

// ---------------------------------------------------------------- writer ----

CheckpointWriter::CheckpointWriter(const Comm& comm, fs::path dir, std::string name)
    : comm_(comm),
      dir_(std::move(dir)),
      name_(std::move(name)),
      staging_(dir_ / (kWritingPrefix + name_)) {
  std::string status;
  if (comm_.is_root()) {
    std::error_code ec;
    fs::create_directories(dir_, ec);
    if (ec) status = "cannot create " + dir_.string() + ": " + ec.message();
    if (status.empty()) {
      // Leftovers of a write that was interrupted (kill, node failure).
      for (const auto& entry : fs::directory_iterator(dir_, ec))
        if (entry.path().filename().string().starts_with(kWritingPrefix))
          fs::remove_all(entry.path(), ec);
      fs::create_directory(staging_, ec);
      if (ec) status = "cannot create " + staging_.string() + ": " + ec.message();
    }
  }
  agree_root_status(comm_, status);
  char buf[32];
  std::snprintf(buf, sizeof buf, "rank-%06d.bin", comm_.rank());
  file_ = staging_ / buf;
  fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd_ < 0) fail("cannot create " + file_.string() + ": " + errno_text());
}

CheckpointWriter::~CheckpointWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void CheckpointWriter::fail(const std::string& what) {
  if (error_.empty()) error_ = what;
}

void CheckpointWriter::add_chunk(std::string_view section, AgentId first, std::uint64_t count,
                                 std::string_view bytes) {
  if (!error_.empty() || fd_ < 0) return;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const auto n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("cannot write " + file_.string() + ": " + errno_text());
    done += static_cast<std::size_t>(n);
  }
  const std::uint32_t chunk_crc = crc32c(bytes);
  crc_ = crc32c(bytes, crc_);
  json c = {{"section", std::string(section)},
            {"first", first},
            {"count", count},
            {"offset", offset_},
            {"bytes", bytes.size()},
            {"crc32c", hex32(chunk_crc)}};
  if (!chunks_json_.empty()) chunks_json_ += ',';
  chunks_json_ += c.dump();
  offset_ += bytes.size();
}

CheckpointWriter::Result CheckpointWriter::commit(int keep) {
  if (fd_ >= 0) {
    if (error_.empty() && ::fsync(fd_) != 0)
      fail("cannot flush " + file_.string() + ": " + errno_text());
    if (::close(fd_) != 0) fail("cannot close " + file_.string() + ": " + errno_text());
    fd_ = -1;
  }
  json mine = {{"name", file_.filename().string()},
               {"bytes", offset_},
               {"crc32c", hex32(crc_)},
               {"chunks", json::parse("[" + chunks_json_ + "]")},
               {"error", error_}};
  const auto gathered = comm_.gather_bytes(mine.dump());
  std::string status;
  Result result;
  if (comm_.is_root()) {
    json files = json::array();
    for (const auto& text : gathered) {
      json f = json::parse(text);
      if (status.empty() && !f["error"].get<std::string>().empty())
        status = f["error"].get<std::string>();
      f.erase("error");
      result.bytes += f["bytes"].get<std::uint64_t>();
      files.push_back(std::move(f));
    }
    if (status.empty()) {
      json m = {{"format", kFormat},     {"version", kVersion}, {"name", name_},
                {"ranks", comm_.size()}, {"meta", meta_},       {"files", files}};
      m["manifest_crc32c"] = hex32(manifest_crc(m));
      const std::string text = m.dump(1) + "\n";
      status = write_whole(staging_ / kManifest, text);
      result.bytes += text.size();
      result.files = files.size() + 1;
    }
    if (status.empty()) {
      fsync_path(staging_, true);
      const fs::path target = dir_ / name_;
      std::error_code ec;
      if (fs::exists(target, ec)) fs::remove_all(target, ec);  // a stale one of the same tick
      fs::rename(staging_, target, ec);
      if (ec)
        status =
            "cannot rename " + staging_.string() + " to " + target.string() + ": " + ec.message();
      fsync_path(dir_, true);
      result.path = target;
    }
    if (status.empty()) {
      auto all = list_checkpoints(dir_);
      std::error_code ec;
      const auto keep_n = static_cast<std::size_t>(std::max(keep, 1));
      for (std::size_t i = 0; i + keep_n < all.size(); ++i) fs::remove_all(all[i], ec);
    }
  }
  agree_root_status(comm_, status);
  return result;
}

// ---------------------------------------------------------------- reader ----

CheckpointReader::CheckpointReader(const Comm& comm, fs::path path) : path_(std::move(path)) {
  std::string text;
  std::string status;
  if (comm.is_root()) {
    const fs::path manifest = path_ / kManifest;
    std::ifstream in(manifest, std::ios::binary);
    if (!in) {
      status = manifest.string() + ": cannot read the checkpoint manifest (" + errno_text() + ")";
    } else {
      text.assign(std::istreambuf_iterator<char>(in), {});
      try {
        parse_manifest(text);
      } catch (const std::exception& e) {
        status = manifest.string() + ": " + e.what();
      }
    }
  }
  agree_root_status(comm, status);
  comm.broadcast(text);
  if (!comm.is_root()) parse_manifest(text);

  // Verify every file: its size and its CRC-32C, spread over the ranks.
  std::string local;
  for (std::size_t i = static_cast<std::size_t>(comm.rank()); i < files_.size() && local.empty();
       i += static_cast<std::size_t>(comm.size())) {
    const File& f = files_[i];
    const fs::path p = path_ / f.name;
    std::error_code ec;
    const auto size = fs::file_size(p, ec);
    if (ec) {
      local = p.string() + ": checkpoint file missing or unreadable (" + ec.message() + ")";
      break;
    }
    if (size != f.bytes) {
      local = p.string() + ": checkpoint file has " + std::to_string(size) +
              " bytes, the manifest says " + std::to_string(f.bytes) +
              (size < f.bytes ? " (truncated)" : "");
      break;
    }
    std::ifstream in(p, std::ios::binary);
    std::uint32_t crc = 0;
    std::vector<char> buf(1 << 20);
    std::uint64_t total = 0;
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      const auto n = static_cast<std::size_t>(in.gcount());
      crc = crc32c(std::string_view(buf.data(), n), crc);
      total += n;
    }
    if (total != f.bytes) {
      local = p.string() + ": cannot read the checkpoint file";
    } else if (crc != f.crc) {
      local = p.string() + ": checksum mismatch (CRC-32C " + hex32(crc) + ", the manifest says " +
              hex32(f.crc) + "): the checkpoint file is corrupt";
    }
  }
  agree_on_checkpoint_errors(comm, local);
}

void CheckpointReader::parse_manifest(const std::string& text) {
  json m;
  try {
    m = json::parse(text);
  } catch (const json::exception&) {
    throw CheckpointError("the checkpoint manifest is not valid JSON (truncated or corrupt)");
  }
  try {
    if (m.value("format", "") != kFormat)
      throw CheckpointError("not a KetenSim checkpoint manifest");
    if (m.value("version", 0) != kVersion)
      throw CheckpointError("checkpoint format version " + std::to_string(m.value("version", 0)) +
                            " is not supported (this program reads version " +
                            std::to_string(kVersion) + ")");
    const std::string stored = m.value("manifest_crc32c", "");
    if (stored != hex32(manifest_crc(m)))
      throw CheckpointError("checksum mismatch: the checkpoint manifest is corrupt");
    meta_ = m.at("meta").get<CheckpointMeta>();
    ranks_written_ = m.at("ranks").get<int>();
    files_.clear();
    chunks_.clear();
    total_bytes_ = text.size();
    for (const auto& f : m.at("files")) {
      File file{
          f.at("name").get<std::string>(), f.at("bytes").get<std::uint64_t>(),
          static_cast<std::uint32_t>(std::stoul(f.at("crc32c").get<std::string>(), nullptr, 16))};
      if (file.name.find('/') != std::string::npos || file.name.starts_with("."))
        throw CheckpointError("bad file name '" + file.name + "'");
      total_bytes_ += file.bytes;
      for (const auto& c : f.at("chunks")) {
        Chunk chunk{
            c.at("section").get<std::string>(),
            c.at("first").get<AgentId>(),
            c.at("count").get<std::uint64_t>(),
            files_.size(),
            c.at("offset").get<std::uint64_t>(),
            c.at("bytes").get<std::uint64_t>(),
            static_cast<std::uint32_t>(std::stoul(c.at("crc32c").get<std::string>(), nullptr, 16))};
        if (chunk.offset + chunk.bytes > file.bytes)
          throw CheckpointError("a chunk lies outside its file");
        chunks_.push_back(std::move(chunk));
      }
      files_.push_back(std::move(file));
    }
  } catch (const json::exception& e) {
    throw CheckpointError(std::string("the checkpoint manifest is incomplete: ") + e.what());
  }
  std::stable_sort(chunks_.begin(), chunks_.end(), [](const Chunk& a, const Chunk& b) {
    return a.section != b.section ? a.section < b.section : a.first < b.first;
  });
}

const std::string& CheckpointReader::meta_at(const std::string& key) const {
  const auto it = meta_.find(key);
  if (it == meta_.end())
    throw CheckpointError((path_ / kManifest).string() + ": the checkpoint manifest has no '" +
                          key + "'");
  return it->second;
}

std::vector<CheckpointChunk> CheckpointReader::read(std::string_view section, AgentId first,
                                                    AgentId end) const {
  std::vector<CheckpointChunk> out;
  for (const auto& c : chunks_) {
    if (c.section != section || c.first >= end || c.first + c.count <= first) continue;
    const fs::path p = path_ / files_[c.file].name;
    std::ifstream in(p, std::ios::binary);
    CheckpointChunk chunk{c.first, c.count, std::string(c.bytes, '\0')};
    in.seekg(static_cast<std::streamoff>(c.offset));
    in.read(chunk.bytes.data(), static_cast<std::streamsize>(c.bytes));
    if (!in || static_cast<std::uint64_t>(in.gcount()) != c.bytes)
      throw CheckpointError(p.string() + ": cannot read " + std::to_string(c.bytes) +
                            " bytes at offset " + std::to_string(c.offset) + " (truncated)");
    if (crc32c(chunk.bytes) != c.crc)
      throw CheckpointError(p.string() + ": checksum mismatch in the chunk at offset " +
                            std::to_string(c.offset) + ": the checkpoint file is corrupt");
    out.push_back(std::move(chunk));
  }
  return out;
}

}  // namespace ketensim::engine
