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
    "Elemwise{neg,no_inplace} [id A] ''   37\n"
    " |Elemwise{true_div,no_inplace} [id B] ''   36\n"
    "   |Sum{axis=[0], acc_dtype=float64} [id C] ''   33\n"
    "   | |AdvancedSubtensor [id D] ''   32\n"
    "   |   |Elemwise{log,no_inplace} [id E] ''   24\n"
    "   |   | |Softmax [id F] ''   23\n"
    "   |   |   |Elemwise{add,no_inplace} [id G] ''   22\n"
    "   |   |     |dot [id H] ''   20\n"
    "   |   |     | |Elemwise{tanh,no_inplace} [id I] ''   19\n"
    "   |   |     | | |Elemwise{add,no_inplace} [id J] ''   18\n"
    "   |   |     | |   |dot [id K] ''   16\n"
    "   |   |     | |   | |Flatten{2} [id L] ''   15\n"
    "   |   |     | |   | | |Elemwise{tanh,no_inplace} [id M] ''   14\n"
    "   |   |     | |   | |   |Elemwise{add,no_inplace} [id N] ''   13\n"
    "   |   |     | |   | |     |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id O] ''   11\n"
    "   |   |     | |   | |     | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id P] ''   10\n"
    "   |   |     | |   | |     |   |Elemwise{tanh,no_inplace} [id Q] ''   9\n"
    "   |   |     | |   | |     |   | |Elemwise{add,no_inplace} [id R] ''   8\n"
    "   |   |     | |   | |     |   |   |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id S] ''   6\n"
    "   |   |     | |   | |     |   |   | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id T] ''   5\n"
    "   |   |     | |   | |     |   |   |   |Reshape{4} [id U] ''   4\n"
    "   |   |     | |   | |     |   |   |   | |Subtensor{int64:int64:} [id V] ''   3\n"
    "   |   |     | |   | |     |   |   |   | | |<TensorType(float32, matrix)> [id W]\n"
    "   |   |     | |   | |     |   |   |   | | |Elemwise{mul,no_inplace} [id X] ''   0\n"
    "   |   |     | |   | |     |   |   |   | | | |<TensorType(int64, scalar)> [id Y]\n"
    "   |   |     | |   | |     |   |   |   | | | |TensorConstant{5} [id Z]\n"
    "   |   |     | |   | |     |   |   |   | | |Elemwise{mul,no_inplace} [id BA] ''   2\n"
    "   |   |     | |   | |     |   |   |   | |   |Elemwise{add,no_inplace} [id BB] ''   1\n"
    "   |   |     | |   | |     |   |   |   | |   | |<TensorType(int64, scalar)> [id Y]\n"
    "   |   |     | |   | |     |   |   |   | |   | |TensorConstant{1} [id BC]\n"
    "   |   |     | |   | |     |   |   |   | |   |TensorConstant{5} [id BD]\n"
    "   |   |     | |   | |     |   |   |   | |TensorConstant{[ 5  1 28 28]} [id BE]\n"
    "   |   |     | |   | |     |   |   |   |W [id BF]\n"
    "   |   |     | |   | |     |   |   |DimShuffle{x,0,x,x} [id BG] ''   7\n"
    "   |   |     | |   | |     |   |     |b [id BH]\n"
    "   |   |     | |   | |     |   |W [id BI]\n"
    "   |   |     | |   | |     |DimShuffle{x,0,x,x} [id BJ] ''   12\n"
    "   |   |     | |   | |       |b [id BK]\n"
    "   |   |     | |   | |W [id BL]\n"
    "   |   |     | |   |DimShuffle{x,0} [id BM] ''   17\n"
    "   |   |     | |     |b [id BN]\n"
    "   |   |     | |W [id BO]\n"
    "   |   |     |DimShuffle{x,0} [id BP] ''   21\n"
    "   |   |       |b [id BQ]\n"
    "   |   |ARange{dtype='int64'} [id BR] ''   31\n"
    "   |   | |TensorConstant{0} [id BS]\n"
    "   |   | |Shape_i{0} [id BT] ''   30\n"
    "   |   | | |Subtensor{int64:int64:} [id BU] ''   29\n"
    "   |   | |   |Elemwise{Cast{int32}} [id BV] ''   25\n"
    "   |   | |   | |<TensorType(float32, vector)> [id BW]\n"
    "   |   | |   |Elemwise{mul,no_inplace} [id BX] ''   26\n"
    "   |   | |   | |<TensorType(int64, scalar)> [id Y]\n"
    "   |   | |   | |TensorConstant{5} [id BY]\n"
    "   |   | |   |Elemwise{mul,no_inplace} [id BZ] ''   28\n"
    "   |   | |     |Elemwise{add,no_inplace} [id CA] ''   27\n"
    "   |   | |     | |<TensorType(int64, scalar)> [id Y]\n"
    "   |   | |     | |TensorConstant{1} [id CB]\n"
    "   |   | |     |TensorConstant{5} [id CC]\n"
    "   |   | |TensorConstant{1} [id CD]\n"
    "   |   |Subtensor{int64:int64:} [id BU] ''   29\n"
    "   |Elemwise{Cast{float32}} [id CE] ''   35\n"
    "     |Shape_i{0} [id CF] ''   34\n"
    "       |AdvancedSubtensor [id D] ''   32\n"
    "Elemwise{sub,no_inplace} [id CG] ''   55\n"
    " |W [id BO]\n"
    " |Elemwise{mul,no_inplace} [id CH] ''   54\n"
    "   |DimShuffle{x,x} [id CI] ''   38\n"
    "   | |TensorConstant{0.1} [id CJ]\n"
    "   |dot [id CK] ''   53\n"
    "     |DimShuffle{1,0} [id CL] ''   39\n"
    "     | |Elemwise{tanh,no_inplace} [id I] ''   19\n"
    "     |Elemwise{mul,no_inplace} [id CM] ''   52\n"
    "       |Elemwise{sub,no_inplace} [id CN] ''   51\n"
    "       | |Elemwise{true_div,no_inplace} [id CO] ''   47\n"
    "       | | |AdvancedIncSubtensor [id CP] ''   46\n"
    "       | | | |Elemwise{second,no_inplace} [id CQ] ''   41\n"
    "       | | | | |Elemwise{log,no_inplace} [id E] ''   24\n"
    "       | | | | |DimShuffle{x,x} [id CR] ''   40\n"
    "       | | | |   |TensorConstant{0.0} [id CS]\n"
    "       | | | |Elemwise{second,no_inplace} [id CT] ''   45\n"
    "       | | | | |AdvancedSubtensor [id D] ''   32\n"
    "       | | | | |DimShuffle{x} [id CU] ''   44\n"
    "       | | | |   |Elemwise{true_div,no_inplace} [id CV] ''   43\n"
    "       | | | |     |Elemwise{neg,no_inplace} [id CW] ''   42\n"
    "       | | | |     | |TensorConstant{1.0} [id CX]\n"
    "       | | | |     |Elemwise{Cast{float32}} [id CE] ''   35\n"
    "       | | | |ARange{dtype='int64'} [id BR] ''   31\n"
    "       | | | |Subtensor{int64:int64:} [id BU] ''   29\n"
    "       | | |Softmax [id F] ''   23\n"
    "       | |DimShuffle{0,x} [id CY] ''   50\n"
    "       |   |Sum{axis=[1], acc_dtype=float64} [id CZ] ''   49\n"
    "       |     |Elemwise{mul,no_inplace} [id DA] ''   48\n"
    "       |       |Elemwise{true_div,no_inplace} [id CO] ''   47\n"
    "       |       |Softmax [id F] ''   23\n"
    "       |Softmax [id F] ''   23\n"
    "Elemwise{sub,no_inplace} [id DB] ''   61\n"
    " |b [id BQ]\n"
    " |Elemwise{mul,no_inplace} [id DC] ''   60\n"
    "   |DimShuffle{x} [id DD] ''   56\n"
    "   | |TensorConstant{0.1} [id DE]\n"
    "   |DimShuffle{1} [id DF] ''   59\n"
    "     |DimShuffle{x,0} [id DG] ''   58\n"
    "       |Sum{axis=[0], acc_dtype=float64} [id DH] ''   57\n"
    "         |Elemwise{mul,no_inplace} [id CM] ''   52\n"
    "Elemwise{sub,no_inplace} [id DI] ''   72\n"
    " |W [id BL]\n"
    " |Elemwise{mul,no_inplace} [id DJ] ''   71\n"
    "   |DimShuffle{x,x} [id DK] ''   62\n"
    "   | |TensorConstant{0.1} [id DL]\n"
    "   |dot [id DM] ''   70\n"
    "     |DimShuffle{1,0} [id DN] ''   63\n"
    "     | |Flatten{2} [id L] ''   15\n"
    "     |Elemwise{mul,no_inplace} [id DO] ''   69\n"
    "       |dot [id DP] ''   65\n"
    "       | |Elemwise{mul,no_inplace} [id CM] ''   52\n"
    "       | |DimShuffle{1,0} [id DQ] ''   64\n"
    "       |   |W [id BO]\n"
    "       |Elemwise{sub,no_inplace} [id DR] ''   68\n"
    "         |DimShuffle{x,x} [id DS] ''   66\n"
    "         | |TensorConstant{1.0} [id DT]\n"
    "         |Elemwise{mul,no_inplace} [id DU] ''   67\n"
    "           |Elemwise{tanh,no_inplace} [id I] ''   19\n"
    "           |Elemwise{tanh,no_inplace} [id I] ''   19\n"
    "Elemwise{sub,no_inplace} [id DV] ''   78\n"
    " |b [id BN]\n"
    " |Elemwise{mul,no_inplace} [id DW] ''   77\n"
    "   |DimShuffle{x} [id DX] ''   73\n"
    "   | |TensorConstant{0.1} [id DY]\n"
    "   |DimShuffle{1} [id DZ] ''   76\n"
    "     |DimShuffle{x,0} [id EA] ''   75\n"
    "       |Sum{axis=[0], acc_dtype=float64} [id EB] ''   74\n"
    "         |Elemwise{mul,no_inplace} [id DO] ''   69\n"
    "Elemwise{sub,no_inplace} [id EC] ''   92\n"
    " |W [id BI]\n"
    " |Elemwise{mul,no_inplace} [id ED] ''   91\n"
    "   |DimShuffle{x,x,x,x} [id EE] ''   79\n"
    "   | |TensorConstant{0.1} [id EF]\n"
    "   |AbstractConv2d_gradWeights{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id EG] ''   90\n"
    "     |Elemwise{tanh,no_inplace} [id Q] ''   9\n"
    "     |MaxPoolGrad{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id EH] ''   88\n"
    "     | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id P] ''   10\n"
    "     | |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id O] ''   11\n"
    "     | |Elemwise{mul,no_inplace} [id EI] ''   87\n"
    "     |   |Reshape{4} [id EJ] ''   83\n"
    "     |   | |dot [id EK] ''   81\n"
    "     |   | | |Elemwise{mul,no_inplace} [id DO] ''   69\n"
    "     |   | | |DimShuffle{1,0} [id EL] ''   80\n"
    "     |   | |   |W [id BL]\n"
    "     |   | |Shape [id EM] ''   82\n"
    "     |   |   |Elemwise{tanh,no_inplace} [id M] ''   14\n"
    "     |   |Elemwise{sub,no_inplace} [id EN] ''   86\n"
    "     |     |DimShuffle{x,x,x,x} [id EO] ''   84\n"
    "     |     | |TensorConstant{1.0} [id EP]\n"
    "     |     |Elemwise{mul,no_inplace} [id EQ] ''   85\n"
    "     |       |Elemwise{tanh,no_inplace} [id M] ''   14\n"
    "     |       |Elemwise{tanh,no_inplace} [id M] ''   14\n"
    "     |Shape [id ER] ''   89\n"
    "       |W [id BI]\n"
    "Elemwise{sub,no_inplace} [id ES] ''   98\n"
    " |b [id BK]\n"
    " |Elemwise{mul,no_inplace} [id ET] ''   97\n"
    "   |DimShuffle{x} [id EU] ''   93\n"
    "   | |TensorConstant{0.1} [id EV]\n"
    "   |DimShuffle{1} [id EW] ''   96\n"
    "     |DimShuffle{x,0,x,x} [id EX] ''   95\n"
    "       |Sum{axis=[0, 2, 3], acc_dtype=float64} [id EY] ''   94\n"
    "         |Elemwise{mul,no_inplace} [id EI] ''   87\n"
    "Elemwise{sub,no_inplace} [id EZ] ''   110\n"
    " |W [id BF]\n"
    " |Elemwise{mul,no_inplace} [id FA] ''   109\n"
    "   |DimShuffle{x,x,x,x} [id FB] ''   99\n"
    "   | |TensorConstant{0.1} [id FC]\n"
    "   |AbstractConv2d_gradWeights{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id FD] ''   108\n"
    "     |Reshape{4} [id U] ''   4\n"
    "     |MaxPoolGrad{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id FE] ''   106\n"
    "     | |AbstractConv2d{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id T] ''   5\n"
    "     | |Pool{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id S] ''   6\n"
    "     | |Elemwise{mul,no_inplace} [id FF] ''   105\n"
    "     |   |AbstractConv2d_gradInputs{border_mode='valid', subsample=(1, 1), filter_flip=True, filter_dilation=(1, 1)} [id FG] ''   101\n"
    "     |   | |W [id BI]\n"
    "     |   | |MaxPoolGrad{ws=(2, 2), ignore_border=True, stride=(2, 2), pad=(0, 0), mode='max'} [id EH] ''   88\n"
    "     |   | |Shape [id FH] ''   100\n"
    "     |   |   |Elemwise{tanh,no_inplace} [id Q] ''   9\n"
    "     |   |Elemwise{sub,no_inplace} [id FI] ''   104\n"
    "     |     |DimShuffle{x,x,x,x} [id FJ] ''   102\n"
    "     |     | |TensorConstant{1.0} [id FK]\n"
    "     |     |Elemwise{mul,no_inplace} [id FL] ''   103\n"
    "     |       |Elemwise{tanh,no_inplace} [id Q] ''   9\n"
    "     |       |Elemwise{tanh,no_inplace} [id Q] ''   9\n"
    "     |Shape [id FM] ''   107\n"
    "       |W [id BF]\n"
    "Elemwise{sub,no_inplace} [id FN] ''   116\n"
    " |b [id BH]\n"
    " |Elemwise{mul,no_inplace} [id FO] ''   115\n"
    "   |DimShuffle{x} [id FP] ''   111\n"
    "   | |TensorConstant{0.1} [id FQ]\n"
    "   |DimShuffle{1} [id FR] ''   114\n"
    "     |DimShuffle{x,0,x,x} [id FS] ''   113\n"
    "       |Sum{axis=[0, 2, 3], acc_dtype=float64} [id FT] ''   112\n"
    "         |Elemwise{mul,no_inplace} [id FF] ''   105\n";

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
