// Command-line flags for the tutorial programs: one flag per keyword argument of the tutorial's
// Python function (--learning_rate 0.13 --n_epochs 5 ...), with --help listing each default.
// Unknown or malformed flags are errors that name the flag and list the known ones.
// Every tutorial also takes --dot PREFIX (add_dot_flag): after compiling, write_graphs() writes
// PREFIX_train.dot/.svg and PREFIX_validate.dot/.svg with theano::printing::pydotprint, and
// --no-progress, --log FILE, --plot FILE.svg (add_report_flags, see training_monitor.hpp).
#pragma once
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <theano/theano.hpp>

#include "training_monitor.hpp"

namespace tutorial {

// --dot PREFIX: where write_graphs() puts the compiled graphs (empty: no pictures).
inline std::string dot_prefix;

class Flags {
 public:
  explicit Flags(std::string program, std::string summary) : program_(std::move(program)), summary_(std::move(summary)) {}

  void add(const std::string& name, double& target, const std::string& help) {
    add_flag(name, fmt::format("{}", target), help, [&target, name](const std::string& v) { target = parse_double(name, v); });
  }
  void add(const std::string& name, int& target, const std::string& help) {
    add_flag(name, fmt::format("{}", target), help, [&target, name](const std::string& v) { target = int(parse_int(name, v)); });
  }
  void add(const std::string& name, std::string& target, const std::string& help) {
    add_flag(name, target, help, [&target](const std::string& v) { target = v; });
  }
  void add(const std::string& name, std::vector<int>& target, const std::string& help) {
    std::string dflt;
    for (size_t i = 0; i < target.size(); ++i) {
      if (i) dflt += ',';
      dflt += std::to_string(target[i]);
    }
    add_flag(name, dflt, help, [&target, name](const std::string& v) {
      target.clear();
      size_t p = 0;
      while (p <= v.size()) {
        size_t q = v.find(',', p);
        if (q == std::string::npos) q = v.size();
        target.push_back(int(parse_int(name, v.substr(p, q - p))));
        p = q + 1;
      }
    });
  }
  // --dot PREFIX, bound to tutorial::dot_prefix.
  void add_dot_flag() {
    add("dot", dot_prefix,
        "write PREFIX_<function>.dot and .svg (graphviz) of the compiled functions, e.g. --dot /tmp/lenet; empty: off");
  }
  // --no-progress, --log FILE, --plot FILE.svg, bound to tutorial::report.
  void add_report_flags() {
    add_switch("no-progress", report.no_progress, "no progress line on a terminal (piped output never has one)");
    add("log", report.log_path, "write a CSV row per validation: epoch,iteration,validation_error,test_error,seconds (errors in %)");
    add("plot", report.plot_path, "write the validation and test error against epoch as an SVG, e.g. --plot curve.svg");
  }
  void add_switch(const std::string& name, bool& target, const std::string& help) {
    flags_.push_back({name, "off", help, [&target](const std::string&) { target = true; }, true});
  }

  // Parses argv; prints help and exits 0 on --help; throws std::invalid_argument on bad input.
  void parse(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
      std::string arg = argv[i];
      if (arg == "--help" || arg == "-h") {
        print_help();
        std::exit(0);
      }
      if (arg.rfind("--", 0) != 0) throw std::invalid_argument(fmt::format("{}: unexpected argument '{}'{}", program_, arg, known()));
      std::string name = arg.substr(2), value;
      size_t eq = name.find('=');
      bool inline_value = eq != std::string::npos;
      if (inline_value) {
        value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      Flag* f = find(name);
      if (!f) throw std::invalid_argument(fmt::format("{}: unknown flag '--{}'{}", program_, name, known()));
      if (!f->is_switch && !inline_value) {
        if (i + 1 >= argc) throw std::invalid_argument(fmt::format("{}: flag '--{}' needs a value", program_, name));
        value = argv[++i];
      }
      f->set(value);
    }
  }

  void print_help() const {
    fmt::print("usage: {} [--flag value ...]\n{}\n\nflags:\n", program_, summary_);
    for (const Flag& f : flags_) fmt::print("  --{:<24} {} (default: {})\n", f.name, f.help, f.dflt.empty() ? "\"\"" : f.dflt);
    fmt::print("  --{:<24} show this help\n", "help");
  }

 private:
  struct Flag {
    std::string name, dflt, help;
    std::function<void(const std::string&)> set;
    bool is_switch = false;
  };
  void add_flag(const std::string& name, const std::string& dflt, const std::string& help, std::function<void(const std::string&)> set) {
    flags_.push_back({name, dflt, help, std::move(set), false});
  }
  Flag* find(const std::string& name) {
    for (Flag& f : flags_)
      if (f.name == name) return &f;
    return nullptr;
  }
  std::string known() const {
    std::string s = " (known flags:";
    for (const Flag& f : flags_) s += " --" + f.name;
    return s + " --help)";
  }
  static double parse_double(const std::string& name, const std::string& v) {
    char* end = nullptr;
    double d = std::strtod(v.c_str(), &end);
    if (v.empty() || *end) throw std::invalid_argument(fmt::format("flag '--{}' expects a number, got '{}'", name, v));
    return d;
  }
  static long long parse_int(const std::string& name, const std::string& v) {
    char* end = nullptr;
    long long d = std::strtoll(v.c_str(), &end, 10);
    if (v.empty() || *end) throw std::invalid_argument(fmt::format("flag '--{}' expects an integer, got '{}'", name, v));
    return d;
  }
  std::string program_, summary_;
  std::vector<Flag> flags_;
};

// With --dot PREFIX: writes each compiled function's graph as PREFIX_<name>.dot and, when
// graphviz's dot is on PATH, PREFIX_<name>.svg (theano.printing.pydotprint), and says where.
inline void write_graphs(const std::vector<std::pair<std::string, theano::Function>>& functions) {
  if (dot_prefix.empty()) return;
  bool have_dot = std::system("command -v dot > /dev/null 2>&1") == 0;
  for (const auto& [name, f] : functions) {
    std::string base = dot_prefix + "_" + name;
    theano::printing::DotOptions opts;
    opts.print_output_file = false;
    theano::printing::pydotprint(f, base + ".svg", opts);
    fmt::print("... graph of the {} function written to {}.dot{}\n", name, base, have_dot ? fmt::format(" and {}.svg", base) : std::string());
  }
  std::fflush(stdout);
}

}  // namespace tutorial
