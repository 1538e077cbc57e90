// load_mnist: the tutorials' load_data split, from mnist.pkl.gz or from the raw IDX files.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <stdexcept>

#include "frontend/theano/io.hpp"

namespace theano::io {
namespace fs = std::filesystem;
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("load_mnist: " + what); }

// The IDX file `name` in `dir`, plain or gzip'd; empty if neither exists.
fs::path find_idx(const fs::path& dir, const std::string& name) {
  for (const fs::path& p : {dir / name, dir / (name + ".gz")})
    if (fs::is_regular_file(p)) return p;
  return {};
}

void check_shape(const NDArray& a, const Dims& want, const fs::path& file) {
  if (a.dtype() != DType::UInt8 || !(a.shape() == want))
    fail(file.string() + " holds " + std::string(dtype_name(a.dtype())) + " " + a.shape().str() + ", expected uint8 " +
         want.str() + " (is it the right MNIST file?)");
}

// Rows [begin, end) of (N, 28, 28) uint8 images as (rows, 784) floatX pixel / 256, the scaling of
// the original mnist.pkl.gz (max 255/256), and the matching int64 labels.
MnistSplit make_split(const NDArray& images, const NDArray& labels, int64_t begin, int64_t end, DType floatX) {
  const int64_t n = end - begin, d = 28 * 28;
  MnistSplit s{NDArray::empty(floatX, {n, d}), NDArray::empty(DType::Int64, {n})};
  const uint8_t* px = images.data<uint8_t>() + begin * d;
  if (floatX == DType::Float32) {
    float* out = s.x.data<float>();
    for (int64_t i = 0; i < n * d; ++i) out[i] = float(px[i]) / 256.0f;
  } else {
    double* out = s.x.data<double>();
    for (int64_t i = 0; i < n * d; ++i) out[i] = double(px[i]) / 256.0;
  }
  const uint8_t* lab = labels.data<uint8_t>() + begin;
  for (int64_t i = 0; i < n; ++i) {
    if (lab[i] > 9) fail("label " + std::to_string(lab[i]) + " out of range 0..9");
    s.y.data<int64_t>()[i] = lab[i];
  }
  return s;
}

std::array<MnistSplit, 3> from_idx(const fs::path& dir, DType floatX) {
  static const char* names[] = {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                                "t10k-labels-idx1-ubyte"};
  fs::path files[4];
  for (int i = 0; i < 4; ++i) files[i] = find_idx(dir, names[i]);
  NDArray train_x = read_idx(files[0]), train_y = read_idx(files[1]);
  NDArray test_x = read_idx(files[2]), test_y = read_idx(files[3]);
  check_shape(train_x, {60000, 28, 28}, files[0]);
  check_shape(train_y, {60000}, files[1]);
  check_shape(test_x, {10000, 28, 28}, files[2]);
  check_shape(test_y, {10000}, files[3]);
  return {make_split(train_x, train_y, 0, 50000, floatX), make_split(train_x, train_y, 50000, 60000, floatX),
          make_split(test_x, test_y, 0, 10000, floatX)};
}

}  // namespace

fs::path data_dir() {
  if (const char* d = std::getenv("THEANO_CPP_DATA"); d && *d) return d;
  const char* home = std::getenv("HOME");
  if (!home || !*home) {  // as scripts/fetch_mnist.sh does: the account's home directory
    const passwd* pw = getpwuid(getuid());
    home = pw && pw->pw_dir ? pw->pw_dir : ".";
  }
  return fs::path(home) / ".cache" / "theano-cpp";
}

std::array<MnistSplit, 3> load_mnist(const std::string& dataset, DType floatX) {
  if (floatX != DType::Float32 && floatX != DType::Float64)
    throw std::invalid_argument("load_mnist: floatX must be float32 or float64, not " + std::string(dtype_name(floatX)));
  const fs::path given(dataset), in_data_dir = data_dir() / dataset;
  for (const fs::path& p : {given, in_data_dir}) {
    if (!fs::is_regular_file(p)) continue;
    auto sets = read_mnist_pickle(p.string());
    std::array<MnistSplit, 3> out;
    for (int i = 0; i < 3; ++i) {
      const auto& [x, y] = sets[i];
      out[i] = {x.dtype() == floatX ? x : x.astype(floatX), y.dtype() == DType::Int64 ? y : y.astype(DType::Int64)};
    }
    return out;
  }

  const fs::path idx_dir = data_dir() / "mnist";
  if (given.filename() == "mnist.pkl.gz") {
    std::string missing;
    for (const char* n : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
      if (find_idx(idx_dir, n).empty()) missing += std::string(missing.empty() ? "" : ", ") + n;
    if (missing.empty()) return from_idx(idx_dir, floatX);
    fail("MNIST not found: no file " + given.string() + " nor " + in_data_dir.string() + ", and " + idx_dir.string() +
         "/ lacks " + missing + " (plain or .gz). Run scripts/fetch_mnist.sh to download the IDX files.");
  }
  fail("dataset not found: no file " + given.string() + " nor " + in_data_dir.string() +
       " (for MNIST pass mnist.pkl.gz and run scripts/fetch_mnist.sh)");
}

}  // namespace theano::io
