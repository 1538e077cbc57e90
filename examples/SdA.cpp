// SdA.py in C++: a stacked denoising autoencoder on MNIST, pretrained layer by layer and then
// finetuned with early stopping (the SdA class is in <theano/tutorials/SdA.hpp>).
#include <chrono>
#include <cstdio>

#include <theano/tutorials/SdA.hpp>

#include "tutorial_flags.hpp"

using namespace theano::tutorials;

// Demonstrates how to train and test a stochastic denoising autoencoder. finetune_lr: the learning
// rate of finetuning; pretraining_epochs: epochs of pretraining per layer; pretrain_lr: its learning
// rate; training_epochs: the maximal number of finetuning epochs; dataset: the path of the dataset;
// batch_size: minibatch size (1: one example per step, as the tutorial).
void test_SdA(double finetune_lr = 0.1, int pretraining_epochs = 15, double pretrain_lr = 0.001, int training_epochs = 1000,
              const std::string& dataset = "mnist.pkl.gz", int batch_size = 1, std::vector<int> hidden_layers_sizes = {1000, 1000, 1000},
              std::vector<double> corruption_levels = {.1, .2, .3}) {
  auto datasets = load_data(dataset);
  SharedVariable train_set_x = datasets[0].x;
  tutorial::check_minibatches(dataset, batch_size, training_epochs,
                              {{"training", train_set_x}, {"validation", datasets[1].x}, {"test", datasets[2].x}});

  // compute number of minibatches for training, validation and testing
  int n_train_batches = int(train_set_x.get_value(/*borrow=*/true).shape(0));
  n_train_batches /= batch_size;

  // numpy random generator
  RandomState numpy_rng(89677);
  fmt::print("... building the model\n");
  std::fflush(stdout);
  // construct the stacked denoising autoencoder class
  SdA sda(numpy_rng, nullptr, /*n_ins=*/28 * 28, hidden_layers_sizes, /*n_outs=*/10);

  /////////////////////////
  // PRETRAINING THE MODEL //
  /////////////////////////
  fmt::print("... getting the pretraining functions\n");
  std::fflush(stdout);
  auto pretraining_fns = sda.pretraining_functions(train_set_x, batch_size);

  fmt::print("... pre-training the model\n");
  std::fflush(stdout);
  auto start_time = std::chrono::steady_clock::now();
  // Pre-train layer-wise
  for (int i = 0; i < sda.n_layers; ++i) {
    // go through pretraining epochs
    for (int epoch = 0; epoch < pretraining_epochs; ++epoch) {
      // go through the training set
      std::vector<double> c;
      for (int batch_index = 0; batch_index < n_train_batches; ++batch_index)
        c.push_back(pretraining_fns[size_t(i)](theano::kw("index", batch_index), theano::kw("corruption", corruption_levels[size_t(i)]),
                                               theano::kw("lr", pretrain_lr)));
      fmt::print("Pre-training layer {}, epoch {}, cost {:f}\n", i, epoch, numpy::mean(c));
      std::fflush(stdout);
    }
  }
  double pretraining_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  fmt::print(stderr, "The pretraining code for file SdA.cpp ran for {:.2f}m\n", pretraining_time / 60.);

  ////////////////////////
  // FINETUNING THE MODEL //
  ////////////////////////

  // get the training, validation and testing function for the model
  fmt::print("... getting the finetuning functions\n");
  std::fflush(stdout);
  auto [train_fn, validate_model, test_model] = sda.build_finetune_functions(datasets, batch_size, finetune_lr);

  fmt::print("... finetunning the model\n");
  std::fflush(stdout);
  // early-stopping parameters
  int64_t patience = 10 * int64_t(n_train_batches);  // look as this many examples regardless
  double patience_increase = 2.;                      // wait this much longer when a new best is found
  double improvement_threshold = 0.995;               // a relative improvement of this much is considered significant
  int validation_frequency = int(std::min<int64_t>(n_train_batches, patience / 2));

  double best_validation_loss = numpy::inf;
  double test_score = 0.;
  int64_t best_iter = 0;
  start_time = std::chrono::steady_clock::now();

  bool done_looping = false;
  int epoch = 0;
  while (epoch < training_epochs && !done_looping) {
    epoch = epoch + 1;
    for (int minibatch_index = 0; minibatch_index < n_train_batches; ++minibatch_index) {
      double minibatch_avg_cost = train_fn(minibatch_index);
      (void)minibatch_avg_cost;
      int64_t iter = int64_t(epoch - 1) * n_train_batches + minibatch_index;

      if ((iter + 1) % validation_frequency == 0) {
        std::vector<double> validation_losses = validate_model();
        double this_validation_loss = numpy::mean(validation_losses);
        fmt::print("epoch {}, minibatch {}/{}, validation error {:f} %\n", epoch, minibatch_index + 1, n_train_batches,
                   this_validation_loss * 100.);
        std::fflush(stdout);

        // if we got the best validation score until now
        if (this_validation_loss < best_validation_loss) {
          // improve patience if loss improvement is good enough (patience_increase is a Python
          // float, so patience becomes one: max(patience, iter * 2.) compares and keeps exactly)
          if (this_validation_loss < best_validation_loss * improvement_threshold)
            patience = std::max(patience, int64_t(double(iter) * patience_increase));

          // save best validation score and iteration number
          best_validation_loss = this_validation_loss;
          best_iter = iter;

          // test it on the test set
          std::vector<double> test_losses = test_model();
          test_score = numpy::mean(test_losses);
          fmt::print("     epoch {}, minibatch {}/{}, test error of best model {:f} %\n", epoch, minibatch_index + 1, n_train_batches,
                     test_score * 100.);
          std::fflush(stdout);
        }
      }
      if (patience <= iter) {
        done_looping = true;
        break;
      }
    }
  }
  double training_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  fmt::print("Optimization complete with best validation score of {:f} %, on iteration {}, with test performance {:f} %\n",
             best_validation_loss * 100., best_iter + 1, test_score * 100.);
  std::fflush(stdout);
  fmt::print(stderr, "The training code for file SdA.cpp ran for {:.2f}m\n", training_time / 60.);
}

int main(int argc, char** argv) {
  double finetune_lr = 0.1, pretrain_lr = 0.001;
  int pretraining_epochs = 15, training_epochs = 1000, batch_size = 1;
  std::string dataset = "mnist.pkl.gz";
  std::vector<int> hidden_layers_sizes = {1000, 1000, 1000};
  tutorial::Flags flags("SdA", "A stacked denoising autoencoder on MNIST: layer-wise pretraining, then finetuning with early stopping (SdA.py).");
  flags.add("finetune_lr", finetune_lr, "learning rate used in the finetune stage (factor for the stochastic gradient)", tutorial::kPositive);
  flags.add("pretraining_epochs", pretraining_epochs, "number of epochs to do pretraining (per layer)", {0, 1000000});
  flags.add("pretrain_lr", pretrain_lr, "learning rate to be used during pre-training", tutorial::kPositive);
  flags.add("training_epochs", training_epochs, "maximal number of epochs to run the optimizer", {1, 1000000});
  flags.add("dataset", dataset, "the path of the MNIST dataset file (mnist.pkl.gz uses the raw MNIST files in the data cache)");
  flags.add("batch_size", batch_size, "minibatch size", {1, INT_MAX});
  flags.add("hidden_layers_sizes", hidden_layers_sizes, "the hidden layers' sizes (test_SdA builds 1000,1000,1000)", {1, 100000}, 3);
  try {
    flags.parse(argc, argv);
    test_SdA(finetune_lr, pretraining_epochs, pretrain_lr, training_epochs, dataset, batch_size, hidden_layers_sizes);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return 0;
}
