// Indexing. Subtensor: basic indexing (ints and slices, bounds symbolic or constant) giving a view
// with Python's clamping rules. AdvancedSubtensor: integer-vector indices on the leading dims
// (x[arange(n), y]), a gather. The Inc variants are their gradients (scatter-add into a copy).
#pragma once
#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops {

// One entry of a basic index: an integer, or a slice whose present parts come from inputs.
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

// inc_subtensor(x[idx], y): a copy of x with y added (or set) at the basic index.
class IncSubtensor : public OpOf<IncSubtensor> {
 public:
  IncSubtensor(std::vector<IndexEntry> entries, bool set) : entries_(std::move(entries)), set_(set) {}
  auto props() const { return std::tie(entries_, set_); }
  std::string name() const override { return set_ ? "SetSubtensor" : "IncSubtensor"; }
  std::string str() const override { return name() + "{" + index_list_str(entries_) + "}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  std::vector<IndexEntry> entries_;
  bool set_;
};

class AdvancedSubtensor : public OpOf<AdvancedSubtensor> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
};

class AdvancedIncSubtensor : public OpOf<AdvancedIncSubtensor> {
 public:
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;
};

// Builders: `parts` are the int64 scalar inputs for the present parts, in order.
Var subtensor(const Var& x, const std::vector<IndexEntry>& entries, std::vector<Variable> parts);
Var inc_subtensor(const Var& x, const Var& y, const std::vector<IndexEntry>& entries, std::vector<Variable> parts, bool set = false);
Var advanced_subtensor(const Var& x, std::vector<Variable> indices);
Var advanced_inc_subtensor(const Var& x, const Var& y, std::vector<Variable> indices);

}  // namespace theano::ops
