// convolutional_mlp.py's building block: LeNetConvPoolLayer, on top of mlp.hpp (its HiddenLayer
// and LogisticRegression make LeNet5's top); installed as <theano/tutorials/convolutional_mlp.hpp>.
#pragma once
#include <cmath>

#include "frontend/theano/tutorials/mlp.hpp"

namespace theano::tutorials {


namespace pool = T::signal::pool;

// Pool Layer of a convolutional network
class LeNetConvPoolLayer {
 public:
  Var input, output;
  SharedVariable W, b;
  std::vector<Var> params;

  // rng: a random number generator used to initialize weights; input: symbolic image tensor of
  // shape image_shape; filter_shape: (number of filters, num input feature maps, filter height,
  // filter width); image_shape: (batch size, num input feature maps, image height, image width);
  // poolsize: the downsampling (pooling) factor (#rows, #cols)
  LeNetConvPoolLayer(RandomState& rng, const Var& input, const std::vector<int64_t>& filter_shape,
                     const std::vector<int64_t>& image_shape, std::pair<int, int> poolsize = {2, 2}) {
    if (image_shape[1] != filter_shape[1]) throw std::invalid_argument("assert image_shape[1] == filter_shape[1] failed");
    this->input = input;

    // there are "num input feature maps * filter height * filter width" inputs to each hidden unit
    int64_t fan_in = numpy::prod({filter_shape[1], filter_shape[2], filter_shape[3]});
    // each unit in the lower layer receives a gradient from:
    // "num output feature maps * filter height * filter width" / pooling size
    int64_t fan_out = filter_shape[0] * numpy::prod({filter_shape[2], filter_shape[3]}) / numpy::prod({poolsize.first, poolsize.second});
    // initialize weights with random weights
    double W_bound = std::sqrt(6. / double(fan_in + fan_out));
    W = theano::shared(numpy::asarray(rng.uniform(-W_bound, W_bound, theano::Dims(filter_shape)), config().floatX), "W",
                       /*borrow=*/true);

    // the bias is a 1D tensor -- one bias per output feature map
    auto b_values = numpy::zeros({filter_shape[0]}, config().floatX);
    b = theano::shared(b_values, "b", /*borrow=*/true);

    // convolve input feature maps with filters
    auto conv_out = T::nnet::conv2d(input, W, {.filter_shape = filter_shape, .input_shape = image_shape});

    // pool each feature map individually, using maxpooling
    auto pooled_out = pool::pool_2d(conv_out, {.ignore_border = true, .ds = poolsize});

    // add the bias term. Since the bias is a vector (1D array), we first reshape it to a tensor of
    // shape (1, n_filters, 1, 1). Each bias will thus be broadcasted across mini-batches and
    // feature map width & height
    output = T::tanh(pooled_out + b.dimshuffle({'x', 0, 'x', 'x'}));

    // store parameters of this layer
    params = {W, b};
  }
};

}  // namespace theano::tutorials
