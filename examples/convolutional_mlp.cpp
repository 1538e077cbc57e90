// convolutional_mlp.py in C++: the LeNet5 convolutional network on MNIST.
//
// This implementation simplifies the model in the following ways:
//  - LeNetConvPool doesn't implement location-specific gain and bias parameters
//  - LeNetConvPool doesn't implement pooling by average, it implements pooling by max.
//  - Digit classification is implemented with a logistic regression rather than an RBF network
//  - LeNet5 was not fully-connected convolutions at second layer
#include <array>
#include <chrono>
#include <cstdio>

#include <theano/tutorials/convolutional_mlp.hpp>
#include "tutorial_flags.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

// Demonstrates lenet on MNIST dataset
// save_path: where the best model's parameters are saved on every new best (empty: not saved);
// resume: a checkpoint to load them from before training (the weights only); filters_path: a PNG
// of the first layer's filters after training (empty: none).
void evaluate_lenet5(double learning_rate = 0.1, int n_epochs = 200, const std::string& dataset = "mnist.pkl.gz",
                     std::vector<int> nkerns = {20, 50}, int batch_size = 500, const std::string& save_path = "best_model.ckpt",
                     const std::string& resume = "", const std::string& filters_path = "") {
  RandomState rng(23455);

  auto datasets = load_data(dataset);
  auto [train_set_x, train_set_y] = datasets[0];
  auto [valid_set_x, valid_set_y] = datasets[1];
  auto [test_set_x, test_set_y] = datasets[2];
  tutorial::check_minibatches(dataset, batch_size, n_epochs, {{"training", train_set_x}, {"validation", valid_set_x}, {"test", test_set_x}});

  // compute number of minibatches for training, validation and testing
  int n_train_batches = int(train_set_x.get_value(/*borrow=*/true).shape(0));
  int n_valid_batches = int(valid_set_x.get_value(/*borrow=*/true).shape(0));
  int n_test_batches = int(test_set_x.get_value(/*borrow=*/true).shape(0));
  n_train_batches /= batch_size;
  n_valid_batches /= batch_size;
  n_test_batches /= batch_size;

  // allocate symbolic variables for the data
  auto index = T::lscalar();  // index to a [mini]batch

  // start-snippet-1
  auto x = T::matrix("x");   // the data is presented as rasterized images
  auto y = T::ivector("y");  // the labels are presented as 1D vector of [int] labels

  ///////////////////////
  // BUILD ACTUAL MODEL //
  ///////////////////////
  fmt::print("... building the model\n");

  // Reshape matrix of rasterized images of shape (batch_size, 28 * 28) to a 4D tensor, compatible
  // with our LeNetConvPoolLayer; (28, 28) is the size of MNIST images.
  auto layer0_input = x.reshape({batch_size, 1, 28, 28});

  // Construct the first convolutional pooling layer: filtering reduces the image size to
  // (28-5+1 , 28-5+1) = (24, 24); maxpooling reduces this further to (24/2, 24/2) = (12, 12);
  // 4D output tensor is thus of shape (batch_size, nkerns[0], 12, 12)
  std::optional<LeNetConvPoolLayer> layer0;
  {
    theano::NameScope scope("layer0");
    layer0.emplace(rng, layer0_input, std::vector<int64_t>{nkerns[0], 1, 5, 5}, std::vector<int64_t>{batch_size, 1, 28, 28},
                   std::pair{2, 2});
  }

  // Construct the second convolutional pooling layer: filtering reduces the image size to
  // (12-5+1, 12-5+1) = (8, 8); maxpooling reduces this further to (8/2, 8/2) = (4, 4);
  // 4D output tensor is thus of shape (batch_size, nkerns[1], 4, 4)
  std::optional<LeNetConvPoolLayer> layer1;
  {
    theano::NameScope scope("layer1");
    layer1.emplace(rng, layer0->output, std::vector<int64_t>{nkerns[1], nkerns[0], 5, 5},
                   std::vector<int64_t>{batch_size, nkerns[0], 12, 12}, std::pair{2, 2});
  }

  // the HiddenLayer being fully-connected, it operates on 2D matrices of shape
  // (batch_size, num_pixels) (i.e matrix of rasterized images). This will generate a matrix of
  // shape (batch_size, nkerns[1] * 4 * 4) = (500, 50 * 4 * 4) = (500, 800) with the default values.
  std::optional<HiddenLayer> layer2;
  auto layer2_input = layer1->output.flatten(2);
  {
    // construct a fully-connected sigmoidal layer
    theano::NameScope scope("layer2");
    layer2.emplace(rng, layer2_input, nkerns[1] * 4 * 4, 500, std::nullopt, std::nullopt, activation::tanh);
  }

  // classify the values of the fully-connected sigmoidal layer
  std::optional<LogisticRegression> layer3;
  {
    theano::NameScope scope("layer3");
    layer3.emplace(layer2->output, 500, 10);
  }

  // the cost we minimize during training is the NLL of the model
  auto cost = layer3->negative_log_likelihood(y);

  // create a function to compute the mistakes that are made by the model
  auto test_model = theano::function({index}, layer3->errors(y),
                                     {.givens = {{x, minibatch(test_set_x, index, batch_size)},
                                                 {y, minibatch(test_set_y, index, batch_size)}}});
  auto validate_model = theano::function({index}, layer3->errors(y),
                                         {.givens = {{x, minibatch(valid_set_x, index, batch_size)},
                                                     {y, minibatch(valid_set_y, index, batch_size)}}});

  // create a list of all model parameters to be fit by gradient descent
  std::vector<Var> params = layer3->params;
  for (const auto* layer : {&layer2->params, &layer1->params, &layer0->params}) params.insert(params.end(), layer->begin(), layer->end());
  if (!resume.empty()) {
    theano::load(resume, params, {.finite_only = true});
    fmt::print("... resuming from the parameters in {}\n", resume);
  }

  // create a list of gradients for all model parameters
  auto grads = T::grad(cost, params);

  // train_model is a function that updates the model parameters by SGD. Since this model has many
  // parameters, it would be tedious to manually create an update rule for each model parameter.
  // We thus create the updates list by automatically looping over all (params[i], grads[i]) pairs.
  std::vector<std::pair<Var, Var>> updates;
  for (size_t i = 0; i < params.size(); ++i) updates.push_back({params[i], params[i] - learning_rate * grads[i]});

  auto train_model = theano::function({index}, cost,
                                      {.updates = updates,
                                       .givens = {{x, minibatch(train_set_x, index, batch_size)},
                                                  {y, minibatch(train_set_y, index, batch_size)}}});
  // end-snippet-1

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
  tutorial::TrainingMonitor monitor("convolutional_mlp: LeNet5 on MNIST", n_epochs, n_train_batches, batch_size);

  int epoch = 0;
  bool done_looping = false;
  while (epoch < n_epochs && !done_looping) {
    epoch = epoch + 1;
    for (int minibatch_index = 0; minibatch_index < n_train_batches; ++minibatch_index) {
      int iter = (epoch - 1) * n_train_batches + minibatch_index;

      if (iter % 100 == 0) {
        monitor.clear();
        fmt::print("training @ iter =  {}\n", iter);
        std::fflush(stdout);
      }
      double cost_ij = train_model(minibatch_index);
      (void)cost_ij;
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

          // save best validation score and iteration number
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
          if (!save_path.empty()) tutorial::save_best_model(save_path, params);
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
  fmt::print("Optimization complete.\n");
  fmt::print("Best validation score of {:f} % obtained at iteration {}, with test performance {:f} %\n", best_validation_loss * 100.,
             best_iter + 1, test_score * 100.);
  std::fflush(stdout);
  fmt::print(stderr, "The code for file convolutional_mlp.cpp ran for {:.2f}m\n", seconds / 60.);

  // --filters FILE.png: layer0's nkerns[0] learned 5x5 filters, tiled as utils.tile_raster_images does
  if (!filters_path.empty()) {
    tutorial::write_filters(filters_path, layer0->W.get_value(), {5, 5});
    fmt::print("... the first layer's {} filters written to {}\n", nkerns[0], filters_path);
  }
}

int main(int argc, char** argv) {
  double learning_rate = 0.1;
  int n_epochs = 200, batch_size = 500;
  std::string dataset = "mnist.pkl.gz";
  std::vector<int> nkerns = {20, 50};
  tutorial::Flags flags("convolutional_mlp", "The LeNet5 convolutional network on MNIST (convolutional_mlp.py).");
  flags.add("learning_rate", learning_rate, "learning rate used (factor for the stochastic gradient)", tutorial::kPositive);
  flags.add("n_epochs", n_epochs, "maximal number of epochs to run the optimizer", {1, 1000000});
  flags.add("dataset", dataset, "the path of the MNIST dataset file (mnist.pkl.gz uses the raw MNIST files in the data cache)");
  flags.add("nkerns", nkerns, "number of kernels on each layer, comma-separated", {1, 10000}, /*count=*/2);
  flags.add("batch_size", batch_size, "minibatch size", {1, INT_MAX});
  std::string save_path = "best_model.ckpt", resume;
  flags.add("save", save_path, "where to save the best model's parameters on every new best (theano::save); empty: do not save");
  flags.add("resume", resume, "a checkpoint to load the parameters from before training (restores the weights only)");
  flags.add_dot_flag();
  flags.add_report_flags();
  std::string filters_path;
  flags.add("filters", filters_path, "after training, write the first layer's filters as a tiled grayscale PNG, e.g. --filters filters.png");
  try {
    flags.parse(argc, argv);
    // every file is checked before any data is loaded (tutorial_files.hpp)
    tutorial::check_outputs(save_path, {{"filters", filters_path}});
    tutorial::check_model("resume", resume);
    evaluate_lenet5(learning_rate, n_epochs, dataset, nkerns, batch_size, save_path, resume, filters_path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return 0;
}
