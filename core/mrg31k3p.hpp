// MRG31k3p (L'Ecuyer and Touzin, 2000), the generator of Theano's MRG_RandomStreams, with Theano's
// seeding, stream layout and sample transformations, so that the numbers are Theano's bit for bit:
//   - a state is 6 int32: three of the first component (modulo M1) and three of the second (M2);
//   - an int seed s gives the state [s]*6; six values are taken as they are (Theano's range checks);
//   - a random op gets n_streams states: row 0 the streams' current state, row i = A^(2^72) row i-1
//     (a jump of 2^72 draws); after each op the streams' state jumps by 2^134;
//   - element i of a sample comes from stream i % n_streams;
//   - a draw is x11 - x21 (+ M1 when x11 <= x21), times 2^-31 in float64, or converted to float and
//     times 4.6566126e-10f in float32 (Theano's C code: the float32 result is not the float64 one rounded).
// The arithmetic wraps as 32-bit two's complement, as Theano's C code does on every platform it ran on.
#pragma once
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace theano::mrg {

using State = std::array<int32_t, 6>;

inline constexpr int32_t kM1 = 2147483647;  // 2^31 - 1
inline constexpr int32_t kM2 = 2147462579;  // 2^31 - 21069
inline constexpr double kNorm64 = 4.656612873077392578125e-10;  // 2^-31
inline constexpr float kNorm32 = 4.6566126e-10f;
// Theano's guess for a size it cannot see when the graph is built (60 * 256).
inline constexpr int64_t kSymbolicSizeStreams = 60 * 256;

// Advances one state in place and returns the draw's integer, in [1, M1].
inline int32_t next_int(int32_t* s) {
  auto add = [](int32_t a, int32_t b) { return int32_t(uint32_t(a) + uint32_t(b)); };
  auto sub = [](int32_t a, int32_t b) { return int32_t(uint32_t(a) - uint32_t(b)); };
  auto shl = [](int32_t a, int n) { return int32_t(uint32_t(a) << n); };
  int32_t x11 = s[0], x12 = s[1], x13 = s[2], x21 = s[3], x22 = s[4], x23 = s[5];
  // First component: (2^22 x12 + (2^7 + 1) x13) mod M1, with 2^31 = 1 (mod M1) splitting the shifts.
  int32_t y1 = add(add(shl(x12 & 511, 22), x12 >> 9), add(shl(x13 & 16777215, 7), x13 >> 24));
  if (y1 < 0 || y1 >= kM1) y1 = sub(y1, kM1);  // also catches a wrapped sum
  y1 = add(y1, x13);
  if (y1 < 0 || y1 >= kM1) y1 = sub(y1, kM1);
  s[2] = x12;
  s[1] = x11;
  s[0] = y1;
  // Second component: (2^15 x21 + (2^15 + 1) x23) mod M2, with 2^31 = 21069 (mod M2).
  int32_t z1 = add(shl(x21 & 65535, 15), int32_t(uint32_t(21069) * uint32_t(x21 >> 16)));
  if (z1 < 0 || z1 >= kM2) z1 = sub(z1, kM2);
  int32_t z2 = add(shl(x23 & 65535, 15), int32_t(uint32_t(21069) * uint32_t(x23 >> 16)));
  if (z2 < 0 || z2 >= kM2) z2 = sub(z2, kM2);
  z2 = add(z2, x23);
  if (z2 < 0 || z2 >= kM2) z2 = sub(z2, kM2);
  z2 = add(z2, z1);
  if (z2 < 0 || z2 >= kM2) z2 = sub(z2, kM2);
  s[5] = x22;
  s[4] = x21;
  s[3] = z2;
  return y1 <= z2 ? add(sub(y1, z2), kM1) : sub(y1, z2);
}
inline double to_float64(int32_t v) { return double(v) * kNorm64; }
inline float to_float32(int32_t v) { return float(v) * kNorm32; }

// Theano's set_rstate: an int seed must be nonzero and below M2 (std::invalid_argument with
// Theano's message otherwise); six values: neither half all zero, the first three below M1, the
// last three below M2. Values outside int32 are refused too.
State seed_state(int64_t seed);
State seed_state(std::span<const int64_t> seed);

// The state 2^72 (substreams) or 2^134 (the next op's streams) draws ahead.
State jump_2p72(const State& s);
State jump_2p134(const State& s);
// n rows (n * 6 int32, C order): row 0 = start, row i = jump_2p72(row i-1).
void substream_states(const State& start, int64_t n, int32_t* out);
std::vector<int32_t> substream_states(const State& start, int64_t n);

// Theano's guess_n_streams for a size known when the graph is built: the element count, divided by
// 6 when above 6 (integer division), at most 60 * 256.
int64_t guess_n_streams(std::span<const int64_t> size);

}  // namespace theano::mrg
