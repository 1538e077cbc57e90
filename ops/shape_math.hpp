// Arithmetic on dimension sizes (int64 scalar Vars) for the ops' shape rules (Op::infer_shape).
// Constants fold as the expression is built, and x + 0, x * 1, x // 1 are x, so a shape known when the
// graph is built comes out as a constant and a symbolic one stays small.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "graph/op.hpp"
#include "ops/tensor_var.hpp"

namespace theano::ops::dims {

Var constant(int64_t v);
// The value of a constant size (an int64 scalar constant), else nullopt.
std::optional<int64_t> value_of(const Var& d);
// Whether two sizes are the same expression: one Var, equal constants, or equal ops of the same
// expressions (Shape_i{k} of one Var, for one).
bool same(const Var& a, const Var& b);

Var add(const Var& a, const Var& b);
Var sub(const Var& a, const Var& b);
Var mul(const Var& a, const Var& b);
Var floor_div(const Var& a, const Var& b);  // Python's //
Var maximum(const Var& a, const Var& b);
Var minimum(const Var& a, const Var& b);
Var product(const std::vector<Variable>& ds);  // 1 for none
// The size of one output dimension of an elementwise op from two inputs' sizes: a size 1 (a
// broadcastable dim) takes the other's; two other sizes are equal when the op runs (the executor
// checks it), so the simpler one is taken: no run-time test of the sizes.
Var broadcast(const Var& a, const Var& b);
// The output shape of an elementwise op over inputs of these shapes (all of one ndim).
std::vector<Variable> broadcast_shapes(InShapes shapes);

// The sizes of v's dimensions as the shape rules receive them: 1 for a broadcastable dim, the value
// for a constant, else Shape_i{k}(v).
std::vector<Variable> of(const Var& v);
// The sizes of y's dimensions that the shape rule of y's op gives from its inputs' sizes (of() of
// each input): nullopt for a leaf or an op without a rule; an undefined Var for a size it cannot tell.
std::optional<std::vector<Variable>> by_rule(const Var& y);
// The sizes of v's dimensions as the ops' shape rules give them from the graph's leaves up (Theano's
// ShapeFeature.shape_of): what local_shape_i_lift makes of Shape_i{k}(v). A size no rule knows stays
// Shape_i{k} of the variable it belongs to.
std::vector<Variable> inferred(const Var& v);
// Entry i of an int64 shape vector (a constant, a MakeVector or any vector): a scalar Var.
Var entry(const Var& shape_vector, int i);

}  // namespace theano::ops::dims
