#include "ops/composite.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "ops/elemwise_kernels.hpp"
#include "ops/shape_math.hpp"
#include "core/scratch.hpp"
#include "core/thread_pool.hpp"

namespace theano::ops {

namespace {
constexpr int64_t kChunk = 512;  // elements per chunk: every live chunk buffer stays in L1/L2
constexpr size_t kMaxRegisters = 256;

std::string expr_of(ScalarKind k, const std::vector<std::string>& a) {
  switch (k) {
    case ScalarKind::Add: return "(" + a[0] + " + " + a[1] + ")";
    case ScalarKind::Sub: return "(" + a[0] + " - " + a[1] + ")";
    case ScalarKind::Mul: return "(" + a[0] + " * " + a[1] + ")";
    case ScalarKind::TrueDiv: return "(" + a[0] + " / " + a[1] + ")";
    case ScalarKind::Neg: return "(-" + a[0] + ")";
    default: break;
  }
  std::string s = std::string(scalar_kind_name(k)) + "(";
  for (size_t i = 0; i < a.size(); ++i) s += (i ? ", " : "") + a[i];
  return s + ")";
}

// dst[j] = f(a[j], b[j], c[j]) for one chunk: a tight loop the compiler vectorizes. dst may be one of
// the arguments (each element is read before it is written).
template <ScalarKind K, int Arity, class T>
void chunk_loop(int64_t n, T* dst, const T* a, const T* b, const T* c) {
  using Fn = ScalarFn<K>;
  if constexpr (Arity == 1) {
    for (int64_t j = 0; j < n; ++j) dst[j] = T(Fn::template f<T>(a[j]));
  } else if constexpr (Arity == 2) {
    for (int64_t j = 0; j < n; ++j) dst[j] = T(Fn::template f<T>(a[j], b[j]));
  } else {
    for (int64_t j = 0; j < n; ++j) dst[j] = T(Fn::template f<T>(a[j], b[j], c[j]));
  }
}

template <class T>
void run_instr(ScalarKind k, int64_t n, T* dst, const T* a, const T* b, const T* c) {
  switch (k) {
#define ELEMWISE1(K, N, C, E, G) \
  case ScalarKind::K: return chunk_loop<ScalarKind::K, 1, T>(n, dst, a, b, c);
#define ELEMWISE2(K, N, C, E, G1, G2) \
  case ScalarKind::K: return chunk_loop<ScalarKind::K, 2, T>(n, dst, a, b, c);
#define ELEMWISE3(K, N, C, E, G1, G2, G3) \
  case ScalarKind::K: return chunk_loop<ScalarKind::K, 3, T>(n, dst, a, b, c);
#include "ops/elemwise_ops.def"
#undef ELEMWISE1
#undef ELEMWISE2
#undef ELEMWISE3
    default: throw OpError("Composite: unsupported instruction");
  }
}

// An input's view of the output's shape (strides 0 on stretched dims) with neighbouring dims merged
// where one stride walks both (a bias broadcast over (N, C, H, W) becomes (N, C, H*W) with strides
// (0, 1, 0)), so gathers copy or fill long runs.
struct Walk {
  Dims shape, strides;
};
Walk coalesce(const Dims& shape, const int64_t* st) {
  Walk w;
  for (int d = 0; d < shape.size(); ++d) {
    int k = w.shape.size() - 1;
    if (k >= 0 && w.strides[k] == st[d] * shape[d]) {
      w.shape[k] *= shape[d];
      w.strides[k] = st[d];
    } else {
      w.shape.push_back(shape[d]);
      w.strides.push_back(st[d]);
    }
  }
  return w;
}

// Copies elements [start, start + n) of the view (base, strides, shape) into dst: runs along the
// last dim, carrying into the outer ones.
template <class T>
void gather(const T* base, const int64_t* st, const Dims& shape, int64_t start, int64_t n, T* dst) {
  const int nd = shape.size();
  int64_t idx[kMaxDims] = {}, off = 0, rem = start;
  for (int d = nd - 1; d >= 0; --d) {
    idx[d] = rem % shape[d];
    rem /= shape[d];
    off += idx[d] * st[d];
  }
  const int64_t inner = shape[nd - 1], s = st[nd - 1];
  for (int64_t j = 0; j < n;) {
    int64_t run = std::min(inner - idx[nd - 1], n - j);
    const T* p = base + off;
    if (s == 0) std::fill(dst + j, dst + j + run, *p);
    else if (s == 1) std::copy(p, p + run, dst + j);
    else for (int64_t q = 0; q < run; ++q) dst[j + q] = p[q * s];
    j += run;
    idx[nd - 1] += run;
    off += run * s;
    if (idx[nd - 1] < inner) continue;
    off -= inner * s;
    idx[nd - 1] = 0;
    for (int d = nd - 2; d >= 0; --d) {
      off += st[d];
      if (++idx[d] < shape[d]) break;
      off -= shape[d] * st[d];
      idx[d] = 0;
    }
  }
}

enum class Load : uint8_t { Direct, Fill, Gather };

// Whether an instruction calls a libm function (tens of cycles per element instead of one or two).
bool calls_libm(ScalarKind k) {
  switch (k) {
    case ScalarKind::Exp: case ScalarKind::Log: case ScalarKind::Log1p: case ScalarKind::Tanh: case ScalarKind::Sigmoid:
    case ScalarKind::Softplus: case ScalarKind::Pow: case ScalarKind::Log2: case ScalarKind::Log10: case ScalarKind::Exp2:
    case ScalarKind::Expm1: case ScalarKind::Sin: case ScalarKind::Cos: case ScalarKind::Tan: case ScalarKind::ArcSin:
    case ScalarKind::ArcCos: case ScalarKind::ArcTan: case ScalarKind::ArcTan2: case ScalarKind::Sinh: case ScalarKind::Cosh:
    case ScalarKind::ArcSinh: case ScalarKind::ArcCosh: case ScalarKind::ArcTanh: case ScalarKind::Erf: case ScalarKind::Erfc:
    case ScalarKind::Erfinv: case ScalarKind::Erfcinv: case ScalarKind::Gamma: case ScalarKind::GammaLn: case ScalarKind::Psi:
    case ScalarKind::TriGamma:
      return true;
    default:
      return false;
  }
}

template <class T>
void run_program(int n_in, const std::vector<CompositeInstr>& prog, const std::vector<int>& buffer_of, int n_buffers,
                 InArrays in, NDArray& out) {
  const Dims& shape = out.shape();
  const int64_t total = shape.product();
  if (total == 0) return;
  std::array<Load, kMaxRegisters> load{};
  std::array<Walk, kMaxRegisters> walk;
  for (int k = 0; k < n_in; ++k) {
    const NDArray& a = *in[k];
    if (a.size() == 1) {
      load[k] = Load::Fill;
    } else if (a.shape() == shape && a.is_contiguous()) {
      load[k] = Load::Direct;
    } else {
      load[k] = Load::Gather;
      int64_t st[kMaxDims];
      for (int d = 0; d < shape.size(); ++d) st[d] = a.shape(d) == 1 ? 0 : a.stride(d);
      walk[size_t(k)] = coalesce(shape, st);
    }
  }
  T* o = out.data<T>();
  const int last = int(prog.size()) - 1;
  // Elements [first, end) in chunks, with the running thread's own scratch buffers.
  auto run_range = [&](int64_t first, int64_t end) {
    T* scratch = static_cast<T*>(scratch_buffer(size_t(n_in + n_buffers) * kChunk * sizeof(T)));
    auto buffer = [&](int b) { return scratch + int64_t(b) * kChunk; };  // inputs' buffers first, then temporaries
    std::array<const T*, kMaxRegisters> reg{};
    for (int k = 0; k < n_in; ++k)
      if (load[k] == Load::Fill) std::fill(buffer(k), buffer(k) + kChunk, *in[k]->data<T>());
    for (int64_t start = first; start < end; start += kChunk) {
      const int64_t n = std::min(kChunk, end - start);
      for (int k = 0; k < n_in; ++k) {
        switch (load[k]) {
          case Load::Direct: reg[k] = in[k]->data<T>() + start; break;
          case Load::Fill: reg[k] = buffer(k); break;
          case Load::Gather:
            gather(in[k]->data<T>(), walk[size_t(k)].strides.begin(), walk[size_t(k)].shape, start, n, buffer(k));
            reg[k] = buffer(k);
            break;
        }
      }
      for (int i = 0; i <= last; ++i) {
        const CompositeInstr& ins = prog[size_t(i)];
        T* dst = i == last ? o + start : buffer(n_in + buffer_of[size_t(i)]);
        const T* a = reg[size_t(ins.args[0])];
        const T* b = ins.args.size() > 1 ? reg[size_t(ins.args[1])] : a;
        const T* c = ins.args.size() > 2 ? reg[size_t(ins.args[2])] : a;
        run_instr<T>(ins.kind, n, dst, a, b, c);
        reg[size_t(n_in + i)] = dst;
      }
    }
  };
  // Threads split the elements in whole chunks from tens of microseconds of work: about 64K elements
  // of arithmetic, proportionally fewer when instructions call libm (the autoencoders' cross-entropy
  // with two softplus per element splits from about 4K).
  int64_t libm_calls = 0;
  for (const CompositeInstr& ins : prog) libm_calls += calls_libm(ins.kind);
  const int64_t grain_elements = (int64_t(1) << 16) / (1 + 8 * libm_calls);
  const int64_t n_chunks = (total + kChunk - 1) / kChunk;
  parallel_ranges(n_chunks, std::max<int64_t>(1, grain_elements / kChunk),
                  [&](int64_t c0, int64_t c1) { run_range(c0 * kChunk, std::min(total, c1 * kChunk)); });
}
}  // namespace

bool Composite::fusable(ScalarKind kind) {
  if (kind == ScalarKind::Cast || kind == ScalarKind::Switch || kind == ScalarKind::Count) return false;
  std::vector<DType> in(size_t(scalar_kind_arity(kind)), DType::Float32);
  return elemwise_out_dtype(kind, in) == DType::Float32;
}

Composite::Composite(int n_inputs, std::vector<CompositeInstr> program) : n_inputs_(n_inputs), program_(std::move(program)) {
  const int n = int(program_.size());
  if (n == 0) throw OpError("Composite: empty program");
  if (size_t(n_inputs_) + program_.size() > kMaxRegisters)
    throw OpError(fmt::format("Composite: {} inputs and {} instructions exceed {} registers", n_inputs_, n, kMaxRegisters));
  std::vector<int> last_use(size_t(n), -1);
  std::vector<std::string> exprs;
  for (int i = 0; i < n; ++i) {
    const CompositeInstr& ins = program_[size_t(i)];
    if (int(ins.args.size()) != scalar_kind_arity(ins.kind) || !fusable(ins.kind))
      throw OpError(fmt::format("Composite: instruction {} ({}) is malformed", i, scalar_kind_name(ins.kind)));
    std::vector<std::string> a;
    for (int arg : ins.args) {
      if (arg < 0 || arg >= n_inputs_ + i) throw OpError(fmt::format("Composite: instruction {} reads register {}", i, arg));
      if (arg >= n_inputs_) last_use[size_t(arg - n_inputs_)] = i;
      // A long subexpression is named t<k> instead of spelled out: reused results would otherwise
      // double the text at every level.
      if (arg < n_inputs_) a.push_back("i" + std::to_string(arg));
      else if (exprs[size_t(arg - n_inputs_)].size() > 256) a.push_back("t" + std::to_string(arg - n_inputs_));
      else a.push_back(exprs[size_t(arg - n_inputs_)]);
    }
    exprs.push_back(expr_of(ins.kind, a));
  }
  str_ = "Elemwise{Composite{" + exprs.back() + "}}";
  // Temporaries share chunk buffers: an argument's buffer is free again after its last reader, and
  // that reader may write into it.
  buffer_of_.assign(size_t(n), -1);
  std::vector<int> free_buffers;
  for (int i = 0; i < n; ++i) {
    for (int arg : program_[size_t(i)].args) {
      int j = arg - n_inputs_;
      if (j >= 0 && last_use[size_t(j)] == i && buffer_of_[size_t(j)] >= 0) {
        free_buffers.push_back(buffer_of_[size_t(j)]);
        last_use[size_t(j)] = -2;  // released once, even when read twice
      }
    }
    if (i == n - 1) break;  // the result goes to the output
    if (free_buffers.empty()) {
      buffer_of_[size_t(i)] = n_buffers_++;
    } else {
      buffer_of_[size_t(i)] = free_buffers.back();
      free_buffers.pop_back();
    }
  }
}

OutShapes Composite::infer_shape(Vars,
                                                                 InShapes shapes) const {
  return std::vector<std::vector<Variable>>{dims::broadcast_shapes(shapes)};
}

std::vector<TensorType> Composite::make_types(Vars in) const {
  if (int(in.size()) != n_inputs_) throw OpError(fmt::format("expects {} inputs, got {}", n_inputs_, in.size()));
  const int nd = in[0].ndim();
  const DType dt = in[0].dtype();
  if (!is_float(dt)) throw OpError(fmt::format("computes in float32 or float64, got {}", dtype_name(dt)));
  TensorType out(dt, nd);
  for (int d = 0; d < nd; ++d) out.bcast[d] = true;
  for (const Variable& v : in) {
    if (v.ndim() != nd) throw OpError("inputs have different numbers of dimensions");
    if (v.dtype() != dt) throw OpError(fmt::format("inputs have dtypes {} and {}", dtype_name(dt), dtype_name(v.dtype())));
  }
  for (int d = 0; d < nd; ++d) {
    int64_t size = -1;
    for (const Variable& v : in) {
      const TensorType& t = v.type();
      out.bcast[d] = out.bcast[d] && t.bcast[d];
      if (t.bcast[d] || t.shape[d] < 0) continue;
      if (size >= 0 && size != t.shape[d])
        throw OpError(fmt::format("shapes do not broadcast: dimension {} has sizes {} and {}", d, size, t.shape[d]));
      size = t.shape[d];
    }
    out.shape[d] = out.bcast[d] ? 1 : size;
  }
  return {out};
}

void Composite::perform(InArrays in, OutArrays out) const {
  Dims shape = broadcast_shape(in, *this);
  DType dt = in[0]->dtype();
  for (const NDArray* a : in)
    if (a->dtype() != dt) throw OpError(fmt::format("{}: inputs have dtypes {} and {}", str(), dtype_name(dt), dtype_name(a->dtype())));
  out[0]->ensure(dt, shape);
  if (dt == DType::Float32) run_program<float>(n_inputs_, program_, buffer_of_, n_buffers_, in, *out[0]);
  else if (dt == DType::Float64) run_program<double>(n_inputs_, program_, buffer_of_, n_buffers_, in, *out[0]);
  else throw OpError(fmt::format("{}: computes in float32 or float64, got {}", str(), dtype_name(dt)));
}

}  // namespace theano::ops
