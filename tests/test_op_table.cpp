// The per-op checks, each one TEST_CASE over every row of the op table (tests/op_table.hpp), and the
// coverage test that demands rows for everything the program registers.
#include <map>
#include <set>
#include <typeindex>

#include "graph/op_base.hpp"
#include "ops/basic.hpp"
#include "ops/elemwise.hpp"
#include "ops/shape_math.hpp"
#include "op_naive.hpp"

using namespace theano;
using namespace op_table;
namespace T = theano::tensor;
namespace G = theano::gradient;
using ops::ScalarKind;

// ---- the registry ----
namespace op_table {
namespace {
struct Family {
  std::string file;
  Rows (*rows)();
};
std::vector<Family>& families() {
  static std::vector<Family> f;
  return f;
}
}  // namespace

bool add_rows(const char* file, Rows (*rows)()) {
  std::string f = file;
  size_t at = f.rfind("tests/");
  families().push_back({at == std::string::npos ? f : f.substr(at), rows});
  return true;
}

const std::vector<Sample>& samples() {
  static const std::vector<Sample> all = [] {
    std::vector<Family> fams = families();
    std::sort(fams.begin(), fams.end(), [](const Family& a, const Family& b) { return a.file < b.file; });
    std::vector<Sample> s;
    for (const Family& f : fams)
      for (Sample& r : f.rows()) {
        r.file = f.file;
        s.push_back(std::move(r));
      }
    return s;
  }();
  return all;
}
}  // namespace op_table

namespace {

const char* const kRowFiles = "tests/test_op_samples_*.cpp";

// Inputs depend on the row's name and the dtype only, not on the rows before it.
int64_t seed_of(const std::string& name, DType dt) {
  uint32_t h = 2166136261u;
  for (unsigned char c : name) h = (h ^ c) * 16777619u;
  return int64_t(h ^ (uint32_t(dt) * 0x9e3779b9u));
}

std::vector<Arrays> make_sets(const std::vector<std::vector<Input>>& sets, const std::string& name, DType dt) {
  Rng rng(seed_of(name, dt));
  std::vector<Arrays> out;
  for (const std::vector<Input>& set : sets) {
    Arrays a;
    for (const Input& in : set) a.push_back(in(dt, rng, a));
    out.push_back(std::move(a));
  }
  return out;
}

// One variant of a row: its argument sets in one dtype, symbolic inputs and the built outputs.
struct Built {
  std::vector<Arrays> sets;
  std::vector<Var> in, out;
};

Built build(const Sample& s, DType dt) {
  Built b;
  b.sets = make_sets(s.inputs.sets, s.name, dt);
  const Arrays& first = b.sets.at(0);
  for (size_t i = 0; i < first.size(); ++i) {
    std::vector<bool> bc;
    if (!s.bcast.empty()) {
      bc = s.bcast.at(i);
    } else {
      for (int d = 0; d < first[i].ndim(); ++d) {
        bool one = true;
        for (const Arrays& set : b.sets) one = one && set.at(i).shape(d) == 1;
        bc.push_back(one);
      }
    }
    b.in.push_back(T::tensor(first[i].dtype(), bc, "in" + std::to_string(i)));
  }
  b.out = s.build(b.in);
  return b;
}

std::vector<Arg> args_of(const Arrays& a) { return {a.begin(), a.end()}; }

std::string where(const Sample& s, DType dt, size_t set) {
  std::string w = "sample '" + s.name + "' (" + s.file + ") in " + std::string(dtype_name(dt));
  if (s.inputs.sets.size() > 1) w += ", argument set " + std::to_string(set);
  return w;
}

Variable output(Apply* a, size_t i) { return output_of(apply_ptr(a), int(i)); }

std::string class_name(std::type_index t) {
  for (const OpClassInfo& c : op_classes())
    if (c.type == t) return c.name;
  return t.name();
}

// Element-wise comparison; one failed CHECK names the first mismatch.
void compare(const NDArray& got, const NDArray& want, Tol tol) {
  INFO("got " << dtype_name(got.dtype()) << got.shape().str() << ", the reference is " << dtype_name(want.dtype()) << want.shape().str());
  CHECK(got.dtype() == want.dtype());
  if (!(got.shape() == want.shape())) {
    FAIL_CHECK("the shapes differ");
    return;
  }
  int64_t bad = -1;
  for (int64_t i = 0; i < got.size() && bad < 0; ++i) {
    double g = got.item(i), w = want.item(i);
    bool ok = (std::isnan(g) && std::isnan(w)) || g == w || std::abs(g - w) <= tol.atol + tol.rtol * std::abs(w);
    if (!ok) bad = i;
  }
  INFO("first mismatch at element " << bad << ": got " << (bad >= 0 ? got.item(bad) : 0) << ", want " << (bad >= 0 ? want.item(bad) : 0));
  CHECK(bad < 0);
}

// Every shape rule of the graph's applies: per apply output with a rule, its dims. A rule of the
// wrong arity comes back as an error naming the op.
struct Rule {
  Apply* apply;
  size_t output;
  std::vector<Variable> dims;
};
std::vector<Rule> shape_rules(const std::vector<Apply*>& applies) {
  std::vector<Rule> rules;
  for (Apply* a : applies) {
    std::vector<std::vector<Variable>> in_shapes;
    for (const Variable& v : a->inputs) in_shapes.push_back(ops::dims::of(v));
    OutShapes r = a->op->infer_shape(a->inputs, in_shapes);
    if (!r) continue;
    if (r->size() != a->outputs.size())
      throw std::logic_error(a->op->str() + ": the shape rule gives " + std::to_string(r->size()) + " outputs, the op makes " +
                             std::to_string(a->outputs.size()));
    for (size_t o = 0; o < r->size(); ++o) {
      if (int((*r)[o].size()) != a->outputs[o]->type.ndim())
        throw std::logic_error(a->op->str() + ": the shape rule gives output " + std::to_string(o) + " " + std::to_string((*r)[o].size()) +
                               " dims, its type has " + std::to_string(a->outputs[o]->type.ndim()));
      rules.push_back({a, o, (*r)[o]});
    }
  }
  return rules;
}

// Which dtype the gradient is checked in (float64 when the row runs in it), and whether the row's
// graph is differentiable there: every apply that depends on a float input and makes a float output
// has a gradient rule (integer and bool results carry no gradient).
struct GradPlan {
  bool checked = false;
  std::set<Apply*> dependent;   // applies downstream of a float input
  std::vector<size_t> outputs;  // the float outputs that depend on a float input
};
GradPlan grad_plan(const Sample& s, const Built& b) {
  GradPlan p;
  std::set<VarNode*> live;
  for (const Var& v : b.in)
    if (is_float(v.dtype())) live.insert(v.node());
  bool differentiable = !live.empty();
  for (Apply* a : toposort(as_variables(b.out))) {
    bool dep = false;
    for (const Variable& v : a->inputs) dep = dep || live.count(v.node());
    if (!dep) continue;
    p.dependent.insert(a);
    bool float_out = false;
    for (auto& o : a->outputs) {
      live.insert(o.get());
      float_out = float_out || is_float(o->type.dtype);
    }
    if (float_out && !a->op->differentiable()) differentiable = false;
  }
  for (size_t o = 0; o < b.out.size(); ++o)
    if (is_float(b.out[o].dtype()) && live.count(b.out[o].node())) p.outputs.push_back(o);
  p.checked = differentiable && s.no_grad.empty() && !p.outputs.empty();
  return p;
}
std::optional<DType> grad_dtype(const Sample& s) {
  if (std::find(s.dtypes.begin(), s.dtypes.end(), DType::Float64) != s.dtypes.end()) return DType::Float64;
  for (DType d : s.dtypes)
    if (is_float(d)) return d;
  return std::nullopt;
}

// Runs f; an exception fails one check naming `at` (which f keeps up to date) and the message, and the
// checker goes on with the next row. (Catch keeps the INFO messages of a scope left by an exception, so
// INFO is only used around checks that cannot throw.)
template <class F>
void guarded(std::string& at, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    FAIL_CHECK(at << ": " << e.what());
  }
}

}  // namespace

TEST_CASE("op table: kernels against naive references", "[op_table][kernels]") {
  for (const Sample& s : samples()) {
    if (!s.naive) continue;
    for (DType dt : s.dtypes) {
      std::string at = where(s, dt, 0);
      guarded(at, [&] {
        Built b = build(s, dt);
        for (const char* mode : {"FAST_COMPILE", "FAST_RUN"}) {
          at = where(s, dt, 0) + ", " + mode;
          Function f = theano::function(b.in, b.out, {.on_unused_input = "ignore", .mode = mode});
          for (size_t k = 0; k < b.sets.size(); ++k) {
            at = where(s, dt, k) + ", " + mode;
            Result r = f.call(args_of(b.sets[k]));
            Arrays want = s.naive(b.sets[k]);
            if (want.size() != b.out.size()) throw std::logic_error("the reference gives " + std::to_string(want.size()) + " outputs");
            for (size_t o = 0; o < want.size(); ++o) {
              NDArray got = r.array(o);
              INFO(at << ", output " << o);
              compare(got, want[o], s.tol ? s.tol(want[o].dtype()) : default_tol(want[o].dtype()));
            }
          }
        }
      });
    }
  }
}

TEST_CASE("op table: numeric gradients in float64", "[op_table][grad]") {
  for (const Sample& s : samples()) {
    std::optional<DType> dt = grad_dtype(s);
    if (!dt) continue;
    std::string at = where(s, *dt, 0);
    guarded(at, [&] {
      Built b = build(s, *dt);
      GradPlan plan = grad_plan(s, b);
      if (!plan.checked) return;
      for (size_t k = 0; k < b.sets.size(); ++k) {
        const Arrays& set = b.sets[k];
        Arrays pt;
        for (const NDArray& a : set)
          if (is_float(a.dtype())) pt.push_back(a);
        for (size_t o : plan.outputs) {
          // verify_grad's own inputs stand for the float ones; the others are constants.
          auto fun = [&](const std::vector<Var>& x) {
            std::vector<Var> full;
            size_t next = 0;
            for (const NDArray& a : set) full.push_back(is_float(a.dtype()) ? x.at(next++) : T::constant(a));
            return s.build(full).at(o);
          };
          Rng rng(seed_of(s.name, *dt) + int64_t(17 * k + o));
          INFO(where(s, *dt, k) << ", output " << o);
          CHECK_NOTHROW(G::verify_grad(fun, pt, rng, s.grad));
        }
      }
    });
  }
}

TEST_CASE("op table: shape rules against the kernels' output shapes", "[op_table][infer_shape]") {
  for (const Sample& s : samples())
    for (DType dt : s.dtypes) {
      std::string at = where(s, dt, 0);
      guarded(at, [&] {
        Built b = build(s, dt);
        std::vector<Rule> rules = shape_rules(toposort(as_variables(b.out)));
        // Outputs: each ruled apply output, then the known dims of all rules in one int64 vector.
        std::vector<Var> outs, known;
        struct Dim {
          size_t out;
          int dim;
        };
        std::vector<Dim> dims_at;
        int unknown = 0;
        for (const Rule& r : rules) {
          outs.push_back(output(r.apply, r.output));
          for (size_t d = 0; d < r.dims.size(); ++d) {
            if (!r.dims[d].defined()) {
              ++unknown;
              continue;
            }
            known.push_back(r.dims[d]);
            dims_at.push_back({outs.size() - 1, int(d)});
          }
        }
        {
          INFO(at << ": the number of dims the rules leave unknown");
          CHECK(unknown == s.unknown_dims);
        }
        if (known.empty()) return;
        outs.push_back(ops::make_vector(as_variables(known)));
        Function f = theano::function(b.in, outs, {.on_unused_input = "ignore", .mode = "FAST_COMPILE"});
        for (size_t k = 0; k < b.sets.size(); ++k) {
          at = where(s, dt, k);
          Result r = f.call(args_of(b.sets[k]));
          NDArray dims = r.array(outs.size() - 1);
          for (size_t j = 0; j < dims_at.size(); ++j) {
            NDArray y = r.array(dims_at[j].out);
            const Rule& rule = rules[dims_at[j].out];
            INFO(at << ": " << rule.apply->op->str() << " output " << rule.output << " dim " << dims_at[j].dim << " of " << y.shape().str());
            CHECK(int64_t(dims.item(int64_t(j))) == y.shape(dims_at[j].dim));
          }
        }
      });
    }
}

TEST_CASE("op table: output types against the arrays the kernels make", "[op_table][types]") {
  for (const Sample& s : samples())
    for (DType dt : s.dtypes) {
      std::string at = where(s, dt, 0);
      guarded(at, [&] {
        Built b = build(s, dt);
        if (s.types) {
          INFO(at);
          s.types(b.in, b.out);
        }
        std::vector<Apply*> applies = toposort(as_variables(b.out));
        std::vector<Var> outs;
        std::vector<std::string> what;
        for (Apply* a : applies) {
          if (auto* e = dynamic_cast<const ops::Elemwise*>(a->op.get())) {
            std::vector<DType> in;
            for (const Variable& v : a->inputs) in.push_back(v.dtype());
            DType want = e->kind() == ScalarKind::Cast ? e->cast_to() : naive::elemwise_dtype(e->kind(), in);
            INFO(at << ": " << a->op->str() << " makes " << dtype_name(a->outputs[0]->type.dtype) << ", its category gives " << dtype_name(want));
            CHECK(a->outputs[0]->type.dtype == want);
          }
          for (size_t o = 0; o < a->outputs.size(); ++o) {
            outs.push_back(output(a, o));
            what.push_back(a->op->str() + " output " + std::to_string(o) + " of type " + a->outputs[o]->type.str() + " " +
                           a->outputs[o]->type.shape_str());
          }
        }
        if (outs.empty()) return;
        Function f = theano::function(b.in, outs, {.on_unused_input = "ignore", .mode = "FAST_COMPILE"});
        for (size_t k = 0; k < b.sets.size(); ++k) {
          at = where(s, dt, k);
          Result r = f.call(args_of(b.sets[k]));
          for (size_t j = 0; j < outs.size(); ++j) {
            NDArray y = r.array(j);
            const TensorType& t = outs[j].type();
            INFO(at << ": " << what[j] << ", the kernel made " << dtype_name(y.dtype()) << y.shape().str());
            CHECK(y.dtype() == t.dtype);
            CHECK(y.ndim() == t.ndim());
            for (int d = 0; d < t.ndim() && d < y.ndim(); ++d) {
              CHECK((t.shape[d] < 0 || t.shape[d] == y.shape(d)));
              CHECK((!t.bcast[d] || y.shape(d) == 1));
            }
          }
        }
      });
    }
}

TEST_CASE("op table: error inputs raise errors naming the problem", "[op_table][errors]") {
  for (const Sample& s : samples())
    for (size_t i = 0; i < s.errors.size(); ++i) {
      const ErrorCase& e = s.errors[i];
      DType dt = s.dtypes.at(0);
      std::string at = where(s, dt, 0) + ", error case " + std::to_string(i);
      std::vector<std::string> messages;
      guarded(at, [&] {
        if (e.run) {
          messages.push_back(test_util::error_of(e.run));
          return;
        }
        Built b = build(s, dt);
        Arrays args = make_sets({e.args}, s.name + " error " + std::to_string(i), dt).at(0);
        for (const char* mode : {"FAST_COMPILE", "FAST_RUN"}) {
          Function f = theano::function(b.in, b.out, {.on_unused_input = "ignore", .mode = mode});
          messages.push_back(test_util::error_of([&] { f.call(args_of(args)); }));
        }
      });
      for (const std::string& msg : messages) {
        INFO(at << ": the message is " << msg);
        CHECK(msg != "<no exception>");
        for (const std::string& c : e.contains) CHECK(msg.find(c) != std::string::npos);
      }
    }
}

TEST_CASE("op table: rows are well formed", "[op_table]") {
  std::set<std::string> names;
  for (const Sample& s : samples()) {
    std::string at = "sample '" + s.name + "' (" + s.file + ")";
    {
      INFO(at);
      CHECK(names.insert(s.name).second);  // names are unique (they seed the inputs)
      CHECK(bool(s.build.f));
      CHECK(!s.dtypes.empty());
    }
    guarded(at, [&] {
      Built b = build(s, s.dtypes.at(0));
      CHECK(!b.out.empty());
      if (s.repeats_sizes) return;
      // Shapes with distinct sizes, so that a rule mixing up two dims cannot pass by accident.
      for (const Arrays& set : b.sets)
        for (const NDArray& p : set)
          for (int i = 0; i < p.ndim(); ++i)
            for (int j = i + 1; j < p.ndim(); ++j) {
              INFO(at << ": an input of shape " << p.shape().str() << " repeats a size");
              CHECK((p.shape(i) == 1 || p.shape(i) != p.shape(j)));
            }
    });
  }
}

TEST_CASE("op table: every op class and elementwise kind has rows for every check", "[op_table]") {
  std::set<std::type_index> any, naive, ruled, ruled_known;
  std::set<std::pair<std::type_index, std::string>> differentiable, grad_checked;  // (class, op name)
  std::set<ScalarKind> naive_kinds, grad_kinds;
  auto kind_of = [](Apply* a) -> std::optional<ScalarKind> {
    if (auto* e = dynamic_cast<const ops::Elemwise*>(a->op.get())) return e->kind();
    return std::nullopt;
  };
  for (const Sample& s : samples()) {
    std::string at = s.name;
    guarded(at, [&] {
      Built b = build(s, s.dtypes.at(0));
      std::vector<Apply*> applies = toposort(as_variables(b.out));
      for (Apply* a : applies) {
        std::type_index t(typeid(*a->op));
        any.insert(t);
        if (a->op->differentiable()) differentiable.insert({t, a->op->name()});
        if (s.naive) {
          naive.insert(t);
          if (auto k = kind_of(a)) naive_kinds.insert(*k);
        }
      }
      for (const Rule& r : shape_rules(applies)) {
        std::type_index t(typeid(*r.apply->op));
        ruled.insert(t);
        if (std::all_of(r.dims.begin(), r.dims.end(), [](const Variable& d) { return d.defined(); })) ruled_known.insert(t);
      }
      if (std::optional<DType> dt = grad_dtype(s)) {
        Built g = build(s, *dt);
        GradPlan plan = grad_plan(s, g);
        if (plan.checked)
          for (Apply* a : plan.dependent) {
            if (!a->op->differentiable()) continue;
            grad_checked.insert({std::type_index(typeid(*a->op)), a->op->name()});
            if (auto k = kind_of(a)) grad_kinds.insert(*k);
          }
      }
    });
  }
  int library = 0;
  for (const OpClassInfo& c : op_classes()) {
    if (c.name.rfind("theano::", 0) != 0) continue;  // test-only ops live in anonymous namespaces
    ++library;
    if (!any.count(c.type)) {
      FAIL_CHECK("op class " << c.name << " has no sample in " << kRowFiles);
      continue;
    }
    if (!naive.count(c.type)) FAIL_CHECK("op class " << c.name << " has no sample with a naive or reference check of its kernel in " << kRowFiles);
  }
  CHECK(library > 0);
  for (const auto& [t, name] : differentiable)
    if (!grad_checked.count({t, name}))
      FAIL_CHECK("op " << name << " (" << class_name(t) << ") is differentiable but no sample in " << kRowFiles << " checks its gradient");
  for (int k = 0; k < int(ScalarKind::Count); ++k) {
    auto kind = ScalarKind(k);
    if (!naive_kinds.count(kind)) FAIL_CHECK("elementwise kind " << ops::scalar_kind_name(kind) << " has no sample with a naive reference in " << kRowFiles);
    if (ops::scalar_kind_differentiable(kind) && !grad_kinds.count(kind))
      FAIL_CHECK("elementwise kind " << ops::scalar_kind_name(kind) << " is differentiable but no sample in " << kRowFiles << " checks its gradient");
  }
  // Every row runs the shape checker; a rule counts as checked where it knows every dim.
  for (std::type_index t : ruled)
    if (!ruled_known.count(t))
      FAIL_CHECK("op class " << class_name(t) << " has a shape rule but no sample in " << kRowFiles << " checks it with every dim known");
}
