// Indexing semantics the op table does not cover: emb[int matrix] (shape, values and the gradient
// accumulating repeated rows), and T::set_subtensor / T::inc_subtensor in compiled updates, which
// write only W[idx] straight into W's storage (no copy of W), fall back to the copying kernel when
// that is not safe or is excluded, and apply nothing when a call fails.
#include "runtime/function_impl.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
namespace T = theano::tensor;

namespace {
const void* buffer_of(const SharedVariable& w) { return w.get_value(/*borrow=*/true).buffer().get(); }
bool in_place(const Function& f) { return f.impl().updates.at(0).in_place; }
size_t steps_named(const Function& f, const std::string& prefix) {
  size_t n = 0;
  for (const Step& s : f.impl().steps) n += s.op->str().rfind(prefix, 0) == 0;
  return n;
}
NDArray iota_matrix(int64_t rows, int64_t cols) {
  std::vector<double> v;
  for (int64_t i = 0; i < rows * cols; ++i) v.push_back(double(i));
  return f64(Dims{rows, cols}, v);
}
}  // namespace

TEST_CASE("emb of an int matrix has shape idx.shape + emb.shape(1..) and its gradient accumulates repeated rows", "[indexing]") {
  SharedVariable emb = theano::shared(iota_matrix(5, 3), "emb");
  Var idx = T::lmatrix("idx");
  Var picked = emb[idx];
  CHECK(picked.ndim() == 3);
  Var g = T::grad(T::sum(picked), emb);
  Function f = theano::function({idx}, {picked, g});
  Result r = f(i64(Dims{2, 2}, {4, 0, -1, 4}));  // row 4 three times (once as -1), row 0 once
  NDArray out = r.array(0);
  REQUIRE(out.shape() == (Dims{2, 2, 3}));
  check_close(out, {12, 13, 14, 0, 1, 2, 12, 13, 14, 12, 13, 14});
  check_close(r.array(1), {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 3, 3});
  // Out of range at call time: the op, the index, the axis and the size; no crash.
  std::string msg = error_of([&] { f(i64(Dims{1, 2}, {0, 5})); });
  CHECK(msg.find("AdvancedSubtensor: index 5 is out of bounds for axis 0 with size 5") != std::string::npos);
}

TEST_CASE("W = set_subtensor(W(i) v) in an update writes only row i into W's own storage", "[indexing][inplace]") {
  SharedVariable w = theano::shared(iota_matrix(6, 4), "W");
  Var i = T::lscalar("i"), v = T::dvector("v");
  Function f = theano::function({i, v}, std::vector<Var>{}, {.updates = {{w, T::set_subtensor(w[i], v)}}});
  CHECK(steps_named(f, "SetSubtensor{inplace") == 1);
  const void* buffer = buffer_of(w);
  f(2, f64(Dims{4}, {-1, -2, -3, -4}));
  f(-1, f64(Dims{4}, {9, 9, 9, 9}));
  CHECK(in_place(f));
  CHECK(buffer_of(w) == buffer);
  NDArray want = iota_matrix(6, 4);
  for (int64_t j = 0; j < 4; ++j) {
    want.set_item(2 * 4 + j, -1 - double(j));
    want.set_item(5 * 4 + j, 9);
  }
  check_close(w.get_value(), want);

  // A failing call (index or value shape) applies nothing, and names the op and the shapes.
  NDArray before = w.get_value();
  CHECK(error_of([&] { f(6, f64(Dims{4}, {0, 0, 0, 0})); }).find("index 6 is out of bounds for axis 0 with size 6") != std::string::npos);
  CHECK(error_of([&] { f(0, f64(Dims{3}, {0, 0, 0})); }).find("cannot set x[idx] of shape (4,) with y of shape (3,)") != std::string::npos);
  check_close(w.get_value(), before);
  CHECK(buffer_of(w) == buffer);
}

TEST_CASE("W = inc_subtensor(W(idx) g) in an update accumulates repeated rows in place", "[indexing][inplace]") {
  SharedVariable w = theano::shared(iota_matrix(5, 3), "W");
  Var idx = T::lvector("idx"), g = T::dmatrix("g");
  Function f = theano::function({idx, g}, std::vector<Var>{}, {.updates = {{w, T::inc_subtensor(w[idx], g)}}});
  CHECK(steps_named(f, "AdvancedIncSubtensor{inplace}") == 1);
  const void* buffer = buffer_of(w);
  f(i64(Dims{3}, {1, -4, 3}), f64(Dims{3, 3}, {1, 1, 1, 10, 10, 10, 100, 100, 100}));
  CHECK(in_place(f));
  CHECK(buffer_of(w) == buffer);
  check_close(w.get_value(), {0, 1, 2, 14, 15, 16, 6, 7, 8, 109, 110, 111, 12, 13, 14});

  // Excluded by name: the copying kernel, the same result.
  SharedVariable w2 = theano::shared(iota_matrix(5, 3), "W2");
  for (const char* name : {"local_inplace_incsubtensor", "inplace"}) {
    w2.set_value(iota_matrix(5, 3));
    Function h = theano::function({idx, g}, std::vector<Var>{}, {.updates = {{w2, T::inc_subtensor(w2[idx], g)}}, .optimizer_excluding = {name}});
    CHECK(steps_named(h, "AdvancedIncSubtensor{inplace}") == 0);
    h(i64(Dims{3}, {1, -4, 3}), f64(Dims{3, 3}, {1, 1, 1, 10, 10, 10, 100, 100, 100}));
    CHECK_FALSE(in_place(h));
    check_close(w2.get_value(), w.get_value());
  }
}

TEST_CASE("set_subtensor of W from a view of W falls back to the copying kernel and stays correct", "[indexing][inplace]") {
  SharedVariable w = theano::shared(iota_matrix(3, 2), "W");
  Function f = theano::function({}, std::vector<Var>{}, {.updates = {{w, T::set_subtensor(w[0], w[2])}}});
  f();
  check_close(w.get_value(), {4, 5, 2, 3, 4, 5});
  // A value borrowed by the caller is another holder of W's buffer: copied, and the borrowed one unchanged.
  SharedVariable u = theano::shared(iota_matrix(3, 2), "U");
  Var v = T::dvector("v");
  Function h = theano::function({v}, std::vector<Var>{}, {.updates = {{u, T::set_subtensor(u[1], v)}}});
  NDArray held = u.get_value(/*borrow=*/true);
  h(f64(Dims{2}, {7, 8}));
  CHECK_FALSE(in_place(h));
  check_close(held, {0, 1, 2, 3, 4, 5});
  check_close(u.get_value(), {0, 1, 7, 8, 4, 5});
}
