// theano.printing: debugprint (the graph as indented text, in Theano's exact format) and pydotprint
// (the graph as a Graphviz DOT file, rendered to .svg/.png when graphviz's `dot` is installed).
//
//   auto x = T::dvector("x");
//   auto y = T::exp(x) + x;
//   theano::printing::debugprint(y);
//   // Elemwise{add,no_inplace} [id A] ''
//   //  |Elemwise{exp,no_inplace} [id B] ''
//   //  | |x [id C]
//   //  |x [id C]
//   theano::printing::pydotprint(f, "logreg.svg");   // f a compiled Function; also a Var or Vars
//
// Both accept a Var, a list of Vars or a compiled Function; for a Function they print its optimized
// graph: the outputs, then the update expressions, with each apply's index in the schedule.
#pragma once
#include <iostream>
#include <string>
#include <vector>

#include "ops/tensor_var.hpp"
#include "runtime/function.hpp"

namespace theano::printing {

// debugprint's options (Theano's keyword arguments), with named presets.
struct PrintOptions {
  int depth = -1;              // levels printed below each output (-1: unlimited; 1: the outputs only)
  bool print_type = false;     // append " <TensorType(float64, matrix)>" after the id
  std::string ids = "CHAR";    // "CHAR" ([id A], [id B], ... [id BA]), "int" ([id 0]) or "" (none)
  bool stop_on_name = false;   // do not expand below a named result
  bool print_view_map = false; // Theano's print_view_map: " v={0: [0]}" on view ops
  bool show_scope = false;     // append " scope=layer0/sub" to applies built inside a NameScope
  bool show_site = false;      // append " at file.cpp:42", where the user's code built the apply

  static PrintOptions Default() { return {}; }
  static PrintOptions WithTypes() { return {.print_type = true}; }
  static PrintOptions WithScopes() { return {.show_scope = true}; }
  static PrintOptions Verbose() { return {.print_type = true, .show_scope = true, .show_site = true}; }
};

void debugprint(const Var& v, std::ostream& out = std::cout, const PrintOptions& opts = PrintOptions::Default());
void debugprint(const std::vector<Var>& vs, std::ostream& out = std::cout, const PrintOptions& opts = PrintOptions::Default());
void debugprint(const Function& f, std::ostream& out = std::cout, const PrintOptions& opts = PrintOptions::Default());
void debugprint(const Var& v, const PrintOptions& opts);
void debugprint(const std::vector<Var>& vs, const PrintOptions& opts);
void debugprint(const Function& f, const PrintOptions& opts);
// debugprint(..., file='str'): the text instead of printing it.
std::string debugprint_str(const Var& v, const PrintOptions& opts = PrintOptions::Default());
std::string debugprint_str(const std::vector<Var>& vs, const PrintOptions& opts = PrintOptions::Default());
std::string debugprint_str(const Function& f, const PrintOptions& opts = PrintOptions::Default());

// theano.printing.pp (also theano.pp): the graph of v as one expression, printed as Theano 1.0's
// pretty printer does: every operator application in parentheses, functions as calls.
//   theano::pp(T::exp(x) * 2.5 + x)   // "((exp(x) * TensorConstant{2.5}) + x)"
// Each use of a reused result is printed in full (as Theano); a text past 64M characters is refused.
std::string pp(const Var& v);

// pydotprint's options. Apply nodes are ellipses (filled by op class: Elemwise pink, Subtensor
// purple, Alloc orange, Shape brown), variables are boxes (inputs green, shared variables cyan,
// outputs blue, unused outputs grey); edges carry the input position, blue for views, red for
// in-place writes; UPDATE edges link each update expression to its shared variable.
struct DotOptions {
  bool compact = true;               // unnamed intermediate results get no box: the edge carries their type
  bool with_ids = false;             // append " id=N" (the schedule index) to every apply label
  bool high_contrast = true;         // colours fill the shapes (else they colour the border)
  bool var_with_name_simple = false; // a named variable shows its name only (else "name=x TensorType(...)")
  size_t max_label_size = 70;        // longer labels are cut with "..."
  bool scopes = true;                // applies built inside a NameScope are drawn in nested clusters
  std::string rankdir;               // graphviz's rankdir: "" (dot's default, top to bottom), "LR", "BT", "RL"
  bool print_output_file = true;     // print "The output file is available at <path>"
  std::ostream* log = nullptr;       // where messages go (nullptr: std::cout)
};

// Writes the graph to `path`. A path ending in .svg, .png or .pdf is rendered with graphviz's dot
// (the DOT text is written next to it, with the extension .dot); without dot on PATH only the .dot
// file is written and the command to render it is printed. Any other path gets the DOT text.
void pydotprint(const Var& v, const std::string& path, const DotOptions& opts = {});
void pydotprint(const std::vector<Var>& vs, const std::string& path, const DotOptions& opts = {});
void pydotprint(const Function& f, const std::string& path, const DotOptions& opts = {});
// The DOT text itself (deterministic: the same graph always gives the same text).
std::string dot_str(const Var& v, const DotOptions& opts = {});
std::string dot_str(const std::vector<Var>& vs, const DotOptions& opts = {});
std::string dot_str(const Function& f, const DotOptions& opts = {});

}  // namespace theano::printing

namespace theano {
using printing::pp;  // theano.pp
}  // namespace theano
