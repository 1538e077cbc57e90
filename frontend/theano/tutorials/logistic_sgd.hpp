// logistic_sgd.py's building blocks: LogisticRegression and load_data, which the other tutorials
// import (`from logistic_sgd import LogisticRegression, load_data`); installed with the library:
//
//   #include <theano/tutorials/logistic_sgd.hpp>
//   using namespace theano::tutorials;
#pragma once
#include <fmt/format.h>
#include <stdexcept>
#include <utility>
#include <vector>

#include "frontend/theano/theano.hpp"

namespace theano::tutorials {


namespace T = theano::tensor;
namespace numpy = theano::numpy;
using theano::config;
using theano::SharedVariable;
using theano::Var;
using theano::numpy::RandomState;

// Multi-class Logistic Regression Class
//
// The logistic regression is fully described by a weight matrix W and bias vector b.
// Classification is done by projecting data points onto a set of hyperplanes, the distance to
// which is used to determine a class membership probability.
class LogisticRegression {
 public:
  SharedVariable W, b;
  Var p_y_given_x, y_pred, input;
  std::vector<Var> params;

  // input: symbolic variable that describes the input of the architecture (one minibatch)
  // n_in: number of input units, the dimension of the space in which the datapoints lie
  // n_out: number of output units, the dimension of the space in which the labels lie
  LogisticRegression(const Var& input, int n_in, int n_out) {
    // initialize with 0 the weights W as a matrix of shape (n_in, n_out)
    W = theano::shared(numpy::zeros({n_in, n_out}, config().floatX), "W", /*borrow=*/true);
    // initialize the biases b as a vector of n_out 0s
    b = theano::shared(numpy::zeros({n_out}, config().floatX), "b", /*borrow=*/true);

    // symbolic expression for computing the matrix of class-membership probabilities
    p_y_given_x = T::nnet::softmax(T::dot(input, W) + b);
    // symbolic description of how to compute prediction as class whose probability is maximal
    y_pred = T::argmax(p_y_given_x, /*axis=*/1);

    // parameters of the model
    params = {W, b};
    // keep track of model input
    this->input = input;
  }

  // The mean of the negative log-likelihood of the prediction of this model under a given target
  // distribution. T::arange(y.shape()[0]) is [0, 1, ..., n-1]; indexing the log-probabilities with
  // {rows, y} picks each example's log-probability of its correct label.
  Var negative_log_likelihood(const Var& y) const {
    return -T::mean(T::log(p_y_given_x)[{T::arange(y.shape()[0]), y}]);
  }

  // The zero-one loss over the size of the minibatch: the fraction of misclassified examples.
  Var errors(const Var& y) const {
    // check if y has same dimension of y_pred
    if (y.ndim() != y_pred.ndim())
      throw std::invalid_argument(fmt::format("y should have the same shape as self.y_pred ('y', {}, 'y_pred', {})", y.type().str(),
                                              y_pred.type().str()));
    // check if y is of the correct datatype
    if (theano::is_integer(y.dtype())) {
      // the T::neq operator returns a vector of 0s and 1s, where 1 represents a mistake in prediction
      return T::mean(T::neq(y_pred, y));
    }
    throw std::logic_error("errors: y must hold integer labels");
  }
};

// A dataset split held in shared variables: x (floatX) and y (int32, through a cast as in
// shared_dataset, so that the labels can live in floatX storage).
struct SharedDataset {
  SharedVariable x;
  Var y;
};

// Loads the dataset: train, valid and test sets, each as shared variables so that they can be
// sliced by a symbolic minibatch index inside compiled functions.
inline std::vector<SharedDataset> load_data(const std::string& dataset) {
  fmt::print("... loading data\n");
  std::fflush(stdout);
  auto sets = theano::io::load_mnist(dataset, config().floatX);

  // Function that loads the dataset into shared variables. The data is stored in floatX for both
  // x and y; y is cast to int32 symbolically because the labels are used as indices.
  auto shared_dataset = [](const theano::io::MnistSplit& data_xy, bool borrow = true) {
    SharedVariable shared_x = theano::shared(numpy::asarray(data_xy.x, config().floatX), "", borrow);
    SharedVariable shared_y = theano::shared(numpy::asarray(data_xy.y, config().floatX), "", borrow);
    return SharedDataset{shared_x, T::cast(shared_y, "int32")};
  };
  SharedDataset test_set = shared_dataset(sets[2]);
  SharedDataset valid_set = shared_dataset(sets[1]);
  SharedDataset train_set = shared_dataset(sets[0]);
  return {train_set, valid_set, test_set};
}

// Python's `a[i * bs: (i + 1) * bs]` for the givens of the tutorials.
inline Var minibatch(const Var& data, const Var& index, int batch_size) {
  return data[T::slice(index * batch_size, (index + 1) * batch_size)];
}

}  // namespace theano::tutorials
