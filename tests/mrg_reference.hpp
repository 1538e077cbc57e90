// An independent statement of MRG31k3p for the tests, from the generator's definition (L'Ecuyer and
// Touzin, 2000) rather than from the library's shifts and masks: two recurrences in exact 64-bit
// arithmetic,
//   x1[n] = (2^22 x1[n-2] + (2^7 + 1) x1[n-3]) mod (2^31 - 1)
//   x2[n] = (2^15 x2[n-1] + (2^15 + 1) x2[n-3]) mod (2^31 - 21069)
// the draw (x1[n] - x2[n]) mod (2^31 - 1), with 0 read as 2^31 - 1 (Theano's convention), and the
// jumps between streams as the recurrences' companion matrices raised to 2^72 and 2^134 by repeated
// squaring (not the library's precomputed matrices). Theano's transformations: a float64 sample is
// the draw times 2^-31; a float32 one is the draw converted to float times the float 4.6566126e-10f.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mrg_reference {

constexpr int64_t m1 = 2147483647, m2 = 2147462579;
using State = std::array<int64_t, 6>;  // x1[n-1], x1[n-2], x1[n-3], x2[n-1], x2[n-2], x2[n-3]
using Mat = std::array<std::array<int64_t, 3>, 3>;

inline int64_t draw(State& s) {
  int64_t a = ((int64_t(1) << 22) * s[1] + 129 * s[2]) % m1;
  int64_t b = ((int64_t(1) << 15) * s[3] + 32769 * s[5]) % m2;
  s = {a, s[0], s[1], b, s[3], s[4]};
  int64_t z = (a - b) % m1;
  if (z <= 0) z += m1;
  return z;
}
inline double f64(int64_t z) { return double(z) / 2147483648.0; }
inline float f32(int64_t z) { return float(z) * 4.6566126e-10f; }

inline Mat mul(const Mat& a, const Mat& b, int64_t m) {
  Mat c{};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      __int128 acc = 0;
      for (int k = 0; k < 3; ++k) acc += __int128(a[i][k]) * b[k][j];
      c[i][j] = int64_t(acc % m);
    }
  return c;
}
// The companion matrix raised to 2^e.
inline Mat power2(Mat a, int e, int64_t m) {
  for (int i = 0; i < e; ++i) a = mul(a, a, m);
  return a;
}
inline const Mat& companion1() {
  static const Mat a{{{0, int64_t(1) << 22, 129}, {1, 0, 0}, {0, 1, 0}}};
  return a;
}
inline const Mat& companion2() {
  static const Mat a{{{int64_t(1) << 15, 0, 32769}, {1, 0, 0}, {0, 1, 0}}};
  return a;
}
inline State jump(const State& s, int e) {
  Mat a = power2(companion1(), e, m1), b = power2(companion2(), e, m2);
  State r{};
  for (int i = 0; i < 3; ++i) {
    __int128 x = 0, y = 0;
    for (int k = 0; k < 3; ++k) {
      x += __int128(a[i][k]) * s[std::size_t(k)];
      y += __int128(b[i][k]) * s[std::size_t(3 + k)];
    }
    r[std::size_t(i)] = int64_t(x % m1);
    r[std::size_t(3 + i)] = int64_t(y % m2);
  }
  return r;
}

// The n streams of a random op made when the streams' state is `start` (row i = 2^72 draws after row i-1).
inline std::vector<State> streams(const State& start, int64_t n) {
  std::vector<State> rows{start};
  for (int64_t i = 1; i < n; ++i) rows.push_back(jump(rows.back(), 72));
  return rows;
}
// Draws for `count` elements from these streams, element i from stream i % n (the streams advance).
inline std::vector<int64_t> draws(std::vector<State>& rows, int64_t count) {
  std::vector<int64_t> z;
  for (int64_t i = 0; i < count; ++i) z.push_back(draw(rows[std::size_t(i % int64_t(rows.size()))]));
  return z;
}
inline State seeded(int64_t seed) { return {seed, seed, seed, seed, seed, seed}; }

}  // namespace mrg_reference
