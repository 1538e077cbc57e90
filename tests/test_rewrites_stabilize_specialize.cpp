// The phases after canonicalize (ops/rewrites.hpp): stabilize (log1p, log-sigmoid, log-softmax and
// the tutorials' crossentropy), specialize (Gemm, pow) and elementwise fusion into a Composite, each
// with its graph before and after as golden debugprint text, plus the cases it must leave unchanged.
// On a golden mismatch the actual text is written to <tmp>/theano_rewrite_tests/<name>.actual.
#include <cstring>

#include "ops/rewrites.hpp"
#include "rewrite_test_util.hpp"

using namespace theano;
using namespace test_util;
using namespace rewrite_test;
namespace T = theano::tensor;
namespace P = theano::printing;
namespace R = theano::rewrite;
namespace RW = theano::ops::rewrites;

// ---- stabilize ----

TEST_CASE("stabilize: log(1+x) and log(sigmoid(x)) and log(softmax(x))", "[rewrite][stabilize]") {
  Var x = T::dmatrix("x");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_log1p, &RW::local_log_sigmoid, &RW::local_log_softmax});
  auto r = rewritten({x}, {T::log(1.0 + x), T::log(T::nnet::sigmoid(x)), T::log(T::nnet::softmax(x))}, p);
  check_golden(r->before, "Elemwise{log,no_inplace} [id A] ''   \n"
               " |Elemwise{add,no_inplace} [id B] ''   \n"
               "   |DimShuffle{x,x} [id C] ''   \n"
               "   | |TensorConstant{1.0} [id D]\n"
               "   |x [id E]\n"
               "Elemwise{log,no_inplace} [id F] ''   \n"
               " |Elemwise{sigmoid,no_inplace} [id G] ''   \n"
               "   |x [id E]\n"
               "Elemwise{log,no_inplace} [id H] ''   \n"
               " |Softmax [id I] ''   \n"
               "   |x [id E]\n",
               "stabilize_before");
  check_golden(r->after, "Elemwise{log1p,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               "Elemwise{neg,no_inplace} [id C] ''   \n"
               " |Elemwise{softplus,no_inplace} [id D] ''   \n"
               "   |Elemwise{neg,no_inplace} [id E] ''   \n"
               "     |x [id B]\n"
               "LogSoftmax [id F] ''   \n"
               " |x [id B]\n",
               "stabilize_after");
  // Stable where the original overflows.
  Function f = theano::function({x}, {T::log(1.0 + x), T::log(T::nnet::sigmoid(x)), T::log(T::nnet::softmax(x))});
  Result out = f(f64(Dims{1, 2}, {1e-20, -800}));
  CHECK(out.array(0).item(0) == 1e-20);
  CHECK(out.array(1).item(1) == -800);
  CHECK(out.array(2).item(1) == Approx(-800));
  Function plain = theano::function({x}, {T::log(1.0 + x), T::log(T::nnet::sigmoid(x))}, {.mode = "FAST_COMPILE"});
  CHECK(plain(f64(Dims{1, 2}, {1e-20, -800})).array(0).item(0) == 0);
}

TEST_CASE("stabilize leaves log(2+x) and log(exp(x)) and log(softmax(x)) indexed by rows and y with other rows alone",
          "[rewrite][stabilize]") {
  Var x = T::dmatrix("x");
  Var y = T::lvector("y"), z = T::lvector("z");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_log1p, &RW::local_log_sigmoid, &RW::local_crossentropy_onehot,
                              &RW::local_log_of_crossentropy_onehot, &RW::local_crossentropy_onehot_grad});
  Var sm = T::nnet::softmax(x);
  auto r = rewritten({x, y, z},
                     {T::log(2.0 + x), T::log(T::exp(x)), T::log(sm)[{T::arange(z.shape()[0]), y}], T::log(sm[{T::arange(3), y}])}, p);
  // Only the literal 2.0's DimShuffle was folded.
  CHECK(r->ctx.applied.size() == 1);
  CHECK(r->ctx.applied["constant_folding"] >= 1);
}

TEST_CASE("stabilize: the tutorials' cost becomes CrossentropySoftmaxArgmax1HotWithBias and its gradient CrossentropySoftmax1HotWithBiasDx",
          "[rewrite][stabilize]") {
  Logistic m;
  R::LocalPhase p("stabilize");
  p.add(RW::local_log_softmax).add(RW::local_crossentropy_onehot).add(RW::local_crossentropy_onehot_grad);
  auto r = rewritten({m.x, m.y}, {m.cost, m.g_W}, p);
  check_golden(r->before, "Elemwise{neg,no_inplace} [id A] ''   \n"
               " |Elemwise{true_div,no_inplace} [id B] ''   \n"
               "   |Sum{axis=[0], acc_dtype=float64} [id C] ''   \n"
               "   | |AdvancedSubtensor [id D] ''   \n"
               "   |   |Elemwise{log,no_inplace} [id E] ''   \n"
               "   |   | |Softmax [id F] ''   \n"
               "   |   |   |Elemwise{add,no_inplace} [id G] ''   \n"
               "   |   |     |dot [id H] ''   \n"
               "   |   |     | |x [id I]\n"
               "   |   |     | |W [id J]\n"
               "   |   |     |DimShuffle{x,0} [id K] ''   \n"
               "   |   |       |b [id L]\n"
               "   |   |ARange{dtype='int64'} [id M] ''   \n"
               "   |   | |TensorConstant{0} [id N]\n"
               "   |   | |Shape_i{0} [id O] ''   \n"
               "   |   | | |y [id P]\n"
               "   |   | |TensorConstant{1} [id Q]\n"
               "   |   |y [id P]\n"
               "   |Elemwise{Cast{float32}} [id R] ''   \n"
               "     |Shape_i{0} [id S] ''   \n"
               "       |AdvancedSubtensor [id D] ''   \n"
               "dot [id T] ''   \n"
               " |DimShuffle{1,0} [id U] ''   \n"
               " | |x [id I]\n"
               " |Elemwise{mul,no_inplace} [id V] ''   \n"
               "   |Elemwise{sub,no_inplace} [id W] ''   \n"
               "   | |Elemwise{true_div,no_inplace} [id X] ''   \n"
               "   | | |AdvancedIncSubtensor [id Y] ''   \n"
               "   | | | |Elemwise{second,no_inplace} [id Z] ''   \n"
               "   | | | | |Elemwise{log,no_inplace} [id E] ''   \n"
               "   | | | | |DimShuffle{x,x} [id BA] ''   \n"
               "   | | | |   |TensorConstant{0.0} [id BB]\n"
               "   | | | |Elemwise{second,no_inplace} [id BC] ''   \n"
               "   | | | | |AdvancedSubtensor [id D] ''   \n"
               "   | | | | |DimShuffle{x} [id BD] ''   \n"
               "   | | | |   |Elemwise{true_div,no_inplace} [id BE] ''   \n"
               "   | | | |     |Elemwise{neg,no_inplace} [id BF] ''   \n"
               "   | | | |     | |TensorConstant{1.0} [id BG]\n"
               "   | | | |     |Elemwise{Cast{float32}} [id R] ''   \n"
               "   | | | |ARange{dtype='int64'} [id M] ''   \n"
               "   | | | |y [id P]\n"
               "   | | |Softmax [id F] ''   \n"
               "   | |DimShuffle{0,x} [id BH] ''   \n"
               "   |   |Sum{axis=[1], acc_dtype=float64} [id BI] ''   \n"
               "   |     |Elemwise{mul,no_inplace} [id BJ] ''   \n"
               "   |       |Elemwise{true_div,no_inplace} [id X] ''   \n"
               "   |       |Softmax [id F] ''   \n"
               "   |Softmax [id F] ''   \n",
               "crossentropy_before");
  check_golden(r->after, "Elemwise{neg,no_inplace} [id A] ''   \n"
               " |Elemwise{true_div,no_inplace} [id B] ''   \n"
               "   |Sum{axis=[0], acc_dtype=float64} [id C] ''   \n"
               "   | |Elemwise{neg,no_inplace} [id D] ''   \n"
               "   |   |CrossentropySoftmaxArgmax1HotWithBias.0 [id E] ''   \n"
               "   |     |dot [id F] ''   \n"
               "   |     | |x [id G]\n"
               "   |     | |W [id H]\n"
               "   |     |b [id I]\n"
               "   |     |y [id J]\n"
               "   |Elemwise{Cast{float32}} [id K] ''   \n"
               "     |Shape_i{0} [id L] ''   \n"
               "       |Elemwise{neg,no_inplace} [id D] ''   \n"
               "dot [id M] ''   \n"
               " |DimShuffle{1,0} [id N] ''   \n"
               " | |x [id G]\n"
               " |CrossentropySoftmax1HotWithBiasDx [id O] ''   \n"
               "   |Elemwise{neg,no_inplace} [id P] ''   \n"
               "   | |Elemwise{second,no_inplace} [id Q] ''   \n"
               "   |   |Elemwise{neg,no_inplace} [id D] ''   \n"
               "   |   |DimShuffle{x} [id R] ''   \n"
               "   |     |Elemwise{true_div,no_inplace} [id S] ''   \n"
               "   |       |Elemwise{neg,no_inplace} [id T] ''   \n"
               "   |       | |TensorConstant{1.0} [id U]\n"
               "   |       |Elemwise{Cast{float32}} [id K] ''   \n"
               "   |CrossentropySoftmaxArgmax1HotWithBias.1 [id V] ''   \n"
               "   | |dot [id F] ''   \n"
               "   | |b [id I]\n"
               "   | |y [id J]\n"
               "   |y [id J]\n",
               "crossentropy_after");
  CHECK(r->ctx.applied["local_advanced_indexing_crossentropy_onehot"] == 1);
  CHECK(r->ctx.applied["local_advanced_indexing_crossentropy_onehot_grad"] == 1);
}

// ---- specialize ----

TEST_CASE("specialize: the SGD step W - lr * a.T.dot(g) becomes Gemm", "[rewrite][specialize]") {
  SharedVariable W = theano::shared(NDArray::zeros(DType::Float64, {3, 2}), "W");
  Var a = T::dmatrix("a"), g = T::dmatrix("g"), lr = T::dscalar("lr");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_gemm});
  auto r = rewritten({a, g, lr}, {W - 0.1 * T::dot(a.T(), g), W + lr * T::dot(a.T(), g), W - T::dot(a.T(), g)}, p);
  check_golden(r->before, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |W [id B]\n"
               " |Elemwise{mul,no_inplace} [id C] ''   \n"
               "   |DimShuffle{x,x} [id D] ''   \n"
               "   | |TensorConstant{0.10000000149011612} [id E]\n"
               "   |dot [id F] ''   \n"
               "     |DimShuffle{1,0} [id G] ''   \n"
               "     | |a [id H]\n"
               "     |g [id I]\n"
               "Elemwise{add,no_inplace} [id J] ''   \n"
               " |W [id B]\n"
               " |Elemwise{mul,no_inplace} [id K] ''   \n"
               "   |DimShuffle{x,x} [id L] ''   \n"
               "   | |lr [id M]\n"
               "   |dot [id N] ''   \n"
               "     |DimShuffle{1,0} [id O] ''   \n"
               "     | |a [id H]\n"
               "     |g [id I]\n"
               "Elemwise{sub,no_inplace} [id P] ''   \n"
               " |W [id B]\n"
               " |dot [id Q] ''   \n"
               "   |DimShuffle{1,0} [id R] ''   \n"
               "   | |a [id H]\n"
               "   |g [id I]\n",
               "gemm_before");
  check_golden(r->after, "Gemm{no_inplace} [id A] ''   \n"
               " |W [id B]\n"
               " |TensorConstant{-0.10000000149011612} [id C]\n"
               " |DimShuffle{1,0} [id D] ''   \n"
               " | |a [id E]\n"
               " |g [id F]\n"
               " |TensorConstant{1.0} [id G]\n"
               "Gemm{no_inplace} [id H] ''   \n"
               " |W [id B]\n"
               " |lr [id I]\n"
               " |DimShuffle{1,0} [id J] ''   \n"
               " | |a [id E]\n"
               " |g [id F]\n"
               " |TensorConstant{1.0} [id K]\n"
               "Gemm{no_inplace} [id L] ''   \n"
               " |W [id B]\n"
               " |TensorConstant{-1.0} [id M]\n"
               " |DimShuffle{1,0} [id N] ''   \n"
               " | |a [id E]\n"
               " |g [id F]\n"
               " |TensorConstant{1.0} [id O]\n",
               "gemm_after");
  CHECK(r->ctx.applied["local_gemm"] == 3);
}

TEST_CASE("specialize: a.dot(g) + b with a bias row or column becomes Gemm with the bias as Z", "[rewrite][specialize]") {
  Var a = T::dmatrix("a"), g = T::dmatrix("g");
  Var row = T::tensor(DType::Float64, {true, false}, "row"), col = T::tensor(DType::Float64, {false, true}, "col");
  R::LocalPhase p = phase_of({&RW::local_gemm});
  auto r = rewritten({a, g, row, col}, {T::dot(a, g) + row, col - T::dot(a, g), T::sum(T::dot(a, g) + row)}, p);
  check_golden(r->after, "Gemm{no_inplace} [id A] ''   \n"
               " |row [id B]\n"
               " |TensorConstant{1.0} [id C]\n"
               " |a [id D]\n"
               " |g [id E]\n"
               " |TensorConstant{1.0} [id F]\n"
               "Gemm{no_inplace} [id G] ''   \n"
               " |col [id H]\n"
               " |TensorConstant{-1.0} [id I]\n"
               " |a [id D]\n"
               " |g [id E]\n"
               " |TensorConstant{1.0} [id J]\n"
               "Sum{axis=[0, 1], acc_dtype=float64} [id K] ''   \n"
               " |Gemm{no_inplace} [id L] ''   \n"
               "   |row [id B]\n"
               "   |TensorConstant{1.0} [id M]\n"
               "   |a [id D]\n"
               "   |g [id E]\n"
               "   |TensorConstant{1.0} [id N]\n",
               "gemm_bias_after");
  CHECK(r->ctx.applied["local_gemm"] == 3);

  // Gemm broadcasts the bias itself: the same values as the dot and the add, on odd shapes.
  numpy::RandomState rng(7);
  std::vector<NDArray> args{random(rng, DType::Float64, {5, 3}, -1, 1), random(rng, DType::Float64, {3, 7}, -1, 1),
                            random(rng, DType::Float64, {1, 7}, -1, 1), random(rng, DType::Float64, {5, 1}, -1, 1)};
  std::vector<Arg> call(args.begin(), args.end());
  for (const Var& out : {T::dot(a, g) + row, col - T::dot(a, g)}) {
    Function with = theano::function({a, g, row, col}, out, {.on_unused_input = "ignore"});
    Function without = theano::function({a, g, row, col}, out, {.on_unused_input = "ignore", .optimizer_excluding = {"local_gemm"}});
    REQUIRE(count_op(with, "Gemm{no_inplace}") == 1);
    REQUIRE(count_op(without, "Gemm{no_inplace}") == 0);
    check_close(with.call(call).array(0), values(without.call(call).array(0)), 1e-14, 1e-14);
  }
}

TEST_CASE("specialize leaves alone a dot that is read twice and a bias add that an elementwise op or a softmax reads",
          "[rewrite][specialize]") {
  // Fusion folds the bias add into tanh's loop for free, and the tutorials' softmax(dot + b) keeps its
  // add (its cost becomes CrossentropySoftmaxArgmax1HotWithBias(dot, b, y) in stabilize).
  SharedVariable W = theano::shared(NDArray::zeros(DType::Float64, {3, 2}), "W");
  Var a = T::dmatrix("a"), g = T::dmatrix("g"), row = T::tensor(DType::Float64, {true, false}, "row");
  Var d = T::dot(a.T(), g);
  R::LocalPhase p = phase_of({&RW::local_gemm});
  auto r = rewritten({a, g, row}, {W - 0.1 * d, T::sum(d), T::tanh(T::dot(a, g) + row), T::nnet::softmax(T::dot(a, g) + row)}, p);
  CHECK(r->after == r->before);
}

TEST_CASE("specialize: x**2 -> sqr(x) and x**1 -> x and x**0.5 -> sqrt(x)", "[rewrite][specialize]") {
  Var x = T::dmatrix("x");
  auto r = rewritten({x}, {T::pow(x, 2.0), T::pow(x, 1.0) + x, T::pow(x, 0.5)}, phase_of({&RW::local_pow_specialize}));
  check_golden(r->before, "Elemwise{pow,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,x} [id C] ''   \n"
               "   |TensorConstant{2.0} [id D]\n"
               "Elemwise{add,no_inplace} [id E] ''   \n"
               " |Elemwise{pow,no_inplace} [id F] ''   \n"
               " | |x [id B]\n"
               " | |DimShuffle{x,x} [id G] ''   \n"
               " |   |TensorConstant{1.0} [id H]\n"
               " |x [id B]\n"
               "Elemwise{pow,no_inplace} [id I] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,x} [id J] ''   \n"
               "   |TensorConstant{0.5} [id K]\n",
               "pow_before");
  check_golden(r->after, "Elemwise{sqr,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               "Elemwise{add,no_inplace} [id C] ''   \n"
               " |x [id B]\n"
               " |x [id B]\n"
               "Elemwise{sqrt,no_inplace} [id D] ''   \n"
               " |x [id B]\n",
               "pow_after");
  CHECK(r->ctx.applied["local_pow_specialize"] == 3);
  Function f = theano::function({x}, {T::pow(x, 2.0), T::pow(x, 0.5)});
  CHECK(count_op(f, "Elemwise{pow,no_inplace}") == 0);
  Result out = f(f64(Dims{1, 2}, {9, 0.25}));
  CHECK(values(out.array(0)) == std::vector<double>{81, 0.0625});
  CHECK(values(out.array(1)) == std::vector<double>{3, 0.5});
}

TEST_CASE("specialize leaves alone x**3 and x**y and an exponent of several elements and one that broadcasts x",
          "[rewrite][specialize]") {
  Var x = T::dmatrix("x"), y = T::dmatrix("y"), row = T::tensor(DType::Float64, {true, false}, "row");
  Var twos = T::constant(f64(Dims{2}, {2, 2}));
  Var col_of_twos = T::constant(f64(Dims{3, 1}, {2, 2, 2}));
  auto r = rewritten({x, y, row}, {T::pow(x, 3.0), T::pow(x, y), T::pow(x, twos), T::pow(row, col_of_twos)},
                     phase_of({&RW::local_pow_specialize}));
  CHECK(r->after == r->before);
}

// ---- elementwise fusion ----

TEST_CASE("fusion: an elementwise chain becomes one Composite", "[rewrite][fusion]") {
  Var x = T::dmatrix("x"), b = T::dvector("b");
  auto r = rewritten({x, b}, {T::tanh(x + b) * 2.0 - x}, RW::ElemwiseFusion());
  check_golden(r->before, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n"
               " | |Elemwise{tanh,no_inplace} [id C] ''   \n"
               " | | |Elemwise{add,no_inplace} [id D] ''   \n"
               " | |   |x [id E]\n"
               " | |   |DimShuffle{x,0} [id F] ''   \n"
               " | |     |b [id G]\n"
               " | |DimShuffle{x,x} [id H] ''   \n"
               " |   |TensorConstant{2.0} [id I]\n"
               " |x [id E]\n",
               "fusion_before");
  check_golden(r->after, "Elemwise{Composite{((tanh((i0 + i1)) * i2) - i0)}} [id A] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,0} [id C] ''   \n"
               " | |b [id D]\n"
               " |DimShuffle{x,x} [id E] ''   \n"
               "   |TensorConstant{2.0} [id F]\n",
               "fusion_after");
}

TEST_CASE("fusion leaves outside a result read by two applies and a different broadcast pattern", "[rewrite][fusion]") {
  Var x = T::dmatrix("x"), row = T::tensor(DType::Float64, {true, false}, "row");
  Var t = T::tanh(x);
  auto r = rewritten({x, row}, {t * x + t, T::exp(row) * x}, RW::ElemwiseFusion());
  check_golden(r->after,
               "Elemwise{Composite{((i0 * i1) + i0)}} [id A] ''   \n"
               " |Elemwise{tanh,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " |x [id C]\n"
               "Elemwise{mul,no_inplace} [id D] ''   \n"
               " |Elemwise{exp,no_inplace} [id E] ''   \n"
               " | |row [id F]\n"
               " |x [id C]\n",
               "fusion_negative_after");
}

TEST_CASE("fusion: a Composite computes what the chain computes bit for bit on broadcast and strided inputs", "[rewrite][fusion]") {
  theano::numpy::RandomState rng(42);
  for (DType dt : {DType::Float32, DType::Float64}) {
    // 7 x 300: chunks of 512 cross rows; a row, a column, a scalar and a transposed view as inputs.
    Var x = T::tensor(dt, {false, false}, "x"), xt = T::tensor(dt, {false, false}, "xt");
    Var row = T::tensor(dt, {true, false}, "row"), col = T::tensor(dt, {false, true}, "col"), s = T::tensor(dt, {}, "s");
    Var out = T::tanh(x * row + col) * T::exp(s - xt.T()) / (T::sqr(x) + 1.0) - T::maximum(x, col);
    Function fused = theano::function({x, xt, row, col, s}, out);
    Function plain = theano::function({x, xt, row, col, s}, out, {.mode = "FAST_COMPILE"});
    REQUIRE(count_op(fused, "Elemwise{Composite{(((tanh(((i0 * i1) + i2)) * exp((i3 - i4))) / (sqr(i0) + i5)) - maximum(i0, i2))}}") == 1);
    REQUIRE(fused.n_nodes() == 3);  // the transpose, the constant's DimShuffle folded, the Composite
    std::vector<NDArray> args{random(rng, dt, Dims{7, 300}, -2, 2), random(rng, dt, Dims{300, 7}, -2, 2), random(rng, dt, Dims{1, 300}, -2, 2),
                              random(rng, dt, Dims{7, 1}, -2, 2), random(rng, dt, Dims{}, -1, 1)};
    std::vector<Arg> a(args.begin(), args.end());
    NDArray got = fused.call(a).array(0), want = plain.call(a).array(0);
    REQUIRE(got.shape() == want.shape());
    CHECK(std::memcmp(got.raw(), want.raw(), got.nbytes()) == 0);
    // 4-d: a per-channel bias and a (3, 1, 7, 1) input (their gathers merge broadcast dims), a
    // permuted view; 3*5*7*11 elements end inside a chunk.
    Var t = T::tensor(dt, {false, false, false, false}, "t"), u = T::tensor(dt, {false, false, false, false}, "u");
    Var bias = T::tensor(dt, {false}, "bias"), p = T::tensor(dt, {false, true, false, true}, "p");
    Var out4 = T::tanh(t + bias.dimshuffle({'x', 0, 'x', 'x'})) * p - u.dimshuffle({3, 2, 1, 0});
    Function fused4 = theano::function({t, u, bias, p}, out4);
    Function plain4 = theano::function({t, u, bias, p}, out4, {.mode = "FAST_COMPILE"});
    REQUIRE(count_op(fused4, "Elemwise{Composite{((tanh((i0 + i1)) * i2) - i3)}}") == 1);
    std::vector<NDArray> args4{random(rng, dt, Dims{3, 5, 7, 11}, -2, 2), random(rng, dt, Dims{11, 7, 5, 3}, -2, 2),
                               random(rng, dt, Dims{5}, -2, 2), random(rng, dt, Dims{3, 1, 7, 1}, -2, 2)};
    std::vector<Arg> a4(args4.begin(), args4.end());
    NDArray got4 = fused4.call(a4).array(0), want4 = plain4.call(a4).array(0);
    REQUIRE(got4.shape() == want4.shape());
    CHECK(std::memcmp(got4.raw(), want4.raw(), got4.nbytes()) == 0);
  }
}
