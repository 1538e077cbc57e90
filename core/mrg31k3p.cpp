#include "core/mrg31k3p.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <string>

namespace theano::mrg {

namespace {
using Matrix = std::array<std::array<int64_t, 3>, 3>;

// The jump matrices of Theano's rng_mrg.py (A1p72 and A2p72, A1p134 and A2p134).
constexpr Matrix kA1p72 = {{{1516919229, 758510237, 499121365}, {1884998244, 1516919229, 335398200}, {601897748, 1884998244, 358115744}}};
constexpr Matrix kA2p72 = {{{1228857673, 1496414766, 954677935}, {1133297478, 1407477216, 1496414766}, {2002613992, 1639496704, 1407477216}}};
constexpr Matrix kA1p134 = {{{1702500920, 1849582496, 1656874625}, {828554832, 1702500920, 1512419905}, {1143731069, 828554832, 102237247}}};
constexpr Matrix kA2p134 = {{{796789021, 1464208080, 607337906}, {1241679051, 1431130166, 1464208080}, {1401213391, 1178684362, 1431130166}}};

// Theano's DotModulo (its C code): each product reduced modulo m, summed, reduced again, with C's
// remainder (the sign of the dividend), so that a negative seed gives Theano's states too.
void dot_modulo(const Matrix& a, const int32_t* s, int64_t m, int32_t* out) {
  for (int i = 0; i < 3; ++i) {
    int64_t r = 0;
    for (int j = 0; j < 3; ++j) r += (int64_t(s[j]) * a[i][j]) % m;
    out[i] = int32_t(r % m);
  }
}

State jump(const State& s, const Matrix& a1, const Matrix& a2) {
  State out;
  dot_modulo(a1, s.data(), kM1, out.data());
  dot_modulo(a2, s.data() + 3, kM2, out.data() + 3);
  return out;
}

std::string shown(std::span<const int64_t> seed) {
  std::string s;
  for (int64_t v : seed) s += (s.empty() ? "" : ", ") + std::to_string(v);
  return "(" + s + ")";
}

int32_t as_int32(int64_t v, std::span<const int64_t> seed) {
  if (v < std::numeric_limits<int32_t>::min())
    throw std::invalid_argument(fmt::format("seed value {} does not fit in int32 (seed {})", v, shown(seed)));
  return int32_t(v);
}
}  // namespace

State seed_state(int64_t seed) {
  if (seed == 0) throw std::invalid_argument("seed should not be 0 (seed 0)");
  if (seed >= kM2) throw std::invalid_argument(fmt::format("seed should be less than {} (seed {})", kM2, seed));
  int32_t v = as_int32(seed, std::span<const int64_t>(&seed, 1));
  return {v, v, v, v, v, v};
}

State seed_state(std::span<const int64_t> seed) {
  if (seed.size() != 6) throw std::invalid_argument(fmt::format("seed should be 1 integer or 6 integers, got {} integers", seed.size()));
  if (seed[0] == 0 && seed[1] == 0 && seed[2] == 0)
    throw std::invalid_argument(fmt::format("The first 3 values of seed should not be all 0 (seed {})", shown(seed)));
  if (seed[3] == 0 && seed[4] == 0 && seed[5] == 0)
    throw std::invalid_argument(fmt::format("The last 3 values of seed should not be all 0 (seed {})", shown(seed)));
  if (seed[0] >= kM1 || seed[1] >= kM1 || seed[2] >= kM1)
    throw std::invalid_argument(fmt::format("The first 3 values of seed should be less than {} (seed {})", kM1, shown(seed)));
  if (seed[3] >= kM2 || seed[4] >= kM2 || seed[5] >= kM2)
    throw std::invalid_argument(fmt::format("The last 3 values of seed should be less than {} (seed {})", kM2, shown(seed)));
  State s;
  for (size_t i = 0; i < 6; ++i) s[i] = as_int32(seed[i], seed);
  return s;
}

State jump_2p72(const State& s) { return jump(s, kA1p72, kA2p72); }
State jump_2p134(const State& s) { return jump(s, kA1p134, kA2p134); }

void substream_states(const State& start, int64_t n, int32_t* out) {
  State s = start;
  for (int64_t i = 0; i < n; ++i) {
    if (i > 0) s = jump_2p72(s);
    std::copy(s.begin(), s.end(), out + 6 * i);
  }
}

std::vector<int32_t> substream_states(const State& start, int64_t n) {
  if (n <= 0) throw std::invalid_argument(fmt::format("the number of streams must be positive, got {}", n));
  std::vector<int32_t> rows(size_t(n) * 6);
  substream_states(start, n, rows.data());
  return rows;
}

int64_t guess_n_streams(std::span<const int64_t> size) {
  int64_t r = 1;
  for (int64_t d : size)
    if (__builtin_mul_overflow(r, d, &r)) return kSymbolicSizeStreams;  // far above the cap either way
  if (r > 6) r /= 6;
  return std::min(r, kSymbolicSizeStreams);
}

}  // namespace theano::mrg
