// Element types, their names as numpy spells them, and numpy's promotion rules.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace theano {

enum class DType : uint8_t { Bool, Int8, Int16, Int32, Int64, UInt8, Float32, Float64 };

inline constexpr int kDTypeCount = 8;

std::string_view dtype_name(DType d);          // "float32", "int64", "bool", ...
DType dtype_from_name(std::string_view name);  // throws std::invalid_argument on an unknown name
size_t dtype_size(DType d);
bool is_float(DType d);
bool is_integer(DType d);  // signed or unsigned ints, not bool
bool is_signed(DType d);

// numpy's result type of a binary operation (int32 + float32 -> float64, int8 + float32 -> float32).
DType upcast(DType a, DType b);
// True when every value of `from` is exactly representable in `to` (Theano's lossless-argument rule).
bool can_cast_safely(DType from, DType to);

template <class T> constexpr DType dtype_of();
template <> constexpr DType dtype_of<bool>() { return DType::Bool; }
template <> constexpr DType dtype_of<int8_t>() { return DType::Int8; }
template <> constexpr DType dtype_of<int16_t>() { return DType::Int16; }
template <> constexpr DType dtype_of<int32_t>() { return DType::Int32; }
template <> constexpr DType dtype_of<int64_t>() { return DType::Int64; }
template <> constexpr DType dtype_of<uint8_t>() { return DType::UInt8; }
template <> constexpr DType dtype_of<float>() { return DType::Float32; }
template <> constexpr DType dtype_of<double>() { return DType::Float64; }

// Calls f(T{}) with T the C++ type of dtype d: the one switch over dtypes that kernels use.
template <class F> decltype(auto) visit_dtype(DType d, F&& f) {
  switch (d) {
    case DType::Bool: return f(bool{});
    case DType::Int8: return f(int8_t{});
    case DType::Int16: return f(int16_t{});
    case DType::Int32: return f(int32_t{});
    case DType::Int64: return f(int64_t{});
    case DType::UInt8: return f(uint8_t{});
    case DType::Float32: return f(float{});
    case DType::Float64: return f(double{});
  }
  return f(double{});
}

}  // namespace theano
