// Indexing. Subtensor: basic indexing (ints and slices, bounds symbolic or constant) giving a view
// with Python's clamping rules. AdvancedSubtensor: integer-vector indices on the leading dims
// (x[arange(n), y]), a gather. The Inc variants are their gradients (scatter-add into a copy).
#pragma once
#include "graph/op.hpp"

namespace theano::ops {

// One entry of a basic index: an integer, or a slice whose present parts come from inputs.
struct IndexEntry {
  bool is_slice = false;
  bool has_start = false, has_stop = false, has_step = false;  // slices only
  int n_inputs() const { return is_slice ? int(has_start) + int(has_stop) + int(has_step) : 1; }
  bool operator==(const IndexEntry&) const = default;
};
std::string index_list_str(const std::vector<IndexEntry>& entries);  // "int64:int64:" like Theano

class Subtensor : public Op {
 public:
  explicit Subtensor(std::vector<IndexEntry> entries) : entries_(std::move(entries)) {}
  const std::vector<IndexEntry>& entries() const { return entries_; }
  std::string name() const override { return "Subtensor"; }
  std::string str() const override { return "Subtensor{" + index_list_str(entries_) + "}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
  std::optional<int> view_of(int) const override { return 0; }

 private:
  std::vector<IndexEntry> entries_;
};

// inc_subtensor(x[idx], y): a copy of x with y added (or set) at the basic index.
class IncSubtensor : public Op {
 public:
  IncSubtensor(std::vector<IndexEntry> entries, bool set) : entries_(std::move(entries)), set_(set) {}
  std::string name() const override { return set_ ? "SetSubtensor" : "IncSubtensor"; }
  std::string str() const override { return name() + "{" + index_list_str(entries_) + "}"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;

 private:
  std::vector<IndexEntry> entries_;
  bool set_;
};

class AdvancedSubtensor : public Op {
 public:
  std::string name() const override { return "AdvancedSubtensor"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
};

class AdvancedIncSubtensor : public Op {
 public:
  std::string name() const override { return "AdvancedIncSubtensor"; }
  std::vector<TensorType> make_types(std::span<const Var> inputs) const override;
  std::optional<std::vector<std::vector<Var>>> infer_shape(std::span<const Var> inputs,
                                                           std::span<const std::vector<Var>> input_shapes) const override;
  void perform(std::span<const NDArray* const> in, std::span<NDArray* const> out) const override;
  Cotangents pullback(std::span<const Var> in, std::span<const Var> out, std::span<const std::optional<Var>> cot) const override;
};

// Builders: `parts` are the int64 scalar inputs for the present parts, in order.
Var subtensor(const Var& x, const std::vector<IndexEntry>& entries, std::vector<Var> parts);
Var inc_subtensor(const Var& x, const Var& y, const std::vector<IndexEntry>& entries, std::vector<Var> parts, bool set = false);
Var advanced_subtensor(const Var& x, std::vector<Var> indices);
Var advanced_inc_subtensor(const Var& x, const Var& y, std::vector<Var> indices);

}  // namespace theano::ops
