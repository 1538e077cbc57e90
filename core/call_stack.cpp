#include "core/call_stack.hpp"

#include <cxxabi.h>
#include <unwind.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>

#ifdef THEANO_CPP_HAVE_LIBBACKTRACE
#include <backtrace.h>
#else
#include <dlfcn.h>
#endif

namespace theano {

namespace {

_Unwind_Reason_Code collect(_Unwind_Context* ctx, void* arg) {
  auto* s = static_cast<CallStack*>(arg);
  if (s->size >= int(s->pcs.size())) return _URC_END_OF_STACK;
  uintptr_t pc = _Unwind_GetIP(ctx);
  if (pc == 0) return _URC_END_OF_STACK;
  s->pcs[size_t(s->size++)] = pc;
  return _URC_NO_REASON;
}

std::string demangle(const char* name) {
  if (!name) return "";
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> s(abi::__cxa_demangle(name, nullptr, nullptr, &status), std::free);
  return status == 0 && s ? std::string(s.get()) : std::string(name);
}

// Whether a function is the library's, the C++ runtime's or the C library's: not the user's.
bool is_library(const std::string& fn) {
  // The qualified name, past a return type that some demangled names start with ("void std::f(...)"):
  // the last space outside template brackets before the parameter list.
  size_t start = 0;
  int depth = 0;
  for (size_t i = 0; i < fn.size(); ++i) {
    char c = fn[i];
    if (c == '<') ++depth;
    else if (c == '>') --depth;
    else if (depth == 0 && c == '(') break;
    else if (depth == 0 && c == ' ') start = i + 1;
  }
  std::string name = fn.substr(start);
  for (const char* prefix : {"theano::", "std::", "__", "_start", "_GLOBAL__"})
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

std::string basename(const char* path) {
  std::string p = path;
  auto slash = p.find_last_of('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

struct Frame {
  std::string file;
  int line = 0;
  std::string function;
};

#ifdef THEANO_CPP_HAVE_LIBBACKTRACE
backtrace_state* state() {
  // Created once (libbacktrace keeps what it read of the executable's debug information).
  static backtrace_state* s = backtrace_create_state(nullptr, /*threaded=*/1, [](void*, const char*, int) {}, nullptr);
  return s;
}

// The frames of one return address: inlined ones first, then the function that contains them.
std::vector<Frame> frames_at(uintptr_t pc) {
  std::vector<Frame> out;
  auto on_line = [](void* data, uintptr_t, const char* file, int line, const char* fn) -> int {
    auto* v = static_cast<std::vector<Frame>*>(data);
    if (fn) v->push_back({file ? basename(file) : "", line, demangle(fn)});
    return 0;
  };
  backtrace_pcinfo(state(), pc, on_line, [](void*, const char*, int) {}, &out);
  if (out.empty()) {  // no line tables: the symbol's name
    auto on_symbol = [](void* data, uintptr_t, const char* name, uintptr_t, uintptr_t) {
      if (name) static_cast<std::vector<Frame>*>(data)->push_back({"", 0, demangle(name)});
    };
    backtrace_syminfo(state(), pc, on_symbol, [](void*, const char*, int) {}, &out);
  }
  return out;
}
#else
std::vector<Frame> frames_at(uintptr_t pc) {
  Dl_info info;
  if (dladdr(reinterpret_cast<void*>(pc), &info) && info.dli_sname) return {{"", 0, demangle(info.dli_sname)}};
  return {};
}
#endif

}  // namespace

std::shared_ptr<const CallStack> capture_call_stack() {
  auto s = std::make_shared<CallStack>();
  _Unwind_Backtrace(collect, s.get());
  return s;
}

std::vector<std::string> user_frames(const CallStack& stack, size_t max) {
  static std::mutex symbolizing;  // libbacktrace's state is shared
  std::lock_guard lock(symbolizing);
  std::vector<Frame> user;
  for (int i = 0; i < stack.size; ++i)
    // A return address points after the call: look up the call instruction itself.
    for (const Frame& f : frames_at(stack.pcs[size_t(i)] - 1))
      if (!f.function.empty() && !is_library(f.function)) user.push_back(f);
  // Where some frames have line tables (the user's code built with -g1), the others are code the
  // user did not write (a test harness, a prebuilt library): only the former are shown.
  bool any_lines = std::any_of(user.begin(), user.end(), [](const Frame& f) { return !f.file.empty(); });
  std::vector<std::string> out;
  for (const Frame& f : user) {
    if (out.size() >= max) break;
    if (any_lines && f.file.empty()) continue;
    out.push_back((f.file.empty() ? "" : f.file + ":" + std::to_string(f.line) + " in ") + f.function);
  }
  return out;
}

}  // namespace theano
