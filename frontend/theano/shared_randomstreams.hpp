// theano.tensor.shared_randomstreams: RandomStreams, samples drawn as numpy.random.RandomState
// draws them (core/numpy_random.hpp; docs/random.md). Each sample gets its own generator, seeded
// from the object's seed generator, held in a shared variable (rv.rng(): its get_value is a
// numpy::RandomState, as Theano's) whose default update is the op's new state, so every call of a
// compiled function draws new numbers. The numbers are Theano's for the same seed, bit for bit.
//
//   theano::tensor::shared_randomstreams::RandomStreams srng(234);
//   auto rv_u = srng.uniform({2, 2});   // theano.function([], rv_u)() draws anew at each call
#pragma once
#include <cstdint>
#include <optional>
#include <source_location>
#include <vector>

#include "core/numpy_random.hpp"
#include "frontend/theano/rng_mrg.hpp"
#include "frontend/theano/shared.hpp"
#include "frontend/theano/tensor.hpp"
#include "ops/random_numpy.hpp"

namespace theano::tensor::shared_randomstreams {

using Loc = std::source_location;
using Size = sandbox::rng_mrg::Size;          // ints, an integer vector Var, or a list mixing both
using DTypeArg = sandbox::rng_mrg::DTypeArg;  // "float32" or DType::Float32; unset: the default

// Theano's RandomStateSharedVariable: a shared generator. Its value is stored as numpy's
// get_state() flattened into an int64 vector (what the compiled function reads and updates);
// get_value and set_value speak numpy::RandomState as Theano's do. The RandomState returned is
// always a copy (borrow has no aliasing to offer): change it, then set_value it back, as the
// tutorial does.
class RandomStateSharedVariable : public SharedVariable {
 public:
  RandomStateSharedVariable() = default;
  explicit RandomStateSharedVariable(const SharedVariable& v) : SharedVariable(v) {}
  numpy::RandomState get_value(bool borrow = false) const;
  void set_value(const numpy::RandomState& rng, bool borrow = false);
  using SharedVariable::set_value;  // the raw state: an int64 vector of numpy::RandomState::kStateSize entries
};

// A sample, with Theano's attributes: rv.rng (the generator's shared state) and rv.update (the
// pair (rng, new state)).
class RandomVariable : public Var {
 public:
  RandomVariable(const Var& sample, RandomStateSharedVariable rng, Var new_rng) : Var(sample), rng_(std::move(rng)), new_rng_(std::move(new_rng)) {}
  RandomStateSharedVariable rng() const { return rng_; }  // a handle: rv.rng().set_value(state) sets the generator
  std::pair<SharedVariable, Var> update() const { return {rng_, new_rng_}; }

 private:
  RandomStateSharedVariable rng_;
  Var new_rng_;
};

// One generator this object made (Theano's state_updates entry).
struct StateUpdate {
  RandomStateSharedVariable state;
  Var new_state;
};

class RandomStreams {
 public:
  // The seed of the generator that seeds each sample's (0 <= seed < 2**32); unset: a random one,
  // as numpy's RandomState(None).
  explicit RandomStreams(std::optional<int64_t> seed = std::nullopt, Loc loc = Loc::current());

  // rng.uniform(low, high, size) cast to dtype (default: the upcast of floatX, low's and high's;
  // low and high are cast to it first, as Theano).
  RandomVariable uniform(const Size& size, const Operand& low = 0.0, const Operand& high = 1.0, std::optional<int> ndim = std::nullopt,
                         const DTypeArg& dtype = {}, Loc loc = Loc::current());
  // rng.normal(avg, std, size) cast to dtype (the default as uniform's).
  RandomVariable normal(const Size& size, const Operand& avg = 0.0, const Operand& std = 1.0, std::optional<int> ndim = std::nullopt,
                        const DTypeArg& dtype = {}, Loc loc = Loc::current());
  // rng.binomial(n, p, size) cast to dtype (int64 by default; floatX for the dA's corruption mask).
  // numpy's inversion method: n * min(p, 1 - p) above 30 (numpy's BTPE) is refused when the function runs.
  RandomVariable binomial(const Size& size, const Operand& n = 1, const Operand& p = 0.5, std::optional<int> ndim = std::nullopt,
                          const DTypeArg& dtype = DType::Int64, Loc loc = Loc::current());
  // rng.poisson(lam, size) cast to dtype (int64 by default): numpy's multiplication method for
  // lam < 10 and its PTRS rejection for lam >= 10. lam < 0 or NaN is an error when the function runs.
  RandomVariable poisson(const Size& size, const Operand& lam = 1.0, std::optional<int> ndim = std::nullopt,
                         const DTypeArg& dtype = DType::Int64, Loc loc = Loc::current());
  // Integers in [low, high], both included: rng.randint(low, high + 1) per element.
  RandomVariable random_integers(const Size& size, const Operand& low = 0, const Operand& high = 1, std::optional<int> ndim = std::nullopt,
                                 const DTypeArg& dtype = DType::Int64, Loc loc = Loc::current());
  // One rng.permutation(n) per element of size: the sample's shape is size + (n,).
  RandomVariable permutation(const Size& size, const Operand& n = 1, std::optional<int> ndim = std::nullopt,
                             const DTypeArg& dtype = DType::Int64, Loc loc = Loc::current());

  // Theano's seed(): a generator seeded with `seed` (the constructor's when unset) gives every
  // sample's generator made so far, in creation order, the seed randint(2**30). The generator
  // that seeds new samples is left as it is, as Theano's.
  void seed(std::optional<int64_t> seed = std::nullopt, Loc loc = Loc::current());
  const std::vector<StateUpdate>& state_updates() const { return state_updates_; }
  // Theano's srng[rv.rng] and srng[rv.rng] = state: a generator's state as a RandomState.
  numpy::RandomState get(const SharedVariable& rng, Loc loc = Loc::current()) const;
  void set(const SharedVariable& rng, const numpy::RandomState& state, Loc loc = Loc::current());

 private:
  RandomVariable sample(ops::NumpyDraw draw, const Size& size, const std::vector<Var>& params, std::optional<int> ndim, DType dtype, const char* api);
  const StateUpdate& find(const SharedVariable& rng, const char* api) const;

  int64_t default_seed_;
  numpy::RandomState gen_seedgen_;
  std::vector<StateUpdate> state_updates_;
};

}  // namespace theano::tensor::shared_randomstreams
