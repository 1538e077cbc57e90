#include "ops/reduce.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

#include "ops/graph_math.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

std::string Reduce::name() const {
  switch (kind_) {
    case ReduceKind::Sum: return "Sum";
    case ReduceKind::Max: return "Max";
    case ReduceKind::Argmax: return "Argmax";
  }
  return "Reduce";
}

std::string Reduce::str() const {
  std::string axes = "axis=[";
  for (size_t i = 0; i < axes_.size(); ++i) axes += (i ? ", " : "") + std::to_string(axes_[i]);
  axes += "]";
  if (kind_ == ReduceKind::Sum) return fmt::format("Sum{{{}, acc_dtype=float64}}", axes);
  return fmt::format("{}{{{}}}", name(), axes);
}

static DType reduce_dtype(ReduceKind kind, DType in) {
  if (kind == ReduceKind::Argmax) return DType::Int64;
  if (kind == ReduceKind::Sum && !is_float(in)) return is_signed(in) || in == DType::Bool ? DType::Int64 : DType::Int64;
  return in;
}

std::vector<TensorType> Reduce::make_types(Vars inputs) const {
  const TensorType& t = inputs[0].type();
  for (int a : axes_)
    if (a < 0 || a >= t.ndim()) throw OpError(fmt::format("axis {} is out of range for a {}-d input", a, t.ndim()));
  TensorType out(reduce_dtype(kind_, t.dtype), 0);
  for (int d = 0; d < t.ndim(); ++d) {
    if (std::find(axes_.begin(), axes_.end(), d) != axes_.end()) continue;
    out.shape.push_back(t.shape[d]);
    out.bcast[out.ndim() - 1] = t.bcast[d];
  }
  return {out};
}

OutShapes Reduce::infer_shape(Vars in, InShapes shapes) const {
  std::vector<Variable> out;
  for (size_t d = 0; d < shapes[0].size(); ++d)
    if (std::find(axes_.begin(), axes_.end(), int(d)) == axes_.end()) out.push_back(shapes[0][d]);
  return std::vector<std::vector<Variable>>{out};
}

namespace {
// Visits every input element in C order with the flat index of its output element.
template <class F>
void for_each_reduced(const NDArray& x, const std::vector<int>& axes, F f) {
  int nd = x.ndim();
  int64_t ostride[kMaxDims] = {};
  int64_t s = 1;
  for (int d = nd - 1; d >= 0; --d) {
    if (std::find(axes.begin(), axes.end(), d) != axes.end()) continue;
    ostride[d] = s;
    s *= x.shape(d);
  }
  int64_t total = x.size();
  int64_t idx[kMaxDims] = {};
  int64_t in_off = 0, out_off = 0;
  for (int64_t n = 0; n < total; ++n) {
    f(in_off, out_off, idx);
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
  auto reduced = [&](int d) { return std::find(axes.begin(), axes.end(), d) != axes.end(); };
  int first_kept = nd, last_kept = -1;
  for (int d = 0; d < nd; ++d)
    if (!reduced(d)) first_kept = std::min(first_kept, d), last_kept = d;
  bool block = true;
  for (int d = first_kept; d <= last_kept; ++d) block = block && !reduced(d);
  if (!x.is_contiguous() || !block) {
    for_each_reduced(x, axes, [&](int64_t i, int64_t o, const int64_t*) { acc[o] += A(p[i]); });
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
}  // namespace

void Reduce::perform(InArrays in, OutArrays out) const {
  const NDArray& x = *in[0];
  Dims oshape;
  for (int d = 0; d < x.ndim(); ++d)
    if (std::find(axes_.begin(), axes_.end(), d) == axes_.end()) oshape.push_back(x.shape(d));
  out[0]->ensure(reduce_dtype(kind_, x.dtype()), oshape);
  int64_t n_out = oshape.product();
  if (kind_ != ReduceKind::Sum && x.size() == 0)
    throw OpError(fmt::format("{}: zero-size array {} has no maximum", str(), x.shape().str()));
  visit_dtype(x.dtype(), [&](auto t) {
    using T = decltype(t);
    const T* p = x.data<T>();
    if (kind_ == ReduceKind::Sum) {
      thread_local std::vector<double> accd;
      thread_local std::vector<uint64_t> acci;
      using A = Acc<T>;
      auto& acc = [&]() -> std::vector<A>& { if constexpr (std::is_same_v<A, double>) return accd; else return acci; }();
      acc.assign(n_out, A(0));
      sum_into(x, axes_, p, acc.data());
      visit_dtype(out[0]->dtype(), [&](auto u) {
        using U = decltype(u);
        U* q = out[0]->data<U>();
        for (int64_t o = 0; o < n_out; ++o) q[o] = U(acc[o]);
      });
    } else if (kind_ == ReduceKind::Max) {
      T* q = out[0]->data<T>();
      // -inf for floats, so that the maximum of -inf values is -inf.
      const T init = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
      for (int64_t o = 0; o < n_out; ++o) q[o] = init;
      for_each_reduced(x, axes_, [&](int64_t i, int64_t o, const int64_t*) {
        if (p[i] > q[o] || p[i] != p[i]) q[o] = p[i];
      });
    } else {
      // The best element's offset: values compare in their own type (int64 beyond 2**53 exactly).
      thread_local std::vector<int64_t> best;
      best.assign(n_out, 0);
      int64_t* q = out[0]->data<int64_t>();
      for (int64_t o = 0; o < n_out; ++o) q[o] = -1;
      int nd = x.ndim();
      for_each_reduced(x, axes_, [&](int64_t i, int64_t o, const int64_t* idx) {
        if (q[o] < 0 || p[i] > p[best[o]]) {
          int64_t flat = 0;  // index within the reduced axes, C order
          for (int d = 0; d < nd; ++d)
            if (std::find(axes_.begin(), axes_.end(), d) != axes_.end()) flat = flat * x.shape(d) + idx[d];
          best[o] = i;
          q[o] = flat;
        }
      });
    }
  });
}

Cotangents Reduce::pullback(Vars in, Vars outs, OutCotangents cot) const {
  using namespace math;
  const Var& x = in[0];
  if (kind_ == ReduceKind::Argmax) return {std::nullopt};
  // Put the reduced axes back as broadcastable dims.
  std::vector<int> pattern;
  for (int d = 0, k = 0; d < x.ndim(); ++d) pattern.push_back(std::find(axes_.begin(), axes_.end(), d) != axes_.end() ? -1 : k++);
  Var gz = dimshuffle(*cot[0], pattern);
  if (kind_ == ReduceKind::Sum) return {elemwise(ScalarKind::Second, {x, cast(gz, is_float(x.dtype()) ? x.dtype() : gz.dtype())})};
  // Max: every position equal to the maximum receives the gradient (as Theano).
  Var mx = dimshuffle(outs[0], pattern);
  return {gz * cast(eq(x, mx), gz.dtype())};
}

Var reduce_axes(ReduceKind kind, const Var& x, std::vector<int> axes) {
  for (int& a : axes) {
    if (a < 0) a += x.ndim();
    if (a < 0 || a >= x.ndim()) throw OpError(fmt::format("axis out of range for a {}-d input at {}", x.ndim(), SiteScope::current_str()));
  }
  std::sort(axes.begin(), axes.end());
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return make_apply1(std::make_shared<Reduce>(kind, std::move(axes)), {x});
}

Var reduce(ReduceKind kind, const Var& x, std::optional<int> axis) {
  std::vector<int> axes;
  if (axis) axes.push_back(*axis);
  else for (int d = 0; d < x.ndim(); ++d) axes.push_back(d);
  return reduce_axes(kind, x, axes);
}

Var mean(const Var& x, std::optional<int> axis) {
  Var total = reduce(ReduceKind::Sum, x, axis);
  DType size_dtype = total.dtype() == DType::Float32 ? DType::Float32 : DType::Float64;
  std::vector<int> axes;
  if (axis) axes.push_back(*axis < 0 ? *axis + x.ndim() : *axis);
  else for (int d = 0; d < x.ndim(); ++d) axes.push_back(d);
  for (int a : axes) total = elemwise(ScalarKind::TrueDiv, {total, cast(shape_i(x, a), size_dtype)});
  return total;
}

}  // namespace theano::ops
