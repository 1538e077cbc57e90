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
// the path, so a 200,000-deep chain prints in time proportional to its number of lines.
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "frontend/theano/printing.hpp"
#include "graph/op.hpp"
#include "frontend/print_common.hpp"

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
    for (size_t i = 0; i < order.size(); ++i) order_[order[i]] = i;
  }

  // Prints the graph of `root`, sharing ids (and the not-expanded-twice rule) with earlier roots.
  void print(const Var& root) {
    if (opts_.depth == 0) return;
    struct Frame {
      Apply* apply;
      size_t next;  // next input to print
      size_t base;  // length of the prefix under which its inputs are printed
      int depth;    // the apply's remaining depth
    };
    std::vector<Frame> stack;
    prefix_.clear();
    if (line(root) && opts_.depth != 1) stack.push_back({root.owner(), 0, 0, opts_.depth});
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == f.apply->inputs.size()) {
        stack.pop_back();
        continue;
      }
      size_t i = f.next++;
      bool last = i + 1 == f.apply->inputs.size();
      int depth = f.depth - 1;  // stays negative when unlimited
      prefix_.resize(f.base);
      prefix_ += " |";
      const Var& child = f.apply->inputs[i];
      if (line(child) && depth != 1) {
        prefix_.replace(prefix_.size() - 2, 2, last ? "  " : " |");
        stack.push_back({child.owner(), 0, prefix_.size(), depth});
      }
    }
  }

 private:
  // The id of an apply (shared by its outputs) or of a leaf; assigned at first sight.
  const std::string& id_of(const void* key, uint64_t node_id) {
    auto it = done_.find(key);
    if (it != done_.end()) return it->second;
    std::string id;
    if (opts_.ids == "CHAR") id = "[id " + char_from_number(done_.size()) + "]";
    else if (opts_.ids == "int") id = "[id " + std::to_string(done_.size()) + "]";
    else if (opts_.ids == "id") id = "[id " + std::to_string(node_id) + "]";
    return done_.emplace(key, std::move(id)).first->second;
  }

  // Prints r's line after prefix_; returns whether its inputs are to be printed below it.
  bool line(const Var& r) {
    std::string type;  // (appended in steps: GCC 12 warns falsely on " " + std::string&&)
    if (opts_.print_type) type.append(" <").append(r.type().str()).append(">");
    out_.write(prefix_.data(), std::streamsize(prefix_.size()));
    Apply* a = r.owner();
    if (!a) {
      out_ << detail::leaf_str(r) << ' ' << id_of(r.node(), r.node()->id) << type << '\n';
      return false;
    }
    bool printed = done_.count(a) > 0;
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
    if (!order_.empty()) {
      auto it = order_.find(a);
      if (it != order_.end()) order = std::to_string(it->second);
    }
    out_ << a->op->str() << idx << ' ' << id_of(a, a->id) << type << " '" << r.name() << "' " << "" << ' ' << view_map << ' '
         << order;
    if (opts_.show_scope && !a->scope.empty()) out_ << " scope=" << a->scope;
    if (opts_.show_site && a->site.file_name()[0] != '\0') out_ << " at " << site_str(a->site);
    out_ << '\n';
    return !printed && !(opts_.stop_on_name && !r.name().empty());
  }

  std::ostream& out_;
  const PrintOptions& opts_;
  std::unordered_map<const void*, std::string> done_;
  std::unordered_map<const Apply*, size_t> order_;
  std::string prefix_;
};

void print_graph(const detail::PrintGraph& g, std::ostream& out, const PrintOptions& opts) {
  DebugPrinter p(out, opts, g.order);
  for (const Variable& r : g.outputs) p.print(r);
  out.flush();
}

template <class X>
std::string to_str(const X& x, const PrintOptions& opts) {
  std::ostringstream os;
  print_graph(detail::graph_of(x), os, opts);
  return os.str();
}

}  // namespace

void debugprint(const Var& v, std::ostream& out, const PrintOptions& opts) { print_graph(detail::graph_of({v}), out, opts); }
void debugprint(const std::vector<Var>& vs, std::ostream& out, const PrintOptions& opts) { print_graph(detail::graph_of(vs), out, opts); }
void debugprint(const Function& f, std::ostream& out, const PrintOptions& opts) { print_graph(detail::graph_of(f), out, opts); }
void debugprint(const Var& v, const PrintOptions& opts) { debugprint(v, std::cout, opts); }
void debugprint(const std::vector<Var>& vs, const PrintOptions& opts) { debugprint(vs, std::cout, opts); }
void debugprint(const Function& f, const PrintOptions& opts) { debugprint(f, std::cout, opts); }
std::string debugprint_str(const Var& v, const PrintOptions& opts) { return to_str(std::vector<Var>{v}, opts); }
std::string debugprint_str(const std::vector<Var>& vs, const PrintOptions& opts) { return to_str(vs, opts); }
std::string debugprint_str(const Function& f, const PrintOptions& opts) { return to_str(f, opts); }

}  // namespace theano::printing
