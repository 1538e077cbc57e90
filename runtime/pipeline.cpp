// The FAST_RUN pipeline, in the order of Theano's optimizer database (theano/compile/mode.py):
//   merge1 -> canonicalize -> stabilize -> merge2 -> specialize -> elemwise_fusion -> merge3
// plus pool_fusion after elemwise_fusion: it matches the Composite that fusion builds.
// Every rewrite is enrolled here, explicitly; THEANO_FLAGS=optimizer_excluding=name1:name2 (or
// FunctionOptions::optimizer_excluding) skips rewrites and whole passes by name.
#include "runtime/pipeline.hpp"

#include <algorithm>

#include "ops/rewrites.hpp"

namespace theano {

namespace {
rewrite::Pipeline build() {
  using namespace ops::rewrites;
  using rewrite::LocalPhase;
  using rewrite::MergePass;
  rewrite::Pipeline p;
  p.add<MergePass>("merge1");

  auto& canonicalize = p.add<LocalPhase>("canonicalize");
  canonicalize.add(rewrite::constant_folding)
      .add(local_mul_one)
      .add(local_add_zero)
      .add(local_neg_neg)
      .add(local_useless_dimshuffle)
      .add(local_dimshuffle_chain)
      .add(local_lift_transpose_through_dot)
      .add(local_reshape_chain)
      .add(local_shape_i_of_reshape)
      .add(local_shape_subtensor)
      .add(local_shape_to_shape_i)
      .add(local_shape_i_lift)
      .add(local_subtensor_lift);

  auto& stabilize = p.add<LocalPhase>("stabilize");
  stabilize.add(local_log1p)
      .add(local_exp_over_1_plus_exp)
      .add(local_sigm_times_exp)
      .add(local_log_sigmoid)
      .add(local_log1msigm_to_softplus)
      .add(local_log1pexp_to_softplus)
      .add(local_log1p_neg_sigmoid)
      .add(local_log_of_crossentropy_onehot)
      .add(local_log_softmax)
      .add(local_crossentropy_onehot)
      .add(local_crossentropy_onehot_grad);

  p.add<MergePass>("merge2");

  auto& specialize = p.add<LocalPhase>("specialize");
  specialize.add(rewrite::constant_folding).add(local_pow_specialize).add(local_gemm).add(local_max_pool_grad_recompute);
  // After stabilize, as Theano: the crossentropy gradient rewrite matches the same product first.
  specialize.add(local_logsoftmax_grad);

  p.add<ElemwiseFusion>("elemwise_fusion");
  p.add<LocalPhase>("pool_fusion").add(local_max_pool_bias_activation).add(local_max_pool_bias_activation_fused);
  p.add<MergePass>("merge3");
  return p;
}
}  // namespace

const rewrite::Pipeline& fast_run_pipeline() {
  static const rewrite::Pipeline p = build();
  return p;
}

std::vector<std::string> rewrite_names() {
  std::vector<std::string> names;
  for (const auto& pass : fast_run_pipeline().passes()) {
    names.push_back(pass->name());
    if (auto* phase = dynamic_cast<const rewrite::LocalPhase*>(pass.get()))
      for (const rewrite::LocalRewrite* r : phase->rewrites())
        if (std::find(names.begin(), names.end(), r->name) == names.end()) names.push_back(r->name);
  }
  // The memory planner's switches, applied after the pipeline (runtime/memory_plan.hpp), and the SGD
  // updates written into their shared variable (runtime/inplace_updates.hpp).
  names.push_back("inplace");
  names.push_back("local_inplace_gemm");
  names.push_back("local_inplace_setsubtensor");
  names.push_back("local_inplace_incsubtensor");
  names.push_back("memory_plan");
  return names;
}

}  // namespace theano
