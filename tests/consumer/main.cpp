// A user's first program against an installed theano-cpp: f(x) = x², its gradient, a compiled
// function, a shared variable updated by SGD, and a PNG from theano::plots. Exits 1 if a result is wrong.
#include <cstdio>
#include <theano/plots.hpp>
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

  // The second public header: a 1x1 white PNG is signature + IHDR + IDAT + IEND.
  std::string png = theano::plots::png_str({1, 1, {255}});
  bool png_ok = png.compare(1, 3, "PNG") == 0 && png.size() > 8 + 25 + 12 + 12;

  std::printf("f(4) = %g, f'(4) = %g, w after one step = %g, png %zu bytes\n", fx, gx, w1, png.size());
  return fx == 16.0 && gx == 8.0 && w1 == 1.5 && png_ok ? 0 : 1;
}
