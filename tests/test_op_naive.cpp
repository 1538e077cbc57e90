// The op table's input makers (tests/op_table.hpp) and naive references (tests/op_naive.hpp), and
// checks of the references themselves against values worked out by hand.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "op_naive.hpp"
#include "ops/elemwise.hpp"

using namespace theano;

namespace op_table {

// ---- input makers ----
Input U(const Dims& shape, double lo, double hi, int64_t ilo, int64_t ihi) {
  return [=](DType dt, Rng& rng, const Arrays&) {
    NDArray a = NDArray::empty(dt, shape);
    for (int64_t i = 0; i < a.size(); ++i) {
      if (dt == DType::Bool) a.set_item(i, double(rng.randint(2)));
      else if (is_float(dt)) a.set_item(i, rng.uniform(lo, hi));
      else a.set_item(i, double(rng.randint(dt == DType::UInt8 ? std::max<int64_t>(ilo, 0) : ilo, ihi)));
    }
    return a;
  };
}

Input nonzero(const Dims& shape) {
  return [=](DType dt, Rng& rng, const Arrays&) {
    NDArray a = NDArray::empty(dt, shape);
    for (int64_t i = 0; i < a.size(); ++i) {
      double m = is_float(dt) ? rng.uniform(0.2, 1.5) : double(rng.randint(1, 10));
      bool negative = rng.randint(2) && dt != DType::UInt8 && dt != DType::Bool;
      a.set_item(i, negative ? -m : m);
    }
    return a;
  };
}

Input apart_from(int k) {
  return [=](DType, Rng& rng, const Arrays& before) {
    const NDArray& x = before.at(size_t(k));
    NDArray y = x.copy();
    for (int64_t i = 0; i < y.size(); ++i) {
      double d = is_float(x.dtype()) ? rng.uniform(0.2, 0.7) : double(1 + rng.randint(2));
      y.set_item(i, x.item(i) + (i % 2 ? d : -d));
    }
    return y;
  };
}

Input ties_with(int k, Input base) {
  return [=](DType dt, Rng& rng, const Arrays& before) {
    NDArray a = base(dt, rng, before);
    const NDArray& x = before.at(size_t(k));
    if (x.shape() == a.shape())
      for (int64_t i = 0; i < a.size(); i += 3) a.set_item(i, x.item(i));
    return a;
  };
}

Input zero_one(const Dims& shape) {
  return [=](DType dt, Rng& rng, const Arrays&) {
    NDArray a = NDArray::empty(dt, shape);
    for (int64_t i = 0; i < a.size(); ++i) a.set_item(i, double(rng.randint(2)));
    return a;
  };
}

Input vals(const Dims& shape, std::vector<double> values) {
  return [=](DType dt, Rng&, const Arrays&) { return test_util::arr(dt, shape, values); };
}

Input iota(const Dims& shape) {
  return [=](DType dt, Rng&, const Arrays&) {
    NDArray a = NDArray::empty(dt, shape);
    for (int64_t i = 0; i < a.size(); ++i) a.set_item(i, double(i));
    return a;
  };
}

Input fixed(NDArray value) {
  return [=](DType, Rng&, const Arrays&) { return value.copy(); };
}
Input i64s(std::vector<double> values) { return fixed(test_util::i64(Dims{int64_t(values.size())}, values)); }
Input lscalar(int64_t value) { return fixed(NDArray::scalar<int64_t>(value)); }
Input as(DType dtype, Input in) {
  return [=](DType, Rng& rng, const Arrays& before) { return in(dtype, rng, before); };
}

std::vector<Var> to_vars(const Var& v) { return {v}; }
std::vector<Var> to_vars(std::vector<Var> v) { return v; }
std::vector<Var> to_vars(const std::vector<Variable>& v) { return as_vars(v); }

Tol default_tol(DType d) {
  double t = d == DType::Float32 ? 2e-6 : d == DType::Float64 ? 1e-13 : 0.0;
  return {t, t};
}

namespace naive {

double as_dtype(double v, DType d) {
  if (d == DType::Float64 || std::isnan(v)) return v;
  if (d == DType::Float32) return double(float(v));
  if (d == DType::Bool) return v != 0;
  int bits = int(dtype_size(d)) * 8;
  uint64_t u = uint64_t(int64_t(v)) & (bits == 64 ? ~0ull : (1ull << bits) - 1);
  if (!is_signed(d) || bits == 64 || u < (1ull << (bits - 1))) return double(int64_t(u));
  return double(int64_t(u) - (int64_t(1) << bits));
}

NDArray expect(DType dtype, const Dims& shape, const std::vector<double>& values) {
  NDArray a = NDArray::empty(dtype, shape);
  if (int64_t(values.size()) != a.size()) throw std::invalid_argument("expect: " + std::to_string(values.size()) + " values for " + shape.str());
  for (int64_t i = 0; i < a.size(); ++i) a.set_item(i, as_dtype(values[size_t(i)], dtype));
  return a;
}

Dims unravel(int64_t flat, const Dims& shape) {
  Dims idx = Dims::filled(shape.size(), 0);
  for (int d = shape.size() - 1; d >= 0; --d) {
    idx[d] = shape[d] ? flat % shape[d] : 0;
    flat = shape[d] ? flat / shape[d] : 0;
  }
  return idx;
}

int64_t ravel(const Dims& idx, const Dims& shape) {
  int64_t f = 0;
  for (int d = 0; d < shape.size(); ++d) f = f * shape[d] + idx[d];
  return f;
}

DType elemwise_dtype(ops::ScalarKind kind, const std::vector<DType>& in) {
  size_t first = kind == ops::ScalarKind::Switch ? 1 : 0;
  DType d = in.at(first);
  for (size_t i = first + 1; i < in.size(); ++i) d = upcast(d, in[i]);
  switch (ops::scalar_kind_category(kind)) {
    case ops::ScalarCategory::BOOL: return DType::Bool;
    case ops::ScalarCategory::FLOAT:
      if (is_float(d)) return d;
      return d == DType::Int32 || d == DType::Int64 ? DType::Float64 : DType::Float32;
    case ops::ScalarCategory::SAME:
    case ops::ScalarCategory::FLOAT_ONLY: return d;
  }
  return d;
}

namespace {
// The broadcast shape of several shapes, left-padded (numpy).
Dims broadcast_shape(const std::vector<Dims>& shapes) {
  int nd = 0;
  for (const Dims& s : shapes) nd = std::max(nd, s.size());
  Dims out = Dims::filled(nd, 1);
  for (const Dims& s : shapes)
    for (int d = 0; d < s.size(); ++d) {
      int64_t& o = out[nd - s.size() + d];
      if (s[d] != 1) {
        if (o != 1 && o != s[d]) throw std::invalid_argument("naive: shapes do not broadcast");
        o = s[d];
      }
    }
  return out;
}
// The flat index in an array of shape `s` of output position `i` (of the broadcast shape).
int64_t broadcast_index(const Dims& i, const Dims& s) {
  int64_t f = 0;
  int off = i.size() - s.size();
  for (int d = 0; d < s.size(); ++d) f = f * s[d] + (s[d] == 1 ? 0 : i[off + d]);
  return f;
}
}  // namespace

NDArray map(const Arrays& in, DType out, const Scalar3& f) {
  std::vector<Dims> shapes;
  for (const NDArray& a : in) shapes.push_back(a.shape());
  Dims shape = broadcast_shape(shapes);
  std::vector<double> v;
  for (int64_t k = 0; k < shape.product(); ++k) {
    Dims i = unravel(k, shape);
    double x[3] = {0, 0, 0};
    for (size_t j = 0; j < in.size() && j < 3; ++j) x[j] = in[j].item(broadcast_index(i, in[j].shape()));
    v.push_back(f(x[0], x[1], x[2]));
  }
  return expect(out, shape, v);
}

NDArray broadcast_to(const NDArray& a, const Dims& shape) {
  NDArray one = NDArray::empty(a.dtype(), shape);
  Dims s = broadcast_shape({a.shape(), shape});
  if (!(s == shape)) throw std::invalid_argument("naive: " + a.shape().str() + " does not broadcast to " + shape.str());
  for (int64_t k = 0; k < one.size(); ++k) one.set_item(k, a.item(broadcast_index(unravel(k, shape), a.shape())));
  return one;
}

NDArray dimshuffle(const NDArray& a, const std::vector<int>& pattern) {
  Dims shape;
  for (int p : pattern) shape.push_back(p < 0 ? 1 : a.shape(p));
  NDArray out = NDArray::empty(a.dtype(), shape);
  for (int64_t k = 0; k < out.size(); ++k) {
    Dims i = unravel(k, shape), src = Dims::filled(a.ndim(), 0);
    for (size_t d = 0; d < pattern.size(); ++d)
      if (pattern[d] >= 0) src[pattern[d]] = i[int(d)];
    out.set_item(k, a.item(ravel(src, a.shape())));
  }
  return out;
}

NDArray transpose(const NDArray& a) {
  std::vector<int> p;
  for (int d = a.ndim() - 1; d >= 0; --d) p.push_back(d);
  return dimshuffle(a, p);
}

NDArray reshape(const NDArray& a, Dims shape) {
  int64_t known = 1;
  int missing = -1;
  for (int d = 0; d < shape.size(); ++d)
    if (shape[d] < 0) missing = d;
    else known *= shape[d];
  if (missing >= 0) shape[missing] = known ? a.size() / known : 0;
  NDArray out = NDArray::empty(a.dtype(), shape);
  if (out.size() != a.size()) throw std::invalid_argument("naive: cannot reshape " + a.shape().str() + " to " + shape.str());
  for (int64_t k = 0; k < a.size(); ++k) out.set_item(k, a.item(k));
  return out;
}

NDArray cast(const NDArray& a, DType dtype) {
  std::vector<double> v;
  for (int64_t k = 0; k < a.size(); ++k) {
    double x = a.item(k);
    v.push_back(is_integer(dtype) ? std::trunc(x) : x);
  }
  return expect(dtype, a.shape(), v);
}

std::vector<int64_t> py_slice(int64_t n, std::optional<int64_t> start, std::optional<int64_t> stop, std::optional<int64_t> step) {
  int64_t st = step.value_or(1);
  auto clamp = [&](int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v < 0 ? v + n : v, lo), hi); };
  std::vector<int64_t> r;
  if (st > 0)
    for (int64_t i = start ? clamp(*start, 0, n) : 0, e = stop ? clamp(*stop, 0, n) : n; i < e; i += st) r.push_back(i);
  else
    for (int64_t i = start ? clamp(*start, -1, n - 1) : n - 1, e = stop ? clamp(*stop, -1, n - 1) : -1; i > e; i += st) r.push_back(i);
  return r;
}

Selection select(const Dims& shape, const std::vector<Idx>& idx) {
  // Per input dim, the positions it takes; integer entries drop their dim from the result.
  std::vector<std::vector<int64_t>> pos;
  Selection s;
  for (int d = 0; d < shape.size(); ++d) {
    std::vector<int64_t> p;
    if (d < int(idx.size()) && !idx[size_t(d)].is_slice) {
      int64_t i = idx[size_t(d)].index;
      if (i < -shape[d] || i >= shape[d]) throw std::out_of_range("naive: index out of range");
      p.push_back(i < 0 ? i + shape[d] : i);
    } else {
      p = d < int(idx.size()) ? py_slice(shape[d], idx[size_t(d)].start, idx[size_t(d)].stop, idx[size_t(d)].step)
                              : py_slice(shape[d], {}, {}, {});
      s.shape.push_back(int64_t(p.size()));
    }
    pos.push_back(p);
  }
  Dims counts;
  for (auto& p : pos) counts.push_back(int64_t(p.size()));
  for (int64_t k = 0; k < counts.product(); ++k) {
    Dims i = unravel(k, counts), src = Dims::filled(shape.size(), 0);
    for (int d = 0; d < shape.size(); ++d) src[d] = pos[size_t(d)][size_t(i[d])];
    s.flat.push_back(ravel(src, shape));
  }
  return s;
}

Selection select_advanced(const Dims& shape, const Arrays& idx) {
  std::vector<Dims> shapes;
  for (const NDArray& a : idx) shapes.push_back(a.shape());
  Dims ishape = broadcast_shape(shapes);
  Selection s;
  s.shape = ishape;
  Dims rest;
  for (int d = int(idx.size()); d < shape.size(); ++d) {
    s.shape.push_back(shape[d]);
    rest.push_back(shape[d]);
  }
  for (int64_t k = 0; k < ishape.product(); ++k) {
    Dims i = unravel(k, ishape), src = Dims::filled(shape.size(), 0);
    for (size_t j = 0; j < idx.size(); ++j) {
      int64_t v = int64_t(idx[j].item(broadcast_index(i, idx[j].shape())));
      int64_t n = shape[int(j)];
      if (v < -n || v >= n) throw std::out_of_range("naive: index out of range");
      src[int(j)] = v < 0 ? v + n : v;
    }
    for (int64_t r = 0; r < rest.product(); ++r) {
      Dims ri = unravel(r, rest);
      for (int d = 0; d < rest.size(); ++d) src[int(idx.size()) + d] = ri[d];
      s.flat.push_back(ravel(src, shape));
    }
  }
  return s;
}

NDArray gather(const NDArray& x, const Selection& s) {
  NDArray out = NDArray::empty(x.dtype(), s.shape);
  for (size_t k = 0; k < s.flat.size(); ++k) out.set_item(int64_t(k), x.item(s.flat[k]));
  return out;
}

NDArray scatter(const NDArray& x, const NDArray& y, const Selection& s, bool set) {
  NDArray out = x.copy(), yb = broadcast_to(y, s.shape);
  std::vector<double> acc = test_util::values(x);
  for (size_t k = 0; k < s.flat.size(); ++k) {
    double& a = acc[size_t(s.flat[k])];
    a = set ? yb.item(int64_t(k)) : a + yb.item(int64_t(k));
  }
  return expect(x.dtype(), x.shape(), acc);
}

namespace {
NDArray reduce(const NDArray& a, const std::vector<int>& axes, bool is_max) {
  auto reduced = [&](int d) { return std::find(axes.begin(), axes.end(), d) != axes.end(); };
  Dims oshape;
  for (int d = 0; d < a.ndim(); ++d)
    if (!reduced(d)) oshape.push_back(a.shape(d));
  std::vector<long double> acc(size_t(oshape.product()), is_max ? -INFINITY : 0.0L);
  std::vector<bool> seen(acc.size(), false);
  for (int64_t f = 0; f < a.size(); ++f) {
    Dims i = unravel(f, a.shape()), o;
    for (int d = 0; d < a.ndim(); ++d)
      if (!reduced(d)) o.push_back(i[d]);
    size_t at = size_t(ravel(o, oshape));
    long double v = a.item(f);
    if (!is_max) acc[at] += v;
    else if (!seen[at] || v > acc[at] || std::isnan(double(v))) acc[at] = v;
    seen[at] = true;
  }
  DType out = is_max || is_float(a.dtype()) ? a.dtype() : DType::Int64;
  return expect(out, oshape, std::vector<double>(acc.begin(), acc.end()));
}
}  // namespace

NDArray sum(const NDArray& a, const std::vector<int>& axes) { return reduce(a, axes, false); }
NDArray max(const NDArray& a, const std::vector<int>& axes) { return reduce(a, axes, true); }

NDArray argmax(const NDArray& a, std::optional<int> axis) {
  if (!axis) {
    int64_t best = 0;
    for (int64_t f = 1; f < a.size(); ++f)
      if (a.item(f) > a.item(best)) best = f;
    return expect(DType::Int64, Dims{}, {double(best)});
  }
  int ax = *axis < 0 ? *axis + a.ndim() : *axis;
  Dims oshape;
  for (int d = 0; d < a.ndim(); ++d)
    if (d != ax) oshape.push_back(a.shape(d));
  std::vector<double> best(size_t(oshape.product()), -1), arg(best.size(), 0);
  for (int64_t f = 0; f < a.size(); ++f) {
    Dims i = unravel(f, a.shape()), o;
    for (int d = 0; d < a.ndim(); ++d)
      if (d != ax) o.push_back(i[d]);
    size_t at = size_t(ravel(o, oshape));
    if (i[ax] == 0 || a.item(f) > best[at]) {
      best[at] = a.item(f);
      arg[at] = double(i[ax]);
    }
  }
  return expect(DType::Int64, oshape, arg);
}

NDArray dot(const NDArray& a, const NDArray& b) {
  // Vectors as a 1-row (left) or 1-column (right) matrix.
  int64_t m = a.ndim() == 2 ? a.shape(0) : 1, k = a.shape(a.ndim() - 1), n = b.ndim() == 2 ? b.shape(1) : 1;
  if (b.shape(0) != k) throw std::invalid_argument("naive dot: inner sizes differ");
  std::vector<double> out;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      long double s = 0;
      for (int64_t p = 0; p < k; ++p) s += (long double)a.item(i * k + p) * b.item(p * n + j);
      out.push_back(double(s));
    }
  Dims shape;
  if (a.ndim() == 2) shape.push_back(m);
  if (b.ndim() == 2) shape.push_back(n);
  return expect(a.dtype(), shape, out);
}

namespace {
NDArray softmax_rows(const NDArray& x, bool log) {
  int64_t cols = x.shape(x.ndim() - 1), rows = x.size() / std::max<int64_t>(cols, 1);
  std::vector<double> out;
  for (int64_t r = 0; r < rows; ++r) {
    long double m = -INFINITY, s = 0;
    for (int64_t c = 0; c < cols; ++c) m = std::max<long double>(m, x.item(r * cols + c));
    for (int64_t c = 0; c < cols; ++c) s += std::exp((long double)x.item(r * cols + c) - m);
    for (int64_t c = 0; c < cols; ++c) {
      long double z = (long double)x.item(r * cols + c) - m;
      out.push_back(double(log ? z - std::log(s) : std::exp(z) / s));
    }
  }
  return expect(x.dtype(), x.shape(), out);
}
}  // namespace

NDArray softmax(const NDArray& x) { return softmax_rows(x, false); }
NDArray log_softmax(const NDArray& x) { return softmax_rows(x, true); }

}  // namespace naive
}  // namespace op_table

using namespace op_table::naive;

TEST_CASE("naive references: Python slicing positions", "[op_table]") {
  using V = std::vector<int64_t>;
  CHECK(py_slice(7, std::nullopt, std::nullopt, -2) == V{6, 4, 2, 0});
  CHECK(py_slice(7, 10, -10, -1) == V{6, 5, 4, 3, 2, 1, 0});
  CHECK(py_slice(7, -2, std::nullopt, std::nullopt) == V{5, 6});
  CHECK(py_slice(7, 5, 2, std::nullopt).empty());
}

TEST_CASE("naive references: selections and reductions by hand", "[op_table]") {
  NDArray m = test_util::f64(Dims{3, 5}, {0, 1, 2, 3, 4, 10, 11, 12, 13, 14, 20, 21, 22, 23, 24});
  CHECK(test_util::values(gather(m, select(m.shape(), {Idx::at(-1), Idx::slice({}, {}, -2)}))) == std::vector<double>{24, 22, 20});
  Selection rc = select_advanced(m.shape(), {test_util::i64(Dims{2}, {0, -1}), test_util::i64(Dims{2}, {4, -5})});
  CHECK(test_util::values(gather(m, rc)) == std::vector<double>{4, 20});
  NDArray inc = scatter(m, test_util::f64(Dims{}, {1}), select_advanced(m.shape(), {test_util::i64(Dims{2}, {1, 1})}), false);
  CHECK(test_util::values(inc)[5] == 12);  // a repeated row accumulates
  CHECK(test_util::values(sum(m, {0})) == std::vector<double>{30, 33, 36, 39, 42});
  CHECK(test_util::values(argmax(m, 0)) == std::vector<double>{2, 2, 2, 2, 2});
  CHECK(as_dtype(200, DType::Int8) == -56);
  CHECK(elemwise_dtype(theano::ops::ScalarKind::Exp, {DType::Int16}) == DType::Float32);
  CHECK(elemwise_dtype(theano::ops::ScalarKind::TrueDiv, {DType::Int64, DType::Int64}) == DType::Float64);
  CHECK(elemwise_dtype(theano::ops::ScalarKind::LT, {DType::Float32, DType::Float32}) == DType::Bool);
}
