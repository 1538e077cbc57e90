// Loops behind Elemwise: scalar helper functions, broadcasting and the strided N-d loop.
// Private to the ops that must compute exactly what Elemwise computes: ops/elemwise.cpp, ops/composite.cpp
// and the fused pool kernel (ops/pool_kernels.cpp).
#pragma once
#include <cmath>
#include <fmt/format.h>
#include <span>
#include <type_traits>

#include "core/int_math.hpp"
#include "graph/op.hpp"
#include "ops/tensor_var.hpp"
#include "ops/elemwise.hpp"
#include "ops/special_math.hpp"

namespace theano::ops {

// The lower clamps are Theano's C implementation's (beyond them exp(-x) overflows and the result is
// 0 anyway); there is no upper clamp: Theano's 1 from x > 19 (float64) or x > 15 (float32) loses
// 1 - sigmoid(x), which the stable gradients (sigmoid(x) sigmoid(-x)) still resolve there.
template <class T> T sigmoid_of(T x) {
  if constexpr (std::is_same_v<T, float>) return x < -88.0f ? 0.0f : 1.0f / (1.0f + std::exp(-x));
  else return x < -709.0 ? 0.0 : 1.0 / (1.0 + std::exp(-x));
}
// float32 tanh as a rational function of degree 13/6 on [-7.9, 7.9] (beyond, tanh rounds to ±1):
// within 5 ulp of tanhf everywhere and branch-free, so it vectorizes (tanhf is 20x slower here).
// float64 keeps std::tanh: gradient checks and float64 users get the correctly rounded value.
template <class T> T tanh_of(T a) {
  if constexpr (std::is_same_v<T, float>) {
    const float clamp = 7.90531110763549805f;
    float x = a < -clamp ? -clamp : a;
    x = x > clamp ? clamp : x;
    float x2 = x * x;
    float p = -2.76076847742355e-16f;
    p = p * x2 + 2.00018790482477e-13f;
    p = p * x2 + -8.60467152213735e-11f;
    p = p * x2 + 5.12229709037114e-08f;
    p = p * x2 + 1.48572235717979e-05f;
    p = p * x2 + 6.37261928875436e-04f;
    p = p * x2 + 4.89352455891786e-03f;
    float q = 1.19825839466702e-06f;
    q = q * x2 + 1.18534705686654e-04f;
    q = q * x2 + 2.26843463243900e-03f;
    q = q * x2 + 4.89352518554385e-03f;
    float r = p * x / q;
    return std::fabs(a) < 0.0004f ? a : r;  // tanh(x) = x in float below 4e-4, also for denormals
  } else {
    return T(std::tanh(a));
  }
}
// log(1 + exp(x)) without overflow, and the small side keeps its value (softplus(-50) = exp(-50), not
// 0; softplus(800) = 800, not inf). float32: Theano's C code, bit for bit (0 below -103, x above 14,
// else log1p(exp(x)), where log1p(exp(-x)) is below half an ulp of x), so that costs through the
// stability rewrites (the autoencoders' cross-entropy) round as Theano's. float64: max(x, 0) +
// log1p(exp(-|x|)), within an ulp everywhere (Theano's float64 code returns x from 16 on, off by
// up to 1e-7).
template <class T> T softplus_of(T x) {
  if constexpr (std::is_same_v<T, float>) {
    return x < -103.0f ? 0.0f : x > 14.0f ? x : std::log1p(std::exp(x));
  } else {
    T ax = x < T(0) ? -x : x;
    return T((x > T(0) ? x : T(0)) + std::log1p(std::exp(-ax)));
  }
}
// Theano's ScalarSoftsign: x / (1 + |x|), in the compute type.
template <class T> T softsign_of(T x) { return x / (T(1) + (x < T(0) ? -x : x)); }
// numpy's maximum/minimum (and Theano's C code): a NaN in either input gives NaN.
template <class T> T max_of(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (a != a || b != b) return a + b;
  return a > b ? a : b;
}
template <class T> T min_of(T a, T b) {
  if constexpr (std::is_floating_point_v<T>)
    if (a != a || b != b) return a + b;
  return a < b ? a : b;
}
// x**2 and x**1 are the common cases (the L2 term and its gradient): exact and much faster than pow.
// Integers: by squaring, modulo 2**bits (core/int_math.hpp); Elemwise::perform refuses a negative
// exponent before the loop, as numpy does, so the 0 here is never seen.
template <class T> T pow_of(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    if constexpr (!std::is_same_v<T, bool>)
      if (b < T(0)) return T(0);
    return intmath::pow(a, b);
  } else {
    if (b == T(2)) return T(a * a);
    if (b == T(1)) return a;
    return T(std::pow(a, b));
  }
}
// ---- more elementwise math (theano.tensor) ----
// Python's modulo, as Theano's C code: the result has the divisor's sign. Integer x % 0 is 0 (numpy's
// result; int_div does the same), x % -1 is 0 (INT_MIN % -1 would be undefined); float x % 0 is NaN.
template <class T> T mod_of(T a, T b) {
  if constexpr (std::is_floating_point_v<T>) {
    T r = std::fmod(a, b);
    if (r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
    return r;
  } else if constexpr (std::is_same_v<T, bool>) {
    return false;
  } else {
    if (b == T(0)) return T(0);
    if constexpr (std::is_signed_v<T>)
      if (b == T(-1)) return T(0);
    T r = T(a % b);
    if (r != T(0) && ((r < T(0)) != (b < T(0)))) r = T(r + b);
    return r;
  }
}
// Theano's UltraFastScalarSigmoid: 0.5 * (1 + tanh(x / 2)) with tanh piecewise (rational, linear, flat),
// evaluated as its C code does (double arithmetic, z stored in the output type), NaN branch included.
template <class T> T ultra_fast_sigmoid_of(T a) {
  T x = T(0.5 * double(a));
  auto part = [](T v) {  // 1 + v is in T, as the C code's int + float
    return v < 1.7 ? 1.5 * double(v) / double(T(1 + v)) : v < 3 ? 0.935409070603099 + 0.0458812946797165 * (double(v) - 1.7) : 0.99505475368673;
  };
  T z = x >= 0 ? T(part(x)) : T(-part(T(-x)));
  return T(0.5 * (double(z) + 1.0));
}

// numpy's result type over inputs; Switch ignores its condition (input 0).
inline DType upcast_all(std::span<const DType> dts, bool skip_first) {
  size_t start = skip_first ? 1 : 0;
  DType d = dts[start];
  for (size_t i = start + 1; i < dts.size(); ++i) d = upcast(d, dts[i]);
  return d;
}

// Output shape of a broadcasting op; a dim of size 1 stretches, other mismatches are errors.
inline Dims broadcast_shape(InArrays in, const Op& op) {
  Dims shape = in[0]->shape();
  for (size_t k = 1; k < in.size(); ++k) {
    const Dims& s = in[k]->shape();
    for (int d = 0; d < shape.size(); ++d) {
      if (s[d] == shape[d] || s[d] == 1) continue;
      if (shape[d] == 1) {
        shape[d] = s[d];
        continue;
      }
      std::string all;
      for (size_t j = 0; j < in.size(); ++j) all += (j ? ", " : "") + in[j]->shape().str();
      throw OpError(fmt::format("{}: input shapes {} do not broadcast (dimension {})", op.str(), all, d));
    }
  }
  return shape;
}

template <ScalarKind K> struct ScalarFn;
#define ELEMWISE1(K, N, C, E, G)                                               \
  template <> struct ScalarFn<ScalarKind::K> {                                 \
    static constexpr bool float_only = std::string_view(#C).starts_with("FLOAT"); \
    template <class T> static auto f(T a, T b = T(), T c = T()) { return E; }  \
  };
#define ELEMWISE2(K, N, C, E, G1, G2) ELEMWISE1(K, N, C, E, G1)
#define ELEMWISE3(K, N, C, E, G1, G2, G3) ELEMWISE1(K, N, C, E, G1)
#include "ops/elemwise_ops.def"
#undef ELEMWISE1
#undef ELEMWISE2
#undef ELEMWISE3

// Runs f over the broadcast output; inputs share the compute type T, the output is O.
template <ScalarKind K, class T>
void elemwise_loop(InArrays in, NDArray& out) {
  using Fn = ScalarFn<K>;
  using O = decltype(Fn::template f<T>(T(), T(), T()));
  const int n_in = int(in.size());
  const Dims& shape = out.shape();
  const int nd = shape.size();
  O* o = out.data<O>();
  const T* p[3] = {};
  for (int k = 0; k < n_in; ++k) p[k] = in[k]->data<T>();
  bool flat = true;
  for (int k = 0; k < n_in; ++k) flat = flat && in[k]->is_contiguous() && in[k]->shape() == shape;
  int64_t total = shape.product();
  if (flat || nd == 0) {
    if (n_in == 1) for (int64_t i = 0; i < total; ++i) o[i] = O(Fn::f(p[0][i]));
    else if (n_in == 2) for (int64_t i = 0; i < total; ++i) o[i] = O(Fn::f(p[0][i], p[1][i]));
    else for (int64_t i = 0; i < total; ++i) o[i] = O(Fn::f(p[0][i], p[1][i], p[2][i]));
    return;
  }
  if (total == 0) return;
  // Strides with 0 on stretched dims; iterate all but the last dim with a counter.
  int64_t st[3][kMaxDims] = {};
  for (int k = 0; k < n_in; ++k)
    for (int d = 0; d < nd; ++d) st[k][d] = in[k]->shape(d) == 1 ? 0 : in[k]->stride(d);
  int64_t inner = shape[nd - 1];
  int64_t idx[kMaxDims] = {};
  int64_t s0 = st[0][nd - 1], s1 = st[1][nd - 1], s2 = st[2][nd - 1];
  for (int64_t base = 0; base < total; base += inner) {
    const T* q[3] = {p[0], p[1], p[2]};
    for (int k = 0; k < n_in; ++k)
      for (int d = 0; d < nd - 1; ++d) q[k] += idx[d] * st[k][d];
    O* ob = o + base;
    if (n_in == 1) for (int64_t j = 0; j < inner; ++j) ob[j] = O(Fn::f(q[0][j * s0]));
    else if (n_in == 2) for (int64_t j = 0; j < inner; ++j) ob[j] = O(Fn::f(q[0][j * s0], q[1][j * s1]));
    else for (int64_t j = 0; j < inner; ++j) ob[j] = O(Fn::f(q[0][j * s0], q[1][j * s1], q[2][j * s2]));
    for (int d = nd - 2; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

template <ScalarKind K>
void run_elemwise(InArrays in, NDArray& out) {
  DType compute = in[in.size() - 1]->dtype();
  visit_dtype(compute, [&](auto t) {
    using T = decltype(t);
    if constexpr (ScalarFn<K>::float_only && !std::is_floating_point_v<T>) {
      throw OpError("float op on non-float input");
    } else if constexpr (std::is_same_v<T, bool> && (K == ScalarKind::Neg || K == ScalarKind::Sub)) {
      throw OpError("numpy boolean negative/subtract is not supported; cast to an integer type first");
    } else {
      elemwise_loop<K, T>(in, out);
    }
  });
}

}  // namespace theano::ops
