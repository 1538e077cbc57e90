// MRG_RandomStreams (theano/sandbox/rng_mrg.py): the streams' bookkeeping and the samplers' graphs.
#include "frontend/theano/rng_mrg.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "core/config.hpp"
#include "core/mrg31k3p.hpp"
#include "ops/basic.hpp"
#include "ops/graph_math.hpp"
#include "ops/multinomial.hpp"
#include "ops/random_mrg.hpp"
#include "ops/shape_math.hpp"
#include "random_args.hpp"

namespace theano::sandbox::rng_mrg {

namespace T = theano::tensor;

namespace {
bool is_sample_float(DType d) { return d == DType::Float32 || d == DType::Float64; }

void require_float_dtype(DType d, const char* api) {
  if (!is_sample_float(d))
    throw std::invalid_argument(
        fmt::format("{}: dtype must be float32 or float64, got {} (at {})", api, dtype_name(d), SiteScope::current_str()));
}

Var size_vector(const Size& size, const char* api) { return detail::size_vector(size, api, detail::EmptySize::Refused); }
DType resolve(const DTypeArg& d, DType fallback, const char* api) { return detail::resolve_dtype(d, fallback, api); }

std::vector<int64_t> as_int64(const mrg::State& s) { return {s.begin(), s.end()}; }
}  // namespace

MRG_RandomStreams::MRG_RandomStreams(int64_t seed, Loc loc) : default_seed_{seed} {
  SiteScope site(loc);
  try {
    rstate_ = mrg::seed_state(seed);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("MRG_RandomStreams: {} (at {})", e.what(), site_str(loc)));
  }
}

MRG_RandomStreams::MRG_RandomStreams(const std::vector<int64_t>& seed, Loc loc) : default_seed_(seed) {
  SiteScope site(loc);
  try {
    rstate_ = mrg::seed_state(std::span<const int64_t>(seed));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("MRG_RandomStreams: {} (at {})", e.what(), site_str(loc)));
  }
}

std::vector<int64_t> MRG_RandomStreams::rstate() const { return as_int64(rstate_); }

void MRG_RandomStreams::set_rstate(const std::vector<int64_t>& state, Loc loc) {
  SiteScope site(loc);
  try {
    rstate_ = mrg::seed_state(std::span<const int64_t>(state));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("MRG_RandomStreams.rstate: {} (at {})", e.what(), site_str(loc)));
  }
}

// Theano's get_substream_rstates: the rows from the current state, then the state jumps by 2^134.
NDArray MRG_RandomStreams::next_stream_states(int64_t n_streams) {
  NDArray rows = NDArray::empty(DType::Int32, Dims{n_streams, 6});
  mrg::substream_states(rstate_, n_streams, rows.data<int32_t>());
  rstate_ = mrg::jump_2p134(rstate_);
  return rows;
}

Var MRG_RandomStreams::sample(const Size& size, std::optional<int> ndim, DType dtype, std::optional<int64_t> nstreams, const char* api) {
  Var size_var = size_vector(size, api);
  if (nstreams && *nstreams <= 0)
    throw std::invalid_argument(fmt::format("{}: nstreams must be positive, got {} (at {})", api, *nstreams, SiteScope::current_str()));
  int64_t n_streams = nstreams ? *nstreams : size.ints() ? mrg::guess_n_streams(*size.ints()) : mrg::kSymbolicSizeStreams;
  SharedVariable state = shared(next_stream_states(n_streams), "", true, SiteScope::current());
  auto [new_state, u] = ops::mrg_uniform(state, size_var, ndim, dtype);
  state.set_default_update(new_state, SiteScope::current());
  state_updates_.push_back({state, new_state});
  made_.push_back({size.ints(), nstreams});
  return u;
}

Var MRG_RandomStreams::uniform(const Size& size, const Operand& low, const Operand& high, std::optional<int> ndim, const DTypeArg& dtype,
                               std::optional<int64_t> nstreams, Loc loc) {
  SiteScope site(loc);
  const char* api = "MRG_RandomStreams.uniform";
  require_defined(low.var(), api, "low");
  require_defined(high.var(), api, "high");
  DType dt = resolve(dtype, upcast(upcast(config().floatX, low.var().dtype()), high.var().dtype()), api);
  require_float_dtype(dt, api);
  Var lo = ops::undefined_grad(T::cast(low.var(), dt)), hi = ops::undefined_grad(T::cast(high.var(), dt));
  Var u = sample(size, ndim, dt, nstreams, api);
  Var r = u * (hi - lo) + lo;
  bool same_pattern = r.ndim() == u.ndim();
  for (int d = 0; same_pattern && d < r.ndim(); ++d) same_pattern = r.type().broadcastable(d) == u.type().broadcastable(d);
  if (!same_pattern)
    throw std::invalid_argument(fmt::format("{}: increase the size to match the broadcasting pattern of `low` and `high` arguments: the "
                                            "sample is {}, low and high make it {} (at {})",
                                            api, u.type().str(), r.type().str(), site_str(loc)));
  return r;
}

Var MRG_RandomStreams::binomial(const Size& size, int64_t n, const Operand& p, std::optional<int> ndim, const DTypeArg& dtype,
                                std::optional<int64_t> nstreams, Loc loc) {
  SiteScope site(loc);
  const char* api = "MRG_RandomStreams.binomial";
  if (n != 1) throw std::invalid_argument(fmt::format("{}: only n = 1 is implemented (got n = {}), as Theano's (at {})", api, n, site_str(loc)));
  require_defined(p.var(), api, "p");
  if (!is_float(p.var().dtype()))
    throw std::invalid_argument(fmt::format("{}: p must be a float probability, got {} of type {} (at {}); write 1.0 for a literal", api,
                                            p.var().describe(), p.var().type().str(), site_str(loc)));
  DType dt = resolve(dtype, DType::Int64, api);
  // Theano passes neither ndim nor dtype on: the uniforms are floatX (ndim only checks the size).
  Var x = uniform(size, 0.0, 1.0, ndim, {}, nstreams, loc);
  return T::cast(x < ops::undefined_grad(p.var()), dt);
}

Var MRG_RandomStreams::normal(const Size& size, const Operand& avg, const Operand& std, std::optional<int> ndim, const DTypeArg& dtype,
                              std::optional<int64_t> nstreams, bool truncate, Loc loc) {
  SiteScope site(loc);
  return normal_of(size, avg, std, ndim, dtype, nstreams, truncate, "MRG_RandomStreams.normal", loc);
}

Var MRG_RandomStreams::truncated_normal(const Size& size, const Operand& avg, const Operand& std, std::optional<int> ndim,
                                        const DTypeArg& dtype, std::optional<int64_t> nstreams, Loc loc) {
  SiteScope site(loc);
  const char* api = "MRG_RandomStreams.truncated_normal";
  require_defined(std.var(), api, "std");
  // scipy.stats.truncnorm.std(a=-2, b=2): dividing by it makes std the truncated result's.
  Var std_of_normal = std.var() / Operand(0.87962566103423978, loc);
  return normal_of(size, avg, std_of_normal, ndim, dtype, nstreams, true, api, loc);
}

Var MRG_RandomStreams::normal_of(const Size& size, const Operand& avg, const Operand& std, std::optional<int> ndim, const DTypeArg& dtype,
                                 std::optional<int64_t> nstreams, bool truncate, const char* api, Loc loc) {
  require_defined(avg.var(), api, "avg");
  require_defined(std.var(), api, "std");
  DType dt = resolve(dtype, upcast(upcast(config().floatX, avg.var().dtype()), std.var().dtype()), api);
  require_float_dtype(dt, api);
  Var size_var = size_vector(size, api);
  int nd = ndim ? *ndim : int(size_var.type().shape[0]);
  if (nd < 0)
    throw std::invalid_argument(fmt::format("{}: the length of size {} is not known when the graph is built: give ndim (at {})", api,
                                            size_var.describe(), site_str(loc)));
  std::vector<Variable> dims;
  for (int i = 0; i < nd; ++i) dims.push_back(ops::dims::entry(size_var, i));
  Var n_odd = ops::dims::product(dims);
  Var half = ops::dims::floor_div(ops::dims::add(n_odd, ops::dims::constant(1)), ops::dims::constant(2));
  Var n_even = ops::dims::mul(half, ops::dims::constant(2));
  // Theano's size here is a tuple holding a Variable: the default stream count is 60 * 256.
  Var u = uniform(std::vector<IntOrVar>{IntOrVar(n_even)}, 0.0, 1.0, 1, dt, nstreams, loc);
  Var u1 = u[Index(Slice{std::nullopt, IntOrVar(half), std::nullopt})];
  Var u2 = u[Index(Slice{IntOrVar(half), std::nullopt, std::nullopt})];
  Var r = T::sqrt(-2.0 * T::log(u1));
  NDArray two_pi = dt == DType::Float32 ? NDArray::scalar<float>(float(2.0 * std::numbers::pi)) : NDArray::scalar<double>(2.0 * std::numbers::pi);
  Var theta = T::constant(two_pi) * u2;
  Var cos_theta = T::cos(theta), sin_theta = T::sin(theta);
  Var z0 = r * cos_theta, z1 = r * sin_theta;
  Var z = truncate ? redraw_outside_two(z0, z1, cos_theta, sin_theta, dt, nstreams, loc) : T::join(0, {z0, z1});
  Var samples = z[Index(Slice{std::nullopt, IntOrVar(n_odd), std::nullopt})];
  std::vector<Index> shape;
  for (const Variable& d : dims) shape.push_back(Index(d));
  samples = T::reshape(samples, shape);
  return samples * T::cast(ops::undefined_grad(std.var()), dt) + T::cast(ops::undefined_grad(avg.var()), dt);
}

// Theano's normal(truncate=True) after its Box-Muller values: the values outside [-2, 2] get a
// radius sqrt(-2 log u) with u uniform on [exp(-2), 1) (so at most 2) and keep their angle.
Var MRG_RandomStreams::redraw_outside_two(const Var& z0, const Var& z1, const Var& cos_theta, const Var& sin_theta, DType dt,
                                          std::optional<int64_t> nstreams, Loc loc) {
  // Theano's mask (z < -2) | (z > 2) is |z| > 2 for every value z takes here (never NaN: u1 > 0).
  Var fix0 = T::nonzero(T::abs(z0) > 2.0, loc)[0], fix1 = T::nonzero(T::abs(z1) > 2.0, loc)[0];
  Var z0_valid = z0[Index(T::nonzero(T::abs(z0) <= 2.0, loc)[0])], z1_valid = z1[Index(T::nonzero(T::abs(z1) <= 2.0, loc)[0])];
  Var n_fix0 = ops::dims::of(fix0)[0];
  Var n_fix = ops::dims::add(n_fix0, ops::dims::of(fix1)[0]);
  const double lower = 1.0 / std::pow(std::numbers::e, 2.0);  // Python's 1. / np.e**2, then cast to the dtype
  Var low = T::constant(dt == DType::Float32 ? NDArray::scalar<float>(float(lower)) : NDArray::scalar<double>(lower));
  Var u_fix = uniform(std::vector<IntOrVar>{IntOrVar(n_fix)}, low, 1.0, 1, dt, nstreams, loc);
  Var r_fix = T::sqrt(-2.0 * T::log(u_fix));
  Var z0_fixed = r_fix[Index(Slice{std::nullopt, IntOrVar(n_fix0), std::nullopt})] * cos_theta[Index(fix0)];
  Var z1_fixed = r_fix[Index(Slice{IntOrVar(n_fix0), std::nullopt, std::nullopt})] * sin_theta[Index(fix1)];
  return T::join(0, {z0_valid, z0_fixed, z1_valid, z1_fixed});
}

Var MRG_RandomStreams::multinomial(const Var& pvals, int64_t n, const DTypeArg& dtype, std::optional<int64_t> nstreams, Loc loc) {
  SiteScope site(loc);
  const char* api = "MRG_RandomStreams.multinomial";
  require_defined(pvals, api, "pvals");
  if (pvals.ndim() != 2)
    throw std::invalid_argument(fmt::format("{}: only implemented for pvals.ndim = 2, got {} (at {})", api, pvals.type().str(), site_str(loc)));
  DType dt = resolve(dtype, DType::Int64, api);
  Var count = ops::dims::mul(ops::dims::of(pvals)[0], ops::dims::constant(n));
  Var unis = uniform(std::vector<IntOrVar>{IntOrVar(count)}, 0.0, 1.0, 1, {}, nstreams, loc);
  return ops::multinomial_from_uniform(pvals, unis, ops::int_constant(n, DType::Int64), dt);
}

Var MRG_RandomStreams::choice(const IntOrVar& size, bool replace, const Var& p, const DTypeArg& dtype, std::optional<int64_t> nstreams,
                              Loc loc) {
  SiteScope site(loc);
  const char* api = "MRG_RandomStreams.choice";
  if (replace)
    throw std::invalid_argument(fmt::format("{}: only works without replacement for now (replace = false), as Theano's (at {})", api, site_str(loc)));
  require_defined(p, api, "p");
  if (p.ndim() != 2)
    throw std::invalid_argument(fmt::format("{}: only implemented for p.ndim = 2, got {} (at {})", api, p.type().str(), site_str(loc)));
  DType dt = resolve(dtype, DType::Int64, api);
  Var n = T::cast(ops::int_scalar(size), DType::Int64);
  Var count = ops::dims::mul(ops::dims::of(p)[0], n);
  Var unis = uniform(std::vector<IntOrVar>{IntOrVar(count)}, 0.0, 1.0, 1, {}, nstreams, loc);
  return ops::choice_from_uniform(p, unis, n, dt, false);
}

Var MRG_RandomStreams::multinomial_wo_replacement(const Var& pvals, const IntOrVar& n, const DTypeArg& dtype, std::optional<int64_t> nstreams,
                                                  Loc loc) {
  return choice(n, false, pvals, dtype, nstreams, loc);
}

void MRG_RandomStreams::seed(std::optional<int64_t> seed, Loc loc) {
  SiteScope site(loc);
  try {
    if (seed)
      rstate_ = mrg::seed_state(*seed);
    else
      rstate_ = default_seed_.size() == 1 ? mrg::seed_state(default_seed_[0]) : mrg::seed_state(std::span<const int64_t>(default_seed_));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("MRG_RandomStreams.seed: {} (at {})", e.what(), site_str(loc)));
  }
  for (size_t i = 0; i < state_updates_.size(); ++i) {
    const Made& m = made_[i];
    int64_t n_streams = m.nstreams ? *m.nstreams : m.size ? mrg::guess_n_streams(*m.size) : mrg::kSymbolicSizeStreams;
    state_updates_[i].state.set_value(next_stream_states(n_streams), true);
  }
}

}  // namespace theano::sandbox::rng_mrg
