// The examples of Theano's own tutorial (doc/tutorial: adding.txt, examples.txt, gradients.txt,
// conditions.txt; examples.txt's "Using Random Numbers" in doc_tutorial_random.hpp, loop.txt in
// doc_tutorial_loop.hpp), line for line in C++. Each Python statement the doc shows is printed as the doc
// writes it (">>> ..."), followed by what our C++ spelling of it prints, in numpy's formats, so the
// transcript reads like the doc page: tests/test_doc_tutorial.cpp compares it with the doc's
// printed values (tests/doc_tutorial/expected.txt). examples/doc_tutorial.cpp runs it.
#pragma once
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <ostream>
#include <string>
#include <vector>

#include <theano/theano.hpp>

namespace doc_tutorial {

namespace T = theano::tensor;
namespace numpy = theano::numpy;
using theano::Function;
using theano::In;
using theano::kw;
using theano::NDArray;
using theano::Var;

class Pages {
 public:
  explicit Pages(std::ostream& out) : out_(out) {}

  // The REPL's display of a function's return value: the array for one output, a list for several.
  static std::string repr(const theano::Result& r) {
    if (r.size() == 1) return numpy::repr(r.array(0));
    std::string s = "[";
    for (size_t i = 0; i < r.size(); ++i) s += (i ? ", " : "") + numpy::repr(r.array(i));
    return s + "]";
  }
  static std::string repr(bool b) { return b ? "True" : "False"; }

  // ---- adding.txt: Baby Steps - Algebra ----
  void adding() {
    say("== adding.txt ==");
    {
      Var x = T::dscalar("x");
      Var y = T::dscalar("y");
      Var z = x + y;
      Function f = theano::function({x, y}, z);
      say(">>> f(2, 3)");
      say(repr(f(2, 3)));
      say(">>> numpy.allclose(f(16.3, 12.1), 28.4)");
      say(repr(numpy::allclose(f(16.3, 12.1), 28.4)));
      say(">>> x.type");
      say(x.type().str());
      say(">>> numpy.allclose(z.eval({x : 16.3, y : 12.1}), 28.4)");
      say(repr(numpy::allclose(theano::eval(z, {{x, 16.3}, {y, 12.1}}), NDArray::scalar(28.4))));
    }
    {
      Var x = T::dmatrix("x");
      Var y = T::dmatrix("y");
      Var z = x + y;
      Function f = theano::function({x, y}, z);
      say(">>> f([[1, 2], [3, 4]], [[10, 20], [30, 40]])");
      say(repr(f(theano::list({{1, 2}, {3, 4}}), theano::list({{10, 20}, {30, 40}}))));
      say(">>> f(numpy.array([[1, 2], [3, 4]]), numpy.array([[10, 20], [30, 40]]))");
      say(repr(f(numpy::array({{1, 2}, {3, 4}}), numpy::array({{10, 20}, {30, 40}}))));
    }
    {
      // Exercise: a ** 2 + b ** 2 + 2 * a * b on vectors.
      Var a = T::vector("a");
      Var b = T::vector("b");
      Var out = T::pow(a, 2) + T::pow(b, 2) + 2 * a * b;
      Function f = theano::function({a, b}, out);
      say(">>> print(f([1, 2], [4, 5]))");
      say(numpy::str(f(theano::list({1, 2}), theano::list({4, 5})).array(0)));
    }
  }

  // ---- examples.txt: More Examples ----
  void logistic_function() {
    Var x = T::dmatrix("x");
    Var s = 1 / (1 + T::exp(-x));
    Function logistic = theano::function({x}, s);
    say(">>> logistic([[0, 1], [-1, -2]])");
    say(repr(logistic(theano::list({{0, 1}, {-1, -2}}))));
    Var s2 = (1 + T::tanh(x / 2)) / 2;
    Function logistic2 = theano::function({x}, s2);
    say(">>> logistic2([[0, 1], [-1, -2]])");
    say(repr(logistic2(theano::list({{0, 1}, {-1, -2}}))));
  }

  void several_outputs() {
    auto [a, b] = T::dmatrices("a", "b");
    Var diff = a - b;
    Var abs_diff = T::abs(diff);
    Var diff_squared = T::pow(diff, 2);
    Function f = theano::function({a, b}, {diff, abs_diff, diff_squared});
    say(">>> f([[1, 1], [1, 1]], [[0, 1], [2, 3]])");
    say(repr(f(theano::list({{1, 1}, {1, 1}}), theano::list({{0, 1}, {2, 3}}))));
  }

  void default_values() {
    {
      auto [x, y] = T::dscalars("x", "y");
      Var z = x + y;
      Function f = theano::function({x, In(y, {.value = 1})}, z);
      say(">>> f(33)");
      say(repr(f(33)));
      say(">>> f(33, 2)");
      say(repr(f(33, 2)));
    }
    auto [x, y, w] = T::dscalars("x", "y", "w");
    Var z = (x + y) * w;
    Function f = theano::function({x, In(y, {.value = 1}), In(w, {.name = "w_by_name", .value = 2})}, z);
    say(">>> f(33)");
    say(repr(f(33)));
    say(">>> f(33, 2)");
    say(repr(f(33, 2)));
    say(">>> f(33, 0, 1)");
    say(repr(f(33, 0, 1)));
    say(">>> f(33, w_by_name=1)");
    say(repr(f(33, kw("w_by_name", 1))));
    say(">>> f(33, w_by_name=1, y=0)");
    say(repr(f(33, kw("w_by_name", 1), kw("y", 0))));
  }

  void shared_variables() {
    auto state = theano::shared(0);
    Var inc = T::iscalar("inc");
    Function accumulator = theano::function({inc}, state, {.updates = {{state, state + inc}}});
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));
    say(">>> accumulator(1)");
    say(repr(accumulator(1)));
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));
    say(">>> accumulator(300)");
    say(repr(accumulator(300)));
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));
    say(">>> state.set_value(-1)");
    state.set_value(NDArray::scalar(int64_t(-1)));
    say(">>> accumulator(3)");
    say(repr(accumulator(3)));
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));

    Function decrementor = theano::function({inc}, state, {.updates = {{state, state - inc}}});
    say(">>> decrementor(2)");
    say(repr(decrementor(2)));
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));

    Var fn_of_state = state * 2 + inc;
    // The type of foo must match the shared variable we are replacing with the givens.
    Var foo = T::scalar("", state.dtype());
    Function skip_shared = theano::function({inc, foo}, fn_of_state, {.givens = {{state, foo}}});
    say(">>> skip_shared(1, 3)  # we're using 3 for the state, not state.value");
    say(repr(skip_shared(1, 3)));
    say(">>> print(state.get_value())  # old state still there, but we didn't use it");
    say(numpy::str(state.get_value()));
  }

  void copying_functions() {
    auto state = theano::shared(0);
    Var inc = T::iscalar("inc");
    Function accumulator = theano::function({inc}, state, {.updates = {{state, state + inc}}});
    say(">>> accumulator(10)");
    say(repr(accumulator(10)));
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));
    auto new_state = theano::shared(0);
    Function new_accumulator = accumulator.copy({.swap = {{state, new_state}}});
    // Theano's copy returns its outputs as a list: the copied maker no longer unpacks a single output.
    say(">>> new_accumulator(100)");
    say("[" + repr(new_accumulator(100)) + "]");
    say(">>> print(new_state.get_value())");
    say(numpy::str(new_state.get_value()));
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));
    Function null_accumulator = accumulator.copy({.delete_updates = true});
    say(">>> null_accumulator(9000)");
    say("[" + repr(null_accumulator(9000)) + "]");
    say(">>> print(state.get_value())");
    say(numpy::str(state.get_value()));
  }

  // "A Real Example: Logistic Regression". The doc draws D from numpy's unseeded global generator and
  // hides the numbers; here numpy.random.RandomState(0) makes the run repeatable.
  void logistic_regression() {
    numpy::RandomState rng(0);
    const int64_t N = 400;     // training sample size
    const int64_t feats = 784;  // number of input variables
    // generate a dataset: D = (input_values, target_class)
    NDArray D0 = rng.randn({N, feats});
    NDArray D1 = rng.randint(0, 2, {N});
    const int training_steps = 10000;

    // Declare Theano symbolic variables
    Var x = T::dmatrix("x");
    Var y = T::dvector("y");
    // initialize the weight vector w randomly; this and the bias b are shared so they keep their
    // values between training iterations (updates)
    auto w = theano::shared(rng.randn({feats}), "w");
    auto b = theano::shared(0., "b");
    say("Initial model:");
    say(numpy::str(w.get_value()));
    say(numpy::str(b.get_value()));

    // Construct Theano expression graph
    Var p_1 = 1 / (1 + T::exp(-T::dot(x, w) - b));          // Probability that target = 1
    Var prediction = p_1 > 0.5;                              // The prediction thresholded
    Var xent = -y * T::log(p_1) - (1 - y) * T::log(1 - p_1);  // Cross-entropy loss function
    Var cost = xent.mean() + 0.01 * T::pow(w, 2).sum();       // The cost to minimize
    auto gw_gb = T::grad(cost, {w, b});                       // the gradient of the cost w.r.t. w and b
    Var gw = gw_gb[0], gb = gw_gb[1];

    // Compile
    Function train = theano::function({x, y}, {prediction, xent}, {.updates = {{w, w - 0.1 * gw}, {b, b - 0.1 * gb}}});
    Function predict = theano::function({x}, prediction);

    // Train
    for (int i = 0; i < training_steps; ++i) train(D0, D1);

    say("Final model:");
    say(numpy::str(w.get_value()));
    say(numpy::str(b.get_value()));
    say("target values for D:");
    say(numpy::str(D1));
    say("prediction on D:");
    say(numpy::str(predict(D0).array(0)));
  }

  void examples() {
    say("== examples.txt ==");
    logistic_function();
    several_outputs();
    default_values();
    shared_variables();
    copying_functions();
    logistic_regression();
  }

  // ---- gradients.txt: Derivatives in Theano ----
  void gradients() {
    say("== gradients.txt ==");
    {
      Var x = T::dscalar("x");
      Var y = T::pow(x, 2);
      Var gy = T::grad(y, x);
      say(">>> pp(gy)  # print out the gradient prior to optimization");
      say("'" + theano::pp(gy) + "'");
      Function f = theano::function({x}, gy);
      say(">>> pp(f.maker.fgraph.outputs[0])");
      say("'" + theano::pp(f.fgraph().outputs()[0]) + "'");
      say(">>> f(4)");
      say(repr(f(4)));
      say(">>> numpy.allclose(f(94.2), 188.4)");
      say(repr(numpy::allclose(f(94.2), 188.4)));
    }
    {
      Var x = T::dmatrix("x");
      Var s = T::sum(1 / (1 + T::exp(-x)));
      Var gs = T::grad(s, x);
      Function dlogistic = theano::function({x}, gs);
      say(">>> dlogistic([[0, 1], [-1, -2]])");
      say(repr(dlogistic(theano::list({{0, 1}, {-1, -2}}))));
    }
    {
      // L-operator: the vector times the Jacobian.
      Var W = T::dmatrix("W");
      Var v = T::dvector("v");
      Var x = T::dvector("x");
      Var y = T::dot(x, W);
      Var VJ = T::Lop(y, W, v);
      Function f = theano::function({v, x}, VJ);
      say(">>> f([2, 2], [0, 1])");
      say(repr(f(theano::list({2, 2}), theano::list({0, 1}))));
    }
    {
      // Hessian times a vector without the Hessian: the gradient of (gradient . v).
      Var x = T::dvector("x");
      Var v = T::dvector("v");
      Var y = T::sum(T::pow(x, 2));
      Var gy = T::grad(y, x);
      Var vH = T::grad(T::sum(gy * v), x);
      Function f = theano::function({x, v}, vH);
      say(">>> f([4, 4], [2, 2])");
      say(repr(f(theano::list({4, 4}), theano::list({2, 2}))));
    }
  }

  // ---- conditions.txt: IfElse vs Switch (the switch half; ifelse comes with scan) ----
  void conditions() {
    say("== conditions.txt ==");
    auto [a, b] = T::scalars("a", "b");
    auto [x, y] = T::matrices("x", "y");
    Var z_switch = T::switch_(T::lt(a, b), T::mean(x), T::mean(y));
    Function f_switch = theano::function({a, b, x, y}, z_switch);
    const double val1 = 0., val2 = 1.;
    // numpy.ones((10000, 1000)) is float64, Theano's default floatX that the doc assumes; the
    // matrices follow floatX here so the page runs under either.
    NDArray big_mat1 = NDArray::zeros(theano::config().floatX, {10000, 1000});
    for (int64_t i = 0; i < big_mat1.size(); ++i) big_mat1.set_item(i, 1.0);
    NDArray big_mat2 = big_mat1.copy();
    const int n_times = 10;
    auto tic = std::chrono::steady_clock::now();
    for (int i = 0; i < n_times; ++i) f_switch(val1, val2, big_mat1, big_mat2);
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - tic).count();
    say(fmt::format("time spent evaluating both values {:f} sec", secs));
  }

  // ---- examples.txt: Using Random Numbers (examples/doc_tutorial_random.hpp) ----
  void random();
  // ---- loop.txt: Scan (the deterministic examples; the Jacobian needs scan's gradient) ----
  // The doc's values are float64 (its floatX): the page builds float64 variables whatever floatX is.
  void loop();

 private:
  void say(const std::string& line) { out_ << line << '\n'; }
  std::ostream& out_;
};

}  // namespace doc_tutorial

#include "doc_tutorial_loop.hpp"
#include "doc_tutorial_random.hpp"
