// Threads (docs/errors.md "Threads"): stress tests of calls, updates, get_value/set_value and
// checkpoints from several threads at once. Each asserts an exact count or an invariant that a
// missing lock breaks (often also a crash, or a report of scripts/tsan.sh, which runs these tests
// under ThreadSanitizer):
//   - one Function from several threads: its call_mutex (runtime/function.cpp Function::call),
//     which alone serializes a function that updates nothing;
//   - two Functions updating one variable, set_value during calls, load during calls: the
//     variables' update locks held for the whole call (core/shared_storage.hpp UpdateLocks);
//   - no torn commit seen by get_value, save or another function's snapshot: the value locks
//     held over the snapshot and the commit (StorageLocks).
// Catch2's assertions are not thread-safe: the worker threads record into a Failures and the test
// thread asserts.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_files.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {

// The first problems the worker threads met (a wrong value, an unexpected exception).
class Failures {
 public:
  void add(std::string what) {
    std::lock_guard lock(m_);
    if (list_.size() < 5) list_.push_back(std::move(what));
    ++count_;
  }
  std::string str() const {
    std::lock_guard lock(m_);
    std::string s = std::to_string(count_) + " failure(s)";
    for (const std::string& w : list_) s += "\n  " + w;
    return s;
  }
  bool empty() const {
    std::lock_guard lock(m_);
    return count_ == 0;
  }

 private:
  mutable std::mutex m_;
  std::vector<std::string> list_;
  long count_ = 0;
};

// Runs each body on its own thread, all released at once; an exception escaping a body is a failure.
void run_threads(Failures& failures, const std::vector<std::function<void()>>& bodies) {
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (const auto& body : bodies)
    threads.emplace_back([&, body] {
      while (!go.load()) std::this_thread::yield();
      try {
        body();
      } catch (const std::exception& e) {
        failures.add(std::string("unexpected exception: ") + e.what());
      }
    });
  go = true;
  for (auto& t : threads) t.join();
}

NDArray full(int64_t n, double v) { return NDArray::from_vector(std::vector<double>(size_t(n), v), Dims{n}); }
NDArray full2(int64_t r, int64_t c, double v) { return NDArray::from_vector(std::vector<double>(size_t(r * c), v), Dims{r, c}); }

// "" if every element of a equals want, else what differs.
std::string expect_all(const NDArray& a, double want, const std::string& what) {
  for (int64_t i = 0; i < a.size(); ++i)
    if (a.item(i) != want)
      return what + ": element " + std::to_string(i) + " is " + std::to_string(a.item(i)) + ", want " + std::to_string(want);
  return "";
}
// "" if every element of a equals its first (no half-written value), else what differs.
std::string expect_uniform(const NDArray& a, const std::string& what) { return a.size() ? expect_all(a, a.item(0), what) : ""; }

}  // namespace

// Guards the serialization of one Function's calls (its call_mutex, and here W's exclusive update
// lock too): without both the calls share one workspace and one snapshot of W (lost updates,
// outputs of another call, or a crash).
TEST_CASE("calls of one Function from several threads lose no update", "[threads]") {
  const int n_threads = 4, n_calls = 3000;
  SharedVariable W = theano::shared(full(16, 0), "W"), count = theano::shared(0, "count");
  Function step = theano::function({}, T::sum(W), {.updates = {{W, W + 1.0}, {count, count + 1}}, .name = "step"});
  Failures failures;
  // Each call returns sum(W) before its update: 16 * k for the call that is the k-th to run. Every k
  // must be seen exactly once.
  std::vector<std::atomic<int>> seen(n_threads * n_calls);
  std::vector<std::function<void()>> bodies;
  for (int t = 0; t < n_threads; ++t)
    bodies.push_back([&] {
      for (int i = 0; i < n_calls; ++i) {
        double s = step().scalar(0);
        long k = long(s) / 16;
        if (s != double(16 * k) || k < 0 || k >= long(seen.size())) failures.add("sum(W) = " + std::to_string(s));
        else seen[size_t(k)].fetch_add(1);
      }
    });
  run_threads(failures, bodies);
  INFO(failures.str());
  CHECK(failures.empty());
  CHECK(count.get_value().item() == n_threads * n_calls);
  CHECK(expect_all(W.get_value(), n_threads * n_calls, "W") == "");
  long twice = 0;
  for (auto& s : seen) twice += s.load() != 1;
  CHECK(twice == 0);
}

// Guards call_mutex where no update lock is exclusive (a function that updates nothing): without it
// the calls share one workspace and get each other's arguments and results, or crash.
TEST_CASE("calls of one Function without updates from several threads each get their own result", "[threads]") {
  const int n_threads = 4, n_calls = 3000, n = 512;
  SharedVariable W = theano::shared(full(n, 2), "W");
  Var x = T::dvector("x");
  Var y = T::tanh(x * 0.0) + x * W;  // a few steps, each with its own buffer in the workspace
  Function f = theano::function({x}, {y, T::sum(y)}, {.name = "f"});
  Failures failures;
  std::vector<std::function<void()>> bodies;
  for (int t = 0; t < n_threads; ++t)
    bodies.push_back([&, t] {
      for (int i = 0; i < n_calls; ++i) {
        double v = t * 1000 + i;
        Result r = f(full(n, v));
        if (std::string e = expect_all(r.array(0), 2 * v, "y"); !e.empty()) failures.add(e);
        if (r.scalar(1) != 2 * v * n) failures.add("sum(y) = " + std::to_string(r.scalar(1)) + ", want " + std::to_string(2 * v * n));
      }
    });
  run_threads(failures, bodies);
  INFO(failures.str());
  CHECK(failures.empty());
}

// Guards the update locks held for the whole call: without them both functions read the same value
// of W and one commit overwrites the other's.
TEST_CASE("two Functions updating one shared variable concurrently lose no update", "[threads]") {
  const int n_calls = 1000, n = 96;  // a W big enough for each call to take a few microseconds
  SharedVariable W = theano::shared(full2(n, n, 0), "W");
  Var u = T::dmatrix("u"), v = T::dmatrix("v");
  Function add1 = theano::function({}, std::vector<Var>{}, {.updates = {{W, W + 1.0}}, .name = "add1"});
  // W + dot(u, v) may become an update written in place (runtime/inplace_updates.hpp): adds 2.
  Function add_dot = theano::function({u, v}, std::vector<Var>{}, {.updates = {{W, W + T::dot(u, v)}}, .name = "add_dot"});
  // Reads W and updates only its own counter: runs alongside, must see a whole value each time.
  SharedVariable reads = theano::shared(0, "reads");
  Function read = theano::function({}, T::max(W) + T::max(-W), {.updates = {{reads, reads + 1}}, .name = "read"});
  NDArray ones_u = full2(n, 2, 1), ones_v = full2(2, n, 1);
  Failures failures;
  run_threads(failures, {[&] {
                           for (int i = 0; i < n_calls; ++i) add1();
                         },
                         [&] {
                           for (int i = 0; i < n_calls; ++i) add_dot(ones_u, ones_v);
                         },
                         [&] {
                           for (int i = 0; i < n_calls; ++i) add1();
                         },
                         [&] {
                           for (int i = 0; i < n_calls; ++i)
                             if (double d = read().scalar(0); d != 0) failures.add("max(W) - min(W) = " + std::to_string(d));
                         }});
  INFO(failures.str());
  CHECK(failures.empty());
  CHECK(expect_all(W.get_value(), 2 * n_calls + 2 * n_calls, "W") == "");
  CHECK(reads.get_value().item() == n_calls);
}

// Guards the value locks over the snapshot and the commit: without them get_value, save or another
// function's snapshot sees some of a commit's updates and not the others.
TEST_CASE("readers never see a commit of several updates in part", "[threads]") {
  const int n_vars = 8, n_commits = 4000, n_loads = 60;
  const double load_step = 1e7;  // above every count of increments between two loads
  std::vector<SharedVariable> V;
  std::vector<Var> params;
  std::vector<std::pair<Var, Var>> updates;
  for (int i = 0; i < n_vars; ++i) {
    V.push_back(theano::shared(full(64, 0), "V" + std::to_string(i)));
    params.push_back(V.back());
    updates.push_back({V.back(), V.back() + 1.0});
  }
  Function inc = theano::function({}, std::vector<Var>{}, {.updates = updates, .name = "inc"});
  Function inc2 = theano::function({}, std::vector<Var>{}, {.updates = updates, .name = "inc2"});
  // Another function's snapshot: every variable the same value.
  Var spread = T::constant(NDArray::scalar<double>(0));
  for (int i = 1; i < n_vars; ++i) spread = T::maximum(spread, T::max(T::abs(V[size_t(i)] - V[0])));
  Function check = theano::function({}, spread, {.name = "check"});
  // Checkpoints holding k * load_step everywhere, loaded in increasing k: the values only grow.
  test_files::TempDir dir("theano_threads");
  for (int k = 1; k <= n_loads; ++k) {
    std::vector<NamedArray> arrays;
    for (int i = 0; i < n_vars; ++i) arrays.push_back({"V" + std::to_string(i), full(64, k * load_step)});
    save_arrays(dir / ("load" + std::to_string(k)), arrays);
  }
  std::atomic<int> writers_left{3};
  std::atomic<long> gets{0}, saves{0}, checks{0};
  Failures failures;
  auto writer = [&](Function& f) {
    return [&] {
      for (int i = 0; i < n_commits; ++i) f();
      writers_left.fetch_sub(1);
    };
  };
  // Values only grow, so reads in sequence are non-decreasing: a commit seen in part shows as a
  // decrease in one of the two orders (each getter alternates them), and a load that a commit
  // computed from the previous values overwrote, as a decrease over time.
  auto getter = [&](bool forward) {
    return [&, forward]() mutable {
      std::vector<double> seen(n_vars, -1);
      for (; writers_left.load() > 0; forward = !forward, ++gets) {
        double last = -1;
        for (int j = 0; j < n_vars; ++j) {
          int i = forward ? j : n_vars - 1 - j;
          NDArray a = V[size_t(i)].get_value();
          if (std::string e = expect_uniform(a, V[size_t(i)].name()); !e.empty()) failures.add(e);
          double v = a.item(0);
          if (v < last || v < seen[size_t(i)])
            failures.add(V[size_t(i)].name() + " = " + std::to_string(v) + " read after " + std::to_string(std::max(last, seen[size_t(i)])));
          last = seen[size_t(i)] = v;
        }
      }
    };
  };
  run_threads(failures, {writer(inc), writer(inc2),
                         [&] {  // the loader counts as a writer
                           for (int k = 1; k <= n_loads; ++k) {
                             theano::load(dir / ("load" + std::to_string(k)), params);
                             std::this_thread::sleep_for(std::chrono::microseconds(50));
                           }
                           writers_left.fetch_sub(1);
                         },
                         getter(true), getter(false),
                         [&] {
                           for (; writers_left.load() > 0; ++checks)
                             if (double d = check().scalar(0); d != 0) failures.add("a snapshot's spread is " + std::to_string(d));
                         },
                         [&] {
                           std::string path = dir / "saved";
                           for (; writers_left.load() > 0; ++saves) {
                             theano::save(path, params);
                             std::vector<NamedArray> got = load_arrays(path);
                             for (const NamedArray& a : got)
                               if (std::string e = expect_all(a.value, got[0].value.item(0), "saved " + a.name); !e.empty()) failures.add(e);
                           }
                         }});
  INFO(failures.str());
  CHECK(failures.empty());
  CHECK(gets > 0);
  CHECK(checks > 0);
  CHECK(saves > 0);
  // The last load came before some increments, each of which reached every variable.
  double final = V[0].get_value().item(0);
  CHECK(final >= n_loads * load_step);
  CHECK(final <= n_loads * load_step + 2 * n_commits);
  for (const SharedVariable& s : V) CHECK(expect_all(s.get_value(), final, s.name()) == "");
}

// Guards set_value's update lock: without it a call that read the old value commits over the new
// one, and without the value lock a call reads a handle set_value is replacing (a crash).
TEST_CASE("set_value during calls is seen whole and never lost", "[threads]") {
  const int n_calls = 3000, n_sets = 200;
  const double set_step = 1e6;  // above the number of calls between two sets
  SharedVariable W = theano::shared(full(32, 0), "W");
  // Returns W before its update; W := W + 1.
  Function step = theano::function({}, W * 1.0, {.updates = {{W, W + 1.0}}, .name = "step"});
  Function peek = theano::function({}, W * 1.0, {.name = "peek"});
  std::atomic<int> last_set{0};
  Failures failures;
  auto caller = [&](Function& f) {
    return [&] {
      for (int i = 0; i < n_calls; ++i) {
        int k = last_set.load();  // the set_value of k has returned: this call comes after it
        NDArray a = f().array(0);
        if (std::string e = expect_uniform(a, f.name()); !e.empty()) failures.add(e);
        double v = a.item(0);
        if (v < k * set_step)
          failures.add(f.name() + " saw " + std::to_string(v) + " after set_value(" + std::to_string(k * set_step) + ") returned");
      }
    };
  };
  run_threads(failures, {caller(step), caller(step), caller(peek), [&] {
                           for (int k = 1; k <= n_sets; ++k) {
                             W.set_value(full(32, k * set_step));
                             last_set.store(k);
                             std::this_thread::sleep_for(std::chrono::microseconds(50));
                           }
                         }});
  INFO(failures.str());
  CHECK(failures.empty());
  NDArray w = W.get_value();
  CHECK(expect_uniform(w, "W") == "");
  CHECK(w.item(0) >= n_sets * set_step);
  CHECK(w.item(0) <= n_sets * set_step + 2 * n_calls);
}

// Guards the failure path under concurrency: a call that throws releases its locks (else the others
// hang) and commits nothing, whichever thread it runs on.
TEST_CASE("a call that throws on one thread changes nothing while others succeed", "[threads]") {
  const int n_calls = 2000;
  SharedVariable W = theano::shared(full(4, 0), "W"), count = theano::shared(0, "count");
  Var x = T::dvector("x");
  Function add = theano::function({x}, T::sum(W), {.updates = {{W, W + x}, {count, count + 1}}, .name = "add"});
  Function add_too = theano::function({x}, std::vector<Var>{}, {.updates = {{W, W + x}}, .name = "add_too"});
  NDArray good = full(4, 1), bad = full(5, 1);
  std::atomic<long> thrown{0};
  Failures failures;
  auto failing = [&](Function& f) {
    return [&] {
      for (int i = 0; i < n_calls; ++i) {
        try {
          f(bad);
          failures.add(f.name() + " accepted a (5,) argument for a (4,) variable");
        } catch (const std::exception& e) {
          std::string m = e.what();
          if (m.find("Input dimension mis-match") == std::string::npos || m.find("no update was applied") == std::string::npos)
            failures.add(f.name() + ": unexpected message: " + m.substr(0, m.find('\n')));
          ++thrown;
        }
      }
    };
  };
  run_threads(failures, {[&] {
                           for (int i = 0; i < n_calls; ++i) add(good);
                         },
                         [&] {
                           for (int i = 0; i < n_calls; ++i) add_too(good);
                         },
                         failing(add), failing(add_too)});
  INFO(failures.str());
  CHECK(failures.empty());
  CHECK(thrown == 2 * n_calls);
  CHECK(count.get_value().item() == n_calls);
  CHECK(expect_all(W.get_value(), 2 * n_calls, "W") == "");
}

// Compiling reads the user's graph (and T::grad adds nodes to it) from several threads: the graph's
// nodes are immutable once built, so each compile gets a working function of its own.
TEST_CASE("functions compiled from one graph on several threads all work", "[threads]") {
  const int n_threads = 4, n_compiles = 10;
  SharedVariable W = theano::shared(full2(3, 2, 0.5), "W"), b = theano::shared(full(2, 0.25), "b"), steps = theano::shared(0, "steps");
  Var x = T::dmatrix("x");
  Var cost = T::sum(T::tanh(T::dot(x, W) + b));
  NDArray xs = NDArray::from_vector(std::vector<double>{1, 2, 3, -1, 0, 1}, Dims{2, 3});
  double want_cost = theano::function({x}, cost)(xs).scalar(0);
  std::vector<double> want_grad = values(theano::function({x}, T::grad(cost, W))(xs).array(0));
  Failures failures;
  std::vector<std::function<void()>> bodies;
  for (int t = 0; t < n_threads; ++t)
    bodies.push_back([&, t] {
      for (int i = 0; i < n_compiles; ++i) {
        Var g = T::grad(cost, W);  // new nodes on the common graph
        Function f = theano::function({x}, {cost, g}, {.updates = {{steps, steps + 1}}, .name = "f" + std::to_string(t)});
        Result r = f(xs);
        if (r.scalar(0) != want_cost) failures.add(f.name() + ": cost " + std::to_string(r.scalar(0)));
        if (values(r.array(1)) != want_grad) failures.add(f.name() + ": a different gradient");
      }
    });
  run_threads(failures, bodies);
  INFO(failures.str());
  CHECK(failures.empty());
  CHECK(steps.get_value().item() == n_threads * n_compiles);
}
