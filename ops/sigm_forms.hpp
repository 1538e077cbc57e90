// The spellings of sigmoid and softplus that the stabilizing rewrites (ops/sigm_rewrites.cpp) and
// the stable gradient rules of the grad driver (ops/grad_stable.cpp) both recognize.
#pragma once
#include <cmath>
#include <optional>

#include "ops/rewrite_util.hpp"

namespace theano::ops::sigm {

// Theano's _is_1: a one-element constant close to 1 (numpy.allclose).
inline bool is_one(const Var& v) {
  auto c = match::scalar_constant_value(v);
  return c && std::abs(*c - 1.0) <= 1e-8 + 1e-5;
}

// x when v = exp(x).
inline std::optional<Var> exp_arg(const Var& v) {
  if (Apply* e = match::elemwise_of(v, ScalarKind::Exp)) return Var(e->inputs[0]);
  return std::nullopt;
}

// Theano's is_1pexp: x when v = 1 + exp(x) (either order).
inline std::optional<Var> one_plus_exp_arg(const Var& v) {
  Apply* add = match::elemwise_of(v, ScalarKind::Add);
  if (!add) return std::nullopt;
  for (int k : {0, 1})
    if (is_one(add->inputs[size_t(k)]))
      if (auto x = exp_arg(add->inputs[size_t(1 - k)])) return x;
  return std::nullopt;
}

// v = sigmoid(sign * z), for the spellings sigmoid(z), 1 / (1 + exp(-z)) (sign +1, z the exp's
// argument negated: reported as z = t, sign -1 for 1 / (1 + exp(t))), exp(z) / (1 + exp(z)) and
// 1 - (any of these) (the sign flips). z is always a variable of the graph.
struct SigmoidForm {
  Var z;
  int sign;
};
inline std::optional<SigmoidForm> sigmoid_form(const Var& v) {
  if (Apply* s = match::elemwise_of(v, ScalarKind::Sigmoid)) return SigmoidForm{s->inputs[0], 1};
  if (Apply* div = match::elemwise_of(v, ScalarKind::TrueDiv)) {
    auto t = one_plus_exp_arg(div->inputs[1]);
    if (!t) return std::nullopt;
    if (is_one(div->inputs[0])) return SigmoidForm{*t, -1};
    if (auto n = exp_arg(div->inputs[0]); n && *n == *t) return SigmoidForm{*t, 1};
    return std::nullopt;
  }
  if (Apply* sub = match::elemwise_of(v, ScalarKind::Sub); sub && is_one(sub->inputs[0]))
    if (auto f = sigmoid_form(sub->inputs[1])) return SigmoidForm{f->z, -f->sign};
  return std::nullopt;
}

}  // namespace theano::ops::sigm
