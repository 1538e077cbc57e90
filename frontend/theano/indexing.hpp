// Index expressions: x[i], x[T::slice(a, b)], x[{T::arange(n), y}]. Bounds may be ints or symbolic
// integer scalars; slices clamp as Python's do.
#pragma once
#include <optional>
#include <source_location>
#include <variant>

#include "graph/var.hpp"

namespace theano {

// An int or a symbolic integer scalar.
class IntOrVar {
 public:
  IntOrVar(int v) : v_(int64_t(v)) {}
  IntOrVar(long v) : v_(int64_t(v)) {}
  IntOrVar(long long v) : v_(int64_t(v)) {}
  IntOrVar(const Var& v) : v_(v) {}
  const std::variant<int64_t, Var>& value() const { return v_; }

 private:
  std::variant<int64_t, Var> v_;
};

struct Slice {
  std::optional<IntOrVar> start, stop, step;
};

// One index entry; records where the user wrote it (operator[] cannot take a location itself).
struct Index {
  Index(int v, std::source_location loc = std::source_location::current()) : value(int64_t(v)), site(loc) {}
  Index(long v, std::source_location loc = std::source_location::current()) : value(int64_t(v)), site(loc) {}
  Index(long long v, std::source_location loc = std::source_location::current()) : value(int64_t(v)), site(loc) {}
  Index(const Var& v, std::source_location loc = std::source_location::current()) : value(v), site(loc) {}
  Index(const Slice& s, std::source_location loc = std::source_location::current()) : value(s), site(loc) {}
  std::variant<int64_t, Var, Slice> value;
  std::source_location site;
};

namespace tensor {
// Python's a:b:c. T::slice() is ':', T::slice(a) is ':a' (as Python's slice(a)), T::slice(a, b) is 'a:b'.
inline Slice slice() { return {}; }
inline Slice slice(IntOrVar stop) { return {std::nullopt, stop, std::nullopt}; }
inline Slice slice(std::optional<IntOrVar> start, std::optional<IntOrVar> stop, std::optional<IntOrVar> step = std::nullopt) {
  return {start, stop, step};
}
}  // namespace tensor

}  // namespace theano
