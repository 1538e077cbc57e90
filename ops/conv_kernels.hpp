// Raw CPU kernels for 2-D convolution, as Theano's CorrMM computes it: a correlation (im2col + BLAS
// gemm). Float32 shapes the packed AVX2 kernels take (ops/conv_packed.hpp: stride 1, no padding,
// output rows a multiple of 8) go to those instead. With flip=true the kernel reads the filter rotated
// by 180 degrees, which is Theano's default conv2d (filter_flip=True), without the caller copying it.
//
// Layouts are C-contiguous: input (B,C,H,W), filters (K,C,kh,kw), output (B,K,Ho,Wo).
// No kernel allocates: the caller supplies `workspace` of at least conv2d_workspace_bytes(g, sizeof(T),
// n) bytes (any alignment); it serves all three kernels with any n_threads <= n.
// n_threads > 1 splits the batch over the kernel thread pool (core/thread_pool.hpp); BLAS runs with
// its own thread setting inside each task, so use n_threads > 1 only with a single-threaded BLAS.
#pragma once
#include <cstddef>
#include <cstdint>

namespace theano::kernels {

struct Conv2dGeometry {
  int64_t batch = 1, channels = 1, height = 1, width = 1;  // input (B, C, H, W)
  int64_t filters = 1, kernel_h = 1, kernel_w = 1;         // filters (K, C, kh, kw)
  int64_t pad_h = 0, pad_w = 0;                            // symmetric zero padding
  int64_t stride_h = 1, stride_w = 1;                      // Theano's subsample
  int64_t dilation_h = 1, dilation_w = 1;                  // Theano's filter_dilation

  // (H + 2 pad - ((kh - 1) dil + 1)) / stride + 1, clamped at 0 (get_conv_shape_1axis).
  int64_t out_h() const;
  int64_t out_w() const;
  int64_t patch_size() const { return channels * kernel_h * kernel_w; }  // C*kh*kw, rows of im2col
  // Multiply-adds of one forward pass times 2; the same count for each gradient.
  double flops() const;
};

// Throws std::invalid_argument on non-positive sizes/strides/dilations or negative padding.
void conv2d_check(const Conv2dGeometry& g);

size_t conv2d_workspace_bytes(const Conv2dGeometry& g, size_t elem_size, int n_threads = 1);

// output = corr(input, flip ? rot180(filters) : filters). Overwrites output.
template <typename T>
void conv2d_forward(const Conv2dGeometry& g, const T* input, const T* filters, T* output, bool flip,
                    void* workspace, int n_threads = 1);

// grad_input = d<grad_output, conv2d_forward(input)>/d input (transposed convolution). Overwrites.
template <typename T>
void conv2d_grad_input(const Conv2dGeometry& g, const T* grad_output, const T* filters, T* grad_input,
                       bool flip, void* workspace, int n_threads = 1);

// grad_filters = d<grad_output, conv2d_forward(filters)>/d filters, summed over the batch. Overwrites.
template <typename T>
void conv2d_grad_weights(const Conv2dGeometry& g, const T* input, const T* grad_output, T* grad_filters,
                         bool flip, void* workspace, int n_threads = 1);

}  // namespace theano::kernels
