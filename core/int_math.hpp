// numpy's integer arithmetic, defined for every operand. C++ leaves signed overflow, INT_MIN / -1 and
// division by zero undefined (the last two trap on x86); numpy's results are (docs/errors.md, "Integers"):
//   add, sub, mul, neg, abs, sqr: modulo 2**bits (abs(INT_MIN) and -INT_MIN are INT_MIN);
//   floor_div(a, 0) = 0 (numpy also warns "divide by zero"), floor_div(INT_MIN, -1) = INT_MIN (wraps);
//   int_pow(a, b) for b >= 0: a**b modulo 2**bits (the caller refuses b < 0, as numpy does).
// For floats and bool these are the plain operations, so one kernel serves every dtype. Types
// narrower than int are computed in int (no overflow there) and converted back modulo 2**bits.
#pragma once
#include <cmath>
#include <type_traits>

namespace theano::intmath {

template <class T>
inline constexpr bool kWraps = std::is_integral_v<T> && !std::is_same_v<T, bool> && sizeof(T) >= sizeof(int);

template <class T> inline T add(T a, T b) {
  if constexpr (kWraps<T>) return T(std::make_unsigned_t<T>(a) + std::make_unsigned_t<T>(b));
  else return T(a + b);
}
template <class T> inline T sub(T a, T b) {
  if constexpr (kWraps<T>) return T(std::make_unsigned_t<T>(a) - std::make_unsigned_t<T>(b));
  else return T(a - b);
}
template <class T> inline T mul(T a, T b) {
  if constexpr (kWraps<T>) return T(std::make_unsigned_t<T>(a) * std::make_unsigned_t<T>(b));
  else return T(a * b);
}
template <class T> inline T neg(T a) {
  if constexpr (kWraps<T>) return T(std::make_unsigned_t<T>(0) - std::make_unsigned_t<T>(a));
  else return T(-a);
}
template <class T> inline T abs(T a) {
  if constexpr (std::is_unsigned_v<T> || std::is_same_v<T, bool>) return a;
  else return a < T(0) ? neg(a) : a;
}

// Python's floor division.
template <class T> inline T floor_div(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    return std::floor(a / b);
  } else if constexpr (std::is_same_v<T, bool>) {
    return a && b;
  } else {
    if (b == 0) return T(0);
    if constexpr (std::is_signed_v<T>)
      if (b == T(-1)) return neg(a);
    T q = T(a / b);
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
  }
}

// a**b by squaring, modulo 2**bits; b >= 0.
template <class T> inline T pow(T a, T b) {
  static_assert(std::is_integral_v<T>);
  if constexpr (std::is_same_v<T, bool>) {
    return b ? a : true;
  } else {
    T r = T(1), base = a;
    while (b > 0) {
      if (b & 1) r = mul(r, base);
      b = T(b >> 1);
      if (b > 0) base = mul(base, base);
    }
    return r;
  }
}

}  // namespace theano::intmath
