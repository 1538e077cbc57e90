#include "io_file.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace theano::io::detail {

InputFile::InputFile(const std::string& path, std::string who) : path_(path), who_(std::move(who)) {
  std::error_code ec;
  auto st = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(st)) fail("no such file");
  if (!std::filesystem::is_regular_file(st)) fail("not a regular file");
  // gzopen reads files without the gzip magic (1f 8b) unchanged ("transparent" mode).
  f_ = gzopen(path.c_str(), "rb");
  if (!f_) fail(std::string("cannot open: ") + std::strerror(errno));
  gzbuffer(f_, 1 << 17);
}

InputFile::~InputFile() {
  if (f_) gzclose(f_);
}

void InputFile::fail(const std::string& what) const { throw std::runtime_error(who_ + ": " + path_ + ": " + what); }

size_t InputFile::read(void* dst, size_t n) {
  size_t got = 0;
  while (got < n) {
    unsigned chunk = unsigned(std::min<size_t>(n - got, size_t(1) << 30));  // gzread takes an int-sized count
    int r = gzread(f_, static_cast<char*>(dst) + got, chunk);
    int err = Z_OK;
    std::string msg = gzerror(f_, &err);
    // zlib prefixes its message with the path, which our prefix already names.
    if (msg.rfind(path_ + ": ", 0) == 0) msg.erase(0, path_.size() + 2);
    // zlib reports a truncated gzip stream as a short read plus Z_BUF_ERROR, not as -1.
    if (r < 0 || err != Z_OK) {
      if (err == Z_ERRNO) fail(std::string("read error: ") + std::strerror(errno));
      if (err == Z_BUF_ERROR) fail("corrupt gzip stream: truncated (" + msg + ")");
      fail("corrupt gzip stream: " + msg);
    }
    if (r == 0) break;
    got += size_t(r);
  }
  return got;
}

std::vector<uint8_t> InputFile::read_up_to(size_t limit) {
  std::vector<uint8_t> out;
  size_t step = 1 << 20;
  while (out.size() < limit) {
    size_t want = std::min(step, limit - out.size());
    size_t old = out.size();
    out.resize(old + want);
    size_t got = read(out.data() + old, want);
    out.resize(old + got);
    if (got < want) break;
    step = std::min<size_t>(step * 2, size_t(1) << 28);
  }
  return out;
}

}  // namespace theano::io::detail
