// Shared by the libFuzzer targets: the readers take a path, so each input is written to a per-process
// file (in /dev/shm when there is one, to keep disk I/O out of the loop), optionally gzip'd first.
// A reader may throw any std::exception for bad input; anything else (another exception, a crash, a
// sanitizer report, a hang, a huge allocation) is a bug that libFuzzer reports.
#pragma once
#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "core/ndarray.hpp"

namespace fuzz {

// A file name unique to this process, in $THEANO_CPP_FUZZ_TMP, /dev/shm or the temp directory.
inline std::string temp_path(const std::string& tag) {
  namespace fs = std::filesystem;
  fs::path dir;
  if (const char* d = std::getenv("THEANO_CPP_FUZZ_TMP"); d && *d) dir = d;
  else if (access("/dev/shm", W_OK) == 0) dir = "/dev/shm";
  else dir = fs::temp_directory_path();
  return (dir / ("theano_fuzz_" + tag + "_" + std::to_string(getpid()))).string();
}

// Removes the file at exit (libFuzzer ends with exit(), so static destructors run).
struct TempFile {
  std::string path;
  explicit TempFile(const std::string& tag) : path(temp_path(tag)) {}
  ~TempFile() { std::remove(path.c_str()); }
};

inline void write_file(const std::string& path, const void* data, size_t size) {
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) { std::perror(path.c_str()); std::abort(); }
  if (size && std::fwrite(data, 1, size, f) != size) { std::perror(path.c_str()); std::abort(); }
  std::fclose(f);
}

// Gzip framing (windowBits 31), as gzip(1) writes it.
inline std::vector<uint8_t> gzip(const uint8_t* data, size_t size) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::vector<uint8_t> out(deflateBound(&z, uLong(size)) + 64);
  z.next_in = const_cast<Bytef*>(data);
  z.avail_in = uInt(size);
  z.next_out = out.data();
  z.avail_out = uInt(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Reads every byte of a returned array: ASan then catches a buffer shorter than its shape says.
inline uint64_t touch(const theano::NDArray& a) {
  const auto* p = static_cast<const uint8_t*>(a.raw());
  uint64_t sum = 0;
  for (size_t i = 0; i < a.nbytes(); ++i) sum += p[i];
  return sum;
}

// Runs a reader: std::exceptions are the expected outcome of bad input and are swallowed.
template <class F>
void run(F&& read) {
  try {
    read();
  } catch (const std::exception&) {
  }
}

}  // namespace fuzz
