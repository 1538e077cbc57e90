#include "ops/special_math.hpp"

#include <cmath>
#include <limits>
#include <math.h>

namespace theano::special {

namespace {
constexpr double kPi = 3.14159265358979323846;
constexpr double kTwoOverSqrtPi = 1.12837916709551257390;
constexpr double kHalfLogPi = 0.57236494292470008707;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// A starting point within ~1e-7 relative for |x| < 1 - 1e-12 (Giles' single-precision erfinv,
// "Approximating the erfinv function", 2010); w = -log((1 - x)(1 + x)).
double giles(double x, double w) {
  double p;
  if (w < 5.0) {
    w -= 2.5;
    p = 2.81022636e-08;
    p = 3.43273939e-07 + p * w;
    p = -3.5233877e-06 + p * w;
    p = -4.39150654e-06 + p * w;
    p = 0.00021858087 + p * w;
    p = -0.00125372503 + p * w;
    p = -0.00417768164 + p * w;
    p = 0.246640727 + p * w;
    p = 1.50140941 + p * w;
  } else {
    w = std::sqrt(w) - 3.0;
    p = -0.000200214257;
    p = 0.000100950558 + p * w;
    p = 0.00134934322 + p * w;
    p = -0.00367342844 + p * w;
    p = 0.00573950773 + p * w;
    p = -0.0076224613 + p * w;
    p = 0.00943887047 + p * w;
    p = 1.00167406 + p * w;
    p = 2.83297682 + p * w;
  }
  return p * x;
}

// Halley's iteration on f(y) = F(y) - target with F = erf or erfc: F'' = -2y F', so the step is
// f / (F' + y f). Cubic convergence: two or three steps from the start above reach the rounding floor.
template <class F>
double halley(double y, double target, double sign, F fn) {
  for (int i = 0; i < 40; ++i) {
    double f = fn(y) - target;
    double d = sign * kTwoOverSqrtPi * std::exp(-y * y);
    double step = f / (d + y * f);
    if (!std::isfinite(step)) break;
    y -= step;
    if (std::fabs(step) <= 1e-15 * std::fabs(y)) break;
  }
  return y;
}

// erfinv for |x| <= 0.5, solved on erf (accurate relative to x there).
double central(double x) {
  if (std::fabs(x) < 1e-150) return x / kTwoOverSqrtPi;  // erfinv(x) = x sqrt(pi) / 2 (1 + O(x^2))
  double y = giles(x, -std::log((1.0 - x) * (1.0 + x)));
  return halley(y, x, 1.0, [](double v) { return std::erf(v); });
}

// erfcinv for 0 < c <= 0.5 (y > 0), solved on erfc, which keeps c's relative precision down to the
// denormals (1 - c would lose it).
double tail(double c) {
  double w = -std::log(c * (2.0 - c));
  double y;
  if (w < 30.0) {
    y = giles(1.0 - c, w);
  } else {
    // erfc(y) ~ exp(-y^2) / (y sqrt(pi)): y^2 = -log(c) - log(y) - log(sqrt(pi)), by fixed point.
    double l = -std::log(c);
    y = std::sqrt(l);
    for (int i = 0; i < 3; ++i) y = std::sqrt(l - std::log(y) - kHalfLogPi);
  }
  return halley(y, c, -1.0, [](double v) { return std::erfc(v); });
}
}  // namespace

double erfinv(double x) {
  if (std::isnan(x)) return x;
  double ax = std::fabs(x);
  if (ax > 1.0) return kNaN;
  if (ax == 1.0) return std::copysign(kInf, x);
  if (ax <= 0.5) return central(x);
  return std::copysign(tail(1.0 - ax), x);  // 1 - |x| is exact for |x| >= 0.5
}

double erfcinv(double c) {
  if (std::isnan(c)) return c;
  if (c < 0.0 || c > 2.0) return kNaN;
  if (c == 0.0) return kInf;
  if (c == 2.0) return -kInf;
  if (c <= 0.5) return tail(c);
  if (c >= 1.5) return -tail(2.0 - c);  // exact
  return central(1.0 - c);             // exact
}

double log_gamma(double x) {
  int sign = 0;
  return ::lgamma_r(x, &sign);
}

namespace {
// Is x a pole of the gamma function (0, -1, -2, ...)?
bool pole(double x) { return x <= 0.0 && x == std::floor(x); }
// x - floor(x), exactly: pi / tan(pi * x) and sin(pi * x)^2 have period 1.
double frac(double x) { return x - std::floor(x); }
}  // namespace

double digamma(double x) {
  if (std::isnan(x) || x == kInf) return x;
  if (x == 0.0) return std::copysign(kInf, -x);
  if (pole(x) || x == -kInf) return kNaN;
  double r = 0.0;
  if (x < 0.0) {
    // Reflection: psi(x) = psi(1 - x) - pi / tan(pi x).
    r = -kPi / std::tan(kPi * frac(x));
    x = 1.0 - x;
  }
  for (; x < 12.0; x += 1.0) r -= 1.0 / x;
  // Asymptotic series: log x - 1/(2x) - sum B_2k / (2k x^2k), to x^-14 (next term < 1e-19 here).
  double inv = 1.0 / x, inv2 = inv * inv;
  double s = inv2 * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * (691.0 / 32760 - inv2 / 12))))));
  return r + std::log(x) - 0.5 * inv - s;
}

double trigamma(double x) {
  if (std::isnan(x)) return x;
  if (x == kInf) return 0.0;
  if (pole(x)) return kInf;
  if (x == -kInf) return kNaN;
  double r = 0.0, sign = 1.0;
  if (x < 0.0) {
    // Reflection: psi1(x) = pi^2 / sin(pi x)^2 - psi1(1 - x).
    double s = std::sin(kPi * frac(x));
    r = kPi * kPi / (s * s);
    sign = -1.0;
    x = 1.0 - x;
  }
  double t = 0.0;
  for (; x < 12.0; x += 1.0) t += 1.0 / (x * x);
  // Asymptotic series: 1/x + 1/(2x^2) + sum B_2k / x^(2k+1), to x^-15.
  double inv = 1.0 / x, inv2 = inv * inv;
  double b = 1.0 / 6 - inv2 * (1.0 / 30 - inv2 * (1.0 / 42 - inv2 * (1.0 / 30 - inv2 * (5.0 / 66 - inv2 * (691.0 / 2730 - inv2 * 7.0 / 6)))));
  t += inv + 0.5 * inv2 + inv * inv2 * b;
  return r + sign * t;
}

}  // namespace theano::special
