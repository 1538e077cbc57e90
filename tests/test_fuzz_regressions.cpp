// Inputs the fuzz targets (fuzz/, scripts/fuzz.sh) once crashed on, kept in
// tests/fuzz_regressions/<target>/: each is fed to the reader the way that target feeds it and must
// now be refused with a std::exception (a crash, a sanitizer report or another exception fails).
// Run under the sanitizer build of .ci/run, this also catches leaks and undefined behaviour.
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
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

void check_target(const std::string& target) {
  const fs::path dir = kDir / target;
  if (!fs::is_directory(dir)) return;  // git keeps no empty directories: no input found yet
  const fs::path tmp = fs::temp_directory_path() / ("theano_fuzz_regression_" + std::to_string(getpid()));
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string input = read_file(entry.path());
    for (const Reading& r : targets().at(target)) {
      INFO(entry.path().string() << ": " << r.what);
      write_file(tmp, r.content(input));
      std::string error;
      try {
        r.read(tmp.string());
      } catch (const std::exception& e) {
        error = e.what();
      }
      fs::remove(tmp);
      INFO("error: " << error);
      CHECK(!error.empty());
    }
  }
}

}  // namespace

TEST_CASE("fuzz regressions: every directory belongs to a fuzz target", "[fuzz]") {
  if (!fs::is_directory(kDir)) return;
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
