// theano::pp (theano.printing.pp) on graphs built here, against the text Theano 1.0 prints for the
// same graphs: every operator application parenthesized, functions as calls, DimShuffle and
// constants as Theano's printers write them.
#include <fmt/format.h>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

TEST_CASE("pp prints operators in parentheses as Theano") {
  Var x = T::dscalar("x"), y = T::dscalar("y"), z = T::dscalar("z");
  CHECK(pp(x + y) == "(x + y)");
  CHECK(pp(x - y) == "(x - y)");
  CHECK(pp(x * y) == "(x * y)");
  CHECK(pp(x / y) == "(x / y)");
  CHECK(pp(T::pow(x, y)) == "(x ** y)");
  CHECK(pp(-x) == "(-x)");
  CHECK(pp((x + y) * z) == "((x + y) * z)");
  CHECK(pp(x + y * z) == "(x + (y * z))");
  CHECK(pp(T::pow(x, T::pow(y, z))) == "(x ** (y ** z))");
  CHECK(pp(-(x - y)) == "(-(x - y))");
  CHECK(pp(T::int_div(T::lscalar("i"), T::lscalar("j"))) == "(i // j)");
}

TEST_CASE("pp prints elementwise functions comparisons and casts as calls") {
  Var x = T::dscalar("x"), y = T::dscalar("y");
  CHECK(pp(T::exp(x)) == "exp(x)");
  CHECK(pp(T::tanh(x * y)) == "tanh((x * y))");
  CHECK(pp(T::lt(x, y)) == "lt(x, y)");
  CHECK(pp(T::eq(x, y)) == "eq(x, y)");
  CHECK(pp(T::ge(x, y)) == "ge(x, y)");
  CHECK(pp(T::maximum(x, y)) == "maximum(x, y)");
  CHECK(pp(T::switch_(T::dscalar("c"), x, y)) == "switch(c, x, y)");
  CHECK(pp(T::gt(x, y) * x) == "(float64(gt(x, y)) * x)");  // our elemwise casts the bool to x's dtype
  CHECK(pp(T::abs(x)) == "|x|");
  CHECK(pp(T::fill(x, y)) == "fill(x, y)");
  CHECK(pp(T::nnet::sigmoid(x)) == "sigmoid(x)");
  CHECK(pp(T::cast(x, DType::Float32)) == "float32(x)");
}

TEST_CASE("pp prints constants leaves and greek names as Theano") {
  Var x = T::dscalar("x");
  CHECK(pp(x * 2.5) == "(x * TensorConstant{2.5})");
  CHECK(pp(T::exp(x) * 2.5 + x) == "((exp(x) * TensorConstant{2.5}) + x)");  // printing.hpp's and graphs.md's example
  CHECK(pp(T::dscalar()) == "<TensorType(float64, scalar)>");
  CHECK(pp(T::dscalar("alpha") * T::dscalar("epsilon")) == "(\\alpha * \\epsilon)");
  Var c = T::constant(f64(Dims{2, 3}, {0.5, 0.5, 0.5, 0.5, 0.5, 0.5}));
  CHECK(pp(c) == "TensorConstant{(2, 3) of 0.5}");
}

TEST_CASE("pp prints DimShuffle dot sums and indexing as Theano") {
  Var m = T::matrix("m"), n = T::matrix("n"), v = T::vector("v");
  CHECK(pp(m.T()) == "m.T");
  CHECK(pp(T::transpose(m)) == "m.T");
  CHECK(pp(m + v) == "(m + v)");  // v's leading new dim is not shown
  CHECK(pp(v.dimshuffle({0, 'x'})) == "DimShuffle{0, x}(v)");
  CHECK(pp(T::tensor3("t").dimshuffle({1, 'x', 0, 2})) == "DimShuffle{1, x, 0, 2}(t)");
  CHECK(pp(T::dot(m, n)) == "(m \\dot n)");
  CHECK(pp(T::dot(m, n.T())) == "(m \\dot n.T)");
  CHECK(pp(T::sum(m * n)) == "sum((m * n))");
  CHECK(pp(m[T::slice(1, 3)]) == "m[1:3]");
  CHECK(pp(m[{T::slice(), 2}]) == "m[:, 2]");
  Var i = T::lscalar("i");
  CHECK(pp(m[{i, T::slice(std::nullopt, std::nullopt, 2)}]) == "m[i, ::2]");
}

TEST_CASE("pp of the gradient tutorial graph built node by node") {
  // Theano's T.grad(x ** 2, x) is fill(x ** 2, 1.0) * 2 * x ** (2 - 1). Theano's Elemwise takes the
  // int8 constants as they are; ours casts an operand to the node's dtype when it is built (a
  // constant is converted, anything else gets a Cast node), so the same expression with the int8
  // constants is another graph and prints as such:
  Var x = T::dscalar("x");
  Var two = T::constant(NDArray::scalar<int8_t>(2)), one = T::constant(NDArray::scalar<int8_t>(1));
  CHECK(pp(T::fill(T::pow(x, two), 1.0) * two * T::pow(x, two - one)) ==
        "((fill((x ** TensorConstant{2.0}), TensorConstant{1.0}) * TensorConstant{2.0}) * (x ** float64((TensorConstant{2} - TensorConstant{1}))))");
  // With float64 constants both builders make one graph, which Theano prints as this:
  Var two_f = T::constant(NDArray::scalar<double>(2.0)), one_f = T::constant(NDArray::scalar<double>(1.0));
  CHECK(pp(T::fill(T::pow(x, two_f), 1.0) * two_f * T::pow(x, two_f - one_f)) ==
        "((fill((x ** TensorConstant{2.0}), TensorConstant{1.0}) * TensorConstant{2.0}) * (x ** (TensorConstant{2.0} - TensorConstant{1.0})))");
}

TEST_CASE("pp of our gradient of x squared and of its compiled form") {
  // Our T::grad seeds a scalar cost with the constant 1.0 where Theano writes fill(cost, 1.0), and
  // the int8 2 became a float64 constant when x ** 2 was built; compiled, the graph is Theano's.
  Var x = T::dscalar("x");
  Var gy = T::grad(T::pow(x, 2), x);
  const std::string before = pp(gy);
  INFO(before);
  CHECK(before == "((TensorConstant{1.0} * TensorConstant{2.0}) * (x ** (TensorConstant{2.0} - TensorConstant{1.0})))");
  Function f = theano::function({x}, gy);
  CHECK(f(4.0).array().item() == 8.0);
  const std::string after = pp(Var(f.fgraph().outputs()[0]));
  CHECK(after == "(TensorConstant{2.0} * x)");
}

TEST_CASE("pp refuses an undefined Var and prints a deep chain without recursion") {
  CHECK_THROWS_WITH(pp(Var()), Catch::Matchers::Contains("theano::pp"));
  Var x = T::dscalar("x"), y = x;
  for (int i = 0; i < 100000; ++i) y = y + 1.0;
  const std::string s = pp(y);
  CHECK(s.size() == 100000 * std::string(" + TensorConstant{1.0})").size() + 100000 + 1);
}
