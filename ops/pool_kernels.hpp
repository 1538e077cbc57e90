// Raw CPU kernels for Theano's pool_2d over the last two dims of a C-contiguous (N..., H, W) array,
// viewed as (outer, H, W) with outer = product of the leading dims.
//
// Windows (per dim, v = size + 2 pad, padded coordinates): [j*stride, min(j*stride + ws, v)).
// max / sum / average_exc_pad only see the real cells of the window; average_inc_pad divides by the
// window size counting padding (as Theano's Pool C code and Pool.perform do).
// Gradients are the exact adjoints of the forward; for max every input equal to its window's max
// receives the full upstream gradient (ties are not split) and overlapping windows accumulate.
#pragma once
#include <cstdint>

namespace theano::kernels {

enum class PoolMode { Max, Sum, AverageIncPad, AverageExcPad };

struct Pool2dGeometry {
  int64_t outer = 1, height = 1, width = 1;  // input viewed as (outer, H, W)
  int64_t ws_h = 1, ws_w = 1;                // window
  int64_t stride_h = 1, stride_w = 1;        // Theano: stride=None means stride = ws
  int64_t pad_h = 0, pad_w = 0;
  bool ignore_border = true;

  int64_t out_h() const;
  int64_t out_w() const;
};

// Theano's Pool.out_shape for one dim (v = size + 2 pad):
//   ignore_border: v // stride if ws == stride else max(0, (v - ws) // stride + 1)
//   otherwise:     (v - 1) // stride + 1 if stride >= ws else max(0, (v - 1 - ws + stride) // stride) + 1
int64_t pool2d_output_size(int64_t size, int64_t ws, int64_t stride, int64_t pad, bool ignore_border);

// Throws std::invalid_argument like Theano's Pool: ws, stride >= 1; pad >= 0; pad only with
// ignore_border=True; pad < ws.
void pool2d_check(const Pool2dGeometry& g);

// output is (outer, out_h, out_w); overwritten.
template <typename T>
void pool2d_forward(PoolMode mode, const Pool2dGeometry& g, const T* input, T* output, int n_threads = 1);

// grad_input (outer, H, W) is overwritten. input and output (the forward result) are read only for
// Max and may be nullptr for the other modes.
template <typename T>
void pool2d_grad(PoolMode mode, const Pool2dGeometry& g, const T* input, const T* output, const T* grad_output,
                 T* grad_input, int n_threads = 1);

// Max pooling followed by a bias and an activation, in one pass over the input with no pooled array:
//   output[s, i, j] = act(max over window (i, j) of input[s] + bias[(s / bias_repeat) % bias_period])
// (one bias value per slice: a (1, C, 1, 1) bias over (N, C, H, W) is period C, repeat 1). The max,
// the add and the activation are the scalar functions Pool and Elemwise use, so results match theirs
// bit for bit.
enum class PoolActivation { Tanh, Sigmoid };
template <typename T>
void max_pool2d_bias_act(const Pool2dGeometry& g, const T* input, const T* bias, int64_t bias_period,
                         int64_t bias_repeat, PoolActivation act, T* output, int n_threads = 1);

// The max gradient that recomputes each window's maximum from the input instead of reading the
// forward's output: equal to pool2d_grad(Max, ...) given that output, one array less to read.
template <typename T>
void max_pool2d_grad_recompute(const Pool2dGeometry& g, const T* input, const T* grad_output, T* grad_input,
                               int n_threads = 1);

}  // namespace theano::kernels
