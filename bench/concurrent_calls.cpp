// Throughput of mlp.py's train_model (mlp_step's graph: batch 20, 784 -> 500 tanh -> 10) when user
// threads call it at once. `concurrent_calls MODE THREADS SECONDS`:
//   shared  THREADS threads call one Function (calls of one function run one at a time);
//   copies  each thread calls its own Function over its own parameters: what a pool of per-call
//           workspaces could at best reach, with no lock and no common state.
// Prints calls per second over SECONDS (default 3) after a warm-up; THREADS 1 is the serial figure.
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>

#include <theano/tutorials/mlp.hpp>
#include "bench_util.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

namespace {
const int batch_size = 20, n_train = 5000, n_batches = n_train / batch_size, n_hidden = 500;

theano::Function make_train(RandomState& data_rng, RandomState& rng) {
  auto train_x = theano::shared(numpy::asarray(data_rng.uniform(0, 1, {n_train, 784}), config().floatX), "", true);
  auto train_y = T::cast(theano::shared(numpy::asarray(data_rng.randint(0, 10, {n_train}), config().floatX), "", true), "int32");
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  MLP classifier(rng, x, 28 * 28, n_hidden, 10);
  auto cost = classifier.negative_log_likelihood(y) + 0.0001 * classifier.L2_sqr;
  std::vector<std::pair<Var, Var>> updates;
  for (const Var& param : classifier.params) updates.push_back({param, param - 0.01 * T::grad(cost, param)});
  return theano::function({index}, cost,
                          {.updates = updates,
                           .givens = {{x, train_x[T::slice(index * batch_size, (index + 1) * batch_size)]},
                                      {y, train_y[T::slice(index * batch_size, (index + 1) * batch_size)]}}});
}
}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "shared";
  const int threads = argc > 2 ? std::atoi(argv[2]) : 4;
  const double seconds = argc > 3 ? std::atof(argv[3]) : 3.0;
  if ((mode != "shared" && mode != "copies") || threads < 1) {
    std::fprintf(stderr, "usage: concurrent_calls shared|copies THREADS [SECONDS]\n");
    return 2;
  }
  RandomState data_rng(1), rng(1234);
  std::vector<theano::Function> fs;
  for (int t = 0; t < (mode == "copies" ? threads : 1); ++t) fs.push_back(make_train(data_rng, rng));
  for (auto& f : fs)
    for (int i = 0; i < 20; ++i) f(i);  // warm-up: buffers sized, pool started

  std::atomic<bool> stop{false};
  std::atomic<int64_t> calls{0};
  std::vector<std::thread> pool;
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      theano::Function& f = fs[mode == "copies" ? size_t(t) : 0];
      int64_t n = 0;
      for (int i = t; !stop.load(std::memory_order_relaxed); i += threads, ++n) f(i % n_batches);
      calls.fetch_add(n);
    });
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("mlp_calls_per_s_%s_%d=%.6g\n", mode.c_str(), threads, double(calls.load()) / elapsed);
  return 0;
}
