// Checkpoint files (format in frontend/theano/checkpoint.hpp): an atomic writer and a reader that
// validates every field against the file's real size before it allocates anything.
#include "frontend/theano/checkpoint.hpp"

#include <bit>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>

#include <fcntl.h>
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

// Writes the file through a temporary in the same directory, then renames it over `path`.
void write_checkpoint(const std::string& path, const std::vector<std::pair<std::string, NDArray>>& entries) {
  std::filesystem::path target(path);
  std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  std::string header(kMagic, sizeof kMagic);
  put<uint16_t>(header, kCheckpointVersion);
  put<uint32_t>(header, uint32_t(entries.size()));
  put<uint32_t>(header, crc(0, header.data(), header.size()));

  std::vector<char> tmpl(path.begin(), path.end());
  for (char c : std::string(".tmp-XXXXXX")) tmpl.push_back(c);
  tmpl.push_back('\0');
  int fd = ::mkstemp(tmpl.data());
  if (fd < 0) save_fail(path, fmt::format("cannot create a temporary file in '{}': {}", dir, std::strerror(errno)));
  std::string tmp = tmpl.data();
  try {
    ::fchmod(fd, 0644);
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
    int c = ::close(fd);
    fd = -1;
    if (c != 0) save_fail(path, fmt::format("closing {} failed: {}", tmp, std::strerror(errno)));
    if (::rename(tmp.c_str(), path.c_str()) != 0) save_fail(path, fmt::format("cannot rename {} over it: {}", tmp, std::strerror(errno)));
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
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
      if (dims[d] && bytes > kMaxArrayBytes / uint64_t(dims[d])) bytes = kMaxArrayBytes + 1;
      else if (dims[d]) bytes *= uint64_t(dims[d]);
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
std::pair<std::string, Var> checked(const std::string& name, const Var& v, size_t i) {
  if (!v.defined() || !v.is_shared())
    throw std::invalid_argument(fmt::format("checkpoint: parameter {} ({}) is not a shared variable", i, v.describe()));
  return {name, v};
}
}  // namespace

ParamList::ParamList(std::initializer_list<Var> vars) {
  for (const Var& v : vars) entries_.push_back(checked(v.defined() ? v.name() : "", v, entries_.size()));
}
ParamList::ParamList(const std::vector<Var>& vars) {
  for (const Var& v : vars) entries_.push_back(checked(v.defined() ? v.name() : "", v, entries_.size()));
}
ParamList::ParamList(const std::vector<SharedVariable>& vars) {
  for (const Var& v : vars) entries_.push_back(checked(v.defined() ? v.name() : "", v, entries_.size()));
}
ParamList::ParamList(std::initializer_list<std::pair<std::string, Var>> named) {
  for (const auto& [n, v] : named) entries_.push_back(checked(n, v, entries_.size()));
}
ParamList::ParamList(const std::vector<std::pair<std::string, Var>>& named) {
  for (const auto& [n, v] : named) entries_.push_back(checked(n, v, entries_.size()));
}

// ---- public API ----

void save_arrays(const std::string& path, const std::vector<NamedArray>& arrays) {
  std::vector<std::pair<std::string, NDArray>> entries;
  for (const NamedArray& a : arrays) {
    if (!a.value.defined()) throw std::invalid_argument(fmt::format("save: {}: array {} is an empty NDArray", path, show_name(a.name)));
    if (a.name.size() > kMaxNameBytes) throw std::invalid_argument(fmt::format("save: {}: a name is longer than {} bytes", path, kMaxNameBytes));
    entries.push_back({a.name, a.value});
  }
  write_checkpoint(path, entries);
}

std::vector<NamedArray> load_arrays(const std::string& path) { return read_checkpoint(path); }

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

void load(const std::string& path, const ParamList& params) {
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
  // all the variables' locks at once (a call sees the whole checkpoint or none of it).
  std::vector<SharedStorage*> storages = storages_of(params);
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
  // The old values are dropped after the locks are released (this thread never read them).
  for (size_t i = 0; i < vars.size(); ++i) std::swap(vars[i].second.node()->shared->locked_value(), arrays[i].value);
}

}  // namespace theano
