// pydotprint (theano/printing.py:pydotprint) without pydot: the DOT text is written directly, in the
// schedule's order, so the same graph always gives the same file. Ellipses are applies, boxes are
// variables; colours, edge labels and the compact mode follow Theano's defaults. Applies built in a
// NameScope are drawn inside nested `subgraph cluster_<n>` blocks.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <spawn.h>
#include <stdexcept>
#include <sys/wait.h>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

#include "frontend/theano/printing.hpp"
#include "graph/fgraph.hpp"
#include "graph/op.hpp"
#include "graph/ptr_map.hpp"
#include "frontend/print_common.hpp"
#include "runtime/profiler.hpp"

extern char** environ;

namespace theano::printing {

namespace {

// Theano's default_colorCodes, in its order: the last class-name substring that matches wins.
const std::pair<const char*, const char*> kColorCodes[] = {
    {"GpuFromHost", "red"}, {"HostFromGpu", "red"}, {"Scan", "yellow"},   {"Shape", "brown"}, {"IfElse", "magenta"},
    {"Elemwise", "#FFAABB"}, {"Subtensor", "#FFAAFF"}, {"Alloc", "#FFAA22"}, {"Output", "blue"}};

// A DOT double-quoted string: quotes and backslashes escaped, line breaks as \n.
std::string q(const std::string& s) {
  std::string r = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\', r += c;
    else if (c == '\n') r += "\\n";
    else if (c == '\r' || c == '\t') r += ' ';
    else r += c;
  }
  r += '"';
  return r;
}

// Whether an op writes its result into input `i` (Theano's destroy_map). No op is in-place yet;
// when one is, this is where it shows up, and its edge turns red.
bool destroys_input(const Op&, size_t) { return false; }

class DotBuilder {
 public:
  DotBuilder(const detail::PrintGraph& g, const DotOptions& o) : g_(g), o_(o) {
    topo_ = g.order.empty() ? toposort(g.outputs) : g.order;
    for (size_t i = 0; i < g.outputs.size(); ++i) outputs_.insert(g.outputs[i].node(), true);
    for (const auto& [shared, expr] : g.updates) update_of_[expr.node()] = shared;
    index_ = PtrMap<size_t>(topo_.size());
    used_ = PtrMap<bool>(topo_.size());
    for (size_t k = 0; k < topo_.size(); ++k) {
      index_[topo_[k]] = k;
      for (const Variable& v : topo_[k]->inputs) used_.insert(v.node(), true);
    }
  }

  std::string build() {
    for (Apply* a : topo_) add_apply(a);
    for (const auto& [shared, expr] : g_.updates) {
      if (!expr.owner()) leaf_box(expr);
      leaf_box(shared);
      // The new value flows into the shared box. constraint=false: the edge does not rank the
      // shared box below its update, so parameters stay next to the layers that read them.
      edge(var_id(expr), var_id(shared), "label=\"UPDATE\", color=blue, constraint=false");
    }
    for (const Variable& v : g_.outputs)
      if (!v.owner()) leaf_box(v);
    std::string out = "digraph G {\n";
    if (!o_.rankdir.empty()) out += "  rankdir=" + o_.rankdir + ";\n";
    emit_scope("", 1, out);
    size_t size = out.size();
    for (const std::string& e : edges_) size += e.size() + 4;
    out.reserve(size);
    for (const std::string& e : edges_) out.append("  ").append(e).append(";\n");  // no temporary per edge
    out += "}\n";
    return out;
  }

 private:
  void add_apply(Apply* a) {
    std::string aid = apply_id(a);
    std::vector<size_t> viewed;
    for (size_t i = 0; i < a->outputs.size(); ++i)
      if (auto in = a->op->view_of(int(i))) viewed.push_back(size_t(*in));
    for (size_t i = 0; i < a->inputs.size(); ++i) {
      const Var& v = a->inputs[i];
      std::string label = a->inputs.size() > 1 ? std::to_string(i) : "";
      std::string color = std::count(viewed.begin(), viewed.end(), i) ? "blue" : destroys_input(*a->op, i) ? "red" : "";
      if (!v.owner()) {
        edge(leaf_box(v), aid, attrs(label, color));
      } else if (!v.name().empty() || !o_.compact || outputs_.contains(v.node()) || update_of_.count(v.node())) {
        edge(var_id(v), aid, attrs(label, color));
      } else {  // compact: no box, the edge from the producer carries the type
        edge(apply_id(v.owner()), aid, attrs(cut((label.empty() ? "" : label + " ") + v.type().str()), color));
      }
    }
    for (size_t i = 0; i < a->outputs.size(); ++i) {
      Var v = output_of(apply_ptr(a), int(i));
      std::string label = a->outputs.size() > 1 ? std::to_string(i) : "";
      if (outputs_.contains(v.node()) || update_of_.count(v.node())) {
        edge(aid, var_id(v), attrs(label, ""));
        box(v, "blue", a->scope);
      } else if (!used_.contains(v.node())) {
        edge(aid, var_id(v), attrs(label, ""));
        box(v, "grey", a->scope);
      } else if (!v.name().empty() || !o_.compact) {
        if (o_.compact) label = cut((label.empty() ? "" : label + " ") + v.type().str());
        edge(aid, var_id(v), attrs(label, ""));
        box(v, "", a->scope);
      }
    }
  }

  static std::string attrs(const std::string& label, const std::string& color) {
    std::string s = label.empty() ? "" : "label=" + q(label);
    if (!color.empty()) s += (s.empty() ? "" : ", ") + std::string("color=") + color;
    return s;
  }
  void edge(const std::string& from, const std::string& to, const std::string& a) {
    std::string e = q(from);
    e.append(" -> ").append(q(to));
    if (!a.empty()) e.append(" [").append(a).append("]");
    edges_.push_back(std::move(e));
  }
  std::string cut(std::string s) const {
    size_t max = std::max<size_t>(o_.max_label_size, 16);
    if (s.size() > max) s = s.substr(0, max - 3) + "...";
    return s;
  }
  std::string fill(const std::string& color) const {
    if (color.empty()) return "";
    if (!o_.high_contrast) return ", color=" + q(color);
    // Black text is unreadable on Theano's blue output boxes.
    return ", style=filled, fillcolor=" + q(color) + (color == "blue" ? ", fontcolor=\"white\"" : "");
  }

  // The label of a variable box (printing.py:var_name), remembered for duplicate apply labels.
  std::string var_label(const Var& v) {
    std::string type = v.type().str(), s;
    auto up = update_of_.find(v.node());
    if (!v.name().empty()) s = o_.var_with_name_simple ? v.name() : "name=" + v.name() + " " + type;
    else if (v.is_constant()) {
      std::string d = "val=" + detail::array_str(v.node()->constant);
      s = d.substr(0, d.find('\n')) + " " + type;
    } else if (up != update_of_.end() && !up->second.name().empty()) {
      s = up->second.name() + (o_.var_with_name_simple ? "" : " " + type);
    } else {
      s = type;
    }
    s = cut(s);
    all_strings_.insert(s);
    return s;
  }
  std::string var_id(const Var& v) {
    std::string& id = var_ids_[v.node()];
    if (id.empty()) id = "v" + std::to_string(var_ids_.size() - 1);  // ids in order of first use
    return id;
  }
  void box(const Var& v, const std::string& color, const std::string& scope) {
    if (!boxed_.insert(v.node(), true)) return;
    std::string id = var_id(v);
    add_scope(o_.scopes ? scope : "");
    nodes_[o_.scopes ? scope : ""].push_back(q(id) + " [label=" + q(var_label(v)) + ", shape=box" + fill(color) + "]");
  }
  std::string leaf_box(const Var& v) {
    box(v, v.is_shared() ? "cyan" : "green", "");
    return var_id(v);
  }

  // The ellipse of an apply (printing.py:apply_name), created at first use.
  std::string apply_id(Apply* a) {
    if (const std::string* known = apply_ids_.find(a)) return *known;
    const size_t* at = index_.find(a);
    if (!at) throw std::logic_error("pydotprint: an apply outside the graph");
    size_t k = *at;
    std::string s = a->op->str();
    for (char& c : s)
      if (c == ':') c = '_';
    if (g_.profile && k < g_.order.size()) {
      double t = g_.profile->step_seconds(k), total = g_.profile->call_seconds();
      char buf[64];
      std::snprintf(buf, sizeof buf, "   (%.3fs,%.3f%%)", t, g_.profile->calls() && total > 0 ? t * 100 / total : 0.0);
      s += buf;
    }
    size_t max = std::max<size_t>(o_.max_label_size, 16);  // room for " id=N" and "..."
    if (all_strings_.count(s) || o_.with_ids) {
      std::string idx = " id=" + std::to_string(k);
      s = s.size() + idx.size() > max ? s.substr(0, max - 3 - idx.size()) + idx + "..." : s + idx;
    } else if (s.size() > max) {
      s = s.substr(0, max - 3) + "...";
      // The first free " id=n" (n >= 2) for this cut label. The labels taken only grow, so the
      // search goes on where the last one for the same cut label stopped (linear, not quadratic,
      // in the number of applies sharing a long label).
      int& n = next_suffix_[s];
      if (n < 2) n = 2;
      for (std::string cut = s; all_strings_.count(s); ++n) {
        std::string suffix = " id=" + std::to_string(n);
        s = cut.substr(0, max - 3 - suffix.size()) + "..." + suffix;
      }
    }
    all_strings_.insert(s);
    std::string color;
    std::string cls = a->op->name();
    for (const auto& [name, c] : kColorCodes)
      if (cls.find(name) != std::string::npos) color = c;
    std::string id = "a" + std::to_string(k);
    std::string scope = o_.scopes ? a->scope : "";
    add_scope(scope);
    nodes_[scope].push_back(q(id) + " [label=" + q(s) + ", shape=ellipse" + fill(color) + "]");
    apply_ids_[a] = id;
    return id;
  }

  static std::string parent_of(const std::string& scope) {
    auto slash = scope.find_last_of('/');
    return slash == std::string::npos ? "" : scope.substr(0, slash);
  }
  // Registers a scope and its enclosing scopes, outermost first, each under its parent.
  void add_scope(const std::string& scope) {
    std::vector<std::string> fresh;  // innermost first
    for (std::string s = scope; !s.empty() && !nodes_.count(s); s = parent_of(s)) {
      nodes_[s];
      fresh.push_back(s);
    }
    for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) children_[parent_of(*it)].push_back(*it);
  }

  // Writes the nodes of `scope`, then its direct sub-scopes (first seen first) as nested clusters;
  // iterative, with an explicit stack of open clusters.
  void emit_scope(const std::string& scope, int indent, std::string& out) {
    struct Open {
      const std::string* scope;
      size_t next;  // the next child scope to write
      int indent;
    };
    auto pad = [](int indent) { return std::string(size_t(2 * indent), ' '); };
    auto enter = [&](const std::string& s, int ind, std::vector<Open>& stack) {
      for (const std::string& n : nodes_[s]) out.append(size_t(2 * ind), ' ').append(n).append(";\n");
      stack.push_back({&s, 0, ind});
    };
    std::vector<Open> stack;
    enter(scope, indent, stack);
    while (!stack.empty()) {
      Open& o = stack.back();
      const std::vector<std::string>& kids = children_[*o.scope];
      if (o.next == kids.size()) {
        int ind = o.indent;
        stack.pop_back();
        if (stack.empty()) break;
        // A scope is a rounded grey panel with its name in bold, so layers stand out in big graphs.
        std::string p = pad(ind - 1);
        out += p + "  style=\"rounded,filled\"; fillcolor=\"#F3F3F3\"; color=\"#888888\"; fontname=\"Helvetica-Bold\"; fontsize=18;\n";
        out += p + "}\n";
        continue;
      }
      const std::string& child = kids[o.next++];
      std::string p = pad(o.indent);
      std::string label = child.substr(child.find_last_of('/') == std::string::npos ? 0 : child.find_last_of('/') + 1);
      out += p + "subgraph cluster_" + std::to_string(clusters_++) + " {\n" + p + "  label=" + q(label) + ";\n";
      enter(child, o.indent + 1, stack);  // o is not used after this
    }
  }

  const detail::PrintGraph& g_;
  const DotOptions& o_;
  std::vector<Apply*> topo_;
  PtrMap<bool> outputs_, used_;
  std::unordered_map<const VarNode*, Var> update_of_;  // update expression -> its shared variable
  PtrMap<std::string> var_ids_, apply_ids_;
  PtrMap<size_t> index_;  // position in topo_
  std::map<std::string, std::vector<std::string>> children_;  // scope path -> its sub-scopes, first seen first
  PtrMap<bool> boxed_;  // variables with a box
  std::unordered_set<std::string> all_strings_;
  std::unordered_map<std::string, int> next_suffix_;  // cut label -> the first " id=n" that may be free
  std::map<std::string, std::vector<std::string>> nodes_;  // scope path -> node statements
  std::vector<std::string> edges_;
  int clusters_ = 0;
};

std::string find_on_path(const std::string& exe) {
  const char* path = std::getenv("PATH");
  std::string p = path ? path : "";
  for (size_t start = 0; start <= p.size();) {
    size_t end = p.find(':', start);
    if (end == std::string::npos) end = p.size();
    std::string cand = (end > start ? p.substr(start, end - start) : ".") + "/" + exe;
    if (access(cand.c_str(), X_OK) == 0) return cand;
    start = end + 1;
  }
  return "";
}

std::string shell_quote(const std::string& s) {
  if (s.find_first_of(" '\"\\$`!*?;&|<>()") == std::string::npos) return s;
  std::string r = "'";
  for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return r + "'";
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("pydotprint: cannot write " + path + ": " + std::strerror(errno));
  f << text;
  f.close();  // a full disk shows only when the buffer is written out
  if (!f) throw std::runtime_error("pydotprint: cannot write " + path + ": " + std::strerror(errno));
}

void write(const detail::PrintGraph& g, const std::string& path, const DotOptions& o) {
  std::ostream& log = o.log ? *o.log : std::cout;
  std::string text = DotBuilder(g, o).build();
  std::string ext = path.substr(path.find_last_of('.') == std::string::npos ? path.size() : path.find_last_of('.') + 1);
  std::string out_file = path;
  if (ext == "svg" || ext == "png" || ext == "pdf") {
    std::string dot_path = path.substr(0, path.size() - ext.size()) + "dot";
    write_file(dot_path, text);
    std::string dot = find_on_path("dot");
    if (dot.empty()) {
      log << "graphviz's dot was not found; render with: dot -T" << ext << " " << shell_quote(dot_path) << " -o " << shell_quote(path)
          << "\n";
      out_file = dot_path;
    } else {
      std::string fmt = "-T" + ext;
      std::vector<char*> argv = {dot.data(), fmt.data(), dot_path.data(), const_cast<char*>("-o"), const_cast<char*>(path.c_str()), nullptr};
      pid_t pid;
      int status = 0;
      if (posix_spawn(&pid, dot.c_str(), nullptr, nullptr, argv.data(), environ) != 0 || waitpid(pid, &status, 0) < 0 ||
          !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw std::runtime_error("pydotprint: `dot " + fmt + " " + shell_quote(dot_path) + " -o " + shell_quote(path) + "` failed");
    }
  } else {
    write_file(path, text);
  }
  if (o.print_output_file) log << "The output file is available at " << out_file << "\n";
}

}  // namespace

void pydotprint(const Var& v, const std::string& path, const DotOptions& o) { write(detail::graph_of({v}, "pydotprint"), path, o); }
void pydotprint(const std::vector<Var>& vs, const std::string& path, const DotOptions& o) { write(detail::graph_of(vs, "pydotprint"), path, o); }
void pydotprint(const Function& f, const std::string& path, const DotOptions& o) { write(detail::graph_of(f, "pydotprint"), path, o); }
std::string dot_str(const Var& v, const DotOptions& o) { return DotBuilder(detail::graph_of({v}, "dot_str"), o).build(); }
std::string dot_str(const std::vector<Var>& vs, const DotOptions& o) { return DotBuilder(detail::graph_of(vs, "dot_str"), o).build(); }
std::string dot_str(const Function& f, const DotOptions& o) { return DotBuilder(detail::graph_of(f, "dot_str"), o).build(); }

}  // namespace theano::printing
