// logistic_sgd.py in C++: logistic regression on MNIST trained with minibatch SGD and early stopping.
#include <theano/tutorials/logistic_sgd.hpp>

#include <chrono>
#include <cstdio>

#include "tutorial_flags.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

// Demonstrate stochastic gradient descent optimization of a log-linear model, on MNIST.
// save_path: where the best model is saved on every new best (the tutorial's best_model.pkl; empty:
// not saved). resume: a checkpoint whose parameters replace the initial ones before training (only
// the weights: the epoch count, patience and best validation score start afresh).
void sgd_optimization_mnist(double learning_rate = 0.13, int n_epochs = 1000, const std::string& dataset = "mnist.pkl.gz",
                            int batch_size = 600, const std::string& save_path = "best_model.ckpt", const std::string& resume = "") {
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
  // generate symbolic variables for input (x and y represent a minibatch)
  auto x = T::matrix("x");   // data, presented as rasterized images
  auto y = T::ivector("y");  // labels, presented as 1D vector of [int] labels

  // construct the logistic regression class; each MNIST image has size 28*28
  LogisticRegression classifier(x, 28 * 28, 10);
  if (!resume.empty()) {
    theano::load(resume, classifier.params, {.finite_only = true});
    fmt::print("... resuming from the parameters in {}\n", resume);
  }

  // the cost we minimize during training is the negative log likelihood of the model in symbolic format
  auto cost = classifier.negative_log_likelihood(y);

  // compiling a Theano function that computes the mistakes that are made by the model on a minibatch
  auto test_model = theano::function({index}, classifier.errors(y),
                                     {.givens = {{x, minibatch(test_set_x, index, batch_size)},
                                                 {y, minibatch(test_set_y, index, batch_size)}}});
  auto validate_model = theano::function({index}, classifier.errors(y),
                                         {.givens = {{x, minibatch(valid_set_x, index, batch_size)},
                                                     {y, minibatch(valid_set_y, index, batch_size)}}});

  // compute the gradient of cost with respect to theta = (W,b)
  auto g_W = T::grad(cost, classifier.W);
  auto g_b = T::grad(cost, classifier.b);

  // specify how to update the parameters of the model as a list of (variable, update expression) pairs.
  std::vector<std::pair<Var, Var>> updates = {{classifier.W, classifier.W - learning_rate * g_W},
                                              {classifier.b, classifier.b - learning_rate * g_b}};

  // compiling a Theano function `train_model` that returns the cost, but at the same time updates
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
  fmt::print("... training the model\n");
  // early-stopping parameters
  int patience = 5000;               // look as this many examples regardless
  int patience_increase = 2;         // wait this much longer when a new best is found
  double improvement_threshold = 0.995;  // a relative improvement of this much is considered significant
  // go through this many minibatches before checking the network on the validation set; in this
  // case we check every epoch
  int validation_frequency = std::min(n_train_batches, patience / 2);

  double best_validation_loss = numpy::inf;
  double test_score = 0.;
  auto start_time = std::chrono::steady_clock::now();
  // the progress line on a terminal, --log and --plot (training_monitor.hpp)
  tutorial::TrainingMonitor monitor("logistic_sgd: logistic regression on MNIST", n_epochs, n_train_batches, batch_size);

  bool done_looping = false;
  int epoch = 0;
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
  fmt::print("Optimization complete with best validation score of {:f} %,with test performance {:f} %\n", best_validation_loss * 100.,
             test_score * 100.);
  fmt::print("The code run for {} epochs, with {:f} epochs/sec\n", epoch, 1. * epoch / seconds);
  std::fflush(stdout);
  fmt::print(stderr, "The code for file logistic_sgd.cpp ran for {:.1f}s\n", seconds);
}

// An example of how to load a trained model and use it to predict labels.
void predict(const std::string& model_path = "best_model.ckpt", const std::string& dataset = "mnist.pkl.gz") {
  // load the saved model
  auto x = T::matrix("x");
  LogisticRegression classifier(x, 28 * 28, 10);
  theano::load(model_path, classifier.params, {.finite_only = true});

  // compile a predictor function
  auto predict_model = theano::function({classifier.input}, classifier.y_pred);

  // We can test it on some examples from test test
  auto datasets = load_data(dataset);
  theano::NDArray test_set_x = datasets[2].x.get_value();
  theano::NDArray first10 = test_set_x.view(theano::Dims{10, test_set_x.shape(1)}, test_set_x.strides(), test_set_x.offset());

  theano::NDArray predicted_values = predict_model(first10);
  fmt::print("Predicted values for the first 10 examples in test set:\n");
  // as numpy prints a 1-d integer array: [7 2 1 0 4 1 4 9 6 9]
  std::vector<std::string> items;
  size_t width = 0;
  for (int64_t i = 0; i < predicted_values.size(); ++i) {
    items.push_back(fmt::format("{}", int64_t(predicted_values.item(i))));
    width = std::max(width, items.back().size());
  }
  std::string line = "[";
  for (size_t i = 0; i < items.size(); ++i) line += fmt::format("{}{:>{}}", i ? " " : "", items[i], width);
  fmt::print("{}]\n", line);
}

int main(int argc, char** argv) {
  double learning_rate = 0.13;
  int n_epochs = 1000;
  std::string dataset = "mnist.pkl.gz";
  int batch_size = 600;
  tutorial::Flags flags("logistic_sgd", "Logistic regression on MNIST with minibatch SGD and early stopping (logistic_sgd.py).");
  flags.add("learning_rate", learning_rate, "learning rate used (factor for the stochastic gradient)", tutorial::kPositive);
  flags.add("n_epochs", n_epochs, "maximal number of epochs to run the optimizer", {1, 1000000});
  flags.add("dataset", dataset, "the path of the MNIST dataset file (mnist.pkl.gz uses the raw MNIST files in the data cache)");
  flags.add("batch_size", batch_size, "minibatch size", {1, INT_MAX});
  std::string save_path = "best_model.ckpt", resume;
  bool predict_only = false;
  flags.add("save", save_path, "where to save the best model on every new best (theano::save of W and b); empty: do not save");
  flags.add("resume", resume, "a checkpoint to load W and b from before training (restores the weights only)");
  flags.add_switch("predict", predict_only, "predict() instead of training: load the model (--resume, else --save) and print the "
                                            "predicted labels of the first 10 test images");
  flags.add_dot_flag();
  flags.add_report_flags();
  try {
    flags.parse(argc, argv);
    // every file is checked before any data is loaded (tutorial_files.hpp)
    if (predict_only) {
      tutorial::check_model(resume.empty() ? "save" : "resume", resume.empty() ? save_path : resume);
      predict(resume.empty() ? save_path : resume, dataset);
    } else {
      tutorial::check_outputs(save_path);
      tutorial::check_model("resume", resume);
      sgd_optimization_mnist(learning_rate, n_epochs, dataset, batch_size, save_path, resume);
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return 0;
}
