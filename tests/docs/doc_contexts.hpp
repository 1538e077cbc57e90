// What the docs' code fragments may assume (tests/docs/compile_docs.sh). A block marked
// `<!-- fragment NAME -->` is compiled as the body of a member function of a struct deriving from
// doc_context::NAME, so the members below are the variables the surrounding prose has already introduced; `<!-- declarations NAME -->`
// puts a block at namespace scope with doc_context::NAME's names visible. Keep each context to
// what a reader of that page has seen: a member here is a promise the page makes.
#pragma once
#include <theano/theano.hpp>

#include <theano/tutorials/convolutional_mlp.hpp>  // the tutorials' classes, as docs/lenet.md includes them
#include "ops/graph_math.hpp"
#include "ops/rewrite_util.hpp"
#include "ops/rewrites.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

// Aliases each page declares once, in its first block, and then uses throughout.
namespace P = theano::printing;  // docs/graphs.md

namespace doc_context {

// Statements that need nothing but the library.
struct none {};

// A training function and what built it: docs/graphs.md, docs/rewrites.md.
struct training {
  Var index = T::lscalar(), cost;
  std::vector<std::pair<Var, Var>> updates, givens;
  int n_train_batches = 0;
  theano::Function train_model;
};

// Inside LeNetConvPoolLayer's constructor: its arguments and members (docs/lenet.md).
struct lenet_layer {
  RandomState& rng;
  Var input, conv_out, pooled_out, output;
  std::vector<int64_t> filter_shape, image_shape;
  std::pair<int, int> poolsize;
  SharedVariable W, b;
  std::vector<Var> params;
};

// Inside evaluate_lenet5: its arguments and the variables it has built so far (docs/lenet.md).
struct lenet_evaluate {
  RandomState& rng;
  double learning_rate = 0.1;
  std::vector<int> nkerns;
  int batch_size = 500;
  SharedVariable train_set_x, valid_set_x, test_set_x;
  Var train_set_y, valid_set_y, test_set_y;
  Var index, x, y, cost;
  std::optional<LeNetConvPoolLayer> layer0, layer1;
  std::optional<HiddenLayer> layer2;
  std::optional<LogisticRegression> layer3;
  std::vector<Var> params;
};

// A local rewrite next to its ops (docs/rewrites.md): the names ops/elemwise_rewrites.cpp sees.
namespace rewrites {
using namespace theano;
using namespace theano::ops;
using namespace theano::ops::rewrites;
using namespace theano::ops::match;
using theano::rewrite::Replacement;
}  // namespace rewrites

}  // namespace doc_context
