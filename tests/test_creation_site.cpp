// Where the mistake was made: an error's first line names the op, the shapes and the line that
// built the node; the lines after it name the input variables, the name scope and the user's
// frames when the node was built (Theano's "Backtrace when the node is created"), so a bad input
// passed into a helper class is traced to the line that passed it.
#include <string>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
using Catch::Matchers::Contains;
namespace T = theano::tensor;

namespace {

std::string at(int line) { return "test_creation_site.cpp:" + std::to_string(line); }
int helper_line = 0;

// A layer as the tutorials write them: the dot is built here, with whatever input the caller gave.
struct Layer {
  Var output;
  Layer(const Var& input, const Var& W) {
    NameScope scope("layer3");
    helper_line = __LINE__; output = T::dot(input, W);
  }
};

}  // namespace

TEST_CASE("creation site: a build-time error names the inputs and the scope and traces the user's calls", "[errors]") {
  SharedVariable W = theano::shared(NDArray::zeros(DType::Float64, {500, 10}), "W");
  Var x = T::dmatrix("x");
  Var flat = x.reshape({500, 800}).set_name("layer2_input");
  std::string msg = error_of([&] { Layer l(flat, W); }); const int call_line = __LINE__;
  // The first line is as before.
  CHECK(msg.substr(0, msg.find('\n')) ==
        "dot: shapes (500, 800) and (500, 10) not aligned: 800 (dim 1) != 500 (dim 0) (inputs: float64 (500, 800), float64 (500, 10)) at " +
            at(helper_line));
  CHECK_THAT(msg, Contains("\n  input variables: #0 'layer2_input' float64 (500, 800), #1 'W' float64 (500, 10)"));
  CHECK_THAT(msg, Contains("\n  name scope: layer3"));
  CHECK_THAT(msg, Contains("\n  backtrace when the node is created (your code, innermost first):"));
  // The helper's line, then the line that called the helper.
  size_t inner = msg.find(at(helper_line) + " in "), outer = msg.find(at(call_line) + " in ");
  CHECK(inner != std::string::npos);
  CHECK(outer != std::string::npos);
  CHECK(inner < outer);
}

TEST_CASE("creation site: a call-time error keeps its first line and traces where the node was built", "[errors]") {
  Var a = T::dmatrix("a"), b = T::dmatrix("b");
  Var prod = T::dot(a, b); const int line = __LINE__;
  Function f = theano::function({a, b}, prod);
  std::string msg = error_of([&] { f(NDArray::zeros(DType::Float64, {5, 8}), NDArray::zeros(DType::Float64, {5, 1})); });
  CHECK(msg.substr(0, msg.find('\n')) ==
        "dot: shapes (5, 8) and (5, 1) not aligned: 8 (dim 1) != 5 (dim 0) (in dot created at " + at(line) +
            "; inputs: float64 (5, 8), float64 (5, 1); function '<unnamed>': no update was applied)");
  CHECK_THAT(msg, Contains("\n  input variables: #0 'a' float64 (?, ?), #1 'b' float64 (?, ?)"));
  CHECK_THAT(msg, Contains(at(line) + " in "));
  // A node a rewrite built in place of the user's keeps the user's frames: the fused crossentropy
  // of the tutorial's loss reports the line of the loss.
  Var x = T::dmatrix("x"), y = T::ivector("y");
  Var nll = -T::mean(T::log(T::nnet::softmax(x))[{T::arange(y.shape()[0]), y}]); const int nll_line = __LINE__;
  Function loss = theano::function({x, y}, nll);
  std::string bad = error_of([&] { loss(NDArray::zeros(DType::Float64, {2, 4}), arr(DType::Int32, Dims{2}, {0, 9})); });
  CHECK_THAT(bad, Contains("CrossentropySoftmaxArgmax1Hot"));
  CHECK_THAT(bad, Contains(at(nll_line) + " in "));
}
