// Element conversions with a defined result for every value. C++ leaves a float -> int conversion of
// NaN, an infinity or an out-of-range value undefined; we give numpy's results on x86-64, whose casts
// compile to cvttsd2si (docs/errors.md, "Integers"):
//   float -> int64, int32: NaN, +-inf and values outside the type's range give the type's minimum
//                          (the "integer indefinite" 0x80...0); others truncate toward zero.
//   float -> int16, int8, uint8: to int32 as above, then modulo 2**bits (300.0 -> int8 44,
//                          -1.0 -> uint8 255, NaN -> 0).
//   float -> bool: x != 0 (NaN -> true). int -> narrower int: modulo 2**bits (defined in C++20).
// Everything else is the C++ conversion. Casts, astype, copy_from and set_item all go through here.
#pragma once
#include <cstdint>
#include <limits>
#include <type_traits>

namespace theano {

template <class D, class S>
inline D convert(S s) {
  if constexpr (std::is_floating_point_v<S> && std::is_integral_v<D> && !std::is_same_v<D, bool>) {
    if constexpr (std::is_signed_v<D> && sizeof(D) >= 4) {
      constexpr double bound = double(uint64_t(1) << (8 * sizeof(D) - 1));  // 2**31 or 2**63, exact
      const double v = double(s);
      return (v >= -bound && v < bound) ? D(v) : std::numeric_limits<D>::min();
    } else {
      return D(convert<int32_t>(s));
    }
  } else {
    return D(s);
  }
}

}  // namespace theano
