// mlp.py in C++: a multilayer perceptron (one tanh hidden layer + logistic regression) on MNIST.
#include <theano/tutorials/mlp.hpp>

#include <chrono>
#include <cstdio>

#include "tutorial_flags.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

// Demonstrate stochastic gradient descent optimization for a multilayer perceptron on MNIST.
// save_path: where the best model's parameters are saved on every new best (empty: not saved);
// resume: a checkpoint to load them from before training (the weights only).
void test_mlp(double learning_rate = 0.01, double L1_reg = 0.00, double L2_reg = 0.0001, int n_epochs = 1000,
              const std::string& dataset = "mnist.pkl.gz", int batch_size = 20, int n_hidden = 500,
              const std::string& save_path = "best_model.ckpt", const std::string& resume = "") {
  auto datasets = load_data(dataset);
  auto [train_set_x, train_set_y] = datasets[0];
  auto [valid_set_x, valid_set_y] = datasets[1];
  auto [test_set_x, test_set_y] = datasets[2];
  tutorial::check_minibatches(dataset, batch_size, n_epochs, {{"training", train_set_x}, {"validation", valid_set_x}, {"test", test_set_x}});

  // compute number of minibatches for training, validation and testing
  int n_train_batches = int(train_set_x.get_value(/*borrow=*/true).shape(0)) / batch_size;
  int n_valid_batches = int(valid_set_x.get_value(/*borrow=*/true).shape(0)) / batch_size;
  int n_test_batches = int(test_set_x.get_value(/*borrow=*/true).shape(0)) / batch_size;

  ///////////////////////
  // BUILD ACTUAL MODEL //
  ///////////////////////
  fmt::print("... building the model\n");

  // allocate symbolic variables for the data
  auto index = T::lscalar();  // index to a [mini]batch
  auto x = T::matrix("x");    // the data is presented as rasterized images
  auto y = T::ivector("y");   // the labels are presented as 1D vector of [int] labels

  RandomState rng(1234);

  // construct the MLP class
  theano::NameScope scope("mlp");
  MLP classifier(rng, x, 28 * 28, n_hidden, 10);
  if (!resume.empty()) {
    theano::load(resume, classifier.params, {.finite_only = true});
    fmt::print("... resuming from the parameters in {}\n", resume);
  }

  // the cost we minimize during training is the negative log likelihood of the model plus the
  // regularization terms (L1 and L2); cost is expressed here symbolically
  auto cost = classifier.negative_log_likelihood(y) + L1_reg * classifier.L1 + L2_reg * classifier.L2_sqr;

  // compiling a Theano function that computes the mistakes that are made by the model on a minibatch
  auto test_model = theano::function({index}, classifier.errors(y),
                                     {.givens = {{x, minibatch(test_set_x, index, batch_size)},
                                                 {y, minibatch(test_set_y, index, batch_size)}}});
  auto validate_model = theano::function({index}, classifier.errors(y),
                                         {.givens = {{x, minibatch(valid_set_x, index, batch_size)},
                                                     {y, minibatch(valid_set_y, index, batch_size)}}});

  // compute the gradient of cost with respect to theta (stored in params)
  std::vector<Var> gparams;
  for (const Var& param : classifier.params) gparams.push_back(T::grad(cost, param));

  // specify how to update the parameters of the model as a list of (variable, update expression) pairs
  std::vector<std::pair<Var, Var>> updates;
  for (size_t i = 0; i < classifier.params.size(); ++i)
    updates.push_back({classifier.params[i], classifier.params[i] - learning_rate * gparams[i]});

  // compiling a Theano function `train_model` that returns the cost, but in the same time updates
  // the parameter of the model based on the rules defined in `updates`
  auto train_model = theano::function({index}, cost,
                                      {.updates = updates,
                                       .givens = {{x, minibatch(train_set_x, index, batch_size)},
                                                  {y, minibatch(train_set_y, index, batch_size)}}});

  // --dot PREFIX: the compiled graphs as pictures (theano.printing.pydotprint), see docs/graphs.md
  tutorial::write_graphs({{"train", train_model}, {"validate", validate_model}});

  ///////////////
  // TRAIN MODEL //
  ///////////////
  fmt::print("... training\n");

  // early-stopping parameters
  int patience = 10000;                  // look as this many examples regardless
  int patience_increase = 2;             // wait this much longer when a new best is found
  double improvement_threshold = 0.995;  // a relative improvement of this much is considered significant
  int validation_frequency = std::min(n_train_batches, patience / 2);

  double best_validation_loss = numpy::inf;
  int best_iter = 0;
  double test_score = 0.;
  auto start_time = std::chrono::steady_clock::now();
  // the progress line on a terminal, --log and --plot (training_monitor.hpp)
  tutorial::TrainingMonitor monitor("mlp: multilayer perceptron on MNIST", n_epochs, n_train_batches, batch_size);

  int epoch = 0;
  bool done_looping = false;
  while (epoch < n_epochs && !done_looping) {
    epoch = epoch + 1;
    for (int minibatch_index = 0; minibatch_index < n_train_batches; ++minibatch_index) {
      double minibatch_avg_cost = train_model(minibatch_index);
      (void)minibatch_avg_cost;
      // iteration number
      int iter = (epoch - 1) * n_train_batches + minibatch_index;
      monitor.trained(epoch, minibatch_index, iter, patience);

      if ((iter + 1) % validation_frequency == 0) {
        // compute zero-one loss on validation set
        std::vector<double> validation_losses;
        for (int i = 0; i < n_valid_batches; ++i) validation_losses.push_back(validate_model(i));
        double this_validation_loss = numpy::mean(validation_losses);

        monitor.clear();
        fmt::print("epoch {}, minibatch {}/{}, validation error {:f} %\n", epoch, minibatch_index + 1, n_train_batches,
                   this_validation_loss * 100.);
        std::fflush(stdout);

        std::optional<double> this_test_score;  // for --log and --plot: computed only on a new best
        // if we got the best validation score until now
        if (this_validation_loss < best_validation_loss) {
          // improve patience if loss improvement is good enough
          if (this_validation_loss < best_validation_loss * improvement_threshold)
            patience = std::max(patience, iter * patience_increase);

          best_validation_loss = this_validation_loss;
          best_iter = iter;

          // test it on the test set
          std::vector<double> test_losses;
          for (int i = 0; i < n_test_batches; ++i) test_losses.push_back(test_model(i));
          test_score = numpy::mean(test_losses);
          this_test_score = test_score;

          fmt::print("     epoch {}, minibatch {}/{}, test error of best model {:f} %\n", epoch, minibatch_index + 1, n_train_batches,
                     test_score * 100.);
          std::fflush(stdout);

          // save the best model
          if (!save_path.empty()) tutorial::save_best_model(save_path, classifier.params);
        }
        monitor.validated(epoch, iter, this_validation_loss, this_test_score);
      }
      if (patience <= iter) {
        done_looping = true;
        break;
      }
    }
  }
  monitor.finish();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  fmt::print("Optimization complete. Best validation score of {:f} % obtained at iteration {}, with test performance {:f} %\n",
             best_validation_loss * 100., best_iter + 1, test_score * 100.);
  std::fflush(stdout);
  fmt::print(stderr, "The code for file mlp.cpp ran for {:.2f}m\n", seconds / 60.);
}

int main(int argc, char** argv) {
  double learning_rate = 0.01, L1_reg = 0.00, L2_reg = 0.0001;
  int n_epochs = 1000, batch_size = 20, n_hidden = 500;
  std::string dataset = "mnist.pkl.gz";
  tutorial::Flags flags("mlp", "A multilayer perceptron on MNIST with minibatch SGD and early stopping (mlp.py).");
  flags.add("learning_rate", learning_rate, "learning rate used (factor for the stochastic gradient)", tutorial::kPositive);
  flags.add("L1_reg", L1_reg, "L1-norm's weight when added to the cost", tutorial::kNonNegative);
  flags.add("L2_reg", L2_reg, "L2-norm's weight when added to the cost", tutorial::kNonNegative);
  flags.add("n_epochs", n_epochs, "maximal number of epochs to run the optimizer", {1, 1000000});
  flags.add("dataset", dataset, "the path of the MNIST dataset file (mnist.pkl.gz uses the raw MNIST files in the data cache)");
  flags.add("batch_size", batch_size, "minibatch size", {1, INT_MAX});
  flags.add("n_hidden", n_hidden, "number of hidden units", {1, 100000});
  std::string save_path = "best_model.ckpt", resume;
  flags.add("save", save_path, "where to save the best model's parameters on every new best (theano::save); empty: do not save");
  flags.add("resume", resume, "a checkpoint to load the parameters from before training (restores the weights only)");
  flags.add_dot_flag();
  flags.add_report_flags();
  try {
    flags.parse(argc, argv);
    // every file is checked before any data is loaded (tutorial_files.hpp)
    tutorial::check_outputs(save_path);
    tutorial::check_model("resume", resume);
    test_mlp(learning_rate, L1_reg, L2_reg, n_epochs, dataset, batch_size, n_hidden, save_path, resume);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return 0;
}
