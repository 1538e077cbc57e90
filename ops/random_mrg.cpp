#include "ops/random_mrg.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/mrg31k3p.hpp"
#include "core/thread_pool.hpp"
#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/random_size.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

namespace {
const char* rank_name(int ndim) {
  static const char* names[] = {"scalar", "vector", "matrix", "tensor3", "tensor4"};
  return ndim < 5 ? names[ndim] : "tensor";
}
}  // namespace

std::string MRGUniform::str() const { return fmt::format("mrg_uniform{{TensorType({}, {}),no_inplace}}", dtype_name(dtype_), rank_name(ndim_)); }

std::vector<TensorType> MRGUniform::make_types(Vars in) const {
  if (dtype_ != DType::Float32 && dtype_ != DType::Float64)
    throw OpError(fmt::format("the sample dtype must be float32 or float64, got {}", dtype_name(dtype_)));
  const TensorType& rstate = in[0].type();
  if (rstate.ndim() != 2 || rstate.dtype != DType::Int32)
    throw OpError(fmt::format("rstate must be an int32 matrix (n_streams x 6), got {}", rstate.str()));
  if (rstate.known(1) && rstate.shape[1] != 6) throw OpError(fmt::format("rstate must have 6 columns, got shape {}", rstate.shape_str()));
  TensorType sample(dtype_, ndim_);
  // Theano makes a dim broadcastable where its size entry is known to be 1 (extract_constant(size[i]) == 1).
  sample_dims_from_size(sample, in[1], ndim_, true);
  return {rstate, sample};
}

OutShapes MRGUniform::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> sample;
  for (int i = 0; i < ndim_; ++i) sample.push_back(dims::entry(in[1], i));
  return std::vector<std::vector<Variable>>{shapes[0], sample};
}

void MRGUniform::perform(InArrays in, OutArrays out) const {
  const NDArray& rstate = *in[0];
  const NDArray& size = *in[1];
  Dims shape = sample_shape(size, ndim_);
  int64_t n = shape.product();
  if (n > mrg::kM1) throw OpError(fmt::format("rng_mrg cpu-implementation does not support more than (2**31 -1) samples (size {})", shape.str()));
  if (rstate.shape(1) != 6) throw OpError(fmt::format("rstate must have 6 columns, got shape {}", rstate.shape().str()));
  const int64_t n_streams = rstate.shape(0);
  if (n_streams == 0 && n > 0) throw OpError("rstate has no streams (0 rows)");
  out[0]->ensure(DType::Int32, rstate.shape());
  out[0]->copy_from(rstate);
  out[1]->ensure(dtype_, shape);
  int32_t* states = out[0]->data<int32_t>();
  // Each task owns a range of streams: element r * n_streams + s comes from stream s, so a task writes
  // one contiguous run of each row of n_streams elements.
  int64_t rows = n_streams ? (n + n_streams - 1) / n_streams : 0;
  int64_t grain = std::max<int64_t>(1, 16384 / std::max<int64_t>(1, rows));
  auto draw = [&](auto* sample, auto to_value) {
    parallel_ranges(std::min(n_streams, n), grain, [&](int64_t begin, int64_t end) {
      for (int64_t r = 0; r < rows; ++r) {
        int64_t base = r * n_streams;
        int64_t stop = std::min(end, n - base);
        for (int64_t s = begin; s < stop; ++s) sample[base + s] = to_value(mrg::next_int(states + 6 * s));
      }
    });
  };
  if (dtype_ == DType::Float32)
    draw(out[1]->data<float>(), [](int32_t v) { return mrg::to_float32(v); });
  else
    draw(out[1]->data<double>(), [](int32_t v) { return mrg::to_float64(v); });
}

Cotangents UndefinedGrad::pullback(Vars inputs, Vars outputs, OutCotangents) const {
  Apply* a = outputs[0].owner();
  throw std::invalid_argument(fmt::format(
      "grad: the gradient with respect to {} is undefined: it reaches the cost through undefined_grad (built at {}), as the low, "
      "high, p, avg and std arguments of MRG_RandomStreams' samplers do (Theano's NullTypeGradError)",
      inputs[0].describe(), a ? site_str(a->site) : "?"));
}

Var undefined_grad(const Var& x) { return make_apply1(std::make_shared<UndefinedGrad>(), {x}); }

std::pair<Var, Var> mrg_uniform(const Var& rstate, const Var& size, std::optional<int> ndim, DType dtype) {
  auto [s, nd] = size_and_ndim(size, ndim, "mrg_uniform");
  std::vector<Variable> outs = make_apply(std::make_shared<MRGUniform>(dtype, nd), {rstate, s});
  return {Var(outs[0]), Var(outs[1])};
}

}  // namespace theano::ops
