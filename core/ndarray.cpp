#include "core/ndarray.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <new>
#include <type_traits>
#include <stdexcept>

#include "core/convert.hpp"

namespace theano {

// ---- Dims ----
Dims::Dims(std::initializer_list<int64_t> v) : Dims(std::span<const int64_t>(v.begin(), v.size())) {}

Dims::Dims(std::span<const int64_t> v) {
  if (v.size() > size_t(kMaxDims)) throw std::invalid_argument("theano-cpp supports at most 8 dimensions");
  n_ = int(v.size());
  for (int i = 0; i < n_; ++i) d_[i] = v[i];
}

Dims Dims::filled(int n, int64_t value) {
  Dims d;
  d.resize(n, value);
  return d;
}

void Dims::push_back(int64_t v) {
  if (n_ == kMaxDims) throw std::invalid_argument("theano-cpp supports at most 8 dimensions");
  d_[n_++] = v;
}

void Dims::resize(int n, int64_t fill) {
  if (n > kMaxDims) throw std::invalid_argument("theano-cpp supports at most 8 dimensions");
  for (int i = n_; i < n; ++i) d_[i] = fill;
  n_ = n;
}

bool Dims::operator==(const Dims& o) const {
  if (n_ != o.n_) return false;
  for (int i = 0; i < n_; ++i)
    if (d_[i] != o.d_[i]) return false;
  return true;
}

std::string Dims::str() const {
  std::string s = "(";
  for (int i = 0; i < n_; ++i) {
    if (i) s += ", ";
    s += d_[i] < 0 ? std::string("?") : std::to_string(d_[i]);
  }
  if (n_ == 1) s += ",";
  return s + ")";
}

Dims contiguous_strides(const Dims& shape) {
  Dims s = Dims::filled(shape.size(), 1);
  for (int i = shape.size() - 2; i >= 0; --i) s[i] = s[i + 1] * std::max<int64_t>(shape[i + 1], 1);
  return s;
}

// ---- Buffer ----
Buffer::Buffer(size_t n) : bytes(n) {
  size_t rounded = (std::max<size_t>(n, 1) + 63) / 64 * 64;
  data = static_cast<std::byte*>(std::aligned_alloc(64, rounded));
  if (!data) throw std::bad_alloc();
}
Buffer::~Buffer() { std::free(data); }

// ---- NDArray ----
namespace {
// The bytes of a new array of this shape: negative dims are invalid_argument, sizes that do not fit
// in int64 are SizeError (core/checked_size.hpp).
int64_t bytes_of_new(DType dtype, const Dims& shape) {
  for (int64_t d : shape)
    if (d < 0) {
      std::string dims;  // every value as given: Dims::str() shows a negative (unknown) dim as '?'
      for (int64_t e : shape) dims += fmt::format("{}{}", dims.empty() ? "" : ", ", e);
      throw std::invalid_argument(fmt::format("negative dimension {} in shape ({}{})", d, dims, shape.size() == 1 ? "," : ""));
    }
  return checked::bytes_for(dtype, shape.span());
}
}  // namespace

NDArray NDArray::empty(DType dtype, const Dims& shape) {
  int64_t bytes = bytes_of_new(dtype, shape);
  NDArray a;
  a.dtype_ = dtype;
  a.shape_ = shape;
  a.strides_ = contiguous_strides(shape);
  try {
    a.buffer_ = std::make_shared<Buffer>(size_t(bytes));
  } catch (const std::bad_alloc&) {
    checked::throw_allocation_failed(bytes, dtype, shape.span());
  }
  return a;
}

NDArray NDArray::zeros(DType dtype, const Dims& shape) {
  NDArray a = empty(dtype, shape);
  std::memset(a.raw(), 0, a.nbytes());
  return a;
}

bool NDArray::is_contiguous() const {
  int64_t expect = 1;
  for (int i = ndim() - 1; i >= 0; --i) {
    if (shape_[i] != 1 && strides_[i] != expect) return false;
    expect *= shape_[i];
  }
  return true;
}

size_t NDArray::capacity_bytes() const {
  if (!buffer_) return 0;
  return buffer_->bytes - size_t(offset_) * dtype_size(dtype_);
}

namespace {
// Byte offset (in elements) of the C-order element `flat` of a strided array.
int64_t strided_offset(const Dims& shape, const Dims& strides, int64_t flat) {
  int64_t off = 0;
  for (int i = shape.size() - 1; i >= 0; --i) {
    int64_t d = shape[i];
    off += (flat % d) * strides[i];
    flat /= d;
  }
  return off;
}
}  // namespace

double NDArray::item(int64_t flat) const {
  int64_t off = strided_offset(shape_, strides_, flat);
  return visit_dtype(dtype_, [&](auto t) -> double {
    using T = decltype(t);
    return double(data<T>()[off]);
  });
}

int64_t NDArray::item_int64(int64_t flat) const {
  int64_t off = strided_offset(shape_, strides_, flat);
  return visit_dtype(dtype_, [&](auto t) -> int64_t {
    using T = decltype(t);
    return convert<int64_t>(data<T>()[off]);
  });
}

void NDArray::set_item(int64_t flat, double value) {
  int64_t off = strided_offset(shape_, strides_, flat);
  visit_dtype(dtype_, [&](auto t) {
    using T = decltype(t);
    data<T>()[off] = convert<T>(value);
  });
}

void NDArray::set_int(int64_t flat, int64_t value) {
  int64_t off = strided_offset(shape_, strides_, flat);
  visit_dtype(dtype_, [&](auto t) {
    using T = decltype(t);
    data<T>()[off] = convert<T>(value);
  });
}

NDArray NDArray::view(const Dims& shape, const Dims& strides, int64_t offset) const {
  NDArray v = *this;
  v.shape_ = shape;
  v.strides_ = strides;
  v.offset_ = offset;
  return v;
}

NDArray NDArray::reshaped(const Dims& shape) const {
  for (int64_t d : shape)
    if (d < 0) throw std::invalid_argument("cannot reshape array of shape " + shape_.str() + " into shape " + shape.str());
  if (shape.product() != size())
    throw std::invalid_argument("cannot reshape array of shape " + shape_.str() + " into shape " + shape.str());
  if (is_contiguous()) return view(shape, contiguous_strides(shape), offset_);
  return copy().reshaped(shape);
}

NDArray NDArray::copy() const {
  NDArray out = empty(dtype_, shape_);
  out.copy_from(*this);
  return out;
}

NDArray NDArray::astype(DType dtype) const {
  NDArray out = empty(dtype, shape_);
  out.copy_from(*this);
  return out;
}

namespace {
template <class D, class S>
void copy_strided(D* dst, const Dims& dstrides, const S* src, const Dims& sstrides, const Dims& shape) {
  int n = shape.size();
  if (n == 0) {
    *dst = convert<D>(*src);
    return;
  }
  int64_t total = shape.product();
  if (total == 0) return;
  // Iterate with a counter over all but the last dimension; the inner loop is strided.
  Dims idx = Dims::filled(n, 0);
  int64_t inner = shape[n - 1], ds = dstrides[n - 1], ss = sstrides[n - 1];
  for (int64_t outer = 0; outer < total / inner; ++outer) {
    int64_t doff = 0, soff = 0;
    for (int i = 0; i < n - 1; ++i) {
      doff += idx[i] * dstrides[i];
      soff += idx[i] * sstrides[i];
    }
    for (int64_t j = 0; j < inner; ++j) dst[doff + j * ds] = convert<D>(src[soff + j * ss]);
    for (int i = n - 2; i >= 0; --i) {
      if (++idx[i] < shape[i]) break;
      idx[i] = 0;
    }
  }
}
}  // namespace

void NDArray::copy_from(const NDArray& src) {
  if (!(src.shape_ == shape_))
    throw std::invalid_argument("copy_from: shape " + src.shape_.str() + " does not match " + shape_.str());
  if (src.dtype_ == dtype_ && is_contiguous() && src.is_contiguous()) {
    std::memmove(raw(), src.raw(), nbytes());
    return;
  }
  visit_dtype(dtype_, [&](auto d) {
    using D = decltype(d);
    visit_dtype(src.dtype_, [&](auto s) {
      using S = decltype(s);
      copy_strided(data<D>(), strides_, src.data<S>(), src.strides_, shape_);
    });
  });
}

void NDArray::ensure(DType dtype, const Dims& shape) {
  size_t need = size_t(bytes_of_new(dtype, shape));
  if (buffer_ && buffer_.use_count() == 1 && buffer_->bytes >= need) {
    dtype_ = dtype;
    shape_ = shape;
    strides_ = contiguous_strides(shape);
    offset_ = 0;
    return;
  }
  *this = empty(dtype, shape);
}

// Elements as they are stored: integers exactly (an int64 is not rounded through a double to six
// digits), floats in the shortest form that reads back the same, bools as True/False.
std::string NDArray::str() const {
  std::string s = "array(";
  int64_t n = size();
  NDArray c = is_contiguous() ? *this : copy();
  visit_dtype(dtype_, [&](auto t) {
    using T = decltype(t);
    const T* p = c.data<T>();
    auto item_str = [&](int64_t i) {
      if constexpr (std::is_same_v<T, bool>) return std::string(p[i] ? "True" : "False");
      else if constexpr (std::is_floating_point_v<T>) return fmt::format("{}", p[i]);
      else return std::to_string(int64_t(p[i]));
    };
    if (ndim() == 0) {
      s += item_str(0);
      return;
    }
    s += "[";
    for (int64_t i = 0; i < n && i < 20; ++i) s += (i ? ", " : "") + item_str(i);
    if (n > 20) s += ", ...";
    s += "]";
  });
  return s + ", shape=" + shape_.str() + ", dtype=" + std::string(dtype_name(dtype_)) + ")";
}

}  // namespace theano
