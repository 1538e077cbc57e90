// Checkpoints: the values of shared variables (or any named NDArrays) in a versioned binary file.
//
//   theano::save("best_model.ckpt", classifier.params);   // a std::vector<Var> of shared variables
//   theano::load("best_model.ckpt", classifier.params);   // restores them in place
//   theano::save("m.ckpt", {{"W", W}, {"b", b}});         // explicit names instead of W.name()
//
// load() matches entries by position and by name, and checks the count, each name, dtype and shape
// before it changes anything: it restores every variable or none. Readers never crash on a bad
// file: every problem is a std::runtime_error starting "load: <path>: " (missing file, bad magic,
// unsupported version, truncated, CRC mismatch, corrupt zlib stream, absurd sizes, mismatch with the
// variables). Writers are atomic: the file is written to <path>.tmp-XXXXXX in the same directory,
// fsync'ed, renamed over <path> and the directory is fsync'ed, so a crash at any point leaves either
// the previous checkpoint or the new one (and at worst a stray .tmp- file), never a mix.
//
// Format (version 1, all integers little-endian):
//   header:  "THCKPT" | u16 version | u32 entry count | u32 CRC32 of the 12 bytes before it
//   entry:   u32 name length | name (bytes) | u8 dtype code | u8 ndim | i64 shape[ndim]
//            | u64 payload length | payload (zlib stream of the C-order elements, native
//            little-endian) | u32 CRC32 of everything from the name length to the payload's end
//   nothing follows the last entry. dtype codes: 0 bool, 1 int8, 2 int16, 3 int32, 4 int64,
//   5 uint8, 6 float32, 7 float64.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>
#include <vector>

#include "frontend/theano/shared.hpp"
#include "core/ndarray.hpp"

namespace theano {

inline constexpr uint16_t kCheckpointVersion = 1;

struct NamedArray {
  std::string name;
  NDArray value;
};

// The shared variables a checkpoint holds, in order, each with the name stored for it (by default
// the variable's own name). Built implicitly from {W, b}, a std::vector<Var> of shared variables
// (e.g. a model's params), a std::vector<SharedVariable>, or {{"W", W}, {"b", b}}.
class ParamList {
 public:
  ParamList(std::initializer_list<Var> vars);
  ParamList(const std::vector<Var>& vars);
  ParamList(const std::vector<SharedVariable>& vars);
  ParamList(std::initializer_list<std::pair<std::string, Var>> named);
  ParamList(const std::vector<std::pair<std::string, Var>>& named);
  const std::vector<std::pair<std::string, Var>>& entries() const { return entries_; }

 private:
  std::vector<std::pair<std::string, Var>> entries_;
};

// Writes the current values of `params` (std::invalid_argument if one is not a shared variable;
// std::runtime_error "save: <path>: ..." if the file cannot be written; the target is then untouched).
void save(const std::string& path, const ParamList& params);
// Reads `path` and sets each variable's value; entry i must have the name, dtype and shape of the
// i-th variable's current value.
void load(const std::string& path, const ParamList& params);

// The same file format for plain arrays (names may repeat or be empty).
void save_arrays(const std::string& path, const std::vector<NamedArray>& arrays);
std::vector<NamedArray> load_arrays(const std::string& path);

}  // namespace theano
