// T::nnet::conv2d and T::signal::pool::pool_2d, with Theano's keyword arguments as designated
// initializers: conv2d(input, W, {.filter_shape = ..., .input_shape = ...}),
// pool::pool_2d(conv_out, {.ds = poolsize, .ignore_border = true}), or positionally.
#pragma once
#include <optional>
#include <source_location>
#include <string>
#include <utility>
#include <vector>

#include "ops/tensor_var.hpp"

namespace theano::tensor {

namespace nnet {

// 'valid', 'full', 'half', an int p, or a pair (p_h, p_w).
class BorderMode {
 public:
  BorderMode(const char* mode) : mode_(mode) {}
  BorderMode(const std::string& mode) : mode_(mode) {}
  BorderMode(int pad) : mode_("explicit"), pad_(pad, pad) {}
  BorderMode(std::pair<int, int> pad) : mode_("explicit"), pad_(pad) {}
  const std::string& mode() const { return mode_; }
  std::pair<int, int> pad() const { return pad_; }

 private:
  std::string mode_;
  std::pair<int, int> pad_{0, 0};
};

struct Conv2dArgs {
  std::vector<int64_t> filter_shape;  // optional hints, checked against static shapes; -1 = unknown
  std::vector<int64_t> input_shape;
  BorderMode border_mode = "valid";
  std::pair<int, int> subsample = {1, 1};
  bool filter_flip = true;  // true convolution (Theano's default); false = correlation
  std::pair<int, int> filter_dilation = {1, 1};
  std::vector<int64_t> image_shape;  // deprecated name of input_shape (warns, as Theano does)
};

Var conv2d(const Var& input, const Var& filters, const Conv2dArgs& args = {},
           std::source_location loc = std::source_location::current());
Var conv2d(const Var& input, const Var& filters, const std::vector<int64_t>& input_shape, const std::vector<int64_t>& filter_shape,
           const BorderMode& border_mode = "valid", std::pair<int, int> subsample = {1, 1}, bool filter_flip = true,
           std::source_location loc = std::source_location::current());

}  // namespace nnet

namespace signal::pool {

struct Pool2dArgs {
  std::optional<std::pair<int, int>> ws;
  std::optional<bool> ignore_border;  // unset: warns and uses false, as Theano 1.0
  std::optional<std::pair<int, int>> stride;  // unset: equal to ws
  std::pair<int, int> pad = {0, 0};
  std::string mode = "max";  // max, sum, average_inc_pad, average_exc_pad (max_deterministic = max)
  std::optional<std::pair<int, int>> ds, st, padding;  // deprecated names of ws, stride, pad
};

Var pool_2d(const Var& input, const Pool2dArgs& args, std::source_location loc = std::source_location::current());
Var pool_2d(const Var& input, std::pair<int, int> ws, std::optional<bool> ignore_border,
            std::optional<std::pair<int, int>> stride = std::nullopt, std::pair<int, int> pad = {0, 0}, const std::string& mode = "max",
            std::source_location loc = std::source_location::current());

}  // namespace signal::pool
}  // namespace theano::tensor
