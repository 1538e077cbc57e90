// Size arithmetic that cannot wrap: every element count, byte count and length of the library (shape
// products, reshape targets, arange and slice lengths, conv/pool output sizes, workspaces, readers'
// headers) is computed here, with the compiler's overflow builtins. An impossible size is a
// SizeError naming the shape, never a wrapped number; make_apply and the executor prefix the op and
// the user's line. An allocation the system refuses is a SizeError saying how many bytes for what.
#pragma once
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>

#include "core/dtype.hpp"

namespace theano {

// An element count, byte count or length that does not fit in int64, or an allocation that failed.
class SizeError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline constexpr int64_t kMaxSize = std::numeric_limits<int64_t>::max();

namespace checked {

// a op b into out; false (out unspecified) when the exact result does not fit in int64.
inline bool mul(int64_t a, int64_t b, int64_t& out) { return !__builtin_mul_overflow(a, b, &out); }
inline bool add(int64_t a, int64_t b, int64_t& out) { return !__builtin_add_overflow(a, b, &out); }
inline bool sub(int64_t a, int64_t b, int64_t& out) { return !__builtin_sub_overflow(a, b, &out); }

// The same, throwing SizeError "size arithmetic overflows int64: <a> * <b>" (what: a prefix naming
// the quantity, e.g. "the output height").
int64_t mul(int64_t a, int64_t b, const char* what = nullptr);
int64_t add(int64_t a, int64_t b, const char* what = nullptr);
int64_t sub(int64_t a, int64_t b, const char* what = nullptr);

// "(4294967296, 4294967296)", "(5,)", "()" as numpy prints a shape (negative entries as "?").
std::string shape_str(std::span<const int64_t> shape);

// The product of the entries into out; false when it does not fit in int64. As numpy, the product
// of the non-zero entries must fit even when a zero entry makes the count 0: (0, 2**40, 2**40) is
// refused, so that no stride or partial product of a valid shape can overflow either.
bool product(std::span<const int64_t> shape, int64_t& out);

// Elements of an array of this shape; SizeError
// "array is too big: shape (4294967296, 4294967296) has more than 2**63 - 1 elements".
int64_t numel(std::span<const int64_t> shape);

// Bytes of an array of this dtype and shape; SizeError as numel, or
// "array is too big: shape (2305843009213693952,) of int64 needs more than 2**63 - 1 bytes".
int64_t bytes_for(DType dtype, std::span<const int64_t> shape);

// The length of range(start, stop, step) (Python's), exact for every int64 triple; step != 0.
int64_t range_length(int64_t start, int64_t stop, int64_t step);

// The SizeError of an allocation of `bytes` that the system refused:
// "cannot allocate 1152921504606846976 bytes for an array of shape (144115188075855872,) and dtype float64: out of memory".
[[noreturn]] void throw_allocation_failed(int64_t bytes, DType dtype, std::span<const int64_t> shape);
// ... and of a kernel's workspace: "cannot allocate 123 bytes of kernel workspace: out of memory".
[[noreturn]] void throw_workspace_failed(size_t bytes);

}  // namespace checked
}  // namespace theano
