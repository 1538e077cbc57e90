// Broadcasting follows the types, as Theano's: a size-1 dim stretches only where its type says it
// is broadcastable; elsewhere sizes must be equal when the op runs ("Input dimension mis-match"). An
// update whose value's shape differs from its shared variable's is refused unless the function
// allows it. Either error applies no update.
#include <string>

#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {
std::string first_line(const std::string& msg) { return msg.substr(0, msg.find('\n')); }
NDArray ones(const Dims& shape) { return f64(shape, std::vector<double>(size_t(shape.product()), 1.0)); }
}  // namespace

TEST_CASE("strict broadcasting: a (1 3) dmatrix does not stretch to (2 3) and its SGD update changes nothing", "[broadcast][errors]") {
  // The reported case: W is a (1, 3) matrix whose first dim is not broadcastable, x a (2, 3) batch.
  SharedVariable W = theano::shared(numpy::zeros({1, 3}), "W");
  Var x = T::dmatrix("x");
  Var cost = T::sum(T::sqr(x + W));
  Var g = T::grad(cost, W);
  for (const char* mode : {"FAST_RUN", "FAST_COMPILE"}) {
    INFO(mode);
    Function train = theano::function({x}, cost, {.updates = {{W, W - 0.1 * g}}, .name = "train", .mode = mode});
    NDArray before = W.get_value();
    std::string msg = first_line(error_of([&] { train(ones({2, 3})); }));
    CHECK(msg.find("Input dimension mis-match. (input[0].shape[0] = 2, input[1].shape[0] = 1)") != std::string::npos);
    CHECK(msg.find("function 'train': no update was applied") != std::string::npos);
    CHECK(W.get_value().shape() == Dims{1, 3});
    CHECK(values(W.get_value()) == values(before));
    // A batch of W's shape works.
    CHECK_NOTHROW(train(ones({1, 3})));
    CHECK(W.get_value().shape() == Dims{1, 3});
  }
  // A bias declared as a broadcastable row (dimshuffle('x', 0)) stretches, and its gradient is summed.
  SharedVariable B = theano::shared(numpy::zeros({3}), "B");
  Var gb = T::grad(T::sum(T::sqr(x + B.dimshuffle({'x', 0}))), B);
  Function train_b = theano::function({x}, gb, {.updates = {{B, B - 0.1 * gb}}});
  NDArray grad_b = train_b(ones({2, 3}));
  CHECK(values(grad_b) == std::vector<double>{4, 4, 4});  // 2 rows * 2 * (1 + 0)
  CHECK(B.get_value().shape() == Dims{3});
}

TEST_CASE("strict broadcasting: every elementwise path refuses a size 1 on a dim its type does not broadcast", "[broadcast][errors]") {
  Var a = T::dmatrix("a"), b = T::dmatrix("b");
  Var row = T::tensor(DType::Float64, {true, false}, "row");
  struct Case {
    const char* what;
    Var out;
    std::vector<Var> in;
  };
  // Fused (Composite), plain, a comparison and a switch; float32 casts on the way.
  std::vector<Case> cases = {{"tanh(a * b) + a", T::tanh(a * b) + a, {a, b}},
                             {"a - b", a - b, {a, b}},
                             {"a < b", a < b, {a, b}},
                             {"switch(a > 0, a, b)", T::switch_(a > 0.0, a, b), {a, b}},
                             {"cast(a) + cast(b)", T::cast(a, "float32") + T::cast(b, "float32"), {a, b}}};
  for (const Case& c : cases)
    for (const char* mode : {"FAST_RUN", "FAST_COMPILE"}) {
      INFO(c.what << " in " << mode);
      Function f = theano::function(c.in, c.out, {.mode = mode});
      CHECK(first_line(error_of([&] { f(ones({1, 4}), ones({3, 4})); })).find("Input dimension mis-match") !=
            std::string::npos);
      CHECK(first_line(error_of([&] { f(ones({3, 4}), ones({3, 1})); })).find("Input dimension mis-match") !=
            std::string::npos);
      CHECK_NOTHROW(f(ones({3, 4}), ones({3, 4})));
      CHECK_NOTHROW(f(ones({0, 4}), ones({0, 4})));
    }
  // A broadcastable row stretches; an empty batch against it too.
  Function f = theano::function({row, b}, row + b);
  CHECK(NDArray(f(ones({1, 4}), ones({3, 4}))).shape() == Dims{3, 4});
  CHECK(NDArray(f(ones({1, 4}), ones({0, 4}))).shape() == Dims{0, 4});
}

TEST_CASE("strict update shapes: an update of another shape is refused unless the function allows it", "[broadcast][errors]") {
  SharedVariable W = theano::shared(numpy::zeros({1, 3}), "W");
  SharedVariable n = theano::shared(numpy::zeros({}), "n");
  Var x = T::dmatrix("x");
  Function set = theano::function({x}, T::sum(x), {.updates = {{n, n + 1.0}, {W, x}}, .name = "set"});
  CHECK(first_line(error_of([&] { set(ones({2, 3})); })) ==
        "function 'set': the update of shared variable 'W' has shape (2, 3) but the variable has shape (1, 3); no update was applied "
        "(FunctionOptions{.update_shapes_may_change = true} allows it)");
  CHECK(W.get_value().shape() == Dims{1, 3});
  CHECK(n.get_value().item() == 0);  // the other update was not applied either
  set(ones({1, 3}));
  CHECK(n.get_value().item() == 1);
  Function resize = theano::function({x}, T::sum(x), {.updates = {{W, x}}, .update_shapes_may_change = true});
  resize(ones({2, 3}));
  CHECK(W.get_value().shape() == Dims{2, 3});
}
