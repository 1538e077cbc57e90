// theano.In (names, defaults, keyword calls), theano.Out(borrow), Function::copy, Theano's argument
// casting rules (allow_input_downcast), the plural constructors, as_tensor_variable, and T::grad's
// known_grads and return_disconnected. The examples are doc/tutorial/examples.txt's.
#include <cstring>

#include "test_util.hpp"

using namespace theano;
using namespace theano::literals;
using namespace test_util;
namespace T = theano::tensor;

namespace {
bool has(const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("In defaults and keyword calls as the doc's examples", "[function][in]") {
  auto [x, y, w] = T::dscalars("x", "y", "w");
  Var z = (x + y) * w;
  Function f = theano::function({x, theano::In(y, {.value = 1}), theano::In(w, {.name = "w_by_name", .value = 2})}, z);
  CHECK(double(f(33)) == 68);
  CHECK(double(f(33, 2)) == 70);
  CHECK(double(f(33, 0, 1)) == 33);
  CHECK(double(f(33, "w_by_name"_a = 1)) == 34);
  CHECK(double(f(33, "w_by_name"_a = 1, "y"_a = 0)) == 33);
  CHECK(double(f(theano::kw("x", 1), theano::kw("w_by_name", 3))) == 6);
  // The default is bound once: calls that pass the input do not change it.
  CHECK(double(f(33)) == 68);
}

TEST_CASE("keyword call errors name the function and the argument and change nothing", "[function][in][errors]") {
  auto [x, y] = T::dscalars("x", "y");
  SharedVariable calls = theano::shared(0, "calls");
  Function f = theano::function({x, theano::In(y, {.value = 1})}, x + y, {.updates = {{calls, calls + 1}}, .name = "f"});
  CHECK(error_of([&] { f(1, "z"_a = 2); }) == "theano function \"f\" got an unexpected keyword argument 'z' (its inputs: x, y)");
  CHECK(error_of([&] { f(1, 2, "y"_a = 2); }) == "theano function \"f\" got multiple values for argument 'y'");
  CHECK(error_of([&] { f("y"_a = 2, 1); }) == "theano function \"f\": positional argument follows keyword argument");
  CHECK(error_of([&] { f("y"_a = 2); }) == "theano function \"f\": missing required input 0 (x)");
  CHECK(error_of([&] { f(); }) == "theano function \"f\" expects between 1 and 2 argument(s) (x, y), got 0");
  CHECK(error_of([&] { f(1, 2, 3); }) == "theano function \"f\" expects between 1 and 2 argument(s) (x, y), got 3");
  CHECK(calls.get_value().item_int64() == 0);
  CHECK(double(f(1)) == 2);
  CHECK(calls.get_value().item_int64() == 1);
}

TEST_CASE("a default value of the wrong type is refused at compile time", "[function][in][errors]") {
  Var n = T::lscalar("n");
  std::string e = error_of([&] { theano::function({theano::In(n, {.value = 0.5})}, n * 2); });
  CHECK(has(e, "function: the default value of input 0 (n) does not fit:"));
  CHECK(has(e, "cannot store the value 0.5 without loss: it is a float for int64"));
  Var v = T::dvector("v");
  e = error_of([&] { theano::function({theano::In(v, {.value = 1.0})}, v * 2); });
  CHECK(has(e, "Expected a 1-d array, got a scalar."));
  Var a = T::dscalar("a"), b = T::dscalar("b");
  CHECK(error_of([&] { theano::function({theano::In(a, {.name = "k"}), theano::In(b, {.name = "k"})}, a + b); }) ==
        "function: inputs 0 and 1 are both named 'k' (a keyword must name one input)");
  // An array default is copied: changing the caller's array later does not change the default.
  NDArray d = f64(Dims{2}, {1, 2});
  Function g = theano::function({theano::In(v, {.value = d})}, v * 2);
  d.set_item(0, 100);
  CHECK(values(g().array()) == std::vector<double>{2, 4});
}

TEST_CASE("arguments are cast by Theano's rule and allow_input_downcast", "[function][in]") {
  Var d = T::dvector("d");
  Function f = theano::function({d}, d * 2);
  // int64 into float64: the upcast of the two is float64, so Theano converts it.
  CHECK(values(f(i64(Dims{3}, {1, 2, 3})).array()) == std::vector<double>{2, 4, 6});
  Var s = T::fvector("s");
  Function g = theano::function({s}, s * 2, {.name = "g"});
  CHECK(has(error_of([&] { g(i64(Dims{2}, {1, 2})); }), "TensorType(float32, vector) cannot store a value of dtype int64 without risking"));
  CHECK(values(g(arr(DType::Int16, Dims{2}, {1, 2})).array()) == std::vector<double>{2, 4});  // int16 fits float32
  Function g2 = theano::function({s}, s * 2, {.allow_input_downcast = true});
  CHECK(values(g2(f64(Dims{2}, {0.5, 1.25})).array()) == std::vector<double>{1, 2.5});
  // Per input: In's allow_downcast wins over the function's.
  Function g3 = theano::function({theano::In(s, {.allow_downcast = false})}, s * 2, {.allow_input_downcast = true});
  CHECK(has(error_of([&] { g3(f64(Dims{1}, {0.5})); }), "cannot store a value of dtype float64"));
  // Downcast into ints truncates toward zero, as numpy's astype; it never wraps around a range.
  Var n = T::bscalar("n");
  Function h = theano::function({n}, n + 0, {.allow_input_downcast = true});
  CHECK(h(2.7).integer() == 2);
  CHECK(h(-2.7).integer() == -2);
  CHECK(has(error_of([&] { h(300); }), "cannot store the value 300 without loss: it is out of range for int8."));
  CHECK(has(error_of([&] { h(1e10); }), "out of range"));
  // A float into a float32 scalar: allowed when float32 is floatX (the default); exact only otherwise.
  Var fs = T::fscalar("fs");
  Function k = theano::function({fs}, fs * 1);
  CHECK(std::abs(double(k(0.1)) - 0.1) < 1e-7);
  Function strict = theano::function({fs}, fs * 1, {.allow_input_downcast = false});
  CHECK(has(error_of([&] { strict(0.1); }), "cannot store the value 0.1 without loss: it is not exactly representable in float32"));
  CHECK(double(strict(0.5)) == 0.5);
  // A strict input takes only arrays of its exact dtype.
  Function st = theano::function({theano::In(d, {.strict = true})}, d * 2);
  CHECK(has(error_of([&] { st(i64(Dims{1}, {1})); }), "expected an array of dtype float64 (strict input), got int64"));
}

TEST_CASE("Out borrow returns the function's own buffer", "[function][in]") {
  Var v = T::dvector("v");
  Function copied = theano::function({v}, {theano::Out(v * 2)});
  Function borrowed = theano::function({v}, {theano::Out(v * 2, {.borrow = true})});
  NDArray a = copied(f64(Dims{2}, {1, 2})).array(), b = borrowed(f64(Dims{2}, {1, 2})).array();
  CHECK(values(a) == values(b));
  CHECK(!a.shares_memory(b));
  // Let go of the borrowed array: the next call writes into the same buffer, no copy and no allocation.
  const void* buffer = b.raw();
  b = NDArray();
  NDArray b2 = borrowed(f64(Dims{2}, {5, 6})).array();
  CHECK(b2.raw() == buffer);
  CHECK(values(b2) == std::vector<double>{10, 12});
  // Held, it is never overwritten: the call computes elsewhere.
  NDArray b3 = borrowed(f64(Dims{2}, {7, 8})).array();
  CHECK(values(b2) == std::vector<double>{10, 12});
  CHECK(values(b3) == std::vector<double>{14, 16});
  CHECK(values(a) == std::vector<double>{2, 4});
}

TEST_CASE("Function copy with swap and delete_updates as the doc's example", "[function][in]") {
  SharedVariable state = theano::shared(0, "state");
  Var inc = T::iscalar("inc");
  Function accumulator = theano::function({inc}, state, {.updates = {{state, state + inc}}});
  accumulator(10);
  CHECK(state.get_value().item_int64() == 10);
  SharedVariable new_state = theano::shared(0, "new_state");
  Function new_accumulator = accumulator.copy({.swap = {{state, new_state}}});
  new_accumulator(100);
  CHECK(new_state.get_value().item_int64() == 100);
  CHECK(state.get_value().item_int64() == 10);
  Function null_accumulator = accumulator.copy({.delete_updates = true});
  CHECK(null_accumulator(9000).integer() == 10);
  CHECK(state.get_value().item_int64() == 10);
  // The copy keeps In defaults and names.
  auto [x, y] = T::dscalars("x", "y");
  Function f = theano::function({x, theano::In(y, {.value = 5})}, x * y, {.name = "f"});
  Function g = f.copy({.name = "g"});
  CHECK(double(g(2)) == 10);
  CHECK(g.name() == "g");
  SharedVariable other = theano::shared(0.0, "other");
  CHECK(error_of([&] { accumulator.copy({.swap = {{other, new_state}}}); }) ==
        "Function::copy: swap[0]: 'other' has type TensorType(float64, scalar) but its replacement 'new_state' has type "
        "TensorType(int64, scalar)");
  SharedVariable unrelated = theano::shared(0, "unrelated");
  CHECK(has(error_of([&] { accumulator.copy({.swap = {{unrelated, new_state}}}); }), "is not a shared variable of function"));
}

TEST_CASE("plural constructors and as_tensor_variable", "[function][in]") {
  auto [a, b] = T::dmatrices("a", "b");
  CHECK(a.name() == "a");
  CHECK(b.type().str() == "TensorType(float64, matrix)");
  auto [i, j, k] = T::iscalars("i", "j", "k");
  CHECK(k.dtype() == DType::Int32);
  auto [r] = T::frows("r");
  CHECK(r.type().bcast[0]);
  CHECK(!r.type().bcast[1]);
  std::vector<Var> vs = T::wvectors("p", "q");
  CHECK(vs[1].dtype() == DType::Int16);
  Var c = T::as_tensor_variable(2.5);
  CHECK(c.is_constant());
  CHECK(c.dtype() == config().floatX);
  CHECK(T::as_tensor_variable(3).dtype() == DType::Int8);
  CHECK(T::as_tensor_variable(a).node() == a.node());
  Var m = T::as_tensor_variable(f64(Dims{2}, {1, 2}), "m");
  CHECK(m.name() == "m");
  CHECK(m.ndim() == 1);
}

TEST_CASE("grad with known_grads and return_disconnected", "[function][in][grad]") {
  Var x = T::dvector("x");
  Var y = T::tanh(x);
  Var gy = T::dvector("gy");
  // Theano's grad(cost=None, wrt=x, known_grads={y: gy}): the chain rule from y's given gradient.
  Var gx = T::grad(Var(), x, {.known_grads = {{y, gy}}});
  Function f = theano::function({x, gy}, gx);
  NDArray xv = f64(Dims{2}, {0.5, -1}), gv = f64(Dims{2}, {2, 3});
  std::vector<double> got = values(f(xv, gv).array());
  CHECK(std::abs(got[0] - 2 * (1 - std::tanh(0.5) * std::tanh(0.5))) < 1e-12);
  CHECK(std::abs(got[1] - 3 * (1 - std::tanh(-1.0) * std::tanh(-1.0))) < 1e-12);
  // With a cost too, both contributions add up.
  Var gx2 = T::grad(T::sum(x), x, {.known_grads = {{y, gy}}});
  std::vector<double> got2 = values(theano::function({x, gy}, gx2)(xv, gv).array());
  CHECK(std::abs(got2[0] - (got[0] + 1)) < 1e-12);
  Var unused = T::dscalar("unused");
  std::vector<Var> g = T::grad(T::sum(x), {x, unused}, {.disconnected_inputs = "ignore", .return_disconnected = "None"});
  CHECK(g[0].defined());
  CHECK(!g[1].defined());
  std::vector<Var> g0 = T::grad(T::sum(x), {x, unused}, {.disconnected_inputs = "ignore"});
  CHECK(g0[1].defined());
  CHECK(has(error_of([&] { T::grad(T::sum(x), x, {.known_grads = {{y, T::dscalar()}}}); }), "known_grads[0]: the gradient"));
  CHECK(has(error_of([&] { T::grad(T::sum(x), x, {.return_disconnected = "maybe"}); }), "return_disconnected must be"));
}

TEST_CASE("Python list arguments convert by value as Theano converts a list", "[function][in]") {
  Var v = T::fvector("v");
  Var m = T::imatrix("m");
  Function f = theano::function({v}, v * 2);
  Function g = theano::function({m}, m + 1);
  // An int list goes into a float32 input when every value is exact there; an int64 array does not.
  CHECK(values(f(theano::list({1, 2})).array(0)) == std::vector<double>{2, 4});
  CHECK_THROWS_WITH(f(numpy::array({1, 2})), Catch::Contains("without risking loss of precision"));
  // 2**24 + 1 has no float32: refused by name, with the element's position.
  std::string msg;
  try {
    f(theano::list({1, 16777217}));
  } catch (const std::invalid_argument& e) {
    msg = e.what();
  }
  CHECK(has(msg, "list element 1"));
  CHECK(has(msg, "TensorType(float32, vector)"));
  // A float list into float32: exact values only (0.5 is, 0.1 is not), unless downcasting is allowed.
  CHECK(values(f(theano::list({0.5, -1.0})).array(0)) == std::vector<double>{1, -2});
  CHECK_THROWS_WITH(f(theano::list({0.1})), Catch::Contains("not exactly representable"));
  Function f_down = theano::function({v}, v * 2, {.allow_input_downcast = true});
  CHECK(f_down(theano::list({0.1})).array(0).item(0) == double(float(0.1)) * 2);
  // Into ints: integral values within range only.
  CHECK(values(g(theano::list({{1, 2}, {3, 4}})).array(0)) == std::vector<double>{2, 3, 4, 5});
  CHECK(values(g(theano::list({{1.0, 2.0}})).array(0)) == std::vector<double>{2, 3});
  CHECK_THROWS_WITH(g(theano::list({{1.5, 2.0}})), Catch::Contains("a float"));
  CHECK_THROWS_WITH(g(theano::list({{int64_t(1) << 40}})), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(g(theano::list({1, 2})), Catch::Contains("Wrong number of dimensions"));
}

TEST_CASE("eval compiles and runs a graph once as Variable eval", "[function][in]") {
  auto [x, y] = T::dscalars("x", "y");
  Var z = x + y;
  CHECK(theano::eval(z, {{x, 16.3}, {y, 12.1}}).item(0) == Approx(28.4));
  CHECK(theano::eval(T::as_tensor_variable(3.0) * 2).item(0) == 6.0);
  CHECK_THROWS_WITH(theano::eval(z, {{x, 1.0}}), Catch::Contains("y"));
}

TEST_CASE("Lop is the vector-Jacobian product of grad with known_grads", "[function][grad]") {
  Var W = T::dmatrix("W"), b = T::dvector("b");
  Var v = T::dvector("v"), x = T::dvector("x");
  Var y = T::tanh(T::dot(x, W) + b);
  auto lop = T::Lop({y}, {W, b}, {v});
  auto ref = T::grad(T::sum(y * v), {W, b});
  Function f = theano::function({W, b, v, x}, {lop[0], lop[1], ref[0], ref[1]});
  numpy::RandomState rng(3);
  theano::Result r = f(rng.randn({3, 4}), rng.randn({4}), rng.randn({4}), rng.randn({3}));
  CHECK(values(r.array(0)) == values(r.array(2)));
  CHECK(values(r.array(1)) == values(r.array(3)));
  CHECK_THROWS_WITH(T::Lop({y, y}, {W}, {v}), Catch::Contains("one eval point per expression"));
  CHECK_THROWS_WITH(T::Lop(y, W, T::dmatrix("m")), Catch::Contains("must have the rank of f[0]"));
}
