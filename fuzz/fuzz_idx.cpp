// read_idx on the input bytes as a file, then on the same bytes gzip'd.
#include "fuzz_util.hpp"
#include "theano/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFile file("idx");
  fuzz::write_file(file.path, data, size);
  fuzz::run([&] { fuzz::touch(theano::io::read_idx(file.path)); });
  std::vector<uint8_t> gz = fuzz::gzip(data, size);
  fuzz::write_file(file.path, gz.data(), gz.size());
  fuzz::run([&] { fuzz::touch(theano::io::read_idx(file.path)); });
  return 0;
}
