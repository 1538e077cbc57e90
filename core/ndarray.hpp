// NDArray: the one run-time representation of a tensor. A dtype, a shape, element strides and a
// 64-byte aligned buffer shared between views. Shapes live inline (no heap) so that building views
// and checking shapes in the executor's hot loop never allocates.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/checked_size.hpp"
#include "core/dtype.hpp"

namespace theano {

inline constexpr int kMaxDims = 8;

// A short vector of int64 stored inline; used for shapes, strides and index lists.
class Dims {
 public:
  Dims() = default;
  Dims(std::initializer_list<int64_t> v);
  explicit Dims(std::span<const int64_t> v);
  static Dims filled(int n, int64_t value);

  int size() const { return n_; }
  bool empty() const { return n_ == 0; }
  int64_t& operator[](int i) { return d_[i]; }
  int64_t operator[](int i) const { return d_[i]; }
  const int64_t* begin() const { return d_.data(); }
  const int64_t* end() const { return d_.data() + n_; }
  int64_t* begin() { return d_.data(); }
  int64_t* end() { return d_.data() + n_; }
  void push_back(int64_t v);
  void resize(int n, int64_t fill = 0);
  // The element count; SizeError when it does not fit in int64 (core/checked_size.hpp).
  int64_t product() const { return checked::numel(span()); }
  std::span<const int64_t> span() const { return {d_.data(), size_t(n_)}; }
  std::vector<int64_t> to_vector() const { return {begin(), end()}; }
  bool operator==(const Dims& o) const;
  std::string str() const;  // "(500, 784)" like numpy, "(5,)" for one dim

 private:
  std::array<int64_t, kMaxDims> d_{};
  int n_ = 0;
};

// Owning, aligned storage; NDArrays point into it.
struct Buffer {
  explicit Buffer(size_t bytes);
  ~Buffer();
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;
  std::byte* data;
  size_t bytes;
};

class NDArray {
 public:
  NDArray() = default;
  // A new, contiguous, uninitialised array.
  static NDArray empty(DType dtype, const Dims& shape);
  static NDArray zeros(DType dtype, const Dims& shape);
  template <class T>
  static NDArray from_vector(const std::vector<T>& values, const Dims& shape);
  template <class T>
  static NDArray scalar(T value);

  DType dtype() const { return dtype_; }
  int ndim() const { return shape_.size(); }
  const Dims& shape() const { return shape_; }
  const Dims& strides() const { return strides_; }  // in elements, not bytes
  int64_t shape(int i) const { return shape_[i]; }
  int64_t stride(int i) const { return strides_[i]; }
  int64_t size() const { return shape_.product(); }
  size_t nbytes() const { return size_t(size()) * dtype_size(dtype_); }
  bool defined() const { return buffer_ != nullptr; }
  bool is_contiguous() const;  // C order, no gaps
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }
  int64_t offset() const { return offset_; }  // in elements
  // Capacity of the underlying buffer in bytes, from this view's start.
  size_t capacity_bytes() const;

  void* raw() const { return buffer_->data + offset_ * int64_t(dtype_size(dtype_)); }
  template <class T> T* data() const { return static_cast<T*>(raw()); }
  // Value of element `flat` (C-order position) converted to double; for tests and printing.
  double item(int64_t flat = 0) const;
  // The same as an exact int64 for integer and bool dtypes (floats convert as core/convert.hpp):
  // what sizes, indices and integer results are read with.
  int64_t item_int64(int64_t flat = 0) const;
  // Stores value converted to the dtype (core/convert.hpp: defined for NaN and out-of-range values).
  void set_item(int64_t flat, double value);
  void set_int(int64_t flat, int64_t value);  // exact for int64, modulo 2**bits for narrower ints

  // Views share the buffer.
  NDArray view(const Dims& shape, const Dims& strides, int64_t offset) const;
  NDArray reshaped(const Dims& shape) const;  // view if contiguous, else a copy
  NDArray copy() const;                       // contiguous deep copy
  NDArray astype(DType dtype) const;          // contiguous converted copy
  void copy_from(const NDArray& src);         // same shape; any strides; converts dtype
  // Reuses this array's buffer for `shape` when it is large enough and not shared; else allocates.
  void ensure(DType dtype, const Dims& shape);
  bool shares_memory(const NDArray& o) const { return buffer_ && buffer_ == o.buffer_; }

  std::string str() const;  // numpy-like text, for messages and tests

 private:
  DType dtype_ = DType::Float64;
  Dims shape_, strides_;
  std::shared_ptr<Buffer> buffer_;
  int64_t offset_ = 0;
};

Dims contiguous_strides(const Dims& shape);

template <class T>
NDArray NDArray::from_vector(const std::vector<T>& values, const Dims& shape) {
  NDArray a = empty(dtype_of<T>(), shape);
  if (int64_t(values.size()) != a.size()) throw std::invalid_argument("from_vector: size does not match shape " + shape.str());
  std::memcpy(a.raw(), values.data(), values.size() * sizeof(T));
  return a;
}

template <class T>
NDArray NDArray::scalar(T value) {
  NDArray a = empty(dtype_of<T>(), Dims{});
  *a.data<T>() = value;
  return a;
}

}  // namespace theano
