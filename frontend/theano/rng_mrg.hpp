// theano.sandbox.rng_mrg: MRG_RandomStreams, random samples as graph nodes drawn from MRG31k3p
// streams (core/mrg31k3p.hpp; docs/random.md). Each call (uniform, binomial, normal) makes a shared
// state matrix of n_streams x 6 int32 whose default update is the op's new state, so every call of a
// compiled function that uses the sample draws new numbers (FunctionOptions::no_default_updates keeps
// the state). Seeds, stream layout and float32/float64 uniform samples are Theano's bit for bit.
//
//   theano::sandbox::rng_mrg::MRG_RandomStreams srng(234);
//   auto mask = srng.binomial(x.shape(), 1, 1 - 0.3, std::nullopt, "float32");  // the dA's corruption
#pragma once
#include <array>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <source_location>
#include <string>
#include <vector>

#include "frontend/theano/shared.hpp"
#include "frontend/theano/tensor.hpp"

namespace theano::sandbox::rng_mrg {

using Loc = std::source_location;

// A sample's size: integers (known when the graph is built: they choose the number of streams, as
// Theano's guess_n_streams), an integer vector Var (x.shape()), or a list mixing ints and integer
// scalar Vars. Symbolic sizes use 60 * 256 streams, as Theano.
class Size {
 public:
  Size(std::initializer_list<int64_t> dims) : ints_(std::vector<int64_t>(dims)) {}
  Size(std::vector<int64_t> dims) : ints_(std::move(dims)) {}
  Size(std::initializer_list<IntOrVar> dims) : mixed_(dims) {}
  Size(std::vector<IntOrVar> dims) : mixed_(std::move(dims)) {}
  Size(const Variable& shape) : vector_(Var(shape)) {}
  const std::optional<std::vector<int64_t>>& ints() const { return ints_; }
  const std::vector<IntOrVar>& mixed() const { return mixed_; }
  const Var& vector() const { return vector_; }

 private:
  std::optional<std::vector<int64_t>> ints_;
  std::vector<IntOrVar> mixed_;
  Var vector_;
};

// A dtype by name ("float32") or value (DType::Float32); unset: the function's default.
struct DTypeArg {
  DTypeArg() = default;
  DTypeArg(DType d) : value(d) {}
  DTypeArg(const char* name) : name(name) {}
  DTypeArg(std::string name) : name(std::move(name)) {}
  std::optional<DType> value;
  std::string name;
};

// One state matrix this object made (Theano's state_updates entry): the shared state and its update.
struct StateUpdate {
  SharedVariable state;
  Var new_state;
};

class MRG_RandomStreams {
 public:
  // An int seed (nonzero, below 2147462579) is repeated 6 times; six values are the state itself
  // (the first three not all 0 and below 2147483647, the last three not all 0 and below 2147462579).
  explicit MRG_RandomStreams(int64_t seed = 12345, Loc loc = Loc::current());
  explicit MRG_RandomStreams(const std::vector<int64_t>& seed, Loc loc = Loc::current());

  // Uniform in (low, high): u * (high - low) + low with u the op's sample. dtype: by default the
  // upcast of floatX, low's and high's; float32 or float64. ndim: the size's length when it is not
  // known when the graph is built. nstreams: the number of streams (default: Theano's guess).
  Var uniform(const Size& size, const Operand& low = 0.0, const Operand& high = 1.0, std::optional<int> ndim = std::nullopt,
              const DTypeArg& dtype = {}, std::optional<int64_t> nstreams = std::nullopt, Loc loc = Loc::current());
  // n = 1 only (as Theano): cast(uniform(size) < p, dtype), dtype int64 by default. p: a float
  // (scalar or a tensor that broadcasts to the size).
  Var binomial(const Size& size, int64_t n = 1, const Operand& p = 0.5, std::optional<int> ndim = std::nullopt,
               const DTypeArg& dtype = DType::Int64, std::optional<int64_t> nstreams = std::nullopt, Loc loc = Loc::current());
  // Box-Muller as Theano's: an even count of uniforms (one op, 60 * 256 streams), the first half
  // giving the radii and the second the angles; z0 = r cos(theta) then z1 = r sin(theta), joined,
  // cut to the size's element count, reshaped, times std, plus avg. truncate (Theano's
  // normal(truncate=True)): every z0 and z1 outside [-2, 2] gets a new radius from a second uniform
  // sample on [exp(-2), 1) (one value each, z0's first; its own state matrix, 60 * 256 streams) with
  // its old angle, and the values are joined as the valid z0, the redrawn z0, the valid z1, the
  // redrawn z1, each in order.
  Var normal(const Size& size, const Operand& avg = 0.0, const Operand& std = 1.0, std::optional<int> ndim = std::nullopt,
             const DTypeArg& dtype = {}, std::optional<int64_t> nstreams = std::nullopt, bool truncate = false, Loc loc = Loc::current());
  // Theano's truncated_normal: normal(size, avg, std / 0.87962566103423978, truncate = true), the
  // constant being the standard deviation of a standard normal truncated at +-2 (so std is the
  // result's), a literal autocast as Theano's (floatX when floatX is float32).
  Var truncated_normal(const Size& size, const Operand& avg = 0.0, const Operand& std = 1.0, std::optional<int> ndim = std::nullopt,
                       const DTypeArg& dtype = {}, std::optional<int64_t> nstreams = std::nullopt, Loc loc = Loc::current());

  // Theano's multinomial (pvals a float matrix: one distribution per row; size unused, as Theano):
  // counts of n draws per row, from pvals.shape[0] * n uniforms (60 * 256 streams).
  Var multinomial(const Var& pvals, int64_t n = 1, const DTypeArg& dtype = DType::Int64, std::optional<int64_t> nstreams = std::nullopt,
                  Loc loc = Loc::current());
  // Theano's choice with a = None: `size` outcome indices per row of p, without replacement
  // (replace = true is not implemented, as Theano's MRG).
  Var choice(const IntOrVar& size, bool replace, const Var& p, const DTypeArg& dtype = DType::Int64,
             std::optional<int64_t> nstreams = std::nullopt, Loc loc = Loc::current());
  // Deprecated in Theano: choice(n, replace = false, pvals).
  Var multinomial_wo_replacement(const Var& pvals, const IntOrVar& n = 1, const DTypeArg& dtype = DType::Int64,
                                 std::optional<int64_t> nstreams = std::nullopt, Loc loc = Loc::current());

  // Theano's seed(): back to `seed` (the constructor's when unset), then every state matrix made so
  // far is set to the streams it would get if its sample were built now, in creation order.
  void seed(std::optional<int64_t> seed = std::nullopt, Loc loc = Loc::current());
  const std::vector<StateUpdate>& state_updates() const { return state_updates_; }
  // The state the next sample's streams start from (Theano's rstate).
  std::vector<int64_t> rstate() const;
  // Theano's `srng.rstate = state`: six values, checked as the constructor's. The samples made so
  // far keep their streams; the next sample starts from this state.
  void set_rstate(const std::vector<int64_t>& state, Loc loc = Loc::current());

 private:
  struct Made {
    std::optional<std::vector<int64_t>> size;  // literal sizes choose the stream count again on seed()
    std::optional<int64_t> nstreams;
  };
  NDArray next_stream_states(int64_t n_streams);
  Var sample(const Size& size, std::optional<int> ndim, DType dtype, std::optional<int64_t> nstreams, const char* api);
  Var normal_of(const Size& size, const Operand& avg, const Operand& std, std::optional<int> ndim, const DTypeArg& dtype,
                std::optional<int64_t> nstreams, bool truncate, const char* api, Loc loc);
  Var redraw_outside_two(const Var& z0, const Var& z1, const Var& cos_theta, const Var& sin_theta, DType dt, std::optional<int64_t> nstreams,
                         Loc loc);

  std::vector<int64_t> default_seed_;
  std::array<int32_t, 6> rstate_{};
  std::vector<StateUpdate> state_updates_;
  std::vector<Made> made_;
};

}  // namespace theano::sandbox::rng_mrg
