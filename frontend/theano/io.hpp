// Data readers: IDX files (the raw MNIST format), the pickled mnist.pkl.gz of the Theano tutorials,
// and load_mnist, the tutorials' load_data split. All errors are std::runtime_error whose message
// starts with the reader's name ("read_idx: ", "read_pickle: ", "load_mnist: ") and names the path.
#pragma once
#include <array>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "core/ndarray.hpp"

namespace theano::io {

// Reads an IDX file, plain or gzip'd. Element types: 0x08 uint8, 0x09 int8, 0x0B int16,
// 0x0C int32, 0x0D float32, 0x0E float64 (stored big-endian; returned in native order).
NDArray read_idx(const std::string& path);

// Reads a (gzip'd or plain) pickle of ((train_x, train_y), (valid_x, valid_y), (test_x, test_y))
// made of numpy arrays, as in mnist.pkl.gz. Only numpy's array/dtype reconstruction globals are
// accepted, so no pickle can run code. Arrays come back as stored (dtype, shape), native order.
std::vector<std::pair<NDArray, NDArray>> read_mnist_pickle(const std::string& path);

// ${THEANO_CPP_DATA:-$HOME/.cache/theano-cpp}: where scripts/fetch_mnist.sh puts data.
std::filesystem::path data_dir();

struct MnistSplit {
  NDArray x;  // (N, 784) floatX, pixels in [0, 255/256]
  NDArray y;  // (N,) int64 labels 0..9
};

// train/valid/test as the tutorials' load_data returns them. `dataset` is a pickle path (also tried
// under data_dir()); if none exists and its file name is mnist.pkl.gz, the split is built from the
// raw IDX files in data_dir()/mnist/: train = first 50000 training images, valid = last 10000,
// test = t10k, x = pixel / 256 (the original file's scaling). floatX: Float32 or Float64 (else
// std::invalid_argument).
std::array<MnistSplit, 3> load_mnist(const std::string& dataset, DType floatX);

}  // namespace theano::io
