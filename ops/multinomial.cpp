#include "ops/multinomial.hpp"

#include <fmt/format.h>

#include "core/scratch.hpp"
#include "ops/elemwise.hpp"
#include "ops/shape_math.hpp"

namespace theano::ops {

namespace {
void check_inputs(Vars in, DType odtype) {
  if (in[0].ndim() != 2 || !is_float(in[0].dtype())) throw OpError(fmt::format("pvals must be a float matrix, got {}", in[0].type().str()));
  if (in[1].ndim() != 1 || !is_float(in[1].dtype())) throw OpError(fmt::format("unis must be a float vector, got {}", in[1].type().str()));
  if (in[2].ndim() != 0 || !is_integer(in[2].dtype())) throw OpError(fmt::format("n must be an integer scalar, got {}", in[2].type().str()));
  if (odtype == DType::Bool) throw OpError("the output dtype cannot be bool");
}

int64_t draws_of(InArrays in) {
  int64_t n = in[2]->item_int64(0);
  if (n < 0) throw OpError(fmt::format("n must not be negative, got {}", n));
  if (in[1]->shape(0) != in[0]->shape(0) * n)
    throw OpError(fmt::format("unis.shape[0] != pvals.shape[0] * n ({} != {} * {})", in[1]->shape(0), in[0]->shape(0), n));
  return n;
}

// pvals[r, m] and unis[i] through their strides.
double pval(const NDArray& p, int64_t r, int64_t m) { return p.item(r * p.shape(1) + m); }
}  // namespace

std::vector<TensorType> MultinomialFromUniform::make_types(Vars in) const {
  check_inputs(in, odtype_);
  TensorType out = in[0].type();
  out.dtype = odtype_;
  return {out};
}

OutShapes MultinomialFromUniform::infer_shape(Vars, InShapes shapes) const { return std::vector<std::vector<Variable>>{shapes[0]}; }

void MultinomialFromUniform::perform(InArrays in, OutArrays out) const {
  const NDArray& p = *in[0];
  const NDArray& u = *in[1];
  int64_t n = draws_of(in);
  const int64_t rows = p.shape(0), outcomes = p.shape(1);
  out[0]->ensure(odtype_, p.shape());
  NDArray& z = *out[0];
  for (int64_t i = 0; i < z.size(); ++i) z.set_item(i, 0.0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t r = 0; r < rows; ++r) {
      double cummul = 0, uni = u.item(c * rows + r);
      for (int64_t m = 0; m < outcomes; ++m) {
        cummul += pval(p, r, m);
        if (cummul > uni) {
          z.set_item(r * outcomes + m, z.item(r * outcomes + m) + 1.0);
          break;
        }
      }
    }
}

std::string ChoiceFromUniform::str() const {
  return fmt::format("ChoiceFromUniform{{{}, {}}}", dtype_name(odtype_), replace_ ? "True" : "False");
}

std::vector<TensorType> ChoiceFromUniform::make_types(Vars in) const {
  check_inputs(in, odtype_);
  TensorType out(odtype_, 2);
  out.shape[0] = in[0].type().shape[0];
  out.bcast[0] = in[0].type().broadcastable(0);
  if (in[2].is_constant()) out.shape[1] = in[2].node()->constant.item_int64(0);
  out.bcast[1] = in[0].type().broadcastable(1);  // Theano's: pvals' pattern
  if (out.bcast[1] && out.shape[1] != 1) out.bcast[1] = false;
  return {out};
}

OutShapes ChoiceFromUniform::infer_shape(Vars in, InShapes shapes) const {
  return std::vector<std::vector<Variable>>{{shapes[0][0], cast(in[2], DType::Int64)}};
}

void ChoiceFromUniform::perform(InArrays in, OutArrays out) const {
  const NDArray& p = *in[0];
  const NDArray& u = *in[1];
  int64_t n = draws_of(in);
  const int64_t rows = p.shape(0), outcomes = p.shape(1);
  if (n > outcomes) throw OpError("Cannot sample without replacement n samples bigger than the size of the distribution.");
  out[0]->ensure(odtype_, Dims{rows, n});
  NDArray& z = *out[0];
  visit_dtype(p.dtype(), [&](auto tag) {
    using T = decltype(tag);
    if constexpr (std::is_floating_point_v<T>) {
      // The renormalised copy of pvals, in its dtype (scratch memory: no allocation per call).
      T* q = static_cast<T*>(scratch_buffer(size_t(rows * outcomes) * sizeof(T)));
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t m = 0; m < outcomes; ++m) q[r * outcomes + m] = T(pval(p, r, m));
      for (int64_t c = 0; c < n; ++c)
        for (int64_t r = 0; r < rows; ++r) {
          T* row = q + r * outcomes;
          double cummul = 0, uni = u.item(c * rows + r);
          int64_t drawn = -1;
          for (int64_t m = 0; m < outcomes; ++m) {
            cummul += row[m];
            if (!(cummul > uni)) continue;
            drawn = m;
            if (c + 1 < n && !replace_) {
              T sum = T(cummul - row[m]);  // the entries before m, then those from m on (m now 0)
              row[m] = 0;
              for (int64_t k = m; k < outcomes; ++k) sum = sum + row[k];
              for (int64_t k = 0; k < outcomes; ++k) row[k] = row[k] / sum;
            }
            break;
          }
          z.set_item(r * n + c, double(drawn));
        }
    }
  });
}

Var multinomial_from_uniform(const Var& pvals, const Var& unis, const Var& n, DType odtype) {
  return make_apply1(std::make_shared<MultinomialFromUniform>(odtype), {pvals, unis, n});
}
Var choice_from_uniform(const Var& pvals, const Var& unis, const Var& n, DType odtype, bool replace) {
  return make_apply1(std::make_shared<ChoiceFromUniform>(odtype, replace), {pvals, unis, n});
}

}  // namespace theano::ops
