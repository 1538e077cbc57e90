// Command-line flags for the tutorial programs: one flag per keyword argument of the tutorial's
// Python function (--learning_rate 0.13 --n_epochs 5 ...), with --help listing each default.
// Unknown or malformed flags are errors that name the flag and list the known ones; every value is
// checked when parsed: integers exactly and within their range (no wrap-around), numbers finite and
// within theirs, each entry of a list, and switches take no value or =true/=false/=1/=0.
// Every tutorial also takes --dot PREFIX (add_dot_flag): after compiling, write_graphs() writes
// PREFIX_train.dot/.svg and PREFIX_validate.dot/.svg with theano::printing::pydotprint, and
// --no-progress, --log FILE, --plot FILE.svg (add_report_flags, see training_monitor.hpp).
#pragma once
#include <cctype>
#include <cerrno>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <fmt/format.h>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <theano/theano.hpp>

#include "tutorial_files.hpp"

namespace tutorial {

// The range of an integer flag (both ends included) and of a number flag (always finite; the low
// end is excluded when low_open).
struct IntRange {
  long long min = INT_MIN, max = INT_MAX;
};
struct NumberRange {
  double low = -std::numeric_limits<double>::max();
  bool low_open = false;
  double high = std::numeric_limits<double>::max();
};
inline constexpr NumberRange kPositive{0., true};
inline constexpr NumberRange kNonNegative{0., false};

class Flags {
 public:
  explicit Flags(std::string program, std::string summary) : program_(std::move(program)), summary_(std::move(summary)) {}

  // A number: finite, within `range` (any finite value by default).
  void add(const std::string& name, double& target, const std::string& help, NumberRange range = {}) {
    add_flag(name, fmt::format("{}", target), help, [&target, name, range](const std::string& v) { target = parse_double(name, v, range); });
  }
  // An integer, parsed exactly: no fraction, no exponent, no wrap-around; within `range`.
  void add(const std::string& name, int& target, const std::string& help, IntRange range = {}) {
    add_flag(name, fmt::format("{}", target), help, [&target, name, range](const std::string& v) {
      target = int(parse_int(name, v, range, ""));
    });
  }
  void add(const std::string& name, std::string& target, const std::string& help) {
    add_flag(name, target, help, [&target](const std::string& v) { target = v; });
  }
  // A comma-separated list of integers, each within `range`; `count` entries exactly (0: any number).
  void add(const std::string& name, std::vector<int>& target, const std::string& help, IntRange range = {}, size_t count = 0) {
    std::string dflt;
    for (size_t i = 0; i < target.size(); ++i) dflt += fmt::format("{}{}", i ? "," : "", target[i]);
    add_flag(name, dflt, help, [&target, name, range, count, dflt](const std::string& v) {
      std::vector<std::string> items;
      for (size_t p = 0;;) {
        size_t q = v.find(',', p);
        items.push_back(v.substr(p, q == std::string::npos ? std::string::npos : q - p));
        if (q == std::string::npos) break;
        p = q + 1;
      }
      if (count && items.size() != count)
        throw std::invalid_argument(fmt::format("flag '--{}' needs {} comma-separated values, e.g. {}, got {} in '{}'", name, count, dflt,
                                                items.size(), v));
      std::vector<int> parsed;
      for (size_t i = 0; i < items.size(); ++i)
        parsed.push_back(int(parse_int(name, items[i], range, fmt::format(" entry {} of {}", i + 1, items.size()))));
      target = std::move(parsed);
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
  // A switch: --name (on), or --name=true, =false, =1, =0; anything else is refused.
  void add_switch(const std::string& name, bool& target, const std::string& help) {
    flags_.push_back({name, "off", help, [&target, name](const std::string& v) { target = parse_switch(name, v); }, true});
  }

  // Parses argv; prints help and exits 0 on --help; throws std::invalid_argument on bad input (the
  // tutorials parse before they load any data, so a bad value costs nothing).
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
      if (f->is_switch && !inline_value) value = "true";
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
  static bool parse_switch(const std::string& name, const std::string& v) {
    if (v == "true" || v == "1") return true;
    if (v == "false" || v == "0") return false;
    throw std::invalid_argument(
        fmt::format("flag '--{}' is a switch: give it alone or as --{}=true, =false, =1 or =0, got '--{}={}'", name, name, name, v));
  }
  // The whole of v must be the number (strtod's prefix or leading blanks are not), and finite.
  static double parse_double(const std::string& name, const std::string& v, NumberRange range) {
    char* end = nullptr;
    errno = 0;
    double d = v.empty() || std::isspace(static_cast<unsigned char>(v[0])) ? 0. : std::strtod(v.c_str(), &end);
    if (v.empty() || std::isspace(static_cast<unsigned char>(v[0])) || *end)
      throw std::invalid_argument(fmt::format("flag '--{}' expects a number, got '{}'", name, v));
    bool tiny = errno == ERANGE && std::fabs(d) <= std::numeric_limits<double>::min();  // underflow: keep the denormal or 0
    if (!std::isfinite(d) || (errno == ERANGE && !tiny) || (range.low_open ? d <= range.low : d < range.low) || d > range.high)
      throw std::invalid_argument(fmt::format("flag '--{}' must be a finite number{}, got '{}'", name, describe(range), v));
    return d;
  }
  static std::string describe(NumberRange r) {
    bool has_low = r.low > -std::numeric_limits<double>::max(), has_high = r.high < std::numeric_limits<double>::max();
    std::string low = fmt::format("{} {}", r.low_open ? ">" : ">=", r.low), high = fmt::format("<= {}", r.high);
    if (has_low && has_high) return fmt::format(" {} and {}", low, high);
    if (has_low) return " " + low;
    if (has_high) return " " + high;
    return "";
  }
  // Decimal digits with an optional '-', exactly (std::from_chars: no blanks, no '+', no wrap).
  static long long parse_int(const std::string& name, const std::string& v, IntRange range, const std::string& entry) {
    long long d = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
    bool digits = !v.empty() && ptr == v.data() + v.size() && v.find_first_not_of("-0123456789") == std::string::npos;
    if (!digits || (ec != std::errc() && ec != std::errc::result_out_of_range))
      throw std::invalid_argument(fmt::format("flag '--{}'{} expects an integer, got '{}'", name, entry, v));
    if (ec == std::errc::result_out_of_range || d < range.min || d > range.max)
      throw std::invalid_argument(fmt::format("flag '--{}'{} must be an integer from {} to {}, got '{}'", name, entry, range.min, range.max, v));
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
