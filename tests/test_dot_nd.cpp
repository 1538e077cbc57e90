// T::dot of N-d tensors, tensordot and batched_dot compiled: one matrix product of the flattened
// operands in the schedule (not a product per leading index), and the values the op table checks.
#include <fmt/format.h>

#include "graph/op_base.hpp"
#include "ops/batched_dot.hpp"
#include "ops/blas.hpp"
#include "ops/shape.hpp"
#include "test_util.hpp"

using namespace theano;
namespace T = theano::tensor;

namespace {
struct Counts {
  int dots = 0, gemms = 0, batched = 0, total = 0;
};
Counts count_products(const Function& f) {
  Counts c;
  for (const Apply* a : f.schedule()) {
    ++c.total;
    if (dynamic_cast<const ops::Dot*>(a->op.get())) ++c.dots;
    if (dynamic_cast<const ops::Gemm*>(a->op.get())) ++c.gemms;
    if (dynamic_cast<const ops::BatchedDot*>(a->op.get())) ++c.batched;
  }
  return c;
}
std::string schedule_str(const Function& f) {
  std::string s;
  for (const Apply* a : f.schedule()) s += a->op->str() + "\n";
  return s;
}
}  // namespace

TEST_CASE("dot of a tensor3 and a matrix is one matrix product of the flattened rows") {
  Var x = T::dtensor3("x"), W = T::dmatrix("W"), b = T::dvector("b");
  for (const Var& out : {T::dot(x, W), T::dot(x, W) + b, T::tanh(T::dot(x.dimshuffle({1, 0, 2}), W) + b)}) {
    Function f = theano::function({x, W, b}, out, {.on_unused_input = "ignore"});
    INFO(schedule_str(f));
    const Counts c = count_products(f);
    CHECK(c.dots + c.gemms == 1);
    CHECK(c.batched == 0);
  }
  // The product's rows are the flattened leading dims: (2*3, 4) x (4, 5), reshaped to (2, 3, 5).
  Function f = theano::function({x, W}, T::dot(x, W));
  numpy::RandomState rng(3);
  NDArray xv = test_util::random(rng, DType::Float64, Dims{2, 3, 4}, -1, 1), Wv = test_util::random(rng, DType::Float64, Dims{4, 5}, -1, 1);
  NDArray out = f(xv, Wv).array();
  REQUIRE(out.shape() == Dims({2, 3, 5}));
  for (int i = 0; i < 2; ++i)
    for (int t = 0; t < 3; ++t)
      for (int j = 0; j < 5; ++j) {
        double want = 0;
        for (int k = 0; k < 4; ++k) want += xv.item((i * 3 + t) * 4 + k) * Wv.item(k * 5 + j);
        CHECK(out.item((i * 3 + t) * 5 + j) == Approx(want).epsilon(1e-12));
      }
}

TEST_CASE("dot and tensordot of higher ranks on both sides compile to one matrix product") {
  Var a = T::dtensor4("a"), c = T::dtensor3("c");
  for (const Var& out : {T::dot(a, c), T::tensordot(a, c, {{1, 3}, {2, 0}}), T::tensordot(a, c, 0)}) {
    Function f = theano::function({a, c}, out);
    INFO(schedule_str(f));
    const Counts n = count_products(f);
    CHECK(n.dots + n.gemms == 1);
  }
}

TEST_CASE("tensordot of matrices reshapes nothing") {
  Var m = T::dmatrix("m"), n = T::dmatrix("n");
  for (const Var& out : {T::tensordot(m, n, {{0}, {0}}), T::tensordot(m, n, 1), T::tensordot(m, n, {{1}, {1}})}) {
    Function f = theano::function({m, n}, out);
    INFO(schedule_str(f));
    int reshapes = 0;
    for (const Apply* a : f.schedule()) reshapes += dynamic_cast<const ops::Reshape*>(a->op.get()) != nullptr;
    CHECK(reshapes == 0);
    CHECK(count_products(f).dots + count_products(f).gemms == 1);
  }
}

TEST_CASE("batched_dot compiles to one BatchedDot op and tensor4 batches to one too") {
  Var x = T::dtensor3("x"), y = T::dtensor3("y"), z = T::dtensor4("z");
  for (const Var& out : {T::batched_dot(x, y), T::batched_dot(z, y)}) {
    Function f = theano::function({x, y, z}, out, {.on_unused_input = "ignore"});
    INFO(schedule_str(f));
    const Counts n = count_products(f);
    CHECK(n.batched == 1);
    CHECK(n.dots + n.gemms == 0);
  }
  // The gradient is a BatchedDot too (the forward one stays, its output's shape fills the seed).
  Function g = theano::function({x, y}, T::grad(T::sum(T::batched_dot(x, y)), x));
  INFO(schedule_str(g));
  const Counts n = count_products(g);
  CHECK(n.batched >= 1);
  CHECK(n.batched <= 2);
  CHECK(n.dots + n.gemms == 0);
}

TEST_CASE("dot of N-d tensors keeps the broadcastable dims of its operands") {
  Var x = T::tensor(DType::Float64, {false, true, false}, "x"), W = T::tensor(DType::Float64, {false, true}, "W");
  Var out = T::dot(x, W);
  REQUIRE(out.ndim() == 3);
  CHECK(!out.type().bcast[0]);
  CHECK(out.type().bcast[1]);
  CHECK(out.type().bcast[2]);
  Var v = T::dot(T::dvector("v"), T::dtensor3("t"));
  CHECK(v.ndim() == 2);
}
