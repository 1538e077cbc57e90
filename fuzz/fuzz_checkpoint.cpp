// The checkpoint reader (frontend/theano/checkpoint.hpp): theano::load_arrays on the input bytes as
// a file, as is and with its CRCs fixed (checkpoint_crc.hpp), and theano::load of the fixed bytes
// into two shared variables (the path that checks names, dtypes and shapes, then sets values).
#include "checkpoint_crc.hpp"
#include "fuzz_util.hpp"
#include "theano/checkpoint.hpp"
#include "theano/theano.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::TempFile file("checkpoint");
  // The variables of make_seeds' "params" seed: W float32 (2, 3) and b float64 (3,).
  static theano::SharedVariable W = theano::shared(theano::NDArray::empty(theano::DType::Float32, {2, 3}), "W");
  static theano::SharedVariable b = theano::shared(theano::NDArray::empty(theano::DType::Float64, {3}), "b");
  const std::string raw(reinterpret_cast<const char*>(data), size);
  const std::string fixed = fuzz::fix_checkpoint_crcs(raw);

  fuzz::write_file(file.path, raw.data(), raw.size());
  fuzz::run([&] { for (auto& e : theano::load_arrays(file.path)) fuzz::touch(e.value); });
  if (fixed != raw) {
    fuzz::write_file(file.path, fixed.data(), fixed.size());
    fuzz::run([&] { for (auto& e : theano::load_arrays(file.path)) fuzz::touch(e.value); });
  }
  fuzz::run([&] {
    theano::load(file.path, {W, b});
    fuzz::touch(W.get_value()), fuzz::touch(b.get_value());
  });
  return 0;
}
