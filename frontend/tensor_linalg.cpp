// Products of tensors: dot, tensordot, batched_dot, batched_tensordot (theano/tensor/basic.py). The
// axes are checked here, where the user's call arrives; the graphs are built by ops/batched_dot.cpp.
#include <fmt/format.h>

#include <algorithm>

#include "frontend/theano/tensor.hpp"
#include "graph/op.hpp"
#include "ops/batched_dot.hpp"
#include "ops/blas.hpp"
#include "ops/graph_math.hpp"

namespace theano::tensor {

namespace {
std::string shape_of(const Var& v) { return v.type().shape_str(); }
std::string axes_str(const std::vector<int>& v) { return fmt::format("[{}]", fmt::join(v, ", ")); }

[[noreturn]] void fail(const char* api, const Var& a, const Var& b, const std::string& what, Loc loc) {
  throw OpError(fmt::format("{}: {} (inputs: {} {}, {} {}) at {}", api, what, dtype_name(a.dtype()), shape_of(a), dtype_name(b.dtype()),
                            shape_of(b), site_str(loc)));
}

// The summed axes of each side, normalized (negative axes count from the end) and checked: in range,
// distinct, as many on each side, not the batch axis, and of equal sizes where the types know them.
std::pair<std::vector<int>, std::vector<int>> summed_axes(const char* api, const Var& a, const Var& b, const TensordotAxes& axes, bool batched,
                                                          Loc loc) {
  const int first = batched ? 1 : 0;
  std::vector<int> xa, xb;
  if (axes.count) {
    const int n = *axes.count;
    if (n < 0) fail(api, a, b, fmt::format("the number of axes to sum over must be >= 0, got {}", n), loc);
    for (const auto& [name, v] : {std::pair{"a", &a}, std::pair{"b", &b}})
      if (n > v->ndim() - first)
        fail(api, a, b,
             fmt::format("axes={} is larger than the {}dimensions of {} ({}.ndim={})", n, batched ? "non-batch " : "", name, name, v->ndim()),
             loc);
    for (int i = 0; i < n; ++i) xa.push_back(a.ndim() - n + i), xb.push_back(first + i);
  } else {
    if (axes.a.size() != axes.b.size())
      fail(api, a, b, fmt::format("axes {} and {} must have the same length", axes_str(axes.a), axes_str(axes.b)), loc);
    for (int side = 0; side < 2; ++side) {
      const Var& v = side == 0 ? a : b;
      const char* name = side == 0 ? "a" : "b";
      std::vector<int>& out = side == 0 ? xa : xb;
      for (int ax : side == 0 ? axes.a : axes.b) {
        const int d = ax < 0 ? ax + v.ndim() : ax;
        if (d < 0 || d >= v.ndim())
          fail(api, a, b, fmt::format("axis {} is out of bounds for {}, which is {}-d", ax, name, v.ndim()), loc);
        if (batched && d == 0) fail(api, a, b, fmt::format("the axes of {} may not include the batch axis 0", name), loc);
        if (std::find(out.begin(), out.end(), d) != out.end())
          fail(api, a, b, fmt::format("axis {} of {} is repeated in {}", d, name, axes_str(side == 0 ? axes.a : axes.b)), loc);
        out.push_back(d);
      }
    }
  }
  for (size_t i = 0; i < xa.size(); ++i) {
    const int64_t sa = a.type().shape[xa[i]], sb = b.type().shape[xb[i]];
    if (sa >= 0 && sb >= 0 && sa != sb)
      fail(api, a, b,
           fmt::format("shapes {} and {} not aligned: {} (dim {} of a) != {} (dim {} of b)", shape_of(a), shape_of(b), sa, xa[i], sb, xb[i]),
           loc);
  }
  if (batched) {
    const int64_t ba = a.type().shape[0], bb = b.type().shape[0];
    if (ba >= 0 && bb >= 0 && ba != bb) fail(api, a, b, fmt::format("batch sizes differ: shapes {} and {}", shape_of(a), shape_of(b)), loc);
  }
  return {xa, xb};
}

Var contract(const char* api, const Var& a, const Var& b, const TensordotAxes& axes, bool batched, Loc loc) {
  SiteScope s(loc);
  require_defined(a, api, "a");
  require_defined(b, api, "b");
  if (batched && (a.ndim() == 0 || b.ndim() == 0))
    fail(api, a, b, fmt::format("{} must have at least one (batch) axis", a.ndim() == 0 ? "a" : "b"), loc);
  auto [xa, xb] = summed_axes(api, a, b, axes, batched, loc);
  const int out_ndim = a.ndim() + b.ndim() - 2 * int(xa.size()) - (batched ? 1 : 0);
  if (out_ndim > kMaxDims) fail(api, a, b, fmt::format("the result would have {} dims, more than the {} supported", out_ndim, kMaxDims), loc);
  return ops::tensordot(a, b, xa, xb, batched);
}
}  // namespace

Var dot(const Var& x, const Var& y, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::dot", "x");
  require_defined(y, "T::dot", "y");
  using namespace ops::math;
  if (x.ndim() == 0 || y.ndim() == 0) return x * y;
  if (x.ndim() > 2 || y.ndim() > 2) return contract("T::dot", x, y, TensordotAxes(x.ndim() - 1, std::max(0, y.ndim() - 2)), false, loc);
  return ops::dot(x, y);
}

Var tensordot(const Var& a, const Var& b, const TensordotAxes& axes, Loc loc) { return contract("T::tensordot", a, b, axes, false, loc); }

Var batched_tensordot(const Var& x, const Var& y, const TensordotAxes& axes, Loc loc) {
  return contract("T::batched_tensordot", x, y, axes, true, loc);
}

Var batched_dot(const Var& x, const Var& y, Loc loc) {
  SiteScope s(loc);
  require_defined(x, "T::batched_dot", "x");
  require_defined(y, "T::batched_dot", "y");
  if (x.ndim() == 0 || y.ndim() == 0)
    fail("T::batched_dot", x, y, fmt::format("{} must have at least one (batch) axis", x.ndim() == 0 ? "x" : "y"), loc);
  using namespace ops::math;
  auto scalars_of = [](const Var& v, int ndim) {  // a batch of scalars against items of ndim - 1 dims
    std::vector<int> pattern{0};
    pattern.resize(size_t(ndim), -1);
    return ops::dimshuffle(v, pattern);
  };
  if (x.ndim() == 1 || y.ndim() == 1) {
    const int64_t bx = x.type().shape[0], by = y.type().shape[0];
    if (bx >= 0 && by >= 0 && bx != by) fail("T::batched_dot", x, y, fmt::format("batch sizes differ: shapes {} and {}", shape_of(x), shape_of(y)), loc);
    return x.ndim() == 1 ? scalars_of(x, y.ndim()) * y : x * scalars_of(y, x.ndim());
  }
  if (x.ndim() > 3 || y.ndim() > 3)
    return contract("T::batched_dot", x, y, TensordotAxes(x.ndim() - 1, std::max(1, y.ndim() - 2)), true, loc);
  // Checked here to name T::batched_dot and the user's shapes (BatchedDot's own check names the op).
  summed_axes("T::batched_dot", x, y, TensordotAxes(x.ndim() - 1, 1), true, loc);
  return ops::batched_dot(x, y);
}

}  // namespace theano::tensor
