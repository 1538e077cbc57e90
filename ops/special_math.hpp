// Special functions the C library lacks (erfinv, erfcinv, digamma, trigamma) and a thread-safe
// lgamma, in double precision; the elementwise kernels call them for float32 and float64 alike.
#pragma once

namespace theano::special {

// The inverse of erf on [-1, 1] (+-inf at +-1, NaN outside) and of erfc on [0, 2].
double erfinv(double x);
double erfcinv(double c);
// log|Gamma(x)| without writing the global signgam (lgamma does, so threads would race on it).
double log_gamma(double x);
// psi = d/dx log Gamma(x) and its derivative; NaN at the poles 0, -1, -2, ... (digamma: -inf at +0).
double digamma(double x);
double trigamma(double x);

}  // namespace theano::special
