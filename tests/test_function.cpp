// theano.function semantics (notes/theano_semantics.md (a), (b), (c), (d), (k)): updates read
// pre-call values and commit atomically, givens, the compile-time and call-time errors, Result
// conversions, borrow and aliasing, literal autocast, and T::grad's errors.
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {
bool has(const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; }
NDArray value(const SharedVariable& s) { return s.get_value(); }
}  // namespace

TEST_CASE("updates read pre-call values: the accumulator of the tutorial", "[function]") {
  SharedVariable state = theano::shared(0, "state");
  Var inc = T::iscalar("inc");
  Function accumulator = theano::function({inc}, state, {.updates = {{state, state + inc}}});
  CHECK(double(accumulator(1)) == 0);
  CHECK(value(state).item() == 1);
  CHECK(double(accumulator(300)) == 1);
  CHECK(value(state).item() == 301);
  CHECK(value(state).dtype() == DType::Int64);
  state.set_value(NDArray::scalar<int64_t>(-1));
  CHECK(double(accumulator(3)) == -1);
  CHECK(value(state).item() == 2);
  Function decrementor = theano::function({inc}, state, {.updates = {{state, state - inc}}});
  CHECK(double(decrementor(2)) == 2);
  CHECK(value(state).item() == 0);
}

TEST_CASE("updates are simultaneous: swapping two shared variables", "[function]") {
  SharedVariable a = theano::shared(f64(Dims{3}, {1, 2, 3}), "a"), b = theano::shared(f64(Dims{3}, {4, 5, 6}), "b");
  Function swap = theano::function({}, std::vector<Var>{}, {.updates = {{a, b}, {b, a}}});
  Result r = swap();
  CHECK(r.size() == 0);
  CHECK(values(value(a)) == std::vector<double>{4, 5, 6});
  CHECK(values(value(b)) == std::vector<double>{1, 2, 3});
  swap();
  CHECK(values(value(a)) == std::vector<double>{1, 2, 3});
  CHECK(values(value(b)) == std::vector<double>{4, 5, 6});
  // Updates computed from both, and an output reading them: all see the pre-call values.
  Function mix = theano::function({}, a * b, {.updates = {{a, a + b}, {b, a - b}}});
  CHECK(values(mix()) == std::vector<double>{4, 10, 18});
  CHECK(values(value(a)) == std::vector<double>{5, 7, 9});
  CHECK(values(value(b)) == std::vector<double>{-3, -3, -3});
}

TEST_CASE("a call that throws part-way changes no shared variable", "[function]") {
  SharedVariable W = theano::shared(f64(Dims{3}, {1, 2, 3}), "W"), calls = theano::shared(0.0, "calls");
  Var idx = T::lvector("idx");
  Var W2 = W * 2;
  Function f = theano::function({idx}, {T::sum(W), W2[idx]}, {.updates = {{W, W2}, {calls, calls + 1}}});
  NDArray before = W.get_value(true);
  std::string msg = error_of([&] { f(i64(Dims{2}, {0, 5})); });
  CHECK(has(msg, "AdvancedSubtensor"));
  CHECK(has(msg, "index 5 is out of bounds for axis 0 with size 3"));
  CHECK(has(msg, "no update was applied"));
  CHECK(values(value(W)) == std::vector<double>{1, 2, 3});
  CHECK(W.get_value(true).shares_memory(before));
  CHECK(value(calls).item() == 0);
  Result r = f(i64(Dims{2}, {0, -1}));
  CHECK(r.scalar(0) == 6);
  CHECK(values(r.array(1)) == std::vector<double>{2, 6});
  CHECK(values(value(W)) == std::vector<double>{2, 4, 6});
  CHECK(value(calls).item() == 1);
  // A bad argument is rejected before anything runs.
  CHECK_THROWS(f(f64(Dims{2}, {0, 1})));
  CHECK(value(calls).item() == 1);
}

TEST_CASE("an update to a constant value is applied on every call", "[function]") {
  SharedVariable s = theano::shared(f64(Dims{3}, {1, 2, 3}), "s");
  Var reset = T::constant(f64(Dims{3}, {7, 8, 9}));
  Function f = theano::function({}, std::vector<Var>{}, {.updates = {{s, reset}}});
  f();
  CHECK(values(value(s)) == std::vector<double>{7, 8, 9});
  s.set_value(f64(Dims{3}, {0, 0, 0}));
  f();
  CHECK(values(value(s)) == std::vector<double>{7, 8, 9});
  s.get_value(true).set_item(0, -1);  // writing into s's value must not change the constant
  f();
  CHECK(values(value(s)) == std::vector<double>{7, 8, 9});
  CHECK(values(reset.node()->constant) == std::vector<double>{7, 8, 9});
}

TEST_CASE("givens", "[function]") {
  NDArray data = NDArray::empty(DType::Float64, Dims{10, 3});
  for (int64_t i = 0; i < 30; ++i) data.set_item(i, double(i));
  SharedVariable set_x = theano::shared(data, "set_x");
  Var index = T::lscalar("index");
  Var batch = set_x[T::slice(index * 2, (index + 1) * 2)];
  SECTION("a symbolic variable replaced by a slice of a shared dataset (the tutorial pattern)") {
    Var x = T::dmatrix("x");
    Function f = theano::function({index}, T::sum(x, 1), {.givens = {{x, batch}}});
    CHECK(values(f(1)) == std::vector<double>{6 + 7 + 8, 9 + 10 + 11});
    CHECK(f(5).array().shape() == Dims({0}));  // past the end: an empty batch, not an error
  }
  SECTION("a shared variable replaced by a slice of another") {
    SharedVariable w = theano::shared(NDArray::zeros(DType::Float64, Dims{2, 3}), "w");
    Var out = w * 10.0;
    Function f = theano::function({index}, out, {.givens = {{w, batch}}});
    CHECK(values(f(4)) == std::vector<double>{240, 250, 260, 270, 280, 290});
    CHECK(values(value(w)) == std::vector<double>(6, 0.0));
    CHECK(out.owner()->inputs[0] == w);  // the user's graph is untouched
  }
  SECTION("an explicit input cannot be replaced") {
    Var x = T::dscalar("x"), y = T::dscalar("y");
    std::string msg = error_of([&] { theano::function({x, y}, x * 2, {.givens = {{x, y}}}); });
    CHECK(has(msg, "You are trying to replace variable 'x' through the `givens` parameter, but this variable is an input to your "
                   "function. Replacing inputs is currently forbidden because it has no effect."));
  }
  SECTION("types must match: a float64 slice for a float32 matrix") {
    Var x = T::fmatrix("x");
    std::string msg = error_of([&] { theano::function({index}, x * 2, {.givens = {{x, batch}}}); });
    CHECK(has(msg, "Cannot convert Type TensorType(float64, matrix)"));
    CHECK(has(msg, "into Type TensorType(float32, matrix)"));
  }
}

TEST_CASE("compile-time errors: updates and inputs", "[function]") {
  SharedVariable w32 = theano::shared(arr(DType::Float32, Dims{2}, {1, 2}), "w32");
  Var lr = T::dscalar("lr"), x = T::dscalar("x"), y = T::dscalar("y");
  std::string msg = error_of([&] { theano::function({lr}, std::vector<Var>{}, {.updates = {{w32, w32 - lr * w32}}}); });
  CHECK(has(msg, "An update must have the same type as the original shared variable"));
  CHECK(has(msg, "shared_var.type=TensorType(float32, vector)"));
  CHECK(has(msg, "update_val.type=TensorType(float64, vector)"));
  msg = error_of([&] { theano::function({}, std::vector<Var>{}, {.updates = {{w32, w32 * 2}, {w32, w32 * 3}}}); });
  CHECK(has(msg, "this shared variable already has an update expression"));
  msg = error_of([&] { theano::function({x}, x, {.updates = {{x, x + 1}}}); });
  CHECK(has(msg, "update target must be a SharedVariable"));
  msg = error_of([&] { theano::function({w32}, w32 * 2); });
  CHECK(has(msg, "Cannot use a shared variable ('w32') as explicit input. Consider substituting a non-shared variable via the "
                 "`givens` parameter"));
  msg = error_of([&] { theano::function({x, y}, x * 2); });
  CHECK(has(msg, "theano.function was asked to create a function computing outputs given certain inputs, but the provided input "
                 "variable at index 1 is not part of the computational graph needed to compute the outputs: 'y'."));
  Function ignore = theano::function({x, y}, x * 2, {.on_unused_input = "ignore"});
  CHECK(double(ignore(1.5, 7.0)) == 3.0);
  msg = error_of([&] { theano::function({x}, x + y); });
  CHECK(has(msg, "'y'"));
  CHECK(has(msg, "neither an input of the function nor replaced through givens"));
  msg = error_of([&] { theano::function({x, x}, x + 1); });
  CHECK(has(msg, "given twice"));
}

TEST_CASE("call-time argument checks", "[function]") {
  Var m = T::fmatrix("m"), l = T::lvector("l"), s = T::lscalar("s"), b = T::bscalar("b"), fs = T::fscalar("fs");
  Function fm = theano::function({m}, m * 2), fl = theano::function({l}, l * 2), fsc = theano::function({s}, s + 1);
  CHECK(has(error_of([&] { fm(); }), "expects 1 argument(s) (m), got 0"));
  CHECK(has(error_of([&] { fm(arr(DType::Float32, Dims{3}, {1, 2, 3})); }), "Wrong number of dimensions: expected 2, got 1"));
  std::string msg = error_of([&] { fm(f64(Dims{1, 2}, {1, 2})); });
  CHECK(has(msg, "Bad input argument to theano function"));
  CHECK(has(msg, "TensorType(float32, matrix) cannot store a value of dtype float64 without risking loss of precision"));
  NDArray got = fl(arr(DType::Int32, Dims{3}, {1, -2, 3}));  // int32 into int64: lossless, accepted
  CHECK(got.dtype() == DType::Int64);
  CHECK(values(got) == std::vector<double>{2, -4, 6});
  CHECK(double(fsc(3.0)) == 4);  // an integral double into an lscalar is fine
  CHECK(has(error_of([&] { fsc(2.5); }), "cannot store the value 2.5"));
  Function fb = theano::function({b}, b * 1);
  CHECK(double(fb(100)) == 100);
  CHECK_THROWS(fb(300));  // out of int8's range
  Function ff = theano::function({fs}, fs * 1);
  CHECK(double(ff(0.1)) == double(0.1f));  // a Python float may always go down to a float32 input
}

TEST_CASE("Result conversions", "[function]") {
  Var x = T::dvector("x");
  Function one = theano::function({x}, T::sum(x)), two = theano::function({x}, {T::sum(x), x * 2}), vec = theano::function({x}, x + 1);
  NDArray xv = f64(Dims{3}, {1, 2, 3});
  CHECK(double(one(xv)) == 6);
  NDArray zero_d = one(xv);
  CHECK(zero_d.ndim() == 0);
  CHECK(zero_d.item() == 6);
  Result r = two(xv);
  CHECK(r.size() == 2);
  CHECK(r.scalar(0) == 6);
  CHECK(values(r.array(1)) == std::vector<double>{2, 4, 6});
  CHECK_THROWS(double(r));
  CHECK_THROWS(r.scalar(1));
  CHECK_THROWS(r.array(2));
  CHECK_THROWS(double(vec(xv)));
  CHECK(values(vec(xv)) == std::vector<double>{2, 3, 4});
}

TEST_CASE("borrow semantics and output aliasing", "[function]") {
  NDArray v = f64(Dims{3}, {1, 2, 3});
  SharedVariable copied = theano::shared(v, "copied"), aliased = theano::shared(v, "aliased", true);
  v.set_item(0, 100);
  CHECK(value(copied).item(0) == 1);
  CHECK(value(aliased).item(0) == 100);
  NDArray g = copied.get_value();
  g.set_item(1, -5);
  CHECK(value(copied).item(1) == 2);
  copied.get_value(true).set_item(1, -5);
  CHECK(value(copied).item(1) == -5);
  NDArray w = f64(Dims{3}, {7, 8, 9});
  copied.set_value(w);
  w.set_item(2, 0);
  CHECK(value(copied).item(2) == 9);
  copied.set_value(w, true);
  w.set_item(2, 42);
  CHECK(value(copied).item(2) == 42);

  Var x = T::dvector("x");
  Function dbl = theano::function({x}, x * 2), ident = theano::function({x}, x);
  NDArray r1 = dbl(f64(Dims{3}, {1, 2, 3}));
  NDArray r2 = dbl(f64(Dims{3}, {10, 20, 30}));
  CHECK(values(r1) == std::vector<double>{2, 4, 6});
  CHECK_FALSE(r1.shares_memory(r2));
  NDArray arg = f64(Dims{3}, {1, 2, 3});
  NDArray same = ident(arg);
  CHECK_FALSE(same.shares_memory(arg));
  Function read = theano::function({}, std::vector<Var>{copied, copied.T()});
  Result rr = read();
  rr.array(0).set_item(0, -1);
  CHECK(value(copied).item(0) == 7);
  CHECK_FALSE(rr.array(1).shares_memory(copied.get_value(true)));
}

TEST_CASE("literal autocast and dtype rules", "[function]") {
  Var b = T::bvector("b"), i = T::ivector("i"), bo = T::tensor(DType::Bool, {false});
  CHECK((b * 2).dtype() == DType::Int8);
  CHECK((b * 300).dtype() == DType::Int16);
  CHECK((1 - b).dtype() == DType::Int8);
  CHECK((i * 2).dtype() == DType::Int32);
  CHECK((b * 70000).dtype() == DType::Int32);
  CHECK((i * 0.5).dtype() == DType::Float64);  // int32 with any float: float64
  if (config().floatX == DType::Float32) {
    Var W = T::matrix("W"), g = T::matrix("g");
    CHECK(W.dtype() == DType::Float32);
    CHECK((W - 0.13 * g).dtype() == DType::Float32);  // floatX=float32: the literal is float32
    CHECK((W * 2).dtype() == DType::Float32);
    CHECK((W * 300).dtype() == DType::Float32);    // int16 fits float32
    CHECK((W * 70000).dtype() == DType::Float64);  // int32 does not
    CHECK((b * 0.5).dtype() == DType::Float32);
  } else {
    Var W = T::fmatrix("W"), g = T::fmatrix("g");
    CHECK((W - 0.13 * g).dtype() == DType::Float64);  // 0.13 is not exact in float32
    CHECK((W - 0.5 * g).dtype() == DType::Float32);
  }
  Var m = T::mean(bo);
  CHECK(m.dtype() == DType::Float64);
  CHECK(double(theano::function({bo}, m)(arr(DType::Bool, Dims{4}, {1, 0, 1, 1}))) == 0.75);
  CHECK(T::mean(b).dtype() == DType::Float64);
  CHECK(T::mean(T::fvector()).dtype() == DType::Float32);
  CHECK(T::sum(T::fvector()).dtype() == DType::Float32);
  CHECK(T::sum(b).dtype() == DType::Int64);
}

TEST_CASE("T::grad errors and options", "[function]") {
  Var x = T::dvector("x"), y = T::dvector("y"), n = T::ivector("n");
  CHECK(has(error_of([&] { T::grad(x * 2, x); }), "cost must be a scalar"));
  CHECK(has(error_of([&] { T::grad(T::sum(n * 2), n); }), "integer"));
  Var cost = T::sum(x * x);
  std::string msg = error_of([&] { T::grad(cost, y); });
  CHECK(has(msg, "grad method was asked to compute the gradient with respect to a variable that is not part of the computational "
                 "graph of the cost, or is used only by a non-differentiable operator: 'y'"));
  CHECK_THROWS_AS(T::grad(cost, y), DisconnectedInputError);
  Var gy = T::grad(cost, y, {.disconnected_inputs = "ignore"});
  CHECK(values(theano::function({y}, gy)(f64(Dims{2}, {3, 4}))) == std::vector<double>{0, 0});
  CHECK_THROWS(T::grad(cost, y, {.disconnected_inputs = "nonsense"}));
  // consider_constant: d/dx sum(x * stop(2x)) = 2x, not 4x.
  Var stop = x * 2;
  Var g = T::grad(T::sum(x * stop), x, {.consider_constant = {stop}});
  CHECK(values(theano::function({x}, g)(f64(Dims{2}, {1, 2}))) == std::vector<double>{2, 4});
  Var named = T::sum(x * x).set_name("cost");
  CHECK(T::grad(named, x).name() == "(dcost/dx)");
}

TEST_CASE("shape errors name the op and both shapes and the user's file and line", "[function]") {
  SharedVariable a = theano::shared(NDArray::zeros(DType::Float64, Dims{500, 800}), "a");
  SharedVariable b = theano::shared(NDArray::zeros(DType::Float64, Dims{500, 10}), "b");
  std::string msg = error_of([&] { T::dot(a, b); }); const int line = __LINE__;
  INFO(msg);
  CHECK(has(msg, "dot"));
  CHECK(has(msg, "(500, 800)"));
  CHECK(has(msg, "(500, 10)"));
  CHECK(has(msg, "test_function.cpp:" + std::to_string(line)));
  // Without static shapes the same error comes when the function runs, naming where dot was built.
  Var A = T::dmatrix("A"), B = T::dmatrix("B");
  Var d = T::dot(A, B); const int dot_line = __LINE__;
  Function f = theano::function({A, B}, d);
  msg = error_of([&] { f(NDArray::zeros(DType::Float64, Dims{5, 8}), NDArray::zeros(DType::Float64, Dims{5, 1})); });
  CHECK(has(msg, "dot"));
  CHECK(has(msg, "(5, 8)"));
  CHECK(has(msg, "(5, 1)"));
  CHECK(has(msg, "test_function.cpp:" + std::to_string(dot_line)));
}
