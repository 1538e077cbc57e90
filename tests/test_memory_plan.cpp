// The memory plan (runtime/memory_plan.hpp): results that share a buffer are never live at the same
// time (checked against liveness recomputed here, on LeNet's training graph and on random graphs with
// views), sharing and in-place writes change no bit of any result, a throwing call still commits
// nothing, and LeNet's arena is smaller than the sum of its intermediate results.
#include <cstring>
#include <random>
#include <unordered_map>

#include "graph/op.hpp"
#include "lenet_fixture.hpp"
#include "runtime/function_impl.hpp"
#include "runtime/pipeline.hpp"
#include "test_util.hpp"

using namespace theano;
namespace T = theano::tensor;

namespace {

constexpr int kEnd = PlannedValue::kLiveToEnd;

bool same_bits(const NDArray& a, const NDArray& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return false;
  NDArray ca = a.copy(), cb = b.copy();
  return std::memcmp(ca.raw(), cb.raw(), ca.nbytes()) == 0;
}

// Checks f's plan against liveness recomputed from its schedule: every non-view result is planned
// once; two results of one buffer are live at disjoint steps, except a result written in place over
// an input that its step reads for the last time, which must be a legal in-place write.
void check_plan(const Function& f) {
  const Function::Impl& impl = f.impl();
  const MemoryPlan& plan = impl.memory_plan;
  std::unordered_map<VarNode*, VarNode*> base;  // result -> the result whose buffer it is (nullptr: a leaf's)
  std::unordered_map<VarNode*, int> def, last;
  for (int i = 0; i < int(impl.steps.size()); ++i) {
    const Apply* a = impl.steps[size_t(i)].apply;
    for (const Var& in : a->inputs)
      if (auto it = base.find(in.node()); it != base.end() && it->second) last[it->second] = std::max(last[it->second], i);
    for (int k = 0; k < int(a->outputs.size()); ++k) {
      VarNode* o = a->outputs[size_t(k)].get();
      if (auto j = a->op->view_of(k)) {
        auto it = base.find(a->inputs[size_t(*j)].node());
        base[o] = it == base.end() ? nullptr : it->second;
      } else {
        base[o] = o;
        def[o] = last[o] = i;
      }
    }
  }
  for (const Var& v : impl.fgraph->outputs())
    if (auto it = base.find(v.node()); it != base.end() && it->second) last[it->second] = kEnd;

  std::unordered_map<VarNode*, int> index;
  for (int v = 0; v < int(plan.values.size()); ++v) {
    VarNode* n = plan.values[size_t(v)].var;
    REQUIRE(def.count(n));  // a planned value is a non-view result of the schedule
    CHECK(index.emplace(n, v).second);
    CHECK(plan.values[size_t(v)].def == def[n]);
    CHECK(plan.values[size_t(v)].last == last[n]);
  }
  CHECK(index.size() == def.size());
  size_t members = 0;
  for (size_t g = 0; g < plan.groups.size(); ++g) {
    const std::vector<int>& group = plan.groups[g];
    members += group.size();
    for (size_t p = 0; p < group.size(); ++p) {
      REQUIRE(plan.values[size_t(group[p])].group == int(g));
      for (size_t q = p + 1; q < group.size(); ++q) {
        VarNode* a = plan.values[size_t(group[p])].var;
        const PlannedValue& b = plan.values[size_t(group[q])];
        INFO("group " << g << ": a result of step " << def[a] << " live to " << last[a] << " and one of step " << def[b.var]);
        REQUIRE(def[a] < def[b.var]);
        if (last[a] < def[b.var]) continue;
        // Only an in-place write may meet its input's last read, at its own step.
        REQUIRE(last[a] == def[b.var]);
        REQUIRE(b.inplace_of == group[p]);
        const Apply* step = impl.steps[size_t(def[b.var])].apply;
        int k = int(std::find_if(step->outputs.begin(), step->outputs.end(), [&](auto& o) { return o.get() == b.var; }) - step->outputs.begin());
        bool reads_a = false;
        for (int j = 0; j < int(step->inputs.size()); ++j) {
          VarNode* in = step->inputs[size_t(j)].node();
          if (in == a) {
            reads_a = true;
            CHECK(step->op->may_overwrite_input(k, j));
          } else {
            auto it = base.find(in);
            CHECK((it == base.end() || it->second != a));  // no view of a is read beside it
          }
        }
        CHECK(reads_a);
        CHECK(a->type.dtype == b.var->type.dtype);
        for (int d = 0; d < a->type.ndim(); ++d) CHECK(a->type.bcast[d] == b.var->type.bcast[d]);
      }
    }
  }
  CHECK(members == plan.values.size());
  // An update value's buffer goes to its shared variable at the commit: its group holds only the
  // results written in place over one another into it.
  const auto& outs = impl.fgraph->outputs();
  for (size_t u = impl.output_slots.size(); u < outs.size(); ++u) {
    auto it = index.find(outs[u].node());
    if (it == index.end()) continue;  // a view or a leaf: copied at the commit
    const std::vector<int>& group = plan.groups[size_t(plan.values[size_t(it->second)].group)];
    for (size_t p = 1; p < group.size(); ++p) CHECK(plan.values[size_t(group[p])].inplace_of == group[p - 1]);
  }
}

}  // namespace

TEST_CASE("the plan of LeNet's train and validate functions never shares a buffer between live results", "[memory]") {
  test_lenet::LeNet net(20, {4, 6}, 2, /*profile=*/true);
  check_plan(net.train_model);
  check_plan(net.validate_model);
  const MemoryPlan& plan = net.train_model.impl().memory_plan;
  CHECK(plan.groups.size() < plan.values.size());
  CHECK(plan.n_inplace() > 0);
  (void)double(net.train_model(0));
  (void)double(net.train_model(1));
  MemoryStats m = memory_stats(net.train_model);
  WARN("LeNet (batch 20, nkerns 4, 6) train_model: arena " << m.arena_bytes << " bytes in " << m.arena_buffers << " buffers; without sharing "
                                                            << m.unshared_bytes << " bytes in " << m.planned_results << " results; "
                                                            << m.inplace_nodes << " nodes in place");
  CHECK(m.unshared_bytes > 0);
  CHECK(m.arena_bytes < m.unshared_bytes);
  CHECK(m.planned_buffers == plan.groups.size());
  // The commit hands each update's buffer to its shared variable: none of the size of a larger result.
  for (const SharedVariable* p : {&net.layer0->W, &net.layer0->b, &net.layer1->W, &net.layer1->b, &net.layer2->W, &net.layer2->b,
                                  &net.layer3->W, &net.layer3->b}) {
    NDArray v = p->get_value(/*borrow=*/true);
    CHECK(v.buffer()->bytes == v.nbytes());
  }
  CHECK(profile_str(net.train_model).find("Without sharing (the sum of the") != std::string::npos);
}

TEST_CASE("LeNet5 at batch 500: its arena against the sum of its intermediate results", "[memory]") {
  test_lenet::LeNet net(500, {20, 50}, 1, /*profile=*/true);
  check_plan(net.train_model);
  for (int i = 0; i < 3; ++i) (void)double(net.train_model(0));
  MemoryStats m = memory_stats(net.train_model);
  for (const SharedVariable* p : {&net.layer0->W, &net.layer1->W, &net.layer2->W, &net.layer3->W}) {
    NDArray v = p->get_value(/*borrow=*/true);
    CHECK(v.buffer()->bytes == v.nbytes());
  }
  WARN("LeNet5 (batch 500, nkerns 20, 50) train_model: arena " << double(m.arena_bytes) / (1 << 20) << " MiB in " << m.arena_buffers
                                                               << " buffers; without sharing " << double(m.unshared_bytes) / (1 << 20) << " MiB in "
                                                               << m.planned_results << " results; " << m.inplace_nodes << " nodes in place");
  CHECK(m.arena_bytes < m.unshared_bytes);
}

TEST_CASE("optimizer_excluding=inplace and memory_plan turn off in-place writes and sharing", "[memory]") {
  auto x = T::matrix("x");
  auto e = T::tanh(T::exp(x) * 2) + 1;
  Function shared_fn = theano::function({x}, e, {.optimizer_excluding = {"elemwise_fusion"}});
  CHECK(shared_fn.impl().memory_plan.n_inplace() > 0);
  Function no_inplace = theano::function({x}, e, {.optimizer_excluding = {"elemwise_fusion", "inplace"}});
  CHECK(no_inplace.impl().memory_plan.n_inplace() == 0);
  Function no_plan = theano::function({x}, e, {.optimizer_excluding = {"elemwise_fusion", "memory_plan"}});
  const MemoryPlan& p = no_plan.impl().memory_plan;
  CHECK(p.n_inplace() == 0);
  CHECK(p.groups.size() == p.values.size());
  // The NaN guard reports a step's inputs after it ran: nothing is overwritten under it.
  Function guarded = theano::function({x}, e, {.nan_guard = true});
  CHECK(guarded.impl().memory_plan.n_inplace() == 0);
  check_plan(shared_fn);
  check_plan(no_inplace);
  std::vector<std::string> names = rewrite_names();
  for (const char* n : {"inplace", "local_inplace_gemm", "memory_plan"}) CHECK(std::count(names.begin(), names.end(), n) == 1);
}

namespace {

// Trains a tutorial model a few steps with one set of exclusions; everything it computed.
struct Run {
  std::vector<double> costs;
  std::vector<NDArray> params, predictions;
  size_t updates_in_place = 0;  // Gemm{inplace} updates written into their shared variable by the last call
};

using Builder = std::function<std::pair<std::vector<SharedVariable>, std::pair<Var, Var>>(const Var& x, const Var& y)>;

Run train(const Builder& build, int n_in, int batch_size, double lr, const std::vector<std::string>& excluding) {
  RandomState data_rng(1);
  auto sx = theano::shared(numpy::asarray(data_rng.uniform(0, 1, {3 * batch_size, n_in}), config().floatX), "", true);
  auto sy = theano::shared(numpy::asarray(data_rng.randint(0, 10, {3 * batch_size}), config().floatX), "", true);
  SharedDataset data{sx, T::cast(sy, "int32")};
  auto index = T::lscalar();
  auto x = T::matrix("x");
  auto y = T::ivector("y");
  auto [params, cost_and_p] = build(x, y);
  std::vector<Var> wrt(params.begin(), params.end());
  auto grads = T::grad(cost_and_p.first, wrt);
  std::vector<std::pair<Var, Var>> updates;
  for (size_t i = 0; i < wrt.size(); ++i) updates.push_back({wrt[i], wrt[i] - lr * grads[i]});
  std::vector<std::pair<Var, Var>> givens{{x, minibatch(data.x, index, batch_size)}, {y, minibatch(data.y, index, batch_size)}};
  auto train_model = theano::function({index}, cost_and_p.first, {.updates = updates, .givens = givens, .optimizer_excluding = excluding});
  auto predict = theano::function({index}, cost_and_p.second, {.givens = {givens[0]}, .optimizer_excluding = excluding});
  check_plan(train_model);
  check_plan(predict);
  Run r;
  for (int i = 0; i < 7; ++i) {
    r.costs.push_back(train_model(i % 3));
    r.predictions.push_back(predict(i % 3).array());
  }
  for (const auto& p : params) r.params.push_back(p.get_value());
  for (const UpdateBinding& u : train_model.impl().updates) r.updates_in_place += u.in_place;
  return r;
}

// `gemm_updates`: how many updates the planned function writes in place (Gemm{inplace}).
void compare_bits(const Builder& build, int n_in, int batch_size, double lr, size_t gemm_updates) {
  Run planned = train(build, n_in, batch_size, lr, {});
  CHECK(planned.updates_in_place == gemm_updates);
  for (const std::vector<std::string>& excluding :
       {std::vector<std::string>{"inplace"}, std::vector<std::string>{"local_inplace_gemm"}, std::vector<std::string>{"memory_plan"}}) {
    INFO("compared with optimizer_excluding=" << excluding[0]);
    Run plain = train(build, n_in, batch_size, lr, excluding);
    if (excluding[0] != "memory_plan") CHECK(plain.updates_in_place == 0);
    CHECK(planned.costs == plain.costs);
    for (size_t k = 0; k < plain.params.size(); ++k) CHECK(same_bits(planned.params[k], plain.params[k]));
    for (size_t k = 0; k < plain.predictions.size(); ++k) CHECK(same_bits(planned.predictions[k], plain.predictions[k]));
  }
}

}  // namespace

TEST_CASE("sharing and in-place writes change no bit of the logistic regression's training", "[memory]") {
  compare_bits(
      [](const Var& x, const Var& y) {
        auto c = std::make_shared<LogisticRegression>(x, 28 * 28, 10);
        return std::pair{std::vector<SharedVariable>{c->W, c->b}, std::pair{c->negative_log_likelihood(y), c->p_y_given_x}};
      },
      28 * 28, 20, 0.13, /*gemm_updates=*/1);
}

TEST_CASE("sharing and in-place writes change no bit of the MLP's training", "[memory]") {
  compare_bits(
      [](const Var& x, const Var& y) {
        RandomState rng(1234);
        auto c = std::make_shared<MLP>(rng, x, 28 * 28, 30, 10);
        Var cost = c->negative_log_likelihood(y) + 0.001 * c->L1 + 0.0001 * c->L2_sqr;
        std::vector<SharedVariable> params{c->hiddenLayer.W, c->hiddenLayer.b, c->logRegressionLayer.W, c->logRegressionLayer.b};
        return std::pair{params, std::pair{cost, c->logRegressionLayer.p_y_given_x}};
      },
      28 * 28, 20, 0.01, /*gemm_updates=*/0);  // the L1 and L2 terms keep W - lr * (dot + ...) off local_gemm's pattern
}

TEST_CASE("sharing and in-place writes change no bit of LeNet's training", "[memory]") {
  const int batch_size = 10;
  compare_bits(
      [](const Var& x, const Var& y) {
        test_lenet::TinyLeNet m = test_lenet::tiny_lenet(x, y, batch_size);
        return std::pair{m.params, std::pair{m.cost, m.p_y_given_x}};
      },
      28 * 28, batch_size, 0.1, /*gemm_updates=*/2);
}

namespace {

// A random graph over an input matrix and a shared one, all n x n: elementwise ops (some reading a
// broadcast row), dots, sums, and views (transposes, reshape round trips, rows) read by later nodes;
// a few results (views among them) are outputs and one updates the shared matrix.
struct RandomGraph {
  Var x = T::matrix("x", DType::Float64);
  SharedVariable s;
  std::vector<Var> outputs;
  Var update;
};

RandomGraph random_graph(std::mt19937& gen, int n, const NDArray& s0) {
  RandomGraph g;
  g.s = theano::shared(s0, "s");
  std::vector<Var> pool{g.x, g.s};
  auto pick = [&]() { return pool[std::uniform_int_distribution<size_t>(0, pool.size() - 1)(gen)]; };
  int n_nodes = std::uniform_int_distribution<int>(4, 24)(gen);
  for (int i = 0; i < n_nodes; ++i) {
    Var a = pick(), b = pick();
    switch (std::uniform_int_distribution<int>(0, 9)(gen)) {
      case 0: pool.push_back(T::tanh(a)); break;
      case 1: pool.push_back(a + b); break;
      case 2: pool.push_back(a * b - 0.5); break;
      case 3: pool.push_back(T::tanh(T::dot(a, b) * 0.1)); break;
      case 4: pool.push_back(a.T()); break;
      case 5: pool.push_back(a.reshape({n * n}).reshape({n, n})); break;
      case 6: pool.push_back(a + b[0].dimshuffle({'x', 0})); break;  // a row of b, broadcast
      case 7: pool.push_back(a - T::sum(b, 0).dimshuffle({'x', 0}) * 0.1); break;
      case 8: pool.push_back(T::exp(-T::sqr(a)) + b.T()); break;
      default: pool.push_back(T::sqr(a) * b + a); break;
    }
  }
  int n_out = std::uniform_int_distribution<int>(1, 3)(gen);
  for (int i = 0; i < n_out; ++i) g.outputs.push_back(pool[pool.size() - 1 - std::uniform_int_distribution<size_t>(0, pool.size() / 2)(gen)]);
  g.update = pool[std::uniform_int_distribution<size_t>(2, pool.size() - 1)(gen)];
  return g;
}

}  // namespace

TEST_CASE("random graphs with views: the plan is sound and changes no bit", "[memory]") {
  const int n = 5;
  for (unsigned seed = 0; seed < 60; ++seed) {
    std::mt19937 gen(seed);
    RandomState rng(seed);
    NDArray s0 = test_util::random(rng, DType::Float64, Dims{n, n}, -1, 1);
    std::vector<NDArray> xs;
    for (int c = 0; c < 3; ++c) xs.push_back(test_util::random(rng, DType::Float64, Dims{n, n}, -1, 1));
    RandomGraph g = random_graph(gen, n, s0);
    std::vector<std::vector<NDArray>> results;
    for (const std::vector<std::string>& excluding :
         {std::vector<std::string>{}, {"elemwise_fusion"}, {"memory_plan"}, {"elemwise_fusion", "memory_plan"}}) {
      INFO("seed " << seed << ", optimizer_excluding of " << excluding.size() << " names");
      g.s.set_value(s0);
      Function f = theano::function({g.x}, g.outputs, {.updates = {{g.s, g.update}}, .on_unused_input = "ignore", .optimizer_excluding = excluding});
      check_plan(f);
      std::vector<NDArray> got;
      for (const NDArray& xv : xs) {
        Result r = f(xv);
        for (size_t k = 0; k < r.size(); ++k) got.push_back(r.array(k));
      }
      got.push_back(g.s.get_value());
      results.push_back(got);
    }
    // Each planned function against the same graph, fused or not, compiled without a plan.
    for (size_t r : {0, 1}) {
      REQUIRE(results[r].size() == results[r + 2].size());
      for (size_t k = 0; k < results[r].size(); ++k) {
        INFO("seed " << seed << ", fusion " << (r == 0 ? "on" : "off") << ", result " << k);
        CHECK(same_bits(results[r][k], results[r + 2][k]));
      }
    }
  }
}

TEST_CASE("a call throwing after in-place steps commits nothing and leaves the shared values intact", "[memory][errors]") {
  SharedVariable w = theano::shared(test_util::f64({3}, {0.5, -1, 2}), "w");
  Var v = T::vector("v", DType::Float64);
  Var u = T::exp(w * 2);
  Var u2 = u + 1;  // written over u
  Var out = T::sum(u2 * v);
  Function f = theano::function({v}, out, {.updates = {{w, T::tanh(u2 * 0.5)}}, .optimizer_excluding = {"elemwise_fusion"}});
  Function plain = theano::function({v}, out, {.updates = {{w, T::tanh(u2 * 0.5)}}, .optimizer_excluding = {"elemwise_fusion", "memory_plan"}});
  REQUIRE(f.impl().memory_plan.n_inplace() > 0);
  check_plan(f);
  NDArray before = w.get_value();
  double good = f(test_util::f64({3}, {1, 2, 3}));
  NDArray after_one = w.get_value();
  w.set_value(before);
  CHECK(double(plain(test_util::f64({3}, {1, 2, 3}))) == good);
  CHECK(same_bits(w.get_value(), after_one));
  // v of the wrong length fails at u2 * v, after u2 was written over u.
  CHECK_THROWS_WITH(f(test_util::f64({4}, {1, 2, 3, 4})), Catch::Contains("no update was applied"));
  CHECK(same_bits(w.get_value(), after_one));
  // The next calls recover their buffers and agree with the unplanned function.
  for (int i = 0; i < 3; ++i) {
    NDArray start = w.get_value();
    double a = f(test_util::f64({3}, {1, 2, 3}));
    NDArray wa = w.get_value();
    w.set_value(start);
    double b = plain(test_util::f64({3}, {1, 2, 3}));
    CHECK(a == b);
    CHECK(same_bits(w.get_value(), wa));
  }
}

TEST_CASE("arrays the caller holds are never written over: arguments and borrowed shared values", "[memory]") {
  SharedVariable w = theano::shared(test_util::f64({4}, {0.1, 0.2, 0.3, 0.4}), "w");
  Var x = T::vector("x", DType::Float64);
  Var g = T::exp(w * x);  // a fresh result each call, overwritten in place by the update
  Function f = theano::function({x}, T::sum(g), {.updates = {{w, w - 0.5 * g}}, .optimizer_excluding = {"elemwise_fusion"}});
  REQUIRE(f.impl().memory_plan.n_inplace() > 0);
  NDArray arg = test_util::f64({4}, {1, 2, 3, 4});
  NDArray arg_copy = arg.copy();
  std::vector<NDArray> held, held_copies;
  for (int i = 0; i < 4; ++i) {
    held.push_back(w.get_value(/*borrow=*/true));  // the buffer the next commit hands back to the function
    held_copies.push_back(held.back().copy());
    (void)double(f(arg));
  }
  CHECK(same_bits(arg, arg_copy));
  for (size_t i = 0; i < held.size(); ++i) CHECK(same_bits(held[i], held_copies[i]));
}
