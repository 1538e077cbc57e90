// theano-cpp: Theano's symbolic graphs, gradients and compiled functions in C++.
//
// A worked example, f(x) = x², its gradient, and a compiled function:
//
//   #include <theano/theano.hpp>
//   namespace T = theano::tensor;
//
//   auto x = T::dscalar("x");
//   auto y = x * x;                              // a graph, nothing is computed yet
//   auto gy = T::grad(y, x);                     // d(x²)/dx = 2x, also a graph
//   auto f = theano::function({x}, gy);          // compiled in milliseconds
//   double g = f(4.0);                           // 8.0
//
// Shared variables keep state across calls, and `updates` change them after each call:
//
//   auto state = theano::shared(0.0, "state");
//   auto inc = T::dscalar("inc");
//   auto accumulator = theano::function({inc}, state, {.updates = {{state, state + inc}}});
//   accumulator(1.0);                            // returns 0 (the value before the call); state is now 1
//
// See docs/rosetta.md for every Python name of the tutorials and its C++ spelling.
#pragma once

#include "frontend/theano/checkpoint.hpp"
#include "frontend/theano/conv_pool.hpp"
#include "frontend/theano/function.hpp"
#include "frontend/theano/indexing.hpp"
#include "frontend/theano/io.hpp"
#include "frontend/theano/numpy.hpp"
#include "frontend/theano/printing.hpp"
#include "frontend/theano/rng_mrg.hpp"
#include "frontend/theano/scan.hpp"
#include "frontend/theano/shared.hpp"
#include "frontend/theano/shared_randomstreams.hpp"
#include "frontend/theano/tensor.hpp"
#include "frontend/theano/tensor_ctors.hpp"
#include "frontend/theano/verify_grad.hpp"
#include "ops/grad.hpp"
#include "core/config.hpp"
#include "runtime/nan_guard.hpp"
#include "runtime/profiler.hpp"
