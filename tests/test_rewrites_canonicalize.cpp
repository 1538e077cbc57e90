// Constant folding and the canonicalize phase (ops/rewrites.hpp, ops/shape_rewrites.cpp): each rewrite
// with its graph before and after as golden debugprint text, plus the cases it must leave unchanged.
// On a golden mismatch the actual text is written to <tmp>/theano_rewrite_tests/<name>.actual.
#include "graph/op_base.hpp"
#include "ops/basic.hpp"
#include "ops/pool.hpp"
#include "ops/rewrites.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"
#include "rewrite_test_util.hpp"

using namespace theano;
using namespace test_util;
using namespace rewrite_test;
namespace T = theano::tensor;
namespace P = theano::printing;
namespace R = theano::rewrite;
namespace RW = theano::ops::rewrites;

// ---- constant folding ----

TEST_CASE("constant folding evaluates applies of constants but never of shared variables", "[rewrite][canonicalize]") {
  Var x = T::dvector("x");
  SharedVariable s = theano::shared(f64(Dims{2}, {1, 2}), "s");
  Var c = T::constant(f64(Dims{2}, {0, 1}), "c");
  auto r = rewritten({x}, {x + T::exp(c) + T::exp(s)}, phase_of({&R::constant_folding}));
  check_golden(r->before,
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{add,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " | |Elemwise{exp,no_inplace} [id D] ''   \n"
               " |   |TensorConstant{[0. 1.]} [id E]\n"
               " |Elemwise{exp,no_inplace} [id F] ''   \n"
               "   |s [id G]\n",
               "fold_before");
  check_golden(r->after,
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{add,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " | |TensorConstant{[1.       ...71828183]} [id D]\n"
               " |Elemwise{exp,no_inplace} [id E] ''   \n"
               "   |s [id F]\n",
               "fold_after");
}

// ---- canonicalize ----

TEST_CASE("canonicalize: x*1 and x+0 and -(-x) and DimShuffle chains and identities", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x"), v = T::dvector("v");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_mul_one, &RW::local_add_zero, &RW::local_neg_neg,
                              &RW::local_useless_dimshuffle, &RW::local_dimshuffle_chain});
  auto r = rewritten({x, v}, {T::neg(T::neg(x * 1.0 + 0.0)) - v.dimshuffle({'x', 0}).dimshuffle({1, 0}).dimshuffle({1, 0}),
                              x.dimshuffle({0, 1})},
                     p);
  check_golden(r->before, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |Elemwise{neg,no_inplace} [id B] ''   \n"
               " | |Elemwise{neg,no_inplace} [id C] ''   \n"
               " |   |Elemwise{add,no_inplace} [id D] ''   \n"
               " |     |Elemwise{mul,no_inplace} [id E] ''   \n"
               " |     | |x [id F]\n"
               " |     | |DimShuffle{x,x} [id G] ''   \n"
               " |     |   |TensorConstant{1.0} [id H]\n"
               " |     |DimShuffle{x,x} [id I] ''   \n"
               " |       |TensorConstant{0.0} [id J]\n"
               " |DimShuffle{1,0} [id K] ''   \n"
               "   |DimShuffle{1,0} [id L] ''   \n"
               "     |DimShuffle{x,0} [id M] ''   \n"
               "       |v [id N]\n"
               "DimShuffle{0,1} [id O] ''   \n"
               " |x [id F]\n",
               "canonicalize_before");
  check_golden(r->after, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,0} [id C] ''   \n"
               "   |v [id D]\n"
               "x [id B]\n",
               "canonicalize_after");
  CHECK(r->ctx.applied["local_neg_neg"] == 1);
  CHECK(r->ctx.applied["local_mul_one"] == 1);
  CHECK(r->ctx.applied["local_add_zero"] == 1);
}

TEST_CASE("canonicalize lifts a transpose through a matrix dot so that a tied weight's gradient needs no transposed copy",
          "[rewrite][canonicalize]") {
  // The autoencoders' W_prime = W.T: the gradient reaching W is dot(y.T, g).T, which becomes
  // dot(g.T, y) (the transposes of y cancel), computed directly in W's layout.
  Var y = T::dmatrix("y"), g = T::dmatrix("g");
  R::LocalPhase p = phase_of({&RW::local_lift_transpose_through_dot, &RW::local_dimshuffle_chain});
  auto r = rewritten({y, g}, {T::dot(y.T(), g).T()}, p);
  check_golden(r->before,
               "DimShuffle{1,0} [id A] ''   \n"
               " |dot [id B] ''   \n"
               "   |DimShuffle{1,0} [id C] ''   \n"
               "   | |y [id D]\n"
               "   |g [id E]\n",
               "lift_transpose_before");
  check_golden(r->after,
               "dot [id A] ''   \n"
               " |DimShuffle{1,0} [id B] ''   \n"
               " | |g [id C]\n"
               " |y [id D]\n",
               "lift_transpose_after");
  CHECK(r->ctx.applied["local_lift_transpose_through_dot"] == 1);
  // the values are checked end to end by tests/test_autoencoders.cpp (the dA's step against finite
  // differences, with this rewrite in the pipeline)
}

TEST_CASE("the transpose lift leaves a dot of a vector and a non-transposing DimShuffle of a dot alone", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x"), v = T::dvector("v"), W = T::dmatrix("W");
  R::LocalPhase p = phase_of({&RW::local_lift_transpose_through_dot});
  // dot(v, W) is a vector (its DimShuffle{x,0} only adds a dim); dot(x, W).dimshuffle(0, 'x', 1) keeps the order.
  auto r = rewritten({x, v, W}, {T::dot(v, W).dimshuffle({'x', 0}), T::dot(x, W).dimshuffle({0, 'x', 1})}, p);
  CHECK(r->after == r->before);
}

TEST_CASE("canonicalize leaves x*2 and x times a 3x1 array of ones and a transposing DimShuffle alone", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x");
  R::LocalPhase p = phase_of({&RW::local_mul_one, &RW::local_add_zero, &RW::local_neg_neg, &RW::local_useless_dimshuffle,
                              &RW::local_dimshuffle_chain});
  // ones of shape (3, 1) would broadcast a (1, n) x to (3, n): not an identity.
  Var ones = T::constant(f64(Dims{3, 1}, {1, 1, 1}));
  auto r = rewritten({x}, {x * 2.0, x * ones, T::neg(x).dimshuffle({1, 0})}, p);
  CHECK(r->after == r->before);
}

TEST_CASE("canonicalize: Reshape chains and shapes of constant reshapes and slicing lifted through a cast",
          "[rewrite][canonicalize]") {
  // The tutorials' labels: y = cast(shared_y, int32)[i*bs : (i+1)*bs] casts only the minibatch.
  SharedVariable shared_y = theano::shared(NDArray::zeros(DType::Float32, {50}), "shared_y");
  Var i = T::lscalar("i");
  Var y = T::cast(shared_y, "int32")[T::slice(i * 5, (i + 1) * 5)];
  Var x = T::dvector("x");
  Var r2 = x.reshape({4, 6}).reshape({2, 12});
  R::LocalPhase p = phase_of({&RW::local_reshape_chain, &RW::local_shape_i_of_reshape, &RW::local_subtensor_lift});
  auto r = rewritten({i, x}, {y, r2, r2.shape()[1]}, p);
  check_golden(r->before, "Subtensor{int64:int64:} [id A] ''   \n"
               " |Elemwise{Cast{int32}} [id B] ''   \n"
               " | |shared_y [id C]\n"
               " |Elemwise{mul,no_inplace} [id D] ''   \n"
               " | |i [id E]\n"
               " | |TensorConstant{5} [id F]\n"
               " |Elemwise{mul,no_inplace} [id G] ''   \n"
               "   |Elemwise{add,no_inplace} [id H] ''   \n"
               "   | |i [id E]\n"
               "   | |TensorConstant{1} [id I]\n"
               "   |TensorConstant{5} [id J]\n"
               "Reshape{2} [id K] ''   \n"
               " |Reshape{2} [id L] ''   \n"
               " | |x [id M]\n"
               " | |TensorConstant{[4 6]} [id N]\n"
               " |TensorConstant{[ 2 12]} [id O]\n"
               "Shape_i{1} [id P] ''   \n"
               " |Reshape{2} [id K] ''   \n",
               "shape_before");
  check_golden(r->after, "Elemwise{Cast{int32}} [id A] ''   \n"
               " |Subtensor{int64:int64:} [id B] ''   \n"
               "   |shared_y [id C]\n"
               "   |Elemwise{mul,no_inplace} [id D] ''   \n"
               "   | |i [id E]\n"
               "   | |TensorConstant{5} [id F]\n"
               "   |Elemwise{mul,no_inplace} [id G] ''   \n"
               "     |Elemwise{add,no_inplace} [id H] ''   \n"
               "     | |i [id E]\n"
               "     | |TensorConstant{1} [id I]\n"
               "     |TensorConstant{5} [id J]\n"
               "Reshape{2} [id K] ''   \n"
               " |x [id L]\n"
               " |TensorConstant{[ 2 12]} [id M]\n"
               "TensorConstant{12} [id N]\n",
               "shape_after");
}

TEST_CASE("canonicalize: the gradient of a Reshape chain keeps its types when its shapes fold to constants", "[rewrite][canonicalize]") {
  // x -> row (1, 6) -> vector: the gradient reshapes back through Shape(row), which local_shape_to_shape_i,
  // local_shape_i_lift and constant folding turn into the constant [1 6].
  Var x = T::dvector("x");
  Var row = x.reshape({1, 6});
  CHECK(row.type().broadcastable(0));
  // Reshape's type rule sees the sizes a shape vector is known to hold, in each of the forms the shape
  // rewrites turn it into: Shape(row), MakeVector(Shape_i{0}(row), ..) and Shape(row)[0] give a row.
  Var v = T::dvector("v");
  CHECK(ops::reshape(v, ops::shape_of(row)).type().broadcastable(0));
  CHECK(ops::reshape(v, ops::make_vector({ops::shape_i(row, 0), ops::shape_i(row, 1)})).type().broadcastable(0));
  CHECK(ops::reshape(v, ops::make_vector({ops::dims::entry(ops::shape_of(row), 0), T::lscalar("n")})).type().broadcastable(0));
  CHECK(!ops::reshape(v, ops::make_vector({T::lscalar("m"), T::lscalar("n")})).type().broadcastable(0));
  Var g = T::grad(T::sum(row.reshape({6})), x);
  Function f = theano::function({x}, g, {.verify_rewrites = true});
  CHECK(values(f(f64(Dims{6}, {1, 2, 3, 4, 5, 6})).array(0)) == std::vector<double>(6, 1.0));
  Var m = T::dmatrix("m");
  Var g2 = T::grad(T::sum(m.reshape({1, 6}).reshape({6}) * T::arange(6)), m);
  Function f2 = theano::function({m}, g2, {.verify_rewrites = true});
  CHECK(values(f2(f64(Dims{2, 3}, {1, 2, 3, 4, 5, 6})).array(0)) == std::vector<double>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("canonicalize keeps a cast whose result is also read whole and shapes of symbolic reshapes", "[rewrite][canonicalize]") {
  SharedVariable shared_y = theano::shared(NDArray::zeros(DType::Float32, {50}), "shared_y");
  Var i = T::lscalar("i"), n = T::lscalar("n");
  Var cy = T::cast(shared_y, "int32");
  Var x = T::dvector("x");
  R::LocalPhase p = phase_of({&RW::local_reshape_chain, &RW::local_shape_i_of_reshape, &RW::local_subtensor_lift});
  auto r = rewritten({i, n, x}, {cy[T::slice(i, i + 5)] + T::sum(cy), x.reshape({n, 3}).shape()[0], x.reshape({4, -1}).shape()[1]}, p);
  CHECK(r->after == r->before);
}

namespace {
// An op without a shape rule: a copy of its input.
class NoShapeRule : public OpOf<NoShapeRule> {
 public:
  std::vector<TensorType> make_types(Vars in) const override { return {in[0].type()}; }
  void perform(InArrays in, OutArrays out) const override { *out[0] = in[0]->copy(); }
};
R::LocalPhase shape_phase() {
  return phase_of({&R::constant_folding, &RW::local_shape_subtensor, &RW::local_shape_to_shape_i, &RW::local_shape_i_lift});
}
}  // namespace

TEST_CASE("canonicalize: shapes are lifted through the ops' shape rules down to the inputs", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x"), W = T::dmatrix("W"), b = T::dvector("b");
  Var y = T::tanh(T::dot(x, W) + b);
  // y.shape[0]; Shape(y)[1] as a Subtensor (what indexing a Shape builds outside the frontend); Shape(exp(x)).
  Var y_cols = ops::subtensor(ops::shape_of(y), {ops::IndexEntry{}}, {ops::dims::constant(1)});
  auto r = rewritten({x, W, b}, {y.shape()[0], y_cols, T::shape(T::exp(x))}, shape_phase());
  check_golden(r->before, "Shape_i{0} [id A] ''   \n"
               " |Elemwise{tanh,no_inplace} [id B] ''   \n"
               "   |Elemwise{add,no_inplace} [id C] ''   \n"
               "     |dot [id D] ''   \n"
               "     | |x [id E]\n"
               "     | |W [id F]\n"
               "     |DimShuffle{x,0} [id G] ''   \n"
               "       |b [id H]\n"
               "Subtensor{int64} [id I] ''   \n"
               " |Shape [id J] ''   \n"
               " | |Elemwise{tanh,no_inplace} [id B] ''   \n"
               " |TensorConstant{1} [id K]\n"
               "Shape [id L] ''   \n"
               " |Elemwise{exp,no_inplace} [id M] ''   \n"
               "   |x [id E]\n",
               "shape_lift_before");
  check_golden(r->after, "Shape_i{0} [id A] ''   \n"
               " |x [id B]\n"
               "Shape_i{1} [id C] ''   \n"
               " |W [id D]\n"
               "MakeVector{dtype='int64'} [id E] ''   \n"
               " |Shape_i{0} [id F] ''   \n"
               " | |x [id B]\n"
               " |Shape_i{1} [id G] ''   \n"
               "   |x [id B]\n",
               "shape_lift_after");
  // Compiled, y.shape[0] reads x's size and nothing else: no dot, no tanh.
  Function f = theano::function({x, W, b}, y.shape()[0], {.on_unused_input = "ignore"});
  CHECK(op_strs(f) == std::vector<std::string>{"Shape_i{0}"});
  CHECK(f(f64(Dims{3, 2}, {1, 2, 3, 4, 5, 6}), f64(Dims{2, 5}, std::vector<double>(10, 1.0)), f64(Dims{5}, {1, 2, 3, 4, 5})).scalar() == 3);
  // Shape(y): dot's columns (b's length must equal them: neither dim broadcasts), still without the dot.
  Function g = theano::function({x, W, b}, T::shape(y), {.on_unused_input = "ignore"});
  CHECK(count_op(g, "dot") == 0);
  CHECK(count_op(g, "Elemwise{tanh,no_inplace}") == 0);
  CHECK(values(g(f64(Dims{3, 2}, {1, 2, 3, 4, 5, 6}), f64(Dims{2, 5}, std::vector<double>(10, 1.0)), f64(Dims{5}, {1, 2, 3, 4, 5})).array(0)) ==
        std::vector<double>{3, 5});
  // Excluded by name, the dot runs again.
  CHECK(count_op(theano::function({x, W, b}, y.shape()[0], {.on_unused_input = "ignore", .optimizer_excluding = {"local_shape_i_lift"}}),
                 "dot") == 1);
}

TEST_CASE("canonicalize: the sizes of a conv and a pool of a constant reshape fold to numbers", "[rewrite][canonicalize]") {
  // LeNet's first layer on a 13 x 11 image: half padding, stride (2, 1), a 3x2 pool that does not tile.
  Var v = T::dvector("v");
  auto layer = [&](const Var& filters) {
    Var conv = T::nnet::conv2d(v.reshape({2, 1, 13, 11}), filters, {.border_mode = "half", .subsample = {2, 1}});
    return ops::pool_2d(conv, {.ws_h = 3, .ws_w = 2, .stride_h = 2, .stride_w = 2, .ignore_border = false});
  };
  Var constant_filters = T::constant(NDArray::zeros(DType::Float64, {4, 1, 3, 3}), "w");
  auto r = rewritten({v}, {T::shape(layer(constant_filters))}, shape_phase());
  check_golden(r->after, "TensorConstant{[2 4 3 6]} [id A]\n",
               "shape_lift_conv_pool_after");
  Function f = theano::function({v}, T::shape(layer(constant_filters)), {.on_unused_input = "ignore"});
  CHECK(f.n_nodes() == 0);
  NDArray image = NDArray::zeros(DType::Float64, {286});
  NDArray want = theano::function({v}, layer(constant_filters), {.mode = "FAST_COMPILE"})(image).array(0);
  CHECK(values(f(image).array(0)) == std::vector<double>{double(want.shape(0)), double(want.shape(1)), double(want.shape(2)), double(want.shape(3))});
  // Symbolic filters: the sizes are expressions of the filters' sizes, and still no conv or pool runs.
  Var w = T::tensor(DType::Float64, {false, false, false, false}, "w");
  Function g = theano::function({v, w}, T::shape(layer(w)), {.on_unused_input = "ignore"});
  for (const std::string& op : op_strs(g)) CHECK_THAT(op, !Catch::Contains("Conv") && !Catch::Contains("Pool"));
  NDArray filters = NDArray::zeros(DType::Float64, {4, 1, 5, 3});
  NDArray want_w = theano::function({v, w}, layer(w), {.mode = "FAST_COMPILE"})(image, filters).array(0);
  CHECK(values(g(image, filters).array(0)) ==
        std::vector<double>{double(want_w.shape(0)), double(want_w.shape(1)), double(want_w.shape(2)), double(want_w.shape(3))});
}

TEST_CASE("canonicalize leaves shapes of inputs and of ops without a rule and of symbolic slices alone", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x"), i = T::lscalar("i");
  Var opaque = make_apply1(std::make_shared<NoShapeRule>(), {T::exp(x)});
  auto r = rewritten({x, i}, {x.shape()[1], opaque.shape()[0], T::shape(opaque), T::exp(x)[T::slice(i, i + 2)].shape()[0]}, shape_phase());
  CHECK(r->after == r->before);
  // The op without a rule runs for its shape.
  Function f = theano::function({x}, opaque.shape()[0]);
  CHECK(count_op(f, "NoShapeRule") == 1);
}
