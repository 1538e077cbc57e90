// docs/errors.md, tested: every class of bad input and the first line of what the user sees. Each
// case asserts the exact first line of the message (paths and the user's file:line included).
#include <unistd.h>
#include <zlib.h>

#include <climits>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <tuple>

#include "../examples/tutorial_flags.hpp"
#include "test_files.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
using namespace test_files;
namespace fs = std::filesystem;
namespace T = theano::tensor;
namespace pool = T::signal::pool;

namespace {

int n_cases = 0;  // bad-input cases checked (reported at the end)

std::string first_line(const std::string& msg) { return msg.substr(0, msg.find('\n')); }
std::string at(int line) { return "test_errors.cpp:" + std::to_string(line); }
NDArray zeros(DType d, const Dims& s) { return NDArray::zeros(d, s); }

// One bad-input case: `what` must throw, and the first line of its message must be `want`.
template <class F>
void expect(const std::string& want, F&& what) {
  ++n_cases;
  std::string got = first_line(error_of(what));
  INFO("case " << n_cases);
  CHECK(got == want);
}

// The same for a message already caught (when the line of the failing call matters).
void expect_text(const std::string& want, const std::string& msg) {
  ++n_cases;
  INFO("case " << n_cases);
  CHECK(first_line(msg) == want);
}

// The call-time suffix the executor adds to a kernel's error.
std::string in_call(const std::string& op, int line, const std::string& inputs, const std::string& fn = "<unnamed>") {
  return fmt::format(" (in {} created at {}; inputs: {}; function '{}': no update was applied)", op, at(line), inputs, fn);
}

const std::string kConv = "AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)}";

}  // namespace

TEST_CASE("errors: shape mismatches at build time (static shapes) and at call time", "[errors]") {
  SharedVariable a3 = theano::shared(zeros(DType::Float64, {3}), "a3"), a4 = theano::shared(zeros(DType::Float64, {4}), "a4");
  SharedVariable m500x800 = theano::shared(zeros(DType::Float64, {500, 800}), "m1");
  SharedVariable m500x10 = theano::shared(zeros(DType::Float64, {500, 10}), "m2");
  Var u = T::dvector("u"), v = T::dvector("v"), A = T::dmatrix("A"), B = T::dmatrix("B");

  // elementwise
  expect("Elemwise{add,no_inplace}: shapes do not broadcast: dimension 0 has sizes 3 and 4 (inputs: float64 (3,), float64 (4,)) at " +
             at(__LINE__ + 1),
         [&] { a3 + a4; });
  Var uv = u + v; const int uv_line = __LINE__;
  Function add = theano::function({u, v}, uv);
  expect("Elemwise{add,no_inplace}: Input dimension mis-match. (input[0].shape[0] = 3, input[1].shape[0] = 4)" +
             in_call("Elemwise{add,no_inplace}", uv_line, "float64 (3,), float64 (4,)"),
         [&] { add(zeros(DType::Float64, {3}), zeros(DType::Float64, {4})); });
  // A size 1 on a dim the type does not declare broadcastable is not stretched (Theano's rule).
  expect("Elemwise{add,no_inplace}: Input dimension mis-match. (input[0].shape[0] = 1, input[1].shape[0] = 4)" +
             in_call("Elemwise{add,no_inplace}", uv_line, "float64 (1,), float64 (4,)"),
         [&] { add(zeros(DType::Float64, {1}), zeros(DType::Float64, {4})); });
  Var row = T::tensor(DType::Float64, {true, false}, "row");
  Function add_row = theano::function({row, A}, row + A);
  expect("Bad input argument to theano function with name \"<unnamed>\" at index 0 (0-based) (row). Dimension 0 is broadcastable and "
         "must have size 1, got shape (2, 3).",
         [&] { add_row(zeros(DType::Float64, {2, 3}), zeros(DType::Float64, {2, 3})); });

  // dot
  expect("dot: shapes (500, 800) and (500, 10) not aligned: 800 (dim 1) != 500 (dim 0) (inputs: float64 (500, 800), float64 (500, 10)) "
         "at " + at(__LINE__ + 1),
         [&] { T::dot(m500x800, m500x10); });
  Var AB = T::dot(A, B); const int dot_line = __LINE__;
  Function dot = theano::function({A, B}, AB);
  expect("dot: shapes (5, 8) and (5, 1) not aligned: 8 (dim 1) != 5 (dim 0)" + in_call("dot", dot_line, "float64 (5, 8), float64 (5, 1)"),
         [&] { dot(zeros(DType::Float64, {5, 8}), zeros(DType::Float64, {5, 1})); });

  // conv2d
  SharedVariable img = theano::shared(zeros(DType::Float64, {2, 3, 8, 8}), "img");
  // dot of N-d tensors: numpy's dot, over img's last axis and m2's first
  expect("T::dot: shapes (2, 3, 8, 8) and (500, 10) not aligned: 8 (dim 3 of a) != 500 (dim 0 of b) (inputs: float64 (2, 3, 8, 8), float64 "
         "(500, 10)) at " + at(__LINE__ + 1),
         [&] { T::dot(img, m500x10); });
  SharedVariable small = theano::shared(zeros(DType::Float64, {2, 1, 3, 3}), "small");
  SharedVariable w2 = theano::shared(zeros(DType::Float64, {4, 2, 3, 3}), "w2"), w5 = theano::shared(zeros(DType::Float64, {4, 1, 5, 5}), "w5");
  Var X = T::dtensor4("X"), W = T::dtensor4("W");
  expect(kConv + ": the input has 3 channels but the filters expect 2 (input (2, 3, 8, 8), filters (4, 2, 3, 3)) (inputs: float64 (2, 3, "
                 "8, 8), float64 (4, 2, 3, 3)) at " + at(__LINE__ + 1),
         [&] { T::nnet::conv2d(img, w2); });
  expect(kConv + ": the filters (4, 1, 5, 5) (5x5 after dilation) do not fit in the input (2, 1, 3, 3) (padded to 3x3); the output would "
                 "have a negative size (inputs: float64 (2, 1, 3, 3), float64 (4, 1, 5, 5)) at " + at(__LINE__ + 1),
         [&] { T::nnet::conv2d(small, w5); });
  expect("conv2d: filter_shape (4, 1, 3, 3) does not match the static shape (4, 1, 5, 5) of 'w5' (at " + at(__LINE__ + 1) + ")",
         [&] { T::nnet::conv2d(X, w5, {.filter_shape = {4, 1, 3, 3}}); });
  expect(kConv + ": input 0 must be 4-d, got 2-d (inputs: float64 (?, ?), float64 (?, ?, ?, ?)) at " + at(__LINE__ + 1),
         [&] { T::nnet::conv2d(A, W); });
  Var XW = T::nnet::conv2d(X, W); const int conv_line = __LINE__;
  Function conv = theano::function({X, W}, XW);
  expect(kConv + ": the input (2, 3, 8, 8) has 3 channels but the filters (4, 2, 3, 3) expect 2" +
             in_call(kConv, conv_line, "float64 (2, 3, 8, 8), float64 (4, 2, 3, 3)"),
         [&] { conv(zeros(DType::Float64, {2, 3, 8, 8}), zeros(DType::Float64, {4, 2, 3, 3})); });
  expect(kConv + ": the filters (4, 1, 5, 5) (5x5 after dilation) do not fit in the input (2, 1, 3, 3) (padded to 3x3); the output would "
                 "have a negative size" + in_call(kConv, conv_line, "float64 (2, 1, 3, 3), float64 (4, 1, 5, 5)"),
         [&] { conv(zeros(DType::Float64, {2, 1, 3, 3}), zeros(DType::Float64, {4, 1, 5, 5})); });

  // pool_2d
  const std::string kPool = "Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'}";
  expect(kPool + ": pools over the last 2 dims; the input is 1-d (inputs: float64 (?,)) at " + at(__LINE__ + 1),
         [&] { pool::pool_2d(u, {.ws = std::pair{2, 2}, .ignore_border = true}); });
  expect("Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(2, 2), mode='max'}: pool_2d: padding must be smaller than the window "
         "(inputs: float64 (?, ?, ?, ?)) at " + at(__LINE__ + 1),
         [&] { pool::pool_2d(X, {.ws = std::pair{2, 2}, .ignore_border = true, .pad = {2, 2}}); });
  expect(kPool + ": expects a float input, got int64 (inputs: int64 (?, ?, ?, ?)) at " + at(__LINE__ + 1),
         [&] { pool::pool_2d(T::ltensor4("li"), {.ws = std::pair{2, 2}, .ignore_border = true}); });
  Var pooled = pool::pool_2d(X, {.ws = std::pair{2, 2}, .ignore_border = true}); const int pool_line = __LINE__;
  Function pf = theano::function({X}, pooled);
  expect("pool_2d: empty image" + in_call(kPool, pool_line, "float64 (1, 1, 0, 3)"), [&] { pf(zeros(DType::Float64, {1, 1, 0, 3})); });
  CHECK(pf(zeros(DType::Float64, {1, 1, 3, 3})).array().shape() == Dims{1, 1, 1, 1});  // a window past the border is dropped
  CHECK(theano::function({X}, pool::pool_2d(X, {.ws = std::pair{4, 4}, .ignore_border = true}))(zeros(DType::Float64, {1, 1, 3, 3}))
            .array()
            .shape() == Dims{1, 1, 0, 0});  // as Theano: an empty result, not an error

  // reshape
  expect("Reshape{1}: cannot reshape 3 elements of shape (3,) into shape (4,) (inputs: float64 (3,), int64 (1,)) at " + at(__LINE__ + 1),
         [&] { a3.reshape({4}); });
  Var r4 = A.reshape({500, 1, 28, 28}); const int reshape_line = __LINE__;
  Function rf = theano::function({A}, r4);
  expect("Reshape{4}: cannot reshape array of shape (100, 784) into shape (500, 1, 28, 28)" +
             in_call("Reshape{4}", reshape_line, "float64 (100, 784), int64 (4,)"),
         [&] { rf(zeros(DType::Float64, {100, 784})); });
  expect("Reshape{2}: only one dimension can be -1 (inputs: float64 (?, ?), int64 (2,)) at " + at(__LINE__ + 1),
         [&] { A.reshape({-1, -1}); });

  // dimshuffle
  expect("DimShuffle{0}: cannot drop dimension 1 of TensorType(float64, matrix): it is not broadcastable (inputs: float64 (?, ?)) at " +
             at(__LINE__ + 1),
         [&] { A.dimshuffle({0}); });
  expect("DimShuffle{x,1}: pattern entry 1 is not a dimension of the 1-d input TensorType(float64, vector) (valid: 0 to 0 or 'x') "
         "(inputs: float64 (?,)) at " + at(__LINE__ + 1),
         [&] { u.dimshuffle({'x', 1}); });
  expect("DimShuffle{0,0}: dimension 0 appears twice in the pattern (inputs: float64 (?, ?)) at " + at(__LINE__ + 1),
         [&] { A.dimshuffle({0, 0}); });
  // A negative entry is not 'x' and does not count from the end.
  for (int bad : {-1, -2}) {
    expect(fmt::format("dimshuffle: pattern entries are input dimensions (0 and up) or 'x', got {} at {}", bad, at(__LINE__ + 1)),
           [&] { A.dimshuffle({bad, 0}); });
  }
}

TEST_CASE("errors: reduction axes out of range or repeated and empty axes without an identity", "[errors]") {
  Var t = T::dtensor3("t");
  expect("sum: axis 3 is out of range for a 3-d input (inputs: float64 (?, ?, ?)) at " + at(__LINE__), [&] { T::sum(t, 3); });
  expect("max: axis -2 is repeated in axis=[1, -2] (inputs: float64 (?, ?, ?)) at " + at(__LINE__), [&] { t.max({1, -2}); });
  Var m = T::min(t, 1); const int min_line = __LINE__;
  Function f = theano::function({t}, m);
  expect("Min{axis=[1]}: zero-size array to reduction operation minimum which has no identity (axis 1 of the input of shape (3, 0, 7) is "
         "empty)" + in_call("Min{axis=[1]}", min_line, "float64 (3, 0, 7)"),
         [&] { f(zeros(DType::Float64, {3, 0, 7})); });
}

TEST_CASE("errors: dtype problems and argument checks and indices", "[errors]") {
  SharedVariable w32 = theano::shared(zeros(DType::Float32, {2}), "w32");
  Var lr = T::dscalar("lr");
  // updates
  Var bad_update = w32 - lr * w32; const int update_line = __LINE__;
  expect("An update must have the same type as the original shared variable (shared_var='w32', shared_var.type=TensorType(float32, "
         "vector), update_val=Elemwise{sub,no_inplace} output, update_val.type=TensorType(float64, vector); the expression was built at " +
             at(update_line) + "). Cast the expression with T::cast(expr, \"float32\") or keep every operand in float32: a float64 operand upcasts a "
                     "float32 expression.",
         [&] { theano::function({lr}, std::vector<Var>{}, {.updates = {{w32, bad_update}}}); });
  Var literal_update = w32 * 70000; const int literal_line = __LINE__;  // an int32 literal upcasts float32 to float64
  expect("An update must have the same type as the original shared variable (shared_var='w32', shared_var.type=TensorType(float32, "
         "vector), update_val=Elemwise{mul,no_inplace} output, update_val.type=TensorType(float64, vector); the expression was built at " +
             at(literal_line) + "). Cast the expression with T::cast(expr, \"float32\") or keep every operand in float32: a float64 operand upcasts a "
                     "float32 expression.",
         [&] { theano::function({}, std::vector<Var>{}, {.updates = {{w32, literal_update}}}); });
  // givens
  SharedVariable set_x = theano::shared(zeros(DType::Float64, {10, 3}), "set_x");
  Var index = T::lscalar("index"), fx = T::fmatrix("x");
  expect("givens: Cannot convert Type TensorType(float64, matrix) (of Variable Subtensor{int64:int64:} output) into Type "
         "TensorType(float32, matrix) (the type of 'x'). You can try to manually convert Subtensor{int64:int64:} output into a "
         "TensorType(float32, matrix), for example with T::cast(value, \"float32\"), or create the data in config.floatX.",
         [&] { theano::function({index}, fx * 2, {.givens = {{fx, set_x[T::slice(index * 2, (index + 1) * 2)]}}}); });
  SharedVariable vec32 = theano::shared(zeros(DType::Float32, {10}), "vec32");
  expect("givens: Cannot convert Type TensorType(float32, vector) (of Variable 'vec32') into Type TensorType(float32, matrix) (the type "
         "of 'x'). You can try to manually convert 'vec32' into a TensorType(float32, matrix), for example with T::cast(value, "
         "\"float32\"), or create the data in config.floatX.",
         [&] { theano::function({}, fx * 2, {.givens = {{fx, vec32}}}); });
  // call arguments
  Var m = T::fmatrix("m"), s = T::lscalar("s"), b = T::bscalar("b");
  Function fm = theano::function({m}, m * 2, {.name = "fm"}), fs = theano::function({s}, s + 1), fb = theano::function({b}, b + 1);
  expect("Bad input argument to theano function with name \"fm\" at index 0 (0-based) (m). TensorType(float32, matrix) cannot store a "
         "value of dtype float64 without risking loss of precision. If you do not mind this loss, you can: 1) explicitly cast your data "
         "to float32, or 2) compile with allow_input_downcast = true (FunctionOptions{.allow_input_downcast = true} or "
         "theano::In(x, {.allow_downcast = true})).",
         [&] { fm(zeros(DType::Float64, {1, 2})); });
  expect("Bad input argument to theano function with name \"<unnamed>\" at index 0 (0-based) (s). TensorType(int64, scalar) cannot "
         "store the value 2.5 without loss: it is a float for int64. If you do not mind this loss, compile with "
         "allow_input_downcast = true.",
         [&] { fs(2.5); });
  expect("Bad input argument to theano function with name \"<unnamed>\" at index 0 (0-based) (b). TensorType(int8, scalar) cannot "
         "store the value 300 without loss: it is out of range for int8.",
         [&] { fb(300); });
  expect("theano function \"fm\" expects 1 argument(s) (m), got 0", [&] { fm(); });
  expect("theano function \"fm\" expects 1 argument(s) (m), got 2", [&] { fm(1.0, 2.0); });
  expect("Bad input argument to theano function with name \"fm\" at index 0 (0-based) (m). Wrong number of dimensions: expected 2, got 1 "
         "with shape (3,).",
         [&] { fm(zeros(DType::Float32, {3})); });
  expect("Bad input argument to theano function with name \"fm\" at index 0 (0-based) (m). Expected a 2-d array, got a scalar.",
         [&] { fm(1.5); });
  expect("set_value of 'w32': TensorType(float32, vector) cannot store a value of dtype float64 without risking loss of precision",
         [&] { w32.set_value(zeros(DType::Float64, {2})); });
  // indices out of range
  SharedVariable W = theano::shared(zeros(DType::Float64, {3}), "W");
  Var idx = T::lvector("idx");
  Var picked = W[idx]; const int adv_line = __LINE__;
  Function adv = theano::function({idx}, picked);
  expect("AdvancedSubtensor: index 5 is out of bounds for axis 0 with size 3" + in_call("AdvancedSubtensor", adv_line, "float64 (3,), int64 (2,)"),
         [&] { adv(i64(Dims{2}, {0, 5})); });
  // The tutorial's negative log-likelihood with a label outside 0..9.
  Var p = T::dmatrix("p"), y = T::ivector("y");
  Var nll = -T::mean(T::log(p)[{T::arange(y.shape()[0]), y}]); const int nll_line = __LINE__;
  Function nf = theano::function({p, y}, nll);
  expect("AdvancedSubtensor: index 10 is out of bounds for axis 1 with size 10" +
             in_call("AdvancedSubtensor", nll_line, "float64 (2, 10), int64 (2,), int32 (2,)"),
         [&] { nf(zeros(DType::Float64, {2, 10}), arr(DType::Int32, Dims{2}, {3, 10})); });
  Var v = T::dvector("v");
  Var seventh = v[7]; const int int_line = __LINE__;
  Function sf = theano::function({v}, seventh);
  expect("Subtensor{int64}: index 7 is out of bounds for axis 0 with size 3" + in_call("Subtensor{int64}", int_line, "float64 (3,), int64 ()"),
         [&] { sf(zeros(DType::Float64, {3})); });
}

TEST_CASE("errors: a negative label means what numpy's index means in FAST_RUN and FAST_COMPILE alike", "[errors]") {
  // FAST_RUN replaces -log(softmax(x))[arange(n), y] by CrossentropySoftmaxArgmax1Hot; FAST_COMPILE
  // indexes. A label of -1 is the last class in both, a label past either end an error in both.
  Var x = T::dmatrix("x"), y = T::ivector("y");
  Var nll = -T::mean(T::log(T::nnet::softmax(x))[{T::arange(y.shape()[0]), y}]);
  Var g = T::grad(nll, x);
  NDArray xv = f64(Dims{2, 4}, {0.5, -1, 2, 0.25, 1, 0, -0.5, 3});
  std::vector<std::vector<double>> results;
  for (const char* mode : {"FAST_RUN", "FAST_COMPILE"}) {
    INFO(mode);
    Function f = theano::function({x, y}, {nll, g}, {.mode = mode});
    Result wrapped = f(xv, arr(DType::Int32, Dims{2}, {-1, 2}));
    Result plain = f(xv, arr(DType::Int32, Dims{2}, {3, 2}));
    CHECK(wrapped.array(0).item() == plain.array(0).item());
    CHECK(values(wrapped.array(1)) == values(plain.array(1)));
    results.push_back(values(wrapped.array(1)));
    results.back().push_back(wrapped.array(0).item());
    for (int bad : {-5, 4}) CHECK_THROWS_WITH(f(xv, arr(DType::Int32, Dims{2}, {0, double(bad)})), Catch::Contains("out of bounds"));
  }
  REQUIRE(results.size() == 2);
  for (size_t i = 0; i < results[0].size(); ++i) CHECK(results[0][i] == Approx(results[1][i]).epsilon(1e-12));
}

TEST_CASE("errors: a minibatch past the end of the data is shorter as in Python and fails downstream", "[errors]") {
  // 1100 rows, batches of 500: batch 2 is data[1000:1500], 100 rows (Python's slice clamps), batch 3 is empty.
  SharedVariable data = theano::shared(zeros(config().floatX, {1100, 784}), "data");
  Var index = T::lscalar("index"), x = T::matrix("x");
  auto batch = data[T::slice(index * 500, (index + 1) * 500)];
  Function shape_of = theano::function({index}, x.shape(), {.givens = {{x, batch}}});
  CHECK(values(shape_of(1)) == std::vector<double>{500, 784});
  CHECK(values(shape_of(2)) == std::vector<double>{100, 784});
  CHECK(values(shape_of(3)) == std::vector<double>{0, 784});
  // LeNet's first line: x.reshape((batch_size, 1, 28, 28)) then meets the short batch.
  Var layer0_input = x.reshape({500, 1, 28, 28}); const int line = __LINE__;
  Function f = theano::function({index}, T::sum(layer0_input), {.givens = {{x, batch}}});
  CHECK(double(f(1)) == 0);
  std::string dt(dtype_name(config().floatX));
  expect("Reshape{4}: cannot reshape array of shape (100, 784) into shape (500, 1, 28, 28)" +
             in_call("Reshape{4}", line, dt + " (100, 784), int64 (4,)"),
         [&] { f(2); });
  expect("Reshape{4}: cannot reshape array of shape (0, 784) into shape (500, 1, 28, 28)" +
             in_call("Reshape{4}", line, dt + " (0, 784), int64 (4,)"),
         [&] { f(3); });
  // A model without a reshape just sees a shorter batch: the mean over 100 rows instead of 500.
  Function mean_of = theano::function({index}, T::mean(x), {.givens = {{x, batch}}});
  CHECK(double(mean_of(2)) == 0);
}

TEST_CASE("errors: T::grad and building functions", "[errors]") {
  Var x = T::dvector("x"), n = T::ivector("n"); const int x_line = __LINE__;
  SharedVariable W = theano::shared(zeros(DType::Float64, {3}), "W"); const int W_line = __LINE__;
  std::string msg = error_of([&] { T::grad(x * 2, x); }); int L = __LINE__;
  expect_text("grad: cost must be a scalar, but Elemwise{mul,no_inplace} output is 1-d (TensorType(float64, vector)) at " + at(L), msg);
  Var cost = T::sum(x * x);
  msg = error_of([&] { T::grad(cost, W); }); L = __LINE__;
  expect_text("grad method was asked to compute the gradient with respect to a variable that is not part of the computational graph of "
              "the cost, or is used only by a non-differentiable operator: 'W' (type TensorType(float64, vector), created at " + at(W_line) +
                  "); cost Sum{axis=[0], acc_dtype=float64} output (at " + at(L) + ")",
              msg);
  Var through_int = T::sum(T::cast(T::cast(x, "int32"), "float64"));  // the path to x is cut by the cast to int32
  msg = error_of([&] { T::grad(through_int, x); }); L = __LINE__;
  expect_text("grad method was asked to compute the gradient with respect to a variable that is not part of the computational graph of "
              "the cost, or is used only by a non-differentiable operator: 'x' (type TensorType(float64, vector), created at " + at(x_line) +
                  "); cost Sum{axis=[0], acc_dtype=float64} output (at " + at(L) + ")",
              msg);
  msg = error_of([&] { T::grad(T::sum(n * 2), n); }); L = __LINE__;
  expect_text("grad: cannot differentiate with respect to 'n' of integer type TensorType(int32, vector) (at " + at(L) + ")", msg);
  // theano.function's own checks
  Var a = T::dscalar("a"), b = T::dscalar("b"); const int b_line = __LINE__;
  expect("theano.function was asked to create a function computing outputs given certain inputs, but the provided input variable at "
         "index 1 is not part of the computational graph needed to compute the outputs: 'b'. To make this error a warning or ignore it, "
         "pass .on_unused_input = \"warn\" or \"ignore\".",
         [&] { theano::function({a, b}, a * 2); });
  expect("function: the graph needs the input 'b' (created at " + at(b_line) +
             ") but it is neither an input of the function nor replaced through givens",
         [&] { theano::function({a}, a + b); });
  expect("Cannot use a shared variable ('W') as explicit input. Consider substituting a non-shared variable via the `givens` parameter",
         [&] { theano::function({W}, W * 2); });
  expect("You are trying to replace variable 'a' through the `givens` parameter, but this variable is an input to your function. "
         "Replacing inputs is currently forbidden because it has no effect. One way to modify an input `x` to a function evaluating f(x) "
         "is to define a new input `y` and use `theano.function([y], f(x), givens={x: g(y)})`.",
         [&] { theano::function({a, b}, a * b, {.givens = {{a, b}}}); });
}

TEST_CASE("errors: random streams and default updates", "[errors][rng_mrg]") {
  using theano::sandbox::rng_mrg::MRG_RandomStreams;
  std::string msg = error_of([] { MRG_RandomStreams srng(0); }); int L = __LINE__;
  expect_text("MRG_RandomStreams: seed should not be 0 (seed 0) (at " + at(L) + ")", msg);
  MRG_RandomStreams srng(234);
  msg = error_of([&] { srng.uniform({3, -2}); }); L = __LINE__;
  expect_text("MRG_RandomStreams.uniform: the specified size contains a dimension with value <= 0 (-2) (at " + at(L) + ")", msg);
  auto lo = T::dscalar("lo");
  Var u = srng.uniform({3}, lo); const int u_line = __LINE__;
  expect("grad: the gradient with respect to 'lo' is undefined: it reaches the cost through undefined_grad (built at " + at(u_line) +
             "), as the low, high, p, avg and std arguments of MRG_RandomStreams' samplers do (Theano's NullTypeGradError)",
         [&] { T::grad(T::sum(u), lo); });
  auto x = theano::shared(0.0, "x"); const int x_line = __LINE__;
  x.set_default_update(x + 1.0);  // a temporary: the variable does not own it
  expect("function: the default update of shared variable 'x' (created at " + at(x_line) +
             ") no longer exists: a shared variable does not own its default update (the expression refers to the variable); keep the "
             "expression, or the graph that computes it, alive",
         [&] { theano::function({}, x); });
}

TEST_CASE("errors: numpy-backed RandomStreams", "[errors][shared_randomstreams]") {
  using theano::tensor::shared_randomstreams::RandomStreams;
  std::string msg = error_of([] { RandomStreams srng(-1); }); int L = __LINE__;
  expect_text("RandomStreams: Seed must be between 0 and 2**32 - 1 (got -1) (at " + at(L) + ")", msg);
  RandomStreams srng(1);
  msg = error_of([&] { srng.uniform({3, -2}); }); L = __LINE__;
  expect_text("RandomStreams.uniform: the size holds a negative dimension (-2) (at " + at(L) + ")", msg);
  msg = error_of([&] { srng.normal({3}, 0.0, 1.0, std::nullopt, "float13"); }); L = __LINE__;
  expect_text("RandomStreams.normal: unknown dtype 'float13' (at " + at(L) + ")", msg);
  msg = error_of([&] { srng.uniform({3}, 0.0, 1.0, std::nullopt, "int32"); }); L = __LINE__;
  expect_text("RandomFunction{uniform}: the sample dtype of uniform must be float32 or float64, got int32 (inputs: int64 (627,), int64 (1,), "
              "float64 (), float64 ()) at " + at(L), msg);
  msg = error_of([&] { srng.uniform({3}, T::dvector("lo")); }); L = __LINE__;
  expect_text("RandomStreams.uniform: low must be a scalar (tensor parameters are not implemented), got 'lo' (TensorType(float64, vector)) (at " +
                  at(L) + ")", msg);
  auto p = T::dscalar("p");
  auto b = theano::function({p}, srng.binomial({3}, 2, p)); const int b_line = __LINE__;
  expect("binomial: p < 0, p > 1 or p is NaN (p=1.5)" + in_call("RandomFunction{binomial}", b_line, "int64 (627,), int64 (1,), int64 (), float64 ()"),
         [&] { b(1.5); });
  auto big = theano::function({}, srng.binomial({3}, 1000, 0.5)); const int big_line = __LINE__;
  expect("binomial: n * min(p, 1 - p) = 500 is above 30, where numpy switches to its BTPE sampler, which is not implemented (n=1000, p=0.5)" +
             in_call("RandomFunction{binomial}", big_line, "int64 (627,), int64 (1,), int64 (), float64 ()"),
         [&] { big(); });
  auto s = T::dscalar("s");
  auto n = theano::function({s}, srng.normal({2}, 0.0, s)); const int n_line = __LINE__;
  expect("normal: std < 0 (std=-1)" + in_call("RandomFunction{normal}", n_line, "int64 (627,), int64 (1,), float64 (), float64 ()"), [&] { n(-1.0); });
  auto lam = T::dscalar("lam");
  auto po = theano::function({lam}, srng.poisson({2}, lam)); const int po_line = __LINE__;
  expect("poisson: lam < 0 or lam is NaN (lam=-1)" + in_call("RandomFunction{poisson}", po_line, "int64 (627,), int64 (1,), float64 ()"),
         [&] { po(-1.0); });
  auto k = T::lscalar("k");
  auto u = theano::function({k}, srng.uniform(std::vector<IntOrVar>{IntOrVar(k)})); const int u_line = __LINE__;
  expect("size must not hold a negative value, got -3 at entry 0" +
             in_call("RandomFunction{uniform}", u_line, "int64 (627,), int64 (1,), float64 (), float64 ()"),
         [&] { u(int64_t(-3)); });
  auto rv = srng.uniform({2}); const int rv_line = __LINE__;
  RandomStreams other(2);
  msg = error_of([&] { other.get(rv.rng()); }); L = __LINE__;
  expect_text("RandomStreams.get: <TensorType(int64, vector)> is not a generator of this RandomStreams (Theano's KeyError) (at " + at(L) + ")", msg);
  rv.rng().set_value(zeros(DType::Int64, {3}));
  expect("get_value of <TensorType(int64, vector)>: its value is not a generator's state: RandomState state: expected an int64 vector of 627 "
         "entries (key, pos, has_gauss, gauss), got int64 (3,)",
         [&] { rv.rng().get_value(); });
  expect("the state must have 627 entries (a RandomState's), got shape (3,)" +
             in_call("RandomFunction{uniform}", rv_line, "int64 (3,), int64 (1,), float64 (), float64 ()"),
         [&] { theano::function({}, rv)(); });
}

TEST_CASE("errors: MRG_RandomStreams arguments", "[errors][rng_mrg]") {
  using theano::sandbox::rng_mrg::MRG_RandomStreams;
  MRG_RandomStreams srng(234);
  std::string msg = error_of([&] { srng.uniform({3}, 0.0, 1.0, std::nullopt, "int32"); }); int L = __LINE__;
  expect_text("MRG_RandomStreams.uniform: dtype must be float32 or float64, got int32 (at " + at(L) + ")", msg);
  msg = error_of([&] { srng.binomial({3}, 1, 1); }); L = __LINE__;
  expect_text("MRG_RandomStreams.binomial: p must be a float probability, got constant array(1, shape=(), dtype=int8) of type "
              "TensorType(int8, scalar) (at " + at(L) + "); write 1.0 for a literal", msg);
  msg = error_of([&] { srng.binomial({3}, 2, 0.5); }); L = __LINE__;
  expect_text("MRG_RandomStreams.binomial: only n = 1 is implemented (got n = 2), as Theano's (at " + at(L) + ")", msg);
  msg = error_of([&] { srng.uniform(std::vector<IntOrVar>{}); }); L = __LINE__;
  expect_text("MRG_RandomStreams.uniform: size is empty (at " + at(L) + ")", msg);
  msg = error_of([&] { srng.uniform({3}, 0.0, 1.0, std::nullopt, {}, 0); }); L = __LINE__;
  expect_text("MRG_RandomStreams.uniform: nstreams must be positive, got 0 (at " + at(L) + ")", msg);
  auto pv = T::dmatrix("pv");
  msg = error_of([&] { srng.choice(2, true, pv); }); L = __LINE__;
  expect_text("MRG_RandomStreams.choice: only works without replacement for now (replace = false), as Theano's (at " + at(L) + ")", msg);
  auto c = theano::function({pv}, srng.choice(3, false, pv)); const int c_line = __LINE__;
  expect("Cannot sample without replacement n samples bigger than the size of the distribution." +
             in_call("ChoiceFromUniform{int64, False}", c_line, fmt::format("float64 (1, 2), {} (3,), int64 ()", dtype_name(config().floatX))),
         [&] { c(zeros(DType::Float64, {1, 2})); });
  msg = error_of([&] { srng.set_rstate({1, 2, 3}); }); L = __LINE__;
  expect_text("MRG_RandomStreams.rstate: seed should be 1 integer or 6 integers, got 3 integers (at " + at(L) + ")", msg);
  auto k = T::lscalar("k");
  auto u = theano::function({k}, srng.uniform(std::vector<IntOrVar>{IntOrVar(k)}, 0.0, 1.0, std::nullopt, "float32")); const int u_line = __LINE__;
  expect("size must not hold a negative value, got -4 at entry 0" +
             in_call("mrg_uniform{TensorType(float32, vector),no_inplace}", u_line, "int32 (15360, 6), int64 (1,)"),
         [&] { u(int64_t(-4)); });
}

TEST_CASE("errors: nonzero of a scalar", "[errors]") {
  std::string msg = error_of([] { T::nonzero(T::dscalar("s")); }); int L = __LINE__;
  expect_text("Nonzero: Nonzero only supports non-scalar arrays. (inputs: float64 ()) at " + at(L), msg);
}

TEST_CASE("errors: THEANO_FLAGS and the tutorials' command-line flags", "[errors]") {
  expect("THEANO_FLAGS: unknown flag 'foo' (known: floatX, profile, mode, optimizer_excluding, device, threads, verify)",
         [] { parse_flags("floatX=float32,foo=1"); });
  expect("THEANO_FLAGS: entry 'floatX' is not of the form name=value", [] { parse_flags("floatX"); });
  expect("THEANO_FLAGS: floatX must be float32 or float64, got 'float16'", [] { parse_flags("floatX=float16"); });
  expect("THEANO_FLAGS: profile must be True or False, got 'yes'", [] { parse_flags("profile=yes"); });
  expect("THEANO_FLAGS: verify must be True or False, got 'on'", [] { parse_flags("verify=on"); });
  expect("THEANO_FLAGS: mode must be FAST_RUN, FAST_COMPILE or NanGuardMode, got 'DebugMode'", [] { parse_flags("mode=DebugMode"); });
  expect("THEANO_FLAGS: device 'cuda0' is not available; theano-cpp runs on cpu", [] { parse_flags("device=cuda0"); });
  CHECK(parse_flags("floatX=float64,,profile=True,mode=NanGuardMode").floatX == DType::Float64);  // empty entries are skipped

  auto parse = [](std::vector<std::string> args) {
    int n_epochs = 1000;
    double learning_rate = 0.13;
    std::string save_path = "best_model.ckpt";
    bool predict = false;
    tutorial::Flags flags("logistic_sgd", "test");
    flags.add("learning_rate", learning_rate, "learning rate");
    flags.add("n_epochs", n_epochs, "epochs");
    flags.add("save", save_path, "checkpoint");
    flags.add_switch("predict", predict, "predict");
    args.insert(args.begin(), "logistic_sgd");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    flags.parse(int(argv.size()), argv.data());
  };
  expect("logistic_sgd: unknown flag '--n_epoch' (known flags: --learning_rate --n_epochs --save --predict --help)",
         [&] { parse({"--n_epoch", "3"}); });
  expect("flag '--n_epochs' expects an integer, got 'three'", [&] { parse({"--n_epochs", "three"}); });
  expect("flag '--learning_rate' expects a number, got '0.1x'", [&] { parse({"--learning_rate=0.1x"}); });
  expect("logistic_sgd: flag '--n_epochs' needs a value", [&] { parse({"--n_epochs"}); });
  expect("logistic_sgd: unexpected argument '5' (known flags: --learning_rate --n_epochs --save --predict --help)", [&] { parse({"5"}); });
  CHECK_NOTHROW(parse({"--n_epochs=3", "--save", "", "--predict"}));
}

TEST_CASE("errors: tutorial flag values are range-checked and parsed exactly", "[errors]") {
  // The tutorials' flags with their ranges (examples/*.cpp main()).
  auto parse = [](std::vector<std::string> args) {
    double learning_rate = 0.13, L2_reg = 0.0001;
    int batch_size = 600;
    std::vector<int> nkerns = {20, 50};
    bool predict = false;
    tutorial::Flags flags("convolutional_mlp", "test");
    flags.add("learning_rate", learning_rate, "learning rate", tutorial::kPositive);
    flags.add("L2_reg", L2_reg, "L2", tutorial::kNonNegative);
    flags.add("batch_size", batch_size, "minibatch size", {1, INT_MAX});
    flags.add("nkerns", nkerns, "kernels", {1, 10000}, 2);
    flags.add_switch("predict", predict, "predict");
    args.insert(args.begin(), "convolutional_mlp");
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    flags.parse(int(argv.size()), argv.data());
    return std::tuple{batch_size, nkerns, predict};
  };
  expect("flag '--batch_size' must be an integer from 1 to 2147483647, got '4294967297'", [&] { parse({"--batch_size", "4294967297"}); });
  expect("flag '--batch_size' must be an integer from 1 to 2147483647, got '0'", [&] { parse({"--batch_size=0"}); });
  expect("flag '--batch_size' expects an integer, got '1e3'", [&] { parse({"--batch_size", "1e3"}); });
  expect("flag '--learning_rate' must be a finite number > 0, got 'nan'", [&] { parse({"--learning_rate", "nan"}); });
  expect("flag '--L2_reg' must be a finite number >= 0, got '-1'", [&] { parse({"--L2_reg", "-1"}); });
  expect("flag '--nkerns' entry 1 of 2 must be an integer from 1 to 10000, got '0'", [&] { parse({"--nkerns", "0,0"}); });
  expect("flag '--nkerns' entry 2 of 2 expects an integer, got ''", [&] { parse({"--nkerns", "20,"}); });
  expect("flag '--nkerns' needs 2 comma-separated values, e.g. 20,50, got 3 in '1,2,3'", [&] { parse({"--nkerns", "1,2,3"}); });
  expect("flag '--predict' is a switch: give it alone or as --predict=true, =false, =1 or =0, got '--predict=yes'",
         [&] { parse({"--predict=yes"}); });
  CHECK(std::get<2>(parse({"--predict"})));
  CHECK(std::get<2>(parse({"--predict=1"})));
  CHECK(!std::get<2>(parse({"--predict", "--predict=false"})));
  CHECK(std::get<0>(parse({"--batch_size", "2147483647"})) == INT_MAX);
  CHECK(std::get<1>(parse({"--nkerns", "4,5"})) == std::vector<int>{4, 5});
}

TEST_CASE("errors: tutorial outputs and models are checked before the data is loaded", "[errors]") {
  TempDir dir;
  std::string d = dir / "adir", ck = dir / "m.ckpt", nan_ck = dir / "nan.ckpt";
  fs::create_directory(d);
  expect("--save " + d + ": is a directory, not a regular file: refusing to replace it", [&] { tutorial::check_save("save", d); });
  expect("--log " + d + ": cannot open for writing: Is a directory", [&] { tutorial::check_writable("log", d); });
  expect("--plot " + dir / "no/p.svg" + ": cannot open for writing: No such file or directory",
         [&] { tutorial::check_writable("plot", dir / "no/p.svg"); });
  tutorial::report.log_path = dir / "r.csv";
  tutorial::report.plot_path = dir / "./r.csv";
  expect("--log " + dir / "r.csv" + " and --plot " + dir / "./r.csv" + " name the same file", [&] { tutorial::check_outputs(""); });
  tutorial::report = {};
  CHECK(fs::is_empty(dir.path / "adir"));
  CHECK(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);  // the probes left nothing

  SharedVariable W = theano::shared(zeros(DType::Float32, {2, 2}), "W"), b = theano::shared(zeros(DType::Float32, {2}), "b");
  save(ck, {W, b});
  NDArray nan_w = zeros(DType::Float32, {2, 2});
  for (int64_t i = 0; i < 4; ++i) nan_w.set_item(i, std::nan(""));
  save_arrays(nan_ck, {{"W", nan_w}, {"b", zeros(DType::Float32, {2})}});
  expect("--resume " + nan_ck + ": entry 0 of 2 ('W') is not finite: NaN at index (0, 0) (4 NaN, 0 Inf)",
         [&] { tutorial::check_model("resume", nan_ck); });
  expect("--resume " + dir / "none.ckpt" + ": no such file", [&] { tutorial::check_model("resume", dir / "none.ckpt"); });
  expect("load: " + nan_ck + ": entry 0 of 2 ('W') is not finite: NaN at index (0, 0) (4 NaN, 0 Inf)",
         [&] { load(nan_ck, {W, b}, {.finite_only = true}); });
  std::string before = read_file(ck);
  W.set_value(nan_w);
  expect("training diverged: parameter 'W' is not finite: NaN at index (0, 0) (4 NaN, 0 Inf); the model was not saved to " + ck +
             " (try a smaller --learning_rate)",
         [&] { tutorial::save_best_model(ck, {W, b}); });
  CHECK(read_file(ck) == before);

  // after loading: every split holds a minibatch, the iterations fit the tutorials' counters
  auto split = [](int64_t n) { return theano::shared(zeros(DType::Float32, {n, 2}), "x"); };
  expect("--dataset d.pkl.gz: the validation set is empty (0 examples)",
         [&] { tutorial::check_minibatches("d.pkl.gz", 1, 1, {{"training", split(5)}, {"validation", split(0)}}); });
  expect("--batch_size 600 is larger than the validation set (100 examples): it would have no minibatch",
         [&] { tutorial::check_minibatches("d.pkl.gz", 600, 1, {{"training", split(1200)}, {"validation", split(100)}}); });
  expect("--n_epochs 1000000 of 50000 minibatches is 50000000000 iterations, more than the 1073741823 the tutorial counts",
         [&] { tutorial::check_minibatches("d.pkl.gz", 1, 1000000, {{"training", split(50000)}}); });

  // a write error of --log: reported with the path, not lost
  if (fs::exists("/dev/full")) {
    tutorial::report.log_path = "/dev/full";
    expect("--log /dev/full: write error: No space left on device", [&] { tutorial::TrainingMonitor m("t", 1, 1, 1); });
    tutorial::report = {};
  }
}

TEST_CASE("errors: checkpoint targets that are not regular files and loops of links", "[errors]") {
  TempDir dir;
  std::string d = dir / "adir", l = dir / "lnull", loop = dir / "loop";
  fs::create_directory(d);
  fs::create_symlink("/dev/null", l);
  fs::create_symlink("loop", loop);
  SharedVariable W = theano::shared(zeros(DType::Float32, {2}), "W");
  expect("save: " + d + ": is a directory, not a regular file: refusing to replace it", [&] { save(d, {W}); });
  expect("save: /dev/null: is a character device, not a regular file: refusing to replace it", [&] { save("/dev/null", {W}); });
  expect("save: " + l + ": is a symbolic link to /dev/null, which is a character device, not a regular file: refusing to replace it",
         [&] { save(l, {W}); });
  expect("save: " + loop + ": too many levels of symbolic links", [&] { save(loop, {W}); });
  CHECK(fs::is_symlink(l));
}

TEST_CASE("errors: messages print integers exactly and name the op once", "[errors]") {
  // a constant index out of range at build time: the op is named once, in front
  SharedVariable v3 = theano::shared(zeros(DType::Float64, {3}), "v3");
  expect("Subtensor{int64}: index 7 is out of bounds for axis 0 with size 3 (inputs: float64 (3,), int64 ()) at " + at(__LINE__ + 1),
         [&] { v3[7]; });
  // a negative dimension is shown as given, not as '?'
  expect("negative dimension -5 in shape (784, -5)", [&] { NDArray::zeros(DType::Float32, Dims{784, -5}); });
  // RandomState.uniform of an infinite range says which (a filter with 0 inputs: +-sqrt(6 / 0))
  numpy::RandomState rng(1);
  expect("Range exceeds valid bounds: uniform(low=-inf, high=inf)", [&] { rng.uniform(-INFINITY, INFINITY, Dims{2}); });
  // int64 values in messages: exact, not 2.14748e+09 (the NaN guard's input ranges too, here of the int64 x cast to float64)
  CHECK(NDArray::scalar<int64_t>(int64_t(1) << 53 | 1).str() == "array(9007199254740993, shape=(), dtype=int64)");
  Var x = T::lvector("x"), dx = T::dvector("dx");
  Function f = theano::function({x, dx}, x * dx, {.nan_guard = true});
  CHECK_THAT(first_line(error_of([&] { f(i64(Dims{1}, {-2147483648LL}), arr(DType::Float64, Dims{1}, {NAN})); })),
             Catch::Matchers::Contains("inputs: #0 float64 (1,) min -2147483648 max -2147483648, #1 float64 (1,) all 1 NaN;"));
  ++n_cases;
}

TEST_CASE("errors: missing or truncated or corrupt data files and checkpoints", "[errors]") {
  // More cases, every truncation and random corruption: tests/test_io.cpp ([io]) and tests/test_checkpoint.cpp ([checkpoint]).
  TempDir dir;
  std::string p = dir / "f";
  const std::string idx = std::string("\0\0\x08\x02\0\0\0\x02\0\0\0\x03", 12) + "abcdef";
  expect("read_idx: " + dir / "missing.idx" + ": no such file", [&] { io::read_idx(dir / "missing.idx"); });
  write_file(p, "PK\x03\x04zip");
  expect("read_idx: " + p + ": not an IDX file (bad magic, expected 00 00 <type> <ndim>)", [&] { io::read_idx(p); });
  write_file(p, idx.substr(0, 15));
  expect("read_idx: " + p + ": expected 6 bytes of data, file has 3 (header: uint8 (2, 3))", [&] { io::read_idx(p); });
  std::string gz = gzip(idx);
  write_file(p, gz.substr(0, gz.size() - 4));
  expect("read_idx: " + p + ": corrupt gzip stream: truncated (unexpected end of file)", [&] { io::read_idx(p); });
  expect("read_pickle: " + dir / "mnist.pkl.gz" + ": no such file", [&] { io::read_mnist_pickle(dir / "mnist.pkl.gz"); });
  write_file(p, "\x80\x02(");
  expect("read_pickle: " + p + ": truncated stream: ended at offset 3 before STOP", [&] { io::read_mnist_pickle(p); });
  write_file(p, gzip(std::string("\x80\x02" "cos\nsystem\nq\x00.", 17)));
  expect("read_pickle: " + p + ": unsupported global os.system (at offset 2, opcode 0x63)",
         [&] { io::read_mnist_pickle(p); });

  SharedVariable W = theano::shared(zeros(DType::Float32, {2, 2}), "W"), b = theano::shared(zeros(DType::Float32, {2}), "b");
  std::string ck = dir / "model.ckpt";
  expect("load: " + ck + ": no such file", [&] { load(ck, {W, b}); });
  save(ck, {W, b});
  std::string bytes;
  {
    std::ifstream in(ck, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  write_file(p, "GIF89a....");
  expect("load: " + p + ": not a theano-cpp checkpoint (bad magic, expected \"THCKPT\")", [&] { load(p, {W, b}); });
  std::string v2 = bytes;
  v2[6] = 2;
  write_file(p, v2);
  expect("load: " + p + ": unsupported checkpoint format version 2 (this build reads version 1)", [&] { load(p, {W, b}); });
  write_file(p, bytes.substr(0, 40));
  expect("load: " + p + ": truncated or corrupt: the header announces 2 entries but only 24 bytes follow", [&] { load(p, {W, b}); });
  write_file(p, bytes.substr(0, 55));
  expect("load: " + p + ": truncated: entry 0 of 2 ('W') announces 11 bytes of data but only 8 bytes are left",
         [&] { load(p, {W, b}); });
  std::string flipped = bytes;
  flipped[bytes.size() - 10] ^= 1;
  write_file(p, flipped);
  CHECK_THAT(first_line(error_of([&] { load(p, {W, b}); })), Catch::Matchers::StartsWith("load: " + p + ": entry 1 of 2 ('b'): CRC mismatch (stored "));
  ++n_cases;
  SharedVariable W3 = theano::shared(zeros(DType::Float32, {3, 2}), "W");
  expect("load: " + ck + ": entry 0 ('W') has shape (2, 2) but the variable's value has shape (3, 2)", [&] { load(ck, {W3, b}); });
  expect("load: " + ck + ": the checkpoint holds 2 arrays ('W', 'b') but 1 variables were given ('W')", [&] { load(ck, {W}); });
  expect("load: " + ck + ": entry 1 is named 'b' but variable 1 is named 'W' (entries are matched by position and name)", [&] { load(ck, {W, W}); });

  // Last test case of the file: the count of bad-input cases above.
  WARN("bad-input cases checked by [errors]: " << n_cases);
}
