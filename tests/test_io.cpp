// Data readers: IDX and pickle round trips on files written here, every truncation and some
// corruptions (errors, never crashes), and load_mnist on the real MNIST files ([mnist]).
#include <zlib.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

#include "test_files.hpp"
#include "theano/io.hpp"

using namespace theano;
using namespace test_files;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace std::string_literals;

namespace {

void put_be(std::string& s, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) s += char((v >> (8 * i)) & 0xFF);
}

// An IDX file of `values` (converted to the type's C++ type, written big-endian).
std::string make_idx(uint8_t code, std::vector<uint32_t> dims, const std::vector<double>& values) {
  std::string s{'\0', '\0', char(code), char(dims.size())};
  for (uint32_t d : dims) put_be(s, d, 4);
  for (double v : values) {
    switch (code) {
      case 0x08: put_be(s, uint8_t(v), 1); break;
      case 0x09: put_be(s, uint8_t(int8_t(v)), 1); break;
      case 0x0B: put_be(s, uint16_t(int16_t(v)), 2); break;
      case 0x0C: put_be(s, uint32_t(int32_t(v)), 4); break;
      case 0x0D: { float f = float(v); uint32_t u; std::memcpy(&u, &f, 4); put_be(s, u, 4); break; }
      case 0x0E: { uint64_t u; std::memcpy(&u, &v, 8); put_be(s, u, 8); break; }
    }
  }
  return s;
}

// Emits protocol-2 pickles of numpy arrays the way numpy does under Python 2 (data as str) or
// Python 3 (data as _codecs.encode(latin1 text)), so the reader is tested without Python.
class PickleWriter {
 public:
  bool py3 = false;          // Python 3 spelling of bytes
  bool big_endian = false;   // dtype byte order '>' with swapped data
  bool fortran = false;      // data in column-major order
  std::string out = "\x80\x02";

  void op(char c) { out += c; }
  void put() { out += 'q'; out += char(memo_++); }
  void get(int k) { out += 'h'; out += char(k); }
  void global(const std::string& m, const std::string& n) { out += "c" + m + "\n" + n + "\n"; put(); }
  void int_(int64_t v) {
    if (v >= 0 && v < 256) { out += 'K'; out += char(v); }
    else if (v >= INT32_MIN && v <= INT32_MAX) { out += 'J'; put_le(uint32_t(v), 4); }
    else { out += '\x8a'; out += char(8); put_le(uint64_t(v), 8); }
  }
  void text(const std::string& latin1) {  // BINUNICODE of latin1 text, UTF-8 encoded
    std::string u;
    for (unsigned char c : latin1) {
      if (c < 0x80) u += char(c);
      else { u += char(0xC0 | (c >> 6)); u += char(0x80 | (c & 0x3F)); }
    }
    out += 'X';
    put_le(u.size(), 4);
    out += u;
    put();
  }
  void bytes(const std::string& b) {
    if (py3) {  // _codecs.encode(text, 'latin1'), as Python 3 writes bytes in protocol 2
      if (codecs_ < 0) { codecs_ = memo_; global("_codecs", "encode"); } else get(codecs_);
      text(b);
      if (latin1_ < 0) { latin1_ = memo_; text("latin1"); } else get(latin1_);
      op('\x86'); op('R'); put();
    } else if (b.size() < 256) {
      out += 'U'; out += char(b.size()); out += b; put();
    } else {
      out += 'T'; put_le(b.size(), 4); out += b; put();
    }
  }
  void str(const std::string& s) { py3 ? text(s) : bytes(s); }

  void array(const NDArray& a) {
    if (reconstruct_ < 0) {
      reconstruct_ = memo_; global("numpy.core.multiarray", "_reconstruct");
      ndarray_ = memo_; global("numpy", "ndarray");
    } else {
      get(reconstruct_); get(ndarray_);
    }
    int_(0); op('\x85'); bytes("b"); op('\x87'); op('R'); put();
    op('(');
    int_(1);
    op('(');
    for (int64_t d : a.shape()) int_(d);
    op('t');
    dtype(a.dtype());
    op(fortran ? '\x88' : '\x89');
    bytes(raw_data(a));
    op('t'); op('b');
  }

 private:
  void put_le(uint64_t v, int n) { for (int i = 0; i < n; ++i) out += char((v >> (8 * i)) & 0xFF); }
  void dtype(DType d) {
    std::string name = d == DType::Float32 ? "f4" : d == DType::Float64 ? "f8" : d == DType::Int64 ? "i8" : d == DType::Int32 ? "i4" : "u1";
    std::string key = name + (big_endian ? ">" : "<");
    if (auto it = dtypes_.find(key); it != dtypes_.end()) return get(it->second);  // numpy memoizes dtypes
    global("numpy", "dtype");
    str(name);
    if (py3) { op('\x89'); op('\x88'); } else { int_(0); int_(1); }
    op('\x87'); op('R');
    dtypes_[key] = memo_;
    put();
    op('('); int_(3); str(d == DType::UInt8 ? "|" : big_endian ? ">" : "<");
    op('N'); op('N'); op('N'); int_(-1); int_(-1); int_(0); op('t'); op('b');
  }
  std::string raw_data(const NDArray& a) {
    NDArray src = a;
    if (fortran && a.ndim() == 2) {  // column-major: the transpose's C order
      src = a.view({a.shape(1), a.shape(0)}, {a.stride(1), a.stride(0)}, 0).copy();
    }
    std::string b(static_cast<const char*>(src.raw()), src.nbytes());
    size_t es = dtype_size(a.dtype());
    if (big_endian && es > 1)
      for (size_t i = 0; i < b.size(); i += es) std::reverse(b.begin() + long(i), b.begin() + long(i + es));
    return b;
  }
  int memo_ = 0, codecs_ = -1, latin1_ = -1, reconstruct_ = -1, ndarray_ = -1;
  std::map<std::string, int> dtypes_;
};

// Small (x, y) sets with values that exercise bytes >= 0x80, negative and 64-bit labels.
std::vector<std::pair<NDArray, NDArray>> sample_sets() {
  std::vector<std::pair<NDArray, NDArray>> sets;
  for (int s = 0; s < 3; ++s) {
    int n = 2 + s;
    std::vector<float> x;
    for (int i = 0; i < n * 3; ++i) x.push_back(float(i) / 7.0f - float(s) * 1.5f);
    std::vector<int64_t> y;
    for (int i = 0; i < n; ++i) y.push_back(i == 1 ? -(int64_t(1) << 40) - s : i * 3 + s);
    sets.emplace_back(NDArray::from_vector(x, {n, 3}), NDArray::from_vector(y, {n}));
  }
  return sets;
}

std::string pickle_sets(PickleWriter w, const std::vector<std::pair<NDArray, NDArray>>& sets) {
  for (auto& [x, y] : sets) {
    w.array(x);
    w.array(y);
    w.op('\x86');
    w.put();
  }
  w.op('\x87');
  w.put();
  w.op('.');
  return w.out;
}

void require_equal(const NDArray& a, const NDArray& b) {
  REQUIRE(a.dtype() == b.dtype());
  REQUIRE(a.shape() == b.shape());
  REQUIRE(std::memcmp(a.raw(), b.raw(), a.nbytes()) == 0);
}

// Reading must either succeed or throw runtime_error starting with `prefix`; anything else fails.
template <class F>
bool reads_or_fails_cleanly(F&& read, const std::string& prefix) {
  try {
    read();
    return true;
  } catch (const std::runtime_error& e) {
    if (std::string(e.what()).rfind(prefix, 0) != 0) FAIL("error without prefix: " << e.what());
    return false;
  }
}

}  // namespace

TEST_CASE("read_idx: round trip of every type code - plain and gzip'd", "[io]") {
  TempDir dir;
  const std::vector<double> values = {0, 1, 127, -128, 100, -7};
  const std::vector<std::pair<uint8_t, DType>> types = {{0x08, DType::UInt8}, {0x09, DType::Int8},   {0x0B, DType::Int16},
                                                        {0x0C, DType::Int32}, {0x0D, DType::Float32}, {0x0E, DType::Float64}};
  for (auto [code, dtype] : types) {
    std::vector<double> v = values;
    if (dtype == DType::UInt8) v = {0, 1, 127, 255, 100, 200};
    if (dtype == DType::Int16) v[4] = -30000;
    if (dtype == DType::Int32) v[4] = -2000000000;
    if (dtype == DType::Float32) v[4] = 1.5e-3f;
    if (dtype == DType::Float64) v[4] = 1.0 / 3.0;
    std::string file = make_idx(code, {2, 3}, v);
    for (bool gz : {false, true}) {
      std::string path = dir / std::to_string(code);
      if (gz) path += ".gz";
      write_file(path, gz ? gzip(file) : file);
      NDArray a = io::read_idx(path);
      REQUIRE(a.dtype() == dtype);
      REQUIRE(a.shape() == Dims{2, 3});
      for (int i = 0; i < 6; ++i) REQUIRE(a.item(i) == v[i]);
    }
  }
  // Other ranks, including an empty array.
  write_file(dir / "r1", make_idx(0x08, {4}, {9, 8, 7, 6}));
  REQUIRE(io::read_idx(dir / "r1").shape() == Dims{4});
  write_file(dir / "r3", make_idx(0x08, {0, 28, 28}, {}));
  REQUIRE(io::read_idx(dir / "r3").shape() == Dims{0, 28, 28});
}

TEST_CASE("read_idx: every truncation is an error - plain and gzip'd", "[io]") {
  TempDir dir;
  const std::string file = make_idx(0x0B, {2, 3}, {1, 2, 3, 4, 5, 6});
  const std::string gz = gzip(file);
  std::string p = dir / "t";
  for (size_t n = 0; n < file.size(); ++n) {
    write_file(p, file.substr(0, n));
    REQUIRE_THROWS_WITH(io::read_idx(p), StartsWith("read_idx: " + p + ": "));
    write_file(p, gzip(file.substr(0, n)));  // a valid gzip of a short file
    REQUIRE_THROWS_WITH(io::read_idx(p), StartsWith("read_idx: "));
  }
  for (size_t n = 0; n < gz.size(); ++n) {  // a cut gzip stream
    write_file(p, gz.substr(0, n));
    REQUIRE_THROWS_WITH(io::read_idx(p), StartsWith("read_idx: "));
  }
  write_file(p, file.substr(0, file.size() - 2));
  REQUIRE_THROWS_WITH(io::read_idx(p), Contains("expected 12 bytes of data, file has 10"));
  write_file(p, gz.substr(0, gz.size() - 3));
  REQUIRE_THROWS_WITH(io::read_idx(p), Contains("corrupt gzip stream"));
  write_file(p, file + "x");
  REQUIRE_THROWS_WITH(io::read_idx(p), Contains("file has more"));
}

TEST_CASE("read_idx: bad magic - unknown type - missing file - corrupt gzip - absurd header", "[io]") {
  TempDir dir;
  std::string p = dir / "f";
  REQUIRE_THROWS_WITH(io::read_idx(dir / "missing"), StartsWith("read_idx: " + dir / "missing") && Contains("no such file"));
  REQUIRE_THROWS_WITH(io::read_idx(dir.path.string()), Contains("not a regular file"));
  write_file(p, "\x01\x02\x08\x01\x00\x00\x00\x01\x05"s);
  REQUIRE_THROWS_WITH(io::read_idx(p), StartsWith("read_idx: ") && Contains("not an IDX file"));
  std::string unknown = make_idx(0x08, {1}, {5});
  unknown[2] = '\x0A';
  write_file(p, unknown);
  REQUIRE_THROWS_WITH(io::read_idx(p), Contains("unknown IDX type code 0x0A"));
  write_file(p, std::string("\0\0\x08\x09", 4) + std::string(36, '\1'));
  REQUIRE_THROWS_WITH(io::read_idx(p), Contains("at most 8 are supported"));

  std::string gz = gzip(make_idx(0x0C, {64}, std::vector<double>(64, 12345)));
  gz[gz.size() / 2] ^= 0x55;  // in the deflate data: a data error or a CRC mismatch
  write_file(p, gz);
  REQUIRE_THROWS_WITH(io::read_idx(p), StartsWith("read_idx: ") && Contains("corrupt gzip stream"));

  // Headers declaring up to 4 GiB are refused for lack of data, without allocating it; beyond, at once.
  std::string huge = "\0\0\x0E\x03"s;
  put_be(huge, 0xFFFFFFFF, 4), put_be(huge, 0xFFFFFFFF, 4), put_be(huge, 0xFFFFFFFF, 4);
  write_file(p, huge + "12345678");
  REQUIRE_THROWS_WITH(io::read_idx(p), Contains("more than 4 GiB"));
  std::string big = "\0\0\x08\x02"s;
  put_be(big, 65536, 4), put_be(big, 65536, 4);
  write_file(p, big + "12345678");
  REQUIRE_THROWS_WITH(io::read_idx(p), Contains("expected 4294967296 bytes of data, file has 8"));
}

TEST_CASE("read_mnist_pickle: numpy protocol-2 pickles round trip", "[io]") {
  TempDir dir;
  auto sets = sample_sets();
  for (int variant = 0; variant < 6; ++variant) {
    PickleWriter w;
    w.py3 = variant % 2 == 1;
    w.big_endian = variant == 2 || variant == 3;
    w.fortran = variant >= 4;
    std::string pkl = pickle_sets(w, sets);
    for (bool gz : {true, false}) {
      INFO("variant " << variant << (gz ? " gzip'd" : " plain"));
      std::string p = dir / "m.pkl";
      write_file(p, gz ? gzip(pkl) : pkl);
      auto got = io::read_mnist_pickle(p);
      REQUIRE(got.size() == 3);
      for (int i = 0; i < 3; ++i) {
        require_equal(got[i].first, sets[i].first);
        require_equal(got[i].second, sets[i].second);
      }
    }
  }
}

TEST_CASE("read_mnist_pickle: every truncation and corruption is an error and never a crash", "[io]") {
  TempDir dir;
  std::string p = dir / "m.pkl.gz";
  for (bool py3 : {false, true}) {
    PickleWriter w;
    w.py3 = py3;
    const std::string pkl = pickle_sets(w, sample_sets());
    for (size_t n = 0; n < pkl.size(); ++n) {
      write_file(p, gzip(pkl.substr(0, n)));
      REQUIRE_THROWS_WITH(io::read_mnist_pickle(p), StartsWith("read_pickle: " + p + ": "));
    }
    const std::string gz = gzip(pkl);
    for (size_t n = 0; n < gz.size(); ++n) {
      write_file(p, gz.substr(0, n));
      REQUIRE_THROWS_WITH(io::read_mnist_pickle(p), StartsWith("read_pickle: "));
    }
    // Any byte replaced by a few values: a clean error or (rarely, e.g. in array data) success.
    for (size_t i = 0; i < pkl.size(); ++i)
      for (char c : {'\0', '\xFF', '\x7F', char(pkl[i] ^ 1), 'R', 'b', 't', '(', '.', 'h'}) {
        std::string bad = pkl;
        bad[i] = c;
        write_file(p, bad);
        reads_or_fails_cleanly([&] { io::read_mnist_pickle(p); }, "read_pickle: ");
      }
    std::string bad = pkl;
    bad[2] = '\xFF';
    write_file(p, bad);
    REQUIRE_THROWS_WITH(io::read_mnist_pickle(p), Contains("unexpected opcode 0xFF at offset 2"));
  }
}

TEST_CASE("read_mnist_pickle: refuses other globals and other structures", "[io]") {
  TempDir dir;
  std::string p = dir / "x.pkl";
  write_file(p, "\x80\x02" "cos\nsystem\nq\x00X\x02\x00\x00\x00ls\x85R."s);
  REQUIRE_THROWS_WITH(io::read_mnist_pickle(p), StartsWith("read_pickle: " + p) && Contains("unsupported global os.system"));
  write_file(p, "\x80\x02K\x01K\x02\x86.");
  REQUIRE_THROWS_WITH(io::read_mnist_pickle(p), Contains("wrong structure"));
  write_file(p, "\x80\x02K\x01K\x02K\x03\x87.");
  REQUIRE_THROWS_WITH(io::read_mnist_pickle(p), Contains("wrong structure"));
  REQUIRE_THROWS_WITH(io::read_mnist_pickle(dir / "none.pkl.gz"), Contains("no such file"));
  // A hostile nesting depth is freed without recursion.
  write_file(p, "\x80\x02" "N" + std::string(2'000'000, '\x85') + ".");
  REQUIRE_THROWS_WITH(io::read_mnist_pickle(p), Contains("wrong structure"));
}

TEST_CASE("load_mnist: pickle path - missing data - wrong IDX shapes", "[io]") {
  TempDir dir;
  const char* old = std::getenv("THEANO_CPP_DATA");
  std::string saved = old ? old : "";
  setenv("THEANO_CPP_DATA", dir.path.c_str(), 1);

  PickleWriter w;
  write_file(dir / "small.pkl.gz", gzip(pickle_sets(w, sample_sets())));
  auto s = io::load_mnist("small.pkl.gz", DType::Float64);  // found under $THEANO_CPP_DATA
  REQUIRE(s[0].x.dtype() == DType::Float64);
  REQUIRE(s[2].x.shape() == Dims{4, 3});
  REQUIRE(s[1].x.item(1) == Approx(1.0 / 7.0 - 1.5).epsilon(1e-6));
  REQUIRE(s[1].y.dtype() == DType::Int64);
  REQUIRE(s[1].y.item(1) == double(-(int64_t(1) << 40) - 1));

  REQUIRE_THROWS_WITH(io::load_mnist("mnist.pkl.gz", DType::Float32),
                      StartsWith("load_mnist: ") && Contains("scripts/fetch_mnist.sh") && Contains(dir.path.string()));
  REQUIRE_THROWS_WITH(io::load_mnist("other.pkl.gz", DType::Float32), StartsWith("load_mnist: dataset not found"));
  REQUIRE_THROWS_AS(io::load_mnist("small.pkl.gz", DType::Int32), std::invalid_argument);

  fs::create_directories(dir.path / "mnist");
  write_file(dir / "mnist/train-images-idx3-ubyte", make_idx(0x08, {2, 28, 28}, std::vector<double>(2 * 784, 1)));
  write_file(dir / "mnist/train-labels-idx1-ubyte.gz", gzip(make_idx(0x08, {2}, {1, 2})));
  write_file(dir / "mnist/t10k-images-idx3-ubyte", make_idx(0x08, {1, 28, 28}, std::vector<double>(784, 1)));
  write_file(dir / "mnist/t10k-labels-idx1-ubyte", make_idx(0x08, {1}, {3}));
  REQUIRE_THROWS_WITH(io::load_mnist("mnist.pkl.gz", DType::Float32),
                      Contains("train-images-idx3-ubyte holds uint8 (2, 28, 28), expected uint8 (60000, 28, 28)"));

  if (old) setenv("THEANO_CPP_DATA", saved.c_str(), 1);
  else unsetenv("THEANO_CPP_DATA");
}

TEST_CASE("load_mnist on real data", "[mnist]") {
  const fs::path dir = io::data_dir() / "mnist";
  for (const char* n : {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"})
    if (!fs::exists(dir / n) && !fs::exists(dir / (std::string(n) + ".gz")))
      FAIL("MNIST file " << n << " is missing from " << dir.string() << ": run scripts/fetch_mnist.sh (./test.sh does)");

  auto sets = io::load_mnist("mnist.pkl.gz", DType::Float32);
  const auto& [train, valid, test] = sets;
  REQUIRE(train.x.shape() == Dims{50000, 784});
  REQUIRE(valid.x.shape() == Dims{10000, 784});
  REQUIRE(test.x.shape() == Dims{10000, 784});
  REQUIRE(train.y.shape() == Dims{50000});
  REQUIRE(valid.y.shape() == Dims{10000});
  REQUIRE(test.y.shape() == Dims{10000});
  for (const auto& s : sets) {
    REQUIRE(s.x.dtype() == DType::Float32);
    REQUIRE(s.y.dtype() == DType::Int64);
  }
  const float* px = train.x.data<float>();
  REQUIRE(*std::max_element(px, px + train.x.size()) == 0.99609375f);  // 255/256
  REQUIRE(*std::min_element(px, px + train.x.size()) == 0.0f);
  const int64_t first[] = {5, 0, 4, 1, 9};
  for (int i = 0; i < 5; ++i) REQUIRE(train.y.item(i) == first[i]);
  REQUIRE(test.y.item(0) == 7);

  // valid[0] is training image 50000.
  fs::path images = fs::exists(dir / "train-images-idx3-ubyte") ? dir / "train-images-idx3-ubyte" : dir / "train-images-idx3-ubyte.gz";
  NDArray raw = io::read_idx(images.string());
  const uint8_t* img = raw.data<uint8_t>() + int64_t(50000) * 784;
  for (int i = 0; i < 784; ++i) REQUIRE(valid.x.data<float>()[i] == float(img[i]) / 256.0f);
}
