// The pool rewrites (ops/pool_rewrites.cpp): LeNet's tanh(pool_max(x) + b) becomes
// MaxPoolBiasActivation and its MaxPoolGrad becomes MaxPoolGradRecompute. Golden debugprint text of a
// compiled function with the two rewrites and without, the cases that must stay unchanged, results
// bit for bit against the unfused function, and a float64 numeric gradient check through the fused
// graph. On a golden mismatch the actual text is written to <tmp>/theano_rewrite_tests/<name>.actual.
#include <cstring>
#include <filesystem>
#include <fstream>

#include "test_files.hpp"
#include "test_util.hpp"
#include "theano/conv_pool.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;
namespace P = theano::printing;
namespace G = theano::gradient;
namespace pool = theano::tensor::signal::pool;
namespace fs = std::filesystem;

namespace {

const std::vector<std::string> kPoolRewrites{"local_max_pool_bias_activation", "local_max_pool_grad_recompute"};

void check_golden(const std::string& actual, const std::string& expected, const std::string& name) {
  test_files::check_golden_text("theano_rewrite_tests", actual, expected, name);
}

Function compile(const std::vector<Var>& in, const std::vector<Var>& out, bool pool_rewrites) {
  FunctionOptions o{.on_unused_input = "ignore", .mode = "FAST_RUN", .verify_rewrites = true};
  if (!pool_rewrites) o.optimizer_excluding = kPoolRewrites;
  return theano::function(in, out, o);
}

size_t count_op(const Function& f, const std::string& name) {
  size_t n = 0;
  for (Apply* a : f.fgraph().toposort()) n += a->op->name() == name;
  return n;
}

bool same_bits(const NDArray& a, const NDArray& b) {
  return a.dtype() == b.dtype() && a.shape() == b.shape() && std::memcmp(a.copy().raw(), b.copy().raw(), a.nbytes()) == 0;
}

Var max_pool(const Var& x, std::pair<int, int> ws = {2, 2}, std::optional<std::pair<int, int>> stride = std::nullopt) {
  return pool::pool_2d(x, {.ws = ws, .ignore_border = true, .stride = stride});
}
Var channel_bias(const Var& b) { return b.dimshuffle({'x', 0, 'x', 'x'}); }

// The layer and the gradient a next layer's gy sends back to x and b.
struct Layer {
  Var x, b, gy, out, gx, gb;
};
Layer layer(DType dt, const std::function<Var(const Var&)>& act = [](const Var& v) { return T::tanh(v); }) {
  Layer l;
  l.x = T::tensor(dt, {false, false, false, false}, "x");
  l.b = T::tensor(dt, {false}, "b");
  l.gy = T::tensor(dt, {false, false, false, false}, "gy");
  l.out = act(max_pool(l.x) + channel_bias(l.b));
  Var cost = T::sum(l.out * l.gy);
  l.gx = T::grad(cost, l.x);
  l.gb = T::grad(cost, l.b);
  return l;
}

}  // namespace

TEST_CASE("pool rewrites: tanh(pool_max(x) + b) and its MaxPoolGrad compiled with and without them", "[rewrite][pool]") {
  Layer l = layer(DType::Float64);
  std::vector<Var> in{l.x, l.b, l.gy}, out{l.out, l.gx};
  check_golden(P::debugprint_str(compile(in, out, false)),
               "Elemwise{Composite{tanh((i0 + i1))}} [id A] ''   2\n"
               " |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id B] ''   0\n"
               " | |x [id C]\n"
               " |DimShuffle{x,0,x,x} [id D] ''   1\n"
               "   |b [id E]\n"
               "MaxPoolGrad{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id F] ''   4\n"
               " |x [id C]\n"
               " |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id B] ''   0\n"
               " |Elemwise{Composite{((second((i0 * i1), i2) * i1) * (i2 - (i0 * i0)))}} [id G] ''   3\n"
               "   |Elemwise{Composite{tanh((i0 + i1))}} [id A] ''   2\n"
               "   |gy [id H]\n"
               "   |TensorConstant{(1, 1, 1, 1) of 1.0} [id I]\n",
               "pool_fusion_before");
  // The pooled array is gone: the gradient recomputes the window maxima from x.
  check_golden(P::debugprint_str(compile(in, out, true)),
               "MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id A] ''   1\n"
               " |x [id B]\n"
               " |DimShuffle{x,0,x,x} [id C] ''   0\n"
               "   |b [id D]\n"
               "MaxPoolGradRecompute{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id E] ''   3\n"
               " |x [id B]\n"
               " |Elemwise{Composite{((second((i0 * i1), i2) * i1) * (i2 - (i0 * i0)))}} [id F] ''   2\n"
               "   |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id A] ''   1\n"
               "   |gy [id G]\n"
               "   |TensorConstant{(1, 1, 1, 1) of 1.0} [id H]\n",
               "pool_fusion_after");
}

TEST_CASE("pool rewrites leave alone a pooled array read elsewhere - average pooling - other activations and biases",
          "[rewrite][pool]") {
  Var x = T::dtensor4("x"), b = T::dvector("b"), b4 = T::dtensor4("b4");
  Var pooled = max_pool(x);
  Var avg = pool::pool_2d(x, {.ws = std::pair{2, 2}, .ignore_border = true, .mode = "average_exc_pad"});
  std::vector<std::pair<std::string, std::vector<Var>>> cases{
      {"the pooled array also an output", {T::tanh(pooled + channel_bias(b)), pooled}},
      {"average pooling", {T::tanh(avg + channel_bias(b))}},
      {"exp is no supported activation", {T::exp(pooled + channel_bias(b))}},
      {"tanh of the sum of two poolings", {T::tanh(pooled + max_pool(b4))}},
      {"a bias that varies within an image", {T::tanh(pooled + b4)}},
      {"overlapping windows: MaxPoolGrad reads the pooled array", {T::grad(T::sum(T::tanh(max_pool(x, {3, 3}, std::pair{1, 1}) + channel_bias(b))), x)}},
  };
  for (const auto& [name, outs] : cases) {
    INFO(name);
    CHECK(P::debugprint_str(compile({x, b, b4}, outs, true)) == P::debugprint_str(compile({x, b, b4}, outs, false)));
  }
}

TEST_CASE("pool rewrites: sigmoid and an N x 1 x 1 x 1 bias are fused too and MaxPoolGrad is recomputed without fusion",
          "[rewrite][pool]") {
  Var x = T::dtensor4("x"), bn = T::tensor(DType::Float64, {false, true, true, true}, "bn");
  Function f = compile({x, bn}, {T::nnet::sigmoid(max_pool(x) + bn)}, true);
  CHECK(count_op(f, "MaxPoolBiasActivation") == 1);
  CHECK(count_op(f, "Pool") == 0);
  // Without a fusable activation the pooled array stays; its gradient still recomputes the maxima.
  Var p = max_pool(x);
  Function g = compile({x}, {T::grad(T::sum(T::exp(p)), x)}, true);
  CHECK(count_op(g, "MaxPoolGradRecompute") == 1);
  CHECK(count_op(g, "MaxPoolGrad") == 0);
  CHECK(count_op(g, "Pool") == 1);
}

TEST_CASE("pool rewrites compute what the unfused graph computes bit for bit in float32 and float64", "[rewrite][pool]") {
  numpy::RandomState rng(5);
  for (DType dt : {DType::Float32, DType::Float64})
    // (3, 5, 72, 70) is large enough for the ops to split it over the kernel threads.
    for (auto [batch, h, w] : {std::tuple{1, 7, 9}, std::tuple{3, 24, 24}, std::tuple{3, 6, 13}, std::tuple{3, 72, 70}}) {
      INFO(dtype_name(dt) << " batch " << batch << " image " << h << "x" << w);
      Layer l = layer(dt);
      std::vector<Var> in{l.x, l.b, l.gy}, out{l.out, l.gx, l.gb};
      Function fused = compile(in, out, true), plain = compile(in, out, false);
      REQUIRE(count_op(fused, "MaxPoolBiasActivation") == 1);
      REQUIRE(count_op(fused, "MaxPoolGradRecompute") == 1);
      REQUIRE(count_op(plain, "MaxPoolBiasActivation") == 0);
      // Ties in x: a few distinct values, so windows hold several maxima (each gets the full gradient).
      NDArray x = random(rng, dt, Dims{batch, 5, h, w}, -2, 2);
      if (batch == 3)
        for (int64_t i = 0; i < x.size(); ++i) x.set_item(i, std::floor(x.item(i) * 2) / 2);
      std::vector<Arg> args{x, random(rng, dt, Dims{5}, -1, 1), random(rng, dt, Dims{batch, 5, h / 2, w / 2}, -1, 1)};
      Result a = fused.call(args), b = plain.call(args);
      for (int k = 0; k < 3; ++k) {
        INFO("output " << k);
        CHECK(same_bits(a.array(k), b.array(k)));
      }
    }
}

TEST_CASE("verify_grad through MaxPoolBiasActivation and MaxPoolGradRecompute in float64", "[rewrite][pool][grad]") {
  // The activation feeds a dot as in LeNet, so it is read twice in the gradient and stays out of the
  // tanh derivative's Composite: the compiled gradient holds both fused ops.
  auto fun = [](const std::vector<Var>& v) {
    return T::dot(T::tanh(max_pool(v[0]) + channel_bias(v[1])).flatten(2), v[2]);
  };
  numpy::RandomState data(11);
  std::vector<NDArray> pt{random(data, DType::Float64, Dims{3, 2, 7, 9}, -1, 1), random(data, DType::Float64, Dims{2}, -0.5, 0.5),
                          random(data, DType::Float64, Dims{2 * 3 * 4, 5}, -1, 1)};
  Var x = T::dtensor4("x"), b = T::dvector("b"), W = T::dmatrix("W");
  Var cost = T::sum(fun({x, b, W}));
  Function grads = compile({x, b, W}, T::grad(cost, std::vector<Var>{x, b, W}), true);
  REQUIRE(count_op(grads, "MaxPoolBiasActivation") == 1);
  REQUIRE(count_op(grads, "MaxPoolGradRecompute") == 1);
  numpy::RandomState rng(12);
  CHECK_NOTHROW(G::verify_grad(fun, pt, rng));
}
