// IDX reader (http format of the MNIST files): magic 00 00 <type> <ndim>, ndim big-endian uint32
// dims, then the elements big-endian in C order.
#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "io_file.hpp"
#include "frontend/theano/io.hpp"

namespace theano::io {
namespace {

// Largest data size we accept; real IDX files are far smaller, a corrupt header may not be.
constexpr uint64_t kMaxIdxBytes = uint64_t(1) << 32;

bool idx_dtype(uint8_t code, DType& out) {
  switch (code) {
    case 0x08: out = DType::UInt8; return true;
    case 0x09: out = DType::Int8; return true;
    case 0x0B: out = DType::Int16; return true;
    case 0x0C: out = DType::Int32; return true;
    case 0x0D: out = DType::Float32; return true;
    case 0x0E: out = DType::Float64; return true;
  }
  return false;
}

uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// Reverses the bytes of each `size`-byte element in place (big-endian file -> little-endian host).
void swap_elements(uint8_t* p, size_t count, size_t size) {
  if (size == 1 || std::endian::native == std::endian::big) return;
  for (size_t i = 0; i < count; ++i, p += size)
    for (size_t a = 0, b = size - 1; a < b; ++a, --b) std::swap(p[a], p[b]);
}

}  // namespace

NDArray read_idx(const std::string& path) {
  detail::InputFile in(path, "read_idx");
  uint8_t magic[4];
  size_t got = in.read(magic, 4);
  if (got < 4 || magic[0] != 0 || magic[1] != 0)
    in.fail(got < 4 ? "not an IDX file (shorter than the 4-byte magic)" : "not an IDX file (bad magic, expected 00 00 <type> <ndim>)");
  DType dtype;
  if (!idx_dtype(magic[2], dtype)) {
    char code[8];
    std::snprintf(code, sizeof code, "0x%02X", magic[2]);
    in.fail(std::string("unknown IDX type code ") + code);
  }
  int ndim = magic[3];
  if (ndim > kMaxDims) in.fail("IDX file has " + std::to_string(ndim) + " dimensions, at most 8 are supported");

  uint8_t raw_dims[4 * kMaxDims];
  if (in.read(raw_dims, 4 * size_t(ndim)) < 4 * size_t(ndim)) in.fail("truncated header (dimensions missing)");
  Dims shape;
  int64_t nbytes = int64_t(dtype_size(dtype));
  int64_t span = nbytes;  // as bytes, zero dimensions counted as 1: the strides an NDArray computes
  for (int i = 0; i < ndim; ++i) {
    uint32_t d = be32(raw_dims + 4 * i);
    shape.push_back(d);
    // Checked products (core/checked_size.hpp), bounded by the limit at each step.
    if (!checked::mul(nbytes, int64_t(d), nbytes) || uint64_t(nbytes) > kMaxIdxBytes)
      in.fail("header declares " + shape.str() + "..., more than 4 GiB of data (corrupt header?)");
    // An empty array's other dimensions still multiply into its strides (int64): bound them too.
    if (!checked::mul(span, int64_t(std::max<uint32_t>(d, 1)), span) || uint64_t(span) > kMaxIdxBytes)
      in.fail("header declares " + shape.str() + "..., an empty array whose other dimensions exceed 4 GiB (corrupt header?)");
  }
  const uint64_t bytes = uint64_t(nbytes);

  // Read one byte more than needed to notice trailing data; the buffer only grows with real data.
  std::vector<uint8_t> data = in.read_up_to(bytes + 1);
  if (data.size() != bytes)
    in.fail("expected " + std::to_string(bytes) + " bytes of data, file has " +
            (data.size() > bytes ? "more" : std::to_string(data.size())) + " (header: " + std::string(dtype_name(dtype)) +
            " " + shape.str() + ")");

  NDArray a = NDArray::empty(dtype, shape);
  if (bytes) std::memcpy(a.raw(), data.data(), bytes);
  swap_elements(static_cast<uint8_t*>(a.raw()), size_t(a.size()), dtype_size(dtype));
  return a;
}

}  // namespace theano::io
