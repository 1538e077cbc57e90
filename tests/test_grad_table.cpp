// Gradient checks driven by one table (an OpInfo-like sample list): every differentiable op has a row
// that verify_grad checks in float64 on odd, non-square shapes with distinct sizes, at points away
// from kinks and singularities. A coverage test fails when a differentiable elementwise kind or op
// class has no row. Plus verify_grad's own semantics and second derivatives.
#include <algorithm>
#include <map>
#include <set>

#include "graph/op_base.hpp"
#include "ops/blas.hpp"
#include "ops/elemwise.hpp"
#include "ops/graph_math.hpp"
#include "ops/nnet_fused.hpp"
#include "ops/subtensor.hpp"
#include "test_util.hpp"
#include "theano/conv_pool.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;
namespace G = theano::gradient;
namespace np = theano::numpy;
using ops::ScalarKind;

namespace {

struct Sample {
  std::string name;
  std::function<Var(const std::vector<Var>&)> build;
  std::vector<NDArray> inputs;
  G::VerifyGradOptions opts = {};
};

np::RandomState& data_rng() {
  static np::RandomState r(2024);
  return r;
}
NDArray U(const Dims& shape, double lo = -1.0, double hi = 1.0) { return random(data_rng(), DType::Float64, shape, lo, hi); }
// Magnitudes in [0.2, 1.5) with random signs: away from 0 (abs, sgn, division).
NDArray nonzero(const Dims& shape) {
  NDArray a = U(shape, 0.2, 1.5);
  for (int64_t i = 0; i < a.size(); ++i)
    if (data_rng().randint(2)) a.set_item(i, -a.item(i));
  return a;
}
// x shifted by +-[0.2, 0.7) per element: maximum/minimum never tie.
NDArray apart_from(const NDArray& x) {
  NDArray y = x.copy();
  for (int64_t i = 0; i < y.size(); ++i) y.set_item(i, x.item(i) + (i % 2 ? 1 : -1) * data_rng().uniform(0.2, 0.7));
  return y;
}
Var ivec(const std::vector<double>& v) { return T::constant(i64(Dims{int64_t(v.size())}, v)); }
Var c64(double v) { return ops::scalar_constant(v, DType::Int64); }
Var elem(ScalarKind k, std::vector<Var> in) { return ops::elemwise(k, as_variables(in)); }

const std::vector<Sample>& samples() {
  static const std::vector<Sample> table = [] {
    using V = const std::vector<Var>&;
    const Dims m{3, 5}, t3{3, 5, 7};
    std::vector<Sample> s;
    // ---- elementwise, one row per differentiable kind of ops/elemwise_ops.def ----
    s.push_back({"identity", [](V x) { return elem(ScalarKind::Identity, {x[0]}); }, {U(m)}});
    s.push_back({"neg", [](V x) { return -x[0]; }, {U(m)}});
    s.push_back({"abs", [](V x) { return T::abs(x[0]); }, {nonzero(m)}});
    s.push_back({"sgn (zero gradient)", [](V x) { return T::sgn(x[0]); }, {nonzero(m)}});
    s.push_back({"sqr", [](V x) { return T::sqr(x[0]); }, {U(m)}});
    s.push_back({"sqrt", [](V x) { return T::sqrt(x[0]); }, {U(m, 0.5, 2.0)}});
    s.push_back({"exp", [](V x) { return T::exp(x[0]); }, {U(m)}});
    s.push_back({"log", [](V x) { return T::log(x[0]); }, {U(m, 0.5, 2.0)}});
    s.push_back({"log1p", [](V x) { return T::log1p(x[0]); }, {U(m, -0.5, 1.0)}});
    s.push_back({"tanh", [](V x) { return T::tanh(x[0]); }, {U(m, -2, 2)}});
    s.push_back({"sigmoid", [](V x) { return T::nnet::sigmoid(x[0]); }, {U(m, -3, 3)}});
    s.push_back({"softplus", [](V x) { return T::nnet::softplus(x[0]); }, {U(m, -3, 3)}});
    s.push_back({"add", [](V x) { return x[0] + x[1]; }, {U(m), U(m)}});
    s.push_back({"sub", [](V x) { return x[0] - x[1]; }, {U(m), U(m)}});
    s.push_back({"mul", [](V x) { return x[0] * x[1]; }, {U(m), U(m)}});
    s.push_back({"true_div", [](V x) { return x[0] / x[1]; }, {U(m), nonzero(m)}});
    s.push_back({"pow", [](V x) { return T::pow(x[0], x[1]); }, {U(m, 0.5, 2.0), U(m, -1.5, 1.5)}});
    s.push_back({"pow by a literal", [](V x) { return T::pow(x[0], 3); }, {U(m)}});
    NDArray mx = U(m);
    s.push_back({"maximum", [](V x) { return T::maximum(x[0], x[1]); }, {mx, apart_from(mx)}});
    s.push_back({"minimum", [](V x) { return T::minimum(x[0], x[1]); }, {mx, apart_from(mx)}});
    s.push_back({"second (grad wrt the broadcast value)", [](V x) { return elem(ScalarKind::Second, {x[0], x[1]}); },
                 {U(m), U(Dims{5})}});
    s.push_back({"switch (grad wrt both branches)",
                 [](V x) {
                   Var cond = T::constant(arr(DType::Bool, Dims{3, 5}, {1, 0, 0, 1, 1, 0, 1, 0, 1, 0, 0, 0, 1, 1, 1}));
                   return T::switch_(cond, x[0], x[1]);
                 },
                 {U(m), U(m)}});
    s.push_back({"switch on a comparison of its branch", [](V x) { return T::switch_(x[0] > 0.0, x[0], x[1] * 2.0); },
                 {nonzero(m), U(m)}});
    // Cast: the float32 round trip quantises x to ~1e-7 relative, so eps=1e-7 would measure rounding
    // noise; eps=1e-2 keeps the rounding error ~1e-5 relative, under the default tolerances.
    s.push_back({"cast float64 -> float32 -> float64",
                 [](V x) { return T::cast(T::cast(x[0], "float32"), "float64"); },
                 {U(m, 1.0, 2.0)},
                 {.eps = 1e-2}});
    s.push_back({"float32 input (float32 tolerances)", [](V x) { return T::tanh(x[0]) * x[0]; },
                 {random(data_rng(), DType::Float32, m, -1, 1)}});
    // ---- broadcasting ----
    s.push_back({"row + matrix via dimshuffle", [](V x) { return x[0].dimshuffle({'x', 0}) + x[1]; }, {U(Dims{7}), U(Dims{5, 7})}});
    s.push_back({"col * matrix via dimshuffle", [](V x) { return x[0].dimshuffle({0, 'x'}) * x[1]; }, {U(Dims{5}), U(Dims{5, 7})}});
    s.push_back({"(1,9) + (3,9): broadcastable input", [](V x) { return x[0] * x[1] + x[0]; }, {U(Dims{1, 9}), U(Dims{3, 9})}});
    s.push_back({"3-d * vector (numpy left padding)", [](V x) { return x[0] * x[1]; }, {U(t3), U(Dims{7})}});
    // ---- shape ops ----
    s.push_back({"dimshuffle {1,x,0}", [](V x) { return x[0].dimshuffle({1, 'x', 0}); }, {U(m)}});
    s.push_back({"dimshuffle {2,0,1}", [](V x) { return x[0].dimshuffle({2, 0, 1}) * x[0].dimshuffle({2, 0, 1}); }, {U(t3)}});
    s.push_back({"dimshuffle drops a broadcastable dim", [](V x) { return x[0].dimshuffle({1}); }, {U(Dims{1, 9})}});
    s.push_back({"reshape (5,3)", [](V x) { return T::sqr(x[0].reshape({5, 3})); }, {U(m)}});
    s.push_back({"reshape (7,-1) of a 3-d", [](V x) { return x[0].reshape({7, -1}) * 2.0; }, {U(t3)}});
    s.push_back({"reshape of a transposed view", [](V x) { return x[0].T().reshape({15}); }, {U(m)}});
    s.push_back({"reshape to a symbolic shape", [](V x) { return x[0].reshape({x[0].shape()[1], x[0].shape()[0]}); }, {U(m)}});
    s.push_back({"flatten(2)", [](V x) { return x[0].flatten(2); }, {U(t3)}});
    s.push_back({"flatten of a non-contiguous view", [](V x) { return T::exp(x[0].dimshuffle({2, 0, 1}).flatten()); }, {U(t3)}});
    // ---- reductions ----
    s.push_back({"sum all", [](V x) { return T::sum(x[0] * x[0]); }, {U(t3)}});
    for (int axis = 0; axis < 3; ++axis)
      s.push_back({"sum axis " + std::to_string(axis), [axis](V x) { return T::sum(x[0], axis); }, {U(t3)}});
    s.push_back({"sum axes {0,2}", [](V x) { return ops::sum(x[0], {0, 2}); }, {U(t3)}});
    s.push_back({"sum axis -1", [](V x) { return T::sum(x[0], -1); }, {U(m)}});
    s.push_back({"mean axis 1", [](V x) { return T::mean(x[0], 1); }, {U(t3)}});
    s.push_back({"max all", [](V x) { return T::max(x[0]); }, {U(t3)}});
    s.push_back({"max axis 1", [](V x) { return T::max(x[0], 1); }, {U(t3)}});
    s.push_back({"max axis 0 of a matrix", [](V x) { return T::max(x[0], 0) * 3.0; }, {U(m)}});
    // ---- dot, all four vector/matrix combinations ----
    s.push_back({"dot matrix.matrix", [](V x) { return T::dot(x[0], x[1]); }, {U(m), U(Dims{5, 7})}});
    s.push_back({"dot matrix.vector", [](V x) { return T::dot(x[0], x[1]); }, {U(m), U(Dims{5})}});
    s.push_back({"dot vector.matrix", [](V x) { return T::dot(x[0], x[1]); }, {U(Dims{3}), U(Dims{3, 7})}});
    s.push_back({"dot vector.vector", [](V x) { return T::dot(x[0], x[1]); }, {U(Dims{5}), U(Dims{5})}});
    s.push_back({"dot with a transposed operand", [](V x) { return T::dot(x[0].T(), x[1]); }, {U(Dims{5, 3}), U(Dims{5, 7})}});
    // ---- indexing ----
    s.push_back({"subtensor 1:4", [](V x) { return x[0][T::slice(1, 4)]; }, {U(Dims{5, 7})}});
    s.push_back({"subtensor ::-1, 1:6:2", [](V x) { return x[0][{T::slice(std::nullopt, std::nullopt, -1), T::slice(1, 6, 2)}]; },
                 {U(Dims{5, 7})}});
    s.push_back({"subtensor 6:0:-2", [](V x) { return x[0][{T::slice(), T::slice(6, 0, -2)}]; }, {U(Dims{5, 7})}});
    s.push_back({"subtensor int and negative start", [](V x) { return x[0][{2, T::slice(-3, std::nullopt)}]; }, {U(Dims{5, 7})}});
    s.push_back({"subtensor -1 of a 3-d", [](V x) { return x[0][-1]; }, {U(t3)}});
    s.push_back({"inc_subtensor x[1:3] += y",
                 [](V x) {
                   ops::IndexEntry e{true, true, true, false};
                   return ops::inc_subtensor(x[0], x[1], {e}, {c64(1), c64(3)});
                 },
                 {U(Dims{5, 7}), U(Dims{2, 7})}});
    s.push_back({"inc_subtensor x[:, ::-2] += broadcast row",
                 [](V x) {
                   ops::IndexEntry all{true}, rev{true, false, false, true};
                   return ops::inc_subtensor(x[0], x[1].dimshuffle({'x', 0}), {all, rev}, {c64(-2)});
                 },
                 {U(Dims{5, 7}), U(Dims{4})}});
    s.push_back({"set_subtensor x[2] = y",
                 [](V x) { return ops::inc_subtensor(x[0], x[1], {ops::IndexEntry{}}, {c64(2)}, true) * x[0]; },
                 {U(Dims{5, 7}), U(Dims{7})}});
    s.push_back({"advanced subtensor x[arange(3), idx]", [](V x) { return x[0][{T::arange(3), ivec({6, -1, 2})}]; }, {U(Dims{3, 7})}});
    s.push_back({"advanced subtensor rows with repeats", [](V x) { return x[0][ivec({4, 0, 4, -2})]; }, {U(Dims{5, 7})}});
    s.push_back({"advanced_inc_subtensor with repeats",
                 [](V x) { return ops::advanced_inc_subtensor(x[0], x[1], {ivec({1, 3, 1, -1})}); },
                 {U(Dims{5, 7}), U(Dims{4, 7})}});
    s.push_back({"advanced_inc_subtensor x[rows, cols] += y",
                 [](V x) { return ops::advanced_inc_subtensor(x[0], x[1], {ivec({0, 2, 2}), ivec({1, 6, 6})}); },
                 {U(Dims{3, 7}), U(Dims{3})}});
    // ---- nnet ----
    s.push_back({"softmax", [](V x) { return T::nnet::softmax(x[0]); }, {U(m, -2, 2)}});
    s.push_back({"softmax of a vector", [](V x) { return T::nnet::softmax(x[0]); }, {U(Dims{7}, -2, 2)}});
    s.push_back({"softmax of row + matrix", [](V x) { return T::nnet::softmax(x[0] + x[1].dimshuffle({'x', 0})); },
                 {U(m, -2, 2), U(Dims{5})}});
    s.push_back({"negative log likelihood",
                 [](V x) {
                   Var p = T::nnet::softmax(x[0]);
                   return -T::mean(T::log(p[{T::arange(3), ivec({4, 0, 2})}]));
                 },
                 {U(m, -2, 2)}});
    // ---- the fused ops the rewrites put in (ops/nnet_fused.hpp, ops/blas.hpp) ----
    s.push_back({"LogSoftmax", [](V x) { return ops::log_softmax(x[0]); }, {U(m, -2, 2)}});
    s.push_back({"CrossentropySoftmaxArgmax1HotWithBias: nll",
                 [](V x) { return ops::crossentropy_softmax_argmax_1hot(x[0], x[1], ivec({4, 0, 2}))[0]; }, {U(m, -2, 2), U(Dims{5})}});
    s.push_back({"CrossentropySoftmaxArgmax1HotWithBias: nll and softmax",
                 [](V x) {
                   auto o = as_vars(ops::crossentropy_softmax_argmax_1hot(x[0], x[1], ivec({1, 3, 3})));
                   return o[1] * o[0].dimshuffle({0, 'x'});
                 },
                 {U(m, -2, 2), U(Dims{5})}});
    s.push_back({"CrossentropySoftmaxArgmax1Hot (no bias)",
                 [](V x) { return ops::crossentropy_softmax_argmax_1hot(x[0], Var(), ivec({2, 2, 0}))[0]; }, {U(m, -2, 2)}});
    s.push_back({"CrossentropySoftmax1HotWithBiasDx",
                 [](V x) { return ops::crossentropy_softmax_1hot_dx(x[0], x[1], ivec({4, 0, 2})); }, {U(Dims{3}), U(m, 0.1, 0.9)}});
    s.push_back({"Gemm: beta * Z + alpha * dot(X, Y)", [](V x) { return ops::gemm_no_inplace(x[0], x[1], x[2], x[3], x[4]); },
                 {U(Dims{3, 7}), U(Dims{}), U(m), U(Dims{5, 7}), U(Dims{})}});
    s.push_back({"Gemm with a bias row as Z (dot + bias)",
                 [](V x) { return ops::gemm_no_inplace(x[0].dimshuffle({'x', 0}), x[1], x[2], x[3], x[4]); },
                 {U(Dims{7}), U(Dims{}), U(m), U(Dims{5, 7}), U(Dims{})}});
    // ---- conv2d and pool_2d, their gradients' gradients included ----
    namespace nn = T::nnet;
    namespace pool = T::signal::pool;
    const Dims img{2, 3, 7, 6}, filt{5, 3, 2, 4};
    s.push_back({"conv2d valid", [](V x) { return nn::conv2d(x[0], x[1]); }, {U(img), U(filt)}});
    s.push_back({"conv2d full, subsample (2, 1)", [](V x) { return nn::conv2d(x[0], x[1], {.border_mode = "full", .subsample = {2, 1}}); },
                 {U(img), U(filt)}});
    s.push_back({"conv2d half, correlation", [](V x) { return nn::conv2d(x[0], x[1], {.border_mode = "half", .filter_flip = false}); },
                 {U(img), U(filt)}});
    s.push_back({"conv2d pad (1, 2), dilation (2, 1)",
                 [](V x) { return nn::conv2d(x[0], x[1], {.border_mode = std::pair{1, 2}, .filter_dilation = {2, 1}}); },
                 {U(img), U(filt)}});
    s.push_back({"grad of conv2d wrt its input (gradInputs differentiated)",
                 [](V x) { return T::grad(T::sum(T::sqr(nn::conv2d(x[0], x[1], {.border_mode = "full"}))), x[0]); },
                 {U(img), U(filt)}});
    s.push_back({"grad of conv2d wrt its filters (gradWeights differentiated)",
                 [](V x) { return T::grad(T::sum(T::sqr(nn::conv2d(x[0], x[1], {.subsample = {1, 2}}))), x[1]); },
                 {U(img), U(filt)}});
    const Dims fm{2, 3, 7, 5};
    s.push_back({"pool_2d max, partial windows", [](V x) { return pool::pool_2d(x[0], {.ws = std::pair{2, 2}, .ignore_border = false}); },
                 {U(fm)}});
    s.push_back({"pool_2d max, overlapping (3, 2) windows, stride (1, 1)",
                 [](V x) { return pool::pool_2d(x[0], {.ws = std::pair{3, 2}, .ignore_border = true, .stride = std::pair{1, 1}}); },
                 {U(fm)}});
    s.push_back({"pool_2d sum", [](V x) { return pool::pool_2d(x[0], {.ws = std::pair{2, 3}, .ignore_border = true, .mode = "sum"}); },
                 {U(fm)}});
    s.push_back({"pool_2d average_inc_pad with pad (1, 1)",
                 [](V x) {
                   return pool::pool_2d(x[0], {.ws = std::pair{3, 3}, .ignore_border = true, .pad = {1, 1}, .mode = "average_inc_pad"});
                 },
                 {U(fm)}});
    s.push_back({"pool_2d average_exc_pad with pad (1, 1)",
                 [](V x) {
                   return pool::pool_2d(x[0], {.ws = std::pair{3, 3}, .ignore_border = true, .pad = {1, 1}, .mode = "average_exc_pad"});
                 },
                 {U(fm)}});
    s.push_back({"grad of max pool_2d (MaxPoolGrad differentiated)",
                 [](V x) { return T::grad(T::sum(T::sqr(pool::pool_2d(x[0], {.ws = std::pair{2, 2}, .ignore_border = true}))), x[0]); },
                 {U(fm)}});
    s.push_back({"grad of average pool_2d (AveragePoolGrad differentiated)",
                 [](V x) {
                   Var p = pool::pool_2d(x[0], {.ws = std::pair{2, 2}, .ignore_border = true, .mode = "average_exc_pad"});
                   return T::grad(T::sum(T::sqr(p) * x[1]), x[0]);
                 },
                 {U(Dims{2, 3, 11, 9}), U(Dims{2, 3, 5, 4})}});
    s.push_back({"grad of a MaxPoolGrad (DownsampleFactorMaxGradGrad differentiated)",
                 [](V x) {
                   Var g = T::grad(T::sum(T::sqr(pool::pool_2d(x[0], {.ws = std::pair{2, 2}, .ignore_border = true}))), x[0]);
                   return T::grad(T::sum(T::sqr(g) * x[1]), x[1]) + T::grad(T::sum(T::exp(g)), x[0]);
                 },
                 {U(fm), U(fm)}});
    return s;
  }();
  return table;
}

std::vector<Var> symbolic_inputs(const std::vector<NDArray>& pt) {
  std::vector<Var> in;
  for (const NDArray& p : pt) {
    std::vector<bool> b;
    for (int d = 0; d < p.ndim(); ++d) b.push_back(p.shape(d) == 1);
    in.push_back(T::tensor(p.dtype(), b));
  }
  return in;
}

}  // namespace

TEST_CASE("verify_grad over the sample table", "[grad]") {
  np::RandomState rng(1234);
  for (const Sample& s : samples()) {
    INFO("sample: " << s.name);
    CHECK_NOTHROW(G::verify_grad(s.build, s.inputs, rng, s.opts));
  }
}

TEST_CASE("the sample table covers every differentiable op", "[grad]") {
  std::set<ScalarKind> kinds;
  std::set<std::string> names;
  for (const Sample& s : samples()) {
    // Shapes with distinct sizes, so that a rule mixing up two dims cannot pass by accident.
    for (const NDArray& p : s.inputs)
      for (int i = 0; i < p.ndim(); ++i)
        for (int j = i + 1; j < p.ndim(); ++j) {
          INFO("sample " << s.name << " has an input of shape " << p.shape().str() << " with a repeated size");
          CHECK((p.shape(i) == 1 || p.shape(i) != p.shape(j)));
        }
    Var out = s.build(symbolic_inputs(s.inputs));
    for (Apply* a : toposort({out})) {
      names.insert(a->op->name());
      if (auto* e = dynamic_cast<const ops::Elemwise*>(a->op.get())) kinds.insert(e->kind());
    }
  }
  for (int k = 0; k < int(ScalarKind::Count); ++k) {
    auto kind = ScalarKind(k);
    if (!ops::scalar_kind_differentiable(kind)) continue;
    INFO("elementwise kind " << ops::scalar_kind_name(kind) << " is differentiable but has no row in the sample table");
    CHECK(kinds.count(kind));
  }
  const char* classes[] = {"Elemwise",  "DimShuffle",   "Reshape",           "Flatten",
                           "Sum",       "Max",          "Dot",               "Subtensor",
                           "IncSubtensor", "SetSubtensor", "AdvancedSubtensor", "AdvancedIncSubtensor",
                           "Softmax",   "AbstractConv2d", "AbstractConv2d_gradInputs", "AbstractConv2d_gradWeights",
                           "Pool",      "MaxPoolGrad",  "AveragePoolGrad",   "DownsampleFactorMaxGradGrad",
                           "LogSoftmax", "CrossentropySoftmaxArgmax1HotWithBias", "CrossentropySoftmax1HotWithBiasDx", "Gemm"};
  for (const char* c : classes) {
    INFO("op class " << c << " has no row in the sample table");
    CHECK(names.count(c));
  }
}

namespace {
// f(x) = c * x whose gradient rule is off by a factor (1 + delta): a deliberately wrong op.
class ScaledOp : public OpOf<ScaledOp> {
 public:
  ScaledOp(double c, double delta) : c_(c), delta_(delta) {}
  std::string name() const override { return "Scaled"; }
  std::vector<TensorType> make_types(Vars in) const override { return {in[0].type()}; }
  void perform(InArrays in, OutArrays out) const override {
    out[0]->ensure(in[0]->dtype(), in[0]->shape());
    for (int64_t i = 0; i < in[0]->size(); ++i) out[0]->set_item(i, c_ * in[0]->item(i));
  }
  Cotangents pullback(Vars, Vars, OutCotangents cot) const override {
    using namespace ops::math;
    return {*cot[0] * (c_ * (1 + delta_))};
  }

 private:
  double c_, delta_;
};
Var scaled(const Var& x, double c, double delta) { return make_apply1(std::make_shared<ScaledOp>(c, delta), {x}); }
}  // namespace

TEST_CASE("verify_grad reports a wrong gradient with the input, position and both values", "[grad]") {
  np::RandomState rng(7);
  NDArray x = U(Dims{3, 5});
  auto wrong = [](const std::vector<Var>& in) { return in[1] * scaled(in[0], 1.0, 0.5); };
  try {
    G::verify_grad(wrong, {U(Dims{3, 5}), x}, rng);
    FAIL("verify_grad accepted a wrong gradient");
  } catch (const G::VerifyGradError& e) {
    std::string msg = e.what();
    INFO(msg);
    CHECK(e.arg == 0);
    CHECK(e.shape == Dims({3, 5}));
    CHECK(e.err_pos >= 0);
    CHECK(e.err_pos < 15);
    CHECK(e.abs_err > e.abs_tol);
    CHECK(e.rel_err > e.rel_tol);
    CHECK(e.abs_tol == 1e-4);
    CHECK(std::abs(e.analytic - 1.5 * e.numeric) < 1e-5 * std::max(1.0, std::abs(e.numeric)));
    CHECK(msg.find("argument 0") != std::string::npos);
    CHECK(msg.find("analytic") != std::string::npos);
    CHECK(msg.find("numeric") != std::string::npos);
    CHECK(msg.find("abs. error") != std::string::npos);
    CHECK(msg.find("rel. error") != std::string::npos);
  }
}

TEST_CASE("verify_grad fails only when both the absolute and the relative error are too large", "[grad]") {
  np::RandomState rng(7);
  // Relative error 5e-4 everywhere (> rel_tol 1e-4) but tiny absolute errors (c = 1e-3): accepted.
  auto small = [](const std::vector<Var>& in) { return scaled(in[0], 1e-3, 1e-3); };
  CHECK_NOTHROW(G::verify_grad(small, {U(Dims{3, 5})}, rng));
  // The same relative error at c = 1: both exceed, rejected.
  auto large = [](const std::vector<Var>& in) { return scaled(in[0], 1.0, 1e-3); };
  CHECK_THROWS_AS(G::verify_grad(large, {U(Dims{3, 5})}, rng), G::VerifyGradError);
  // A looser tolerance accepts it.
  CHECK_NOTHROW(G::verify_grad(large, {U(Dims{3, 5})}, rng, {.rel_tol = 1e-2}));
}

TEST_CASE("verify_grad input checks", "[grad]") {
  np::RandomState rng(7);
  auto id = [](const std::vector<Var>& in) { return in[0] * 2.0; };
  CHECK_THROWS_AS(G::verify_grad(id, {i64(Dims{3}, {1, 2, 3})}, rng), std::invalid_argument);
  // A NaN gradient is an error, not a pass.
  auto nan_grad = [](const std::vector<Var>& in) { return T::sqrt(in[0]); };
  CHECK_THROWS_AS(G::verify_grad(nan_grad, {f64(Dims{2}, {-1.0, 4.0})}, rng), std::domain_error);
  // A disconnected input gets zeros on both sides.
  auto ignores_second = [](const std::vector<Var>& in) { return T::exp(in[0]); };
  CHECK_NOTHROW(G::verify_grad(ignores_second, {U(Dims{3}), U(Dims{5})}, rng));
}

TEST_CASE("verify_grad consumes the projection draws as Theano does", "[grad]") {
  // n_tests=2: one projection of the output's shape before the first test and one after it.
  np::RandomState a(99), b(99);
  G::verify_grad([](const std::vector<Var>& in) { return in[0] * 3.0; }, {U(Dims{3, 5})}, a);
  b.rand(Dims{3, 5});
  b.rand(Dims{3, 5});
  CHECK(a.rand() == b.rand());
}

TEST_CASE("second derivatives", "[grad]") {
  SECTION("d2/dx2 x**3 = 6x") {
    Var x = T::dscalar("x");
    Var g = T::grad(T::pow(x, 3), x);
    Var gg = T::grad(g, x);
    Function f = theano::function({x}, {g, gg});
    Result r = f(1.7);
    CHECK(r.scalar(0) == Approx(3 * 1.7 * 1.7).epsilon(1e-14));
    CHECK(r.scalar(1) == Approx(6 * 1.7).epsilon(1e-14));
    // The first derivative as a graph, checked numerically.
    np::RandomState rng(3);
    CHECK_NOTHROW(G::verify_grad([](const std::vector<Var>& in) { return T::grad(T::sum(T::pow(in[0], 3)), in[0]); },
                                 {U(Dims{3, 5})}, rng));
  }
  SECTION("gradient of a softmax cross-entropy gradient") {
    auto grad_of_nll = [](const std::vector<Var>& in) {
      Var p = T::nnet::softmax(T::dot(in[0], in[1]));
      Var cost = -T::mean(T::log(p[{T::arange(3), ivec({1, 0, 4})}]));
      return T::grad(cost, in[1]);
    };
    np::RandomState rng(5);
    CHECK_NOTHROW(G::verify_grad(grad_of_nll, {U(Dims{3, 7}), U(Dims{7, 5})}, rng));
    // And compiled: the Hessian-vector product sum(d2/dW2 * v) at a point matches finite differences.
    Var x = T::dmatrix("x"), W = T::dmatrix("W");
    Var gW = grad_of_nll({x, W});
    NDArray xv = U(Dims{3, 7}), Wv = U(Dims{7, 5}), v = U(Dims{7, 5});
    Var hv = T::grad(T::sum(gW * T::constant(v)), W);
    Function fg = theano::function({x, W}, gW), fh = theano::function({x, W}, hv);
    NDArray h = fh(xv, Wv);
    const double eps = 1e-6;
    NDArray Wp = Wv.copy(), Wm = Wv.copy();
    for (int64_t i = 0; i < v.size(); ++i) {
      Wp.set_item(i, Wv.item(i) + eps * v.item(i));
      Wm.set_item(i, Wv.item(i) - eps * v.item(i));
    }
    NDArray gp = fg(xv, Wp), gm = fg(xv, Wm);
    // The Hessian is symmetric: H v = (g(W + eps v) - g(W - eps v)) / (2 eps).
    for (int64_t i = 0; i < h.size(); ++i) CHECK(h.item(i) == Approx((gp.item(i) - gm.item(i)) / (2 * eps)).margin(1e-7));
  }
}
