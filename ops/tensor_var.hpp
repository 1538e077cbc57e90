// Var: the handle users and every layer above graph/ hold. It is a graph Variable with the tensor
// methods of Theano's TensorVariable (x.shape(), x[i], x.reshape(...), x.dimshuffle(...), x.T(),
// x.sum()), which build ops and so live here rather than in graph/. Var adds no data: a Variable and
// a Var convert into each other freely. Also here: the index expressions x[...] takes, and Axes.
#pragma once
#include <initializer_list>
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

// The axis argument of a reduction, spelled as Python's: std::nullopt (None: every axis), an int
// (negative counts from the end) or a braced list {0, 2} of distinct axes ({} reduces no axis; the
// max family then reduces every axis, as Theano's max_and_argmax does). x.sum(1), T::max(x, {0, 2}).
class Axes {
 public:
  Axes(std::nullopt_t) {}
  Axes(int axis) : list_(std::vector<int>{axis}) {}
  Axes(std::optional<int> axis) {
    if (axis) list_ = std::vector<int>{*axis};
  }
  Axes(std::initializer_list<int> axes) : list_(std::vector<int>(axes)) {}
  Axes(std::vector<int> axes) : list_(std::move(axes)) {}
  bool is_none() const { return !list_; }
  // The axes as written (empty for None).
  const std::vector<int>& list() const;
  std::string str() const;  // "None", "1", "[0, 2]"

 private:
  std::optional<std::vector<int>> list_;
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
  // Reductions, as TensorVariable's (T::sum and the others in frontend/theano/tensor_reduce.hpp):
  // axis None reduces every axis; keepdims leaves the reduced axes as broadcastable dims of size 1.
  Var sum(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var prod(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var mean(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var max(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var min(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var argmax(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var argmin(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var any(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var all(const Axes& axis = std::nullopt, bool keepdims = false, std::source_location loc = std::source_location::current()) const;
  Var var(const Axes& axis = std::nullopt, int ddof = 0, bool keepdims = false, bool corrected = false,
          std::source_location loc = std::source_location::current()) const;
  Var std(const Axes& axis = std::nullopt, int ddof = 0, bool keepdims = false, bool corrected = false,
          std::source_location loc = std::source_location::current()) const;
  // x.var(1, true): keepdims comes after ddof (Theano raises on a bool ddof; here it does not compile).
  Var var(const Axes& axis, bool ddof, bool keepdims = false, bool corrected = false, std::source_location loc = std::source_location::current()) const = delete;
  Var std(const Axes& axis, bool ddof, bool keepdims = false, bool corrected = false, std::source_location loc = std::source_location::current()) const = delete;
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
