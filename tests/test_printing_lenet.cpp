// debugprint of the LeNet5 training function (examples/convolutional_mlp.hpp's classes, small
// nkerns and batch) against golden text, and its DOT picture with one cluster per layer.
// The compiled graph is what compile_function's rewrites make of it: a change to the rewrites
// changes this text. On a mismatch the actual text is written to
// <tmp>/theano_printing_tests/lenet_train.actual; read it through before pasting it here.
#include <filesystem>
#include <fstream>

#include "lenet_fixture.hpp"
#include "test_util.hpp"

using namespace theano;
namespace P = theano::printing;
namespace fs = std::filesystem;

namespace {

fs::path tmp_dir() {
  fs::path d = fs::temp_directory_path() / "theano_printing_tests";
  fs::create_directories(d);
  return d;
}

void check_golden(const std::string& actual, const std::string& expected, const std::string& name) {
  if (actual != expected) {
    std::ofstream(tmp_dir() / (name + ".actual")) << actual;
    UNSCOPED_INFO("actual text written to " << (tmp_dir() / (name + ".actual")).string());
  }
  CHECK(actual == expected);
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

// The golden text: the cost, then the 8 parameter updates (layer3 W, b; layer2 W, b; layer1 W, b;
// layer0 W, b), each apply with its index in the schedule.
const char* const kLenetTrain =
    "Elemwise{Composite{(-(i0 / i1))}} [id A] ''   25\n"
    " |Sum{axis=[0], acc_dtype=float64} [id B] ''   22\n"
    " | |Elemwise{neg,no_inplace} [id C] ''   21\n"
    " |   |CrossentropySoftmaxArgmax1HotWithBias.0 [id D] ''   20\n"
    " |     |dot [id E] ''   17\n"
    " |     | |Elemwise{Composite{tanh((i0 + i1))}} [id F] ''   16\n"
    " |     | | |dot [id G] ''   14\n"
    " |     | | | |Flatten{2} [id H] ''   13\n"
    " |     | | | | |Elemwise{Composite{tanh((i0 + i1))}} [id I] ''   12\n"
    " |     | | | |   |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id J] ''   10\n"
    " |     | | | |   | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id K] ''   9\n"
    " |     | | | |   |   |Elemwise{Composite{tanh((i0 + i1))}} [id L] ''   8\n"
    " |     | | | |   |   | |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id M] ''   6\n"
    " |     | | | |   |   | | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id N] ''   5\n"
    " |     | | | |   |   | |   |Reshape{4} [id O] ''   4\n"
    " |     | | | |   |   | |   | |Subtensor{int64:int64:} [id P] ''   3\n"
    " |     | | | |   |   | |   | | |<TensorType(float32, matrix)> [id Q]\n"
    " |     | | | |   |   | |   | | |Elemwise{mul,no_inplace} [id R] ''   0\n"
    " |     | | | |   |   | |   | | | |<TensorType(int64, scalar)> [id S]\n"
    " |     | | | |   |   | |   | | | |TensorConstant{5} [id T]\n"
    " |     | | | |   |   | |   | | |Elemwise{mul,no_inplace} [id U] ''   2\n"
    " |     | | | |   |   | |   | |   |Elemwise{add,no_inplace} [id V] ''   1\n"
    " |     | | | |   |   | |   | |   | |<TensorType(int64, scalar)> [id S]\n"
    " |     | | | |   |   | |   | |   | |TensorConstant{1} [id W]\n"
    " |     | | | |   |   | |   | |   |TensorConstant{5} [id T]\n"
    " |     | | | |   |   | |   | |TensorConstant{[ 5  1 28 28]} [id X]\n"
    " |     | | | |   |   | |   |W [id Y]\n"
    " |     | | | |   |   | |DimShuffle{x,0,x,x} [id Z] ''   7\n"
    " |     | | | |   |   |   |b [id BA]\n"
    " |     | | | |   |   |W [id BB]\n"
    " |     | | | |   |DimShuffle{x,0,x,x} [id BC] ''   11\n"
    " |     | | | |     |b [id BD]\n"
    " |     | | | |W [id BE]\n"
    " |     | | |DimShuffle{x,0} [id BF] ''   15\n"
    " |     | |   |b [id BG]\n"
    " |     | |W [id BH]\n"
    " |     |b [id BI]\n"
    " |     |Elemwise{Cast{int32}} [id BJ] ''   19\n"
    " |       |Subtensor{int64:int64:} [id BK] ''   18\n"
    " |         |<TensorType(float32, vector)> [id BL]\n"
    " |         |Elemwise{mul,no_inplace} [id R] ''   0\n"
    " |         |Elemwise{mul,no_inplace} [id U] ''   2\n"
    " |Elemwise{Cast{float32}} [id BM] ''   24\n"
    "   |Shape_i{0} [id BN] ''   23\n"
    "     |Subtensor{int64:int64:} [id BK] ''   18\n"
    "Gemm{inplace} [id BO] ''   59\n"
    " |W [id BH]\n"
    " |TensorConstant{-0.1} [id BP]\n"
    " |DimShuffle{1,0} [id BQ] ''   26\n"
    " | |Elemwise{Composite{tanh((i0 + i1))}} [id F] ''   16\n"
    " |CrossentropySoftmax1HotWithBiasDx [id BR] ''   30\n"
    " | |Elemwise{Composite{(-second(i0, i1))}} [id BS] ''   29\n"
    " | | |Elemwise{neg,no_inplace} [id C] ''   21\n"
    " | | |DimShuffle{x} [id BT] ''   28\n"
    " | |   |Elemwise{true_div,no_inplace} [id BU] ''   27\n"
    " | |     |TensorConstant{-1.0} [id BV]\n"
    " | |     |Elemwise{Cast{float32}} [id BM] ''   24\n"
    " | |CrossentropySoftmaxArgmax1HotWithBias.1 [id D] ''   20\n"
    " | |Elemwise{Cast{int32}} [id BJ] ''   19\n"
    " |TensorConstant{1.0} [id BW]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id BX] ''   32\n"
    " |TensorConstant{(1,) of 0.1} [id BY]\n"
    " |Sum{axis=[0], acc_dtype=float64} [id BZ] ''   31\n"
    " | |CrossentropySoftmax1HotWithBiasDx [id BR] ''   30\n"
    " |b [id BI]\n"
    "Gemm{inplace} [id CA] ''   60\n"
    " |W [id BE]\n"
    " |TensorConstant{-0.1} [id BP]\n"
    " |DimShuffle{1,0} [id CB] ''   33\n"
    " | |Flatten{2} [id H] ''   13\n"
    " |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CC] ''   36\n"
    " | |Elemwise{Composite{tanh((i0 + i1))}} [id F] ''   16\n"
    " | |TensorConstant{(1, 1) of 1.0} [id CD]\n"
    " | |dot [id CE] ''   35\n"
    " |   |CrossentropySoftmax1HotWithBiasDx [id BR] ''   30\n"
    " |   |DimShuffle{1,0} [id CF] ''   34\n"
    " |     |W [id BH]\n"
    " |TensorConstant{1.0} [id BW]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CG] ''   38\n"
    " |TensorConstant{(1,) of 0.1} [id BY]\n"
    " |Sum{axis=[0], acc_dtype=float64} [id CH] ''   37\n"
    " | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CC] ''   36\n"
    " |b [id BG]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CI] ''   47\n"
    " |TensorConstant{(1, 1, 1, 1) of 0.1} [id CJ]\n"
    " |AbstractConv2d_gradWeights{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id CK] ''   46\n"
    " | |Elemwise{Composite{tanh((i0 + i1))}} [id L] ''   8\n"
    " | |MaxPoolGrad{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id CL] ''   44\n"
    " | | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id K] ''   9\n"
    " | | |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id J] ''   10\n"
    " | | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CM] ''   43\n"
    " | |   |Elemwise{Composite{tanh((i0 + i1))}} [id I] ''   12\n"
    " | |   |TensorConstant{(1, 1, 1, 1) of 1.0} [id CN]\n"
    " | |   |Reshape{4} [id CO] ''   42\n"
    " | |     |dot [id CP] ''   40\n"
    " | |     | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CC] ''   36\n"
    " | |     | |DimShuffle{1,0} [id CQ] ''   39\n"
    " | |     |   |W [id BE]\n"
    " | |     |Shape [id CR] ''   41\n"
    " | |       |Elemwise{Composite{tanh((i0 + i1))}} [id I] ''   12\n"
    " | |Shape [id CS] ''   45\n"
    " |   |W [id BB]\n"
    " |W [id BB]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CT] ''   49\n"
    " |TensorConstant{(1,) of 0.1} [id BY]\n"
    " |Sum{axis=[0, 2, 3], acc_dtype=float64} [id CU] ''   48\n"
    " | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CM] ''   43\n"
    " |b [id BD]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CV] ''   56\n"
    " |TensorConstant{(1, 1, 1, 1) of 0.1} [id CJ]\n"
    " |AbstractConv2d_gradWeights{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id CW] ''   55\n"
    " | |Reshape{4} [id O] ''   4\n"
    " | |MaxPoolGrad{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id CX] ''   53\n"
    " | | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id N] ''   5\n"
    " | | |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id M] ''   6\n"
    " | | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CY] ''   52\n"
    " | |   |Elemwise{Composite{tanh((i0 + i1))}} [id L] ''   8\n"
    " | |   |TensorConstant{(1, 1, 1, 1) of 1.0} [id CN]\n"
    " | |   |AbstractConv2d_gradInputs{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id CZ] ''   51\n"
    " | |     |W [id BB]\n"
    " | |     |MaxPoolGrad{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id CL] ''   44\n"
    " | |     |Shape [id DA] ''   50\n"
    " | |       |Elemwise{Composite{tanh((i0 + i1))}} [id L] ''   8\n"
    " | |Shape [id DB] ''   54\n"
    " |   |W [id Y]\n"
    " |W [id Y]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id DC] ''   58\n"
    " |TensorConstant{(1,) of 0.1} [id BY]\n"
    " |Sum{axis=[0, 2, 3], acc_dtype=float64} [id DD] ''   57\n"
    " | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CY] ''   52\n"
    " |b [id BA]\n";

}  // namespace

TEST_CASE("debugprint: the LeNet5 training function", "[printing]") {
  test_lenet::LeNet net(5, {2, 3});
  check_golden(P::debugprint_str(net.train_model), kLenetTrain, "lenet_train");
}

TEST_CASE("debugprint and pydotprint: LeNet5's layers by NameScope", "[printing]") {
  test_lenet::LeNet net(5, {2, 3});
  // Every forward apply of the four layers carries its scope; gradient applies are built by
  // T::grad outside any scope.
  std::string text = P::debugprint_str(net.train_model, P::PrintOptions::WithScopes());
  for (const char* scope : {" scope=layer0", " scope=layer1", " scope=layer2", " scope=layer3"}) CHECK(count(text, scope) > 0);
  CHECK(count(text, "AbstractConv2d{") > 0);

  std::string dot = P::dot_str(net.train_model);
  for (const char* layer : {"label=\"layer0\";", "label=\"layer1\";", "label=\"layer2\";", "label=\"layer3\";"}) CHECK(count(dot, layer) == 1);
  CHECK(count(dot, "subgraph cluster_") == 4);
  CHECK(count(dot, "label=\"UPDATE\"") == 8);
  if (std::system("command -v dot > /dev/null 2>&1") == 0) {
    fs::path svg = tmp_dir() / "lenet_train.svg";
    fs::remove(svg);
    P::pydotprint(net.train_model, svg.string(), {.print_output_file = false});
    REQUIRE(fs::exists(svg));
    std::ifstream in(svg);
    std::string s((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // graphviz keeps the cluster names as SVG titles and draws their labels.
    for (const char* cluster : {"<title>cluster_0</title>", "<title>cluster_3</title>", ">layer0</text>", ">layer3</text>"})
      CHECK(count(s, cluster) == 1);
  }
}
