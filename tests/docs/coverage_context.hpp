// The sample variables the C++ column of docs/coverage.md may use (tests/docs/check_coverage.sh).
// Each code span of a row marked present is compiled as a statement `{ SPAN; }` in the body of a
// member function of a struct deriving from coverage::samples, so these members are the names the
// page's intro promises: keep the two lists the same.
#pragma once
#include <theano/theano.hpp>

namespace T = theano::tensor;
namespace numpy = theano::numpy;
namespace pool = theano::tensor::signal::pool;

using theano::DType;
using theano::Var;

namespace coverage {

struct samples {
  Var s = T::scalar("s");      // float scalar (floatX)
  Var v = T::vector("v");      // float vector
  Var x = T::matrix("x");      // float matrix
  Var y = T::matrix("y");      // another float matrix
  Var t3 = T::tensor3("t3");   // float 3-d tensor
  Var t4 = T::tensor4("t4");   // float 4-d tensor (a minibatch of images)
  Var w4 = T::tensor4("w4");   // float 4-d tensor (convolution filters)
  Var i = T::ivector("i");     // int32 vector (labels, indices)
  Var n = T::lscalar("n");     // int64 scalar (a size or an index)
  Var cost = T::scalar("cost");
  std::vector<Var> params;
  theano::SharedVariable W;    // a shared variable
  theano::Function f;          // a compiled function
  theano::NDArray a;           // an array
  numpy::RandomState rng{42};
};
}  // namespace coverage
