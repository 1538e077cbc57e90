// Reduce's kernels. Sum streams the input once in memory order (tight loops for a contiguous input
// whose kept axes form one block); the others walk each output's slice of the input (the reduced
// axes in C order, read through the strides, so a transposed input costs no copy) and split the
// outputs over the thread pool. No kernel allocates per call: Sum's accumulators are per-thread
// buffers that keep their size.
#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>

#include "core/thread_pool.hpp"
#include "ops/reduce.hpp"

namespace theano::ops {

namespace {

bool is_reduced(const std::vector<int>& axes, int d) { return std::find(axes.begin(), axes.end(), d) != axes.end(); }

// ---- Sum ----
// Visits every input element in C order with the flat index of its output element.
template <class F>
void for_each_reduced(const NDArray& x, const std::vector<int>& axes, F f) {
  int nd = x.ndim();
  int64_t ostride[kMaxDims] = {};
  int64_t s = 1;
  for (int d = nd - 1; d >= 0; --d) {
    if (is_reduced(axes, d)) continue;
    ostride[d] = s;
    s *= x.shape(d);
  }
  int64_t total = x.size();
  int64_t idx[kMaxDims] = {};
  int64_t in_off = 0, out_off = 0;
  for (int64_t n = 0; n < total; ++n) {
    f(in_off, out_off);
    for (int d = nd - 1; d >= 0; --d) {
      if (++idx[d] < x.shape(d)) {
        in_off += x.stride(d);
        out_off += ostride[d];
        break;
      }
      in_off -= (x.shape(d) - 1) * x.stride(d);
      out_off -= (x.shape(d) - 1) * ostride[d];
      idx[d] = 0;
    }
  }
}

// Integers add in uint64: modulo 2**64, as numpy's int64 sum wraps, without signed overflow.
template <class T> using Acc = std::conditional_t<std::is_floating_point_v<T>, double, uint64_t>;

// acc[o] += every element reduced into o. A contiguous input whose kept axes form one block
// (outer reduced dims, kept dims, inner reduced dims: e.g. a bias gradient over axes 0, 2, 3) takes
// tight loops; the inner runs use eight partial sums so they vectorize (in float64 the association
// changes nothing a float32 result can show).
template <class T, class A>
void sum_into(const NDArray& x, const std::vector<int>& axes, const T* p, A* acc) {
  int nd = x.ndim();
  int first_kept = nd, last_kept = -1;
  for (int d = 0; d < nd; ++d)
    if (!is_reduced(axes, d)) first_kept = std::min(first_kept, d), last_kept = d;
  bool block = true;
  for (int d = first_kept; d <= last_kept; ++d) block = block && !is_reduced(axes, d);
  if (!x.is_contiguous() || !block) {
    for_each_reduced(x, axes, [&](int64_t i, int64_t o) { acc[o] += A(p[i]); });
    return;
  }
  if (x.size() == 0) return;
  int64_t outer = 1, mid = 1, inner = 1;
  for (int d = 0; d < nd; ++d) (d < first_kept ? outer : d <= last_kept ? mid : inner) *= x.shape(d);
  if (last_kept < 0) outer = 1, mid = 1, inner = x.size();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t m = 0; m < mid; ++m) {
      const T* q = p + (o * mid + m) * inner;
      if (inner == 1) {
        acc[m] += A(q[0]);
        continue;
      }
      A lane[8] = {};
      int64_t j = 0;
      for (; j + 8 <= inner; j += 8)
        for (int l = 0; l < 8; ++l) lane[l] += A(q[j + l]);
      A s = 0;
      for (int l = 0; l < 8; ++l) s += lane[l];
      for (; j < inner; ++j) s += A(q[j]);
      acc[m] += s;
    }
}

template <class T>
void sum_kernel(const NDArray& x, const std::vector<int>& axes, NDArray& out) {
  thread_local std::vector<double> accd;
  thread_local std::vector<uint64_t> acci;
  using A = Acc<T>;
  auto& acc = [&]() -> std::vector<A>& {
    if constexpr (std::is_same_v<A, double>) return accd;
    else return acci;
  }();
  int64_t n_out = out.size();
  acc.assign(size_t(n_out), A(0));
  sum_into(x, axes, x.data<T>(), acc.data());
  visit_dtype(out.dtype(), [&](auto u) {
    using U = decltype(u);
    U* q = out.data<U>();
    for (int64_t o = 0; o < n_out; ++o) q[o] = U(acc[size_t(o)]);
  });
}

// ---- the others: one output's slice at a time ----
// x's dims split into the kept ones (the output's, C order) and the reduced ones.
struct Split {
  int nk = 0, nr = 0;
  int64_t kshape[kMaxDims] = {}, kstride[kMaxDims] = {}, rshape[kMaxDims] = {}, rstride[kMaxDims] = {};
  int64_t n_out = 1, n_slice = 1;

  Split(const NDArray& x, const std::vector<int>& axes) {
    for (int d = 0; d < x.ndim(); ++d) {
      if (is_reduced(axes, d)) {
        rshape[nr] = x.shape(d), rstride[nr++] = x.stride(d);
        n_slice *= x.shape(d);
      } else {
        kshape[nk] = x.shape(d), kstride[nk++] = x.stride(d);
        n_out *= x.shape(d);
      }
    }
  }
  // The element offset where output o's slice starts.
  int64_t base(int64_t o) const {
    int64_t off = 0;
    for (int d = nk - 1; d >= 0; --d) {
      off += (o % kshape[d]) * kstride[d];
      o /= kshape[d];
    }
    return off;
  }
  // f(offset, r) for each element of the slice at `base`, r its C-order index within the slice.
  template <class F>
  void for_each_in_slice(int64_t off, F&& f) const {
    if (nr == 0) return f(off, int64_t(0));
    if (n_slice == 0) return;
    const int64_t n_in = rshape[nr - 1], s_in = rstride[nr - 1];
    int64_t idx[kMaxDims] = {};
    for (int64_t r = 0; r < n_slice; r += n_in) {
      for (int64_t j = 0; j < n_in; ++j) f(off + j * s_in, r + j);
      for (int d = nr - 2; d >= 0; --d) {
        if (++idx[d] < rshape[d]) {
          off += rstride[d];
          break;
        }
        off -= (rshape[d] - 1) * rstride[d];
        idx[d] = 0;
      }
    }
  }
};

// Runs body(o) for every output, split over the pool in ranges of about 32k input elements.
template <class F>
void for_each_output(const Split& s, F&& body) {
  int64_t grain = std::max<int64_t>(1, (int64_t(1) << 15) / std::max<int64_t>(1, s.n_slice));
  parallel_ranges(s.n_out, grain, [&](int64_t b, int64_t e) {
    for (int64_t o = b; o < e; ++o) body(o);
  });
}

template <class T> bool is_nan(T v) {
  if constexpr (std::is_floating_point_v<T>) return std::isnan(v);
  else return false;
}

template <class T>
void slice_kernel(ReduceKind kind, const NDArray& x, const Split& s, NDArray& out) {
  const T* p = x.data<T>();
  switch (kind) {
    case ReduceKind::Prod:
    case ReduceKind::ProdWithoutZeros: {
      // float32 multiplies in float64 (Theano's acc_dtype); integers in uint64, wrapping as int64.
      using A = Acc<T>;
      const bool skip_zeros = kind == ReduceKind::ProdWithoutZeros;
      visit_dtype(out.dtype(), [&](auto u) {
        using U = decltype(u);
        U* q = out.data<U>();
        for_each_output(s, [&](int64_t o) {
          A acc = 1;
          s.for_each_in_slice(s.base(o), [&](int64_t i, int64_t) {
            if (!skip_zeros || p[i] != T(0)) acc *= A(p[i]);
          });
          q[o] = U(acc);
        });
      });
      return;
    }
    case ReduceKind::Max:
    case ReduceKind::Min: {
      // NaN wins, as numpy's (once the result is NaN no comparison replaces it).
      const bool is_max = kind == ReduceKind::Max;
      T* q = out.data<T>();
      for_each_output(s, [&](int64_t o) {
        T best{};
        s.for_each_in_slice(s.base(o), [&](int64_t i, int64_t r) {
          T v = p[i];
          if (r == 0 || (is_max ? v > best : v < best) || is_nan(v)) best = is_nan(best) ? best : v;
        });
        q[o] = best;
      });
      return;
    }
    case ReduceKind::Argmax:
    case ReduceKind::Argmin: {
      // The first extremum in C order over the reduced axes, or the first NaN (numpy's argmax).
      const bool is_max = kind == ReduceKind::Argmax;
      int64_t* q = out.data<int64_t>();
      for_each_output(s, [&](int64_t o) {
        T best{};
        int64_t at = 0;
        s.for_each_in_slice(s.base(o), [&](int64_t i, int64_t r) {
          T v = p[i];
          if (r == 0 || (!is_nan(best) && ((is_max ? v > best : v < best) || is_nan(v)))) best = v, at = r;
        });
        q[o] = at;
      });
      return;
    }
    case ReduceKind::Any:
    case ReduceKind::All: {
      const bool any = kind == ReduceKind::Any;
      bool* q = out.data<bool>();
      for_each_output(s, [&](int64_t o) {
        bool r = !any;
        s.for_each_in_slice(s.base(o), [&](int64_t i, int64_t) {
          if ((p[i] != T(0)) == any) r = any;
        });
        q[o] = r;
      });
      return;
    }
    case ReduceKind::Sum: return;
  }
}

const char* numpy_op_name(ReduceKind kind) {
  switch (kind) {
    case ReduceKind::Max: return "maximum";
    case ReduceKind::Min: return "minimum";
    case ReduceKind::Argmax: return "argmax";
    case ReduceKind::Argmin: return "argmin";
    default: return nullptr;  // the others have an identity
  }
}

}  // namespace

void Reduce::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  Dims oshape;
  for (int d = 0; d < x.ndim(); ++d)
    if (!is_reduced(axes_, d)) oshape.push_back(x.shape(d));
  // numpy refuses an empty reduced axis when the operation has no identity, even for an empty result.
  if (const char* op = numpy_op_name(kind_))
    for (int a : axes_)
      if (x.shape(a) == 0)
        throw OpError(fmt::format("{}: zero-size array to reduction operation {} which has no identity (axis {} of the input of shape {} is empty)",
                                  str(), op, a, x.shape().str()));
  out[0]->ensure(reduce_dtype(kind_, x.dtype()), oshape);
  visit_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    if (kind_ == ReduceKind::Sum) sum_kernel<T>(x, axes_, *out[0]);
    else slice_kernel<T>(kind_, x, Split(x, axes_), *out[0]);
  });
}

}  // namespace theano::ops
