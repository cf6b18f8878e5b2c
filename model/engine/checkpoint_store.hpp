// Checkpoint archives on disk, domain-free. Every rank writes one file of
// id-keyed chunks (opaque bytes: the world layer puts Boost.Serialization
// archives in them); the root rank adds a manifest with sizes and CRC-32C
// checksums of every file and chunk and commits the checkpoint with one atomic
// rename, after which older ones are pruned. Any number of ranks can read a
// checkpoint back by id range, whatever number wrote it.
//
//   DIR/.writing-ckpt-000036/   being written (ignored by readers, removed by the next writer)
//   DIR/ckpt-000036/manifest.json, rank-000000.bin, rank-000001.bin, ...
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "model/engine/mpi_context.hpp"
#include "model/engine/partition.hpp"

namespace ketensim {

// A checkpoint that is missing, truncated or corrupt, or that cannot be written.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ketensim

namespace ketensim::engine {

// Free-form key/value metadata kept in the manifest (month, tick, sizes ...).
using CheckpointMeta = std::map<std::string, std::string>;

// One chunk of consecutive id-keyed records, as read back.
struct CheckpointChunk {
  AgentId first = 0;  // id of the first record
  std::uint64_t count = 0;
  std::string bytes;
};

// Folder name of the checkpoint taken before tick `next_tick`: "ckpt-000036".
std::string checkpoint_name(std::uint64_t next_tick);

// Complete checkpoints (committed folders with a manifest) under `dir`, oldest first.
std::vector<std::filesystem::path> list_checkpoints(const std::filesystem::path& dir);

class CheckpointWriter {
 public:
  // Collective: the root creates DIR/.writing-NAME (removing leftovers of
  // interrupted writes) and every rank opens its own file there.
  CheckpointWriter(const Comm& comm, std::filesystem::path dir, std::string name);
  ~CheckpointWriter();
  CheckpointWriter(const CheckpointWriter&) = delete;
  CheckpointWriter& operator=(const CheckpointWriter&) = delete;

  // Appends `count` records of `section` whose first id is `first`; chunks of
  // one section must come in id order. Local; errors surface in commit().
  void add_chunk(std::string_view section, AgentId first, std::uint64_t count,
                 std::string_view bytes);
  // Manifest metadata; the root rank's values are written.
  void set_meta(const std::string& key, const std::string& value) { meta_[key] = value; }

  struct Result {
    std::filesystem::path path;
    std::uint64_t bytes = 0;  // all files, manifest included
    std::size_t files = 0;
  };
  // Collective: fsyncs every file, writes the manifest, renames the folder to
  // DIR/NAME and keeps only the `keep` newest complete checkpoints. The
  // previous checkpoint is untouched until the new one is complete. Throws
  // CheckpointError on every rank when any rank failed.
  Result commit(int keep);

 private:
  void fail(const std::string& what);

  const Comm& comm_;
  std::filesystem::path dir_;
  std::string name_;
  std::filesystem::path staging_;
  std::filesystem::path file_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;
  std::uint32_t crc_ = 0;
  std::string chunks_json_;  // JSON array entries of this rank's chunks
  std::string error_;
  CheckpointMeta meta_;
};

class CheckpointReader {
 public:
  // Collective: the root reads DIR/manifest.json and checks its own checksum;
  // then every file's size and CRC-32C are verified (files spread over the
  // ranks). Throws CheckpointError naming the first bad file, on every rank.
  CheckpointReader(const Comm& comm, std::filesystem::path path);

  const std::filesystem::path& path() const { return path_; }
  const CheckpointMeta& meta() const { return meta_; }
  // The value of `key`; throws CheckpointError when the manifest lacks it.
  const std::string& meta_at(const std::string& key) const;
  std::uint64_t total_bytes() const { return total_bytes_; }
  int ranks_written() const { return ranks_written_; }

  // Chunks of `section` holding ids in [first, end), in id order, read and
  // CRC-checked. Local (no communication); throws CheckpointError.
  std::vector<CheckpointChunk> read(std::string_view section, AgentId first, AgentId end) const;

 private:
  struct Chunk {
    std::string section;
    AgentId first = 0;
    std::uint64_t count = 0;
    std::size_t file = 0;
    std::uint64_t offset = 0, bytes = 0;
    std::uint32_t crc = 0;
  };
  struct File {
    std::string name;
    std::uint64_t bytes = 0;
    std::uint32_t crc = 0;
  };
  void parse_manifest(const std::string& text);

  std::filesystem::path path_;
  CheckpointMeta meta_;
  std::vector<File> files_;
  std::vector<Chunk> chunks_;
  std::uint64_t total_bytes_ = 0;
  int ranks_written_ = 0;
};

// Collective: `local_error` is "" when this rank is fine. Throws CheckpointError
// with the lowest rank's error on every rank when any rank has one.
void agree_on_checkpoint_errors(const Comm& comm, const std::string& local_error);

}  // namespace ketensim::engine
