// Internal to the io readers: a file read through zlib, so plain and gzip'd files look the same.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <zlib.h>

namespace theano::io::detail {

class InputFile {
 public:
  // `who` prefixes every error ("read_idx"); throws std::runtime_error if the file is missing.
  InputFile(const std::string& path, std::string who);
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  // Reads up to n bytes; fewer only at the end of the data. Throws on a corrupt or truncated gzip
  // stream, so a short read always means the data really ended.
  size_t read(void* dst, size_t n);
  // Reads what is left, but never more than `limit` bytes (the buffer grows with the data, so a
  // corrupt header or a gzip bomb cannot make it allocate more than is there or than `limit`).
  std::vector<uint8_t> read_up_to(size_t limit);
  bool gzipped() const { return gzdirect(f_) == 0; }

  [[noreturn]] void fail(const std::string& what) const;  // "who: path: what"

 private:
  std::string path_, who_;
  gzFile f_ = nullptr;
};

}  // namespace theano::io::detail
