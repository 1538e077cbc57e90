#include "ops/random_numpy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/numpy_random.hpp"
#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/random_size.hpp"
#include "ops/shape_math.hpp"

// numpy computes low + range * u with a separate multiply and add; with -march=native GCC would
// fuse them into an FMA (its C++ default is -ffp-contract=fast) and change the last bit.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace theano::ops {

namespace {
using numpy::RandomState;

bool takes_floats(NumpyDraw d) { return d == NumpyDraw::Uniform || d == NumpyDraw::Normal; }

DType parameter_dtype(NumpyDraw d, size_t k) {
  if (takes_floats(d) || (d == NumpyDraw::Binomial && k == 1) || d == NumpyDraw::Poisson) return DType::Float64;
  return DType::Int64;
}

// numpy's binomial inversion (random_binomial_inversion, its legacy path): walk the probabilities
// of 0, 1, ... from one uniform, starting over past a bound of about 10 deviations.
int64_t binomial_inversion(RandomState& rng, int64_t n, double p) {
  double q = 1.0 - p, qn = std::exp(double(n) * std::log(q)), np = double(n) * p;
  int64_t bound = int64_t(std::min(double(n), np + 10.0 * std::sqrt(np * q + 1)));
  int64_t x = 0;
  double px = qn, u = rng.random_sample();
  while (u > px) {
    ++x;
    if (x > bound) {
      x = 0;
      px = qn;
      u = rng.random_sample();
    } else {
      u -= px;
      px = (double(n - x + 1) * p * px) / (double(x) * q);
    }
  }
  return x;
}

// numpy's loggam: log(gamma(x)) by Stirling's series from x + n >= 7, then back down by recurrence.
double loggam(double x) {
  static const double a[10] = {8.333333333333333e-02, -2.777777777777778e-03, 7.936507936507937e-04, -5.952380952380952e-04,
                               8.417508417508418e-04, -1.917526917526918e-03, 6.410256410256410e-03, -2.955065359477124e-02,
                               1.796443723688307e-01, -1.39243221690590e+00};
  if (x == 1.0 || x == 2.0) return 0.0;
  int64_t n = x <= 7.0 ? int64_t(7 - x) : 0;
  double x0 = x + double(n);
  double x2 = 1.0 / (x0 * x0), series = a[9];
  for (int k = 8; k >= 0; --k) series = series * x2 + a[k];
  double gl = series / x0 + 0.5 * std::log(2 * M_PI) + (x0 - 0.5) * std::log(x0) - x0;
  for (int64_t k = 1; k <= n; ++k) {
    gl -= std::log(x0 - 1.0);
    x0 -= 1.0;
  }
  return gl;
}

// numpy's poisson: below 10, count the uniforms whose running product stays above exp(-lam); from
// 10, Hoermann's transformed rejection (PTRS), two uniforms per attempt.
int64_t poisson_draw(RandomState& rng, double lam) {
  if (lam == 0) return 0;
  if (lam < 10) {
    const double enlam = std::exp(-lam);
    int64_t x = 0;
    for (double prod = rng.random_sample(); prod > enlam; prod *= rng.random_sample()) ++x;
    return x;
  }
  const double slam = std::sqrt(lam), loglam = std::log(lam);
  const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
  const double invalpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
  for (;;) {
    double u = rng.random_sample() - 0.5, v = rng.random_sample();
    double us = 0.5 - std::fabs(u);
    auto k = int64_t(std::floor((2 * a / us + b) * u + lam + 0.43));
    if (us >= 0.07 && v <= vr) return k;
    if (k < 0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(invalpha) - std::log(a / (us * us) + b) <= -lam + double(k) * loglam - loggam(double(k) + 1)) return k;
  }
}

// Writes numpy's draws (float64 or int64 values) into a sample of dtype T, cast as a C cast.
template <class T, class Draw>
void fill(NDArray& sample, Draw draw) {
  T* p = sample.data<T>();
  for (int64_t i = 0, n = sample.size(); i < n; ++i) p[i] = static_cast<T>(draw());
}
}  // namespace

int parameter_count(NumpyDraw d) { return d == NumpyDraw::Permutation || d == NumpyDraw::Poisson ? 1 : 2; }

const char* draw_name(NumpyDraw d) {
  switch (d) {
    case NumpyDraw::Uniform: return "uniform";
    case NumpyDraw::Normal: return "normal";
    case NumpyDraw::RandomIntegers: return "random_integers_helper";
    case NumpyDraw::Permutation: return "permutation_helper";
    case NumpyDraw::Binomial: return "binomial";
    case NumpyDraw::Poisson: return "poisson";
  }
  return "?";
}

std::string RandomFunction::str() const { return fmt::format("RandomFunction{{{}}}", draw_name(draw_)); }

std::vector<TensorType> RandomFunction::make_types(Vars in) const {
  const bool numeric = draw_ == NumpyDraw::Binomial || draw_ == NumpyDraw::Poisson;  // counts, cast to any numeric dtype
  if (numeric ? dtype_ == DType::Bool : takes_floats(draw_) ? !is_float(dtype_) : !is_integer(dtype_))
    throw OpError(fmt::format("the sample dtype of {} must be {}, got {}", draw_name(draw_),
                              numeric ? "numeric" : takes_floats(draw_) ? "float32 or float64" : "an integer type",
                              dtype_name(dtype_)));
  if (int(in.size()) != 2 + parameter_count(draw_))
    throw OpError(fmt::format("{} takes a state, a size and {} parameters, got {} inputs", draw_name(draw_), parameter_count(draw_), in.size()));
  const TensorType& state = in[0].type();
  if (state.ndim() != 1 || state.dtype != DType::Int64 || (state.known(0) && state.shape[0] != RandomState::kStateSize))
    throw OpError(fmt::format("the state must be an int64 vector of {} entries (a RandomState's), got {}", RandomState::kStateSize, state.str()));
  for (size_t k = 2; k < in.size(); ++k)
    if (in[k].type().ndim() != 0) throw OpError(fmt::format("parameter {} must be a scalar, got {}", k - 2, in[k].type().str()));
  TensorType sample(dtype_, ndim_ + (draw_ == NumpyDraw::Permutation ? 1 : 0));
  sample_dims_from_size(sample, in[1], ndim_, false);
  if (draw_ == NumpyDraw::Permutation && in[2].is_constant()) {
    int64_t n = in[2].node()->constant.item_int64(0);
    if (n < 0) throw OpError(fmt::format("permutation: n must not be negative, got {}", n));
    sample.shape[ndim_] = n;
    sample.bcast[ndim_] = n == 1;
  }
  return {state, sample};
}

OutShapes RandomFunction::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> sample;
  for (int i = 0; i < ndim_; ++i) sample.push_back(dims::entry(in[1], i));
  if (draw_ == NumpyDraw::Permutation) sample.push_back(in[2].dtype() == DType::Int64 ? in[2] : cast(in[2], DType::Int64));
  return std::vector<std::vector<Variable>>{shapes[0], sample};
}

void RandomFunction::perform(InArrays in, OutArrays out) const {
  const NDArray& state = *in[0];
  const NDArray& size = *in[1];
  if (state.shape(0) != RandomState::kStateSize)
    throw OpError(fmt::format("the state must have {} entries (a RandomState's), got shape {}", RandomState::kStateSize, state.shape().str()));
  Dims shape = sample_shape(size, ndim_);
  RandomState rng(0);
  out[0]->ensure(DType::Int64, state.shape());
  out[0]->copy_from(state);  // contiguous, whatever the input's strides
  try {
    rng.set_state(out[0]->data<int64_t>());
  } catch (const std::invalid_argument& e) {
    throw OpError(e.what());
  }
  NDArray& sample = *out[1];
  switch (draw_) {
    case NumpyDraw::Uniform:
    case NumpyDraw::Normal: {
      double a = in[2]->item(0), b = in[3]->item(0);
      if (draw_ == NumpyDraw::Uniform && !std::isfinite(b - a))
        throw OpError(fmt::format("uniform: range exceeds valid bounds (low={}, high={})", a, b));
      if (draw_ == NumpyDraw::Normal && !(b >= 0)) throw OpError(fmt::format("normal: std < 0 (std={})", b));
      sample.ensure(dtype_, shape);
      // numpy computes the range once, then low + range * u (and avg + std * gauss) per element.
      double range = b - a;
      auto draw = [&] { return draw_ == NumpyDraw::Uniform ? a + range * rng.random_sample() : a + b * rng.randn(); };
      if (dtype_ == DType::Float32) fill<float>(sample, draw);
      else fill<double>(sample, draw);
      break;
    }
    case NumpyDraw::RandomIntegers: {
      int64_t low = in[2]->item_int64(0), high = in[3]->item_int64(0);
      if (low > high) throw OpError(fmt::format("random_integers: low > high (low={}, high={})", low, high));
      if (high == std::numeric_limits<int64_t>::max()) throw OpError("random_integers: high + 1 overflows int64");
      sample.ensure(dtype_, shape);
      visit_dtype(dtype_, [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) fill<T>(sample, [&] { return rng.randint(low, high + 1); });
      });
      break;
    }
    case NumpyDraw::Binomial: {
      int64_t n = in[2]->item_int64(0);
      double p = in[3]->item(0);
      if (n < 0) throw OpError(fmt::format("binomial: n < 0 (n={})", n));
      if (!(p >= 0 && p <= 1)) throw OpError(fmt::format("binomial: p < 0, p > 1 or p is NaN (p={})", p));
      // numpy draws with the smaller of p and 1 - p (n minus the count when p > 0.5).
      bool flip = p > 0.5;
      double small = flip ? 1.0 - p : p;
      if (double(n) * small > 30.0)
        throw OpError(fmt::format("binomial: n * min(p, 1 - p) = {} is above 30, where numpy switches to its BTPE sampler, which is not "
                                  "implemented (n={}, p={})", double(n) * small, n, p));
      sample.ensure(dtype_, shape);
      auto draw = [&]() -> int64_t {
        if (n == 0 || p == 0.0) return 0;
        return flip ? n - binomial_inversion(rng, n, small) : binomial_inversion(rng, n, small);
      };
      visit_dtype(dtype_, [&](auto t) {
        using T = decltype(t);
        if constexpr (!std::is_same_v<T, bool>) fill<T>(sample, draw);
      });
      break;
    }
    case NumpyDraw::Poisson: {
      double lam = in[2]->item(0);
      if (!(lam >= 0)) throw OpError(fmt::format("poisson: lam < 0 or lam is NaN (lam={})", lam));
      // numpy's poisson_lam_max: the largest lam whose draws stay well inside int64.
      const double lam_max = 9223372036854775807.0 - std::sqrt(9223372036854775807.0) * 10;
      if (lam > lam_max) throw OpError(fmt::format("poisson: lam value too large (lam={})", lam));
      sample.ensure(dtype_, shape);
      visit_dtype(dtype_, [&](auto t) {
        using T = decltype(t);
        if constexpr (!std::is_same_v<T, bool>) fill<T>(sample, [&] { return poisson_draw(rng, lam); });
      });
      break;
    }
    case NumpyDraw::Permutation: {
      int64_t n = in[2]->item_int64(0);
      if (n < 0) throw OpError(fmt::format("permutation: n must not be negative, got {}", n));
      Dims full = shape;
      full.push_back(n);
      sample.ensure(dtype_, full);
      visit_dtype(dtype_, [&](auto t) {
        using T = decltype(t);
        if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
          // numpy's permutation(n): arange(n) shuffled from the end with interval(i), in int64,
          // then cast as Theano's output array is.
          T* p = sample.data<T>();
          for (int64_t row = 0, rows = shape.product(); row < rows; ++row) {
            T* r = p + row * n;
            for (int64_t i = 0; i < n; ++i) r[i] = static_cast<T>(i);
            for (int64_t i = n - 1; i >= 1; --i) std::swap(r[i], r[rng.interval(uint64_t(i))]);
          }
        }
      });
      break;
    }
  }
  rng.get_state(out[0]->data<int64_t>());
}

std::pair<Var, Var> random_function(NumpyDraw draw, const Var& state, const Var& size, const std::vector<Var>& params,
                                    std::optional<int> ndim, DType dtype) {
  const char* api = draw_name(draw);
  auto [s, nd] = size_and_ndim(size, ndim, fmt::format("RandomFunction{{{}}}", api));
  std::vector<Variable> inputs{state, s};
  for (size_t k = 0; k < params.size(); ++k) {
    DType want = parameter_dtype(draw, k);
    inputs.push_back(params[k].dtype() == want ? params[k] : cast(params[k], want));
  }
  std::vector<Variable> outs = make_apply(std::make_shared<RandomFunction>(draw, dtype, nd), inputs);
  return {Var(outs[0]), Var(outs[1])};
}

}  // namespace theano::ops
