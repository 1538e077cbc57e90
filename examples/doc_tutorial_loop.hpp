// loop.txt of Theano's doc/tutorial (Scan's deterministic examples) for doc_tutorial::Pages
// (examples/doc_tutorial.hpp): each doc line, then what our C++ spelling prints.
#pragma once
#include "doc_tutorial.hpp"

namespace doc_tutorial {

inline void Pages::loop() {
  say("== loop.txt ==");
  auto array = [](const theano::Dims& shape, std::vector<double> v) {
    NDArray a = NDArray::empty(theano::DType::Float64, shape);
    for (int64_t i = 0; i < a.size(); ++i) a.set_item(i, v[size_t(i)]);
    return a;
  };
  auto at = [](const NDArray& a, int64_t i, int64_t j) { return a.item(i * a.shape(1) + j); };
  // Row i of a (n, 2) times a (2, 2): the doc's x.dot(w) on one row, in a plain loop.
  auto dot_row = [&](const std::vector<double>& r, const NDArray& m, int64_t j) { return r[0] * at(m, 0, j) + r[1] * at(m, 1, j); };
  {
    Var X = T::dmatrix("X"), W = T::dmatrix("W"), b_sym = T::dvector("b_sym");
    auto [results, updates] = theano::scan([&](const Var& v) { return T::tanh(T::dot(v, W) + b_sym); }, {.sequences = {X}});
    Function compute_elementwise = theano::function({X, W, b_sym}, results[0]);
    NDArray x = array({2, 2}, {1, 0, 0, 1}), w = array({2, 2}, {1, 1, 1, 1}), b = array({2}, {1, 2});
    say(">>> print(compute_elementwise(x, w, b))");
    say(numpy::str(compute_elementwise(x, w, b).array(0)));
    say(">>> print(np.tanh(x.dot(w) + b))");
    NDArray ref = array({2, 2}, {0, 0, 0, 0});
    for (int64_t i = 0; i < 2; ++i)
      for (int64_t j = 0; j < 2; ++j) ref.set_item(i * 2 + j, std::tanh(dot_row({at(x, i, 0), at(x, i, 1)}, w, j) + b.item(j)));
    say(numpy::str(ref));
  }
  {
    Var X = T::dvector("X"), W = T::dmatrix("W"), U = T::dmatrix("U"), Y = T::dmatrix("Y"), V = T::dmatrix("V"), P = T::dmatrix("P");
    auto [results, updates] = theano::scan(
        [&](const Var& y, const Var& p, const Var& x_tm1) { return T::tanh(T::dot(x_tm1, W) + T::dot(y, U) + T::dot(p, V)); },
        {.sequences = {Y, P[T::slice(std::nullopt, std::nullopt, -1)]}, .outputs_info = {X}});
    Function compute_seq = theano::function({X, W, Y, U, P, V}, results[0]);
    NDArray x = array({2}, {0, 1}), w = array({2, 2}, {1, 1, 1, 1}), u = w.copy(), v = w.copy();
    NDArray y = array({5, 2}, {-3, -3, 1, 1, 1, 1, 1, 1, 1, 1}), p = array({5, 2}, {3, 3, 1, 1, 1, 1, 1, 1, 1, 1});
    say(">>> print(compute_seq(x, w, y, u, p, v))");
    say(numpy::str(compute_seq(x, w, y, u, p, v).array(0)));
    say(">>> print(x_res)");
    NDArray ref = NDArray::zeros(theano::DType::Float64, {5, 2});
    std::vector<double> prev = {0, 1};
    for (int64_t i = 0; i < 5; ++i) {
      std::vector<double> next(2);
      for (int64_t j = 0; j < 2; ++j)
        next[size_t(j)] = std::tanh(dot_row(prev, w, j) + dot_row({at(y, i, 0), at(y, i, 1)}, u, j) + dot_row({at(p, 4 - i, 0), at(p, 4 - i, 1)}, v, j));
      for (int64_t j = 0; j < 2; ++j) ref.set_item(i * 2 + j, next[size_t(j)]);
      prev = next;
    }
    say(numpy::str(ref));
  }
  {
    Var X = T::dmatrix("X");
    auto norms = [](const Var& x_i) { return T::sqrt(T::sum(T::pow(x_i, 2))); };
    Function compute_norm_lines = theano::function({X}, theano::scan(norms, {.sequences = {X}}).outputs[0]);
    Function compute_norm_cols = theano::function({X}, theano::scan(norms, {.sequences = {X.T()}}).outputs[0]);
    NDArray x = NDArray::zeros(theano::DType::Float64, {6, 6});  // np.diag(np.arange(1, 6), 1)
    for (int64_t i = 0; i < 5; ++i) x.set_item(i * 6 + i + 1, double(i + 1));
    say(">>> print(compute_norm_lines(x))");
    say(numpy::str(compute_norm_lines(x).array(0)));
    say(">>> print(compute_norm_cols(x))");
    say(numpy::str(compute_norm_cols(x).array(0)));
  }
  {
    Var X = T::dmatrix("X");
    auto [results, updates] = theano::scan(
        [&](const Var& i, const Var& j, const Var& t_f) { return T::cast(X[{i, j}] + t_f, "float32"); },
        {.sequences = {T::arange(X.shape()[0]), T::arange(X.shape()[1])}, .outputs_info = {T::constant(NDArray::scalar(0.0f))}});
    Function compute_trace = theano::function({X}, results[0][-1]);
    NDArray x = NDArray::zeros(theano::DType::Float64, {5, 5});
    for (int64_t i = 0; i < 5; ++i) x.set_item(i * 5 + i, 1.0);
    for (int64_t j = 0; j < 5; ++j) x.set_item(j, double(j));
    say(">>> print(compute_trace(x))");
    say(numpy::str(compute_trace(x).array(0)));
  }
  {
    Var X = T::dmatrix("X"), W = T::dmatrix("W"), b_sym = T::dvector("b_sym"), U = T::dmatrix("U"), V = T::dmatrix("V");
    Var n_sym = T::iscalar("n_sym");
    auto [results, updates] = theano::scan(
        [&](const Var& x_tm2, const Var& x_tm1) { return T::dot(x_tm2, U) + T::dot(x_tm1, V) + T::tanh(T::dot(x_tm1, W) + b_sym); },
        {.outputs_info = {{X, {-2, -1}}}, .n_steps = n_sym});
    Function compute_seq2 = theano::function({X, U, V, W, b_sym, n_sym}, results[0]);
    NDArray x = array({2, 2}, {0, 0, 0, 1}), w = array({2, 2}, {0.5, 0.5, 0.5, 0.5}), u = array({2, 2}, {0, 0.5, 0.5, 0});
    NDArray v = w.copy(), b = array({2}, {1, 1});
    say(">>> print(compute_seq2(x, u, v, w, b, n))");
    say(numpy::str(compute_seq2(x, u, v, w, b, 10).array(0)));
  }
  {
    Var k = T::iscalar("k"), A = T::dvector("A");
    auto [result, updates] = theano::scan([](const Var& prior_result, const Var& A) { return prior_result * A; },
                                          {.outputs_info = {T::ones_like(A)}, .non_sequences = {A}, .n_steps = k});
    Function power = theano::function({A, k}, result[0][-1], {.updates = updates});
    say(">>> print(power(range(10), 2))");
    say(numpy::str(power(array({10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), 2).array(0)));
  }
  {
    Var coefficients = T::dvector("coefficients"), x = T::dscalar("x");
    auto [components, updates] = theano::scan(
        [](const Var& coefficient, const Var& power, const Var& free_variable) { return coefficient * T::pow(free_variable, power); },
        {.sequences = {coefficients, T::arange(10000)}, .non_sequences = {x}});
    Function calculate_polynomial = theano::function({coefficients, x}, components[0].sum());
    say(">>> print(calculate_polynomial(test_coeff, 3))");
    say(numpy::str(calculate_polynomial(array({3}, {1, 0, 2}), 3.0).array(0)));
  }
}

}  // namespace doc_tutorial
