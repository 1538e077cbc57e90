// Undefined values (docs/errors.md, "Undefined values"): a default-constructed (or moved-from) Var,
// SharedVariable, NDArray or Function handed to a public API is a std::invalid_argument whose first
// line names the API and the argument, and the call changes nothing: it builds no node and every
// shared value stays byte for byte what it was. Table-driven: every entry point taking such a
// handle, with every kind of undefined handle.
#include <sstream>

#include "frontend/theano/plots.hpp"

#include "test_files.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;
namespace P = theano::printing;
namespace pool = T::signal::pool;

namespace {

std::string at(int line) { return " at test_null_handles.cpp:" + std::to_string(line); }
const std::string kVar = " is an undefined Var (default-constructed: it holds no graph node)";
const std::string kArray = " is an undefined NDArray (default-constructed: it holds no data)";
const std::string kFunction = ": the Function is undefined (default-constructed: it holds no compiled graph; assign it theano::function(...))";
const std::string kShared = ": the SharedVariable is undefined (default-constructed: it holds no variable; create it with theano::shared)";

struct Row {
  std::string want;  // the first line of the message
  int line;
  std::function<void()> call;
  bool builds_nothing = true;  // false: the entry point builds nodes before it sees the handle (verify_grad)
};

// Every shared variable's value (bytes, dtype, shape) and type, to compare before and after.
std::string snapshot(const std::vector<SharedVariable>& vars) {
  std::string s;
  for (const SharedVariable& v : vars) {
    NDArray a = v.get_value();
    s += v.name() + " " + v.type().str() + " " + v.type().shape_str() + " " + std::string(dtype_name(a.dtype())) + " " + a.shape().str() + " ";
    s.append(static_cast<const char*>(a.raw()), a.nbytes());
  }
  return s;
}

// Runs every row: each must throw std::invalid_argument with exactly `want` as its first line,
// build nothing and leave the shared variables as they were.
void run_rows(const std::vector<Row>& rows, const std::vector<SharedVariable>& shared, const std::string& kind) {
  for (const Row& r : rows) {
    std::string before = snapshot(shared), got = "<no exception>";
    uint64_t id0 = next_node_id();
    try {
      r.call();
    } catch (const std::invalid_argument& e) {
      got = e.what();
    } catch (const std::exception& e) {
      got = std::string("<not std::invalid_argument> ") + e.what();
    }
    uint64_t id1 = next_node_id();
    INFO(kind << ", row at line " << r.line);
    CHECK(got.substr(0, got.find('\n')) == r.want);
    if (r.builds_nothing) CHECK(id1 == id0 + 1);
    CHECK(snapshot(shared) == before);
  }
}

#define ROW(want, ...) rows.push_back({want, __LINE__, [&] { __VA_ARGS__; }})

}  // namespace

// The entry points taking a Var, each with every kind of undefined Var as `u`.
TEST_CASE("undefined handles: every entry point taking a Var refuses an undefined one and changes nothing", "[errors][null]") {
  test_files::TempDir tmp("theano_null");
  const std::string dir = tmp.path.string();
  SharedVariable W = theano::shared(f64({3}, {1, 2, 3}), "W"), s0 = theano::shared(1.5, "s0");
  Var x = T::dvector("x"), x2 = T::dvector("x2"), m = T::dmatrix("m"), t4 = T::dtensor4("t4"), cost = T::sum(x), y = x * W;
  std::ostringstream os;
  numpy::RandomState rng(1);
  Var moved_from = T::dvector("v");
  Var taken = std::move(moved_from);
  const std::vector<std::pair<std::string, Var>> kinds = {
      {"Var()", Var()}, {"SharedVariable()", SharedVariable()}, {"Var(Variable())", Var(Variable())}, {"a moved-from Var", moved_from}};
  for (const auto& kind_and_var : kinds) {
    const std::string& kind = kind_and_var.first;
    const Var& u = kind_and_var.second;
    REQUIRE(!u.defined());
    std::vector<Row> rows;
    // arithmetic and elementwise functions
    ROW("operator+: operand a" + kVar + at(__LINE__), u + x);
    ROW("operator+: operand b" + kVar + at(__LINE__), x + u);
    ROW("operator-: operand b" + kVar + at(__LINE__), x - u);
    ROW("operator*: operand a" + kVar + at(__LINE__), u * x);
    ROW("operator/: operand b" + kVar + at(__LINE__), x / u);
    ROW("operator-: operand a" + kVar + at(__LINE__), -u);
    ROW("operator<: operand b" + kVar + at(__LINE__), x < u);
    ROW("operator<=: operand a" + kVar + at(__LINE__), u <= x);
    ROW("operator>: operand b" + kVar + at(__LINE__), x > u);
    ROW("operator>=: operand b" + kVar + at(__LINE__), x >= u);
    ROW("T::add: operand b" + kVar + at(__LINE__), T::add(x, u));
    ROW("T::sub: operand a" + kVar + at(__LINE__), T::sub(u, x));
    ROW("T::mul: operand b" + kVar + at(__LINE__), T::mul(x, u));
    ROW("T::true_div: operand a" + kVar + at(__LINE__), T::true_div(u, x));
    ROW("T::int_div: operand b" + kVar + at(__LINE__), T::int_div(x, u));
    ROW("T::pow: operand b" + kVar + at(__LINE__), T::pow(x, u));
    ROW("T::maximum: operand a" + kVar + at(__LINE__), T::maximum(u, x));
    ROW("T::minimum: operand b" + kVar + at(__LINE__), T::minimum(x, u));
    ROW("T::eq: operand b" + kVar + at(__LINE__), T::eq(x, u));
    ROW("T::neq: operand a" + kVar + at(__LINE__), T::neq(u, x));
    ROW("T::lt: operand b" + kVar + at(__LINE__), T::lt(x, u));
    ROW("T::le: operand b" + kVar + at(__LINE__), T::le(x, u));
    ROW("T::gt: operand a" + kVar + at(__LINE__), T::gt(u, x));
    ROW("T::ge: operand b" + kVar + at(__LINE__), T::ge(x, u));
    for (auto [name, fn] : std::initializer_list<std::pair<const char*, Var (*)(const Operand&, T::Loc)>>{
             {"T::neg", T::neg}, {"T::abs", T::abs}, {"T::abs_", T::abs_}, {"T::sgn", T::sgn}, {"T::sqr", T::sqr}, {"T::sqrt", T::sqrt},
             {"T::exp", T::exp}, {"T::log", T::log}, {"T::log1p", T::log1p}, {"T::tanh", T::tanh}, {"T::nnet::sigmoid", T::nnet::sigmoid},
             {"T::nnet::softplus", T::nnet::softplus}}) {
      const int line = __LINE__ + 1;
      rows.push_back({std::string(name) + ": operand a" + kVar + at(line), line, [&u, fn = fn] { fn(u, T::Loc::current()); }});
    }
    ROW("T::switch_: operand cond" + kVar + at(__LINE__), T::switch_(u, x, x));
    ROW("T::switch_: operand b" + kVar + at(__LINE__), T::switch_(x, x, u));
    ROW("T::cast: operand x" + kVar + at(__LINE__), T::cast(u, DType::Float32));
    ROW("T::cast: operand x" + kVar + at(__LINE__), T::cast(u, "float32"));
    ROW("T::zeros_like: x" + kVar + at(__LINE__), T::zeros_like(u));
    ROW("T::ones_like: x" + kVar + at(__LINE__), T::ones_like(u));
    ROW("T::nnet::softmax: x" + kVar + at(__LINE__), T::nnet::softmax(u));
    // reductions, linear algebra, shapes
    ROW("T::sum: x" + kVar + at(__LINE__), T::sum(u));
    ROW("T::mean: x" + kVar + at(__LINE__), T::mean(u, 0));
    ROW("T::max: x" + kVar + at(__LINE__), T::max(u));
    ROW("T::argmax: x" + kVar + at(__LINE__), T::argmax(u));
    ROW("T::dot: x" + kVar + at(__LINE__), T::dot(u, m));
    ROW("T::dot: y" + kVar + at(__LINE__), T::dot(m, u));
    ROW("T::arange: stop" + kVar + at(__LINE__), T::arange(u));
    ROW("T::arange: start" + kVar + at(__LINE__), T::arange(u, 5));
    ROW("T::arange: step" + kVar + at(__LINE__), T::arange(0, 5, u));
    ROW("T::shape: x" + kVar + at(__LINE__), T::shape(u));
    ROW("T::reshape: x" + kVar + at(__LINE__), T::reshape(u, {3}));
    ROW("T::reshape: shape[1]" + kVar + at(__LINE__), T::reshape(m, {3, u}));
    ROW("T::flatten: x" + kVar + at(__LINE__), T::flatten(u));
    ROW("T::transpose: x" + kVar + at(__LINE__), T::transpose(u));
    // assembly and advanced indexing
    ROW("T::set_subtensor: x" + kVar + at(__LINE__), T::set_subtensor(u, x));
    ROW("T::inc_subtensor: y" + kVar + at(__LINE__), T::inc_subtensor(x, u));
    ROW("T::alloc: value" + kVar + at(__LINE__), T::alloc(u, {3}));
    ROW("T::alloc: shape[0]" + kVar + at(__LINE__), T::alloc(x, {u}));
    ROW("T::join: xs[1]" + kVar + at(__LINE__), T::join(0, {x, u}));
    ROW("T::concatenate: xs[0]" + kVar + at(__LINE__), T::concatenate({u, x}));
    ROW("T::stack: xs[1]" + kVar + at(__LINE__), T::stack({x, u}));
    ROW("T::identity_like: x" + kVar + at(__LINE__), T::identity_like(u));
    ROW("Var::diagonal: the object" + kVar + at(__LINE__), T::diagonal(u));
    ROW("T::fill: b" + kVar + at(__LINE__), T::fill(x, u));
    ROW("T::tile: x" + kVar + at(__LINE__), T::tile(u, {2}));
    ROW("T::repeat: x" + kVar + at(__LINE__), T::repeat(u, 2));
    ROW("T::shape_padleft: x" + kVar + at(__LINE__), T::shape_padleft(u));
    ROW("T::shape_padright: x" + kVar + at(__LINE__), T::shape_padright(u));
    ROW("T::shape_padaxis: x" + kVar + at(__LINE__), T::shape_padaxis(u, 0));
    ROW("conv2d: input" + kVar + at(__LINE__), T::nnet::conv2d(u, t4));
    ROW("conv2d: filters" + kVar + at(__LINE__), T::nnet::conv2d(t4, u));
    ROW("pool_2d: input" + kVar + at(__LINE__), pool::pool_2d(u, {2, 2}, true));
    // Var's methods and index expressions
    ROW("Var::shape: the object" + kVar + at(__LINE__), u.shape());
    ROW("Var::operator[]: the object" + kVar + at(__LINE__), u[0]);
    ROW("Var::operator[]: index 0" + kVar + at(__LINE__), x[u]);
    ROW("Var::operator[]: index 1" + kVar + at(__LINE__), m[{0, u}]);
    ROW("Var::operator[]: the start of slice 0" + kVar + at(__LINE__), x[T::slice(u, 2)]);
    ROW("Var::operator[]: the stop of slice 0" + kVar + at(__LINE__), x[T::slice(0, u)]);
    ROW("Var::operator[]: the step of slice 1" + kVar + at(__LINE__), m[{0, T::slice(0, 2, u)}]);
    ROW("Var::reshape: the object" + kVar + at(__LINE__), u.reshape({3}));
    ROW("Var::reshape: shape[0]" + kVar + at(__LINE__), m.reshape({u, 3}));
    ROW("Var::dimshuffle: the object" + kVar + at(__LINE__), u.dimshuffle({0}));
    ROW("Var::flatten: the object" + kVar + at(__LINE__), u.flatten());
    ROW("Var::T: the object" + kVar + at(__LINE__), u.T());
    ROW("Var::sum: the object" + kVar + at(__LINE__), u.sum());
    ROW("Var::mean: the object" + kVar + at(__LINE__), u.mean());
    ROW("Var::max: the object" + kVar + at(__LINE__), u.max());
    ROW("Var::argmax: the object" + kVar + at(__LINE__), u.argmax());
    // gradients
    ROW("T::grad: cost" + kVar + at(__LINE__), T::grad(u, x));
    ROW("T::grad: wrt" + kVar + at(__LINE__), T::grad(cost, u));
    ROW("T::grad: wrt[1]" + kVar + at(__LINE__), T::grad(cost, std::vector<Var>{x, u}));
    ROW("T::grad: consider_constant[0]" + kVar + at(__LINE__), T::grad(cost, x, {.consider_constant = {u}}));
    ROW("grad: cost" + kVar, theano::grad(u, {x}));
    ROW("grad: wrt[1]" + kVar, theano::grad(cost, {x, u}));
    ROW("grad: consider_constant[0]" + kVar, theano::grad(cost, {x}, {.consider_constant = {u}}));
    // functions
    ROW("function: inputs[1]" + kVar, theano::function({x, u}, y));
    ROW("function: outputs[0]" + kVar, theano::function({x}, u));
    ROW("function: outputs[1]" + kVar, theano::function({x}, {y, u}));
    ROW("function: updates[0].first (the shared variable)" + kVar, theano::function({x}, y, {.updates = {{u, y}}}));
    ROW("function: updates[0].second (its new value)" + kVar, theano::function({x}, y, {.updates = {{W, u}}}));
    ROW("function: givens[0].first (the replaced variable)" + kVar, theano::function({x2}, y, {.givens = {{u, x2}}}));
    ROW("function: givens[0].second (its replacement)" + kVar, theano::function({x2}, y, {.givens = {{x, u}}}));
    // printing
    ROW("debugprint: v" + kVar, P::debugprint(u, os));
    ROW("debugprint: vs[1]" + kVar, P::debugprint(std::vector<Var>{y, u}, os));
    ROW("debugprint_str: v" + kVar, P::debugprint_str(u));
    ROW("debugprint_str: vs[1]" + kVar, P::debugprint_str({y, u}));
    ROW("pydotprint: v" + kVar, P::pydotprint(u, dir + "/u.dot"));
    ROW("dot_str: v" + kVar, P::dot_str(u));
    ROW("dot_str: vs[0]" + kVar, P::dot_str(std::vector<Var>{u, y}));
    // shared variables, checkpoints, verify_grad
    ROW("SharedVariable: v" + kVar, SharedVariable(Var(u)));
    ROW("checkpoint: parameter 0" + kVar, theano::save(dir + "/p.ckpt", {u}));
    ROW("checkpoint: parameter 1" + kVar, theano::save(dir + "/p.ckpt", {W, u}));
    ROW("checkpoint: parameter 0" + kVar, theano::load(dir + "/p.ckpt", {u}));
    rows.push_back({"verify_grad: the value fun returned" + kVar, __LINE__,
                    [&u, &rng] { gradient::verify_grad([&](const std::vector<Var>&) { return u; }, {f64({2}, {1, 2})}, rng); }, false});
    run_rows(rows, {W, s0}, kind);
  }
}

TEST_CASE("undefined handles: NDArrays SharedVariables and Functions", "[errors][null]") {
  test_files::TempDir dir("theano_null");
  Var x = T::dvector("x");
  SharedVariable W = theano::shared(f64({3}, {1, 2, 3}), "W"), s0 = theano::shared(1.5, "s0");
  Function f = theano::function({x}, x * W, {.updates = {{W, W + x}}, .name = "f"});
  const std::vector<SharedVariable> shared = {W, s0};

  for (int kind = 0; kind < 2; ++kind) {
    NDArray moved_from = f64({1}, {2});
    NDArray taken = std::move(moved_from);
    NDArray a = kind == 0 ? NDArray() : moved_from;
    REQUIRE(!a.defined());
    numpy::RandomState rng(1);
    std::string path = dir / "a.ckpt";
    std::vector<Row> rows;
    ROW("Bad input argument to theano function with name \"f\" at index 0 (0-based) (x). The argument" + kArray + ".", f(a));
    ROW("Bad input argument to theano function with name \"f\" at index 0 (0-based) (x). The argument" + kArray + ".",
        std::vector<Arg> args{Arg(a)};
        f.call(args));
    ROW("set_value of 'W': value" + kArray, W.set_value(a));
    ROW("set_value of 's0': value" + kArray, s0.set_value(a));  // 0-d, as the undefined array: it used to replace the value
    ROW("set_value of 's0': value" + kArray, s0.set_value(a, true));
    ROW("T::constant: value" + kArray + at(__LINE__), T::constant(a));
    ROW("shared: value" + kArray + at(__LINE__), theano::shared(a, "z"));
    ROW("save: " + path + ": array 'a'" + kArray, theano::save_arrays(path, {{"a", a}}));
    ROW("verify_grad: pt[1]" + kArray, gradient::verify_grad([](const std::vector<Var>& v) { return v[0]; }, {f64({1}, {1}), a}, rng));
    ROW("asarray: a" + kArray, numpy::asarray(a, DType::Float32));
    ROW("permutation: x" + kArray, rng.permutation(a));
    ROW("shuffle: x" + kArray, rng.shuffle(a));
    ROW("tile_raster_images: X" + kArray, plots::tile_raster_images(a, {2, 2}, {1, 1}));
    run_rows(rows, shared, kind == 0 ? "NDArray()" : "a moved-from NDArray");
  }

  for (int kind = 0; kind < 2; ++kind) {
    SharedVariable moved_from = theano::shared(1.0, "m");
    SharedVariable taken = std::move(moved_from);
    SharedVariable sv = kind == 0 ? SharedVariable() : moved_from;
    REQUIRE(!sv.defined());
    std::vector<Row> rows;
    ROW("SharedVariable::get_value" + kShared, sv.get_value());
    ROW("SharedVariable::get_value" + kShared, sv.get_value(true));
    ROW("SharedVariable::set_value" + kShared, sv.set_value(f64({3}, {0, 0, 0})));
    run_rows(rows, shared, kind == 0 ? "SharedVariable()" : "a moved-from SharedVariable");
  }

  for (int kind = 0; kind < 2; ++kind) {
    Function moved_from = theano::function({x}, x + 1.0);
    Function taken = std::move(moved_from);
    Function g = kind == 0 ? Function() : moved_from;
    REQUIRE(!g.defined());
    std::ostringstream os;
    std::vector<Row> rows;
    ROW("Function::call" + kFunction, g(f64({3}, {1, 2, 3})));
    ROW("Function::call" + kFunction, g());
    ROW("Function::fgraph" + kFunction, g.fgraph());
    ROW("Function::name" + kFunction, g.name());
    ROW("Function::compile_ms" + kFunction, g.compile_ms());
    ROW("Function::n_nodes" + kFunction, g.n_nodes());
    ROW("Function::profiler" + kFunction, g.profiler());
    ROW("Function::schedule" + kFunction, g.schedule());
    ROW("Function::updates" + kFunction, g.updates());
    ROW("Function::print_profile" + kFunction, g.print_profile());
    ROW("Function::impl" + kFunction, g.impl());
    ROW("print_profile" + kFunction, theano::print_profile(g));
    ROW("profile_str" + kFunction, theano::profile_str(g));
    ROW("memory_stats" + kFunction, theano::memory_stats(g));
    ROW("debugprint" + kFunction, P::debugprint(g, os));
    ROW("debugprint_str" + kFunction, P::debugprint_str(g));
    ROW("pydotprint" + kFunction, P::pydotprint(g, dir / "g.dot"));
    ROW("dot_str" + kFunction, P::dot_str(g));
    run_rows(rows, shared, kind == 0 ? "Function()" : "a moved-from Function");
  }

  // Nothing changed: f still computes and updates as before.
  NDArray out = f(f64({3}, {1, 1, 1}));
  CHECK(values(out) == std::vector<double>{1, 2, 3});
  CHECK(values(W.get_value()) == std::vector<double>{2, 3, 4});
  CHECK(s0.get_value().item() == 1.5);
}
