// theano::printing: debugprint compared with golden text in Theano's exact format, pydotprint's DOT
// checked by graphviz itself (every DOT file written here goes through `dot -Tsvg`) and by content.
// On a golden mismatch the actual text is written to <tmp>/theano_printing_tests/<name>.actual.
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "graph/op_base.hpp"
#include "test_files.hpp"
#include "test_util.hpp"

using namespace theano;
namespace T = theano::tensor;
namespace P = theano::printing;
namespace fs = std::filesystem;

namespace {

fs::path tmp_dir() {
  fs::path d = fs::temp_directory_path() / "theano_printing_tests";  // file names are unique per test case
  fs::create_directories(d);
  return d;
}

void check_golden(const std::string& actual, const std::string& expected, const std::string& name) {
  test_files::check_golden_text("theano_printing_tests", actual, expected, name);
}

bool dot_installed() { return std::system("command -v dot > /dev/null 2>&1") == 0; }

// Every DOT file the tests produce must be accepted by graphviz.
void check_dot_file(const fs::path& dot_file) {
  if (!dot_installed()) FAIL("graphviz's dot is not on PATH: install graphviz (scripts/install_deps.sh) to run the DOT tests");
  REQUIRE(fs::exists(dot_file));
  std::string cmd = "dot -Tsvg '" + dot_file.string() + "' -o '" + dot_file.string() + ".svg' 2>&1";
  INFO(cmd);
  CHECK(std::system(cmd.c_str()) == 0);
}
// Writes DOT text to a file and checks it with graphviz.
void check_dot_text(const std::string& text, const std::string& name) {
  fs::path p = tmp_dir() / (name + ".dot");
  std::ofstream(p) << text;
  check_dot_file(p);
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

NDArray zeros32(const Dims& shape) { return NDArray::zeros(DType::Float32, shape); }

// examples/logistic_sgd.hpp's model and train_model with small shapes, float32 spelled out:
// 4 inputs, 3 classes, minibatches of 2 taken from shared datasets through givens.
struct LogisticTraining {
  SharedVariable W = theano::shared(zeros32({4, 3}), "W", true);
  SharedVariable b = theano::shared(zeros32({3}), "b", true);
  Var index = T::lscalar();
  Var x = T::fmatrix("x");
  Var y = T::ivector("y");
  Var p_y_given_x = T::nnet::softmax(T::dot(x, W) + b);
  Var cost = -T::mean(T::log(p_y_given_x)[{T::arange(y.shape()[0]), y}]);
  Var g_W = T::grad(cost, W);
  Var g_b = T::grad(cost, b);
  SharedVariable train_set_x = theano::shared(zeros32({6, 4}), "", true);
  Var train_set_y = T::cast(theano::shared(zeros32({6}), "", true), "int32");
  Function train_model() const {
    const double learning_rate = 0.13;
    const int batch_size = 2;
    auto minibatch = [&](const Var& data) { return data[T::slice(index * batch_size, (index + 1) * batch_size)]; };
    // The graph as written (FAST_COMPILE): tests/test_rewrites.cpp has the rewritten one.
    return theano::function({index}, cost,
                            {.updates = {{W, W - learning_rate * g_W}, {b, b - learning_rate * g_b}},
                             .givens = {{x, minibatch(train_set_x)}, {y, minibatch(train_set_y)}},
                             .mode = "FAST_COMPILE"});
  }
};

// An op with two outputs (Theano's CrossentropySoftmaxArgmax1HotWithBias prints as "....0", "....1").
class TwoOutputs : public OpOf<TwoOutputs> {
 public:
  std::vector<TensorType> make_types(Vars in) const override { return {in[0].type(), in[0].type()}; }
  void perform(InArrays in, OutArrays out) const override {
    *out[0] = in[0]->copy();
    *out[1] = in[0]->copy();
  }
};

}  // namespace

TEST_CASE("debugprint: Theano's line format and ids and prefixes", "[printing]") {
  auto x = T::dvector("x");
  auto y = T::exp(x) + x;
  check_golden(P::debugprint_str(y),
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{exp,no_inplace} [id B] ''   \n"
               " | |x [id C]\n"
               " |x [id C]\n",
               "simple");
  check_golden(P::debugprint_str(y, P::PrintOptions::WithTypes()),
               "Elemwise{add,no_inplace} [id A] <TensorType(float64, vector)> ''   \n"
               " |Elemwise{exp,no_inplace} [id B] <TensorType(float64, vector)> ''   \n"
               " | |x [id C] <TensorType(float64, vector)>\n"
               " |x [id C] <TensorType(float64, vector)>\n",
               "types");
  check_golden(P::debugprint_str(y, {.ids = "int"}),
               "Elemwise{add,no_inplace} [id 0] ''   \n"
               " |Elemwise{exp,no_inplace} [id 1] ''   \n"
               " | |x [id 2]\n"
               " |x [id 2]\n",
               "ids_int");
  check_golden(P::debugprint_str(y, {.ids = ""}),
               "Elemwise{add,no_inplace}  ''   \n"
               " |Elemwise{exp,no_inplace}  ''   \n"
               " | |x \n"
               " |x \n",
               "ids_none");
  // depth=1 prints the output alone; depth=2 its inputs too.
  check_golden(P::debugprint_str(y, {.depth = 1}), "Elemwise{add,no_inplace} [id A] ''   \n", "depth1");
  check_golden(P::debugprint_str(y, {.depth = 2}),
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{exp,no_inplace} [id B] ''   \n"
               " |x [id C]\n",
               "depth2");
  // The stream overloads print the same text.
  std::ostringstream os;
  P::debugprint(y, os);
  CHECK(os.str() == P::debugprint_str(y));
  CHECK_THROWS_WITH(P::debugprint_str(y, {.ids = "hex"}), Catch::Contains("ids must be"));
}

TEST_CASE("debugprint: a shared node is expanded once - names - constants - the last-child prefix", "[printing]") {
  auto x = T::dmatrix("x");
  auto w = T::dvector();  // unnamed input
  auto h = T::tanh(x * w);
  h.set_name("h");
  auto out = (h - h.sum(1).dimshuffle({0, 'x'})) * 2.0 + T::constant(NDArray::zeros(DType::Float64, {1, 3}));
  check_golden(P::debugprint_str(out),
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n"
               " | |Elemwise{sub,no_inplace} [id C] ''   \n"
               " | | |Elemwise{tanh,no_inplace} [id D] 'h'   \n"
               " | | | |Elemwise{mul,no_inplace} [id E] ''   \n"
               " | | |   |x [id F]\n"
               " | | |   |DimShuffle{x,0} [id G] ''   \n"
               " | | |     |<TensorType(float64, vector)> [id H]\n"
               " | | |DimShuffle{0,x} [id I] ''   \n"
               " | |   |Sum{axis=[1], acc_dtype=float64} [id J] ''   \n"
               " | |     |Elemwise{tanh,no_inplace} [id D] 'h'   \n"
               " | |DimShuffle{x,x} [id K] ''   \n"
               " |   |TensorConstant{2.0} [id L]\n"
               " |TensorConstant{(1, 3) of 0.0} [id M]\n",
               "shared_node");
  // stop_on_name: a named result is printed but not expanded.
  check_golden(P::debugprint_str(h * 3.0, {.stop_on_name = true}),
               "Elemwise{mul,no_inplace} [id A] ''   \n"
               " |Elemwise{tanh,no_inplace} [id B] 'h'   \n"
               " |DimShuffle{x,x} [id C] ''   \n"
               "   |TensorConstant{3.0} [id D]\n",
               "stop_on_name");
  // Several outputs share ids: the second output's graph refers to nodes printed under the first.
  check_golden(P::debugprint_str({h, T::exp(h)}),
               "Elemwise{tanh,no_inplace} [id A] 'h'   \n"
               " |Elemwise{mul,no_inplace} [id B] ''   \n"
               "   |x [id C]\n"
               "   |DimShuffle{x,0} [id D] ''   \n"
               "     |<TensorType(float64, vector)> [id E]\n"
               "Elemwise{exp,no_inplace} [id F] ''   \n"
               " |Elemwise{tanh,no_inplace} [id A] 'h'   \n",
               "two_outputs");
  // print_view_map as Theano's debugmode prints it.
  check_golden(P::debugprint_str(w.dimshuffle({'x', 0}) + 1.0, {.print_view_map = true}),
               "Elemwise{add,no_inplace} [id A] ''  {} \n"
               " |DimShuffle{x,0} [id B] ''  v={0: [0]} \n"
               " | |<TensorType(float64, vector)> [id C]\n"
               " |DimShuffle{x,x} [id D] ''  v={0: [0]} \n"
               "   |TensorConstant{1.0} [id E]\n",
               "view_map");
}

TEST_CASE("debugprint: constants print as Theano's TensorConstant", "[printing]") {
  auto c = [](const NDArray& a) {
    std::string s = P::debugprint_str(T::constant(a));
    return s.substr(0, s.find(" [id"));
  };
  using test_util::arr;
  CHECK(c(NDArray::scalar(1.0)) == "TensorConstant{1.0}");
  CHECK(c(NDArray::scalar(0.13f)) == "TensorConstant{0.13}");
  CHECK(c(NDArray::scalar(int64_t(7))) == "TensorConstant{7}");
  CHECK(c(NDArray::scalar(1e-5)) == "TensorConstant{1e-05}");
  CHECK(c(arr(DType::Float64, {1}, {0.5})) == "TensorConstant{(1,) of 0.5}");
  CHECK(c(arr(DType::Float32, {2, 3}, {0, 0, 0, 0, 0, 0})) == "TensorConstant{(2, 3) of 0.0}");
  CHECK(c(arr(DType::Float64, {2}, {1, 2.5})) == "TensorConstant{[1.  2.5]}");
  CHECK(c(arr(DType::Int64, {3}, {1, 10, 3})) == "TensorConstant{[ 1 10  3]}");
  CHECK(c(arr(DType::Int64, {2, 2}, {1, 2, 3, 4})) == "TensorConstant{[[1 2]\n [3 4]]}");
  // Longer than 20 characters: the first 10, "..", the last 10.
  CHECK(c(arr(DType::Float64, {6}, {0.25, 1.5, 2.75, 3.125, 4.5, 5.0625})) == "TensorConstant{[0.25   1...   5.0625]}");
}

TEST_CASE("debugprint: ids run A..Z then BA and BB as Theano's base 26", "[printing]") {
  // 14 named inputs summed left to right: 13 applies and 14 leaves, 27 ids (A..Z, BA).
  std::vector<Var> xs;
  for (int i = 0; i < 14; ++i) xs.push_back(T::dscalar(fmt::format("x{}", i)));
  Var s = xs[0];
  for (int i = 1; i < 14; ++i) s = s + xs[i];
  std::string text = P::debugprint_str(s);
  check_golden(text,
               "Elemwise{add,no_inplace} [id A] ''   \n"
               " |Elemwise{add,no_inplace} [id B] ''   \n"
               " | |Elemwise{add,no_inplace} [id C] ''   \n"
               " | | |Elemwise{add,no_inplace} [id D] ''   \n"
               " | | | |Elemwise{add,no_inplace} [id E] ''   \n"
               " | | | | |Elemwise{add,no_inplace} [id F] ''   \n"
               " | | | | | |Elemwise{add,no_inplace} [id G] ''   \n"
               " | | | | | | |Elemwise{add,no_inplace} [id H] ''   \n"
               " | | | | | | | |Elemwise{add,no_inplace} [id I] ''   \n"
               " | | | | | | | | |Elemwise{add,no_inplace} [id J] ''   \n"
               " | | | | | | | | | |Elemwise{add,no_inplace} [id K] ''   \n"
               " | | | | | | | | | | |Elemwise{add,no_inplace} [id L] ''   \n"
               " | | | | | | | | | | | |Elemwise{add,no_inplace} [id M] ''   \n"
               " | | | | | | | | | | | | |x0 [id N]\n"
               " | | | | | | | | | | | | |x1 [id O]\n"
               " | | | | | | | | | | | |x2 [id P]\n"
               " | | | | | | | | | | |x3 [id Q]\n"
               " | | | | | | | | | |x4 [id R]\n"
               " | | | | | | | | |x5 [id S]\n"
               " | | | | | | | |x6 [id T]\n"
               " | | | | | | |x7 [id U]\n"
               " | | | | | |x8 [id V]\n"
               " | | | | |x9 [id W]\n"
               " | | | |x10 [id X]\n"
               " | | |x11 [id Y]\n"
               " | |x12 [id Z]\n"
               " |x13 [id BA]\n",
               "base26");
  // One more apply shifts every id by one: x13 becomes BB and a new leaf BC; a repeated leaf keeps its id.
  std::string more = P::debugprint_str(s + T::dscalar("z"));
  CHECK(more.find(" | |x13 [id BB]\n |z [id BC]\n") != std::string::npos);
  CHECK(P::debugprint_str(s + xs[0]).find(" |x0 [id O]\n") != std::string::npos);
}

TEST_CASE("debugprint: a multi-output apply prints .N and shares one id", "[printing]") {
  auto x = T::dvector("x");
  std::vector<Var> outs = as_vars(make_apply(std::make_shared<TwoOutputs>(), {x}));
  check_golden(P::debugprint_str(outs[0] * outs[1]),
               "Elemwise{mul,no_inplace} [id A] ''   \n"
               " |TwoOutputs.0 [id B] ''   \n"
               " | |x [id C]\n"
               " |TwoOutputs.1 [id B] ''   \n",
               "multi_output");
}

TEST_CASE("debugprint: a compiled function prints outputs then updates with toposort indices", "[printing]") {
  auto x = T::dvector("x");
  auto s = theano::shared(NDArray::zeros(DType::Float64, {3}), "s");
  auto acc = theano::shared(0.0);  // unnamed shared scalar
  auto cost = T::dot(T::exp(x), s);
  Function f = theano::function({x}, cost, {.updates = {{s, s + x}, {acc, acc + cost}}});
  check_golden(P::debugprint_str(f),
               "dot [id A] ''   1\n"
               " |Elemwise{exp,no_inplace} [id B] ''   0\n"
               " | |x [id C]\n"
               " |s [id D]\n"
               "Elemwise{add,no_inplace} [id E] ''   2\n"
               " |s [id D]\n"
               " |x [id C]\n"
               "Elemwise{add,no_inplace} [id F] ''   3\n"
               " |<TensorType(float64, scalar)> [id G]\n"
               " |dot [id A] ''   1\n",
               "function");
  std::ostringstream os;
  P::debugprint(f, os, P::PrintOptions::Default());
  CHECK(os.str() == P::debugprint_str(f));
}

TEST_CASE("debugprint: the logistic regression training function", "[printing]") {
  LogisticTraining lr;
  Function train = lr.train_model();
  check_golden(P::debugprint_str(train),
               "Elemwise{neg,no_inplace} [id A] ''   21\n"
               " |Elemwise{true_div,no_inplace} [id B] ''   20\n"
               "   |Sum{axis=[0], acc_dtype=float64} [id C] ''   17\n"
               "   | |AdvancedSubtensor [id D] ''   16\n"
               "   |   |Elemwise{log,no_inplace} [id E] ''   8\n"
               "   |   | |Softmax [id F] ''   7\n"
               "   |   |   |Elemwise{add,no_inplace} [id G] ''   6\n"
               "   |   |     |dot [id H] ''   4\n"
               "   |   |     | |Subtensor{int64:int64:} [id I] ''   3\n"
               "   |   |     | | |<TensorType(float32, matrix)> [id J]\n"
               "   |   |     | | |Elemwise{mul,no_inplace} [id K] ''   0\n"
               "   |   |     | | | |<TensorType(int64, scalar)> [id L]\n"
               "   |   |     | | | |TensorConstant{2} [id M]\n"
               "   |   |     | | |Elemwise{mul,no_inplace} [id N] ''   2\n"
               "   |   |     | |   |Elemwise{add,no_inplace} [id O] ''   1\n"
               "   |   |     | |   | |<TensorType(int64, scalar)> [id L]\n"
               "   |   |     | |   | |TensorConstant{1} [id P]\n"
               "   |   |     | |   |TensorConstant{2} [id Q]\n"
               "   |   |     | |W [id R]\n"
               "   |   |     |DimShuffle{x,0} [id S] ''   5\n"
               "   |   |       |b [id T]\n"
               "   |   |ARange{dtype='int64'} [id U] ''   15\n"
               "   |   | |TensorConstant{0} [id V]\n"
               "   |   | |Shape_i{0} [id W] ''   14\n"
               "   |   | | |Subtensor{int64:int64:} [id X] ''   13\n"
               "   |   | |   |Elemwise{Cast{int32}} [id Y] ''   9\n"
               "   |   | |   | |<TensorType(float32, vector)> [id Z]\n"
               "   |   | |   |Elemwise{mul,no_inplace} [id BA] ''   10\n"
               "   |   | |   | |<TensorType(int64, scalar)> [id L]\n"
               "   |   | |   | |TensorConstant{2} [id BB]\n"
               "   |   | |   |Elemwise{mul,no_inplace} [id BC] ''   12\n"
               "   |   | |     |Elemwise{add,no_inplace} [id BD] ''   11\n"
               "   |   | |     | |<TensorType(int64, scalar)> [id L]\n"
               "   |   | |     | |TensorConstant{1} [id BE]\n"
               "   |   | |     |TensorConstant{2} [id BF]\n"
               "   |   | |TensorConstant{1} [id BG]\n"
               "   |   |Subtensor{int64:int64:} [id X] ''   13\n"
               "   |Elemwise{Cast{float32}} [id BH] ''   19\n"
               "     |Shape_i{0} [id BI] ''   18\n"
               "       |AdvancedSubtensor [id D] ''   16\n"
               "Elemwise{sub,no_inplace} [id BJ] ''   39\n"
               " |W [id R]\n"
               " |Elemwise{mul,no_inplace} [id BK] ''   38\n"
               "   |DimShuffle{x,x} [id BL] ''   22\n"
               "   | |TensorConstant{0.13} [id BM]\n"
               "   |dot [id BN] ''   37\n"
               "     |DimShuffle{1,0} [id BO] ''   23\n"
               "     | |Subtensor{int64:int64:} [id I] ''   3\n"
               "     |Elemwise{mul,no_inplace} [id BP] ''   36\n"
               "       |Elemwise{sub,no_inplace} [id BQ] ''   35\n"
               "       | |Elemwise{true_div,no_inplace} [id BR] ''   31\n"
               "       | | |AdvancedIncSubtensor [id BS] ''   30\n"
               "       | | | |Elemwise{second,no_inplace} [id BT] ''   25\n"
               "       | | | | |Elemwise{log,no_inplace} [id E] ''   8\n"
               "       | | | | |DimShuffle{x,x} [id BU] ''   24\n"
               "       | | | |   |TensorConstant{0.0} [id BV]\n"
               "       | | | |Elemwise{second,no_inplace} [id BW] ''   29\n"
               "       | | | | |AdvancedSubtensor [id D] ''   16\n"
               "       | | | | |DimShuffle{x} [id BX] ''   28\n"
               "       | | | |   |Elemwise{true_div,no_inplace} [id BY] ''   27\n"
               "       | | | |     |Elemwise{neg,no_inplace} [id BZ] ''   26\n"
               "       | | | |     | |TensorConstant{1.0} [id CA]\n"
               "       | | | |     |Elemwise{Cast{float32}} [id BH] ''   19\n"
               "       | | | |ARange{dtype='int64'} [id U] ''   15\n"
               "       | | | |Subtensor{int64:int64:} [id X] ''   13\n"
               "       | | |Softmax [id F] ''   7\n"
               "       | |DimShuffle{0,x} [id CB] ''   34\n"
               "       |   |Sum{axis=[1], acc_dtype=float64} [id CC] ''   33\n"
               "       |     |Elemwise{mul,no_inplace} [id CD] ''   32\n"
               "       |       |Elemwise{true_div,no_inplace} [id BR] ''   31\n"
               "       |       |Softmax [id F] ''   7\n"
               "       |Softmax [id F] ''   7\n"
               "Elemwise{sub,no_inplace} [id CE] ''   58\n"
               " |b [id T]\n"
               " |Elemwise{mul,no_inplace} [id CF] ''   57\n"
               "   |DimShuffle{x} [id CG] ''   40\n"
               "   | |TensorConstant{0.13} [id CH]\n"
               "   |DimShuffle{1} [id CI] ''   56\n"
               "     |DimShuffle{x,0} [id CJ] ''   55\n"
               "       |Sum{axis=[0], acc_dtype=float64} [id CK] ''   54\n"
               "         |Elemwise{mul,no_inplace} [id CL] ''   53\n"
               "           |Elemwise{sub,no_inplace} [id CM] ''   52\n"
               "           | |Elemwise{true_div,no_inplace} [id CN] ''   48\n"
               "           | | |AdvancedIncSubtensor [id CO] ''   47\n"
               "           | | | |Elemwise{second,no_inplace} [id CP] ''   42\n"
               "           | | | | |Elemwise{log,no_inplace} [id E] ''   8\n"
               "           | | | | |DimShuffle{x,x} [id CQ] ''   41\n"
               "           | | | |   |TensorConstant{0.0} [id CR]\n"
               "           | | | |Elemwise{second,no_inplace} [id CS] ''   46\n"
               "           | | | | |AdvancedSubtensor [id D] ''   16\n"
               "           | | | | |DimShuffle{x} [id CT] ''   45\n"
               "           | | | |   |Elemwise{true_div,no_inplace} [id CU] ''   44\n"
               "           | | | |     |Elemwise{neg,no_inplace} [id CV] ''   43\n"
               "           | | | |     | |TensorConstant{1.0} [id CW]\n"
               "           | | | |     |Elemwise{Cast{float32}} [id BH] ''   19\n"
               "           | | | |ARange{dtype='int64'} [id U] ''   15\n"
               "           | | | |Subtensor{int64:int64:} [id X] ''   13\n"
               "           | | |Softmax [id F] ''   7\n"
               "           | |DimShuffle{0,x} [id CX] ''   51\n"
               "           |   |Sum{axis=[1], acc_dtype=float64} [id CY] ''   50\n"
               "           |     |Elemwise{mul,no_inplace} [id CZ] ''   49\n"
               "           |       |Elemwise{true_div,no_inplace} [id CN] ''   48\n"
               "           |       |Softmax [id F] ''   7\n"
               "           |Softmax [id F] ''   7\n",
               "logistic");
}

TEST_CASE("debugprint: scopes and sites", "[printing]") {
  auto x = T::dvector("x");
  Var h, z;
  {
    NameScope l0("layer0");
    h = T::tanh(x);
    {
      NameScope sub("sub");
      z = h * h;
    }
  }
  check_golden(P::debugprint_str(z, P::PrintOptions::WithScopes()),
               "Elemwise{mul,no_inplace} [id A] ''    scope=layer0/sub\n"
               " |Elemwise{tanh,no_inplace} [id B] ''    scope=layer0\n"
               " | |x [id C]\n"
               " |Elemwise{tanh,no_inplace} [id B] ''    scope=layer0\n",
               "scopes");
  std::string verbose = P::debugprint_str(z, P::PrintOptions::Verbose());
  CHECK(verbose.find("<TensorType(float64, vector)> ''    scope=layer0/sub at test_printing.cpp:") != std::string::npos);
}

TEST_CASE("debugprint: a 200000-node chain prints without recursion in linear size", "[printing]") {
  const int n = 200000;
  auto x = T::dvector("x");
  Var y = x;
  for (int i = 0; i < n; ++i) y = y + x;
  auto t0 = std::chrono::steady_clock::now();
  // Depth-limited, into a string: 1 line for the output and 2 for each of the 99 expanded levels.
  std::string limited = P::debugprint_str(y, {.depth = 100});
  CHECK(count(limited, "\n") == 199);
  // In full, Theano's prefixes alone would hold 8e10 characters: nesting is cut every 128 levels,
  // where one line says so and the apply's inputs follow below, under the apply printed again.
  std::string text = P::debugprint_str(y);
  const size_t cuts = size_t(n - 1) / 128;
  CHECK(count(text, " |... inputs of [id ") == cuts);
  CHECK(count(text, "\n") == size_t(2 * n + 1) + 2 * cuts);
  CHECK(text.size() < (size_t(2 * n + 1) + 2 * cuts) * (2 * 129 + 60));
  // The first cut: the apply 128 levels down, the marker, and that apply again as a root.
  std::string deep(2 * 127, ' ');
  for (size_t i = 0; i < deep.size(); i += 2) deep[i + 1] = '|';
  const std::string id = "[id EY]";  // the 129th id: 128 = 4 * 26 + 24
  CHECK(text.find(deep + " |Elemwise{add,no_inplace} " + id + " ''   \n" + deep + " | |... inputs of " + id +
                  " printed below (more than 128 levels deep)\n") != std::string::npos);
  CHECK(text.find("\nElemwise{add,no_inplace} " + id + " ''   \n |Elemwise{add,no_inplace} ") != std::string::npos);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(seconds < 10);
}

TEST_CASE("pydotprint: the logistic training function renders with Theano's colours and UPDATE edges", "[printing]") {
  LogisticTraining lr;
  Function train = lr.train_model();
  std::string dot = P::dot_str(train);
  check_dot_text(dot, "logistic");
  CHECK(dot.rfind("digraph G {\n", 0) == 0);
  CHECK(dot == P::dot_str(train));  // deterministic
  CHECK(count(dot, "label=\"UPDATE\", color=blue") == 2);
  CHECK(dot.find("[label=\"name=W TensorType(float32, matrix)\", shape=box, style=filled, fillcolor=\"cyan\"]") != std::string::npos);
  CHECK(dot.find("[label=\"TensorType(int64, scalar)\", shape=box, style=filled, fillcolor=\"green\"]") != std::string::npos);
  CHECK(dot.find("[label=\"Softmax\", shape=ellipse]") != std::string::npos);
  CHECK(dot.find("[label=\"Elemwise{neg,no_inplace}\", shape=ellipse, style=filled, fillcolor=\"#FFAABB\"]") != std::string::npos);
  // ':' becomes '_' in apply labels; Subtensor and AdvancedSubtensor are purple, Shape_i brown.
  CHECK(dot.find("[label=\"Subtensor{int64_int64_}\", shape=ellipse, style=filled, fillcolor=\"#FFAAFF\"]") != std::string::npos);
  CHECK(dot.find("[label=\"AdvancedSubtensor\", shape=ellipse, style=filled, fillcolor=\"#FFAAFF\"]") != std::string::npos);
  CHECK(dot.find("[label=\"Shape_i{0}\", shape=ellipse, style=filled, fillcolor=\"brown\"]") != std::string::npos);
  // The cost and both update expressions are blue output boxes; a repeated apply label gets its index.
  CHECK(count(dot, "shape=box, style=filled, fillcolor=\"blue\"") == 3);
  CHECK(dot.find("[label=\"Elemwise{mul,no_inplace} id=2\"") != std::string::npos);
  // Compact mode: unnamed intermediates have no box; their edge carries the type and input position.
  CHECK(dot.find("[label=\"1 TensorType(float32, row)\"]") != std::string::npos);
  // A view's input edge is blue (DimShuffle{x,0} of b).
  CHECK(dot.find("[color=blue]") != std::string::npos);

  // Rendering: .svg next to its .dot, and Theano's message.
  fs::path svg = tmp_dir() / "train.svg";
  fs::remove(svg);
  std::ostringstream log;
  P::pydotprint(train, svg.string(), {.log = &log});
  check_dot_file(tmp_dir() / "train.dot");
  if (dot_installed()) {
    CHECK(fs::file_size(svg) > 1000);
    CHECK(log.str() == "The output file is available at " + svg.string() + "\n");
  }
}

TEST_CASE("pydotprint: gradient graphs - plain DOT paths - unused outputs - options", "[printing]") {
  LogisticTraining lr;
  fs::path p = tmp_dir() / "grads.dot";
  std::ostringstream log;
  P::pydotprint({lr.g_W, lr.g_b}, p.string(), {.log = &log});
  check_dot_file(p);
  CHECK(log.str() == "The output file is available at " + p.string() + "\n");
  std::string dot = P::dot_str({lr.g_W, lr.g_b});
  CHECK(count(dot, "fillcolor=\"blue\"") == 2);

  // An unused output of a multi-output apply is a grey box; edges out of such an apply to variable
  // boxes carry the output index (compact edges to other applies carry only the type, as in Theano).
  auto x = T::dvector("x");
  std::vector<Var> outs = as_vars(make_apply(std::make_shared<TwoOutputs>(), {x}));
  std::string two = P::dot_str(T::exp(outs[0]));
  check_dot_text(two, "unused_output");
  CHECK(two.find("fillcolor=\"grey\"") != std::string::npos);
  CHECK(two.find("[label=\"1\"]") != std::string::npos);
  CHECK(two.find("\"a0\" -> \"a1\" [label=\"TensorType(float64, vector)\"]") != std::string::npos);

  // Not compact: every variable gets a box; simple names; border colours instead of fills.
  auto y = T::exp(x) + x;
  std::string full = P::dot_str(y, {.compact = false, .with_ids = true, .high_contrast = false, .var_with_name_simple = true});
  check_dot_text(full, "not_compact");
  CHECK(full.find("[label=\"x\", shape=box, color=\"green\"]") != std::string::npos);
  CHECK(full.find("[label=\"TensorType(float64, vector)\", shape=box]") != std::string::npos);
  CHECK(full.find("[label=\"Elemwise{exp,no_inplace} id=0\", shape=ellipse, color=\"#FFAABB\"]") != std::string::npos);
  // Long labels are cut with "..."; a profiled function shows each apply's time.
  CHECK(P::dot_str(y, {.max_label_size = 20}).find("[label=\"Elemwise{exp,no_i...\"") != std::string::npos);
  Function fp = theano::function({x}, y, {.profile = true, .mode = "FAST_COMPILE"});  // unfused, to find exp's label
  fp(NDArray::zeros(DType::Float64, {2}));
  std::string profiled = P::dot_str(fp);
  check_dot_text(profiled, "profiled");
  CHECK(profiled.find("[label=\"Elemwise{exp,no_inplace}   (0.") != std::string::npos);
}

TEST_CASE("pydotprint: name scopes become nested clusters", "[printing]") {
  auto x = T::dmatrix("x");
  auto W = theano::shared(NDArray::zeros(DType::Float64, {3, 2}), "W");
  Var h, z;
  {
    NameScope l0("layer0");
    h = T::tanh(T::dot(x, W));
    {
      NameScope sub("sub");
      z = h * h;
    }
  }
  Var out = T::sum(z);
  std::string dot = P::dot_str(out);
  check_dot_text(dot, "scopes");
  CHECK(dot.find("  subgraph cluster_0 {\n    label=\"layer0\";\n") != std::string::npos);
  CHECK(dot.find("    subgraph cluster_1 {\n      label=\"sub\";\n      \"a2\" [label=\"Elemwise{mul,no_inplace}\"") != std::string::npos);
  // The top-level Sum is outside every cluster; leaves are drawn at the top level.
  CHECK(dot.find("\n  \"a3\" [label=\"Sum{") != std::string::npos);
  CHECK(dot.find("\n  \"v1\" [label=\"name=W TensorType(float64, matrix)\"") != std::string::npos);
  CHECK(P::dot_str(out, {.scopes = false}).find("cluster") == std::string::npos);
}

TEST_CASE("pydotprint: labels are escaped for DOT", "[printing]") {
  auto x = T::dvector("say \"hi\" {x} \\ back\nslash");
  std::string dot = P::dot_str(T::exp(x));
  check_dot_text(dot, "escaping");
  CHECK(dot.find("[label=\"name=say \\\"hi\\\" {x} \\\\ back\\nslash TensorType(float64, vector)\"") != std::string::npos);
}

TEST_CASE("pydotprint without graphviz: the .dot file and the command to render it", "[printing]") {
  auto x = T::dvector("x");
  fs::path svg = tmp_dir() / "nodot.svg";
  fs::remove(svg);
  struct PathGuard {  // PATH without graphviz for this scope
    std::string saved = std::getenv("PATH") ? std::getenv("PATH") : "";
    PathGuard() { setenv("PATH", "/nonexistent", 1); }
    ~PathGuard() { setenv("PATH", saved.c_str(), 1); }
  };
  std::ostringstream log;
  {
    PathGuard no_dot;
    P::pydotprint(T::exp(x), svg.string(), {.log = &log});
  }
  fs::path dot_file = tmp_dir() / "nodot.dot";
  CHECK(!fs::exists(svg));
  CHECK(log.str() == "graphviz's dot was not found; render with: dot -Tsvg " + dot_file.string() + " -o " + svg.string() +
                         "\nThe output file is available at " + dot_file.string() + "\n");
  check_dot_file(dot_file);
}
