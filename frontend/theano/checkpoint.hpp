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
// variables). Writers are atomic: the file is written to <path>.tmp-<pid>-XXXXXX in the same
// directory, fsync'ed, renamed over <path> and the directory is fsync'ed, so a crash at any point
// leaves either the previous checkpoint or the new one, never a mix.
//
// What a save replaces (docs/errors.md, "Saving"):
//  - a symbolic link is followed, to the end of its chain: the file it leads to is replaced
//    atomically and the link stays a link (as editors and most tools do; replacing the link itself
//    would silently detach whatever else reads the file through it). A dangling link's target is
//    created. A loop is an error.
//  - anything but a regular file (a directory, a character or block device, a fifo, a socket) is
//    refused with "save: <path>: is a character device, not a regular file: refusing to replace it"
//    and left as it was: a rename over it would delete it.
//  - an existing file keeps its permission bits; a new one is 0644.
//  - the temporaries an interrupted save left (a kill between creating and renaming it) are removed
//    by the next save of the same target: <file>.tmp-<pid>-XXXXXX whose process is dead or which is
//    older than the current process, and <file>.tmp-XXXXXX (the earlier form) older than the
//    current process. A saver holds an exclusive flock on its temporary until the rename, and a
//    locked temporary is never removed, so concurrent savers of one path do not disturb each other.
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

#include "frontend/theano/rng_mrg.hpp"
#include "frontend/theano/shared.hpp"
#include "frontend/theano/shared_randomstreams.hpp"
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

// `params` followed by the state of every sample `srng` has made (its state_updates(), in creation
// order, named "random_state_<i>"), as Theano pickles a RandomStreams with the model: a run resumed
// from theano::load(path, with_random_state(params, srng)) draws the numbers the uninterrupted run
// would have drawn. The streams must have made the same samples, in the same order, at load time.
//
//   theano::save("dA.ckpt", theano::with_random_state(da.params, *da.theano_rng));
ParamList with_random_state(const ParamList& params, const sandbox::rng_mrg::MRG_RandomStreams& srng);
ParamList with_random_state(const ParamList& params, const tensor::shared_randomstreams::RandomStreams& srng);

// Writes the current values of `params` (std::invalid_argument if one is not a shared variable;
// std::runtime_error "save: <path>: ..." if the file cannot be written; the target is then untouched).
void save(const std::string& path, const ParamList& params);
// What load() accepts besides a well-formed file. finite_only: refuse (before any variable is
// changed) a checkpoint holding a NaN or an infinity, with "load: <path>: entry 0 of 2 ('W') is not
// finite: NaN at index (0, 0) (7840 NaN, 0 Inf)". save() writes whatever values it is given.
struct LoadOptions {
  bool finite_only = false;
};

// Reads `path` and sets each variable's value; entry i must have the name, dtype and shape of the
// i-th variable's current value.
void load(const std::string& path, const ParamList& params, const LoadOptions& options = {});

// The same file format for plain arrays (names may repeat or be empty).
void save_arrays(const std::string& path, const std::vector<NamedArray>& arrays);
std::vector<NamedArray> load_arrays(const std::string& path, const LoadOptions& options = {});

// Why save(path, ...) would fail before writing anything ("" if it would not): the target is not a
// regular file, a symbolic link loops, or no temporary can be created in the target's directory.
// Checks without changing anything (its probe temporary is removed at once).
std::string save_problem(const std::string& path);

// "" if every element of `a` is finite (always for integer arrays), else the first NaN or infinity
// and the counts: "NaN at index (0, 3) (12 NaN, 0 Inf)".
std::string describe_non_finite(const NDArray& a);

}  // namespace theano
