// Times mlp.py's train_model (batch 20, 784 -> 500 tanh -> 10, L1 0.00 and L2 0.0001 terms, lr 0.01)
// on MNIST-shaped random data, built exactly as examples/mlp.cpp builds it: the compile time, the
// median of 200 steps and the median of 5 epochs (2,500 train calls each).
#include <theano/tutorials/mlp.hpp>
#include "bench_util.hpp"
#include "core/thread_pool.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

int main() {
  const int batch_size = 20, n_train = 50000, n_batches = n_train / batch_size, n_hidden = 500;
  const double learning_rate = 0.01, L1_reg = 0.00, L2_reg = 0.0001;
  RandomState data_rng(1);
  auto train_x = theano::shared(numpy::asarray(data_rng.uniform(0, 1, {n_train, 784}), config().floatX), "", true);
  auto train_y = T::cast(theano::shared(numpy::asarray(data_rng.randint(0, 10, {n_train}), config().floatX), "", true), "int32");

  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  RandomState rng(1234);
  MLP classifier(rng, x, 28 * 28, n_hidden, 10);
  auto cost = classifier.negative_log_likelihood(y) + L1_reg * classifier.L1 + L2_reg * classifier.L2_sqr;
  std::vector<std::pair<Var, Var>> updates;
  for (const Var& param : classifier.params) updates.push_back({param, param - learning_rate * T::grad(cost, param)});

  theano::Function train_model;
  double compile_s = bench::seconds_of([&] {
    train_model = theano::function({index}, cost,
                                   {.updates = updates,
                                    .givens = {{x, train_x[T::slice(index * batch_size, (index + 1) * batch_size)]},
                                               {y, train_y[T::slice(index * batch_size, (index + 1) * batch_size)]}}});
  });
  int call = 0;
  double step_s = bench::median_seconds(200, [&] { train_model(call++ % n_batches); });
  double epoch_s = bench::median_seconds(5, [&] {
    for (int i = 0; i < n_batches; ++i) train_model(i);
  });
  bench::report("mlp_compile_ms", compile_s * 1e3);
  bench::report("mlp_step_ms", step_s * 1e3);
  bench::report("mlp_epoch_s", epoch_s);
  return 0;
}
