// A user's first program against an installed theano-cpp: f(x) = x², its gradient, a compiled
// function, a shared variable updated by SGD, a PNG from theano::plots, and the tutorials' dA class
// from the installed <theano/tutorials/dA.hpp>. Exits 1 if a result is wrong.
#include <cmath>
#include <cstdio>
#include <theano/plots.hpp>
#include <theano/theano.hpp>
#include <theano/tutorials/dA.hpp>

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

  // The tutorials' building blocks are installed too: one training step of a small dA with 30 %
  // corruption changes its weights and gives a finite reconstruction cost.
  theano::numpy::RandomState rng(123);
  auto input = T::dmatrix("input");
  theano::tutorials::dA da(rng, nullptr, input, /*n_visible=*/4, /*n_hidden=*/3);
  auto [da_cost, da_updates] = da.get_cost_updates(0.3, 0.1);
  auto train = theano::function({input}, da_cost, {.updates = da_updates});
  theano::NDArray before = da.W.get_value();
  double c = train(theano::numpy::array({{0.0, 0.5, 1.0, 0.25}, {1.0, 0.0, 0.5, 0.75}})).scalar(0);
  bool da_ok = std::isfinite(c) && c > 0 && !theano::numpy::allclose(before, da.W.get_value(), 0, 0);

  std::printf("f(4) = %g, f'(4) = %g, w after one step = %g, png %zu bytes, dA cost %g\n", fx, gx, w1, png.size(), c);
  return fx == 16.0 && gx == 8.0 && w1 == 1.5 && png_ok && da_ok ? 0 : 1;
}
