// debugprint of the LeNet5 training function (examples/convolutional_mlp.hpp's classes, small
// nkerns and batch) against golden text, and its DOT picture with one cluster per layer.
// The compiled graph is what compile_function's rewrites make of it: a change to the rewrites
// changes this text. On a mismatch the actual text is written to
// <tmp>/theano_printing_tests/lenet_train.actual; read it through before pasting it here.
#include <filesystem>
#include <fstream>

#include "lenet_fixture.hpp"
#include "test_files.hpp"
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
  test_files::check_golden_text("theano_printing_tests", actual, expected, name);
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

// The golden text: the cost, then the 8 parameter updates (layer3 W, b; layer2 W, b; layer1 W, b;
// layer0 W, b), each apply with its index in the schedule.
const char* const kLenetTrain =
    "Elemwise{Composite{(-(i0 / i1))}} [id A] ''   23\n"
    " |Sum{axis=[0], acc_dtype=float64} [id B] ''   20\n"
    " | |Elemwise{neg,no_inplace} [id C] ''   19\n"
    " |   |CrossentropySoftmaxArgmax1HotWithBias.0 [id D] ''   18\n"
    " |     |dot [id E] ''   15\n"
    " |     | |Elemwise{Composite{tanh((i0 + i1))}} [id F] ''   14\n"
    " |     | | |dot [id G] ''   12\n"
    " |     | | | |Flatten{2} [id H] ''   11\n"
    " |     | | | | |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id I] ''   10\n"
    " |     | | | |   |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id J] ''   8\n"
    " |     | | | |   | |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id K] ''   7\n"
    " |     | | | |   | | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id L] ''   5\n"
    " |     | | | |   | | | |Reshape{4} [id M] ''   4\n"
    " |     | | | |   | | | | |Subtensor{int64:int64:} [id N] ''   3\n"
    " |     | | | |   | | | | | |<TensorType(float32, matrix)> [id O]\n"
    " |     | | | |   | | | | | |Elemwise{mul,no_inplace} [id P] ''   0\n"
    " |     | | | |   | | | | | | |<TensorType(int64, scalar)> [id Q]\n"
    " |     | | | |   | | | | | | |TensorConstant{5} [id R]\n"
    " |     | | | |   | | | | | |Elemwise{mul,no_inplace} [id S] ''   2\n"
    " |     | | | |   | | | | |   |Elemwise{add,no_inplace} [id T] ''   1\n"
    " |     | | | |   | | | | |   | |<TensorType(int64, scalar)> [id Q]\n"
    " |     | | | |   | | | | |   | |TensorConstant{1} [id U]\n"
    " |     | | | |   | | | | |   |TensorConstant{5} [id R]\n"
    " |     | | | |   | | | | |TensorConstant{[ 5  1 28 28]} [id V]\n"
    " |     | | | |   | | | |W [id W]\n"
    " |     | | | |   | | |DimShuffle{x,0,x,x} [id X] ''   6\n"
    " |     | | | |   | |   |b [id Y]\n"
    " |     | | | |   | |W [id Z]\n"
    " |     | | | |   |DimShuffle{x,0,x,x} [id BA] ''   9\n"
    " |     | | | |     |b [id BB]\n"
    " |     | | | |W [id BC]\n"
    " |     | | |DimShuffle{x,0} [id BD] ''   13\n"
    " |     | |   |b [id BE]\n"
    " |     | |W [id BF]\n"
    " |     |b [id BG]\n"
    " |     |Elemwise{Cast{int32}} [id BH] ''   17\n"
    " |       |Subtensor{int64:int64:} [id BI] ''   16\n"
    " |         |<TensorType(float32, vector)> [id BJ]\n"
    " |         |Elemwise{mul,no_inplace} [id P] ''   0\n"
    " |         |Elemwise{mul,no_inplace} [id S] ''   2\n"
    " |Elemwise{Cast{float32}} [id BK] ''   22\n"
    "   |Shape_i{0} [id BL] ''   21\n"
    "     |Subtensor{int64:int64:} [id BI] ''   16\n"
    "Gemm{inplace} [id BM] ''   57\n"
    " |W [id BF]\n"
    " |TensorConstant{-0.1} [id BN]\n"
    " |DimShuffle{1,0} [id BO] ''   24\n"
    " | |Elemwise{Composite{tanh((i0 + i1))}} [id F] ''   14\n"
    " |CrossentropySoftmax1HotWithBiasDx [id BP] ''   28\n"
    " | |Elemwise{Composite{(-second(i0, i1))}} [id BQ] ''   27\n"
    " | | |Elemwise{neg,no_inplace} [id C] ''   19\n"
    " | | |DimShuffle{x} [id BR] ''   26\n"
    " | |   |Elemwise{true_div,no_inplace} [id BS] ''   25\n"
    " | |     |TensorConstant{-1.0} [id BT]\n"
    " | |     |Elemwise{Cast{float32}} [id BK] ''   22\n"
    " | |CrossentropySoftmaxArgmax1HotWithBias.1 [id D] ''   18\n"
    " | |Elemwise{Cast{int32}} [id BH] ''   17\n"
    " |TensorConstant{1.0} [id BU]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id BV] ''   30\n"
    " |TensorConstant{(1,) of 0.1} [id BW]\n"
    " |Sum{axis=[0], acc_dtype=float64} [id BX] ''   29\n"
    " | |CrossentropySoftmax1HotWithBiasDx [id BP] ''   28\n"
    " |b [id BG]\n"
    "Gemm{inplace} [id BY] ''   58\n"
    " |W [id BC]\n"
    " |TensorConstant{-0.1} [id BN]\n"
    " |DimShuffle{1,0} [id BZ] ''   31\n"
    " | |Flatten{2} [id H] ''   11\n"
    " |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CA] ''   34\n"
    " | |Elemwise{Composite{tanh((i0 + i1))}} [id F] ''   14\n"
    " | |TensorConstant{(1, 1) of 1.0} [id CB]\n"
    " | |dot [id CC] ''   33\n"
    " |   |CrossentropySoftmax1HotWithBiasDx [id BP] ''   28\n"
    " |   |DimShuffle{1,0} [id CD] ''   32\n"
    " |     |W [id BF]\n"
    " |TensorConstant{1.0} [id BU]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CE] ''   36\n"
    " |TensorConstant{(1,) of 0.1} [id BW]\n"
    " |Sum{axis=[0], acc_dtype=float64} [id CF] ''   35\n"
    " | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CA] ''   34\n"
    " |b [id BE]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CG] ''   45\n"
    " |TensorConstant{(1, 1, 1, 1) of 0.1} [id CH]\n"
    " |AbstractConv2d_gradWeights{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id CI] ''   44\n"
    " | |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id K] ''   7\n"
    " | |MaxPoolGradRecompute{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id CJ] ''   42\n"
    " | | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id J] ''   8\n"
    " | | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CK] ''   41\n"
    " | |   |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id I] ''   10\n"
    " | |   |TensorConstant{(1, 1, 1, 1) of 1.0} [id CL]\n"
    " | |   |Reshape{4} [id CM] ''   40\n"
    " | |     |dot [id CN] ''   38\n"
    " | |     | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CA] ''   34\n"
    " | |     | |DimShuffle{1,0} [id CO] ''   37\n"
    " | |     |   |W [id BC]\n"
    " | |     |Shape [id CP] ''   39\n"
    " | |       |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id I] ''   10\n"
    " | |Shape [id CQ] ''   43\n"
    " |   |W [id Z]\n"
    " |W [id Z]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CR] ''   47\n"
    " |TensorConstant{(1,) of 0.1} [id BW]\n"
    " |Sum{axis=[0, 2, 3], acc_dtype=float64} [id CS] ''   46\n"
    " | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CK] ''   41\n"
    " |b [id BB]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id CT] ''   54\n"
    " |TensorConstant{(1, 1, 1, 1) of 0.1} [id CH]\n"
    " |AbstractConv2d_gradWeights{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id CU] ''   53\n"
    " | |Reshape{4} [id M] ''   4\n"
    " | |MaxPoolGradRecompute{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id CV] ''   51\n"
    " | | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id L] ''   5\n"
    " | | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CW] ''   50\n"
    " | |   |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id K] ''   7\n"
    " | |   |TensorConstant{(1, 1, 1, 1) of 1.0} [id CL]\n"
    " | |   |AbstractConv2d_gradInputs{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id CX] ''   49\n"
    " | |     |W [id Z]\n"
    " | |     |MaxPoolGradRecompute{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id CJ] ''   42\n"
    " | |     |Shape [id CY] ''   48\n"
    " | |       |MaxPoolBiasActivation{tanh, ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0)} [id K] ''   7\n"
    " | |Shape [id CZ] ''   52\n"
    " |   |W [id W]\n"
    " |W [id W]\n"
    "Elemwise{Composite{(i2 - (i0 * i1))}} [id DA] ''   56\n"
    " |TensorConstant{(1,) of 0.1} [id BW]\n"
    " |Sum{axis=[0, 2, 3], acc_dtype=float64} [id DB] ''   55\n"
    " | |Elemwise{Composite{(i2 * (i1 - (i0 * i0)))}} [id CW] ''   50\n"
    " |b [id Y]\n";

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
