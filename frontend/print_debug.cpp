// debugprint in Theano's exact text format (theano/compile/debugmode.py:debugprint):
//
//   Elemwise{add,no_inplace} [id A] ''   3        <- an apply output: op, id, 'name', toposort index
//    |Elemwise{exp,no_inplace} [id B] ''   2      <- children get " |"; below the last child "  "
//    | |x [id C]                                 <- a leaf: its name, constant or <type>
//    |x [id C]                                   <- seen before: the same id, not expanded again
//
// An apply line is '%s%s%s %s%s \'%s\' %s %s %s' % (prefix, op, .N, id, type, name, destroy_map,
// view_map, order), so it always ends with the three separating spaces and the (maybe empty) index.
// The walk uses an explicit stack, and the prefix lives in one buffer that grows and shrinks with
// the path.
//
// Theano's format is quadratic in the depth: a line k levels down carries 2k characters of prefix,
// so a 200,000-deep chain would print 8e10 characters. Nesting is therefore cut at kMaxNesting
// levels: an apply reached there is printed, followed by one line
//   <prefix> |... inputs of [id XY] printed below (more than 128 levels deep)
// and, once the tree of its output is done, printed again as a root with its inputs below it (ids
// are shared, as between outputs). The text is then linear in the size of the graph, and nothing is
// left out. 128 levels is far above any graph a person reads whole (the compiled LeNet is 16 deep,
// every golden text of the tests below 20), so those print exactly as in Theano.
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "frontend/theano/printing.hpp"
#include "graph/op.hpp"
#include "graph/ptr_map.hpp"
#include "frontend/print_common.hpp"
#include "runtime/scan_op.hpp"

namespace theano::printing {

namespace {

// Base 26 with A = 0: 25 -> Z, 26 -> BA, 27 -> BB (debugmode.py:char_from_number).
std::string char_from_number(size_t n) {
  std::string s = n == 0 ? "A" : "";
  for (; n != 0; n /= 26) s.insert(s.begin(), char('A' + n % 26));
  return s;
}

class DebugPrinter {
 public:
  DebugPrinter(std::ostream& out, const PrintOptions& opts, const std::vector<Apply*>& order) : out_(out), opts_(opts) {
    if (opts.ids != "CHAR" && opts.ids != "int" && opts.ids != "id" && !opts.ids.empty())
      throw std::invalid_argument("debugprint: ids must be \"CHAR\", \"int\", \"id\" or \"\", got \"" + opts.ids + "\"");
    order_ = PtrMap<size_t>(order.size());
    for (size_t i = 0; i < order.size(); ++i) order_[order[i]] = i;
  }

  // Prints the graph of `root`, sharing ids (and the not-expanded-twice rule) with earlier roots,
  // then the continuations of the applies its tree cut at kMaxNesting.
  void print(const Var& root, const std::string& base = "") {
    if (opts_.depth == 0) return;
    print_tree(root, opts_.depth, false, base);
    for (size_t k = 0; k < continued_.size(); ++k) print_tree(continued_[k].first, continued_[k].second, true, base);
    continued_.clear();
  }

  // Theano's section after the graph: every scan met (nested ones too), its line again, then its
  // compiled step below it with the prefix " >"; an inner input shows the outer input it reads
  // ("-> [id C]").
  void print_inner_graphs() {
    if (scans_.empty() || opts_.depth == 0) return;
    out_ << "\nInner graphs of the scan ops:\n";
    for (size_t k = 0; k < scans_.size(); ++k) {
      const Var scan_out = scans_[k];
      const auto& op = static_cast<const ScanOp&>(*scan_out.owner()->op);
      out_ << '\n';
      print(scan_out);
      const FunctionGraph& inner = op.inner_function().fgraph();
      inner_to_outer_.clear();
      for (size_t i = 0; i < inner.inputs().size(); ++i)
        inner_to_outer_[inner.inputs()[i].node()] = scan_out.owner()->inputs[op.outer_input_of(i)];
      for (const Variable& r : inner.outputs()) print(r, " >");
      inner_to_outer_.clear();
    }
  }

  static constexpr size_t kMaxNesting = 128;

 private:
  // One tree under `root` (remaining depth `depth`); `continued`: root's line was printed before,
  // at the nesting limit, and its inputs are printed now.
  void print_tree(const Var& root, int depth, bool continued, const std::string& base) {
    struct Frame {
      Apply* apply;
      size_t next;  // next input to print
      size_t base;  // length of the prefix under which its inputs are printed
      int depth;    // the apply's remaining depth
    };
    std::vector<Frame> stack;
    prefix_ = base;
    if (line(root, continued) && depth != 1) stack.push_back({root.owner(), 0, base.size(), depth});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.apply->inputs.size()) {
        stack.pop_back();
        continue;
      }
      size_t i = f.next++;
      bool last = i + 1 == f.apply->inputs.size();
      int child_depth = f.depth - 1;  // stays negative when unlimited
      prefix_.resize(f.base);
      prefix_ += " |";
      const Var& child = f.apply->inputs[i];
      if (line(child, false) && child_depth != 1) {
        prefix_.replace(prefix_.size() - 2, 2, last ? "  " : " |");
        if (stack.size() < kMaxNesting) {  // the child's line is stack.size() levels down
          stack.push_back({child.owner(), 0, prefix_.size(), child_depth});
          continue;
        }
        const std::string& id = id_of(child.owner(), child.owner()->id);
        out_.write(prefix_.data(), std::streamsize(prefix_.size()));
        out_ << " |... inputs of " << (id.empty() ? "it" : id) << " printed below (more than " << kMaxNesting << " levels deep)\n";
        continued_.push_back({child, child_depth});
      }
    }
  }

  // The id of an apply (shared by its outputs) or of a leaf; assigned at first sight.
  const std::string& id_of(const void* key, uint64_t node_id) {
    if (const std::string* known = done_.find(key)) return *known;
    std::string id;
    if (opts_.ids == "CHAR") id = "[id " + char_from_number(done_.size()) + "]";
    else if (opts_.ids == "int") id = "[id " + std::to_string(done_.size()) + "]";
    else if (opts_.ids == "id") id = "[id " + std::to_string(node_id) + "]";
    std::string& slot = done_[key];
    slot = std::move(id);
    return slot;
  }

  // Prints r's line after prefix_; returns whether its inputs are to be printed below it (always,
  // for the root of a continuation).
  bool line(const Var& r, bool continued) {
    std::string type;  // (appended in steps: GCC 12 warns falsely on " " + std::string&&)
    if (opts_.print_type) type.append(" <").append(r.type().str()).append(">");
    out_.write(prefix_.data(), std::streamsize(prefix_.size()));
    Apply* a = r.owner();
    if (!a) {
      out_ << detail::leaf_str(r) << ' ' << id_of(r.node(), r.node()->id) << type;
      if (auto at = inner_to_outer_.find(r.node()); at != inner_to_outer_.end()) {
        const Variable& o = at->second;
        out_ << " -> " << (o.owner() ? id_of(o.owner(), o.owner()->id) : id_of(o.node(), o.node()->id));
      }
      out_ << '\n';
      return false;
    }
    if (dynamic_cast<const ScanOp*>(a->op.get()) && !done_.contains(a)) scans_.push_back(r);
    bool printed = done_.contains(a);
    std::string idx;
    if (a->outputs.size() > 1) idx.append(".").append(std::to_string(r.node()->index));
    std::string view_map;
    if (opts_.print_view_map) {
      for (size_t o = 0; o < a->outputs.size(); ++o)
        if (auto in = a->op->view_of(int(o)))
          view_map += (view_map.empty() ? "" : ", ") + std::to_string(o) + ": [" + std::to_string(*in) + "]";
      view_map = view_map.empty() ? "{}" : "v={" + view_map + "}";
    }
    std::string order;
    if (order_.size() != 0)
      if (const size_t* at = order_.find(a)) order = std::to_string(*at);
    out_ << a->op->str() << idx << ' ' << id_of(a, a->id) << type << " '" << r.name() << "' " << "" << ' ' << view_map << ' '
         << order;
    if (opts_.show_scope && !a->scope.empty()) out_ << " scope=" << a->scope;
    if (opts_.show_site && a->site.file_name()[0] != '\0') out_ << " at " << site_str(a->site);
    out_ << '\n';
    return continued || (!printed && !(opts_.stop_on_name && !r.name().empty()));
  }

  std::ostream& out_;
  const PrintOptions& opts_;
  PtrMap<std::string> done_;  // the id of every apply and leaf seen
  PtrMap<size_t> order_;      // an apply's position in the schedule
  std::string prefix_;
  std::vector<std::pair<Var, int>> continued_;  // cut at kMaxNesting: (variable, remaining depth)
  std::vector<Var> scans_;                      // an output of every scan apply met, in order
  std::unordered_map<VarNode*, Variable> inner_to_outer_;  // while printing a scan's step
};

void print_graph(const detail::PrintGraph& g, std::ostream& out, const PrintOptions& opts) {
  DebugPrinter p(out, opts, g.order);
  for (const Variable& r : g.outputs) p.print(r);
  p.print_inner_graphs();
  out.flush();
}

template <class X>
std::string to_str(const X& x, const PrintOptions& opts) {
  std::ostringstream os;
  print_graph(detail::graph_of(x, "debugprint_str"), os, opts);
  return os.str();
}

}  // namespace

void debugprint(const Var& v, std::ostream& out, const PrintOptions& opts) { print_graph(detail::graph_of({v}, "debugprint"), out, opts); }
void debugprint(const std::vector<Var>& vs, std::ostream& out, const PrintOptions& opts) {
  print_graph(detail::graph_of(vs, "debugprint"), out, opts);
}
void debugprint(const Function& f, std::ostream& out, const PrintOptions& opts) { print_graph(detail::graph_of(f, "debugprint"), out, opts); }
void debugprint(const Var& v, const PrintOptions& opts) { debugprint(v, std::cout, opts); }
void debugprint(const std::vector<Var>& vs, const PrintOptions& opts) { debugprint(vs, std::cout, opts); }
void debugprint(const Function& f, const PrintOptions& opts) { debugprint(f, std::cout, opts); }
std::string debugprint_str(const Var& v, const PrintOptions& opts) { return to_str(std::vector<Var>{v}, opts); }
std::string debugprint_str(const std::vector<Var>& vs, const PrintOptions& opts) { return to_str(vs, opts); }
std::string debugprint_str(const Function& f, const PrintOptions& opts) { return to_str(f, opts); }

}  // namespace theano::printing
