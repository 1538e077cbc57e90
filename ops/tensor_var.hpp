// Var: the handle users and every layer above graph/ hold. It is a graph Variable with the tensor
// methods of Theano's TensorVariable (x.shape(), x[i], x.reshape(...), x.dimshuffle(...), x.T(),
// x.sum()), which build ops and so live here rather than in graph/. Var adds no data: a Variable and
// a Var convert into each other freely. Also here: the index expressions x[...] takes.
#pragma once
#include <optional>
#include <source_location>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "graph/var.hpp"

namespace theano {

struct Index;

// One entry of a dimshuffle pattern: an input dimension (0 and up), or 'x' for a new broadcastable
// one. A negative dimension is an error (it does not count from the end, as in Theano).
struct DimEntry {
  DimEntry(int dim, std::source_location loc = std::source_location::current());
  DimEntry(char x, std::source_location loc = std::source_location::current());  // only 'x'
  int dim;  // -1 for 'x'
};

class Var : public Variable {
 public:
  Var() = default;
  Var(const Variable& v) : Variable(v) {}
  explicit Var(std::shared_ptr<VarNode> p) : Variable(std::move(p)) {}
  Var& set_name(std::string n) {
    Variable::set_name(std::move(n));
    return *this;
  }

  // Tensor methods, spelled as in Theano; each records the caller's line on the nodes it builds.
  Var shape(std::source_location loc = std::source_location::current()) const;
  Var operator[](const Index& i) const;
  Var operator[](const std::vector<Index>& idx) const;
  Var reshape(const std::vector<Index>& shape, std::source_location loc = std::source_location::current()) const;
  Var dimshuffle(const std::vector<DimEntry>& pattern, std::source_location loc = std::source_location::current()) const;
  Var flatten(int ndim = 1, std::source_location loc = std::source_location::current()) const;
  Var T(std::source_location loc = std::source_location::current()) const;
  Var diagonal(int offset = 0, std::source_location loc = std::source_location::current()) const;  // numpy's x.diagonal(offset)
  Var sum(std::optional<int> axis = std::nullopt, std::source_location loc = std::source_location::current()) const;
  Var mean(std::optional<int> axis = std::nullopt, std::source_location loc = std::source_location::current()) const;
  Var max(std::optional<int> axis = std::nullopt, std::source_location loc = std::source_location::current()) const;
  Var argmax(std::optional<int> axis = std::nullopt, std::source_location loc = std::source_location::current()) const;
};

std::vector<Var> as_vars(std::span<const Variable> vs);
std::vector<Variable> as_variables(std::span<const Var> vs);

// An int or a symbolic integer scalar.
class IntOrVar {
 public:
  IntOrVar(int v) : v_(int64_t(v)) {}
  IntOrVar(long v) : v_(int64_t(v)) {}
  IntOrVar(long long v) : v_(int64_t(v)) {}
  IntOrVar(const Variable& v) : v_(Var(v)) {}
  const std::variant<int64_t, Var>& value() const { return v_; }

 private:
  std::variant<int64_t, Var> v_;
};

// Python's a:b:c; absent parts are None.
struct Slice {
  std::optional<IntOrVar> start, stop, step;
};

// numpy's None in an index (x[:, None]): a new broadcastable dim of size 1 (T::newaxis).
struct NewAxis {};
inline constexpr NewAxis newaxis{};

// One index entry: an integer, a symbolic integer (a scalar, or a tensor of any rank for numpy's
// advanced indexing), a slice or newaxis. Records where the user wrote it (operator[] cannot take a
// location itself).
struct Index {
  Index(int v, std::source_location loc = std::source_location::current()) : value(int64_t(v)), site(loc) {}
  Index(long v, std::source_location loc = std::source_location::current()) : value(int64_t(v)), site(loc) {}
  Index(long long v, std::source_location loc = std::source_location::current()) : value(int64_t(v)), site(loc) {}
  Index(const Variable& v, std::source_location loc = std::source_location::current()) : value(Var(v)), site(loc) {}
  Index(const Slice& s, std::source_location loc = std::source_location::current()) : value(s), site(loc) {}
  Index(NewAxis n, std::source_location loc = std::source_location::current()) : value(n), site(loc) {}
  std::variant<int64_t, Var, Slice, NewAxis> value;
  std::source_location site;
};

namespace ops {
// An int or an integer scalar Var as an int64 scalar Var (for bounds and shapes).
Var int_scalar(const IntOrVar& v);
}  // namespace ops

// Undefined handles at the API boundary (docs/errors.md, "Undefined values"): each public function
// checks its handles before it builds or changes anything and throws std::invalid_argument
// "<api>: <arg> is an undefined Var (default-constructed: it holds no graph node)", followed by
// " at <file:line>" when the caller's site is known.
void require_defined(const Variable& v, const char* api, std::string_view arg);
void require_defined(std::span<const Variable> vs, const char* api, std::string_view arg);  // arg[i]
void require_defined(std::span<const Var> vs, const char* api, std::string_view arg);
// The same for an array: "<api>: <arg> is an undefined NDArray (default-constructed: it holds no data)".
void require_defined(const NDArray& a, const char* api, std::string_view arg);

}  // namespace theano
