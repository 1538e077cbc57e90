// numpy.random.RandomState (legacy MT19937), bit for bit: the generator the Theano tutorials seed
// (theano::numpy::RandomState) and the state of theano::tensor::shared_randomstreams' samples.
#pragma once
#include <cstdint>
#include <vector>

#include "core/ndarray.hpp"

namespace theano::numpy {

// numpy.random.RandomState with an integer seed: MT19937 seeded by the reference init_genrand,
// numpy's legacy seeding, so the streams are identical. The generator is kept here (not
// std::mt19937) so that its state can be read and written as numpy's get_state/set_state do.
class RandomState {
 public:
  static constexpr int kKeyWords = 624;
  // The state as an int64 vector of kStateSize entries, numpy's get_state() tuple flattened:
  // the 624 key words, pos, has_gauss, and the cached gaussian's bits (std::bit_cast).
  static constexpr int64_t kStateSize = kKeyWords + 3;

  // Throws std::invalid_argument unless 0 <= seed <= 2**32 - 1 (as numpy does).
  explicit RandomState(int64_t seed);
  void seed(int64_t seed);
  NDArray get_state() const;
  void get_state(int64_t* out) const;  // kStateSize entries
  // Throws std::invalid_argument on a state of another size, a key word outside uint32 or a pos
  // outside [0, 624].
  void set_state(const NDArray& state);
  void set_state(const int64_t* state);  // kStateSize entries, checked as above

  uint32_t next_uint32() {
    if (pos_ == kKeyWords) regenerate();
    uint32_t y = key_[pos_++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680U;
    y ^= (y << 15) & 0xefc60000U;
    return y ^ (y >> 18);
  }
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

  void regenerate();

  uint32_t key_[kKeyWords];
  int pos_ = kKeyWords;
  bool has_gauss_ = false;
  double gauss_ = 0.0;
};

}  // namespace theano::numpy
