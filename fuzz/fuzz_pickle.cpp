// read_mnist_pickle on the input bytes as a (plain) pickle file; fuzz_gzip covers gzip'd ones.
#include "fuzz_util.hpp"
#include "theano/io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFile file("pickle");
  fuzz::write_file(file.path, data, size);
  fuzz::run([&] {
    for (auto& [x, y] : theano::io::read_mnist_pickle(file.path)) fuzz::touch(x), fuzz::touch(y);
  });
  return 0;
}
