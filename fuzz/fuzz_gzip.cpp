// The gzip path of the readers: the input is taken as a gzip file (its magic 1f 8b is put in front
// when missing, so zlib never falls back to reading it as plain data) and given to read_idx and
// read_mnist_pickle. Seeds are gzip'd IDX files and pickles, so mutations reach both the zlib
// error handling (bad headers, CRC and length mismatches, truncation, concatenated members, trailing
// garbage) and the readers behind it.
#include "fuzz_util.hpp"
#include "theano/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFile file("gzip");
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    fuzz::write_file(file.path, data, size);
  } else {
    std::vector<uint8_t> bytes{0x1f, 0x8b};
    bytes.insert(bytes.end(), data, data + size);
    fuzz::write_file(file.path, bytes.data(), bytes.size());
  }
  fuzz::run([&] { fuzz::touch(theano::io::read_idx(file.path)); });
  fuzz::run([&] {
    for (auto& [x, y] : theano::io::read_mnist_pickle(file.path)) fuzz::touch(x), fuzz::touch(y);
  });
  return 0;
}
