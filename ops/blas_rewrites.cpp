// BLAS specializations (Theano's tensor/blas.py GemmOptimizer, reduced to the SGD step's form and a
// bias added to a matrix product).
#include "ops/blas.hpp"
#include "ops/composite.hpp"
#include "ops/shape.hpp"
#include "ops/nnet.hpp"
#include "ops/nnet_fused.hpp"
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

// Whether a reader of v would take a broadcast bias add of its own accord: an elementwise op (fusion
// folds the add into that op's loop, e.g. tanh(dot(x, W) + b)) or a softmax (the tutorials' output
// layer, whose cost the stabilize phase already fuses with its bias).
bool bias_add_folded_by_reader(const FunctionGraph& fg, const Var& v) {
  for (const auto& [reader, _] : fg.clients(v)) {
    if (!reader) continue;
    const Op* op = reader->op.get();
    if (dynamic_cast<const Elemwise*>(op) || dynamic_cast<const Composite*>(op) || dynamic_cast<const Softmax*>(op) ||
        dynamic_cast<const LogSoftmax*>(op))
      return true;
  }
  return false;
}

// Z of type t, or a bias that broadcasts over t's rows or columns (Gemm copies it into its output).
bool fits_as_z(const TensorType& z, const TensorType& t, bool& is_bias) {
  is_bias = !z.same_as(t);
  if (!is_bias) return true;
  if (z.ndim() != 2 || z.dtype != t.dtype) return false;
  for (int d = 0; d < 2; ++d)
    if (!z.bcast[d] && (z.bcast[d] != t.bcast[d] || z.shape[d] != t.shape[d])) return false;
  return true;
}

// Z - a * dot(X, Y) -> Gemm(Z, -a, X, Y, 1)   (also Z + a * dot(X, Y), Z +- dot(X, Y), a scalar), and
// dot(X, Y) + b -> Gemm(b, 1, X, Y, 1) for a bias b broadcast over the rows or columns, unless a
// reader takes the add anyway (bias_add_folded_by_reader).
Replacement gemm_of(Apply& node, const FunctionGraph& fg) {
  bool sub = is_elemwise(node, ScalarKind::Sub);
  if (!sub && !is_elemwise(node, ScalarKind::Add)) return std::nullopt;
  const TensorType& t = node.outputs[0]->type;
  if (t.ndim() != 2 || !is_float(t.dtype)) return std::nullopt;
  for (int k : sub ? std::vector<int>{1} : std::vector<int>{1, 0}) {
    const Variable &z = node.inputs[size_t(1 - k)], &m = node.inputs[size_t(k)];
    bool bias = false;
    if (!fits_as_z(z.type(), t, bias)) continue;
    if (bias && bias_add_folded_by_reader(fg, output_of(apply_ptr(&node), 0))) return std::nullopt;
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
    using namespace math;
    Var alpha = a ? (a->is_constant() ? scalar_constant(a->node()->constant.item(0), t.dtype) : cast(*a, t.dtype))
                  : scalar_constant(1.0, t.dtype);
    if (sub) alpha = alpha.is_constant() ? scalar_constant(-alpha.node()->constant.item(0), t.dtype) : -alpha;
    return std::vector<Variable>{gemm_no_inplace(z, alpha, x, y, scalar_constant(1.0, t.dtype))};
  }
  return std::nullopt;
}

// DimShuffle{1,0}(dot(x, y)) -> dot(y.T, x.T) for matrices (Theano's local_lift_transpose_through_dot):
// the gradient of a tied weight (the autoencoders' W_prime = W.T) then comes out of the dot in W's
// own layout, so local_gemm's update can accumulate into it in place instead of copying a
// transposed view first; the inner transposes meet the inputs' own and cancel (local_dimshuffle_chain).
Replacement lift_transpose_through_dot(Apply& node, const FunctionGraph&) {
  auto* ds = dynamic_cast<const DimShuffle*>(node.op.get());
  if (!ds || ds->pattern() != std::vector<int>{1, 0} || !op_of<Dot>(node.inputs[0])) return std::nullopt;
  const Var &x = node.inputs[0].owner()->inputs[0], &y = node.inputs[0].owner()->inputs[1];
  if (x.ndim() != 2 || y.ndim() != 2) return std::nullopt;
  return std::vector<Variable>{dot(transpose(y), transpose(x))};
}
}  // namespace

const LocalRewrite local_gemm{"local_gemm", &typeid(Elemwise), gemm_of};
const LocalRewrite local_lift_transpose_through_dot{"local_lift_transpose_through_dot", &typeid(DimShuffle), lift_transpose_through_dot};

}  // namespace theano::ops::rewrites
