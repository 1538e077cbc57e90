// OpOf<Derived>: the base every op class derives from (CRTP). An op lists its attributes once, in
//   auto props() const { return std::tie(kind_, axes_); }
// and gets from them what would otherwise be written by hand in every class and could drift:
// equality and hashing for the merge pass (same class, equal props: an attribute cannot be left out
// of a comparison, as it could be left out of a printed name), a default printed name
// ("CumSum{0, True}"), and a class name (the C++ class's own: "Dot"). differentiable() is whether the
// class writes a pullback. Every class built on OpOf is registered (op_classes()), so the per-op test
// table can demand samples of every op that exists.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include "graph/op.hpp"

namespace theano {

// One registered op class: its type and its C++ name ("theano::ops::Dot").
struct OpClassInfo {
  std::type_index type;
  std::string name;
};
// Every op class built on OpOf that this program constructs somewhere, in registration order.
const std::vector<OpClassInfo>& op_classes();
// "Dot" for theano::ops::Dot (the unqualified C++ class name).
std::string short_class_name(const std::type_info& t);

namespace props {

inline void mix(size_t& h, size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); }

template <class T>
concept HasProps = requires(const T& t) { t.props(); };
template <class T>
concept TupleLike = requires { std::tuple_size<T>::value; };
template <class T>
concept Range = requires(const T& t) { t.begin(); t.end(); t.size(); };

// Hash of a prop value: props() structs, tuples, enums, hashable scalars and strings, ranges, optionals.
template <class T>
size_t hash_of(const T& v) {
  if constexpr (HasProps<T>) {
    return hash_of(v.props());
  } else if constexpr (TupleLike<T>) {
    size_t h = std::tuple_size<T>::value;
    std::apply([&](const auto&... e) { (mix(h, hash_of(e)), ...); }, v);
    return h;
  } else if constexpr (std::is_enum_v<T>) {
    return std::hash<std::underlying_type_t<T>>{}(std::underlying_type_t<T>(v));
  } else if constexpr (requires { std::hash<T>{}(v); }) {
    return std::hash<T>{}(v);
  } else if constexpr (requires { v.has_value(); *v; }) {
    return v.has_value() ? hash_of(*v) * 31 + 1 : 0;
  } else {
    static_assert(Range<T>, "an op prop needs a hash: give its type a props()");
    size_t h = v.size();
    for (const auto& e : v) mix(h, hash_of(e));
    return h;
  }
}

// Equality of prop values, by the same cases (a props() struct compares its props).
template <class T>
bool equal(const T& a, const T& b) {
  if constexpr (HasProps<T>) {
    return equal(a.props(), b.props());
  } else if constexpr (TupleLike<T>) {
    return [&]<size_t... I>(std::index_sequence<I...>) {
      return (equal(std::get<I>(a), std::get<I>(b)) && ...);
    }(std::make_index_sequence<std::tuple_size<T>::value>());
  } else if constexpr (requires { a == b; }) {
    return a == b;
  } else {
    static_assert(Range<T>, "an op prop needs equality: give its type a props()");
    if (a.size() != b.size()) return false;
    auto j = b.begin();
    for (auto i = a.begin(); i != a.end(); ++i, ++j)
      if (!equal(*i, *j)) return false;
    return true;
  }
}

// Python's spelling of a prop value for the default printed name: True, 3, 'valid', (1, 2), None.
std::string str_of(bool v);
std::string str_of(int64_t v);
std::string str_of(double v);
std::string str_of(const std::string& v);
std::string str_of(DType v);
template <class T>
std::string str_of(const T& v) {
  if constexpr (std::is_enum_v<T>) {
    return str_of(int64_t(v));
  } else if constexpr (std::is_integral_v<T>) {
    return str_of(int64_t(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    return str_of(double(v));
  } else if constexpr (HasProps<T>) {
    return str_of(v.props());
  } else if constexpr (requires { v.has_value(); *v; }) {
    return v.has_value() ? str_of(*v) : "None";
  } else if constexpr (TupleLike<T>) {
    std::string s;
    std::apply([&](const auto&... e) { ((s += (s.empty() ? "" : ", ") + str_of(e)), ...); }, v);
    return s;
  } else {
    std::string s = "(";
    for (const auto& e : v) s += (s.size() > 1 ? ", " : "") + str_of(e);
    return s + (v.size() == 1 ? ",)" : ")");
  }
}

bool register_op_class(const std::type_info& t);

}  // namespace props

template <class Derived>
class OpOf : public Op {
 public:
  OpOf() { (void)registered_; }

  // The C++ class name; ops that Theano names otherwise ("Shape_i") or by an attribute override it.
  std::string name() const override {
    static const std::string n = short_class_name(typeid(Derived));
    return n;
  }
  // Name{prop, prop, ...}, or the name alone without props.
  std::string str() const override {
    if constexpr (props::HasProps<Derived>) {
      std::string p = props::str_of(self().props());
      return p.empty() ? name() : name() + "{" + p + "}";
    } else {
      return name();
    }
  }
  bool equals(const Op& other) const final {
    if (typeid(other) != typeid(Derived)) return false;
    if constexpr (props::HasProps<Derived>) return props::equal(self().props(), static_cast<const Derived&>(other).props());
    return true;
  }
  size_t hash() const final {
    size_t h = std::type_index(typeid(Derived)).hash_code();
    if constexpr (props::HasProps<Derived>) props::mix(h, props::hash_of(self().props()));
    return h;
  }
  // Whether the class writes its own pullback (else the default throws "has no gradient rule").
  bool differentiable() const override { return !std::is_same_v<decltype(&Derived::pullback), decltype(&Op::pullback)>; }

 private:
  const Derived& self() const { return static_cast<const Derived&>(*this); }
  static inline const bool registered_ = props::register_op_class(typeid(Derived));
};

// An op whose outputs carry no gradient (shapes, ranges, integer results): no gradient flows to any
// input, so the grad driver treats what it reads as constants.
template <class Derived>
class NonDifferentiable : public OpOf<Derived> {
 public:
  Cotangents pullback(Vars inputs, Vars, OutCotangents) const final { return Cotangents(inputs.size()); }
  bool differentiable() const final { return false; }
};

}  // namespace theano
