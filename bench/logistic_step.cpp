// Times logistic_sgd's train_model (batch 600, 784 -> 10) on MNIST-shaped data: the compile time and
// the median time of one epoch of 83 calls, over 7 runs.
#include <theano/theano.hpp>

#include "bench_util.hpp"

namespace T = theano::tensor;
namespace numpy = theano::numpy;
using theano::Var;

int main() {
  const int batch_size = 600, n_train = 50000, n_batches = n_train / batch_size;
  const double learning_rate = 0.13;
  numpy::RandomState rng(1234);
  auto data_x = theano::shared(numpy::asarray(rng.uniform(0, 1, {n_train, 784}), theano::DType::Float32), "train_x", true);
  auto data_y = theano::shared(numpy::asarray(rng.randint(0, 10, {n_train}), theano::DType::Float32), "train_y", true);
  auto labels = T::cast(data_y, "int32");

  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  auto W = theano::shared(numpy::zeros({784, 10}, theano::DType::Float32), "W", true);
  auto b = theano::shared(numpy::zeros({10}, theano::DType::Float32), "b", true);
  auto p_y_given_x = T::nnet::softmax(T::dot(x, W) + b);
  auto cost = -T::mean(T::log(p_y_given_x)[{T::arange(y.shape()[0]), y}]);
  auto g_W = T::grad(cost, W);
  auto g_b = T::grad(cost, b);

  theano::Function train_model;
  double compile_s = bench::seconds_of([&] {
    train_model = theano::function({index}, cost,
                                   {.updates = {{W, W - learning_rate * g_W}, {b, b - learning_rate * g_b}},
                                    .givens = {{x, data_x[T::slice(index * batch_size, (index + 1) * batch_size)]},
                                               {y, labels[T::slice(index * batch_size, (index + 1) * batch_size)]}}});
  });
  double epoch_s = bench::median_seconds(7, [&] {
    for (int i = 0; i < n_batches; ++i) train_model(i);
  });
  bench::report("logistic_compile_ms", compile_s * 1e3);
  bench::report("logistic_step_ms", epoch_s * 1e3 / n_batches);
  bench::report("logistic_epoch_ms", epoch_s * 1e3);
  return 0;
}
