// theano.printing.pp (PPrinter with Theano 1.0's registrations): a graph as one math-like expression.
// Theano parenthesizes every operator application ("in doubt, we parenthesize everything"), so
// precedences never drop parentheses: (x + y), (-x), ((x * y) ** z). Elementwise functions print as
// calls (exp(x), lt(x, y), fill(a, b)), casts by their dtype (float64(x)), abs as |x|, the identity
// as its input; DimShuffle drops its leading new dims and prints a full reversal as x.T; dot is
// (x \dot y); a full sum is sum(x); MakeVector is [a, b]; Subtensor is x[1:3, i]; any other op prints
// as its name applied to its inputs, Softmax(x). Leaves print as str() does (TensorConstant{2.0},
// their name, <TensorType(float64, matrix)>); the names alpha ... epsilon as \alpha ... \epsilon.
#include <fmt/format.h>

#include <limits>
#include <unordered_map>

#include "frontend/print_common.hpp"
#include "frontend/theano/printing.hpp"
#include "ops/basic.hpp"
#include "ops/blas.hpp"
#include "ops/elemwise.hpp"
#include "ops/join.hpp"
#include "ops/reduce.hpp"
#include "ops/shape.hpp"
#include "ops/subtensor.hpp"

namespace theano::printing {

namespace {
// A DAG that reuses results prints each use in full; past this size the text is refused.
constexpr size_t kMaxChars = size_t(1) << 26;

// A result's text as literal pieces and references to its inputs' texts, so that a long chain is
// written once at the end (linear in the output) rather than copied at every level.
struct Piece {
  std::string text;
  const VarNode* ref = nullptr;
};
using Text = std::vector<Piece>;
Piece lit(std::string s) { return {std::move(s), nullptr}; }
Piece ref(const Variable& v) { return {{}, v.node()}; }

std::string leaf(const Variable& v) {
  static const char* const greek[] = {"alpha", "beta", "gamma", "delta", "epsilon"};
  for (const char* g : greek)
    if (v.name() == g && !v.is_constant()) return std::string("\\") + g;
  return detail::leaf_str(v);
}

// open, the arguments separated by ", ", close.
Text listed(std::string open, const std::vector<Piece>& args, std::string close) {
  Text t{lit(std::move(open))};
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) t.push_back(lit(", "));
    t.push_back(args[i]);
  }
  t.push_back(lit(std::move(close)));
  return t;
}
std::vector<Piece> inputs_of(const Apply& a) {
  std::vector<Piece> args;
  for (const Variable& v : a.inputs) args.push_back(ref(v));
  return args;
}
Text call(const std::string& name, const std::vector<Piece>& args) { return listed(name + "(", args, ")"); }
Text call(const std::string& name, const Apply& a) { return call(name, inputs_of(a)); }
Text infix(const std::string& op, const Apply& a) {
  if (a.inputs.size() == 1) return {lit("(" + op), ref(a.inputs[0]), lit(")")};
  Text t{lit("(")};
  for (size_t i = 0; i < a.inputs.size(); ++i) {
    if (i) t.push_back(lit(" " + op + " "));
    t.push_back(ref(a.inputs[i]));
  }
  t.push_back(lit(")"));
  return t;
}

Text elemwise(const ops::Elemwise& e, const Apply& a) {
  using ops::ScalarKind;
  switch (e.kind()) {
    case ScalarKind::Add: return infix("+", a);
    case ScalarKind::Sub: return infix("-", a);
    case ScalarKind::Mul: return infix("*", a);
    case ScalarKind::TrueDiv: return infix("/", a);
    case ScalarKind::IntDiv: return infix("//", a);
    case ScalarKind::Pow: return infix("**", a);
    case ScalarKind::Neg: return infix("-", a);
    case ScalarKind::Abs: return {lit("|"), ref(a.inputs[0]), lit("|")};
    case ScalarKind::Identity: return {ref(a.inputs[0])};
    case ScalarKind::Second: return call("fill", a);
    case ScalarKind::Cast: return call(std::string(dtype_name(e.cast_to())), a);
    default: return call(std::string(ops::scalar_kind_name(e.kind())), a);
  }
}

Text dimshuffle(const ops::DimShuffle& d, const Variable& input) {
  std::vector<int> p = d.pattern();
  size_t lead = 0;
  while (lead < p.size() && p[lead] < 0) ++lead;
  p.erase(p.begin(), p.begin() + long(lead));
  const int n = input.ndim();
  bool same = int(p.size()) == n, reversed = int(p.size()) == n;
  for (int i = 0; i < int(p.size()); ++i) {
    same &= p[size_t(i)] == i;
    reversed &= p[size_t(i)] == n - 1 - i;
  }
  if (same) return {ref(input)};
  if (reversed) return {ref(input), lit(".T")};
  std::vector<std::string> entries;
  for (int e : p) entries.push_back(e < 0 ? "x" : std::to_string(e));
  return {lit(fmt::format("DimShuffle{{{}}}(", fmt::join(entries, ", "))), ref(input), lit(")")};
}

// An index input: a constant prints as its integer (Theano keeps constant bounds in the op).
Piece index_part(const Variable& v) {
  if (v.is_constant() && v.ndim() == 0) return lit(std::to_string(v.node()->constant.item_int64(0)));
  return ref(v);
}
Text subtensor(const ops::Subtensor& op, const Apply& a) {
  Text t{ref(a.inputs[0]), lit("[")};
  size_t k = 1;
  bool first = true;
  for (const ops::IndexEntry& e : op.entries()) {
    if (!first) t.push_back(lit(", "));
    first = false;
    if (!e.is_slice) {
      t.push_back(index_part(a.inputs[k++]));
      continue;
    }
    if (e.has_start) {
      Piece start = index_part(a.inputs[k++]);
      if (start.ref || start.text != "0") t.push_back(start);
    }
    t.push_back(lit(":"));
    if (e.has_stop) {
      Piece stop = index_part(a.inputs[k++]);
      if (stop.ref || stop.text != std::to_string(std::numeric_limits<int64_t>::max())) t.push_back(stop);
    }
    if (e.has_step) {
      t.push_back(lit(":"));
      t.push_back(index_part(a.inputs[k++]));
    }
  }
  t.push_back(lit("]"));
  return t;
}

Text apply_text(const Apply& a) {
  const Op* op = a.op.get();
  if (auto* e = dynamic_cast<const ops::Elemwise*>(op)) return elemwise(*e, a);
  if (auto* d = dynamic_cast<const ops::DimShuffle*>(op)) return dimshuffle(*d, a.inputs[0]);
  if (dynamic_cast<const ops::Dot*>(op)) return infix("\\dot", a);
  if (auto* g = dynamic_cast<const ops::Gemm*>(op)) return call(g->inplace() ? "gemm_inplace" : "gemm_no_inplace", a);
  if (auto* r = dynamic_cast<const ops::Reduce*>(op); r && r->kind() == ops::ReduceKind::Sum && int(r->axes().size()) == a.inputs[0].ndim())
    return call("sum", a);
  if (dynamic_cast<const ops::MakeVector*>(op)) return listed("[", inputs_of(a), "]");
  if (dynamic_cast<const ops::Alloc*>(op)) return call("alloc", a);
  if (auto* j = dynamic_cast<const ops::Join*>(op)) {
    std::vector<Piece> args{lit(fmt::format("TensorConstant{{{}}}", j->axis()))};
    for (const Variable& v : a.inputs) args.push_back(ref(v));
    return call("join", args);
  }
  if (auto* s = dynamic_cast<const ops::Subtensor*>(op)) return subtensor(*s, a);
  return call(op->str(), a);
}
}  // namespace

std::string pp(const Var& v) {
  require_defined(v, "theano::pp", "v");
  // Each result's pieces, made in post order without recursion (graphs may be deep), and its length.
  std::unordered_map<const VarNode*, Text> texts;
  std::unordered_map<const VarNode*, size_t> lengths;
  std::vector<Variable> stack{v};
  while (!stack.empty()) {
    const Variable r = stack.back();
    if (texts.count(r.node())) {
      stack.pop_back();
      continue;
    }
    const Apply* a = r.owner();
    bool ready = true;
    if (a)
      for (const Variable& in : a->inputs)
        if (!texts.count(in.node())) ready = false, stack.push_back(in);
    if (!ready) continue;
    Text t = a ? apply_text(*a) : Text{lit(leaf(r))};
    size_t n = 0;
    for (const Piece& p : t) n += p.ref ? lengths.at(p.ref) : p.text.size();
    if (n > kMaxChars)
      throw std::length_error(fmt::format("theano::pp: the expression of {} would exceed {} characters (the graph reuses results and each "
                                          "use is printed in full); print it with debugprint",
                                          v.describe(), kMaxChars));
    lengths.emplace(r.node(), n);
    texts.emplace(r.node(), std::move(t));
    stack.pop_back();
  }
  // Written out once, depth first, again without recursion.
  std::string out;
  out.reserve(lengths.at(v.node()));
  std::vector<std::pair<const Text*, size_t>> todo{{&texts.at(v.node()), 0}};
  while (!todo.empty()) {
    auto& [text, i] = todo.back();
    if (i == text->size()) {
      todo.pop_back();
      continue;
    }
    const Piece& p = (*text)[i++];
    if (p.ref) todo.emplace_back(&texts.at(p.ref), 0);
    else out += p.text;
  }
  return out;
}

}  // namespace theano::printing
