// Times LeNet5's train_model (batch 500, nkerns 20,50) and one epoch (100 train calls + 20 validation
// calls) on MNIST-shaped random data, built exactly as examples/convolutional_mlp.cpp builds it:
// medians of 15 steps and 5 epochs, the share of the step spent in sgemm, the peak RSS.
// With --profile it prints the per-op profile of train_model; --im2col runs the im2col + BLAS conv
// kernels instead of the packed ones (ops/conv_packed.hpp), for A/B comparisons.
#include <cstring>

#include <theano/tutorials/convolutional_mlp.hpp>
#include "bench_util.hpp"
#include "ops/conv_packed.hpp"
#include "core/blas_time.hpp"
#include "core/thread_pool.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

int main(int argc, char** argv) {
  // --profile: print train_model's profile; --steps-only: skip the epochs.
  bool profile = false, steps_only = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--profile") == 0) profile = true;
    else if (std::strcmp(argv[i], "--steps-only") == 0) steps_only = true;
    else if (std::strcmp(argv[i], "--im2col") == 0) theano::kernels::set_packed_conv_enabled(false);
    else {
      std::fprintf(stderr, "lenet_step: unknown argument '%s' (known: --profile, --steps-only, --im2col)\n", argv[i]);
      return 2;
    }
  }
  const int batch_size = 500, n_train = 50000, n_valid = 10000;
  const double learning_rate = 0.1;
  const std::vector<int> nkerns = {20, 50};
  RandomState data_rng(1);
  auto make_set = [&](int n) {
    auto x = theano::shared(numpy::asarray(data_rng.uniform(0, 1, {n, 784}), config().floatX), "", true);
    auto y = theano::shared(numpy::asarray(data_rng.randint(0, 10, {n}), config().floatX), "", true);
    return SharedDataset{x, T::cast(y, "int32")};
  };
  SharedDataset train = make_set(n_train), valid = make_set(n_valid);

  RandomState rng(23455);
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  auto layer0_input = x.reshape({batch_size, 1, 28, 28});
  LeNetConvPoolLayer layer0(rng, layer0_input, {nkerns[0], 1, 5, 5}, {batch_size, 1, 28, 28}, {2, 2});
  LeNetConvPoolLayer layer1(rng, layer0.output, {nkerns[1], nkerns[0], 5, 5}, {batch_size, nkerns[0], 12, 12}, {2, 2});
  HiddenLayer layer2(rng, layer1.output.flatten(2), nkerns[1] * 4 * 4, 500, std::nullopt, std::nullopt, activation::tanh);
  LogisticRegression layer3(layer2.output, 500, 10);
  auto cost = layer3.negative_log_likelihood(y);
  std::vector<Var> params = layer3.params;
  for (const auto* p : {&layer2.params, &layer1.params, &layer0.params}) params.insert(params.end(), p->begin(), p->end());
  auto grads = T::grad(cost, params);
  std::vector<std::pair<Var, Var>> updates;
  for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - learning_rate * grads[i]});

  theano::Function train_model, validate_model;
  double compile_s = bench::seconds_of([&] {
    train_model = theano::function({index}, cost,
                                   {.updates = updates,
                                    .givens = {{x, minibatch(train.x, index, batch_size)}, {y, minibatch(train.y, index, batch_size)}},
                                    .name = "train_model",
                                    .profile = profile});
  });
  validate_model = theano::function(
      {index}, layer3.errors(y), {.givens = {{x, minibatch(valid.x, index, batch_size)}, {y, minibatch(valid.y, index, batch_size)}}});

  int call = 0;
  const double gemm_before = theano::gemm_seconds();
  std::vector<double> steps;
  train_model(call++);  // warm-up
  for (int i = 0; i < 15; ++i) steps.push_back(bench::seconds_of([&] { train_model(call++ % (n_train / batch_size)); }));
  const double step_s = bench::median(steps);
  // Thread-seconds in sgemm over the thread-seconds the steps had (warm-up included on both sides).
  double steps_total = step_s;
  for (double t : steps) steps_total += t;
  const double gemm_fraction = (theano::gemm_seconds() - gemm_before) / (steps_total * theano::kernel_threads());
  double epoch_s = steps_only ? 0.0 : bench::median_seconds(5, [&] {
    for (int i = 0; i < n_train / batch_size; ++i) train_model(i);
    for (int i = 0; i < n_valid / batch_size; ++i) validate_model(i);
  });
  bench::report("lenet_threads", theano::kernel_threads());
  bench::report("lenet_compile_ms", compile_s * 1e3);
  bench::report("lenet_step_ms", step_s * 1e3);
  bench::report("lenet_sgemm_fraction", gemm_fraction);
  if (!steps_only) bench::report("lenet_epoch_s", epoch_s);
  bench::report("lenet_peak_rss_mb", bench::peak_rss_mb());
  if (profile) theano::print_profile(train_model, stdout);
  return 0;
}
