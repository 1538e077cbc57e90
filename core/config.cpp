#include "core/config.hpp"

#include <cstdlib>
#include <stdexcept>

namespace theano {

namespace {
bool parse_bool(const std::string& key, const std::string& v) {
  if (v == "True" || v == "true" || v == "1") return true;
  if (v == "False" || v == "false" || v == "0") return false;
  throw std::invalid_argument("THEANO_FLAGS: " + key + " must be True or False, got '" + v + "'");
}
}  // namespace

Config parse_flags(const std::string& flags) {
  Config c;
  size_t pos = 0;
  while (pos <= flags.size()) {
    size_t end = flags.find(',', pos);
    if (end == std::string::npos) end = flags.size();
    std::string entry = flags.substr(pos, end - pos);
    pos = end + 1;
    if (entry.empty()) continue;
    size_t eq = entry.find('=');
    if (eq == std::string::npos) throw std::invalid_argument("THEANO_FLAGS: entry '" + entry + "' is not of the form name=value");
    std::string key = entry.substr(0, eq), value = entry.substr(eq + 1);
    if (key == "floatX") {
      if (value != "float32" && value != "float64")
        throw std::invalid_argument("THEANO_FLAGS: floatX must be float32 or float64, got '" + value + "'");
      c.floatX = dtype_from_name(value);
    } else if (key == "profile") {
      c.profile = parse_bool(key, value);
    } else if (key == "mode") {
      if (value != "FAST_RUN" && value != "FAST_COMPILE" && value != "NanGuardMode")
        throw std::invalid_argument("THEANO_FLAGS: mode must be FAST_RUN, FAST_COMPILE or NanGuardMode, got '" + value + "'");
      c.mode = value;
    } else if (key == "optimizer_excluding") {
      size_t p = 0;
      while (p <= value.size()) {
        size_t q = value.find(':', p);
        if (q == std::string::npos) q = value.size();
        if (q > p) c.optimizer_excluding.push_back(value.substr(p, q - p));
        p = q + 1;
      }
    } else if (key == "device") {
      if (value != "cpu") throw std::invalid_argument("THEANO_FLAGS: device '" + value + "' is not available; theano-cpp runs on cpu");
      c.device = value;
    } else if (key == "threads") {
      char* end = nullptr;
      long n = std::strtol(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || n < 1 || n > 1024)
        throw std::invalid_argument("THEANO_FLAGS: threads must be a whole number from 1 to 1024, got '" + value + "'");
      c.threads = int(n);
    } else if (key == "verify") {
      c.verify = parse_bool(key, value);
    } else {
      throw std::invalid_argument("THEANO_FLAGS: unknown flag '" + key +
                                  "' (known: floatX, profile, mode, optimizer_excluding, device, threads, verify)");
    }
  }
  return c;
}

const Config& config() {
  static const Config c = [] {
    const char* env = std::getenv("THEANO_FLAGS");
    return parse_flags(env ? env : "");
  }();
  return c;
}

}  // namespace theano
