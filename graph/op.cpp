// The defaults of the Op contract, the op-class registry and the props' printed spellings.
#include "graph/op.hpp"

#include <cxxabi.h>
#include <fmt/format.h>

#include <cstdlib>
#include <memory>
#include <mutex>

#include "graph/op_base.hpp"

namespace theano {

Cotangents Op::pullback(Vars inputs, Vars, OutCotangents) const {
  throw OpError(fmt::format("{} has no gradient rule", str()));
}

bool Op::fits_in_place(int, int input, InArrays in) const {
  const NDArray& src = *in[size_t(input)];
  for (const NDArray* a : in) {
    if (a->ndim() != src.ndim()) return false;
    for (int d = 0; d < a->ndim(); ++d)
      if (a->shape(d) != src.shape(d) && a->shape(d) != 1) return false;
  }
  return true;
}

namespace {
std::string demangle(const std::type_info& t) {
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> s(abi::__cxa_demangle(t.name(), nullptr, nullptr, &status), std::free);
  return status == 0 && s ? std::string(s.get()) : std::string(t.name());
}
// Registration runs during static initialization, in an order the language leaves open: the list
// is built on first use.
std::vector<OpClassInfo>& registry() {
  static std::vector<OpClassInfo> r;
  return r;
}
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}
}  // namespace

const std::vector<OpClassInfo>& op_classes() { return registry(); }

std::string short_class_name(const std::type_info& t) {
  std::string n = demangle(t);
  auto colon = n.rfind("::");
  return colon == std::string::npos ? n : n.substr(colon + 2);
}

namespace props {

bool register_op_class(const std::type_info& t) {
  std::lock_guard lock(registry_mutex());
  for (const OpClassInfo& c : registry())
    if (c.type == std::type_index(t)) return true;
  registry().push_back({std::type_index(t), demangle(t)});
  return true;
}

std::string str_of(bool v) { return v ? "True" : "False"; }
std::string str_of(int64_t v) { return std::to_string(v); }
std::string str_of(double v) { return fmt::format("{}", v); }
std::string str_of(const std::string& v) { return "'" + v + "'"; }
std::string str_of(DType v) { return std::string(dtype_name(v)); }

}  // namespace props

}  // namespace theano
