// Float32 convolution kernels built around one register-blocked AVX2/FMA micro-kernel, for the common
// case of stride 1, no padding, no dilation and output rows a multiple of 8 wide (both LeNet layers).
// They never build an im2col matrix in memory: the forward pass packs 16-pixel panels of it straight
// from the image, the input gradient adds each finished tile into the image (col2im fused), and the
// filter gradient reads the image rows directly as the micro-kernel's broadcast operand. On LeNet's
// shapes each kernel runs 1.3-1.65x faster than im2col + OpenBLAS sgemm (bench/conv_kernels_bench,
// one thread, --im2col for the comparison).
//
// The contract is conv_kernels.hpp's; conv2d_forward & co. call these when packed_conv_supported(g).
#pragma once
#include <cstddef>

#include "ops/conv_kernels.hpp"

namespace theano::kernels {

// True when this build has AVX2/FMA and g has stride 1, no padding, no dilation and out_w % 8 == 0.
bool packed_conv_supported(const Conv2dGeometry& g);

// On by default; tests and benchmarks turn it off to run the im2col + BLAS kernels on the same shapes.
void set_packed_conv_enabled(bool on);
bool packed_conv_enabled();

size_t packed_conv_workspace_bytes(const Conv2dGeometry& g, int n_threads);

void packed_conv_forward(const Conv2dGeometry& g, const float* input, const float* filters, float* output, bool flip,
                         void* workspace, int n_threads);
void packed_conv_grad_input(const Conv2dGeometry& g, const float* grad_output, const float* filters, float* grad_input,
                            bool flip, void* workspace, int n_threads);
void packed_conv_grad_weights(const Conv2dGeometry& g, const float* input, const float* grad_output, float* grad_filters,
                              bool flip, void* workspace, int n_threads);

}  // namespace theano::kernels
