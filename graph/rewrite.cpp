#include "graph/rewrite.hpp"

#include <chrono>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <typeindex>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "graph/ptr_map.hpp"

namespace theano::rewrite {

void Context::report_failure(const std::string& rewrite, const Apply* node, const std::string& what) {
  bool first = failed.empty();
  failed.insert(rewrite);
  if (!first) return;
  std::string msg = what;
  for (char& c : msg)
    if (c == '\n') c = ' ';
  std::ostream& out = log ? *log : std::cerr;
  std::string where = node ? fmt::format(" on {} (built at {})", node->op->str(), site_str(node->site)) : "";
  out << fmt::format("theano-cpp: rewrite {} failed{} and was skipped: {}\n", rewrite, where, msg);
}

bool apply_replacement(FunctionGraph& fg, Apply& node, const std::vector<Variable>& rep, const std::string& rewrite, Context& ctx,
                       std::vector<Apply*>* touched) {
  if (rep.size() != node.outputs.size()) {
    ctx.report_failure(rewrite, &node, fmt::format("it returned {} replacements for {} outputs", rep.size(), node.outputs.size()));
    return false;
  }
  for (size_t i = 0; i < rep.size(); ++i) {
    if (!rep[i].defined()) continue;
    const TensorType& t = node.outputs[i]->type;
    if (!rep[i].type().same_as(t) || !rep[i].type().shape_compatible(t)) {
      ctx.report_failure(rewrite, &node,
                         fmt::format("it replaced output {} of type {} {} by {} {}", i, t.str(), t.shape_str(), rep[i].type().str(),
                                     rep[i].type().shape_str()));
      return false;
    }
  }
  std::shared_ptr<Apply> keep = apply_ptr(&node);
  for (size_t i = 0; i < rep.size(); ++i) {
    if (!rep[i].defined() || rep[i].node() == node.outputs[i].get()) continue;
    Variable old = output_of(keep, int(i));
    std::vector<FunctionGraph::Client> moved;
    if (touched) moved = fg.clients(old);
    try {
      fg.replace(old, rep[i]);
    } catch (const std::logic_error& e) {
      ctx.report_failure(rewrite, &node, e.what());
      return false;
    }
    if (touched) {
      touched->insert(touched->end(), fg.last_imported().begin(), fg.last_imported().end());
      for (auto [a, k] : moved)
        if (a) touched->push_back(a);
    }
  }
  return true;
}

LocalPhase& LocalPhase::add(const LocalRewrite& r) {
  rewrites_.push_back(&r);
  return *this;
}

bool LocalPhase::run(FunctionGraph& fg, Context& ctx) const {
  std::unordered_map<std::type_index, std::vector<const LocalRewrite*>> by_op;
  std::vector<const LocalRewrite*> any;
  for (const LocalRewrite* r : rewrites_) {
    if (ctx.is_excluded(r->name)) continue;
    if (r->op_type) by_op[std::type_index(*r->op_type)].push_back(r);
    else any.push_back(r);
  }
  if (by_op.empty() && any.empty()) return false;
  bool changed = false;
  std::vector<Apply*> work = fg.toposort(), next;
  std::unordered_set<Apply*> queued;
  // Every apply ever queued stays alive until the phase ends: a pruned apply's address is never
  // reused by a new one while it may still sit in a work list.
  std::vector<std::shared_ptr<Apply>> keep;
  for (Apply* a : work) keep.push_back(apply_ptr(a));
  static const std::vector<const LocalRewrite*> none;
  for (int sweep = 0; sweep < max_sweeps_ && !work.empty(); ++sweep) {
    next.clear();
    queued.clear();
    for (Apply* a : work) {
      if (!fg.contains(a)) continue;
      auto it = by_op.find(std::type_index(typeid(*a->op)));
      const auto& specific = it == by_op.end() ? none : it->second;
      for (const std::vector<const LocalRewrite*>* list : {&specific, &std::as_const(any)}) {
        bool done = false;
        for (const LocalRewrite* r : *list) {
          if (ctx.failed.count(r->name)) continue;
          Replacement rep;
          try {
            SiteScope site(a->site, a->stack);  // what the rewrite builds is reported at the user's line
            rep = r->fn(*a, fg);
          } catch (const std::exception& e) {
            ctx.report_failure(r->name, a, e.what());
            continue;
          }
          if (!rep) continue;
          std::vector<Apply*> touched;
          if (!apply_replacement(fg, *a, *rep, r->name, ctx, &touched)) continue;
          changed = true;
          ++ctx.applied[r->name];
          for (Apply* t : touched)
            if (t != a && queued.insert(t).second) {
              next.push_back(t);
              keep.push_back(apply_ptr(t));
            }
          done = true;
          break;
        }
        if (done) break;
      }
    }
    std::swap(work, next);
  }
  return changed;
}

namespace {
size_t hash_bytes(const void* p, size_t n) { return std::hash<std::string_view>{}(std::string_view(static_cast<const char*>(p), n)); }

bool same_constant(const NDArray& a, const NDArray& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return false;
  NDArray ca = a.is_contiguous() ? a : a.copy(), cb = b.is_contiguous() ? b : b.copy();
  return std::memcmp(ca.raw(), cb.raw(), ca.nbytes()) == 0;
}

size_t constant_key(const Variable& v) {
  const NDArray& a = v.node()->constant;
  NDArray c = a.is_contiguous() ? a : a.copy();
  size_t h = hash_bytes(c.raw(), c.nbytes()) ^ (size_t(a.dtype()) * 0x9e3779b97f4a7c15ULL);
  for (int d = 0; d < a.ndim(); ++d) h = h * 31 + size_t(a.shape(d)) + (v.type().bcast[d] ? 7 : 0);
  return h;
}
}  // namespace

bool MergePass::run(FunctionGraph& fg, Context& ctx) const {
  bool changed = false;
  // One walk serves both steps below: merging constants moves no apply, so the order stays valid.
  // The constants are taken in graph_leaves' order (outputs, then each apply's inputs in order).
  std::vector<Apply*> order = fg.toposort();
  std::vector<Variable> leaf_constants;
  PtrMap<bool> seen(64);
  auto visit = [&](const Variable& v) {
    if (v.is_constant() && seen.insert(v.node(), true)) leaf_constants.push_back(v);
  };
  for (const Variable& v : fg.outputs()) visit(v);
  for (Apply* a : order)
    for (const Variable& v : a->inputs) visit(v);
  // Equal constants first, so that applies reading equal constants become identical.
  std::unordered_map<size_t, std::vector<Variable>> constants;
  for (const Variable& v : leaf_constants) {
    auto& bucket = constants[constant_key(v)];
    bool merged = false;
    for (const Variable& c : bucket)
      if (c.type().same_as(v.type()) && same_constant(c.node()->constant, v.node()->constant)) {
        fg.replace(v, c);
        merged = true;
        break;
      }
    if (merged) {
      changed = true;
      ++ctx.applied[name()];
    } else {
      bucket.push_back(v);
    }
  }
  // Applies in toposort order: inputs are merged before their readers are hashed. The first apply
  // of each hash sits in a flat map; the rare others with the same hash go to `more`.
  PtrMap<Apply*> first(fg.n_applies());
  std::unordered_map<size_t, std::vector<Apply*>> more;
  auto same = [&](Apply* a, Apply* b) {
    return fg.contains(b) && b->inputs == a->inputs && b->outputs.size() == a->outputs.size() && b->op->equals(*a->op);
  };
  for (Apply* a : order) {
    if (!fg.contains(a)) continue;
    size_t h = a->op->hash();
    for (const Variable& in : a->inputs) h = h * 1000003 ^ std::hash<const void*>{}(in.node());
    Apply*& head = first[reinterpret_cast<const void*>(h | 1)];
    Apply* match = nullptr;
    if (!head) {
      head = a;
      continue;
    }
    if (same(a, head)) {
      match = head;
    } else {
      auto& bucket = more[h];
      for (Apply* b : bucket)
        if (same(a, b)) {
          match = b;
          break;
        }
      if (!match) {
        bucket.push_back(a);
        continue;
      }
    }
    std::shared_ptr<Apply> keep = apply_ptr(match);
    std::vector<Variable> rep;
    for (size_t i = 0; i < match->outputs.size(); ++i) rep.push_back(output_of(keep, int(i)));
    if (apply_replacement(fg, *a, rep, name(), ctx, nullptr)) {
      changed = true;
      ++ctx.applied[name()];
    }
  }
  return changed;
}

void Pipeline::run(FunctionGraph& fg, Context& ctx) const {
  for (const auto& p : passes_) {
    // "merge" excludes merge1, merge2 and merge3.
    std::string family = p->name().substr(0, p->name().find_last_not_of("0123456789") + 1);
    if (ctx.is_excluded(p->name()) || ctx.is_excluded(family)) continue;
    auto t0 = std::chrono::steady_clock::now();
    try {
      p->run(fg, ctx);
    } catch (const std::exception& e) {
      // Every replacement is atomic, so the graph is whole: report and go on with the next pass.
      ctx.report_failure(p->name(), nullptr, e.what());
    }
    ctx.pass_ms.push_back({p->name(), std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count()});
    if (!ctx.verify) continue;
    try {
      verify(fg);
    } catch (const std::exception& e) {
      throw std::logic_error(fmt::format("verify failed after {}: {}", p->name(), e.what()));
    }
  }
}

void verify(const FunctionGraph& fg) {
  std::vector<Apply*> order = fg.toposort();  // throws on a cycle
  if (order.size() != fg.n_applies())
    throw std::logic_error(fmt::format("the graph owns {} applies but {} are reachable from its outputs", fg.n_applies(), order.size()));
  for (Apply* a : order) {
    if (!fg.contains(a)) throw std::logic_error(fmt::format("{} is reachable but not owned by the graph", a->op->str()));
    std::vector<TensorType> types;
    try {
      types = a->op->make_types(a->inputs);
    } catch (const std::exception& e) {
      throw std::logic_error(fmt::format("{} rejects its inputs: {}", a->op->str(), e.what()));
    }
    if (types.size() != a->outputs.size())
      throw std::logic_error(fmt::format("{} makes {} outputs but has {}", a->op->str(), types.size(), a->outputs.size()));
    for (size_t i = 0; i < types.size(); ++i) {
      const TensorType& t = a->outputs[i]->type;
      if (!types[i].same_as(t) || !types[i].shape_compatible(t))
        throw std::logic_error(fmt::format("output {} of {} has type {} {} but its inputs give {} {}", i, a->op->str(), t.str(),
                                           t.shape_str(), types[i].str(), types[i].shape_str()));
    }
  }
  fg.check_clients();
}

// ---- constant folding ----

// op(constants) -> constant
Replacement fold_constants(Apply& node, const FunctionGraph&) {
  if (node.inputs.empty()) return std::nullopt;
  for (const Variable& v : node.inputs)
    if (!v.is_constant()) return std::nullopt;
  std::vector<const NDArray*> in;
  for (const Variable& v : node.inputs) in.push_back(&v.node()->constant);
  std::vector<NDArray> values(node.outputs.size());
  std::vector<NDArray*> out;
  for (NDArray& v : values) out.push_back(&v);
  node.op->perform(in, out);
  std::vector<Variable> rep;
  for (size_t i = 0; i < values.size(); ++i) {
    bool own = !node.op->view_of(int(i)) && values[i].is_contiguous() && values[i].offset() == 0;
    Variable c = make_constant(own ? values[i] : values[i].copy());
    c.node()->type.bcast = node.outputs[i]->type.bcast;  // the pattern is the type's identity
    c.node()->site = node.site;
    rep.push_back(c);
  }
  return rep;
}

const LocalRewrite constant_folding{"constant_folding", nullptr, fold_constants};

}  // namespace theano::rewrite
