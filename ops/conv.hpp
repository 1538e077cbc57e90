// conv2d with Theano's semantics (theano.tensor.nnet.conv2d): input (B, C, H, W) and filters
// (K, C, kh, kw) give (B, K, H', W'). filter_flip=true (the default) is a true convolution. The two
// gradients are ops of their own, so they are graphs too and can be differentiated again.
#pragma once
#include <string>

#include "graph/op_base.hpp"
#include "ops/tensor_var.hpp"
#include "ops/conv_kernels.hpp"

namespace theano::ops {

struct ConvAttrs {
  std::string border_mode = "valid";  // valid, full, half, or "explicit" with the pads below
  int64_t pad_h = 0, pad_w = 0;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  bool filter_flip = true;
  bool operator==(const ConvAttrs&) const = default;
  auto props() const { return std::tie(border_mode, pad_h, pad_w, stride_h, stride_w, dilation_h, dilation_w, filter_flip); }
  std::string str() const;  // border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)
  // The pads for a kernel of size kh x kw (full: k-1, half: k//2).
  std::pair<int64_t, int64_t> pads(int64_t kh, int64_t kw) const;
};

enum class ConvKind { Forward, GradInputs, GradWeights };

// Forward: (input, filters). GradInputs: (filters, grad_output, input_shape). GradWeights: (input,
// grad_output, filter_shape). The shapes are int64 vectors (usually Shape of the original input).
class Conv2d : public OpOf<Conv2d> {
 public:
  Conv2d(ConvKind kind, ConvAttrs attrs) : kind_(kind), attrs_(std::move(attrs)) {}
  ConvKind kind() const { return kind_; }
  const ConvAttrs& attrs() const { return attrs_; }
  auto props() const { return std::tie(kind_, attrs_); }
  std::string name() const override;
  std::string str() const override { return name() + "{" + attrs_.str() + "}"; }
  std::vector<TensorType> make_types(Vars inputs) const override;
  OutShapes infer_shape(Vars inputs, InShapes input_shapes) const override;
  void perform(InArrays in, OutArrays out) const override;
  Cotangents pullback(Vars in, Vars out, OutCotangents cot) const override;

 private:
  ConvKind kind_;
  ConvAttrs attrs_;
};

Var conv2d(const Var& input, const Var& filters, const ConvAttrs& attrs);
Var conv2d_grad_inputs(const Var& filters, const Var& grad_output, const Var& input_shape, const ConvAttrs& attrs);
Var conv2d_grad_weights(const Var& input, const Var& grad_output, const Var& filter_shape, const ConvAttrs& attrs);

}  // namespace theano::ops
