#include "random_args.hpp"

#include <fmt/format.h>

#include "ops/basic.hpp"

namespace theano::sandbox::rng_mrg::detail {

namespace T = theano::tensor;

Var size_vector(const Size& size, const char* api, EmptySize empty) {
  auto refuse = [&](int64_t d) {
    if (empty == EmptySize::Refused && d <= 0)
      throw std::invalid_argument(
          fmt::format("{}: the specified size contains a dimension with value <= 0 ({}) (at {})", api, d, SiteScope::current_str()));
    if (d < 0) throw std::invalid_argument(fmt::format("{}: the size holds a negative dimension ({}) (at {})", api, d, SiteScope::current_str()));
  };
  if (size.ints()) {
    for (int64_t d : *size.ints()) refuse(d);
    return T::constant(NDArray::from_vector<int64_t>(*size.ints(), Dims{int64_t(size.ints()->size())}));
  }
  if (size.vector().defined()) {
    const Var& v = size.vector();
    if (v.ndim() != 1 || !is_integer(v.dtype()))
      throw std::invalid_argument(fmt::format("{}: size must be a list of ints or an integer vector Var, got {} ({}) (at {})", api,
                                              v.describe(), v.type().str(), SiteScope::current_str()));
    return v.dtype() == DType::Int64 ? v : T::cast(v, DType::Int64);
  }
  if (size.mixed().empty()) {
    if (empty == EmptySize::Refused) throw std::invalid_argument(fmt::format("{}: size is empty (at {})", api, SiteScope::current_str()));
    return T::constant(NDArray::from_vector<int64_t>({}, Dims{0}));
  }
  std::vector<Variable> entries;
  for (const IntOrVar& e : size.mixed()) {
    if (auto* i = std::get_if<int64_t>(&e.value())) refuse(*i);
    entries.push_back(T::cast(ops::int_scalar(e), DType::Int64));
  }
  return ops::make_vector(entries);
}

DType resolve_dtype(const DTypeArg& d, DType fallback, const char* api) {
  if (d.value) return *d.value;
  if (d.name.empty()) return fallback;
  try {
    return dtype_from_name(d.name);
  } catch (const std::invalid_argument&) {
    throw std::invalid_argument(fmt::format("{}: unknown dtype '{}' (at {})", api, d.name, SiteScope::current_str()));
  }
}

}  // namespace theano::sandbox::rng_mrg::detail
