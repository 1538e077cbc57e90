// Inputs the fuzz targets (fuzz/, scripts/fuzz.sh) once crashed on, kept in
// tests/fuzz_regressions/<target>/: each is fed to the reader the way that target feeds it and must
// now be refused with a std::exception whose message is the one listed for it below (a crash, a
// sanitizer report, another exception or another message fails). Run under the sanitizer build of
// .ci/run, this also catches leaks and undefined behaviour.
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fuzz/checkpoint_crc.hpp"
#include "theano/checkpoint.hpp"
#include "theano/io.hpp"
#include "theano/shared.hpp"
#include "test_files.hpp"

namespace fs = std::filesystem;
using namespace theano;
using namespace test_files;

namespace {

const fs::path kDir = THEANO_CPP_FUZZ_REGRESSIONS_DIR;

// One way a target reads its input: the file content to write, and the reader to run on it.
struct Reading {
  std::string what;
  std::function<std::string(const std::string&)> content;
  std::function<void(const std::string&)> read;
};

auto as_is = [](const std::string& s) { return s; };
auto gzip_magic = [](const std::string& s) { return s.rfind("\x1f\x8b", 0) == 0 ? s : "\x1f\x8b" + s; };
auto idx = [](const std::string& p) { io::read_idx(p); };
auto pickle = [](const std::string& p) { io::read_mnist_pickle(p); };
auto checkpoint = [](const std::string& p) { theano::load_arrays(p); };
// fuzz_checkpoint's variables: W float32 (2, 3) and b float64 (3,).
auto load_params = [](const std::string& p) {
  SharedVariable W = shared(NDArray::empty(DType::Float32, {2, 3}), "W");
  SharedVariable b = shared(NDArray::empty(DType::Float64, {3}), "b");
  theano::load(p, {W, b});
};

// The readings of each fuzz target, as in fuzz/<target>.cpp.
const std::map<std::string, std::vector<Reading>>& targets() {
  static const std::map<std::string, std::vector<Reading>> t = {
      {"fuzz_idx", {{"read_idx", as_is, idx}, {"read_idx of the gzip'd input", gzip, idx}}},
      {"fuzz_pickle", {{"read_mnist_pickle", as_is, pickle}}},
      {"fuzz_gzip", {{"read_idx", gzip_magic, idx}, {"read_mnist_pickle", gzip_magic, pickle}}},
      {"fuzz_checkpoint",
       {{"load_arrays", as_is, checkpoint},
        {"load_arrays with CRCs fixed", fuzz::fix_checkpoint_crcs, checkpoint},
        {"load into (W, b) with CRCs fixed", fuzz::fix_checkpoint_crcs, load_params}}},
  };
  return t;
}

// What each input must give, reading by reading (in the order of targets()): the whole message of
// the exception, "{path}" standing for the file read. A new input needs its line here.
struct Expected {
  std::string target, file;
  std::vector<std::string> errors;
};
const std::vector<Expected>& expected() {
  static const std::string idx_empty_huge =
      "read_idx: {path}: header declares (0, 16777217, 1, 1, 0, 65536)..., an empty array whose other dimensions exceed 4 GiB "
      "(corrupt header?)";
  static const std::string pickle_wraps = "read_pickle: {path}: array shape (4294967296, 4294967296)... is too large (at offset 130, opcode 0x62)";
  static const std::string ckpt_huge =
      "load: {path}: entry 0 of 1 ('W'): absurd size: shape (0, 4294967296, 4294967296, 4294967296) of float32 needs more than 2**40 "
      "bytes but 8 bytes of zlib data cannot hold them";
  static const std::vector<Expected> e = {
      {"fuzz_idx", "crash-8c16d14492275a2eaeb74e28a7df8d46a559941c", {idx_empty_huge, idx_empty_huge}},
      {"fuzz_pickle",
       "ub-empty-array-strides-overflow.pkl",
       {"read_pickle: {path}: array shape (0, 4294967296, 4294967296)... is too large (at offset 139, opcode 0x62)"}},
      {"fuzz_pickle", "ub-element-count-wraps-to-zero.pkl", {pickle_wraps}},
      {"fuzz_pickle",
       "leak-list-holds-itself.pkl",
       {"read_pickle: {path}: wrong structure: expected a 3-tuple (train, valid, test), got a list of 1"}},
      {"fuzz_pickle",
       "leak-dict-holds-itself.pkl",
       {"read_pickle: {path}: wrong structure: expected a 3-tuple (train, valid, test), got a dict"}},
      {"fuzz_gzip",
       "ub-element-count-wraps-to-zero.pkl.gz",
       {"read_idx: {path}: not an IDX file (bad magic, expected 00 00 <type> <ndim>)", pickle_wraps}},
      {"fuzz_checkpoint",
       "zero-dim-hides-huge-shape.ckpt",
       {"load: {path}: entry 0 of 1 ('W'): CRC mismatch (stored 00000000, computed b07f1083): the file is corrupt", ckpt_huge, ckpt_huge}},
  };
  return e;
}

std::string with_path(std::string message, const std::string& path) {
  const std::string key = "{path}";
  if (size_t at = message.find(key); at != std::string::npos) message.replace(at, key.size(), path);
  return message;
}

void check_target(const std::string& target) {
  const fs::path dir = kDir / target;
  REQUIRE(fs::is_directory(dir));
  std::set<std::string> on_disk, listed;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) on_disk.insert(entry.path().filename().string());
  for (const Expected& e : expected())
    if (e.target == target) listed.insert(e.file);
  INFO("every input of " << dir.string() << " needs its messages in expected(), and every one listed there its file");
  CHECK(on_disk == listed);
  const fs::path tmp = fs::temp_directory_path() / ("theano_fuzz_regression_" + std::to_string(getpid()));
  const std::vector<Reading>& readings = targets().at(target);
  for (const Expected& e : expected()) {
    if (e.target != target || !on_disk.count(e.file)) continue;
    const std::string input = read_file(dir / e.file);
    REQUIRE(e.errors.size() == readings.size());
    for (size_t i = 0; i < readings.size(); ++i) {
      const Reading& r = readings[i];
      INFO(e.file << ": " << r.what);
      write_file(tmp, r.content(input));
      std::string error = "<no exception>";
      try {
        r.read(tmp.string());
      } catch (const std::exception& ex) {
        error = ex.what();
      }
      fs::remove(tmp);
      CHECK(error == with_path(e.errors[i], tmp.string()));
    }
  }
}

}  // namespace

TEST_CASE("fuzz regressions: every directory belongs to a fuzz target", "[fuzz]") {
  REQUIRE(fs::is_directory(kDir));
  for (const auto& entry : fs::directory_iterator(kDir)) {
    if (!entry.is_directory()) continue;  // README.md
    INFO(entry.path().string());
    CHECK(targets().count(entry.path().filename().string()) == 1);
  }
}

TEST_CASE("fuzz regressions: fuzz_idx inputs are clean read_idx errors", "[fuzz]") { check_target("fuzz_idx"); }
TEST_CASE("fuzz regressions: fuzz_pickle inputs are clean read_mnist_pickle errors", "[fuzz]") { check_target("fuzz_pickle"); }
TEST_CASE("fuzz regressions: fuzz_gzip inputs are clean errors of both readers", "[fuzz]") { check_target("fuzz_gzip"); }
TEST_CASE("fuzz regressions: fuzz_checkpoint inputs are clean load errors", "[fuzz]") { check_target("fuzz_checkpoint"); }
