// NanGuardMode (runtime/nan_guard.hpp): the first NaN, Inf or |x| > 1e10 stops the call with the
// node, the user's line, the problem, the output's shape and the inputs' ranges; nothing is
// committed; results are bit-identical with and without the guard; THEANO_FLAGS=mode=NanGuardMode
// turns it on for every function.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <theano/tutorials/logistic_sgd.hpp>
#include "test_util.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

using namespace theano;
using namespace test_util;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
bool has(const std::string& msg, const std::string& part) { return msg.find(part) != std::string::npos; }
std::string at(int line) { return "created at test_nanguard.cpp:" + std::to_string(line); }

bool same_bits(const NDArray& a, const NDArray& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return false;
  NDArray ca = a.copy(), cb = b.copy();
  return std::memcmp(ca.raw(), cb.raw(), ca.nbytes()) == 0;
}
}  // namespace

TEST_CASE("nan guard: NaN or Inf or big values name the node and line and shape and the inputs' ranges", "[nanguard]") {
  Var x = T::dvector("x");
  Var y = T::log(x); const int log_line = __LINE__;
  Function guarded = theano::function({x}, y * 2, {.name = "logs", .nan_guard = true});
  Function plain = theano::function({x}, y * 2);
  NDArray bad = f64(Dims{3}, {1, -1, 2});
  CHECK(std::isnan(plain(bad).array().item(1)));  // without the guard a NaN goes through silently
  std::string msg = error_of([&] { guarded(bad); });
  CHECK(msg == "NanGuardMode: NaN (first at index (1,); 1 NaN, 0 Inf, 0 big) in output 0 (float64 (3,)) of Elemwise{log,no_inplace} " +
                   at(log_line) + "; inputs: #0 float64 (3,) min -1 max 2; function 'logs': no update was applied");
  CHECK_THROWS_AS(guarded(bad), NanGuardError);
  CHECK_THROWS_AS(guarded(bad), OpError);
  CHECK(values(guarded(f64(Dims{3}, {1, 1, 1}))) == std::vector<double>{0, 0, 0});

  // Inf: log(0) is -inf.
  msg = error_of([&] { guarded(f64(Dims{3}, {1, 0, 0})); });
  CHECK_THAT(msg, StartsWith("NanGuardMode: Inf (first at index (1,): -inf; 2 Inf, 0 big) in output 0 (float64 (3,)) of "
                             "Elemwise{log,no_inplace} " + at(log_line)));
  CHECK_THAT(msg, Contains("#0 float64 (3,) min 0 max 1"));

  // Big: |x| > 1e10 (Theano's big_is_error), reported at the node that made it, in a matrix.
  Var m = T::dmatrix("m");
  Var big = m * 1e6; const int big_line = __LINE__;
  Function fb = theano::function({m}, big, {.nan_guard = true});
  CHECK(fb(f64(Dims{2, 2}, {1, 2, 3, 1e4})).array().item(3) == 1e10);  // 1e10 itself is fine
  msg = error_of([&] { fb(f64(Dims{2, 2}, {1, 2, 3, 2e4})); });
  CHECK_THAT(msg, StartsWith("NanGuardMode: big value |x| > 1e+10 (first at index (1, 1): 2e+10; 1 big) in output 0 (float64 (2, 2)) of "));
  CHECK_THAT(msg, Contains(at(big_line)));
  CHECK_THAT(msg, Contains("min 1 max 20000"));

  // A NaN already in an input is reported with the input's NaN count at the first node reading it.
  msg = error_of([&] { guarded(f64(Dims{3}, {1, std::nan(""), 2})); });
  CHECK_THAT(msg, Contains("#0 float64 (3,) min 1 max 2 (1 NaN)"));
  // float32 and scopes.
  Var v = T::fvector("v");
  Var r;
  {
    NameScope scope("layer1");
    r = T::sqrt(v);
  }
  Function f32 = theano::function({v}, r, {.nan_guard = true});
  msg = error_of([&] { f32(arr(DType::Float32, Dims{2}, {4, -4})); });
  CHECK_THAT(msg, StartsWith("NanGuardMode: NaN (first at index (1,); 1 NaN, 0 Inf, 0 big) in output 0 (float32 (2,)) of Elemwise{sqrt"));
  CHECK_THAT(msg, Contains(" in scope layer1; inputs: #0 float32 (2,) min -4 max 4"));
}

TEST_CASE("nan guard: a call it stops commits no update", "[nanguard]") {
  SharedVariable W = theano::shared(f64(Dims{3}, {1, 2, 3}), "W"), calls = theano::shared(0.0, "calls");
  Var scale = T::dscalar("scale");
  Var next = W * scale;
  Var cost = T::sum(T::log(next)); const int line = __LINE__;
  Function step = theano::function({scale}, cost, {.updates = {{W, next}, {calls, calls + 1}}, .nan_guard = true});
  NDArray before = W.get_value(true);
  std::string msg = error_of([&] { step(-1.0); });
  CHECK_THAT(msg, StartsWith("NanGuardMode: NaN"));
  CHECK_THAT(msg, Contains(at(line)));
  CHECK_THAT(msg, Contains("no update was applied"));
  CHECK(values(W.get_value()) == std::vector<double>{1, 2, 3});
  CHECK(W.get_value(true).shares_memory(before));
  CHECK(calls.get_value().item() == 0);
  step(2.0);
  CHECK(values(W.get_value()) == std::vector<double>{2, 4, 6});
  CHECK(calls.get_value().item() == 1);
  // An update expression itself going bad is caught too.
  Function blowup = theano::function({scale}, std::vector<Var>{}, {.updates = {{W, W * scale}}, .nan_guard = true});
  CHECK_THAT(error_of([&] { blowup(1e10); }), StartsWith("NanGuardMode: big value |x| > 1e+10 (first at index (0,): 2e+10; 3 big)"));
  CHECK(values(W.get_value()) == std::vector<double>{2, 4, 6});
}

TEST_CASE("nan guard: values no step computes are checked too: arguments returned as outputs and updates of a NaN value", "[nanguard]") {
  const double nan = std::nan("");
  Var x = T::dvector("x");
  // The argument is the output itself: no step reads or writes it.
  Function identity = theano::function({x}, x, {.name = "identity", .nan_guard = true});
  CHECK(values(identity(f64(Dims{2}, {1, 2})).array()) == std::vector<double>{1, 2});
  CHECK(error_of([&] { identity(f64(Dims{2}, {1, nan})); }) ==
        "NanGuardMode: NaN (first at index (1,); 1 NaN, 0 Inf, 0 big) in input 0 'x' (float64 (2,)), returned as output 0; "
        "function 'identity': no update was applied");
  // W := W * 1.0 is rewritten to W := W: nothing is computed, and a NaN W is still reported; no update is applied.
  SharedVariable W = theano::shared(f64(Dims{3}, {1, nan, 3}), "W"), calls = theano::shared(0.0, "calls");
  Function keep = theano::function({}, std::vector<Var>{}, {.updates = {{W, W * 1.0}, {calls, calls + 1}}, .nan_guard = true});
  CHECK(error_of([&] { keep(); }) ==
        "NanGuardMode: NaN (first at index (1,); 1 NaN, 0 Inf, 0 big) in shared variable 'W' (float64 (3,)), the new value of 'W'; "
        "function '<unnamed>': no update was applied");
  CHECK(calls.get_value().item() == 0);
  // A NaN that a step swallows (a comparison is false for NaN) is reported at the step that reads it.
  Var positive = T::sum(T::cast(x > 0.0, "float64")); const int line = __LINE__;
  Function count = theano::function({x}, positive, {.nan_guard = true});
  CHECK(count(f64(Dims{2}, {1, -2})).scalar() == 1);
  CHECK_THAT(error_of([&] { count(f64(Dims{2}, {nan, 1})); }),
             StartsWith("NanGuardMode: NaN (first at index (0,); 1 NaN, 0 Inf, 0 big) in input 0 'x' (float64 (2,)), read by "));
  CHECK_THAT(error_of([&] { count(f64(Dims{2}, {nan, 1})); }), Contains(at(line)));
  // Without the guard, nothing is checked.
  Function plain = theano::function({x}, x);
  CHECK(std::isnan(plain(f64(Dims{2}, {1, nan})).array().item(1)));
}

TEST_CASE("nan guard: training results are bit-identical with and without the guard", "[nanguard]") {
  const int batch_size = 25, n_batches = 4, n_in = 30, n_out = 5;
  numpy::RandomState rng(7);
  NDArray xs = numpy::asarray(rng.uniform(-1, 1, {batch_size * n_batches, n_in}), config().floatX);
  NDArray ys = numpy::asarray(rng.randint(0, n_out, {batch_size * n_batches}), config().floatX);
  SharedVariable data_x = theano::shared(xs), data_y = theano::shared(ys);
  Var labels = T::cast(data_y, "int32");
  auto run = [&](bool guard) {
    auto index = T::lscalar();
    auto x = T::matrix("x");
    auto y = T::ivector("y");
    LogisticRegression model(x, n_in, n_out);
    auto cost = model.negative_log_likelihood(y);
    std::vector<std::pair<Var, Var>> updates;
    for (const Var& p : model.params) updates.push_back({p, p - 0.13 * T::grad(cost, p)});
    auto givens = std::vector<std::pair<Var, Var>>{{x, minibatch(data_x, index, batch_size)}, {y, minibatch(labels, index, batch_size)}};
    Function train = theano::function({index}, cost, {.updates = updates, .givens = givens, .nan_guard = guard});
    Function errors = theano::function({index}, {model.errors(y), model.p_y_given_x}, {.givens = givens, .nan_guard = guard});
    std::vector<double> costs;
    for (int i = 0; i < 40; ++i) costs.push_back(train(i % n_batches));
    Result e = errors(1);
    return std::tuple{costs, model.W.get_value(), model.b.get_value(), e.scalar(0), e.array(1)};
  };
  auto [c0, W0, b0, e0, p0] = run(false);
  auto [c1, W1, b1, e1, p1] = run(true);
  REQUIRE(c0.size() == c1.size());
  CHECK(std::memcmp(c0.data(), c1.data(), c0.size() * sizeof(double)) == 0);
  CHECK(same_bits(W0, W1));
  CHECK(same_bits(b0, b1));
  CHECK(e0 == e1);
  CHECK(same_bits(p0, p1));
  CHECK(c0.back() < c0.front());
}

TEST_CASE("nan guard: THEANO_FLAGS=mode=NanGuardMode turns it on for every function", "[nanguard]") {
  CHECK(parse_flags("mode=NanGuardMode").mode == "NanGuardMode");
  // config() is read once per process: run the check below in a child with the flag set.
  std::string marker = (std::filesystem::temp_directory_path() / ("theano_nanguard_" + std::to_string(getpid()))).string();
  std::filesystem::remove(marker);
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    setenv("THEANO_FLAGS", flags_with("mode=NanGuardMode").c_str(), 1);
    setenv("THEANO_CPP_NANGUARD_MARKER", marker.c_str(), 1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    execl("/proc/self/exe", "theano_tests", "[.nanguard_env]", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  std::ifstream in(marker);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(text == "guarded");
  std::filesystem::remove(marker);
}

// Run by the test above in a child process with THEANO_FLAGS=mode=NanGuardMode (hidden otherwise).
TEST_CASE("nan guard: child process with the flag", "[.nanguard_env]") {
  const char* marker = std::getenv("THEANO_CPP_NANGUARD_MARKER");
  if (!marker || config().mode != "NanGuardMode") {  // run directly (by a "~[tag]" spec, say): nothing to do
    SUCCEED("runs as the child of the test above, with THEANO_FLAGS=mode=NanGuardMode");
    return;
  }
  Var x = T::dvector("x");
  Function f = theano::function({x}, T::log(x));  // no option: the flag alone
  std::string msg = error_of([&] { f(f64(Dims{2}, {1, -1})); });
  CHECK_THAT(msg, StartsWith("NanGuardMode: NaN"));
  std::ofstream(marker) << (msg.rfind("NanGuardMode: NaN", 0) == 0 ? "guarded" : msg);
}
