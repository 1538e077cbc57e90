// Indexing. Subtensor: basic indexing (ints and slices, bounds symbolic or constant) giving a view
// with Python's clamping rules. AdvancedSubtensor: numpy's advanced indexing, integer tensors of any
// rank (broadcast against each other) mixed with slices (x[idx_matrix], x[:, rows], x[arange(n), y]),
// a gather. The Inc variants add (or set) y at the index: their gradients, and Theano's
// inc_subtensor / set_subtensor. Their `inplace` variants write into x's own buffer (the memory
// plan's in-place chains and updates written into their shared variable, runtime/inplace_updates.hpp).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// One entry of an index: for Subtensor an integer scalar, for AdvancedSubtensor an integer tensor of
// any rank; or a slice whose present parts come from inputs (int64 scalars).
struct IndexEntry {
  bool is_slice = false;
  bool has_start = false, has_stop = false, has_step = false;  // slices only
  int n_inputs() const { return is_slice ? int(has_start) + int(has_stop) + int(has_step) : 1; }
  bool operator==(const IndexEntry&) const = default;
  auto props() const { return std::tie(is_slice, has_start, has_stop, has_step); }
};
std::string index_list_str(const std::vector<IndexEntry>& entries);  // "int64:int64:" like Theano

class Subtensor : public OpOf<Subtensor> {
 public:
  explicit Subtensor(std::vector<IndexEntry> entries) : entries_(std::move(entries)) {}
  const std::vector<IndexEntry>& entries() const { return entries_; }
  auto props() const { return std::tie(entries_); }
  std::string str() const override { return "Subtensor{" + index_list_str(entries_) + "}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  std::optional<int> view_of(int) const override { return 0; }

 private:
  std::vector<IndexEntry> entries_;
};

// inc_subtensor(x[idx], y): a copy of x with y added (or set) at the basic index. y has x[idx]'s
// rank; a dim of y stretches over x[idx]'s where y's type is broadcastable (`stretch`), elsewhere the
// sizes must be equal (so y's gradient, x[idx] of the cotangent summed over those dims, fits y).
class IncSubtensor : public OpOf<IncSubtensor> {
 public:
  IncSubtensor(std::vector<IndexEntry> entries, bool set, std::vector<bool> stretch, bool inplace = false)
      : entries_(std::move(entries)), set_(set), stretch_(std::move(stretch)), inplace_(inplace) {}
  const std::vector<IndexEntry>& entries() const { return entries_; }
  bool set() const { return set_; }
  auto props() const { return std::tie(entries_, set_, stretch_, inplace_); }
  std::string name() const override { return set_ ? "SetSubtensor" : "IncSubtensor"; }
  std::string str() const override { return name() + "{" + (inplace_ ? "inplace, " : "") + index_list_str(entries_) + "}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  bool may_overwrite_input(int output, int input) const override { return output == 0 && input == 0; }
  bool fits_in_place(int output, int input, InArrays in) const override;
  std::shared_ptr<const Op> update_in_place() const override;

 private:
  std::vector<IndexEntry> entries_;
  bool set_;
  std::vector<bool> stretch_;
  bool inplace_;
};

// x[entries]: non-slice entries are integer tensors (negative indices wrap); numpy's placement: the
// broadcast index dims replace the indexed dims where those are adjacent, else they come first.
// The index tensors broadcast against each other as their types say (`index_bcast`: every dim of
// each, in order): a size 1 stretches only where its type is broadcastable, so the shape rule is exact.
class AdvancedSubtensor : public OpOf<AdvancedSubtensor> {
 public:
  AdvancedSubtensor(std::vector<IndexEntry> entries, std::vector<bool> index_bcast)
      : entries_(std::move(entries)), index_bcast_(std::move(index_bcast)) {}
  const std::vector<IndexEntry>& entries() const { return entries_; }
  auto props() const { return std::tie(entries_, index_bcast_); }
  std::string str() const override { return "AdvancedSubtensor"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  std::vector<IndexEntry> entries_;
  std::vector<bool> index_bcast_;
};

// x with y added (repeated positions accumulate) or set at x[entries]; y as IncSubtensor's.
class AdvancedIncSubtensor : public OpOf<AdvancedIncSubtensor> {
 public:
  AdvancedIncSubtensor(std::vector<IndexEntry> entries, bool set, std::vector<bool> stretch, std::vector<bool> index_bcast,
                       bool inplace = false)
      : entries_(std::move(entries)), set_(set), stretch_(std::move(stretch)), index_bcast_(std::move(index_bcast)), inplace_(inplace) {}
  const std::vector<IndexEntry>& entries() const { return entries_; }
  bool set() const { return set_; }
  auto props() const { return std::tie(entries_, set_, stretch_, index_bcast_, inplace_); }
  std::string str() const override;
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
  bool may_overwrite_input(int output, int input) const override { return output == 0 && input == 0; }
  bool fits_in_place(int output, int input, InArrays in) const override;
  std::shared_ptr<const Op> update_in_place() const override;

 private:
  std::vector<IndexEntry> entries_;
  bool set_;
  std::vector<bool> stretch_;
  std::vector<bool> index_bcast_;
  bool inplace_;
};

// Builders: `parts` are the inputs of the entries, in order (int64 scalars for slice parts and
// Subtensor's integers, integer tensors for AdvancedSubtensor's). y of lower rank than x[idx] gets
// leading broadcastable dims, as numpy's.
Var subtensor(const Var& x, const std::vector<IndexEntry>& entries, std::vector<Variable> parts);
Var inc_subtensor(const Var& x, const Var& y, const std::vector<IndexEntry>& entries, std::vector<Variable> parts, bool set = false);
Var advanced_subtensor(const Var& x, const std::vector<IndexEntry>& entries, std::vector<Variable> parts);
Var advanced_inc_subtensor(const Var& x, const Var& y, const std::vector<IndexEntry>& entries, std::vector<Variable> parts,
                           bool set = false);
// Integer tensors on the leading dims: x[i0, i1, ...].
Var advanced_subtensor(const Var& x, std::vector<Variable> indices);
Var advanced_inc_subtensor(const Var& x, const Var& y, std::vector<Variable> indices);

}  // namespace theano::ops
