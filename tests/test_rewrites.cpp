// The rewrite pipeline (graph/rewrite.hpp, runtime/pipeline.cpp): the FunctionGraph's incremental
// clients map, the verifier, failing rewrites, exclusion by name, the merge pass, and whole compiled
// functions through every pass. The passes that follow merge have files of their own:
// test_rewrites_canonicalize.cpp (constant folding, canonicalize) and
// test_rewrites_stabilize_specialize.cpp (stabilize, specialize, elementwise fusion); each checks its
// graph before and after as golden debugprint text, plus a case each that must stay unchanged.
#include <filesystem>

#include "graph/op_base.hpp"
#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/rewrites.hpp"
#include "runtime/pipeline.hpp"
#include "rewrite_test_util.hpp"

using namespace theano;
using namespace test_util;
using namespace rewrite_test;
namespace T = theano::tensor;
namespace P = theano::printing;
namespace R = theano::rewrite;
namespace RW = theano::ops::rewrites;

// ---- infrastructure ----

TEST_CASE("FunctionGraph keeps its clients map through replace: new applies come in and readerless ones go", "[rewrite]") {
  Var x = T::dvector("x"), y = T::dvector("y");
  Var a = x + y;
  Var d = T::exp(a) * a - x;
  FunctionGraph fg({x, y}, {d});
  REQUIRE(fg.n_applies() == 4);
  R::verify(fg);
  std::vector<Apply*> order = fg.toposort();
  Var fa = output_of(apply_ptr(order[0]), 0);  // the graph's x + y
  CHECK(fg.clients(fa).size() == 2);
  // x + y -> x * y: the product comes in, the sum goes (nobody reads it any more).
  Var prod = x * y;
  fg.replace(fa, prod);
  CHECK(fg.n_applies() == 4);
  CHECK_FALSE(fg.contains(order[0]));
  CHECK(fg.contains(prod.owner()));
  CHECK(fg.last_imported() == std::vector<Apply*>{prod.owner()});
  CHECK(fg.clients(prod).size() == 2);
  R::verify(fg);
  // The output itself: everything but the new expression is pruned.
  Var out = fg.outputs()[0];
  fg.replace(out, T::sqr(prod));
  CHECK(fg.n_applies() == 2);
  R::verify(fg);
  // A replacement that reads what it replaces is refused, the graph unchanged.
  Var o2 = fg.outputs()[0];
  CHECK_THROWS_WITH(fg.replace(o2, o2 * 2.0), Catch::Contains("a cycle"));
  CHECK(fg.outputs()[0] == o2);
  R::verify(fg);
}

TEST_CASE("verify names the pass after which the graph broke", "[rewrite]") {
  // A pass that rewires an input behind the FunctionGraph's back (types change, clients go stale).
  class Broken : public R::Pass {
   public:
    Broken() : Pass("broken_pass") {}
    bool run(FunctionGraph& fg, R::Context&) const override {
      Apply* a = fg.toposort().back();
      a->inputs[0] = T::fmatrix("intruder");
      return true;
    }
  };
  Var x = T::dvector("x");
  FunctionGraph fg({x}, {T::exp(x) + x});
  R::Pipeline p;
  p.add<R::MergePass>("merge");
  p.add<Broken>();
  R::Context ctx;
  ctx.verify = true;
  std::string msg = error_of([&] { p.run(fg, ctx); });
  CHECK(msg == "verify failed after broken_pass: the graph owns 2 applies but 1 are reachable from its outputs");
  // Without verification the same pipeline says nothing.
  FunctionGraph fg2({x}, {T::exp(x) + x});
  R::Context quiet;
  CHECK_NOTHROW(p.run(fg2, quiet));
  // Through theano.function: verify_rewrites checks after every pass of the real pipeline.
  CHECK_NOTHROW(theano::function({x}, T::exp(x) * 1.0 + x, {.verify_rewrites = true}));
}

namespace {
// A rewrite that builds a wrongly typed graph: its exp of a float32 cast claims float64 (the type of
// the output it replaces), so the phase's own check lets it in and only the verifier sees it.
R::Replacement mistyped(Apply& node, const FunctionGraph&) {
  auto* e = dynamic_cast<const ops::Elemwise*>(node.op.get());
  if (!e || e->kind() != ops::ScalarKind::Exp || node.inputs[0].dtype() != DType::Float64) return std::nullopt;
  Var y = T::exp(T::cast(node.inputs[0], "float32"));
  y.node()->type = node.outputs[0]->type;
  return std::vector<Variable>{y};
}
const R::LocalRewrite mistyped_rewrite{"test_mistyped", &typeid(ops::Elemwise), mistyped};
}  // namespace

TEST_CASE("verify names the pass whose rewrite built a wrongly typed apply", "[rewrite]") {
  Var x = T::dvector("x");
  R::Pipeline p;
  p.add<R::MergePass>("merge");
  p.add<R::LocalPhase>("mistyping_phase").add(mistyped_rewrite);
  p.add<R::MergePass>("merge_after");
  FunctionGraph fg({x}, {T::exp(x) * 2.0});
  R::Context ctx;
  ctx.verify = true;
  CHECK(error_of([&] { p.run(fg, ctx); }) ==
        "verify failed after mistyping_phase: output 0 of Elemwise{exp,no_inplace} has type TensorType(float64, vector) (?,) but "
        "its inputs give TensorType(float32, vector) (?,)");
  CHECK(ctx.applied["test_mistyped"] == 1);
}

namespace {
// An op whose type rule looks at its first input's value, as Reshape's looks at its shape: float32
// for a constant, float64 otherwise. Folding that input to a constant leaves the output's type stale
// (its second input, a variable, keeps the op itself from being folded).
class TypedByConstness : public OpOf<TypedByConstness> {
 public:
  std::vector<TensorType> make_types(Vars in) const override {
    return {TensorType(in[0].is_constant() ? DType::Float32 : DType::Float64, in[0].ndim())};
  }
  void perform(InArrays in, OutArrays out) const override { *out[0] = in[0]->astype(DType::Float64); }
};
}  // namespace

// Run by the next test in child processes, under THEANO_FLAGS=...,verify=True and ...,verify=False.
TEST_CASE("verify flag child: canonicalize folds an input that an op's type depends on", "[.verify_flag_child]") {
  Var c = T::constant(f64(Dims{2}, {1, 2}));
  Var x = T::dvector("x");
  Var y = make_apply1(std::make_shared<TypedByConstness>(), {T::exp(c), x});
  std::string msg = error_of([&] { theano::function({x}, y); });
  if (config().verify)
    CHECK(msg == "verify failed after canonicalize: output 0 of TypedByConstness has type TensorType(float64, vector) (?,) but its "
                 "inputs give TensorType(float32, vector) (?,)");
  else
    CHECK(msg == "<no exception>");
}

TEST_CASE("THEANO_FLAGS=verify=True verifies every compile after every pass", "[rewrite]") {
  CHECK(parse_flags("verify=True").verify);
  CHECK(!parse_flags("profile=True").verify);
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  for (const char* v : {"True", "False"}) {
    INFO("verify=" << v);
    std::string out = run_command("THEANO_FLAGS='" + flags_with(std::string("verify=") + v) + "' '" + exe + "' '[.verify_flag_child]' 2>&1");
    INFO(out);
    CHECK(out.find("All tests passed (") != std::string::npos);
    CHECK(out.find(" in 1 test case)") != std::string::npos);
  }
}

namespace {
// Deliberately bad rewrites: one throws, one returns a replacement of the wrong type.
R::Replacement throws(Apply&, const FunctionGraph&) { throw std::runtime_error("boom\nsecond line"); }
R::Replacement wrong_type(Apply& node, const FunctionGraph&) { return std::vector<Variable>{T::fvector("wrong")}; }
const R::LocalRewrite throwing_rewrite{"test_throwing", &typeid(ops::Elemwise), throws};
const R::LocalRewrite wrong_type_rewrite{"test_wrong_type", &typeid(ops::Elemwise), wrong_type};
// A pair that undo each other: the phase stops at its sweep cap.
R::Replacement exp_to_sqrt(Apply& node, const FunctionGraph&) {
  auto* e = dynamic_cast<const ops::Elemwise*>(node.op.get());
  if (!e || e->kind() != ops::ScalarKind::Exp) return std::nullopt;
  return std::vector<Variable>{T::sqrt(node.inputs[0])};
}
R::Replacement sqrt_to_exp(Apply& node, const FunctionGraph&) {
  auto* e = dynamic_cast<const ops::Elemwise*>(node.op.get());
  if (!e || e->kind() != ops::ScalarKind::Sqrt) return std::nullopt;
  return std::vector<Variable>{T::exp(node.inputs[0])};
}
const R::LocalRewrite ping{"test_ping", &typeid(ops::Elemwise), exp_to_sqrt};
const R::LocalRewrite pong{"test_pong", &typeid(ops::Elemwise), sqrt_to_exp};
}  // namespace

TEST_CASE("a rewrite that throws or returns a wrong type is skipped with one line and the graph intact", "[rewrite]") {
  Var x = T::dvector("x");
  Var y = T::neg(T::neg(x)) * 1.0;
  R::LocalPhase p = phase_of({&throwing_rewrite, &wrong_type_rewrite, &RW::local_neg_neg, &RW::local_mul_one});
  auto r = rewritten({x}, {y}, p);
  // The good rewrites still ran: -(-x) * 1 -> x.
  CHECK(r->after == "x [id A]\n");
  CHECK(r->ctx.failed == std::set<std::string>{"test_throwing", "test_wrong_type"});
  std::string log = r->log.str();
  CHECK(std::count(log.begin(), log.end(), '\n') == 1);
  CHECK_THAT(log, Catch::StartsWith("theano-cpp: rewrite test_throwing failed on Elemwise{"));
  CHECK_THAT(log, Catch::Contains("and was skipped: boom second line"));
  // Alone, the wrong type is refused before the graph is touched.
  auto w = rewritten({x}, {T::exp(x)}, phase_of({&wrong_type_rewrite}));
  CHECK(w->after == w->before);
  CHECK_THAT(w->log.str(), Catch::Contains("replaced output 0 of type TensorType(float64, vector) (?,) by TensorType(float32, vector) (?,)"));
}

TEST_CASE("a fixpoint phase stops after 25 sweeps", "[rewrite]") {
  Var x = T::dvector("x");
  auto r = rewritten({x}, {T::exp(x)}, phase_of({&ping, &pong}));
  CHECK(r->ctx.applied["test_ping"] + r->ctx.applied["test_pong"] == 25);
}

TEST_CASE("rewrites are excluded by name and FAST_COMPILE skips them all", "[rewrite]") {
  Var x = T::dvector("x"), y = T::dvector("y");
  Var e = x * y + x * y;
  CHECK(op_strs(theano::function({x, y}, e)) == std::vector<std::string>{"Elemwise{Composite{((i0 * i1) + (i0 * i1))}}"});
  CHECK(op_strs(theano::function({x, y}, e, {.optimizer_excluding = {"elemwise_fusion"}})) ==
        std::vector<std::string>{"Elemwise{mul,no_inplace}", "Elemwise{add,no_inplace}"});
  // "merge" excludes the three merge passes.
  CHECK(count_op(theano::function({x, y}, e, {.optimizer_excluding = {"merge", "elemwise_fusion"}}), "Elemwise{mul,no_inplace}") == 2);
  CHECK(count_op(theano::function({x, y}, e, {.mode = "FAST_COMPILE"}), "Elemwise{mul,no_inplace}") == 2);
  CHECK_THROWS_WITH(theano::function({x, y}, e, {.mode = "FAST"}), Catch::Contains("mode must be FAST_RUN or FAST_COMPILE"));
  // THEANO_FLAGS spelling, and every name the pipeline knows.
  CHECK(parse_flags("optimizer_excluding=local_gemm:elemwise_fusion").optimizer_excluding ==
        std::vector<std::string>{"local_gemm", "elemwise_fusion"});
  std::vector<std::string> names = rewrite_names();
  for (const char* n : {"merge1", "canonicalize", "stabilize", "merge2", "specialize", "elemwise_fusion", "merge3", "constant_folding",
                        "local_mul_one", "local_add_zero", "local_neg_neg", "local_dimshuffle_chain", "local_useless_dimshuffle",
                        "local_reshape_chain", "local_shape_i_of_reshape", "local_shape_i_lift", "local_shape_subtensor",
                        "local_shape_to_shape_i", "local_subtensor_lift", "local_pow_specialize", "local_log1p", "local_log_sigmoid",
                        "local_log_softmax", "local_advanced_indexing_crossentropy_onehot",
                        "local_advanced_indexing_crossentropy_onehot_grad", "local_gemm"}) {
    INFO(n);
    CHECK(std::count(names.begin(), names.end(), n) == 1);
  }
}

// ---- merge ----

TEST_CASE("merge: x*y + x*y computes one mul and equal constants collapse", "[rewrite][merge]") {
  Var x = T::dvector("x"), y = T::dvector("y");
  auto r = rewritten({x, y}, {x * y + x * y}, R::MergePass());
  check_golden(r->before,
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " | |y [id D]\n"
               " |Elemwise{mul,no_inplace} [id E] ''   \n"
               "   |x [id C]\n"
               "   |y [id D]\n",
               "merge_before");
  check_golden(r->after,
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " | |y [id D]\n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n",
               "merge_after");
  Function f = theano::function({x, y}, x * y + x * y, {.optimizer_excluding = {"elemwise_fusion"}});
  CHECK(count_op(f, "Elemwise{mul,no_inplace}") == 1);
  CHECK(values(f(f64(Dims{2}, {1, 2}), f64(Dims{2}, {3, 4}))) == std::vector<double>{6, 16});
  // Two literals 2.0 are one constant, so the two products merge too.
  auto c = rewritten({x}, {x * 2.0 - x * 2.0}, R::MergePass());
  check_golden(c->after,
               "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " | |DimShuffle{x} [id D] ''   \n"
               " |   |TensorConstant{2.0} [id E]\n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n",
               "merge_constants");
}

TEST_CASE("merge leaves different applies alone: x*y + y*x and x*2 + x*3", "[rewrite][merge]") {
  Var x = T::dvector("x"), y = T::dvector("y");
  auto r = rewritten({x, y}, {x * y + y * x}, R::MergePass());
  CHECK(r->after == r->before);
  auto c = rewritten({x}, {x * 2.0 + x * 3.0}, R::MergePass());
  CHECK(c->after == c->before);
}

// ---- the compiled functions ----

TEST_CASE("rewritten outputs and updates may be inputs or shared variables or constants", "[rewrite]") {
  Var x = T::dvector("x");
  SharedVariable W = theano::shared(f64(Dims{2}, {1, 2}), "W"), n = theano::shared(0.0, "n");
  Var c = T::constant(f64(Dims{2}, {0, 1}));
  Function f = theano::function({x}, {x * 1.0, T::exp(c), x * 1.0}, {.updates = {{W, W * 1.0 + 0.0}, {n, n + 1.0}}, .verify_rewrites = true});
  CHECK(f.n_nodes() == 1);  // only n + 1 is left to compute
  Result r = f(f64(Dims{2}, {3, 4}));
  CHECK(values(r.array(0)) == std::vector<double>{3, 4});
  CHECK(values(r.array(1)) == std::vector<double>{1, std::exp(1.0)});
  CHECK(values(r.array(2)) == std::vector<double>{3, 4});
  r.array(0).set_item(0, 99);  // outputs are copies: neither x's buffer nor the constant changes
  CHECK(values(f(f64(Dims{2}, {5, 6})).array(1)) == std::vector<double>{1, std::exp(1.0)});
  CHECK(values(W.get_value()) == std::vector<double>{1, 2});
  CHECK(n.get_value().item() == 2);
}

TEST_CASE("the logistic regression's training function after rewriting", "[rewrite]") {
  // tests/test_printing.cpp's LogisticTraining (its golden there is the graph without rewrites).
  Logistic m;
  Var index = T::lscalar();
  SharedVariable train_set_x = theano::shared(NDArray::zeros(DType::Float32, {6, 4}), "", true);
  Var train_set_y = T::cast(theano::shared(NDArray::zeros(DType::Float32, {6}), "", true), "int32");
  auto minibatch = [&](const Var& data) { return data[T::slice(index * 2, (index + 1) * 2)]; };
  Function train = theano::function({index}, m.cost,
                                    {.updates = {{m.W, m.W - 0.13 * m.g_W}, {m.b, m.b - 0.13 * m.g_b}},
                                     .givens = {{m.x, minibatch(train_set_x)}, {m.y, minibatch(train_set_y)}},
                                     .verify_rewrites = true});
  check_golden(P::debugprint_str(train),
               "Elemwise{Composite{(-(i0 / i1))}} [id A] ''   12\n"
               " |Sum{axis=[0], acc_dtype=float64} [id B] ''   9\n"
               " | |Elemwise{neg,no_inplace} [id C] ''   8\n"
               " |   |CrossentropySoftmaxArgmax1HotWithBias.0 [id D] ''   7\n"
               " |     |dot [id E] ''   4\n"
               " |     | |Subtensor{int64:int64:} [id F] ''   3\n"
               " |     | | |<TensorType(float32, matrix)> [id G]\n"
               " |     | | |Elemwise{mul,no_inplace} [id H] ''   0\n"
               " |     | | | |<TensorType(int64, scalar)> [id I]\n"
               " |     | | | |TensorConstant{2} [id J]\n"
               " |     | | |Elemwise{mul,no_inplace} [id K] ''   2\n"
               " |     | |   |Elemwise{add,no_inplace} [id L] ''   1\n"
               " |     | |   | |<TensorType(int64, scalar)> [id I]\n"
               " |     | |   | |TensorConstant{1} [id M]\n"
               " |     | |   |TensorConstant{2} [id J]\n"
               " |     | |W [id N]\n"
               " |     |b [id O]\n"
               " |     |Elemwise{Cast{int32}} [id P] ''   6\n"
               " |       |Subtensor{int64:int64:} [id Q] ''   5\n"
               " |         |<TensorType(float32, vector)> [id R]\n"
               " |         |Elemwise{mul,no_inplace} [id H] ''   0\n"
               " |         |Elemwise{mul,no_inplace} [id K] ''   2\n"
               " |Elemwise{Cast{float32}} [id S] ''   11\n"
               "   |Shape_i{0} [id T] ''   10\n"
               "     |Subtensor{int64:int64:} [id Q] ''   5\n"
               "Gemm{inplace} [id U] ''   20\n"
               " |W [id N]\n"
               " |TensorConstant{-0.13} [id V]\n"
               " |DimShuffle{1,0} [id W] ''   13\n"
               " | |Subtensor{int64:int64:} [id F] ''   3\n"
               " |CrossentropySoftmax1HotWithBiasDx [id X] ''   17\n"
               " | |Elemwise{Composite{(-second(i0, i1))}} [id Y] ''   16\n"
               " | | |Elemwise{neg,no_inplace} [id C] ''   8\n"
               " | | |DimShuffle{x} [id Z] ''   15\n"
               " | |   |Elemwise{true_div,no_inplace} [id BA] ''   14\n"
               " | |     |TensorConstant{-1.0} [id BB]\n"
               " | |     |Elemwise{Cast{float32}} [id S] ''   11\n"
               " | |CrossentropySoftmaxArgmax1HotWithBias.1 [id D] ''   7\n"
               " | |Elemwise{Cast{int32}} [id P] ''   6\n"
               " |TensorConstant{1.0} [id BC]\n"
               "Elemwise{Composite{(i2 - (i0 * i1))}} [id BD] ''   19\n"
               " |TensorConstant{(1,) of 0.13} [id BE]\n"
               " |Sum{axis=[0], acc_dtype=float64} [id BF] ''   18\n"
               " | |CrossentropySoftmax1HotWithBiasDx [id X] ''   17\n"
               " |b [id O]\n",
               "logistic_train");
  // One crossentropy op serves the cost and the gradient; the labels' cast runs on the minibatch.
  CHECK(count_op(train, "CrossentropySoftmaxArgmax1HotWithBias") == 1);
  CHECK(count_op(train, "Gemm{inplace}") == 1);  // the SGD step, written into W (runtime/inplace_updates.hpp)
  CHECK(count_op(train, "Softmax") == 0);
  CHECK(count_op(train, "AdvancedSubtensor") == 0);
  CHECK(train.n_nodes() < theano::function({index}, m.cost,
                                           {.updates = {{m.W, m.W - 0.13 * m.g_W}, {m.b, m.b - 0.13 * m.g_b}},
                                            .givens = {{m.x, minibatch(train_set_x)}, {m.y, minibatch(train_set_y)}},
                                            .mode = "FAST_COMPILE"})
                               .n_nodes() /
                           2);
}
