// The ops' shape rules (Op::infer_shape) against their kernels: for each op, the shape the rule gives
// is compiled into a function of its own and compared with the shape of the op's actual output, on
// odd sizes, broadcasting, conv geometries and pools that do not tile their input.
#include "ops/basic.hpp"
#include "ops/blas.hpp"
#include "ops/composite.hpp"
#include "ops/conv.hpp"
#include "ops/graph_math.hpp"
#include "ops/nnet_fused.hpp"
#include "ops/pool.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {

// Runs y (output `y` of its apply) and the shape its op's rule gives on `args`, and checks each dim
// the rule knows; returns how many it knew.
int check_rule(const std::vector<Var>& inputs, const Var& y, const std::vector<Arg>& args) {
  Apply* a = y.owner();
  REQUIRE(a);
  INFO(a->op->str());
  std::vector<std::vector<Variable>> input_shapes;
  for (const Variable& in : a->inputs) input_shapes.push_back(ops::dims::of(in));
  auto shapes = a->op->infer_shape(a->inputs, input_shapes);
  REQUIRE(shapes.has_value());
  REQUIRE(shapes->size() == a->outputs.size());
  const std::vector<Variable>& dims = (*shapes)[size_t(y.node()->index)];
  REQUIRE(int(dims.size()) == y.ndim());
  std::vector<Var> known;
  std::vector<int> at;
  for (size_t k = 0; k < dims.size(); ++k)
    if (dims[k].defined()) {
      known.push_back(dims[k]);
      at.push_back(int(k));
    }
  NDArray out = theano::function(inputs, y, {.on_unused_input = "ignore", .mode = "FAST_COMPILE"}).call(args).array(0);
  if (known.empty()) return 0;
  NDArray inferred =
      theano::function(inputs, ops::make_vector(as_variables(known)), {.on_unused_input = "ignore", .mode = "FAST_COMPILE"}).call(args).array(0);
  for (size_t j = 0; j < known.size(); ++j) {
    INFO("dim " << at[j] << " of " << out.shape().str());
    CHECK(int64_t(inferred.item(int64_t(j))) == out.shape(at[j]));
  }
  return int(known.size());
}

NDArray rand(const Dims& shape, DType dt = DType::Float64) {
  static theano::numpy::RandomState rng(7);
  return random(rng, dt, shape, -1, 1);
}

}  // namespace

TEST_CASE("infer_shape: elementwise ops, casts and Composite broadcast as the kernels do", "[infer_shape]") {
  Var a = T::dmatrix("a"), b = T::dmatrix("b"), row = T::tensor(DType::Float64, {true, false}, "row"), v = T::dvector("v");
  // Non-broadcastable dims of size 1 at run time broadcast too (numpy's rule), on either side.
  CHECK(check_rule({a, b}, a + b, {rand({3, 1}), rand({1, 5})}) == 2);
  CHECK(check_rule({a, b}, a * b, {rand({1, 1}), rand({4, 7})}) == 2);
  CHECK(check_rule({a, row}, T::switch_(a > 0.0, a, row), {rand({3, 5}), rand({1, 5})}) == 2);
  CHECK(check_rule({a, v}, a - v, {rand({3, 5}), rand({5})}) == 2);
  CHECK(check_rule({a}, T::cast(a, "int32"), {rand({3, 5})}) == 2);
  auto composite = std::make_shared<ops::Composite>(2, std::vector<ops::CompositeInstr>{{ops::ScalarKind::Mul, {0, 1}},
                                                                                       {ops::ScalarKind::Tanh, {2}}});
  CHECK(check_rule({a, b}, make_apply1(composite, {a, b}), {rand({5, 1}), rand({5, 3})}) == 2);
  CHECK(check_rule({a, row}, make_apply1(composite, {a, row}), {rand({2, 3}), rand({1, 3})}) == 2);
}

TEST_CASE("infer_shape: DimShuffle, Reshape with constant, -1 and symbolic entries, Flatten", "[infer_shape]") {
  Var x = T::tensor(DType::Float64, {false, false, false, false}, "x"), m = T::dmatrix("m");
  Var n = T::lscalar("n"), k = T::lscalar("k");
  CHECK(check_rule({m}, m.dimshuffle({1, 'x', 0}), {rand({3, 5})}) == 3);
  CHECK(check_rule({x}, x.reshape({-1, 7}), {rand({2, 3, 5, 7})}) == 2);
  CHECK(check_rule({x}, x.reshape({30, 7}), {rand({2, 3, 5, 7})}) == 2);
  // A symbolic entry may be -1 at run time.
  CHECK(check_rule({x, n, k}, x.reshape({n, k}), {rand({2, 3, 5, 7}), -1, 35}) == 2);
  CHECK(check_rule({x, n, k}, x.reshape({n, k}), {rand({2, 3, 5, 7}), 6, -1}) == 2);
  CHECK(check_rule({x, n, k}, x.reshape({n, k}), {rand({2, 3, 5, 7}), 10, 21}) == 2);
  CHECK(check_rule({x, m}, ops::reshape(x, ops::shape_of(m)), {rand({1, 3, 5, 1}), Arg(rand({5, 3}))}) == 2);
  CHECK(check_rule({x}, x.flatten(2), {rand({2, 3, 5, 7})}) == 2);
  CHECK(check_rule({x}, x.flatten(1), {rand({2, 3, 5, 7})}) == 1);
  CHECK(check_rule({x}, x.flatten(3), {rand({2, 3, 5, 7})}) == 3);
}

TEST_CASE("infer_shape: dot in every rank, Gemm, reductions", "[infer_shape]") {
  Var a = T::dmatrix("a"), b = T::dmatrix("b"), u = T::dvector("u"), w = T::dvector("w"), z = T::dmatrix("z");
  Var t = T::tensor(DType::Float64, {false, false, false}, "t");
  CHECK(check_rule({a, b}, T::dot(a, b), {rand({3, 4}), rand({4, 5})}) == 2);
  CHECK(check_rule({a, u}, T::dot(a, u), {rand({3, 4}), rand({4})}) == 1);
  CHECK(check_rule({u, b}, T::dot(u, b), {rand({4}), rand({4, 5})}) == 1);
  CHECK(check_rule({u, w}, T::dot(u, w), {rand({4}), rand({4})}) == 0);
  Var g = ops::gemm_no_inplace(z, ops::scalar_constant(0.5, DType::Float64), a, b, ops::scalar_constant(1, DType::Float64));
  CHECK(check_rule({z, a, b}, g, {rand({3, 5}), rand({3, 4}), rand({4, 5})}) == 2);
  CHECK(check_rule({z, a, b}, g, {rand({1, 5}), rand({3, 4}), rand({4, 5})}) == 2);  // Z broadcasts
  CHECK(check_rule({t}, T::sum(t, 1), {rand({3, 5, 7})}) == 2);
  CHECK(check_rule({t}, T::max(t, 2), {rand({3, 5, 7})}) == 2);
  CHECK(check_rule({t}, T::argmax(t, 0), {rand({3, 5, 7})}) == 2);
  CHECK(check_rule({t}, T::sum(t), {rand({3, 5, 7})}) == 0);
}

TEST_CASE("infer_shape: basic indexing with constant slices of either sign, symbolic bounds unknown", "[infer_shape]") {
  Var x = T::dmatrix("x"), i = T::lscalar("i");
  for (Dims shape : {Dims{9, 4}, Dims{2, 3}, Dims{0, 5}, Dims{1, 1}}) {
    INFO(shape.str());
    CHECK(check_rule({x}, x[T::slice(1, -1)], {rand(shape)}) == 2);
    CHECK(check_rule({x}, x[T::slice(std::nullopt, std::nullopt, -2)], {rand(shape)}) == 2);
    CHECK(check_rule({x}, x[T::slice(-7, 100, 3)], {rand(shape)}) == 2);
    CHECK(check_rule({x}, x[T::slice(5, 1, -1)], {rand(shape)}) == 2);
    CHECK(check_rule({x}, x[{T::slice(-2, std::nullopt), T::slice(1)}], {rand(shape)}) == 2);
  }
  CHECK(check_rule({x}, x[1], {rand({3, 5})}) == 1);
  // A symbolic bound leaves its dim unknown; the others are still known.
  CHECK(check_rule({x, i}, x[T::slice(i, i + 2)], {rand({7, 5}), 2}) == 1);
}

TEST_CASE("infer_shape: IncSubtensor, advanced indexing and its increment", "[infer_shape]") {
  Var x = T::dmatrix("x"), y = T::dvector("y"), r = T::lvector("r"), c = T::lvector("c");
  CHECK(check_rule({x, y}, ops::inc_subtensor(x, y, {ops::IndexEntry{}}, {ops::dims::constant(1)}), {rand({3, 5}), rand({5})}) == 2);
  CHECK(check_rule({x, r, c}, x[{r, c}], {rand({3, 5}), Arg(i64({4}, {0, 1, 2, 0})), Arg(i64({4}, {1, 1, 4, 0}))}) == 1);
  CHECK(check_rule({x, r}, ops::advanced_subtensor(x, {r}), {rand({3, 5}), Arg(i64({4}, {0, 1, 2, 0}))}) == 2);
  Var rows = T::dmatrix("rows");
  CHECK(check_rule({x, rows, r}, ops::advanced_inc_subtensor(x, rows, {r}), {rand({3, 5}), rand({2, 5}), Arg(i64({2}, {0, 2}))}) == 2);
}

TEST_CASE("infer_shape: softmax, log-softmax and the fused crossentropy ops", "[infer_shape]") {
  Var x = T::dmatrix("x"), b = T::dvector("b"), y = T::lvector("y"), dy = T::dvector("dy");
  NDArray labels = i64({3}, {0, 4, 2});
  CHECK(check_rule({x}, T::nnet::softmax(x), {rand({3, 5})}) == 2);
  CHECK(check_rule({x}, ops::log_softmax(x), {rand({3, 5})}) == 2);
  std::vector<Var> xent = as_vars(ops::crossentropy_softmax_argmax_1hot(x, b, y));
  for (const Var& out : xent) CHECK(check_rule({x, b, y}, out, {rand({3, 5}), rand({5}), Arg(labels)}) == out.ndim());
  std::vector<Var> no_bias = as_vars(ops::crossentropy_softmax_argmax_1hot(x, Var(), y));
  CHECK(check_rule({x, y}, no_bias[1], {rand({3, 5}), Arg(labels)}) == 2);
  CHECK(check_rule({dy, x, y}, ops::crossentropy_softmax_1hot_dx(dy, T::nnet::softmax(x), y), {rand({3}), rand({3, 5}), Arg(labels)}) == 2);
}

TEST_CASE("infer_shape: conv2d with padding, stride and dilation in every border mode, and its gradients", "[infer_shape]") {
  Var x = T::tensor(DType::Float64, {false, false, false, false}, "x"), w = T::tensor(DType::Float64, {false, false, false, false}, "w");
  Var gy = T::tensor(DType::Float64, {false, false, false, false}, "gy");
  for (const char* mode : {"valid", "full", "half", "explicit"})
    for (int64_t stride : {1, 2, 3})
      for (int64_t dil : {1, 2}) {
        ops::ConvAttrs at{.border_mode = mode, .pad_h = 2, .pad_w = 1, .stride_h = stride, .stride_w = 1, .dilation_h = dil, .dilation_w = 1};
        INFO(at.str());
        Var out = ops::conv2d(x, w, at);
        NDArray xv = rand({2, 3, 11, 9}), wv = rand({4, 3, 3, 2});
        CHECK(check_rule({x, w}, out, {xv, wv}) == 4);
        NDArray gyv = theano::function({x, w}, out, {.mode = "FAST_COMPILE"})(xv, wv).array(0);
        CHECK(check_rule({w, gy, x}, ops::conv2d_grad_inputs(w, gy, ops::shape_of(x), at), {wv, gyv, xv}) == 4);
        CHECK(check_rule({x, gy, w}, ops::conv2d_grad_weights(x, gy, ops::shape_of(w), at), {xv, gyv, wv}) == 4);
      }
}

TEST_CASE("infer_shape: pooling with and without ignore_border, windows larger and smaller than the stride, gradients",
          "[infer_shape]") {
  Var x = T::tensor(DType::Float64, {false, false, false}, "x"), g = T::tensor(DType::Float64, {false, false, false}, "g");
  struct Geometry {
    int64_t ws, stride, pad;
    bool ignore_border;
  };
  for (Geometry geo : {Geometry{2, 2, 0, false}, Geometry{3, 2, 0, false}, Geometry{2, 3, 0, false}, Geometry{3, 1, 0, false},
                       Geometry{2, 2, 0, true}, Geometry{3, 2, 1, true}, Geometry{2, 3, 1, true}, Geometry{3, 3, 0, true}})
    for (Dims shape : {Dims{2, 7, 5}, Dims{1, 1, 2}, Dims{3, 4, 9}}) {
      ops::PoolAttrs at{.ws_h = geo.ws, .ws_w = geo.ws, .stride_h = geo.stride, .stride_w = geo.stride, .pad_h = geo.pad, .pad_w = 0,
                        .ignore_border = geo.ignore_border};
      INFO(at.str() << " on " << shape.str());
      Var pooled = ops::pool_2d(x, at);
      NDArray xv = rand(shape);
      CHECK(check_rule({x}, pooled, {xv}) == 3);
      NDArray pv = theano::function({x}, pooled, {.mode = "FAST_COMPILE"})(xv).array(0);
      Var grad = make_apply1(std::make_shared<ops::Pool>(ops::PoolKind::Grad, at), {x, pooled, g});
      CHECK(check_rule({x, g}, grad, {xv, pv}) == 3);
      Var gradgrad = make_apply1(std::make_shared<ops::Pool>(ops::PoolKind::GradGrad, at), {x, pooled, g});
      CHECK(check_rule({x, g}, gradgrad, {xv, rand(shape)}) == 3);
    }
}

TEST_CASE("infer_shape: Shape, Shape_i, MakeVector and ARange", "[infer_shape]") {
  Var x = T::dmatrix("x"), n = T::lscalar("n"), m = T::lscalar("m");
  CHECK(check_rule({x}, T::shape(x), {rand({3, 5})}) == 1);
  CHECK(check_rule({x}, ops::shape_i(x, 1), {rand({3, 5})}) == 0);
  CHECK(check_rule({n, m}, ops::make_vector({n, m, n}), {2, 3}) == 1);
  for (auto [start, stop] : {std::pair{0, 7}, std::pair{7, 0}, std::pair{-3, 4}, std::pair{2, 2}}) {
    INFO(start << ", " << stop);
    CHECK(check_rule({n, m}, T::arange(n, m, 3), {start, stop}) == 1);
    CHECK(check_rule({n, m}, T::arange(n, m, -2), {start, stop}) == 1);
    CHECK(check_rule({n, m}, T::arange(n, m), {start, stop}) == 1);
  }
}
