// numpy.random.RandomState, legacy MT19937 path (numpy 1.17+ mtrand.pyx / _bounded_integers.pyx /
// distributions.c / legacy-distributions.c), reproduced draw for draw.
#include <bit>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <stdexcept>
#include <vector>

#include "core/numpy_random.hpp"

// numpy computes low + range * u with a separate multiply and add; with -march=native GCC would
// fuse them into an FMA (its C++ default is -ffp-contract=fast) and change the last bit.
#if defined(__clang__)
#pragma clang fp contract(off)
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

namespace theano::numpy {

namespace {
// Smallest all-ones mask >= max (gen_mask in distributions.c).
uint64_t gen_mask(uint64_t max) {
  uint64_t mask = max;
  mask |= mask >> 1;
  mask |= mask >> 2;
  mask |= mask >> 4;
  mask |= mask >> 8;
  mask |= mask >> 16;
  mask |= mask >> 32;
  return mask;
}

Dims row_shape(const NDArray& x) {
  Dims s;
  for (int i = 1; i < x.ndim(); ++i) s.push_back(x.shape(i));
  return s;
}
}  // namespace

RandomState::RandomState(int64_t s) { seed(s); }

void RandomState::seed(int64_t s) {
  if (s < 0 || s > int64_t(0xFFFFFFFF)) throw std::invalid_argument("Seed must be between 0 and 2**32 - 1");
  // init_genrand
  key_[0] = uint32_t(s);
  for (int i = 1; i < kKeyWords; ++i) key_[i] = 1812433253U * (key_[i - 1] ^ (key_[i - 1] >> 30)) + uint32_t(i);
  pos_ = kKeyWords;
  has_gauss_ = false;  // numpy's _legacy_seeding resets the cached gaussian too
  gauss_ = 0.0;
}

// The reference genrand's refill of all 624 words.
void RandomState::regenerate() {
  constexpr int n = kKeyWords, m = 397;
  constexpr uint32_t upper = 0x80000000U, lower = 0x7fffffffU, matrix_a = 0x9908b0dfU;
  for (int i = 0; i < n; ++i) {
    uint32_t y = (key_[i] & upper) | (key_[(i + 1) % n] & lower);
    key_[i] = key_[(i + m) % n] ^ (y >> 1) ^ ((y & 1U) ? matrix_a : 0U);
  }
  pos_ = 0;
}

void RandomState::get_state(int64_t* out) const {
  for (int i = 0; i < kKeyWords; ++i) out[i] = key_[i];
  out[kKeyWords] = pos_;
  out[kKeyWords + 1] = has_gauss_ ? 1 : 0;
  out[kKeyWords + 2] = std::bit_cast<int64_t>(gauss_);
}

NDArray RandomState::get_state() const {
  NDArray out = NDArray::empty(DType::Int64, Dims{kStateSize});
  get_state(out.data<int64_t>());
  return out;
}

void RandomState::set_state(const int64_t* in) {
  for (int i = 0; i < kKeyWords; ++i)
    if (in[i] < 0 || in[i] > int64_t(0xFFFFFFFF))
      throw std::invalid_argument(fmt::format("RandomState state: key word {} is {}, outside [0, 2**32 - 1]", i, in[i]));
  if (in[kKeyWords] < 0 || in[kKeyWords] > kKeyWords)
    throw std::invalid_argument(fmt::format("RandomState state: pos is {}, outside [0, 624]", in[kKeyWords]));
  for (int i = 0; i < kKeyWords; ++i) key_[i] = uint32_t(in[i]);
  pos_ = int(in[kKeyWords]);
  has_gauss_ = in[kKeyWords + 1] != 0;
  gauss_ = std::bit_cast<double>(in[kKeyWords + 2]);
}

void RandomState::set_state(const NDArray& state) {
  if (!state.defined() || state.dtype() != DType::Int64 || state.ndim() != 1 || state.shape(0) != kStateSize)
    throw std::invalid_argument(fmt::format("RandomState state: expected an int64 vector of {} entries (key, pos, has_gauss, gauss), got {}",
                                            kStateSize, state.defined() ? std::string(dtype_name(state.dtype())) + " " + state.shape().str() : "an undefined array"));
  NDArray c = state.is_contiguous() ? state : state.copy();
  set_state(c.data<int64_t>());
}

uint64_t RandomState::next_uint64() {
  uint64_t hi = next_uint32();
  return (hi << 32) | next_uint32();
}

double RandomState::random_sample() {
  int32_t a = int32_t(next_uint32() >> 5), b = int32_t(next_uint32() >> 6);
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

NDArray RandomState::rand(const Dims& shape) {
  NDArray out = NDArray::empty(DType::Float64, shape);
  double* p = out.data<double>();
  for (int64_t i = 0, n = out.size(); i < n; ++i) p[i] = random_sample();
  return out;
}

namespace {
double checked_range(double low, double high) {
  double range = high - low;
  // numpy's OverflowError text, with the bounds that caused it (e.g. +-inf from a 0 fan-in)
  if (!std::isfinite(range)) throw std::overflow_error(fmt::format("Range exceeds valid bounds: uniform(low={}, high={})", low, high));
  return range;
}
}  // namespace

double RandomState::uniform(double low, double high) { return low + checked_range(low, high) * random_sample(); }

NDArray RandomState::uniform(double low, double high, const Dims& size) {
  double range = checked_range(low, high);
  NDArray out = NDArray::empty(DType::Float64, size);
  double* p = out.data<double>();
  for (int64_t i = 0, n = out.size(); i < n; ++i) p[i] = low + range * random_sample();
  return out;
}

uint64_t RandomState::interval(uint64_t max) {
  if (max == 0) return 0;
  uint64_t mask = gen_mask(max), v;
  if (max <= 0xFFFFFFFFULL) {
    while ((v = (next_uint32() & mask)) > max) {
    }
  } else {
    while ((v = (next_uint64() & mask)) > max) {
    }
  }
  return v;
}

// random_bounded_uint64_fill with use_masked=true, one value. rng == 0 consumes no draw.
uint64_t RandomState::bounded(uint64_t rng) {
  if (rng == 0) return 0;
  if (rng == 0xFFFFFFFFULL) return next_uint32();
  if (rng == ~uint64_t(0)) return next_uint64();
  return interval(rng);  // same masked rejection: 32-bit words up to 2**32-1, else 64-bit
}

int64_t RandomState::randint(int64_t high) { return randint(0, high); }

int64_t RandomState::randint(int64_t low, int64_t high) {
  if (low >= high) throw std::invalid_argument("low >= high");
  uint64_t rng = uint64_t(high) - 1 - uint64_t(low);  // wraps correctly for any int64 pair
  return int64_t(uint64_t(low) + bounded(rng));
}

NDArray RandomState::randint(int64_t low, int64_t high, const Dims& size) {
  if (low >= high) throw std::invalid_argument("low >= high");
  uint64_t rng = uint64_t(high) - 1 - uint64_t(low);
  NDArray out = NDArray::empty(DType::Int64, size);
  int64_t* p = out.data<int64_t>();
  for (int64_t i = 0, n = out.size(); i < n; ++i) p[i] = int64_t(uint64_t(low) + bounded(rng));
  return out;
}

double RandomState::randn() {
  if (has_gauss_) {
    has_gauss_ = false;
    return gauss_;
  }
  double x1, x2, r2;
  do {
    x1 = 2.0 * random_sample() - 1.0;
    x2 = 2.0 * random_sample() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  double f = std::sqrt(-2.0 * std::log(r2) / r2);
  gauss_ = f * x1;
  has_gauss_ = true;
  return f * x2;
}

NDArray RandomState::randn(const Dims& shape) {
  NDArray out = NDArray::empty(DType::Float64, shape);
  double* p = out.data<double>();
  for (int64_t i = 0, n = out.size(); i < n; ++i) p[i] = randn();
  return out;
}

NDArray RandomState::normal(double loc, double scale, const Dims& size) {
  if (scale < 0) throw std::invalid_argument("scale < 0");
  NDArray out = NDArray::empty(DType::Float64, size);
  double* p = out.data<double>();
  for (int64_t i = 0, n = out.size(); i < n; ++i) p[i] = loc + scale * randn();
  return out;
}

void RandomState::shuffle(NDArray& x) {
  if (!x.defined()) throw std::invalid_argument("shuffle: x is an undefined NDArray (default-constructed: it holds no data)");
  if (x.ndim() == 0) throw std::invalid_argument("shuffle: array must have at least one dimension");
  int64_t n = x.shape(0);
  if (x.is_contiguous()) {
    // Rows are contiguous blocks of bytes: swap them through one bounce buffer.
    size_t row = n ? x.nbytes() / size_t(n) : 0;
    std::vector<std::byte> buf(row);
    auto* base = static_cast<std::byte*>(x.raw());
    for (int64_t i = n - 1; i >= 1; --i) {
      int64_t j = int64_t(interval(uint64_t(i)));
      if (i == j) continue;
      std::memcpy(buf.data(), base + j * row, row);
      std::memcpy(base + j * row, base + i * row, row);
      std::memcpy(base + i * row, buf.data(), row);
    }
    return;
  }
  Dims rs = row_shape(x), rstrides;
  for (int i = 1; i < x.ndim(); ++i) rstrides.push_back(x.stride(i));
  auto row_at = [&](int64_t i) { return x.view(rs, rstrides, x.offset() + i * x.stride(0)); };
  for (int64_t i = n - 1; i >= 1; --i) {
    int64_t j = int64_t(interval(uint64_t(i)));
    if (i == j) continue;
    NDArray ri = row_at(i), rj = row_at(j), tmp = rj.copy();
    rj.copy_from(ri);
    ri.copy_from(tmp);
  }
}

NDArray RandomState::permutation(int64_t n) {
  if (n < 0) throw std::invalid_argument("permutation: negative size");
  NDArray out = NDArray::empty(DType::Int64, Dims{n});
  int64_t* p = out.data<int64_t>();
  for (int64_t i = 0; i < n; ++i) p[i] = i;
  shuffle(out);
  return out;
}

NDArray RandomState::permutation(const NDArray& x) {
  if (!x.defined()) throw std::invalid_argument("permutation: x is an undefined NDArray (default-constructed: it holds no data)");
  NDArray out = x.copy();
  shuffle(out);
  return out;
}

}  // namespace theano::numpy
