// RandomStreams (theano/tensor/shared_randomstreams.py, raw_random.py): the generators' bookkeeping
// and the samplers' graphs.
#include "frontend/theano/shared_randomstreams.hpp"

#include <fmt/format.h>

#include <random>

#include "core/config.hpp"
#include "ops/basic.hpp"
#include "random_args.hpp"

namespace theano::tensor::shared_randomstreams {

namespace T = theano::tensor;
using ops::NumpyDraw;

namespace {
DType resolve(const DTypeArg& d, DType fallback, const char* api) { return sandbox::rng_mrg::detail::resolve_dtype(d, fallback, api); }

// numpy draws empty samples: only negative literal entries are refused.
Var size_vector(const Size& size, const char* api) {
  return sandbox::rng_mrg::detail::size_vector(size, api, sandbox::rng_mrg::detail::EmptySize::Allowed);
}

void require_scalar(const Var& v, const char* api, const char* arg) {
  require_defined(v, api, arg);
  if (v.ndim() != 0)
    throw std::invalid_argument(fmt::format("{}: {} must be a scalar (tensor parameters are not implemented), got {} ({}) (at {})", api, arg,
                                            v.describe(), v.type().str(), SiteScope::current_str()));
}

int64_t fresh_seed(std::optional<int64_t> seed) {
  if (seed) return *seed;
  std::random_device device;
  return int64_t(device());
}

numpy::RandomState seeded(int64_t seed, const char* api, const Loc& loc) {
  try {
    return numpy::RandomState(seed);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("{}: {} (got {}) (at {})", api, e.what(), seed, site_str(loc)));
  }
}
}  // namespace

RandomStreams::RandomStreams(std::optional<int64_t> seed, Loc loc)
    : default_seed_(fresh_seed(seed)), gen_seedgen_(seeded(default_seed_, "RandomStreams", loc)) {}

RandomVariable RandomStreams::sample(NumpyDraw draw, const Size& size, const std::vector<Var>& params, std::optional<int> ndim, DType dtype,
                                     const char* api) {
  Var size_var = size_vector(size, api);
  // Theano: seed = int(self.gen_seedgen.randint(2 ** 30)), then shared(RandomState(seed)).
  numpy::RandomState own(gen_seedgen_.randint(int64_t(1) << 30));
  RandomStateSharedVariable rng(shared(own.get_state(), "", true, SiteScope::current()));
  auto [new_rng, value] = ops::random_function(draw, rng, size_var, params, ndim, dtype);
  rng.set_default_update(new_rng, SiteScope::current());
  state_updates_.push_back({rng, new_rng});
  return RandomVariable(value, rng, new_rng);
}

RandomVariable RandomStreams::uniform(const Size& size, const Operand& low, const Operand& high, std::optional<int> ndim, const DTypeArg& dtype,
                                      Loc loc) {
  SiteScope site(loc);
  const char* api = "RandomStreams.uniform";
  require_scalar(low.var(), api, "low");
  require_scalar(high.var(), api, "high");
  DType dt = resolve(dtype, upcast(upcast(config().floatX, low.var().dtype()), high.var().dtype()), api);
  return sample(NumpyDraw::Uniform, size, {T::cast(low.var(), dt), T::cast(high.var(), dt)}, ndim, dt, api);
}

RandomVariable RandomStreams::normal(const Size& size, const Operand& avg, const Operand& std, std::optional<int> ndim, const DTypeArg& dtype,
                                     Loc loc) {
  SiteScope site(loc);
  const char* api = "RandomStreams.normal";
  require_scalar(avg.var(), api, "avg");
  require_scalar(std.var(), api, "std");
  DType dt = resolve(dtype, upcast(upcast(config().floatX, avg.var().dtype()), std.var().dtype()), api);
  return sample(NumpyDraw::Normal, size, {T::cast(avg.var(), dt), T::cast(std.var(), dt)}, ndim, dt, api);
}

RandomVariable RandomStreams::binomial(const Size& size, const Operand& n, const Operand& p, std::optional<int> ndim, const DTypeArg& dtype,
                                       Loc loc) {
  SiteScope site(loc);
  const char* api = "RandomStreams.binomial";
  require_scalar(n.var(), api, "n");
  require_scalar(p.var(), api, "p");
  if (!is_integer(n.var().dtype()))
    throw std::invalid_argument(fmt::format("{}: n must be an integer, got {} ({}) (at {})", api, n.var().describe(), n.var().type().str(), site_str(loc)));
  return sample(NumpyDraw::Binomial, size, {n.var(), p.var()}, ndim, resolve(dtype, DType::Int64, api), api);
}

RandomVariable RandomStreams::poisson(const Size& size, const Operand& lam, std::optional<int> ndim, const DTypeArg& dtype, Loc loc) {
  SiteScope site(loc);
  const char* api = "RandomStreams.poisson";
  require_scalar(lam.var(), api, "lam");
  return sample(NumpyDraw::Poisson, size, {lam.var()}, ndim, resolve(dtype, DType::Int64, api), api);
}

RandomVariable RandomStreams::random_integers(const Size& size, const Operand& low, const Operand& high, std::optional<int> ndim,
                                              const DTypeArg& dtype, Loc loc) {
  SiteScope site(loc);
  const char* api = "RandomStreams.random_integers";
  require_scalar(low.var(), api, "low");
  require_scalar(high.var(), api, "high");
  return sample(NumpyDraw::RandomIntegers, size, {low.var(), high.var()}, ndim, resolve(dtype, DType::Int64, api), api);
}

RandomVariable RandomStreams::permutation(const Size& size, const Operand& n, std::optional<int> ndim, const DTypeArg& dtype, Loc loc) {
  SiteScope site(loc);
  const char* api = "RandomStreams.permutation";
  require_scalar(n.var(), api, "n");
  if (!is_integer(n.var().dtype()))
    throw std::invalid_argument(fmt::format("{}: n must be an integer, got {} ({}) (at {})", api, n.var().describe(), n.var().type().str(), site_str(loc)));
  return sample(NumpyDraw::Permutation, size, {n.var()}, ndim, resolve(dtype, DType::Int64, api), api);
}

void RandomStreams::seed(std::optional<int64_t> seed, Loc loc) {
  SiteScope site(loc);
  numpy::RandomState seedgen = seeded(seed ? *seed : default_seed_, "RandomStreams.seed", loc);
  for (StateUpdate& su : state_updates_) su.state.set_value(numpy::RandomState(seedgen.randint(int64_t(1) << 30)).get_state(), true);
}

const StateUpdate& RandomStreams::find(const SharedVariable& rng, const char* api) const {
  for (const StateUpdate& su : state_updates_)
    if (su.state.node() == rng.node()) return su;
  throw std::invalid_argument(fmt::format("{}: {} is not a generator of this RandomStreams (Theano's KeyError) (at {})", api,
                                          rng.defined() ? rng.describe() : "an undefined handle", SiteScope::current_str()));
}

numpy::RandomState RandomStreams::get(const SharedVariable& rng, Loc loc) const {
  SiteScope site(loc);
  return find(rng, "RandomStreams.get").state.get_value();
}

void RandomStreams::set(const SharedVariable& rng, const numpy::RandomState& state, Loc loc) {
  SiteScope site(loc);
  RandomStateSharedVariable target = find(rng, "RandomStreams.set").state;  // a handle: set_value changes the one variable
  target.set_value(state);
}

numpy::RandomState RandomStateSharedVariable::get_value(bool) const {
  numpy::RandomState out(0);
  try {
    out.set_state(SharedVariable::get_value(true));
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("get_value of {}: its value is not a generator's state: {}", describe(), e.what()));
  }
  return out;
}

void RandomStateSharedVariable::set_value(const numpy::RandomState& rng, bool) { SharedVariable::set_value(rng.get_state(), true); }

}  // namespace theano::tensor::shared_randomstreams
