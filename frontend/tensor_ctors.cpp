// The int16, row, column and plural constructors, and as_tensor_variable (theano/tensor_ctors.hpp).
#include "frontend/theano/tensor_ctors.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "core/config.hpp"

namespace theano::tensor {

namespace {
DType dtype_of_prefix(std::string_view prefix) {
  if (prefix.empty()) return config().floatX;
  switch (prefix[0]) {
    case 'b': return DType::Int8;
    case 'w': return DType::Int16;
    case 'i': return DType::Int32;
    case 'l': return DType::Int64;
    case 'f': return DType::Float32;
    case 'd': return DType::Float64;
  }
  throw std::invalid_argument(fmt::format("unknown constructor prefix '{}'", prefix));
}

std::vector<bool> pattern_of(std::string_view kind) {
  if (kind == "scalar") return {};
  if (kind == "vector") return {false};
  if (kind == "matrix") return {false, false};
  if (kind == "row") return {true, false};
  if (kind == "col") return {false, true};
  if (kind == "tensor3") return {false, false, false};
  if (kind == "tensor4") return {false, false, false, false};
  throw std::invalid_argument(fmt::format("unknown constructor kind '{}'", kind));
}
}  // namespace

#define THEANO_CPP_DEFINE_W_CTORS(prefix, dtype)                                                                         \
  Var prefix##scalar(const std::string& name, std::source_location loc) { return tensor(dtype, {}, name, loc); }        \
  Var prefix##vector(const std::string& name, std::source_location loc) { return tensor(dtype, {false}, name, loc); }   \
  Var prefix##matrix(const std::string& name, std::source_location loc) { return tensor(dtype, {false, false}, name, loc); } \
  Var prefix##tensor3(const std::string& name, std::source_location loc) {                                              \
    return tensor(dtype, {false, false, false}, name, loc);                                                             \
  }                                                                                                                      \
  Var prefix##tensor4(const std::string& name, std::source_location loc) {                                              \
    return tensor(dtype, {false, false, false, false}, name, loc);                                                      \
  }
#define THEANO_CPP_DEFINE_ROW_COL(prefix, dtype)                                                                     \
  Var prefix##row(const std::string& name, std::source_location loc) { return tensor(dtype, {true, false}, name, loc); } \
  Var prefix##col(const std::string& name, std::source_location loc) { return tensor(dtype, {false, true}, name, loc); }
THEANO_CPP_DEFINE_W_CTORS(w, DType::Int16)
THEANO_CPP_DEFINE_ROW_COL(w, DType::Int16)
THEANO_CPP_DEFINE_ROW_COL(, config().floatX)
THEANO_CPP_DEFINE_ROW_COL(b, DType::Int8)
THEANO_CPP_DEFINE_ROW_COL(i, DType::Int32)
THEANO_CPP_DEFINE_ROW_COL(l, DType::Int64)
THEANO_CPP_DEFINE_ROW_COL(f, DType::Float32)
THEANO_CPP_DEFINE_ROW_COL(d, DType::Float64)
#undef THEANO_CPP_DEFINE_ROW_COL
#undef THEANO_CPP_DEFINE_W_CTORS

std::vector<Var> detail::make_inputs(std::string_view prefix, std::string_view kind, std::vector<std::string_view> names,
                                     std::source_location loc) {
  DType dtype = dtype_of_prefix(prefix);
  std::vector<bool> pattern = pattern_of(kind);
  std::vector<Var> vars;
  for (std::string_view n : names) vars.push_back(tensor(dtype, pattern, std::string(n), loc));
  return vars;
}

Var as_tensor_variable(const Operand& x, const std::string& name, std::source_location loc) {
  require_defined(x.var(), "T::as_tensor_variable", "x");
  if (name.empty() || !x.var().is_constant()) return x.var();
  return constant(x.var().node()->constant, name, loc);
}

Var as_tensor_variable(const NDArray& x, const std::string& name, std::source_location loc) { return constant(x, name, loc); }

}  // namespace theano::tensor
