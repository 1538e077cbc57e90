// A user's first program against an installed theano-cpp: f(x) = x², its gradient, a compiled
// function, and a shared variable updated by SGD. Exits 1 if a number is wrong.
#include <cstdio>
#include <theano/theano.hpp>

namespace T = theano::tensor;

int main() {
  auto x = T::dscalar("x");
  auto y = x * x;
  auto gy = T::grad(y, x);
  auto f = theano::function({x}, {y, gy});
  auto out = f(4.0);
  double fx = out.scalar(0), gx = out.scalar(1);

  // One SGD step on w² from w = 3 with learning rate 0.25: w becomes 3 - 0.25 * 6 = 1.5.
  auto w = theano::shared(3.0, "w");
  auto cost = w * w;
  auto step = theano::function({}, cost, {.updates = {{w, w - 0.25 * T::grad(cost, w)}}});
  step();
  double w1 = w.get_value().item(0);

  std::printf("f(4) = %g, f'(4) = %g, w after one step = %g\n", fx, gx, w1);
  return fx == 16.0 && gx == 8.0 && w1 == 1.5 ? 0 : 1;
}
