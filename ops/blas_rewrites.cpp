// BLAS specializations (Theano's tensor/blas.py GemmOptimizer, reduced to the SGD step's form).
#include "ops/blas.hpp"
#include "ops/graph_math.hpp"
#include "ops/rewrite_util.hpp"
#include "ops/rewrites.hpp"

namespace theano::ops::rewrites {

using rewrite::Replacement;
using namespace match;

namespace {
bool only_reader(const FunctionGraph& fg, const Var& v, const Apply* reader) {
  const auto& c = fg.clients(v);
  return c.size() == 1 && c[0].first == reader;
}

// Z - a * dot(X, Y) -> Gemm(Z, -a, X, Y, 1)   (also Z + a * dot(X, Y), Z +- dot(X, Y), a scalar)
Replacement gemm_of(Apply& node, const FunctionGraph& fg) {
  bool sub = is_elemwise(node, ScalarKind::Sub);
  if (!sub && !is_elemwise(node, ScalarKind::Add)) return std::nullopt;
  const TensorType& t = node.outputs[0]->type;
  if (t.ndim() != 2 || !is_float(t.dtype)) return std::nullopt;
  for (int k : sub ? std::vector<int>{1} : std::vector<int>{1, 0}) {
    const Var &z = node.inputs[size_t(1 - k)], &m = node.inputs[size_t(k)];
    if (!z.type().same_as(t)) continue;
    // m = dot, or m = a * dot with a scalar a; the dot (and the product) are read only here.
    Var d = m;
    std::optional<Var> a;
    if (Apply* mul = elemwise_of(m, ScalarKind::Mul)) {
      for (int j : {0, 1}) {
        auto s = as_scalar(mul->inputs[size_t(j)]);
        if (s && op_of<Dot>(mul->inputs[size_t(1 - j)])) {
          a = s;
          d = mul->inputs[size_t(1 - j)];
          break;
        }
      }
      if (!a || !only_reader(fg, m, &node) || !only_reader(fg, d, mul)) continue;
    } else if (!op_of<Dot>(d) || !only_reader(fg, d, &node)) {
      continue;
    }
    const Var &x = d.owner()->inputs[0], &y = d.owner()->inputs[1];
    if (x.ndim() != 2 || y.ndim() != 2 || x.dtype() != t.dtype || !d.type().same_as(t)) continue;
    SiteScope site(node.site);
    using namespace math;
    Var alpha = a ? (a->is_constant() ? scalar_constant(a->node()->constant.item(0), t.dtype) : cast(*a, t.dtype))
                  : scalar_constant(1.0, t.dtype);
    if (sub) alpha = alpha.is_constant() ? scalar_constant(-alpha.node()->constant.item(0), t.dtype) : -alpha;
    return std::vector<Var>{gemm_no_inplace(z, alpha, x, y, scalar_constant(1.0, t.dtype))};
  }
  return std::nullopt;
}
}  // namespace

const LocalRewrite local_gemm{"local_gemm", "Elemwise", gemm_of};

}  // namespace theano::ops::rewrites
