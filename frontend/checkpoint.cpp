// Checkpoint files (format in frontend/theano/checkpoint.hpp): an atomic writer and a reader that
// validates every field against the file's real size before it allocates anything.
#include "frontend/theano/checkpoint.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "core/shared_storage.hpp"

namespace theano {

static_assert(std::endian::native == std::endian::little, "checkpoint payloads are stored little-endian");

namespace {

constexpr char kMagic[6] = {'T', 'H', 'C', 'K', 'P', 'T'};
constexpr uint32_t kMaxNameBytes = 1u << 16;
constexpr uint64_t kMaxArrayBytes = uint64_t(1) << 40;
// deflate never compresses better than about 1032:1, so a payload of n bytes holds at most this much.
constexpr uint64_t kMaxRatio = 1032;
constexpr DType kDTypeOfCode[kDTypeCount] = {DType::Bool,  DType::Int8,  DType::Int16,   DType::Int32,
                                             DType::Int64, DType::UInt8, DType::Float32, DType::Float64};

uint8_t dtype_code(DType d) {
  for (int i = 0; i < kDTypeCount; ++i)
    if (kDTypeOfCode[i] == d) return uint8_t(i);
  throw std::logic_error("checkpoint: unknown dtype");
}

template <class T>
void put(std::string& out, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) out.push_back(char(uint8_t(uint64_t(v) >> (8 * i))));
}
template <class T>
T get(const uint8_t* p) {
  uint64_t v = 0;
  for (size_t i = 0; i < sizeof(T); ++i) v |= uint64_t(p[i]) << (8 * i);
  return T(v);
}

uint32_t crc(uint32_t c, const void* p, size_t n) { return uint32_t(crc32_z(c, static_cast<const Bytef*>(p), n)); }

std::string show_name(const std::string& name) {
  std::string s = "'";
  for (char c : name) s += (c >= 32 && c < 127) ? std::string(1, c) : fmt::format("\\x{:02x}", uint8_t(c));
  return s + "'";
}

// ---- writing ----

[[noreturn]] void save_fail(const std::string& path, const std::string& what) {
  throw std::runtime_error("save: " + path + ": " + what);
}

void write_all(int fd, const void* p, size_t n, const std::string& tmp, const std::string& path) {
  const char* c = static_cast<const char*>(p);
  while (n > 0) {
    ssize_t w = ::write(fd, c, std::min<size_t>(n, size_t(1) << 30));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) save_fail(path, fmt::format("cannot write {}: {}", tmp, std::strerror(w < 0 ? errno : EIO)));
    c += w;
    n -= size_t(w);
  }
}

// The file a save to `path` replaces, and the directory its temporary goes to.
struct Target {
  std::string file, dir;
  bool exists = false;
  mode_t mode = 0644;  // the existing file's permissions, kept by the replacement
};

const char* kind_of(mode_t m) {
  if (S_ISDIR(m)) return "a directory";
  if (S_ISCHR(m)) return "a character device";
  if (S_ISBLK(m)) return "a block device";
  if (S_ISFIFO(m)) return "a fifo";
  if (S_ISSOCK(m)) return "a socket";
  return "not a regular file";
}

std::string parent_of(const std::string& file) {
  std::string d = std::filesystem::path(file).parent_path().string();
  return d.empty() ? "." : d;
}

// Fills t and returns "", or returns why nothing may be written at `path`. A symbolic link is
// followed to the end of its chain (which need not exist yet), and that file is what is replaced:
// the link stays a link. Anything but a regular file (a directory, device, fifo or socket) is
// refused: renaming over it would delete it.
std::string inspect_target(const std::string& path, Target& t) {
  if (path.empty()) return "empty path";
  if (path.back() == '/') return "the path ends with '/': it names a directory, not a file";
  std::string cur = path;
  for (int hops = 0;; ++hops) {
    struct stat st;
    if (::lstat(cur.c_str(), &st) != 0) {
      if (errno != ENOENT) return cur == path ? std::strerror(errno) : fmt::format("cannot inspect {}: {}", cur, std::strerror(errno));
      t = {cur, parent_of(cur), false, 0644};
      return "";
    }
    if (S_ISLNK(st.st_mode)) {
      if (hops == 40) return "too many levels of symbolic links";
      std::string to(size_t(st.st_size > 0 ? st.st_size : 255) + 1, '\0');
      ssize_t n = ::readlink(cur.c_str(), to.data(), to.size());
      if (n < 0 || size_t(n) >= to.size()) return fmt::format("cannot read the symbolic link {}: {}", cur, std::strerror(n < 0 ? errno : ENAMETOOLONG));
      to.resize(size_t(n));
      cur = to.front() == '/' ? to : (std::filesystem::path(cur).parent_path() / to).string();
      continue;
    }
    if (!S_ISREG(st.st_mode)) {
      if (cur == path) return fmt::format("is {}, not a regular file: refusing to replace it", kind_of(st.st_mode));
      return fmt::format("is a symbolic link to {}, which is {}, not a regular file: refusing to replace it", cur, kind_of(st.st_mode));
    }
    t = {cur, parent_of(cur), true, mode_t(st.st_mode & 07777)};
    return "";
  }
}

// When this process started (to the second): a temporary of the old form, without a pid, that is
// older than this is no concurrent save of ours.
const time_t kProcessStart = std::time(nullptr);

// "<pid>-XXXXXX" -> pid; "XXXXXX" (the form before temporaries named their writer) -> 0; else -1.
long temporary_pid(const std::string& rest) {
  auto is_suffix = [](const std::string& s) {
    return s.size() == 6 && std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; });
  };
  if (is_suffix(rest)) return 0;
  size_t dash = rest.find('-');
  if (dash == 0 || dash == std::string::npos || dash > 10 || !is_suffix(rest.substr(dash + 1))) return -1;
  long pid = 0;
  for (size_t i = 0; i < dash; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(rest[i]))) return -1;
    pid = pid * 10 + (rest[i] - '0');
  }
  return pid > 0 && pid <= INT_MAX ? pid : -1;
}

// Removes the temporaries an interrupted save of the same target left behind: "<file>.tmp-<pid>-
// XXXXXX" whose writer is dead or which is older than this process, and old-form "<file>.tmp-XXXXXX"
// older than this process. A writer holds an exclusive flock on its temporary from creation to
// rename, so one that is still being written (by a live saver, in any process) is left alone.
// Best effort: nothing here throws.
void remove_stale_temporaries(const Target& t) {
  std::string prefix = std::filesystem::path(t.file).filename().string() + ".tmp-";
  DIR* d = ::opendir(t.dir.c_str());
  if (!d) return;
  int dfd = ::dirfd(d);
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    long pid = temporary_pid(name.substr(prefix.size()));
    if (pid < 0) continue;
    int fd = ::openat(dfd, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat a, b;
    bool dead = pid > 0 && pid != long(::getpid()) && ::kill(pid_t(pid), 0) != 0 && errno == ESRCH;
    if (::fstat(fd, &a) == 0 && S_ISREG(a.st_mode) && (dead || a.st_mtime < kProcessStart) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
        ::fstatat(dfd, name.c_str(), &b, AT_SYMLINK_NOFOLLOW) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
      ::unlinkat(dfd, name.c_str(), 0);
    ::close(fd);
  }
  ::closedir(d);
}

// Creates "<file>.tmp-<pid>-XXXXXX" next to the target; returns its descriptor (or -1, errno set).
int create_temporary(const Target& t, std::string& tmp) {
  std::string name = fmt::format("{}.tmp-{}-XXXXXX", t.file, ::getpid());
  std::vector<char> tmpl(name.begin(), name.end());
  tmpl.push_back('\0');
  int fd = ::mkstemp(tmpl.data());
  if (fd >= 0) tmp = tmpl.data();
  return fd;
}

// Writes the file through a temporary in the target's directory, then renames it over the target.
void write_checkpoint(const std::string& path, const std::vector<std::pair<std::string, NDArray>>& entries) {
  Target target;
  std::string problem = inspect_target(path, target);
  if (!problem.empty()) save_fail(path, problem);
  remove_stale_temporaries(target);
  const std::string& dir = target.dir;
  std::string header(kMagic, sizeof kMagic);
  put<uint16_t>(header, kCheckpointVersion);
  put<uint32_t>(header, uint32_t(entries.size()));
  put<uint32_t>(header, crc(0, header.data(), header.size()));

  std::string tmp;
  int fd = create_temporary(target, tmp);
  if (fd < 0) save_fail(path, fmt::format("cannot create a temporary file in '{}': {}", dir, std::strerror(errno)));
  try {
    ::flock(fd, LOCK_EX);  // held until the rename: see remove_stale_temporaries
    ::fchmod(fd, target.mode);
    write_all(fd, header.data(), header.size(), tmp, path);
    std::vector<uint8_t> payload;
    for (const auto& [name, array] : entries) {
      NDArray a = array.is_contiguous() ? array : array.copy();
      std::string meta;
      put<uint32_t>(meta, uint32_t(name.size()));
      meta += name;
      put<uint8_t>(meta, dtype_code(a.dtype()));
      put<uint8_t>(meta, uint8_t(a.ndim()));
      for (int64_t d : a.shape()) put<int64_t>(meta, d);
      uLongf comp = compressBound(uLong(a.nbytes()));
      payload.resize(comp);
      static const uint8_t empty = 0;
      const Bytef* src = a.nbytes() ? static_cast<const Bytef*>(a.raw()) : &empty;
      int r = compress2(payload.data(), &comp, src, uLong(a.nbytes()), Z_BEST_SPEED);
      if (r != Z_OK) save_fail(path, fmt::format("zlib could not compress entry {} (error {})", show_name(name), r));
      put<uint64_t>(meta, uint64_t(comp));
      std::string tail;
      put<uint32_t>(tail, crc(crc(0, meta.data(), meta.size()), payload.data(), comp));
      write_all(fd, meta.data(), meta.size(), tmp, path);
      write_all(fd, payload.data(), comp, tmp, path);
      write_all(fd, tail.data(), tail.size(), tmp, path);
    }
    if (::fsync(fd) != 0) save_fail(path, fmt::format("fsync of {} failed: {}", tmp, std::strerror(errno)));
    // The target may have changed while the file was written: look again just before replacing it.
    Target now;
    problem = inspect_target(path, now);
    if (!problem.empty()) save_fail(path, problem);
    if (::rename(tmp.c_str(), target.file.c_str()) != 0)
      save_fail(path, fmt::format("cannot rename {} over {}: {}", tmp, target.file, std::strerror(errno)));
  } catch (...) {
    ::unlink(tmp.c_str());
    ::close(fd);
    throw;
  }
  // The data is on disk (fsync'ed above), so closing can no longer lose any of it.
  ::close(fd);
  // Make the rename itself durable. Filesystems that cannot sync a directory say EINVAL.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dfd < 0) save_fail(path, fmt::format("written, but cannot open its directory '{}' to sync it: {}", dir, std::strerror(errno)));
  int s = ::fsync(dfd);
  int err = errno;
  ::close(dfd);
  if (s != 0 && err != EINVAL) save_fail(path, fmt::format("written, but fsync of the directory '{}' failed: {}", dir, std::strerror(err)));
}

// ---- reading ----

class Reader {
 public:
  explicit Reader(const std::string& path) : path_(path) {
    std::error_code ec;
    auto st = std::filesystem::status(path, ec);
    if (!std::filesystem::exists(st)) fail("no such file");
    if (!std::filesystem::is_regular_file(st)) fail("not a regular file");
    f_ = std::fopen(path.c_str(), "rb");
    if (!f_) fail(std::string("cannot open: ") + std::strerror(errno));
    struct stat sb;
    if (::fstat(::fileno(f_), &sb) != 0) fail(std::string("cannot stat: ") + std::strerror(errno));
    size_ = uint64_t(sb.st_size);
  }
  ~Reader() {
    if (f_) std::fclose(f_);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error("load: " + path_ + ": " + what); }
  uint64_t remaining() const { return size_ - pos_; }
  uint64_t size() const { return size_; }

  // Reads exactly n bytes or fails with "truncated"; `what` names the field.
  void read(void* dst, size_t n, const std::string& what) {
    if (n > remaining())
      fail(fmt::format("truncated: the file ends inside {} (it needs {} bytes, the file has {})", what, pos_ + n, size_));
    if (n && std::fread(dst, 1, n, f_) != n)
      fail(std::ferror(f_) ? fmt::format("read error: {}", std::strerror(errno))
                           : fmt::format("truncated: the file ends inside {} (it shrank while being read)", what));
    pos_ += n;
  }
  template <class T>
  T read_int(const std::string& what, uint32_t* running_crc = nullptr) {
    uint8_t b[sizeof(T)];
    read(b, sizeof b, what);
    if (running_crc) *running_crc = crc(*running_crc, b, sizeof b);
    return get<T>(b);
  }

 private:
  std::string path_;
  std::FILE* f_ = nullptr;
  uint64_t size_ = 0, pos_ = 0;
};

// Inflates `payload` into exactly out_bytes bytes at `out`.
void inflate_exact(Reader& r, const std::string& entry, const std::vector<uint8_t>& payload, void* out, uint64_t out_bytes) {
  z_stream z{};
  if (inflateInit(&z) != Z_OK) r.fail("zlib could not start inflating");
  uint64_t in_done = 0, out_done = 0;
  uint8_t spill[1];
  std::string error;
  for (;;) {
    bool spilling = out_done == out_bytes;
    uInt out_chunk = spilling ? 1 : uInt(std::min<uint64_t>(out_bytes - out_done, uint64_t(1) << 30));
    z.next_out = spilling ? spill : static_cast<Bytef*>(out) + out_done;
    z.avail_out = out_chunk;
    uInt in_chunk = uInt(std::min<uint64_t>(payload.size() - in_done, uint64_t(1) << 30));
    z.next_in = const_cast<Bytef*>(payload.data()) + in_done;
    z.avail_in = in_chunk;
    int rc = inflate(&z, Z_NO_FLUSH);
    in_done += in_chunk - z.avail_in;
    uint64_t produced = out_chunk - z.avail_out;
    if (spilling && produced) {
      error = fmt::format("{}: corrupt zlib stream: it holds more than the {} bytes its shape needs", entry, out_bytes);
      break;
    }
    out_done += spilling ? 0 : produced;
    if (rc == Z_STREAM_END) {
      if (out_done != out_bytes)
        error = fmt::format("{}: corrupt zlib stream: it holds {} bytes, its shape needs {}", entry, out_done, out_bytes);
      else if (in_done != payload.size())
        error = fmt::format("{}: {} stray bytes after the end of the zlib stream", entry, payload.size() - in_done);
      break;
    }
    if (rc == Z_BUF_ERROR && in_done == payload.size()) {
      error = fmt::format("{}: corrupt zlib stream: it ends early ({} of {} bytes inflated)", entry, out_done, out_bytes);
      break;
    }
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      error = fmt::format("{}: corrupt zlib stream: {}", entry, z.msg ? z.msg : zError(rc));
      break;
    }
  }
  inflateEnd(&z);
  if (!error.empty()) r.fail(error);
}

std::vector<NamedArray> read_checkpoint(const std::string& path) {
  Reader r(path);
  uint8_t header[16];
  size_t head = size_t(std::min<uint64_t>(r.size(), 6));
  r.read(header, head, "the magic");
  if (std::memcmp(header, kMagic, head) != 0 || r.size() == 0)
    r.fail(r.size() == 0 ? "truncated: the file is empty (0 bytes)" : "not a theano-cpp checkpoint (bad magic, expected \"THCKPT\")");
  if (head < 6) r.fail(fmt::format("truncated: the file ends inside the magic ({} bytes)", r.size()));
  r.read(header + 6, 2, "the header");
  uint16_t version = get<uint16_t>(header + 6);
  if (version != kCheckpointVersion)
    r.fail(fmt::format("unsupported checkpoint format version {} (this build reads version {})", version, kCheckpointVersion));
  r.read(header + 8, 8, "the header");
  uint32_t count = get<uint32_t>(header + 8);
  if (get<uint32_t>(header + 12) != crc(0, header, 12)) r.fail("CRC mismatch in the header (the file is corrupt)");
  // Every entry takes at least 4 + 1 + 1 + 8 + 4 bytes (and a zlib stream of 8 or more).
  if (uint64_t(count) * 18 > r.remaining())
    r.fail(fmt::format("truncated or corrupt: the header announces {} entries but only {} bytes follow", count, r.remaining()));

  std::vector<NamedArray> out;
  out.reserve(count);
  std::vector<uint8_t> payload;
  for (uint32_t i = 0; i < count; ++i) {
    std::string where = fmt::format("entry {} of {}", i, count);
    uint32_t c = crc(0, nullptr, 0);
    uint32_t name_len = r.read_int<uint32_t>(where + "'s name length", &c);
    if (name_len > kMaxNameBytes || name_len > r.remaining())
      r.fail(fmt::format("{}: absurd name length {} (corrupt or truncated file)", where, name_len));
    std::string name(name_len, '\0');
    r.read(name.data(), name_len, where + "'s name");
    c = crc(c, name.data(), name.size());
    where += " (" + show_name(name) + ")";
    uint8_t code = r.read_int<uint8_t>(where + "'s dtype", &c);
    uint8_t ndim = r.read_int<uint8_t>(where + "'s ndim", &c);
    int64_t dims[256];
    for (int d = 0; d < ndim; ++d) dims[d] = r.read_int<int64_t>(where + "'s shape", &c);
    uint64_t payload_len = r.read_int<uint64_t>(where + "'s data length", &c);
    if (payload_len > r.remaining())
      r.fail(fmt::format("truncated: {} announces {} bytes of data but only {} bytes are left", where, payload_len, r.remaining()));
    payload.resize(payload_len);
    r.read(payload.data(), payload_len, where + "'s data");
    c = crc(c, payload.data(), payload.size());
    uint32_t stored = r.read_int<uint32_t>(where + "'s CRC");
    if (stored != c) r.fail(fmt::format("{}: CRC mismatch (stored {:08x}, computed {:08x}): the file is corrupt", where, stored, c));

    // The CRC holds, so these fields are as written; still check them before allocating anything.
    if (code >= kDTypeCount) r.fail(fmt::format("{}: unknown dtype code {}", where, code));
    if (ndim > kMaxDims) r.fail(fmt::format("{}: {} dimensions, at most {} are supported", where, ndim, kMaxDims));
    DType dtype = kDTypeOfCode[code];
    Dims shape;
    // The product of the non-zero dims is bounded too, so that no shape arithmetic can overflow.
    uint64_t bytes = dtype_size(dtype);
    bool has_zero = false;
    for (int d = 0; d < ndim; ++d) {
      if (dims[d] < 0) r.fail(fmt::format("{}: negative dimension {}", where, dims[d]));
      shape.push_back(dims[d]);
      has_zero |= dims[d] == 0;
      // Checked (core/checked_size.hpp); past the limit the exact count no longer matters.
      int64_t next;
      if (dims[d] && (!checked::mul(int64_t(bytes), dims[d], next) || uint64_t(next) > kMaxArrayBytes)) bytes = kMaxArrayBytes + 1;
      else if (dims[d]) bytes = uint64_t(next);
    }
    if (has_zero && bytes <= kMaxArrayBytes) bytes = 0;
    if (bytes > kMaxArrayBytes || bytes > payload_len * kMaxRatio + 64)
      r.fail(fmt::format("{}: absurd size: shape {} of {} needs {} bytes but {} bytes of zlib data cannot hold them", where, shape.str(),
                         dtype_name(dtype), bytes > kMaxArrayBytes ? "more than 2**40" : std::to_string(bytes), payload_len));
    NDArray a = NDArray::empty(dtype, shape);
    uint8_t none[1];
    inflate_exact(r, where, payload, bytes ? a.raw() : none, bytes);
    out.push_back({std::move(name), std::move(a)});
  }
  if (r.remaining() != 0) r.fail(fmt::format("{} stray bytes after the last entry (corrupt file)", r.remaining()));
  return out;
}

std::string names_of(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + show_name(names[i]);
  return s;
}

}  // namespace

// ---- ParamList ----

namespace {
std::pair<std::string, Var> checked_entry(const std::string& name, const Var& v, size_t i) {
  require_defined(v, "checkpoint", fmt::format("parameter {}", i));
  if (!v.is_shared())
    throw std::invalid_argument(fmt::format("checkpoint: parameter {} ({}) is not a shared variable", i, v.describe()));
  return {name, v};
}
}  // namespace

ParamList::ParamList(std::initializer_list<Var> vars) {
  for (const Var& v : vars) entries_.push_back(checked_entry(v.defined() ? v.name() : "", v, entries_.size()));
}
ParamList::ParamList(const std::vector<Var>& vars) {
  for (const Var& v : vars) entries_.push_back(checked_entry(v.defined() ? v.name() : "", v, entries_.size()));
}
ParamList::ParamList(const std::vector<SharedVariable>& vars) {
  for (const Var& v : vars) entries_.push_back(checked_entry(v.defined() ? v.name() : "", v, entries_.size()));
}
ParamList::ParamList(std::initializer_list<std::pair<std::string, Var>> named) {
  for (const auto& [n, v] : named) entries_.push_back(checked_entry(n, v, entries_.size()));
}
ParamList::ParamList(const std::vector<std::pair<std::string, Var>>& named) {
  for (const auto& [n, v] : named) entries_.push_back(checked_entry(n, v, entries_.size()));
}

namespace {
template <class Streams>
ParamList append_random_state(const ParamList& params, const Streams& srng) {
  std::vector<std::pair<std::string, Var>> entries = params.entries();
  for (size_t i = 0; i < srng.state_updates().size(); ++i) entries.push_back({fmt::format("random_state_{}", i), srng.state_updates()[i].state});
  return ParamList(entries);
}
}  // namespace

ParamList with_random_state(const ParamList& params, const sandbox::rng_mrg::MRG_RandomStreams& srng) {
  return append_random_state(params, srng);
}
ParamList with_random_state(const ParamList& params, const tensor::shared_randomstreams::RandomStreams& srng) {
  return append_random_state(params, srng);
}

// ---- public API ----

void save_arrays(const std::string& path, const std::vector<NamedArray>& arrays) {
  std::vector<std::pair<std::string, NDArray>> entries;
  for (const NamedArray& a : arrays) {
    if (!a.value.defined()) throw std::invalid_argument(
          fmt::format("save: {}: array {} is an undefined NDArray (default-constructed: it holds no data)", path, show_name(a.name)));
    if (a.name.size() > kMaxNameBytes) throw std::invalid_argument(fmt::format("save: {}: a name is longer than {} bytes", path, kMaxNameBytes));
    entries.push_back({a.name, a.value});
  }
  write_checkpoint(path, entries);
}

namespace {
// Refuses (before anything is changed) arrays holding a NaN or an infinity, if asked to.
void check_finite(const std::string& path, const std::vector<NamedArray>& arrays, const LoadOptions& options) {
  if (!options.finite_only) return;
  for (size_t i = 0; i < arrays.size(); ++i) {
    std::string what = describe_non_finite(arrays[i].value);
    if (!what.empty())
      throw std::runtime_error(fmt::format("load: {}: entry {} of {} ({}) is not finite: {}", path, i, arrays.size(), show_name(arrays[i].name), what));
  }
}
}  // namespace

std::vector<NamedArray> load_arrays(const std::string& path, const LoadOptions& options) {
  std::vector<NamedArray> arrays = read_checkpoint(path);
  check_finite(path, arrays, options);
  return arrays;
}

namespace {
// The storages of params, sorted for StorageLocks (core/shared_storage.hpp).
std::vector<SharedStorage*> storages_of(const ParamList& params) {
  std::vector<SharedStorage*> s;
  for (const auto& entry : params.entries()) s.push_back(entry.second.node()->shared.get());
  sort_for_locking(s);
  return s;
}
}  // namespace

// Threads: the values are taken under all the variables' locks at once (no commit of a function is
// seen in part), written from those handles, and the handles are dropped under the locks again.
void save(const std::string& path, const ParamList& params) {
  std::vector<SharedStorage*> storages = storages_of(params);
  std::vector<NamedArray> arrays;
  arrays.reserve(params.entries().size());
  {
    StorageLocks lock(storages);
    for (const auto& [name, v] : params.entries()) arrays.push_back({name, v.node()->shared->locked_value()});
  }
  struct Release {
    std::vector<SharedStorage*>& s;
    std::vector<NamedArray>& a;
    ~Release() {
      StorageLocks lock(s);
      a.clear();
    }
  } release{storages, arrays};
  save_arrays(path, arrays);
}

std::string save_problem(const std::string& path) {
  Target target;
  std::string problem = inspect_target(path, target);
  if (!problem.empty()) return problem;
  std::string tmp;
  int fd = create_temporary(target, tmp);
  if (fd < 0) return fmt::format("cannot create a temporary file in '{}': {}", target.dir, std::strerror(errno));
  ::unlink(tmp.c_str());
  ::close(fd);
  return "";
}

std::string describe_non_finite(const NDArray& array) {
  if (!array.defined() || !is_float(array.dtype())) return "";
  NDArray a = array.is_contiguous() ? array : array.copy();
  int64_t nan = 0, inf = 0, first = -1;
  double first_value = 0;
  auto scan = [&](const auto* p) {
    for (int64_t i = 0, n = a.size(); i < n; ++i) {
      double v = double(p[i]);
      if (std::isnan(v)) ++nan;
      else if (std::isinf(v)) ++inf;
      else continue;
      if (first < 0) first = i, first_value = v;
    }
  };
  if (a.dtype() == DType::Float32) scan(a.data<float>());
  else scan(a.data<double>());
  if (first < 0) return "";
  std::string index;
  for (int d = a.ndim() - 1, rest = 0; d >= 0; --d, ++rest) {
    index = fmt::format("{}{}", first % a.shape(d), rest ? ", " + index : std::string(a.ndim() == 1 ? "," : ""));
    first /= a.shape(d);
  }
  return fmt::format("{} at index ({}) ({} NaN, {} Inf)", std::isnan(first_value) ? "NaN" : first_value > 0 ? "inf" : "-inf", index, nan, inf);
}

void load(const std::string& path, const ParamList& params, const LoadOptions& options) {
  std::vector<NamedArray> arrays = read_checkpoint(path);
  const auto& vars = params.entries();
  auto fail = [&](const std::string& what) { throw std::runtime_error("load: " + path + ": " + what); };
  if (arrays.size() != vars.size()) {
    std::vector<std::string> stored, wanted;
    for (const auto& a : arrays) stored.push_back(a.name);
    for (const auto& v : vars) wanted.push_back(v.first);
    fail(fmt::format("the checkpoint holds {} arrays ({}) but {} variables were given ({})", arrays.size(), names_of(stored), vars.size(),
                     names_of(wanted)));
  }
  // Check everything first, so that a mismatch changes no variable; then replace every value under
  // all the variables' locks at once (a call sees the whole checkpoint or none of it). The update
  // locks order the load between the calls that update these variables: none of them commits over
  // the loaded values a result computed from the previous ones.
  std::vector<SharedStorage*> storages = storages_of(params);
  UpdateLocks update_locks(storages);
  StorageLocks lock(storages);
  for (size_t i = 0; i < vars.size(); ++i) {
    const auto& [name, v] = vars[i];
    const NDArray& cur = v.node()->shared->locked_value();
    const NDArray& got = arrays[i].value;
    if (arrays[i].name != name)
      fail(fmt::format("entry {} is named {} but variable {} is named {} (entries are matched by position and name)", i,
                       show_name(arrays[i].name), i, show_name(name)));
    if (got.dtype() != v.dtype())
      fail(fmt::format("entry {} ({}) holds {} but the variable is {}", i, show_name(name), dtype_name(got.dtype()), v.type().str()));
    if (!(got.shape() == cur.shape()))
      fail(fmt::format("entry {} ({}) has shape {} but the variable's value has shape {}", i, show_name(name), got.shape().str(),
                       cur.shape().str()));
  }
  check_finite(path, arrays, options);
  // The old values are dropped after the locks are released (this thread never read them).
  for (size_t i = 0; i < vars.size(); ++i) std::swap(vars[i].second.node()->shared->locked_value(), arrays[i].value);
}

}  // namespace theano
