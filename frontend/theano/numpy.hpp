// The small part of numpy the Theano tutorials use: a RandomState that reproduces
// numpy.random.RandomState (legacy MT19937) bit for bit, and a few array helpers.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <random>
#include <vector>

#include "core/ndarray.hpp"

namespace theano::numpy {

inline constexpr double inf = std::numeric_limits<double>::infinity();

// numpy.random.RandomState with an integer seed. std::mt19937 seeded with an integer is the
// reference init_genrand, which is exactly numpy's legacy seeding, so the streams are identical.
class RandomState {
 public:
  // Throws std::invalid_argument unless 0 <= seed <= 2**32 - 1 (as numpy does).
  explicit RandomState(int64_t seed);
  void seed(int64_t seed);

  uint32_t next_uint32() { return static_cast<uint32_t>(mt_()); }
  // Two 32-bit draws, high word first (numpy's mt19937_next64).
  uint64_t next_uint64();

  // Uniform on [0, 1) with 53 random bits (rk_double).
  double random_sample();
  double rand() { return random_sample(); }
  NDArray rand(const Dims& shape);  // float64

  // low + (high - low) * u, the scale computed once; std::overflow_error if it is not finite.
  double uniform(double low = 0.0, double high = 1.0);
  NDArray uniform(double low, double high, const Dims& size);  // float64, C order

  // Integers in [0, high) or [low, high), numpy's legacy masked rejection; int64 arrays.
  // std::invalid_argument when low >= high.
  int64_t randint(int64_t high);
  int64_t randint(int64_t low, int64_t high);
  NDArray randint(int64_t low, int64_t high, const Dims& size);

  // Standard normal by the polar method; the second value of each pair is cached (legacy_gauss).
  double randn();
  NDArray randn(const Dims& shape);  // float64
  double normal(double loc = 0.0, double scale = 1.0) { return loc + scale * randn(); }
  NDArray normal(double loc, double scale, const Dims& size);

  // Shuffles along the first axis in place: Fisher-Yates from the end with interval(i).
  void shuffle(NDArray& x);
  template <class T>
  void shuffle(std::vector<T>& x) {
    for (size_t i = x.size(); i-- > 1;) std::swap(x[i], x[interval(i)]);
  }
  NDArray permutation(int64_t n);          // a shuffled arange(n), int64
  NDArray permutation(const NDArray& x);   // a shuffled copy of x along axis 0

  // A value in [0, max] by masked rejection (random_interval); 32-bit draws when max < 2**32.
  uint64_t interval(uint64_t max);

 private:
  // Value in [off, off + rng] as random_bounded_uint64_fill draws it (rng is the inclusive range).
  uint64_t bounded(uint64_t rng);

  std::mt19937 mt_;
  bool has_gauss_ = false;
  double gauss_ = 0.0;
};

NDArray zeros(const Dims& shape, DType dtype = DType::Float64);
// Converting copy (float64 -> float32 rounds to nearest, as a C cast).
NDArray asarray(const NDArray& a, DType dtype);

// Products of sizes; an overflow of int64 is a SizeError (numpy would wrap), as is a shape whose
// element count does not fit.
int64_t prod(const Dims& shape);
int64_t prod(const std::vector<int64_t>& values);
int64_t prod(std::initializer_list<int64_t> values);

// numpy's summation of float64: pairwise (8 unrolled, 128 per leaf) within 8192-element buffers,
// bit-identical to numpy.sum / numpy.mean of a 1-d float64 array or list.
double sum(const std::vector<double>& values);
double mean(const std::vector<double>& values);  // NaN for an empty list, like numpy

}  // namespace theano::numpy
