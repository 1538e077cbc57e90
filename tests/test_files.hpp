// File helpers shared by the tests that write data files of their own (readers, error messages,
// fuzz regressions): a temporary directory, raw byte reads and writes, and gzip framing.
#pragma once
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace test_files {

// A fresh directory, removed with its contents at scope exit; `prefix` names the test file.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& prefix = "theano_test") {
    static int counter = 0;
    path = std::filesystem::temp_directory_path() /
           (prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline void write_file(const std::filesystem::path& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

// Gzip framing (windowBits 31), as gzip(1) and Python's gzip module write it.
inline std::string gzip(const std::string& in) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, uLong(in.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = uInt(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// CHECKs a golden text. On a mismatch the actual text goes to <tmp>/<dir>/<name>.actual, to be read
// through before it replaces the golden one.
inline void check_golden_text(const std::string& dir, const std::string& actual, const std::string& expected,
                              const std::string& name) {
  if (actual != expected) {
    std::filesystem::path d = std::filesystem::temp_directory_path() / dir;
    std::filesystem::create_directories(d);
    write_file(d / (name + ".actual"), actual);
    UNSCOPED_INFO("actual text written to " << (d / (name + ".actual")).string());
  }
  CHECK(actual == expected);
}

}  // namespace test_files
