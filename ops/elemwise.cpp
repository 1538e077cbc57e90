#include "ops/elemwise.hpp"

#include <cmath>
#include <fmt/format.h>
#include <type_traits>

#include "ops/graph_math.hpp"
#include "ops/elemwise_kernels.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

namespace {
using Cat = ScalarCategory;
struct KindInfo {
  std::string_view name;
  int arity;
  Cat cat;
  bool differentiable;
};
#define NONE_IS(G) (std::string_view(#G) != "NONE")
constexpr KindInfo kKinds[] = {
#define ELEMWISE1(K, N, C, E, G) {N, 1, Cat::C, NONE_IS(G)},
#define ELEMWISE2(K, N, C, E, G1, G2) {N, 2, Cat::C, NONE_IS(G1) || NONE_IS(G2)},
#define ELEMWISE3(K, N, C, E, G1, G2, G3) {N, 3, Cat::C, NONE_IS(G1) || NONE_IS(G2) || NONE_IS(G3)},
#include "ops/elemwise_ops.def"
#undef ELEMWISE1
#undef ELEMWISE2
#undef ELEMWISE3
    {"Cast", 1, Cat::SAME, true},
};
static_assert(std::size(kKinds) == size_t(ScalarKind::Count), "one info row per elementwise kind");
const KindInfo& info(ScalarKind k) { return kKinds[int(k)]; }

// numpy: "Integers to negative integer powers are not allowed." (a ValueError), checked before the
// kernel runs so that the loop itself has no error path.
void check_integer_exponents(const NDArray& e, const Op& op) {
  visit_dtype(e.dtype(), [&](auto t) {
    using T = decltype(t);
    if constexpr (std::is_signed_v<T> && std::is_integral_v<T>) {
      int64_t n = e.size();
      for (int64_t i = 0; i < n; ++i)
        if (e.item_int64(i) < 0) throw OpError(fmt::format("{}: Integers to negative integer powers are not allowed.", op.str()));
    }
  });
}
}  // namespace

std::string_view scalar_kind_name(ScalarKind k) { return info(k).name; }
int scalar_kind_arity(ScalarKind k) { return info(k).arity; }
bool scalar_kind_differentiable(ScalarKind k) { return info(k).differentiable; }
ScalarCategory scalar_kind_category(ScalarKind k) { return info(k).cat; }

DType upgrade_to_float(DType d) {
  if (is_float(d)) return d;
  if (d == DType::Int32 || d == DType::Int64) return DType::Float64;
  return DType::Float32;
}

DType elemwise_out_dtype(ScalarKind kind, std::span<const DType> in) {
  if (kind == ScalarKind::Switch) return upcast(in[1], in[2]);
  DType d = in[0];
  for (size_t i = 1; i < in.size(); ++i) d = upcast(d, in[i]);
  switch (info(kind).cat) {
    case Cat::BOOL: return DType::Bool;
    case Cat::FLOAT: return upgrade_to_float(d);
    case Cat::SAME:
    case Cat::FLOAT_ONLY: return d;
  }
  return d;
}

std::string Elemwise::str() const {
  if (kind_ == ScalarKind::Cast) return fmt::format("Elemwise{{Cast{{{}}}}}", dtype_name(cast_to_));
  return fmt::format("Elemwise{{{},no_inplace}}", info(kind_).name);
}

OutShapes Elemwise::infer_shape(Vars,
                                                                 InShapes shapes) const {
  return std::vector<std::vector<Variable>>{dims::broadcast_shapes(shapes)};
}

std::vector<TensorType> Elemwise::make_types(Vars inputs) const {
  if (int(inputs.size()) != info(kind_).arity)
    throw OpError(fmt::format("expects {} inputs, got {}", info(kind_).arity, inputs.size()));
  int nd = inputs[0].ndim();
  TensorType out(DType::Float64, nd);
  for (int d = 0; d < nd; ++d) out.bcast[d] = true;
  std::vector<DType> dts;
  for (const Variable& v : inputs) {
    if (v.ndim() != nd) throw OpError("inputs have different numbers of dimensions");
    dts.push_back(v.dtype());
  }
  for (int d = 0; d < nd; ++d) {
    int64_t size = -1;
    for (const Variable& v : inputs) {
      const TensorType& t = v.type();
      out.bcast[d] = out.bcast[d] && t.bcast[d];
      if (t.bcast[d] || t.shape[d] < 0) continue;
      if (size >= 0 && size != t.shape[d])
        throw OpError(fmt::format("shapes do not broadcast: dimension {} has sizes {} and {}", d, size, t.shape[d]));
      size = t.shape[d];
    }
    out.shape[d] = out.bcast[d] ? 1 : size;
  }
  if (kind_ == ScalarKind::Cast) {
    out.dtype = cast_to_;
  } else {
    out.dtype = elemwise_out_dtype(kind_, dts);
    // Kernels run in one compute type: the builder inserts casts; a direct make_node must match.
    DType compute = info(kind_).cat == Cat::SAME ? out.dtype : upcast_all(dts, kind_ == ScalarKind::Switch);
    for (size_t i = (kind_ == ScalarKind::Switch ? 1 : 0); i < dts.size(); ++i)
      if (dts[i] != compute)
        throw OpError(fmt::format("input {} has dtype {} but the op computes in {}", i, dtype_name(dts[i]), dtype_name(compute)));
    if (info(kind_).cat == Cat::FLOAT && !is_float(compute)) throw OpError("needs float inputs");
    if (info(kind_).cat == Cat::FLOAT_ONLY && !is_float(compute)) throw OpError("only float type are supported");
  }
  return {out};
}

void Elemwise::perform(InArrays in, OutArrays out) const {
  Dims shape = broadcast_shape(in, *this);
  if (kind_ == ScalarKind::Cast) {
    out[0]->ensure(cast_to_, shape);
    if (!(in[0]->shape() == shape)) throw OpError("Cast: shape changed");
    out[0]->copy_from(*in[0]);
    return;
  }
  DType compute = in[in.size() - 1]->dtype();
  DType out_dtype = info(kind_).cat == Cat::BOOL ? DType::Bool : compute;
  out[0]->ensure(out_dtype, shape);
  // x**2 and x**1 with a scalar exponent (the L2 term and its gradient) run as sqr and identity.
  if (kind_ == ScalarKind::Pow && in[1]->size() == 1 && in[0]->shape() == shape && (in[1]->item(0) == 2 || in[1]->item(0) == 1)) {
    if (in[1]->item(0) == 2) run_elemwise<ScalarKind::Sqr>(in.first(1), *out[0]);
    else run_elemwise<ScalarKind::Identity>(in.first(1), *out[0]);
    return;
  }
  if (kind_ == ScalarKind::Pow && is_integer(compute)) check_integer_exponents(*in[1], *this);
  switch (kind_) {
#define ELEMWISE1(K, N, C, E, G) \
  case ScalarKind::K: run_elemwise<ScalarKind::K>(in, *out[0]); break;
#define ELEMWISE2(K, N, C, E, G1, G2) ELEMWISE1(K, N, C, E, G1)
#define ELEMWISE3(K, N, C, E, G1, G2, G3) ELEMWISE1(K, N, C, E, G1)
#include "ops/elemwise_ops.def"
#undef ELEMWISE1
#undef ELEMWISE2
#undef ELEMWISE3
    default: throw OpError("unknown elementwise kind");
  }
}

Cotangents Elemwise::pullback(Vars in, Vars outs,
                              OutCotangents cot) const {
  using namespace math;
  const Var& out = outs[0];
  Var gz = *cot[0];
  std::optional<Var> NONE;
  const Var& x = in[0];
  const Var& y = in.size() > 1 ? in[1] : in[0];
  const Var& z = in.size() > 2 ? in[2] : in[0];
  auto unary = [](ScalarKind k, const Var& v) { return elemwise(k, {v}); };
  auto unary2 = [](ScalarKind k, const Var& a, const Var& b) { return elemwise(k, {a, b}); };
  (void)y;
  (void)z;
  (void)out;
  if (kind_ == ScalarKind::Cast) {
    if (!is_float(x.dtype())) return {NONE};
    return {cast(gz, x.dtype())};
  }
  switch (kind_) {
#define ELEMWISE1(K, N, C, E, G) \
  case ScalarKind::K: return {std::optional<Var>(G)};
#define ELEMWISE2(K, N, C, E, G1, G2) \
  case ScalarKind::K: return {std::optional<Var>(G1), std::optional<Var>(G2)};
#define ELEMWISE3(K, N, C, E, G1, G2, G3) \
  case ScalarKind::K: return {std::optional<Var>(G1), std::optional<Var>(G2), std::optional<Var>(G3)};
#include "ops/elemwise_ops.def"
#undef ELEMWISE1
#undef ELEMWISE2
#undef ELEMWISE3
    default: break;
  }
  throw OpError("no gradient for " + str());
}

Var cast(const Var& x, DType dtype) {
  if (x.dtype() == dtype) return x;
  if (x.is_constant()) return make_constant(x.node()->constant.astype(dtype));
  return make_apply1(std::make_shared<Elemwise>(ScalarKind::Cast, dtype), {x});
}

Var elemwise(ScalarKind kind, std::vector<Variable> inputs) {
  std::vector<DType> dts;
  for (auto& v : inputs) dts.push_back(v.dtype());
  bool is_switch = kind == ScalarKind::Switch;
  DType compute = upcast_all(dts, is_switch);
  if (info(kind).cat == Cat::FLOAT) compute = upgrade_to_float(compute);
  // Cast before padding, so that a literal's cast folds into a new constant.
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = cast(inputs[i], compute);
  int nd = 0;
  for (auto& v : inputs) nd = std::max(nd, v.ndim());
  for (auto& v : inputs) {
    if (v.ndim() == nd) continue;
    std::vector<int> pattern(nd - v.ndim(), -1);  // left-pad with broadcastable dims, as numpy
    for (int i = 0; i < v.ndim(); ++i) pattern.push_back(i);
    v = dimshuffle(v, pattern);
  }
  return make_apply1(std::make_shared<Elemwise>(kind), std::move(inputs));
}

}  // namespace theano::ops
