// The kernel thread pool (core/thread_pool.hpp) and the kernels that split their work over it:
// every task runs exactly once, errors reach the caller, nested and concurrent calls finish, and
// the split products and elementwise loops equal a float64 reference on odd shapes.
#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/thread_pool.hpp"
#include "test_util.hpp"

using namespace test_util;
namespace T = theano::tensor;
using theano::parallel_for;
using theano::parallel_ranges;

TEST_CASE("thread pool: every task runs exactly once even when tasks outnumber threads", "[threads]") {
  for (int64_t n : {1, 2, 3, 7, 1000}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    parallel_for(n, [&](int64_t i) { hits[size_t(i)].fetch_add(1); });
    for (int64_t i = 0; i < n; ++i) {
      INFO("task " << i << " of " << n);
      CHECK(hits[size_t(i)].load() == 1);
    }
  }
  parallel_for(0, [](int64_t) { FAIL("no task expected"); });
}

TEST_CASE("thread pool: ranges cover 0..n once in pieces of at least the grain", "[threads]") {
  for (int64_t n : {1, 5, 64, 1001}) {
    std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
    std::atomic<int64_t> smallest{n};
    parallel_ranges(n, 100, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) hits[size_t(i)].fetch_add(1);
      int64_t len = e - b, cur = smallest.load();
      while (len < cur && !smallest.compare_exchange_weak(cur, len)) {
      }
    });
    for (int64_t i = 0; i < n; ++i) REQUIRE(hits[size_t(i)].load() == 1);
    if (n >= 200) CHECK(smallest.load() >= 100);
  }
}

TEST_CASE("thread pool: a task's exception reaches the caller and the pool keeps working", "[threads]") {
  std::atomic<int> ran{0};
  CHECK_THROWS_WITH(parallel_for(8,
                                 [&](int64_t i) {
                                   ran.fetch_add(1);
                                   if (i == 5) throw std::runtime_error("task 5 failed");
                                 }),
                    "task 5 failed");
  CHECK(ran.load() == 8);  // the other tasks still ran: the caller sees one error after all finished
  std::atomic<int> after{0};
  parallel_for(4, [&](int64_t) { after.fetch_add(1); });
  CHECK(after.load() == 4);
}

TEST_CASE("thread pool: nested and concurrent parallel_for calls run every task", "[threads]") {
  std::atomic<int> inner{0};
  parallel_for(3, [&](int64_t) { parallel_for(5, [&](int64_t) { inner.fetch_add(1); }); });
  CHECK(inner.load() == 15);

  std::atomic<int> total{0};
  auto user = [&] {
    for (int r = 0; r < 200; ++r) parallel_for(4, [&](int64_t) { total.fetch_add(1); });
  };
  std::thread a(user), b(user);
  a.join();
  b.join();
  CHECK(total.load() == 2 * 200 * 4);
}

namespace {
// C = op(A) . op(B) in float64 from the float32 inputs.
std::vector<double> reference_dot(const NDArray& a, const NDArray& b) {
  int64_t m = a.shape(0), k = a.shape(1), n = b.shape(1);
  std::vector<double> c(size_t(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double s = 0;
      for (int64_t p = 0; p < k; ++p) s += a.item(i * k + p) * b.item(p * n + j);
      c[size_t(i * n + j)] = s;
    }
  return c;
}
}  // namespace

TEST_CASE("dot: products large enough to split over threads by rows or by columns and from transposes equal a float64 reference",
          "[threads][kernels]") {
  theano::numpy::RandomState rng(7);
  struct Case {
    int64_t m, k, n;
  };
  // Tall (split by rows) and wide (split by columns), sizes not multiples of anything.
  for (Case c : {Case{301, 257, 45}, Case{37, 300, 411}}) {
    NDArray a = random(rng, DType::Float32, {c.m, c.k}, -1, 1), b = random(rng, DType::Float32, {c.k, c.n}, -1, 1);
    std::vector<double> want = reference_dot(a, b);
    INFO("m " << c.m << ", k " << c.k << ", n " << c.n);
    auto x = T::fmatrix("x"), y = T::fmatrix("y");
    check_close(run({x, y}, T::dot(x, y), {a, b}), want, 1e-4, 1e-4);
    // The same product from transposed storage: dot(xt.T, yt.T) with xt = a.T and yt = b.T stored C-contiguous.
    NDArray at = NDArray::empty(DType::Float32, {c.k, c.m}), bt = NDArray::empty(DType::Float32, {c.n, c.k});
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t p = 0; p < c.k; ++p) at.set_item(p * c.m + i, a.item(i * c.k + p));
    for (int64_t p = 0; p < c.k; ++p)
      for (int64_t j = 0; j < c.n; ++j) bt.set_item(j * c.k + p, b.item(p * c.n + j));
    check_close(run({x, y}, T::dot(x.T(), y.T()), {at, bt}), want, 1e-4, 1e-4);
  }
}

TEST_CASE("fused elementwise loops split over threads equal the formula on a large odd shape with broadcasting",
          "[threads][fusion]") {
  theano::numpy::RandomState rng(11);
  const int64_t r = 997, c = 613;  // 611,161 elements: several threads' worth of chunks, ragged end
  NDArray a = random(rng, DType::Float32, {r, c}, -2, 2), b = random(rng, DType::Float32, {c}, -1, 1);
  auto x = T::fmatrix("x");
  auto v = T::fvector("v");
  NDArray got = run({x, v}, T::tanh(x + v.dimshuffle({'x', 0})) * 2 - x, {a, b});
  std::vector<double> want(size_t(r * c));
  for (int64_t i = 0; i < r; ++i)
    for (int64_t j = 0; j < c; ++j) {
      double xv = a.item(i * c + j);
      want[size_t(i * c + j)] = std::tanh(xv + b.item(j)) * 2 - xv;
    }
  check_close(got, want, 1e-5, 1e-5);
}
