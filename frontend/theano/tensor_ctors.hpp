// More of theano.tensor's constructors: the int16 (w) prefix, rows and columns, and the plural
// forms, which return several inputs at once for a structured binding:
//   auto [x, y, w] = T::dscalars("x", "y", "w");
// Each plural is a class template so that its constructor can take any number of names and still
// record the caller's line (a default argument after a deduced pack is allowed only there).
#pragma once
#include <array>
#include <cstddef>
#include <source_location>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "frontend/theano/tensor.hpp"

namespace theano::tensor {

#define THEANO_CPP_DECLARE_W_CTORS(prefix)                                                                         \
  Var prefix##scalar(const std::string& name = "", std::source_location loc = std::source_location::current());   \
  Var prefix##vector(const std::string& name = "", std::source_location loc = std::source_location::current());   \
  Var prefix##matrix(const std::string& name = "", std::source_location loc = std::source_location::current());   \
  Var prefix##tensor3(const std::string& name = "", std::source_location loc = std::source_location::current());  \
  Var prefix##tensor4(const std::string& name = "", std::source_location loc = std::source_location::current());  \
  Var prefix##row(const std::string& name = "", std::source_location loc = std::source_location::current());      \
  Var prefix##col(const std::string& name = "", std::source_location loc = std::source_location::current());
THEANO_CPP_DECLARE_W_CTORS(w)  // int16
// row: a (1, n) matrix whose first dim is broadcastable; col: (n, 1). With the usual prefixes.
Var row(const std::string& name = "", std::source_location loc = std::source_location::current());
Var col(const std::string& name = "", std::source_location loc = std::source_location::current());
#define THEANO_CPP_DECLARE_ROW_COL(prefix)                                                                         \
  Var prefix##row(const std::string& name = "", std::source_location loc = std::source_location::current());      \
  Var prefix##col(const std::string& name = "", std::source_location loc = std::source_location::current());
THEANO_CPP_DECLARE_ROW_COL(b)
THEANO_CPP_DECLARE_ROW_COL(i)
THEANO_CPP_DECLARE_ROW_COL(l)
THEANO_CPP_DECLARE_ROW_COL(f)
THEANO_CPP_DECLARE_ROW_COL(d)
#undef THEANO_CPP_DECLARE_ROW_COL
#undef THEANO_CPP_DECLARE_W_CTORS

// theano.tensor.as_tensor_variable: a Var as it is; a C++ number as a constant with the literals'
// autocast (3.0 becomes floatX when floatX is float32, 3 the narrowest int holding it); an array as
// a constant holding a copy. A nonempty name names the constant.
Var as_tensor_variable(const Operand& x, const std::string& name = "", std::source_location loc = std::source_location::current());
Var as_tensor_variable(const NDArray& x, const std::string& name = "", std::source_location loc = std::source_location::current());

namespace detail {
// The inputs of a plural constructor: kind is "scalar", "vector", ..., prefix one of "", b, w, i, l, f, d.
std::vector<Var> make_inputs(std::string_view prefix, std::string_view kind, std::vector<std::string_view> names, std::source_location loc);

template <size_t N>
struct VarTuple {
  std::array<Var, N> vars;
  template <size_t I>
  const Var& get() const { return vars[I]; }
  operator std::vector<Var>() const { return {vars.begin(), vars.end()}; }
  const Var& operator[](size_t i) const { return vars.at(i); }
  static constexpr size_t size() { return N; }
};
}  // namespace detail

#define THEANO_CPP_PLURAL(name, prefix, kind)                                                                      \
  template <class... Names>                                                                                       \
  struct name : detail::VarTuple<sizeof...(Names)> {                                                              \
    name(const Names&... names, std::source_location loc = std::source_location::current()) {                     \
      std::vector<Var> v = detail::make_inputs(prefix, kind, {std::string_view(names)...}, loc);                  \
      for (size_t i = 0; i < sizeof...(Names); ++i) this->vars[i] = v[i];                                         \
    }                                                                                                             \
  };                                                                                                              \
  template <class... Names>                                                                                       \
  name(const Names&...) -> name<Names...>;
#define THEANO_CPP_PLURALS(prefix, p)              \
  THEANO_CPP_PLURAL(p##scalars, #p, "scalar")      \
  THEANO_CPP_PLURAL(p##vectors, #p, "vector")      \
  THEANO_CPP_PLURAL(p##matrices, #p, "matrix")     \
  THEANO_CPP_PLURAL(p##tensor3s, #p, "tensor3")    \
  THEANO_CPP_PLURAL(p##tensor4s, #p, "tensor4")    \
  THEANO_CPP_PLURAL(p##rows, #p, "row")            \
  THEANO_CPP_PLURAL(p##cols, #p, "col")
THEANO_CPP_PLURAL(scalars, "", "scalar")
THEANO_CPP_PLURAL(vectors, "", "vector")
THEANO_CPP_PLURAL(matrices, "", "matrix")
THEANO_CPP_PLURAL(tensor3s, "", "tensor3")
THEANO_CPP_PLURAL(tensor4s, "", "tensor4")
THEANO_CPP_PLURAL(rows, "", "row")
THEANO_CPP_PLURAL(cols, "", "col")
THEANO_CPP_PLURALS(, b)
THEANO_CPP_PLURALS(, w)
THEANO_CPP_PLURALS(, i)
THEANO_CPP_PLURALS(, l)
THEANO_CPP_PLURALS(, f)
THEANO_CPP_PLURALS(, d)
#undef THEANO_CPP_PLURALS
#undef THEANO_CPP_PLURAL

}  // namespace theano::tensor

// The tuple protocol that structured bindings use, for every plural.
#define THEANO_CPP_PLURAL_TUPLE(name)                                                                           \
  template <class... Names>                                                                                    \
  struct std::tuple_size<theano::tensor::name<Names...>> : std::integral_constant<size_t, sizeof...(Names)> {}; \
  template <size_t I, class... Names>                                                                          \
  struct std::tuple_element<I, theano::tensor::name<Names...>> {                                               \
    using type = const theano::Var;                                                                            \
  };
#define THEANO_CPP_PLURAL_TUPLES(p)                                                                            \
  THEANO_CPP_PLURAL_TUPLE(p##scalars) THEANO_CPP_PLURAL_TUPLE(p##vectors) THEANO_CPP_PLURAL_TUPLE(p##matrices) \
  THEANO_CPP_PLURAL_TUPLE(p##tensor3s) THEANO_CPP_PLURAL_TUPLE(p##tensor4s) THEANO_CPP_PLURAL_TUPLE(p##rows)   \
  THEANO_CPP_PLURAL_TUPLE(p##cols)
THEANO_CPP_PLURAL_TUPLES()
THEANO_CPP_PLURAL_TUPLES(b)
THEANO_CPP_PLURAL_TUPLES(w)
THEANO_CPP_PLURAL_TUPLES(i)
THEANO_CPP_PLURAL_TUPLES(l)
THEANO_CPP_PLURAL_TUPLES(f)
THEANO_CPP_PLURAL_TUPLES(d)
#undef THEANO_CPP_PLURAL_TUPLES
#undef THEANO_CPP_PLURAL_TUPLE
