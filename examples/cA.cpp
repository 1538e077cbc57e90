// cA.py in C++: a contractive autoencoder trained on MNIST, writing its filters as a PNG (the cA
// class is in <theano/tutorials/cA.hpp>).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include <theano/plots.hpp>
#include <theano/tutorials/cA.hpp>

#include "tutorial_flags.hpp"

using namespace theano::tutorials;

// This demo is tested on MNIST. learning_rate: the learning rate of the contractive autoencoder;
// training_epochs: the number of epochs; dataset: the path of the dataset; batch_size: minibatch
// size; output_folder: where cae_filters.png goes (created when missing); contraction_level: the
// weight of the Jacobian's norm in the cost.
void test_cA(double learning_rate = 0.01, int training_epochs = 20, const std::string& dataset = "mnist.pkl.gz", int batch_size = 10,
             const std::string& output_folder = "cA_plots", double contraction_level = .1) {
  auto datasets = load_data(dataset);
  SharedVariable train_set_x = datasets[0].x;
  tutorial::check_minibatches(dataset, batch_size, training_epochs, {{"training", train_set_x}});

  // compute number of minibatches for training
  int n_train_batches = int(train_set_x.get_value(/*borrow=*/true).shape(0)) / batch_size;
  if (n_train_batches < 2)
    throw std::invalid_argument(fmt::format("--batch_size {}: an epoch has {} minibatch; cA.py prints values of the second (c_array[1]), "
                                            "so it needs at least two",
                                            batch_size, n_train_batches));

  // allocate symbolic variables for the data
  auto index = T::lscalar();  // index to a [mini]batch
  auto x = T::matrix("x");    // the data is presented as rasterized images

  std::filesystem::create_directories(output_folder);

  ////////////////////////
  // BUILDING THE MODEL //
  ////////////////////////
  RandomState rng(123);

  cA ca(rng, x, /*n_visible=*/28 * 28, /*n_hidden=*/500, /*n_batchsize=*/batch_size);

  auto [cost, updates] = ca.get_cost_updates(contraction_level, learning_rate);

  auto train_ca = theano::function({index}, {T::mean(ca.L_rec), ca.L_jacob},
                                   {.updates = updates, .givens = {{x, minibatch(train_set_x, index, batch_size)}}});
  // --dot PREFIX: the compiled training graph as a picture
  tutorial::write_graphs({{"train", train_ca}});

  auto start_time = std::chrono::steady_clock::now();
  // go through training epochs
  for (int epoch = 0; epoch < training_epochs; ++epoch) {
    // go through the training set
    std::vector<std::vector<float>> c;
    for (int batch_index = 0; batch_index < n_train_batches; ++batch_index) {
      auto out = train_ca(batch_index);
      c.push_back({float(out.scalar(0)), float(out.scalar(1))});
    }
    // cA.py stacks the [reconstruction cost, jacobian norm] pairs into rows (numpy.vstack(c)) and
    // then prints numpy.mean(c_array[0]) and numpy.mean(numpy.sqrt(c_array[1])): the first and the
    // second ROW, i.e. the first minibatch's pair and the second's, not the epoch's columns. The
    // means are of float32 values, in float32.
    const std::vector<float>& row0 = c[0];
    const std::vector<float>& row1 = c[1];
    float mean_row0 = (row0[0] + row0[1]) / 2.0f;
    float mean_sqrt_row1 = (std::sqrt(row1[0]) + std::sqrt(row1[1])) / 2.0f;
    fmt::print("Training epoch {}, reconstruction cost  {}  jacobian norm  {}\n", epoch, numpy::float32_str(mean_row0),
               numpy::float32_str(mean_sqrt_row1));
    std::fflush(stdout);
  }
  double training_time = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_time).count();
  fmt::print(stderr, "The code for file cA.cpp ran for {:.2f}m\n", training_time / 60.);

  auto image = theano::plots::tile_raster_images(numpy::transpose(ca.W.get_value(/*borrow=*/true)), /*img_shape=*/{28, 28},
                                                 /*tile_shape=*/{10, 10}, /*tile_spacing=*/{1, 1});
  theano::plots::write_png(output_folder + "/cae_filters.png", image);
}

int main(int argc, char** argv) {
  double learning_rate = 0.01, contraction_level = .1;
  int training_epochs = 20, batch_size = 10;
  std::string dataset = "mnist.pkl.gz", output_folder = "cA_plots";
  tutorial::Flags flags("cA", "A contractive autoencoder on MNIST and its filters as a PNG (cA.py).");
  flags.add("learning_rate", learning_rate, "learning rate used for training the contractive autoencoder", tutorial::kPositive);
  flags.add("training_epochs", training_epochs, "number of epochs used for training", {1, 1000000});
  flags.add("dataset", dataset, "the path of the MNIST dataset file (mnist.pkl.gz uses the raw MNIST files in the data cache)");
  flags.add("batch_size", batch_size, "minibatch size", {1, INT_MAX});
  flags.add("output_folder", output_folder, "the folder cae_filters.png is written to (created when missing)");
  flags.add("contraction_level", contraction_level, "the weight of the Jacobian's squared norm in the cost", tutorial::kNonNegative);
  flags.add_dot_flag();
  try {
    flags.parse(argc, argv);
    // the pictures' folder is checked before any data is loaded (tutorial_files.hpp)
    tutorial::check_output_folder(output_folder, {"cae_filters.png"});
    test_cA(learning_rate, training_epochs, dataset, batch_size, output_folder, contraction_level);
  } catch (const std::exception& e) {
    fmt::print(stderr, "error: {}\n", e.what());
    return 2;
  }
  return 0;
}
