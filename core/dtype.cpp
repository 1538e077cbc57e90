#include "core/dtype.hpp"

#include <stdexcept>

namespace theano {

namespace {
struct Info {
  std::string_view name;
  size_t size;
  int kind;  // 0 bool, 1 signed int, 2 unsigned int, 3 float
  int bits;
};
constexpr Info kInfo[kDTypeCount] = {
    {"bool", 1, 0, 1},   {"int8", 1, 1, 8},      {"int16", 2, 1, 16},    {"int32", 4, 1, 32},
    {"int64", 8, 1, 64}, {"uint8", 1, 2, 8},     {"float32", 4, 3, 32},  {"float64", 8, 3, 64},
};
const Info& info(DType d) { return kInfo[static_cast<int>(d)]; }
}  // namespace

std::string_view dtype_name(DType d) { return info(d).name; }

DType dtype_from_name(std::string_view name) {
  for (int i = 0; i < kDTypeCount; ++i)
    if (kInfo[i].name == name) return static_cast<DType>(i);
  throw std::invalid_argument("unknown dtype '" + std::string(name) +
                              "' (expected bool, int8, int16, int32, int64, uint8, float32 or float64)");
}

size_t dtype_size(DType d) { return info(d).size; }
bool is_float(DType d) { return info(d).kind == 3; }
bool is_integer(DType d) { return info(d).kind == 1 || info(d).kind == 2; }
bool is_signed(DType d) { return info(d).kind == 1 || info(d).kind == 3; }

bool can_cast_safely(DType from, DType to) {
  const Info &f = info(from), &t = info(to);
  if (from == to || f.kind == 0) return true;
  if (t.kind == 0) return false;
  if (t.kind == 3) {
    if (f.kind == 3) return t.bits >= f.bits;
    // ints go exactly into a float whose mantissa holds them: int8/16/uint8 -> float32, int32 -> float64.
    int mantissa = t.bits == 32 ? 24 : 53;
    return f.bits < mantissa;
  }
  if (f.kind == 3) return false;
  if (f.kind == t.kind) return t.bits >= f.bits;
  if (f.kind == 2 && t.kind == 1) return t.bits > f.bits;  // uint8 -> int16
  return false;                                            // signed -> unsigned
}

DType upcast(DType a, DType b) {
  if (can_cast_safely(a, b)) return b;
  if (can_cast_safely(b, a)) return a;
  const Info &x = info(a), &y = info(b);
  // Mixed int/float or signed/unsigned: the smallest type holding both.
  if (x.kind == 3 || y.kind == 3) return DType::Float64;
  int bits = std::max(x.bits, y.bits);
  if (bits < 16) return DType::Int16;
  if (bits < 32) return DType::Int32;
  return DType::Int64;
}

}  // namespace theano
