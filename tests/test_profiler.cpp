// The profiler (THEANO_FLAGS=profile=True, {.profile = true}): per-node times that account for the
// call time, a summary in the shape of Theano's ProfileStats (per class, per op, per apply with the
// dtypes and shapes of each input, compile time, node count, memory), and the profiles printed at
// exit under THEANO_FLAGS=profile=True (checked in a child process running this binary).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <memory>

#include "lenet_fixture.hpp"
#include "runtime/function_impl.hpp"
#include "test_util.hpp"

using namespace theano;
namespace T = theano::tensor;

namespace {

bool contains(const std::string& s, const std::string& what) { return s.find(what) != std::string::npos; }

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}


}  // namespace

TEST_CASE("profiler: per-node times add up to the call time of a LeNet training step", "[profiler]") {
  // batch 50, nkerns 20,50: about a tenth of the tutorial's step, several milliseconds per call.
  test_lenet::LeNet net(50, {20, 50}, 2, /*profile=*/true);
  Function& f = net.train_model;
  REQUIRE(f.profiler() != nullptr);
  f(0);  // first call: buffers are allocated
  f.impl().profiler->reset();

  const int calls = 6;
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < calls; ++i) f(i % 2);
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  const Profiler& p = *f.profiler();
  REQUIRE(p.calls() == size_t(calls));
  for (size_t i = 0; i < p.n_steps(); ++i) CHECK(p.step_calls(i) == size_t(calls));
  double nodes = p.nodes_seconds();
  INFO(fmt::format("nodes {:.6f}s, Function.__call__ {:.6f}s, measured around the calls {:.6f}s, {} nodes", nodes, p.call_seconds(), wall,
                   p.n_steps()));
  CHECK(nodes <= p.call_seconds());
  CHECK(p.call_seconds() <= wall);
  CHECK(nodes >= 0.9 * p.call_seconds());
  CHECK(nodes >= 0.9 * wall);
}

TEST_CASE("profiler: the summary has Theano's sections and op names and dtypes and shapes", "[profiler]") {
  test_lenet::LeNet net(10, {2, 3}, 2, /*profile=*/true);
  Function& f = net.train_model;
  f(0);
  f(1);
  std::string s = profile_str(f);
  INFO(s);
  CHECK(contains(s, "Function profiling\n==================\n  Message: train_model\n"));
  CHECK(contains(s, "  Time in 2 calls to Function.__call__: "));
  CHECK(contains(s, "  Time in thunks: "));
  CHECK(contains(s, "  Total compile time: "));
  CHECK(contains(s, fmt::format("    Number of Apply nodes: {}\n", f.n_nodes())));
  CHECK(contains(s, "\nClass\n---\n<% time> <sum %> <apply time> <time per call> <#call> <#apply> <Class name>\n"));
  CHECK(contains(s, "\nOps\n---\n<% time> <sum %> <apply time> <time per call> <#call> <#apply> <Op name>\n"));
  CHECK(contains(s, "\nApply\n------\n<% time> <sum %> <apply time> <time per call> <#call> <id> <Apply name>\n"));
  CHECK(contains(s, "\nMemory Profile\n---\n"));
  CHECK(contains(s, "    Bytes held by intermediate buffers (arena): "));
  CHECK(contains(s, "    Peak resident memory of the process (VmHWM): "));
  CHECK(contains(s, "<Sum apply outputs (bytes)> <Apply outputs shape> <id> <Apply name>"));
  // Op classes of LeNet's training step, forward and backward (the rewrites may turn dot into Gemm
  // and fuse the softmax with the cross-entropy, but leave these; pooling, bias and tanh become
  // MaxPoolBiasActivation, and MaxPoolGrad MaxPoolGradRecompute).
  for (const char* cls : {"AbstractConv2d", "AbstractConv2d_gradWeights", "AbstractConv2d_gradInputs", "MaxPoolBiasActivation",
                          "MaxPoolGradRecompute", "Elemwise"})
    CHECK(contains(s, fmt::format("   {}\n", cls)));
  CHECK((contains(s, "   Dot\n") || contains(s, "   Gemm\n")));
  CHECK(contains(s, "Softmax"));
  // Apply rows name where the node was built and its NameScope.
  CHECK(contains(s, "(created at "));
  CHECK(contains(s, " in scope layer0)"));
  CHECK(contains(s, "   ... (remaining "));
  // Inputs and outputs with the dtype and shape of the call: the (10, 784) float32 minibatch, the
  // first convolution's (10, 1, 28, 28) input and its (2, 1, 5, 5) filters, int32 labels.
  std::string all = profile_str(f, {.n_apply = 1000});
  UNSCOPED_INFO(all);
  CHECK(contains(all, "   ... (remaining 0 Apply instances account for "));
  CHECK(contains(all, "dtype=float32, shape=(10, 784), strides=c"));
  CHECK(contains(all, "dtype=float32, shape=(10, 1, 28, 28), strides=c"));
  CHECK(contains(all, "dtype=float32, shape=(2, 1, 5, 5), strides=c"));
  CHECK(contains(all, "dtype=int32, shape=(10,)"));
  CHECK(contains(all, "dtype=int64, shape=()"));  // the minibatch index

  MemoryStats m = memory_stats(f);
  CHECK(m.arena_bytes >= size_t(10 * 2 * 24 * 24 * 4));  // at least the first convolution's output
  CHECK(m.arena_buffers > 0);
  CHECK(m.vm_hwm_bytes >= m.vm_rss_bytes);
  CHECK(m.vm_rss_bytes > 0);
}

TEST_CASE("profiler: every apply is listed with its inputs when n_apply allows", "[profiler]") {
  auto x = T::dmatrix("x");
  auto y = T::ivector("y");
  auto out = T::sum(T::exp(x)) + T::cast(y, "float64").sum();
  Function f = theano::function({x, y}, out, {.name = "small", .profile = true});
  f(test_util::f64({2, 3}, {1, 2, 3, 4, 5, 6}), test_util::arr(DType::Int32, {4}, {1, 2, 3, 4}));
  std::string s = profile_str(f, {.n_apply = 1000});
  INFO(s);
  CHECK(count(s, "    input 0: ") >= f.n_nodes());
  CHECK(contains(s, "input 0: dtype=float64, shape=(2, 3), strides=c"));
  CHECK(contains(s, "input 0: dtype=int32, shape=(4,), strides=c"));
  CHECK(contains(s, "   ... (remaining 0 Apply instances account for 0.00%(0.00s) of the runtime)"));
  // Strided inputs print numpy's byte strides.
  auto m = T::dmatrix("m");
  Function g = theano::function({m}, T::exp(m.T()), {.profile = true});
  g(test_util::f64({2, 3}, {1, 2, 3, 4, 5, 6}));
  std::string t = profile_str(g, {.n_apply = 1000});
  INFO(t);
  CHECK(contains(t, "shape=(3, 2), strides=(8, 24)"));
}

TEST_CASE("profiler: a function compiled without profiling says so", "[profiler]") {
  auto x = T::dvector("x");
  Function f = theano::function({x}, T::exp(x), {.name = "plain"});
  f(test_util::f64({2}, {1, 2}));
  if (!config().profile) {  // under THEANO_FLAGS=profile=True every function is profiled
    CHECK(f.profiler() == nullptr);
    CHECK(profile_str(f) ==
          "Function 'plain' was compiled without profiling: pass {.profile = true} or THEANO_FLAGS=profile=True\n");
  }
  // print_profile and f.print_profile() print the same text.
  char* buf = nullptr;
  size_t len = 0;
  FILE* mem = open_memstream(&buf, &len);
  f.print_profile(mem);
  std::fclose(mem);
  CHECK(std::string(buf, len) == profile_str(f));
  std::free(buf);
}

TEST_CASE("profiler: an uncalled profiled function prints its header and memory", "[profiler]") {
  auto x = T::dvector("x");
  Function f = theano::function({x}, T::exp(x), {.profile = true});
  std::string s = profile_str(f);
  INFO(s);
  CHECK(contains(s, "  Message: <unnamed>\n  Time in 0 calls to Function.__call__: 0.000000e+00s\n"));
  CHECK(contains(s, "No execution time accumulated"));
  CHECK(contains(s, "Memory Profile"));
}

// Run by the next test in a child process with THEANO_FLAGS=profile=True (hidden from normal runs).
namespace {
Function kept_until_exit;
}
TEST_CASE("profiler exit child: functions profiled under THEANO_FLAGS=profile=True", "[.profiler_exit_child]") {
  if (!config().profile) {  // run directly (e.g. by a "~[tag]" spec, which includes hidden tests): nothing to do
    SUCCEED("runs as the child of the next test, with THEANO_FLAGS=profile=True");
    return;
  }
  auto x = T::dvector("x");
  {
    Function first = theano::function({x}, T::exp(x), {.name = "destroyed_first"});
    first(test_util::f64({3}, {1, 2, 3}));
  }  // printed here, from its destructor
  kept_until_exit = theano::function({x}, T::tanh(x) * 2.0, {.name = "alive_at_exit"});
  kept_until_exit(test_util::f64({3}, {1, 2, 3}));
  kept_until_exit(test_util::f64({3}, {1, 2, 3}));
  Function copy = kept_until_exit;  // copies share one profile: printed once
  std::fprintf(stderr, "END OF TEST BODY\n");
}

TEST_CASE("profiler: THEANO_FLAGS=profile=True prints every profiled function once at destruction or exit", "[profiler]") {
  std::string exe = std::filesystem::read_symlink("/proc/self/exe").string();
  std::string err = test_util::run_command("THEANO_FLAGS='" + test_util::flags_with("profile=True") + "' '" + exe + "' '[.profiler_exit_child]' 2>&1 1>/dev/null");
  INFO(err);
  CHECK(count(err, "Function profiling\n") == 2);
  CHECK(count(err, "  Message: destroyed_first\n") == 1);
  CHECK(count(err, "  Message: alive_at_exit\n") == 1);
  size_t first = err.find("Message: destroyed_first"), end = err.find("END OF TEST BODY"), alive = err.find("Message: alive_at_exit");
  CHECK(first < end);
  CHECK(end < alive);
  CHECK(alive != std::string::npos);
  CHECK(contains(err, "  Time in 1 calls to Function.__call__: "));
  CHECK(contains(err, "  Time in 2 calls to Function.__call__: "));
}
