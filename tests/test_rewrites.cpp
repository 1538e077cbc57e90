// The rewrite pipeline (graph/rewrite.hpp, runtime/pipeline.cpp): the FunctionGraph's incremental
// clients map, the verifier, failing rewrites, exclusion by name, and every pass with its graph
// before and after as golden debugprint text, plus a case each that must stay unchanged. On a golden
// mismatch the actual text is written to <tmp>/theano_rewrite_tests/<name>.actual.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/op_base.hpp"
#include "ops/basic.hpp"
#include "ops/blas.hpp"
#include "ops/composite.hpp"
#include "ops/graph_math.hpp"
#include "ops/nnet_fused.hpp"
#include "ops/pool.hpp"
#include "ops/rewrites.hpp"
#include "ops/shape.hpp"
#include "ops/shape_math.hpp"
#include "ops/subtensor.hpp"
#include "runtime/pipeline.hpp"
#include "test_files.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;
namespace P = theano::printing;
namespace R = theano::rewrite;
namespace RW = theano::ops::rewrites;
namespace fs = std::filesystem;

namespace {

void check_golden(const std::string& actual, const std::string& expected, const std::string& name) {
  test_files::check_golden_text("theano_rewrite_tests", actual, expected, name);
}

// A pass over a fresh FunctionGraph of `outputs`, verified after it ran.
struct Rewritten {
  std::unique_ptr<FunctionGraph> fg;
  std::string before, after;
  R::Context ctx;
  std::ostringstream log;
};

std::unique_ptr<Rewritten> rewritten(const std::vector<Var>& inputs, const std::vector<Var>& outputs, const R::Pass& pass) {
  auto r = std::make_unique<Rewritten>();
  r->fg = std::make_unique<FunctionGraph>(as_variables(inputs), as_variables(outputs));
  r->before = P::debugprint_str(as_vars(r->fg->outputs()));
  r->ctx.log = &r->log;
  pass.run(*r->fg, r->ctx);
  R::verify(*r->fg);
  r->after = P::debugprint_str(as_vars(r->fg->outputs()));
  return r;
}

// One local rewrite as a phase of its own.
R::LocalPhase phase_of(std::initializer_list<const R::LocalRewrite*> rewrites) {
  R::LocalPhase p("test_phase");
  for (const R::LocalRewrite* r : rewrites) p.add(*r);
  return p;
}

std::vector<std::string> op_strs(const Function& f) {
  std::vector<std::string> s;
  for (Apply* a : f.fgraph().toposort()) s.push_back(a->op->str());
  return s;
}
size_t count_op(const Function& f, const std::string& str) {
  auto s = op_strs(f);
  return size_t(std::count(s.begin(), s.end(), str));
}

}  // namespace

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

// ---- constant folding ----

TEST_CASE("constant folding evaluates applies of constants but never of shared variables", "[rewrite][canonicalize]") {
  Var x = T::dvector("x");
  SharedVariable s = theano::shared(f64(Dims{2}, {1, 2}), "s");
  Var c = T::constant(f64(Dims{2}, {0, 1}), "c");
  auto r = rewritten({x}, {x + T::exp(c) + T::exp(s)}, phase_of({&R::constant_folding}));
  check_golden(r->before,
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{add,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " | |Elemwise{exp,no_inplace} [id D] ''   \n"
               " |   |TensorConstant{[0. 1.]} [id E]\n"
               " |Elemwise{exp,no_inplace} [id F] ''   \n"
               "   |s [id G]\n",
               "fold_before");
  check_golden(r->after,
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{add,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " | |TensorConstant{[1.       ...71828183]} [id D]\n"
               " |Elemwise{exp,no_inplace} [id E] ''   \n"
               "   |s [id F]\n",
               "fold_after");
}

// ---- canonicalize ----

TEST_CASE("canonicalize: x*1 and x+0 and -(-x) and DimShuffle chains and identities", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x"), v = T::dvector("v");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_mul_one, &RW::local_add_zero, &RW::local_neg_neg,
                              &RW::local_useless_dimshuffle, &RW::local_dimshuffle_chain});
  auto r = rewritten({x, v}, {T::neg(T::neg(x * 1.0 + 0.0)) - v.dimshuffle({'x', 0}).dimshuffle({1, 0}).dimshuffle({1, 0}),
                              x.dimshuffle({0, 1})},
                     p);
  check_golden(r->before, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |Elemwise{neg,no_inplace} [id B] ''   \n"
               " | |Elemwise{neg,no_inplace} [id C] ''   \n"
               " |   |Elemwise{add,no_inplace} [id D] ''   \n"
               " |     |Elemwise{mul,no_inplace} [id E] ''   \n"
               " |     | |x [id F]\n"
               " |     | |DimShuffle{x,x} [id G] ''   \n"
               " |     |   |TensorConstant{1.0} [id H]\n"
               " |     |DimShuffle{x,x} [id I] ''   \n"
               " |       |TensorConstant{0.0} [id J]\n"
               " |DimShuffle{1,0} [id K] ''   \n"
               "   |DimShuffle{1,0} [id L] ''   \n"
               "     |DimShuffle{x,0} [id M] ''   \n"
               "       |v [id N]\n"
               "DimShuffle{0,1} [id O] ''   \n"
               " |x [id F]\n",
               "canonicalize_before");
  check_golden(r->after, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,0} [id C] ''   \n"
               "   |v [id D]\n"
               "x [id B]\n",
               "canonicalize_after");
  CHECK(r->ctx.applied["local_neg_neg"] == 1);
  CHECK(r->ctx.applied["local_mul_one"] == 1);
  CHECK(r->ctx.applied["local_add_zero"] == 1);
}

TEST_CASE("canonicalize leaves x*2 and x times a 3x1 array of ones and a transposing DimShuffle alone", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x");
  R::LocalPhase p = phase_of({&RW::local_mul_one, &RW::local_add_zero, &RW::local_neg_neg, &RW::local_useless_dimshuffle,
                              &RW::local_dimshuffle_chain});
  // ones of shape (3, 1) would broadcast a (1, n) x to (3, n): not an identity.
  Var ones = T::constant(f64(Dims{3, 1}, {1, 1, 1}));
  auto r = rewritten({x}, {x * 2.0, x * ones, T::neg(x).dimshuffle({1, 0})}, p);
  CHECK(r->after == r->before);
}

TEST_CASE("canonicalize: Reshape chains and shapes of constant reshapes and slicing lifted through a cast",
          "[rewrite][canonicalize]") {
  // The tutorials' labels: y = cast(shared_y, int32)[i*bs : (i+1)*bs] casts only the minibatch.
  SharedVariable shared_y = theano::shared(NDArray::zeros(DType::Float32, {50}), "shared_y");
  Var i = T::lscalar("i");
  Var y = T::cast(shared_y, "int32")[T::slice(i * 5, (i + 1) * 5)];
  Var x = T::dvector("x");
  Var r2 = x.reshape({4, 6}).reshape({2, 12});
  R::LocalPhase p = phase_of({&RW::local_reshape_chain, &RW::local_shape_i_of_reshape, &RW::local_subtensor_lift});
  auto r = rewritten({i, x}, {y, r2, r2.shape()[1]}, p);
  check_golden(r->before, "Subtensor{int64:int64:} [id A] ''   \n"
               " |Elemwise{Cast{int32}} [id B] ''   \n"
               " | |shared_y [id C]\n"
               " |Elemwise{mul,no_inplace} [id D] ''   \n"
               " | |i [id E]\n"
               " | |TensorConstant{5} [id F]\n"
               " |Elemwise{mul,no_inplace} [id G] ''   \n"
               "   |Elemwise{add,no_inplace} [id H] ''   \n"
               "   | |i [id E]\n"
               "   | |TensorConstant{1} [id I]\n"
               "   |TensorConstant{5} [id J]\n"
               "Reshape{2} [id K] ''   \n"
               " |Reshape{2} [id L] ''   \n"
               " | |x [id M]\n"
               " | |TensorConstant{[4 6]} [id N]\n"
               " |TensorConstant{[ 2 12]} [id O]\n"
               "Shape_i{1} [id P] ''   \n"
               " |Reshape{2} [id K] ''   \n",
               "shape_before");
  check_golden(r->after, "Elemwise{Cast{int32}} [id A] ''   \n"
               " |Subtensor{int64:int64:} [id B] ''   \n"
               "   |shared_y [id C]\n"
               "   |Elemwise{mul,no_inplace} [id D] ''   \n"
               "   | |i [id E]\n"
               "   | |TensorConstant{5} [id F]\n"
               "   |Elemwise{mul,no_inplace} [id G] ''   \n"
               "     |Elemwise{add,no_inplace} [id H] ''   \n"
               "     | |i [id E]\n"
               "     | |TensorConstant{1} [id I]\n"
               "     |TensorConstant{5} [id J]\n"
               "Reshape{2} [id K] ''   \n"
               " |x [id L]\n"
               " |TensorConstant{[ 2 12]} [id M]\n"
               "TensorConstant{12} [id N]\n",
               "shape_after");
}

TEST_CASE("canonicalize: the gradient of a Reshape chain keeps its types when its shapes fold to constants", "[rewrite][canonicalize]") {
  // x -> row (1, 6) -> vector: the gradient reshapes back through Shape(row), which local_shape_to_shape_i,
  // local_shape_i_lift and constant folding turn into the constant [1 6].
  Var x = T::dvector("x");
  Var row = x.reshape({1, 6});
  CHECK(row.type().broadcastable(0));
  // Reshape's type rule sees the sizes a shape vector is known to hold, in each of the forms the shape
  // rewrites turn it into: Shape(row), MakeVector(Shape_i{0}(row), ..) and Shape(row)[0] give a row.
  Var v = T::dvector("v");
  CHECK(ops::reshape(v, ops::shape_of(row)).type().broadcastable(0));
  CHECK(ops::reshape(v, ops::make_vector({ops::shape_i(row, 0), ops::shape_i(row, 1)})).type().broadcastable(0));
  CHECK(ops::reshape(v, ops::make_vector({ops::dims::entry(ops::shape_of(row), 0), T::lscalar("n")})).type().broadcastable(0));
  CHECK(!ops::reshape(v, ops::make_vector({T::lscalar("m"), T::lscalar("n")})).type().broadcastable(0));
  Var g = T::grad(T::sum(row.reshape({6})), x);
  Function f = theano::function({x}, g, {.verify_rewrites = true});
  CHECK(values(f(f64(Dims{6}, {1, 2, 3, 4, 5, 6})).array(0)) == std::vector<double>(6, 1.0));
  Var m = T::dmatrix("m");
  Var g2 = T::grad(T::sum(m.reshape({1, 6}).reshape({6}) * T::arange(6)), m);
  Function f2 = theano::function({m}, g2, {.verify_rewrites = true});
  CHECK(values(f2(f64(Dims{2, 3}, {1, 2, 3, 4, 5, 6})).array(0)) == std::vector<double>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("canonicalize keeps a cast whose result is also read whole and shapes of symbolic reshapes", "[rewrite][canonicalize]") {
  SharedVariable shared_y = theano::shared(NDArray::zeros(DType::Float32, {50}), "shared_y");
  Var i = T::lscalar("i"), n = T::lscalar("n");
  Var cy = T::cast(shared_y, "int32");
  Var x = T::dvector("x");
  R::LocalPhase p = phase_of({&RW::local_reshape_chain, &RW::local_shape_i_of_reshape, &RW::local_subtensor_lift});
  auto r = rewritten({i, n, x}, {cy[T::slice(i, i + 5)] + T::sum(cy), x.reshape({n, 3}).shape()[0], x.reshape({4, -1}).shape()[1]}, p);
  CHECK(r->after == r->before);
}

namespace {
// An op without a shape rule: a copy of its input.
class NoShapeRule : public OpOf<NoShapeRule> {
 public:
  std::vector<TensorType> make_types(Vars in) const override { return {in[0].type()}; }
  void perform(InArrays in, OutArrays out) const override { *out[0] = in[0]->copy(); }
};
R::LocalPhase shape_phase() {
  return phase_of({&R::constant_folding, &RW::local_shape_subtensor, &RW::local_shape_to_shape_i, &RW::local_shape_i_lift});
}
}  // namespace

TEST_CASE("canonicalize: shapes are lifted through the ops' shape rules down to the inputs", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x"), W = T::dmatrix("W"), b = T::dvector("b");
  Var y = T::tanh(T::dot(x, W) + b);
  // y.shape[0]; Shape(y)[1] as a Subtensor (what indexing a Shape builds outside the frontend); Shape(exp(x)).
  Var y_cols = ops::subtensor(ops::shape_of(y), {ops::IndexEntry{}}, {ops::dims::constant(1)});
  auto r = rewritten({x, W, b}, {y.shape()[0], y_cols, T::shape(T::exp(x))}, shape_phase());
  check_golden(r->before, "Shape_i{0} [id A] ''   \n"
               " |Elemwise{tanh,no_inplace} [id B] ''   \n"
               "   |Elemwise{add,no_inplace} [id C] ''   \n"
               "     |dot [id D] ''   \n"
               "     | |x [id E]\n"
               "     | |W [id F]\n"
               "     |DimShuffle{x,0} [id G] ''   \n"
               "       |b [id H]\n"
               "Subtensor{int64} [id I] ''   \n"
               " |Shape [id J] ''   \n"
               " | |Elemwise{tanh,no_inplace} [id B] ''   \n"
               " |TensorConstant{1} [id K]\n"
               "Shape [id L] ''   \n"
               " |Elemwise{exp,no_inplace} [id M] ''   \n"
               "   |x [id E]\n",
               "shape_lift_before");
  check_golden(r->after, "Shape_i{0} [id A] ''   \n"
               " |x [id B]\n"
               "Elemwise{switch,no_inplace} [id C] ''   \n"
               " |Elemwise{Cast{int64}} [id D] ''   \n"
               " | |Elemwise{eq,no_inplace} [id E] ''   \n"
               " |   |Shape_i{1} [id F] ''   \n"
               " |   | |W [id G]\n"
               " |   |TensorConstant{1} [id H]\n"
               " |Shape_i{0} [id I] ''   \n"
               " | |b [id J]\n"
               " |Shape_i{1} [id F] ''   \n"
               "MakeVector{dtype='int64'} [id K] ''   \n"
               " |Shape_i{0} [id L] ''   \n"
               " | |x [id B]\n"
               " |Shape_i{1} [id M] ''   \n"
               "   |x [id B]\n",
               "shape_lift_after");
  // Compiled, y.shape[0] reads x's size and nothing else: no dot, no tanh.
  Function f = theano::function({x, W, b}, y.shape()[0], {.on_unused_input = "ignore"});
  CHECK(op_strs(f) == std::vector<std::string>{"Shape_i{0}"});
  CHECK(f(f64(Dims{3, 2}, {1, 2, 3, 4, 5, 6}), f64(Dims{2, 5}, std::vector<double>(10, 1.0)), f64(Dims{5}, {1, 2, 3, 4, 5})).scalar() == 3);
  // Shape(y): the broadcast of dot's columns with b's length, still without the dot.
  Function g = theano::function({x, W, b}, T::shape(y), {.on_unused_input = "ignore"});
  CHECK(count_op(g, "dot") == 0);
  CHECK(count_op(g, "Elemwise{tanh,no_inplace}") == 0);
  CHECK(values(g(f64(Dims{3, 2}, {1, 2, 3, 4, 5, 6}), f64(Dims{2, 5}, std::vector<double>(10, 1.0)), f64(Dims{5}, {1, 2, 3, 4, 5})).array(0)) ==
        std::vector<double>{3, 5});
  // Excluded by name, the dot runs again.
  CHECK(count_op(theano::function({x, W, b}, y.shape()[0], {.on_unused_input = "ignore", .optimizer_excluding = {"local_shape_i_lift"}}),
                 "dot") == 1);
}

TEST_CASE("canonicalize: the sizes of a conv and a pool of a constant reshape fold to numbers", "[rewrite][canonicalize]") {
  // LeNet's first layer on a 13 x 11 image: half padding, stride (2, 1), a 3x2 pool that does not tile.
  Var v = T::dvector("v");
  auto layer = [&](const Var& filters) {
    Var conv = T::nnet::conv2d(v.reshape({2, 1, 13, 11}), filters, {.border_mode = "half", .subsample = {2, 1}});
    return ops::pool_2d(conv, {.ws_h = 3, .ws_w = 2, .stride_h = 2, .stride_w = 2, .ignore_border = false});
  };
  Var constant_filters = T::constant(NDArray::zeros(DType::Float64, {4, 1, 3, 3}), "w");
  auto r = rewritten({v}, {T::shape(layer(constant_filters))}, shape_phase());
  check_golden(r->after, "TensorConstant{[2 4 3 6]} [id A]\n",
               "shape_lift_conv_pool_after");
  Function f = theano::function({v}, T::shape(layer(constant_filters)), {.on_unused_input = "ignore"});
  CHECK(f.n_nodes() == 0);
  NDArray image = NDArray::zeros(DType::Float64, {286});
  NDArray want = theano::function({v}, layer(constant_filters), {.mode = "FAST_COMPILE"})(image).array(0);
  CHECK(values(f(image).array(0)) == std::vector<double>{double(want.shape(0)), double(want.shape(1)), double(want.shape(2)), double(want.shape(3))});
  // Symbolic filters: the sizes are expressions of the filters' sizes, and still no conv or pool runs.
  Var w = T::tensor(DType::Float64, {false, false, false, false}, "w");
  Function g = theano::function({v, w}, T::shape(layer(w)), {.on_unused_input = "ignore"});
  for (const std::string& op : op_strs(g)) CHECK_THAT(op, !Catch::Contains("Conv") && !Catch::Contains("Pool"));
  NDArray filters = NDArray::zeros(DType::Float64, {4, 1, 5, 3});
  NDArray want_w = theano::function({v, w}, layer(w), {.mode = "FAST_COMPILE"})(image, filters).array(0);
  CHECK(values(g(image, filters).array(0)) ==
        std::vector<double>{double(want_w.shape(0)), double(want_w.shape(1)), double(want_w.shape(2)), double(want_w.shape(3))});
}

TEST_CASE("canonicalize leaves shapes of inputs and of ops without a rule and of symbolic slices alone", "[rewrite][canonicalize]") {
  Var x = T::dmatrix("x"), i = T::lscalar("i");
  Var opaque = make_apply1(std::make_shared<NoShapeRule>(), {T::exp(x)});
  auto r = rewritten({x, i}, {x.shape()[1], opaque.shape()[0], T::shape(opaque), T::exp(x)[T::slice(i, i + 2)].shape()[0]}, shape_phase());
  CHECK(r->after == r->before);
  // The op without a rule runs for its shape.
  Function f = theano::function({x}, opaque.shape()[0]);
  CHECK(count_op(f, "NoShapeRule") == 1);
}

// ---- stabilize ----

TEST_CASE("stabilize: log(1+x) and log(sigmoid(x)) and log(softmax(x))", "[rewrite][stabilize]") {
  Var x = T::dmatrix("x");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_log1p, &RW::local_log_sigmoid, &RW::local_log_softmax});
  auto r = rewritten({x}, {T::log(1.0 + x), T::log(T::nnet::sigmoid(x)), T::log(T::nnet::softmax(x))}, p);
  check_golden(r->before, "Elemwise{log,no_inplace} [id A] ''   \n"
               " |Elemwise{add,no_inplace} [id B] ''   \n"
               "   |DimShuffle{x,x} [id C] ''   \n"
               "   | |TensorConstant{1.0} [id D]\n"
               "   |x [id E]\n"
               "Elemwise{log,no_inplace} [id F] ''   \n"
               " |Elemwise{sigmoid,no_inplace} [id G] ''   \n"
               "   |x [id E]\n"
               "Elemwise{log,no_inplace} [id H] ''   \n"
               " |Softmax [id I] ''   \n"
               "   |x [id E]\n",
               "stabilize_before");
  check_golden(r->after, "Elemwise{log1p,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               "Elemwise{neg,no_inplace} [id C] ''   \n"
               " |Elemwise{softplus,no_inplace} [id D] ''   \n"
               "   |Elemwise{neg,no_inplace} [id E] ''   \n"
               "     |x [id B]\n"
               "LogSoftmax [id F] ''   \n"
               " |x [id B]\n",
               "stabilize_after");
  // Stable where the original overflows.
  Function f = theano::function({x}, {T::log(1.0 + x), T::log(T::nnet::sigmoid(x)), T::log(T::nnet::softmax(x))});
  Result out = f(f64(Dims{1, 2}, {1e-20, -800}));
  CHECK(out.array(0).item(0) == 1e-20);
  CHECK(out.array(1).item(1) == -800);
  CHECK(out.array(2).item(1) == Approx(-800));
  Function plain = theano::function({x}, {T::log(1.0 + x), T::log(T::nnet::sigmoid(x))}, {.mode = "FAST_COMPILE"});
  CHECK(plain(f64(Dims{1, 2}, {1e-20, -800})).array(0).item(0) == 0);
}

TEST_CASE("stabilize leaves log(2+x) and log(exp(x)) and log(softmax(x)) indexed by rows and y with other rows alone",
          "[rewrite][stabilize]") {
  Var x = T::dmatrix("x");
  Var y = T::lvector("y"), z = T::lvector("z");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_log1p, &RW::local_log_sigmoid, &RW::local_crossentropy_onehot,
                              &RW::local_log_of_crossentropy_onehot, &RW::local_crossentropy_onehot_grad});
  Var sm = T::nnet::softmax(x);
  auto r = rewritten({x, y, z},
                     {T::log(2.0 + x), T::log(T::exp(x)), T::log(sm)[{T::arange(z.shape()[0]), y}], T::log(sm[{T::arange(3), y}])}, p);
  // Only the literal 2.0's DimShuffle was folded.
  CHECK(r->ctx.applied.size() == 1);
  CHECK(r->ctx.applied["constant_folding"] >= 1);
}

namespace {
// examples/logistic_sgd.hpp's cost and gradients, with small shapes and float32 spelled out.
struct Logistic {
  SharedVariable W = theano::shared(NDArray::zeros(DType::Float32, {4, 3}), "W", true);
  SharedVariable b = theano::shared(NDArray::zeros(DType::Float32, {3}), "b", true);
  Var x = T::fmatrix("x");
  Var y = T::ivector("y");
  Var p_y_given_x = T::nnet::softmax(T::dot(x, W) + b);
  Var cost = -T::mean(T::log(p_y_given_x)[{T::arange(y.shape()[0]), y}]);
  Var g_W = T::grad(cost, W);
  Var g_b = T::grad(cost, b);
};
}  // namespace

TEST_CASE("stabilize: the tutorials' cost becomes CrossentropySoftmaxArgmax1HotWithBias and its gradient CrossentropySoftmax1HotWithBiasDx",
          "[rewrite][stabilize]") {
  Logistic m;
  R::LocalPhase p("stabilize");
  p.add(RW::local_log_softmax).add(RW::local_crossentropy_onehot).add(RW::local_crossentropy_onehot_grad);
  auto r = rewritten({m.x, m.y}, {m.cost, m.g_W}, p);
  check_golden(r->before, "Elemwise{neg,no_inplace} [id A] ''   \n"
               " |Elemwise{true_div,no_inplace} [id B] ''   \n"
               "   |Sum{axis=[0], acc_dtype=float64} [id C] ''   \n"
               "   | |AdvancedSubtensor [id D] ''   \n"
               "   |   |Elemwise{log,no_inplace} [id E] ''   \n"
               "   |   | |Softmax [id F] ''   \n"
               "   |   |   |Elemwise{add,no_inplace} [id G] ''   \n"
               "   |   |     |dot [id H] ''   \n"
               "   |   |     | |x [id I]\n"
               "   |   |     | |W [id J]\n"
               "   |   |     |DimShuffle{x,0} [id K] ''   \n"
               "   |   |       |b [id L]\n"
               "   |   |ARange{dtype='int64'} [id M] ''   \n"
               "   |   | |TensorConstant{0} [id N]\n"
               "   |   | |Shape_i{0} [id O] ''   \n"
               "   |   | | |y [id P]\n"
               "   |   | |TensorConstant{1} [id Q]\n"
               "   |   |y [id P]\n"
               "   |Elemwise{Cast{float32}} [id R] ''   \n"
               "     |Shape_i{0} [id S] ''   \n"
               "       |AdvancedSubtensor [id D] ''   \n"
               "dot [id T] ''   \n"
               " |DimShuffle{1,0} [id U] ''   \n"
               " | |x [id I]\n"
               " |Elemwise{mul,no_inplace} [id V] ''   \n"
               "   |Elemwise{sub,no_inplace} [id W] ''   \n"
               "   | |Elemwise{true_div,no_inplace} [id X] ''   \n"
               "   | | |AdvancedIncSubtensor [id Y] ''   \n"
               "   | | | |Elemwise{second,no_inplace} [id Z] ''   \n"
               "   | | | | |Elemwise{log,no_inplace} [id E] ''   \n"
               "   | | | | |DimShuffle{x,x} [id BA] ''   \n"
               "   | | | |   |TensorConstant{0.0} [id BB]\n"
               "   | | | |Elemwise{second,no_inplace} [id BC] ''   \n"
               "   | | | | |AdvancedSubtensor [id D] ''   \n"
               "   | | | | |DimShuffle{x} [id BD] ''   \n"
               "   | | | |   |Elemwise{true_div,no_inplace} [id BE] ''   \n"
               "   | | | |     |Elemwise{neg,no_inplace} [id BF] ''   \n"
               "   | | | |     | |TensorConstant{1.0} [id BG]\n"
               "   | | | |     |Elemwise{Cast{float32}} [id R] ''   \n"
               "   | | | |ARange{dtype='int64'} [id M] ''   \n"
               "   | | | |y [id P]\n"
               "   | | |Softmax [id F] ''   \n"
               "   | |DimShuffle{0,x} [id BH] ''   \n"
               "   |   |Sum{axis=[1], acc_dtype=float64} [id BI] ''   \n"
               "   |     |Elemwise{mul,no_inplace} [id BJ] ''   \n"
               "   |       |Elemwise{true_div,no_inplace} [id X] ''   \n"
               "   |       |Softmax [id F] ''   \n"
               "   |Softmax [id F] ''   \n",
               "crossentropy_before");
  check_golden(r->after, "Elemwise{neg,no_inplace} [id A] ''   \n"
               " |Elemwise{true_div,no_inplace} [id B] ''   \n"
               "   |Sum{axis=[0], acc_dtype=float64} [id C] ''   \n"
               "   | |Elemwise{neg,no_inplace} [id D] ''   \n"
               "   |   |CrossentropySoftmaxArgmax1HotWithBias.0 [id E] ''   \n"
               "   |     |dot [id F] ''   \n"
               "   |     | |x [id G]\n"
               "   |     | |W [id H]\n"
               "   |     |b [id I]\n"
               "   |     |y [id J]\n"
               "   |Elemwise{Cast{float32}} [id K] ''   \n"
               "     |Shape_i{0} [id L] ''   \n"
               "       |Elemwise{neg,no_inplace} [id D] ''   \n"
               "dot [id M] ''   \n"
               " |DimShuffle{1,0} [id N] ''   \n"
               " | |x [id G]\n"
               " |CrossentropySoftmax1HotWithBiasDx [id O] ''   \n"
               "   |Elemwise{neg,no_inplace} [id P] ''   \n"
               "   | |Elemwise{second,no_inplace} [id Q] ''   \n"
               "   |   |Elemwise{neg,no_inplace} [id D] ''   \n"
               "   |   |DimShuffle{x} [id R] ''   \n"
               "   |     |Elemwise{true_div,no_inplace} [id S] ''   \n"
               "   |       |Elemwise{neg,no_inplace} [id T] ''   \n"
               "   |       | |TensorConstant{1.0} [id U]\n"
               "   |       |Elemwise{Cast{float32}} [id K] ''   \n"
               "   |CrossentropySoftmaxArgmax1HotWithBias.1 [id V] ''   \n"
               "   | |dot [id F] ''   \n"
               "   | |b [id I]\n"
               "   | |y [id J]\n"
               "   |y [id J]\n",
               "crossentropy_after");
  CHECK(r->ctx.applied["local_advanced_indexing_crossentropy_onehot"] == 1);
  CHECK(r->ctx.applied["local_advanced_indexing_crossentropy_onehot_grad"] == 1);
}

// ---- specialize ----

TEST_CASE("specialize: the SGD step W - lr * a.T.dot(g) becomes Gemm", "[rewrite][specialize]") {
  SharedVariable W = theano::shared(NDArray::zeros(DType::Float64, {3, 2}), "W");
  Var a = T::dmatrix("a"), g = T::dmatrix("g"), lr = T::dscalar("lr");
  R::LocalPhase p = phase_of({&R::constant_folding, &RW::local_gemm});
  auto r = rewritten({a, g, lr}, {W - 0.1 * T::dot(a.T(), g), W + lr * T::dot(a.T(), g), W - T::dot(a.T(), g)}, p);
  check_golden(r->before, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |W [id B]\n"
               " |Elemwise{mul,no_inplace} [id C] ''   \n"
               "   |DimShuffle{x,x} [id D] ''   \n"
               "   | |TensorConstant{0.10000000149011612} [id E]\n"
               "   |dot [id F] ''   \n"
               "     |DimShuffle{1,0} [id G] ''   \n"
               "     | |a [id H]\n"
               "     |g [id I]\n"
               "Elemwise{add,no_inplace} [id J] ''   \n"
               " |W [id B]\n"
               " |Elemwise{mul,no_inplace} [id K] ''   \n"
               "   |DimShuffle{x,x} [id L] ''   \n"
               "   | |lr [id M]\n"
               "   |dot [id N] ''   \n"
               "     |DimShuffle{1,0} [id O] ''   \n"
               "     | |a [id H]\n"
               "     |g [id I]\n"
               "Elemwise{sub,no_inplace} [id P] ''   \n"
               " |W [id B]\n"
               " |dot [id Q] ''   \n"
               "   |DimShuffle{1,0} [id R] ''   \n"
               "   | |a [id H]\n"
               "   |g [id I]\n",
               "gemm_before");
  check_golden(r->after, "Gemm{no_inplace} [id A] ''   \n"
               " |W [id B]\n"
               " |TensorConstant{-0.10000000149011612} [id C]\n"
               " |DimShuffle{1,0} [id D] ''   \n"
               " | |a [id E]\n"
               " |g [id F]\n"
               " |TensorConstant{1.0} [id G]\n"
               "Gemm{no_inplace} [id H] ''   \n"
               " |W [id B]\n"
               " |lr [id I]\n"
               " |DimShuffle{1,0} [id J] ''   \n"
               " | |a [id E]\n"
               " |g [id F]\n"
               " |TensorConstant{1.0} [id K]\n"
               "Gemm{no_inplace} [id L] ''   \n"
               " |W [id B]\n"
               " |TensorConstant{-1.0} [id M]\n"
               " |DimShuffle{1,0} [id N] ''   \n"
               " | |a [id E]\n"
               " |g [id F]\n"
               " |TensorConstant{1.0} [id O]\n",
               "gemm_after");
  CHECK(r->ctx.applied["local_gemm"] == 3);
}

TEST_CASE("specialize: a.dot(g) + b with a bias row or column becomes Gemm with the bias as Z", "[rewrite][specialize]") {
  Var a = T::dmatrix("a"), g = T::dmatrix("g");
  Var row = T::tensor(DType::Float64, {true, false}, "row"), col = T::tensor(DType::Float64, {false, true}, "col");
  R::LocalPhase p = phase_of({&RW::local_gemm});
  auto r = rewritten({a, g, row, col}, {T::dot(a, g) + row, col - T::dot(a, g), T::sum(T::dot(a, g) + row)}, p);
  check_golden(r->after, "Gemm{no_inplace} [id A] ''   \n"
               " |row [id B]\n"
               " |TensorConstant{1.0} [id C]\n"
               " |a [id D]\n"
               " |g [id E]\n"
               " |TensorConstant{1.0} [id F]\n"
               "Gemm{no_inplace} [id G] ''   \n"
               " |col [id H]\n"
               " |TensorConstant{-1.0} [id I]\n"
               " |a [id D]\n"
               " |g [id E]\n"
               " |TensorConstant{1.0} [id J]\n"
               "Sum{axis=[0, 1], acc_dtype=float64} [id K] ''   \n"
               " |Gemm{no_inplace} [id L] ''   \n"
               "   |row [id B]\n"
               "   |TensorConstant{1.0} [id M]\n"
               "   |a [id D]\n"
               "   |g [id E]\n"
               "   |TensorConstant{1.0} [id N]\n",
               "gemm_bias_after");
  CHECK(r->ctx.applied["local_gemm"] == 3);

  // Gemm broadcasts the bias itself: the same values as the dot and the add, on odd shapes.
  numpy::RandomState rng(7);
  std::vector<NDArray> args{random(rng, DType::Float64, {5, 3}, -1, 1), random(rng, DType::Float64, {3, 7}, -1, 1),
                            random(rng, DType::Float64, {1, 7}, -1, 1), random(rng, DType::Float64, {5, 1}, -1, 1)};
  std::vector<Arg> call(args.begin(), args.end());
  for (const Var& out : {T::dot(a, g) + row, col - T::dot(a, g)}) {
    Function with = theano::function({a, g, row, col}, out, {.on_unused_input = "ignore"});
    Function without = theano::function({a, g, row, col}, out, {.on_unused_input = "ignore", .optimizer_excluding = {"local_gemm"}});
    REQUIRE(count_op(with, "Gemm{no_inplace}") == 1);
    REQUIRE(count_op(without, "Gemm{no_inplace}") == 0);
    check_close(with.call(call).array(0), values(without.call(call).array(0)), 1e-14, 1e-14);
  }
}

TEST_CASE("specialize leaves alone a dot that is read twice and a bias add that an elementwise op or a softmax reads",
          "[rewrite][specialize]") {
  // Fusion folds the bias add into tanh's loop for free, and the tutorials' softmax(dot + b) keeps its
  // add (its cost becomes CrossentropySoftmaxArgmax1HotWithBias(dot, b, y) in stabilize).
  SharedVariable W = theano::shared(NDArray::zeros(DType::Float64, {3, 2}), "W");
  Var a = T::dmatrix("a"), g = T::dmatrix("g"), row = T::tensor(DType::Float64, {true, false}, "row");
  Var d = T::dot(a.T(), g);
  R::LocalPhase p = phase_of({&RW::local_gemm});
  auto r = rewritten({a, g, row}, {W - 0.1 * d, T::sum(d), T::tanh(T::dot(a, g) + row), T::nnet::softmax(T::dot(a, g) + row)}, p);
  CHECK(r->after == r->before);
}

TEST_CASE("specialize: x**2 -> sqr(x) and x**1 -> x and x**0.5 -> sqrt(x)", "[rewrite][specialize]") {
  Var x = T::dmatrix("x");
  auto r = rewritten({x}, {T::pow(x, 2.0), T::pow(x, 1.0) + x, T::pow(x, 0.5)}, phase_of({&RW::local_pow_specialize}));
  check_golden(r->before, "Elemwise{pow,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,x} [id C] ''   \n"
               "   |TensorConstant{2.0} [id D]\n"
               "Elemwise{add,no_inplace} [id E] ''   \n"
               " |Elemwise{pow,no_inplace} [id F] ''   \n"
               " | |x [id B]\n"
               " | |DimShuffle{x,x} [id G] ''   \n"
               " |   |TensorConstant{1.0} [id H]\n"
               " |x [id B]\n"
               "Elemwise{pow,no_inplace} [id I] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,x} [id J] ''   \n"
               "   |TensorConstant{0.5} [id K]\n",
               "pow_before");
  check_golden(r->after, "Elemwise{sqr,no_inplace} [id A] ''   \n"
               " |x [id B]\n"
               "Elemwise{add,no_inplace} [id C] ''   \n"
               " |x [id B]\n"
               " |x [id B]\n"
               "Elemwise{sqrt,no_inplace} [id D] ''   \n"
               " |x [id B]\n",
               "pow_after");
  CHECK(r->ctx.applied["local_pow_specialize"] == 3);
  Function f = theano::function({x}, {T::pow(x, 2.0), T::pow(x, 0.5)});
  CHECK(count_op(f, "Elemwise{pow,no_inplace}") == 0);
  Result out = f(f64(Dims{1, 2}, {9, 0.25}));
  CHECK(values(out.array(0)) == std::vector<double>{81, 0.0625});
  CHECK(values(out.array(1)) == std::vector<double>{3, 0.5});
}

TEST_CASE("specialize leaves alone x**3 and x**y and an exponent of several elements and one that broadcasts x",
          "[rewrite][specialize]") {
  Var x = T::dmatrix("x"), y = T::dmatrix("y"), row = T::tensor(DType::Float64, {true, false}, "row");
  Var twos = T::constant(f64(Dims{2}, {2, 2}));
  Var col_of_twos = T::constant(f64(Dims{3, 1}, {2, 2, 2}));
  auto r = rewritten({x, y, row}, {T::pow(x, 3.0), T::pow(x, y), T::pow(x, twos), T::pow(row, col_of_twos)},
                     phase_of({&RW::local_pow_specialize}));
  CHECK(r->after == r->before);
}

// ---- elementwise fusion ----

TEST_CASE("fusion: an elementwise chain becomes one Composite", "[rewrite][fusion]") {
  Var x = T::dmatrix("x"), b = T::dvector("b");
  auto r = rewritten({x, b}, {T::tanh(x + b) * 2.0 - x}, RW::ElemwiseFusion());
  check_golden(r->before, "Elemwise{sub,no_inplace} [id A] ''   \n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n"
               " | |Elemwise{tanh,no_inplace} [id C] ''   \n"
               " | | |Elemwise{add,no_inplace} [id D] ''   \n"
               " | |   |x [id E]\n"
               " | |   |DimShuffle{x,0} [id F] ''   \n"
               " | |     |b [id G]\n"
               " | |DimShuffle{x,x} [id H] ''   \n"
               " |   |TensorConstant{2.0} [id I]\n"
               " |x [id E]\n",
               "fusion_before");
  check_golden(r->after, "Elemwise{Composite{((tanh((i0 + i1)) * i2) - i0)}} [id A] ''   \n"
               " |x [id B]\n"
               " |DimShuffle{x,0} [id C] ''   \n"
               " | |b [id D]\n"
               " |DimShuffle{x,x} [id E] ''   \n"
               "   |TensorConstant{2.0} [id F]\n",
               "fusion_after");
}

TEST_CASE("fusion leaves outside a result read by two applies and a different broadcast pattern", "[rewrite][fusion]") {
  Var x = T::dmatrix("x"), row = T::tensor(DType::Float64, {true, false}, "row");
  Var t = T::tanh(x);
  auto r = rewritten({x, row}, {t * x + t, T::exp(row) * x}, RW::ElemwiseFusion());
  check_golden(r->after,
               "Elemwise{Composite{((i0 * i1) + i0)}} [id A] ''   \n"
               " |Elemwise{tanh,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " |x [id C]\n"
               "Elemwise{mul,no_inplace} [id D] ''   \n"
               " |Elemwise{exp,no_inplace} [id E] ''   \n"
               " | |row [id F]\n"
               " |x [id C]\n",
               "fusion_negative_after");
}

TEST_CASE("fusion: a Composite computes what the chain computes bit for bit on broadcast and strided inputs", "[rewrite][fusion]") {
  theano::numpy::RandomState rng(42);
  for (DType dt : {DType::Float32, DType::Float64}) {
    // 7 x 300: chunks of 512 cross rows; a row, a column, a scalar and a transposed view as inputs.
    Var x = T::tensor(dt, {false, false}, "x"), xt = T::tensor(dt, {false, false}, "xt");
    Var row = T::tensor(dt, {true, false}, "row"), col = T::tensor(dt, {false, true}, "col"), s = T::tensor(dt, {}, "s");
    Var out = T::tanh(x * row + col) * T::exp(s - xt.T()) / (T::sqr(x) + 1.0) - T::maximum(x, col);
    Function fused = theano::function({x, xt, row, col, s}, out);
    Function plain = theano::function({x, xt, row, col, s}, out, {.mode = "FAST_COMPILE"});
    REQUIRE(count_op(fused, "Elemwise{Composite{(((tanh(((i0 * i1) + i2)) * exp((i3 - i4))) / (sqr(i0) + i5)) - maximum(i0, i2))}}") == 1);
    REQUIRE(fused.n_nodes() == 3);  // the transpose, the constant's DimShuffle folded, the Composite
    std::vector<NDArray> args{random(rng, dt, Dims{7, 300}, -2, 2), random(rng, dt, Dims{300, 7}, -2, 2), random(rng, dt, Dims{1, 300}, -2, 2),
                              random(rng, dt, Dims{7, 1}, -2, 2), random(rng, dt, Dims{}, -1, 1)};
    std::vector<Arg> a(args.begin(), args.end());
    NDArray got = fused.call(a).array(0), want = plain.call(a).array(0);
    REQUIRE(got.shape() == want.shape());
    CHECK(std::memcmp(got.raw(), want.raw(), got.nbytes()) == 0);
    // 4-d: a per-channel bias and a (3, 1, 7, 1) input (their gathers merge broadcast dims), a
    // permuted view; 3*5*7*11 elements end inside a chunk.
    Var t = T::tensor(dt, {false, false, false, false}, "t"), u = T::tensor(dt, {false, false, false, false}, "u");
    Var bias = T::tensor(dt, {false}, "bias"), p = T::tensor(dt, {false, true, false, true}, "p");
    Var out4 = T::tanh(t + bias.dimshuffle({'x', 0, 'x', 'x'})) * p - u.dimshuffle({3, 2, 1, 0});
    Function fused4 = theano::function({t, u, bias, p}, out4);
    Function plain4 = theano::function({t, u, bias, p}, out4, {.mode = "FAST_COMPILE"});
    REQUIRE(count_op(fused4, "Elemwise{Composite{((tanh((i0 + i1)) * i2) - i3)}}") == 1);
    std::vector<NDArray> args4{random(rng, dt, Dims{3, 5, 7, 11}, -2, 2), random(rng, dt, Dims{11, 7, 5, 3}, -2, 2),
                               random(rng, dt, Dims{5}, -2, 2), random(rng, dt, Dims{3, 1, 7, 1}, -2, 2)};
    std::vector<Arg> a4(args4.begin(), args4.end());
    NDArray got4 = fused4.call(a4).array(0), want4 = plain4.call(a4).array(0);
    REQUIRE(got4.shape() == want4.shape());
    CHECK(std::memcmp(got4.raw(), want4.raw(), got4.nbytes()) == 0);
  }
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
