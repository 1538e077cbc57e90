// The graph IR: toposort, FunctionGraph (clone with givens, replace, clients), and a 200,000-node
// chain that must build, differentiate, compile, run and be destroyed without deep recursion.
#include <chrono>
#include <set>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {
std::vector<std::string> op_strs(const std::vector<Apply*>& order) {
  std::vector<std::string> s;
  for (Apply* a : order) s.push_back(a->op->str());
  return s;
}
// d = (a * exp(a)) - x with a = x + y: a diamond (a has two clients) and a reused input.
struct Diamond {
  Var x = T::dvector("x"), y = T::dvector("y");
  Var a = x + y;
  Var e = T::exp(a);
  Var c = a * e;
  Var d = c - x;
};
bool before(const std::vector<Apply*>& order, Apply* p, Apply* q) {
  return std::find(order.begin(), order.end(), p) < std::find(order.begin(), order.end(), q);
}
}  // namespace

TEST_CASE("toposort: inputs before users - each apply once - deterministic", "[graph]") {
  Diamond g;
  std::vector<Apply*> order = toposort({g.d});
  REQUIRE(order.size() == 4);
  CHECK(op_strs(order) == std::vector<std::string>{"Elemwise{add,no_inplace}", "Elemwise{exp,no_inplace}",
                                                   "Elemwise{mul,no_inplace}", "Elemwise{sub,no_inplace}"});
  for (Apply* a : order)
    for (const Var& in : a->inputs)
      if (in.owner()) CHECK(before(order, in.owner(), a));
  CHECK(std::set<Apply*>(order.begin(), order.end()).size() == order.size());
  CHECK(toposort({g.d}) == order);
  // Several outputs, given in any order, still list every apply once.
  std::vector<Apply*> both = toposort({g.e, g.d, g.a});
  CHECK(both.size() == 4);
  CHECK(op_strs(both) == op_strs(order));
  // An identical graph built again has the same order of ops.
  Diamond h;
  CHECK(op_strs(toposort({h.d})) == op_strs(order));
  // Leaves in first-visit order; a leaf output has no apply.
  std::vector<Variable> leaves = graph_leaves({g.d});
  REQUIRE(leaves.size() == 2);
  CHECK(leaves[0] == g.x);
  CHECK(leaves[1] == g.y);
  CHECK(toposort({g.x}).empty());
}

TEST_CASE("FunctionGraph clones with givens and leaves the user's graph untouched", "[graph]") {
  Diamond g;
  std::vector<Apply*> original = toposort({g.d});
  std::vector<std::vector<Variable>> original_inputs;
  for (Apply* a : original) original_inputs.push_back(a->inputs);
  Var z = T::dvector("z");
  FunctionGraph fg({g.y, z}, {g.d}, {{g.x, z * 2.0}});
  REQUIRE(fg.outputs().size() == 1);
  CHECK_FALSE(fg.outputs()[0] == g.d);
  std::vector<Apply*> cloned = fg.toposort();
  for (Apply* a : cloned) CHECK(std::find(original.begin(), original.end(), a) == original.end());
  std::vector<Variable> leaves = graph_leaves(fg.outputs());
  std::set<VarNode*> leaf_nodes;
  for (const Variable& v : leaves) leaf_nodes.insert(v.node());
  CHECK(leaf_nodes.count(g.y.node()));
  CHECK(leaf_nodes.count(z.node()));
  CHECK_FALSE(leaf_nodes.count(g.x.node()));
  CHECK(toposort({g.d}) == original);
  for (size_t i = 0; i < original.size(); ++i) CHECK(original[i]->inputs == original_inputs[i]);
  // The same substitution through theano.function computes d(x = 2z, y).
  Function f = theano::function({g.y, z}, g.d, {.givens = {{g.x, z * 2.0}}});
  NDArray got = f(f64(Dims{2}, {0.5, -1}), f64(Dims{2}, {0.25, 1}));
  std::vector<double> want;
  for (auto [y, zz] : {std::pair{0.5, 0.25}, {-1.0, 1.0}}) {
    double a = 2 * zz + y;
    want.push_back(a * std::exp(a) - 2 * zz);
  }
  check_close(got, want, 1e-15);
  // An intermediate result can be replaced too: d = a * exp(a) - x with a := z.
  Function fi = theano::function({g.x, z}, g.d, {.givens = {{g.a, z}}});
  check_close(fi(f64(Dims{1}, {0.5}), f64(Dims{1}, {2})), std::vector<double>{2 * std::exp(2.0) - 0.5}, 1e-15);
  // Replacements must not depend on the variables they replace.
  CHECK_THROWS_WITH(FunctionGraph({g.y}, {g.d}, {{g.x, g.a * 1.0}}), Catch::Contains("depends on another replaced variable"));
}

TEST_CASE("FunctionGraph clients and replace", "[graph]") {
  Diamond g;
  FunctionGraph fg({g.x, g.y}, {g.d});
  std::vector<Apply*> order = fg.toposort();
  REQUIRE(order.size() == 4);
  Apply *add = order[0], *ex = order[1], *mul = order[2], *sub = order[3];
  Var a = output_of(apply_ptr(add), 0);
  // a feeds exp (input 0) and mul (input 0); x feeds add and sub; the output is a client (nullptr).
  CHECK(fg.clients(a) == std::vector<std::pair<Apply*, int>>{{ex, 0}, {mul, 0}});
  CHECK(fg.clients(g.x) == std::vector<std::pair<Apply*, int>>{{add, 0}, {sub, 1}});
  Var out = fg.outputs()[0];
  CHECK(fg.clients(out) == std::vector<std::pair<Apply*, int>>{{nullptr, 0}});
  // Replace a = x + y by x * y inside the function graph only.
  Var prod = g.x * g.y;
  fg.replace(a, prod);
  CHECK(fg.clients(a).empty());
  CHECK(fg.clients(prod).size() == 2);
  CHECK(g.e.owner()->inputs[0] == g.a);  // the user's graph still reads x + y
  Function f = theano::function(as_vars(fg.inputs()), as_vars(fg.outputs()));
  NDArray got = f(f64(Dims{1}, {2}), f64(Dims{1}, {3}));
  check_close(got, std::vector<double>{6 * std::exp(6.0) - 2}, 1e-15);
  CHECK_THROWS(fg.replace(prod, T::fvector()));  // types must agree
  // Replacing the output itself.
  fg.replace(out, prod);
  CHECK(fg.outputs()[0] == prod);
  // A replacement that closes a cycle is caught by the next walk.
  fg.replace(g.x, fg.outputs()[0]);
  CHECK_THROWS_AS(fg.toposort(), std::logic_error);
}

TEST_CASE("a 200000-node chain builds - differentiates - compiles - runs - is destroyed", "[graph]") {
  using clock = std::chrono::steady_clock;
  const int n = 200000;
  auto ms = [](clock::time_point t) { return std::chrono::duration<double, std::milli>(clock::now() - t).count(); };
  {
    auto t0 = clock::now();
    Var x = T::dvector("x");
    Var y = x;
    for (int i = 0; i < n; ++i) y = y + 1;
    double build_ms = ms(t0);
    CHECK(toposort({y}).size() == size_t(2 * n));  // each step: a DimShuffle of the literal and the add
    t0 = clock::now();
    Var g = T::grad(T::sum(T::sqr(y)), x);
    double grad_ms = ms(t0);
    t0 = clock::now();
    Function f = theano::function({x}, {y, g});
    double compile_ms = ms(t0);
    t0 = clock::now();
    Result r = f(f64(Dims{3}, {1, 2, 3}));
    double run_ms = ms(t0);
    // No time limit (the machine may be loaded); run with -s to see the timings.
    INFO("build " << build_ms << " ms, grad " << grad_ms << " ms, compile " << compile_ms << " ms, run " << run_ms << " ms");
    CHECK(values(r.array(0)) == std::vector<double>{n + 1.0, n + 2.0, n + 3.0});
    CHECK(values(r.array(1)) == std::vector<double>{2 * (n + 1.0), 2 * (n + 2.0), 2 * (n + 3.0)});
  }  // x, y, g and f are destroyed here: the chain is torn down iteratively
  SUCCEED("destroyed without overflowing the stack");
}
