#include <fmt/format.h>

#include "frontend/theano/conv_pool.hpp"
#include "graph/op.hpp"
#include "ops/conv.hpp"
#include "ops/pool.hpp"

namespace theano::tensor {

namespace {
void warn(const std::source_location& loc, const std::string& what) {
  fmt::print(stderr, "{}: UserWarning: {}\n", site_str(loc), what);
}

// A shape hint must agree with the static shape where both are known.
void check_hint(const char* what, const std::vector<int64_t>& hint, const Var& v) {
  if (hint.empty()) return;
  const TensorType& t = v.type();
  Dims h(hint);
  bool ok = int(hint.size()) == t.ndim();
  for (int d = 0; ok && d < t.ndim(); ++d) ok = hint[d] < 0 || t.shape[d] < 0 || hint[d] == t.shape[d];
  if (!ok)
    throw OpError(fmt::format("conv2d: {} {} does not match the static shape {} of {} (at {})", what, h.str(), t.shape_str(), v.describe(),
                              SiteScope::current_str()));
}
}  // namespace

namespace nnet {

Var conv2d(const Var& input, const Var& filters, const Conv2dArgs& args, std::source_location loc) {
  SiteScope s(loc);
  require_defined(input, "conv2d", "input");
  require_defined(filters, "conv2d", "filters");
  std::vector<int64_t> input_shape = args.input_shape;
  if (!args.image_shape.empty()) {
    warn(loc, "The `image_shape` keyword argument to `tensor.nnet.conv2d` is deprecated, it has been renamed to `input_shape`.");
    if (input_shape.empty()) input_shape = args.image_shape;
  }
  check_hint("input_shape", input_shape, input);
  check_hint("filter_shape", args.filter_shape, filters);
  ops::ConvAttrs a;
  a.border_mode = args.border_mode.mode();
  if (a.border_mode != "valid" && a.border_mode != "full" && a.border_mode != "half" && a.border_mode != "explicit")
    throw OpError(fmt::format("conv2d: invalid border_mode '{}' (valid, full, half, an int or a pair) at {}", a.border_mode, site_str(loc)));
  a.pad_h = args.border_mode.pad().first, a.pad_w = args.border_mode.pad().second;
  if (a.pad_h < 0 || a.pad_w < 0) throw OpError(fmt::format("conv2d: border_mode must be >= 0, got ({}, {}) at {}", a.pad_h, a.pad_w, site_str(loc)));
  a.stride_h = args.subsample.first, a.stride_w = args.subsample.second;
  a.dilation_h = args.filter_dilation.first, a.dilation_w = args.filter_dilation.second;
  if (a.stride_h < 1 || a.stride_w < 1 || a.dilation_h < 1 || a.dilation_w < 1)
    throw OpError(fmt::format("conv2d: subsample and filter_dilation must be >= 1 at {}", site_str(loc)));
  a.filter_flip = args.filter_flip;
  return ops::conv2d(input, filters, a);
}

Var conv2d(const Var& input, const Var& filters, const std::vector<int64_t>& input_shape, const std::vector<int64_t>& filter_shape,
           const BorderMode& border_mode, std::pair<int, int> subsample, bool filter_flip, std::source_location loc) {
  return conv2d(input, filters,
                Conv2dArgs{.filter_shape = filter_shape, .input_shape = input_shape, .border_mode = border_mode, .subsample = subsample,
                           .filter_flip = filter_flip},
                loc);
}

}  // namespace nnet

namespace signal::pool {

Var pool_2d(const Var& input, const Pool2dArgs& args, std::source_location loc) {
  SiteScope s(loc);
  require_defined(input, "pool_2d", "input");
  auto ws = args.ws;
  if (args.ds) {
    static bool warned = false;
    if (!warned)
      warn(loc, "DEPRECATION: the 'ds' parameter is not going to exist anymore as it is going to be replaced by the parameter 'ws'.");
    warned = true;
    if (ws) throw OpError(fmt::format("pool_2d: ws and ds are the same parameter; give only ws (at {})", site_str(loc)));
    ws = args.ds;
  }
  if (!ws) throw OpError(fmt::format("pool_2d: ws (the window shape) is required (at {})", site_str(loc)));
  auto stride = args.stride ? args.stride : args.st;
  auto pad = args.padding.value_or(args.pad);
  if (args.st) warn(loc, "DEPRECATION: the 'st' parameter is not going to exist anymore as it is going to be replaced by the parameter 'stride'.");
  if (args.padding) warn(loc, "DEPRECATION: the 'padding' parameter is not going to exist anymore as it is going to be replaced by the parameter 'pad'.");
  bool ignore_border = false;
  if (args.ignore_border) ignore_border = *args.ignore_border;
  else warn(loc, "pool_2d() will have the parameter ignore_border default value changed to True (currently False). To have consistent "
                 "behavior with all Theano version, explicitly add the parameter ignore_border=True.");
  ops::PoolAttrs a;
  a.ws_h = ws->first, a.ws_w = ws->second;
  a.stride_h = stride ? stride->first : ws->first;
  a.stride_w = stride ? stride->second : ws->second;
  a.pad_h = pad.first, a.pad_w = pad.second;
  a.ignore_border = ignore_border;
  if (args.mode == "max" || args.mode == "max_deterministic") a.mode = kernels::PoolMode::Max;
  else if (args.mode == "sum") a.mode = kernels::PoolMode::Sum;
  else if (args.mode == "average_inc_pad") a.mode = kernels::PoolMode::AverageIncPad;
  else if (args.mode == "average_exc_pad") a.mode = kernels::PoolMode::AverageExcPad;
  else throw OpError(fmt::format("pool_2d: unknown mode '{}' (max, sum, average_inc_pad, average_exc_pad) at {}", args.mode, site_str(loc)));
  return ops::pool_2d(input, a);
}

Var pool_2d(const Var& input, std::pair<int, int> ws, std::optional<bool> ignore_border, std::optional<std::pair<int, int>> stride,
            std::pair<int, int> pad, const std::string& mode, std::source_location loc) {
  return pool_2d(input, Pool2dArgs{.ws = ws, .ignore_border = ignore_border, .stride = stride, .pad = pad, .mode = mode}, loc);
}

}  // namespace signal::pool
}  // namespace theano::tensor
