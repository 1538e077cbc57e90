// Steady-state calls of compiled functions allocate nothing on the heap: every buffer of the memory
// plan is kept between calls. Global operator new is replaced in this test binary by a counting one.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <new>

#include <theano/tutorials/convolutional_mlp.hpp>
#include <theano/tutorials/dA.hpp>
#include "runtime/function_impl.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

namespace {
thread_local long allocations = 0;
thread_local bool counting = false;
}  // namespace

void* operator new(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {
// Heap allocations made by `calls` calls of f after warm-up calls.
template <class F>
long allocations_of(int calls, F&& f) {
  f();
  f();
  allocations = 0;
  counting = true;
  for (int i = 0; i < calls; ++i) f();
  counting = false;
  return allocations;
}

SharedDataset random_set(RandomState& rng, int n) {
  auto x = theano::shared(numpy::asarray(rng.uniform(0, 1, {n, 784}), config().floatX), "", true);
  auto y = theano::shared(numpy::asarray(rng.randint(0, 10, {n}), config().floatX), "", true);
  return {x, T::cast(y, "int32")};
}
}  // namespace

TEST_CASE("a logistic regression train step allocates nothing in steady state", "[runtime][alloc]") {
  RandomState rng(3);
  SharedDataset data = random_set(rng, 1200);
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  LogisticRegression classifier(x, 784, 10);
  auto cost = classifier.negative_log_likelihood(y);
  auto g_W = T::grad(cost, classifier.W);
  auto g_b = T::grad(cost, classifier.b);
  auto train = theano::function({index}, cost,
                                {.updates = {{classifier.W, classifier.W - 0.13 * g_W}, {classifier.b, classifier.b - 0.13 * g_b}},
                                 .givens = {{x, minibatch(data.x, index, 600)}, {y, minibatch(data.y, index, 600)}}});
  int i = 0;
  CHECK(allocations_of(10, [&] { (void)double(train(i++ % 2)); }) == 0);
}

TEST_CASE("a LeNet train step allocates nothing in steady state", "[runtime][alloc]") {
  const int batch_size = 50;
  RandomState rng(23455);
  SharedDataset data = random_set(rng, 100);
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  LeNetConvPoolLayer layer0(rng, x.reshape({batch_size, 1, 28, 28}), {4, 1, 5, 5}, {batch_size, 1, 28, 28}, {2, 2});
  LeNetConvPoolLayer layer1(rng, layer0.output, {6, 4, 5, 5}, {batch_size, 4, 12, 12}, {2, 2});
  HiddenLayer layer2(rng, layer1.output.flatten(2), 6 * 16, 20, std::nullopt, std::nullopt, activation::tanh);
  LogisticRegression layer3(layer2.output, 20, 10);
  auto cost = layer3.negative_log_likelihood(y);
  std::vector<Var> params = layer3.params;
  for (const auto* p : {&layer2.params, &layer1.params, &layer0.params}) params.insert(params.end(), p->begin(), p->end());
  auto grads = T::grad(cost, params);
  std::vector<std::pair<Var, Var>> updates;
  for (size_t k = 0; k < params.size(); ++k) updates.push_back({params[k], params[k] - 0.1 * grads[k]});
  auto train = theano::function({index}, cost,
                                {.updates = updates, .givens = {{x, minibatch(data.x, index, batch_size)}, {y, minibatch(data.y, index, batch_size)}}});
  // The planned path: buffers handed between results and elementwise steps writing in place.
  const theano::MemoryPlan& plan = train.impl().memory_plan;
  CHECK(plan.groups.size() < plan.values.size());
  CHECK(plan.n_inplace() > 0);
  int i = 0;
  CHECK(allocations_of(6, [&] { (void)double(train(i++ % 2)); }) == 0);
}

TEST_CASE("integer arguments and exact integer results allocate nothing in steady state", "[runtime][alloc]") {
  auto n = T::lscalar("n");
  auto b = T::bscalar("b");
  auto f = theano::function({n, b}, {n - 1, n * 2, T::cast(b, "float64") * 0.5});
  int64_t i = (int64_t(1) << 53) + 1, sum = 0;
  CHECK(allocations_of(10, [&] {
          theano::Result r = f(i, 7);
          sum += r.integer(0) + r.integer(1) + int64_t(r.scalar(2));
        }) == 0);
  CHECK(sum != 0);
}

TEST_CASE("set_subtensor and inc_subtensor updates write in place and allocate nothing in steady state", "[runtime][alloc][inplace]") {
  // W := set_subtensor(W[i], v) and E := inc_subtensor(E[idx], g): the kernels write the rows into
  // the shared variables' own storage (their buffers stay), with no copy of W or E and no allocation.
  using theano::Dims;
  using theano::DType;
  using theano::NDArray;
  SharedVariable w = theano::shared(NDArray::zeros(DType::Float64, Dims{300, 40}), "W");
  SharedVariable e = theano::shared(NDArray::zeros(DType::Float64, Dims{50, 8}), "E");
  auto i = T::lscalar("i");
  auto v = T::dvector("v");
  auto idx = T::lmatrix("idx");
  auto g = T::dtensor3("g");
  auto f = theano::function({i, v, idx, g}, std::vector<Var>{}, {.updates = {{w, T::set_subtensor(w[i], v)}, {e, T::inc_subtensor(e[idx], g)}}});
  NDArray row = NDArray::zeros(DType::Float64, Dims{40}), rows = NDArray::zeros(DType::Float64, Dims{2, 3, 8});
  for (int64_t k = 0; k < 40; ++k) row.set_item(k, double(k));
  for (int64_t k = 0; k < rows.size(); ++k) rows.set_item(k, 1);
  NDArray at = NDArray::zeros(DType::Int64, Dims{2, 3});
  for (int64_t k = 0; k < 6; ++k) at.set_int(k, k % 4);  // rows 0 and 1 twice
  const void* wbuf = w.get_value(true).buffer().get();
  const void* ebuf = e.get_value(true).buffer().get();
  int64_t n = 0;
  CHECK(allocations_of(10, [&] { f(n++ % 300, row, at, rows); }) == 0);
  CHECK(f.impl().updates[0].in_place);
  CHECK(f.impl().updates[1].in_place);
  CHECK(w.get_value(true).buffer().get() == wbuf);
  CHECK(e.get_value(true).buffer().get() == ebuf);
  CHECK(w.get_value().item(11 * 40 + 7) == 7);
  CHECK(e.get_value().item(0) == 24);  // 12 calls, twice each
  CHECK(e.get_value().item(2 * 8) == 12);
}

TEST_CASE("reductions allocate nothing in steady state", "[runtime][alloc]") {
  RandomState rng(5);
  auto W = theano::shared(rng.uniform(0.8, 1.25, {513, 257}), "W");
  Var w = W;
  // Large enough for the kernels to split their outputs over the thread pool.
  Var cost = T::sum(T::min(w, 1)) + T::sum(T::argmax(w, {0, 1})) + T::sum(T::prod(w, 0)) + T::sum(T::var(w, 0, 1)) +
             T::sum(T::all(w, 1)) + T::sum(T::max(w.T(), {0}, true)) + T::mean(T::std(w, std::nullopt, 0, true, true));
  auto f = theano::function({}, cost);
  double total = 0;
  CHECK(allocations_of(10, [&] { total += double(f()); }) == 0);
  CHECK(std::isfinite(total));
}

TEST_CASE("a scan of 100 steps allocates nothing in steady state", "[runtime][alloc][scan]") {
  RandomState rng(9);
  Var X = theano::shared(rng.uniform(-1, 1, {101, 8}), "X");
  Var W = theano::shared(rng.uniform(-0.5, 0.5, {8, 8}), "W");
  Var h0 = theano::shared(rng.uniform(-1, 1, {8}), "h0");
  // A recurrence reading x[t-1] and x[t], a fed-back state, an implicit shared non-sequence and a
  // map output: 100 steps per call.
  auto [out, updates] = theano::scan(
      [&](const Var& x_tm1, const Var& x_t, const Var& h_tm1) {
        Var h = T::tanh(T::dot(x_t - x_tm1, W) + h_tm1);
        return std::vector<Var>{h, h.sum()};
      },
      {.sequences = {{X, {-1, 0}}}, .outputs_info = {h0, std::nullopt}});
  auto f = theano::function({}, out[0].sum() + out[1][-1]);
  double total = 0;
  CHECK(allocations_of(10, [&] { total += double(f()); }) == 0);
  CHECK(std::isfinite(total));
}

TEST_CASE("RandomStreams samples with their default updates allocate nothing in steady state", "[runtime][alloc][shared_randomstreams]") {
  theano::tensor::shared_randomstreams::RandomStreams srng(123);
  auto x = T::matrix("x");
  auto noisy = T::sum(x + srng.normal(x.shape()) * srng.uniform(x.shape())) + T::sum(srng.permutation({3}, 9)) +
               T::sum(srng.random_integers({5}, 0, 7));
  auto f = theano::function({x}, noisy);
  theano::NDArray xv = theano::NDArray::zeros(config().floatX, theano::Dims{40, 70});
  CHECK(allocations_of(10, [&] { (void)double(f(xv)); }) == 0);
}

TEST_CASE("an MRG random sample with its default update allocates nothing in steady state", "[runtime][alloc][rng_mrg]") {
  theano::sandbox::rng_mrg::MRG_RandomStreams srng(843828734);
  auto x = T::matrix("x");
  // The dA's corruption: a binomial mask of the input's symbolic shape (60 * 256 streams).
  auto corrupted = srng.binomial(x.shape(), 1, 1 - 0.3, std::nullopt, config().floatX) * x;
  auto f = theano::function({x}, corrupted.sum());
  theano::NDArray xv = theano::NDArray::zeros(config().floatX, theano::Dims{40, 70});
  CHECK(allocations_of(10, [&] { (void)double(f(xv)); }) == 0);
}

TEST_CASE("a dA train step with 30 percent corruption allocates nothing in steady state", "[runtime][alloc][tutorials]") {
  // dA.py's step: MRG mask, tied weights, the cross-entropy through softplus, Gemm updates in place.
  RandomState rng(123);
  SharedDataset data = random_set(rng, 60);
  auto index = T::lscalar();
  auto x = T::matrix("x");
  dA da(rng, nullptr, x, 28 * 28, 50);
  auto [cost, updates] = da.get_cost_updates(0.3, 0.1);
  auto train = theano::function({index}, cost, {.updates = updates, .givens = {{x, minibatch(data.x, index, 20)}}});
  int64_t i = 0;
  CHECK(allocations_of(10, [&] { (void)double(train(i++ % 3)); }) == 0);
}
