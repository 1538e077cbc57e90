// dA.py in C++: a denoising autoencoder trained on MNIST without corruption and with 30 % of the
// pixels zeroed, writing the learned filters of each as a PNG (the dA class is in
// <theano/tutorials/dA.hpp>, as SdA.py imports it from dA.py).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <theano/plots.hpp>
#include <theano/tutorials/dA.hpp>

#include "tutorial_flags.hpp"

using namespace theano::tutorials;

namespace {

// One training run of test_dA: a fresh dA (numpy seed 123, the MRG streams seeded from it), trained
// with corruption_level for training_epochs, then its filters (the columns of W, as 28x28 images on
// a 10x10 grid) saved to filters_path. `label` names the run in the timing line on stderr.
void train_and_plot(const SharedDataset& train_set, int batch_size, double learning_rate, int training_epochs, double corruption_level,
                    const std::string& label, const std::string& filters_path) {
  SharedVariable train_set_x = train_set.x;
  // compute number of minibatches for training
  int n_train_batches = int(train_set_x.get_value(/*borrow=*/true).shape(0)) / batch_size;

  // allocate symbolic variables for the data
  auto index = T::lscalar();  // index to a [mini]batch
  auto x = T::matrix("x");    // the data is presented as rasterized images

  RandomState rng(123);
  auto theano_rng = std::make_shared<RandomStreams>(rng.randint(int64_t(1) << 30));

  dA da(rng, theano_rng, x, /*n_visible=*/28 * 28, /*n_hidden=*/500);

  auto [cost, updates] = da.get_cost_updates(corruption_level, learning_rate);

  auto train_da = theano::function({index}, cost, {.updates = updates, .givens = {{x, minibatch(train_set_x, index, batch_size)}}});
  // --dot PREFIX: the compiled training graph as a picture, PREFIX_train_corruption_0.svg / _30.svg
  tutorial::write_graphs({{fmt::format("train_corruption_{}", std::lround(corruption_level * 100)), train_da}});

  auto start_time = std::chrono::steady_clock::now();
  // go through training epochs
  for (int epoch = 0; epoch < training_epochs; ++epoch) {
    // go through the training set
    std::vector<double> c;
    for (int batch_index = 0; batch_index < n_train_batches; ++batch_index) c.push_back(train_da(batch_index));
    // print('Training epoch %d, cost ' % epoch, numpy.mean(c, dtype='float64')): print's separator
    // after the trailing space, and the float64's repr
    fmt::print("Training epoch {}, cost  {}\n", epoch, numpy::python_float_repr(numpy::mean(c)));
    std::fflush(stdout);
  }
  double training_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  fmt::print(stderr, "The {} code for file dA.cpp ran for {:.2f}m\n", label, training_time / 60.);

  auto image = theano::plots::tile_raster_images(numpy::transpose(da.W.get_value(/*borrow=*/true)), /*img_shape=*/{28, 28},
                                                 /*tile_shape=*/{10, 10}, /*tile_spacing=*/{1, 1});
  theano::plots::write_png(filters_path, image);
}

}  // namespace

// This demo is tested on MNIST. learning_rate: the learning rate of the denoising autoencoder;
// training_epochs: the number of epochs of each of the two trainings; dataset: the path of the
// dataset; output_folder: where the filter pictures go (created when missing).
void test_dA(double learning_rate = 0.1, int training_epochs = 15, const std::string& dataset = "mnist.pkl.gz", int batch_size = 20,
             const std::string& output_folder = "dA_plots") {
  auto datasets = load_data(dataset);
  SharedDataset train_set = datasets[0];
  tutorial::check_minibatches(dataset, batch_size, training_epochs, {{"training", train_set.x}});

  std::filesystem::create_directories(output_folder);

  ////////////////////////////////////
  // BUILDING THE MODEL NO CORRUPTION //
  ////////////////////////////////////
  train_and_plot(train_set, batch_size, learning_rate, training_epochs, 0., "no corruption", output_folder + "/filters_corruption_0.png");

  /////////////////////////////////////
  // BUILDING THE MODEL CORRUPTION 30% //
  /////////////////////////////////////
  train_and_plot(train_set, batch_size, learning_rate, training_epochs, 0.3, "30% corruption",
                 output_folder + "/filters_corruption_30.png");
}

int main(int argc, char** argv) {
  double learning_rate = 0.1;
  int training_epochs = 15, batch_size = 20;
  std::string dataset = "mnist.pkl.gz", output_folder = "dA_plots";
  tutorial::Flags flags("dA", "A denoising autoencoder on MNIST, without and with 30% corruption, and its filters as PNGs (dA.py).");
  flags.add("learning_rate", learning_rate, "learning rate used for training the denoising autoencoder", tutorial::kPositive);
  flags.add("training_epochs", training_epochs, "number of epochs used for training (each corruption level)", {1, 1000000});
  flags.add("dataset", dataset, "the path of the MNIST dataset file (mnist.pkl.gz uses the raw MNIST files in the data cache)");
  flags.add("batch_size", batch_size, "minibatch size", {1, INT_MAX});
  flags.add("output_folder", output_folder, "the folder the filter pictures are written to (created when missing)");
  flags.add_dot_flag();
  try {
    flags.parse(argc, argv);
    // the pictures' folder is checked before any data is loaded (tutorial_files.hpp)
    tutorial::check_output_folder(output_folder, {"filters_corruption_0.png", "filters_corruption_30.png"});
    test_dA(learning_rate, training_epochs, dataset, batch_size, output_folder);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return 0;
}
