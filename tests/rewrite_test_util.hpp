// Helpers of the rewrite tests (test_rewrites*.cpp): one pass over a fresh FunctionGraph with its
// graph before and after as debugprint text, golden comparison of that text, the ops a compiled
// function runs, and the logistic regression whose cost the stabilize and pipeline tests rewrite.
#pragma once
#include <algorithm>
#include <initializer_list>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "graph/rewrite.hpp"
#include "test_files.hpp"
#include "test_util.hpp"

namespace rewrite_test {

// On a mismatch the actual text is written to <tmp>/theano_rewrite_tests/<name>.actual.
inline void check_golden(const std::string& actual, const std::string& expected, const std::string& name) {
  test_files::check_golden_text("theano_rewrite_tests", actual, expected, name);
}

// A pass over a fresh FunctionGraph of `outputs`, verified after it ran.
struct Rewritten {
  std::unique_ptr<theano::FunctionGraph> fg;
  std::string before, after;
  theano::rewrite::Context ctx;
  std::ostringstream log;
};

inline std::unique_ptr<Rewritten> rewritten(const std::vector<theano::Var>& inputs, const std::vector<theano::Var>& outputs,
                                            const theano::rewrite::Pass& pass) {
  namespace P = theano::printing;
  auto r = std::make_unique<Rewritten>();
  r->fg = std::make_unique<theano::FunctionGraph>(theano::as_variables(inputs), theano::as_variables(outputs));
  r->before = P::debugprint_str(theano::as_vars(r->fg->outputs()));
  r->ctx.log = &r->log;
  pass.run(*r->fg, r->ctx);
  theano::rewrite::verify(*r->fg);
  r->after = P::debugprint_str(theano::as_vars(r->fg->outputs()));
  return r;
}

// One local rewrite as a phase of its own.
inline theano::rewrite::LocalPhase phase_of(std::initializer_list<const theano::rewrite::LocalRewrite*> rewrites) {
  theano::rewrite::LocalPhase p("test_phase");
  for (const theano::rewrite::LocalRewrite* r : rewrites) p.add(*r);
  return p;
}

inline std::vector<std::string> op_strs(const theano::Function& f) {
  std::vector<std::string> s;
  for (theano::Apply* a : f.fgraph().toposort()) s.push_back(a->op->str());
  return s;
}
inline size_t count_op(const theano::Function& f, const std::string& str) {
  auto s = op_strs(f);
  return size_t(std::count(s.begin(), s.end(), str));
}

// examples/logistic_sgd.hpp's cost and gradients, with small shapes and float32 spelled out.
struct Logistic {
  theano::SharedVariable W = theano::shared(theano::NDArray::zeros(theano::DType::Float32, {4, 3}), "W", true);
  theano::SharedVariable b = theano::shared(theano::NDArray::zeros(theano::DType::Float32, {3}), "b", true);
  theano::Var x = theano::tensor::fmatrix("x");
  theano::Var y = theano::tensor::ivector("y");
  theano::Var p_y_given_x = theano::tensor::nnet::softmax(theano::tensor::dot(x, W) + b);
  theano::Var cost = -theano::tensor::mean(theano::tensor::log(p_y_given_x)[{theano::tensor::arange(y.shape()[0]), y}]);
  theano::Var g_W = theano::tensor::grad(cost, W);
  theano::Var g_b = theano::tensor::grad(cost, b);
};

}  // namespace rewrite_test
