#include <catch2/catch.hpp>

#include "core/ndarray.hpp"

using namespace theano;

TEST_CASE("NDArray: aligned contiguous storage and strided views") {
  NDArray a = NDArray::empty(DType::Float32, {3, 5});
  REQUIRE(reinterpret_cast<uintptr_t>(a.raw()) % 64 == 0);
  for (int i = 0; i < 15; ++i) a.set_item(i, i);
  REQUIRE(a.is_contiguous());
  NDArray t = a.view({5, 3}, {1, 5}, 0);  // transpose
  REQUIRE_FALSE(t.is_contiguous());
  REQUIRE(t.item(1) == 5.0);
  NDArray c = t.copy();
  REQUIRE(c.is_contiguous());
  REQUIRE(c.item(1) == 5.0);
  REQUIRE(c.item(14) == 14.0);
  REQUIRE(a.astype(DType::Int64).item(7) == 7.0);
}

TEST_CASE("dtype promotion follows numpy") {
  REQUIRE(upcast(DType::Int32, DType::Float32) == DType::Float64);
  REQUIRE(upcast(DType::Int8, DType::Float32) == DType::Float32);
  REQUIRE(upcast(DType::Int64, DType::Float32) == DType::Float64);
  REQUIRE(upcast(DType::UInt8, DType::Int8) == DType::Int16);
  REQUIRE(upcast(DType::Bool, DType::Float32) == DType::Float32);
  REQUIRE(upcast(DType::Float32, DType::Float64) == DType::Float64);
  REQUIRE_FALSE(can_cast_safely(DType::Float64, DType::Float32));
  REQUIRE(can_cast_safely(DType::Int16, DType::Float32));
}
