// CRC-32C known answers and the checkpoint store on one rank: round trip by id
// range, pruning to the newest `keep`, and refusal of damaged files.
#include <gtest/gtest.h>
#include <mpi.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>

#include "model/engine/checkpoint_store.hpp"
#include "model/engine/crc32c.hpp"

namespace {

using namespace ketensim;
namespace fs = std::filesystem;

TEST(Crc32c, KnownAnswers) {
  EXPECT_EQ(engine::crc32c(std::string_view("")), 0u);
  EXPECT_EQ(engine::crc32c(std::string_view("123456789")), 0xE3069283u);
  EXPECT_EQ(engine::crc32c(std::string(32, '\0')), 0x8A9136AAu);  // RFC 3720 B.4
}

TEST(Crc32c, Incremental) {
  const std::string text = "The quick brown fox jumps over the lazy dog, twice or more.";
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const auto a = std::string_view(text).substr(0, cut);
    const auto b = std::string_view(text).substr(cut);
    EXPECT_EQ(engine::crc32c(b, engine::crc32c(a)), engine::crc32c(text));
  }
}

fs::path fresh_dir(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("ketensim_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir;
}

void write_checkpoint(const engine::Comm& comm, const fs::path& dir, std::uint64_t tick, int keep) {
  engine::CheckpointWriter w(comm, dir, engine::checkpoint_name(tick));
  w.add_chunk("agents", 100, 3, "abc");
  w.add_chunk("agents", 103, 2, "de");
  w.add_chunk("global", 0, 1, "G" + std::to_string(tick));
  w.set_meta("tick", std::to_string(tick));
  w.commit(keep);
}

TEST(CheckpointStore, RoundTripAndPrune) {
  const engine::Comm comm;
  const fs::path dir = fresh_dir("store");
  for (std::uint64_t t : {12u, 24u, 36u}) write_checkpoint(comm, dir, t, 2);
  const auto all = engine::list_checkpoints(dir);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].filename(), "ckpt-000024");
  EXPECT_EQ(all[1].filename(), "ckpt-000036");
  const engine::CheckpointReader r(comm, all[1]);
  EXPECT_EQ(r.meta_at("tick"), "36");
  const auto some = r.read("agents", 104, 200);
  ASSERT_EQ(some.size(), 1u);
  EXPECT_EQ(some[0].first, 103u);
  EXPECT_EQ(some[0].bytes, "de");
  EXPECT_EQ(r.read("agents", 0, 1000).size(), 2u);
  EXPECT_EQ(r.read("global", 0, 1).at(0).bytes, "G36");
  fs::remove_all(dir);
}

TEST(CheckpointStore, DamageIsRefusedNamingTheFile) {
  const engine::Comm comm;
  const fs::path dir = fresh_dir("damage");
  write_checkpoint(comm, dir, 5, 2);
  const fs::path file = dir / "ckpt-000005" / "rank-000000.bin";
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1);
    f.put('X');
  }
  try {
    engine::CheckpointReader r(comm, dir / "ckpt-000005");
    FAIL() << "a flipped byte was not detected";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("rank-000000.bin"), std::string::npos) << e.what();
  }
  fs::resize_file(file, 2);
  EXPECT_THROW(engine::CheckpointReader(comm, dir / "ckpt-000005"), CheckpointError);
  fs::remove(dir / "ckpt-000005" / "manifest.json");
  EXPECT_TRUE(engine::list_checkpoints(dir).empty());  // no manifest: not a complete checkpoint
  fs::remove_all(dir);
}

TEST(CheckpointStore, InterruptedWriteLeavesThePreviousOne) {
  const engine::Comm comm;
  const fs::path dir = fresh_dir("interrupted");
  write_checkpoint(comm, dir, 1, 2);
  {
    engine::CheckpointWriter w(comm, dir, engine::checkpoint_name(2));
    w.add_chunk("agents", 0, 1, "x");
    // destroyed without commit, like a process killed mid-write
  }
  const auto all = engine::list_checkpoints(dir);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].filename(), "ckpt-000001");
  write_checkpoint(comm, dir, 3, 2);  // removes the leftover .writing- folder
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_FALSE(e.path().filename().string().starts_with("."));
  fs::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  ::testing::InitGoogleTest(&argc, argv);
  const int rc = RUN_ALL_TESTS();
  MPI_Finalize();
  return rc;
}
