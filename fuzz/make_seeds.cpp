// Writes the seed corpora of the fuzz targets: make_seeds OUT_DIR creates OUT_DIR/<target>/ with a
// few tiny valid inputs each (IDX files of every type code and rank, numpy pickles as Python 2 and
// Python 3 write them, big-endian and Fortran-ordered, their gzip'd forms, and checkpoints written
// by theano::save_arrays). No data files are committed and no MNIST is needed; scripts/fuzz.sh runs
// this before fuzzing.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "fuzz_util.hpp"
#include "theano/checkpoint.hpp"
#include "theano/io.hpp"

namespace fs = std::filesystem;

namespace {

void put_be(std::string& s, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) s += char((v >> (8 * i)) & 0xFF);
}
void put_le(std::string& s, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) s += char((v >> (8 * i)) & 0xFF);
}

// An IDX file: magic 00 00 <code> <ndim>, big-endian dims, then `count` elements of value i % 7.
std::string idx(uint8_t code, std::vector<uint32_t> dims) {
  static const std::map<uint8_t, int> size = {{0x08, 1}, {0x09, 1}, {0x0B, 2}, {0x0C, 4}, {0x0D, 4}, {0x0E, 8}};
  std::string s{'\0', '\0', char(code), char(dims.size())};
  uint64_t count = 1;
  for (uint32_t d : dims) put_be(s, d, 4), count *= d;
  for (uint64_t i = 0; i < count; ++i) put_be(s, i % 7 + (i % 3 ? 0 : 0x80), size.at(code));
  return s;
}

// Protocol-2 pickles of numpy arrays as numpy writes them under Python 2 (data as str) or Python 3
// (bytes as _codecs.encode(latin1 text)); the same spelling as tests/test_io.cpp's writer.
struct Pickle {
  bool py3 = false, big_endian = false, fortran = false;
  std::string out = "\x80\x02";
  int memo = 0, codecs = -1, latin1 = -1, reconstruct = -1, ndarray = -1;
  std::map<std::string, int> dtypes;

  void op(char c) { out += c; }
  void put() { out += 'q'; out += char(memo++); }
  void get(int k) { out += 'h'; out += char(k); }
  void global(const std::string& m, const std::string& n) { out += "c" + m + "\n" + n + "\n"; put(); }
  void int_(int64_t v) {
    if (v >= 0 && v < 256) { out += 'K'; out += char(v); }
    else { out += 'J'; put_le(out, uint32_t(v), 4); }
  }
  void text(const std::string& latin1_text) {
    std::string u;
    for (unsigned char c : latin1_text) {
      if (c < 0x80) u += char(c);
      else { u += char(0xC0 | (c >> 6)); u += char(0x80 | (c & 0x3F)); }
    }
    out += 'X';
    put_le(out, u.size(), 4);
    out += u;
    put();
  }
  void bytes(const std::string& b) {
    if (py3) {
      if (codecs < 0) { codecs = memo; global("_codecs", "encode"); } else get(codecs);
      text(b);
      if (latin1 < 0) { latin1 = memo; text("latin1"); } else get(latin1);
      op('\x86'); op('R'); put();
    } else {
      out += 'U'; out += char(b.size()); out += b; put();
    }
  }
  void str(const std::string& s) { py3 ? text(s) : bytes(s); }
  void dtype(const std::string& name, int esize) {
    std::string key = name + (big_endian ? ">" : "<");
    if (auto it = dtypes.find(key); it != dtypes.end()) return get(it->second);
    global("numpy", "dtype");
    str(name);
    if (py3) { op('\x89'); op('\x88'); } else { int_(0); int_(1); }
    op('\x87'); op('R');
    dtypes[key] = memo;
    put();
    op('('); int_(3); str(esize == 1 ? "|" : big_endian ? ">" : "<");
    op('N'); op('N'); op('N'); int_(-1); int_(-1); int_(0); op('t'); op('b');
  }
  // An array of `shape` whose raw data are bytes 0x00, 0x11, ... (any bytes are valid data).
  void array(std::vector<int64_t> shape, const std::string& dt, int esize) {
    if (reconstruct < 0) {
      reconstruct = memo; global("numpy.core.multiarray", "_reconstruct");
      ndarray = memo; global("numpy", "ndarray");
    } else {
      get(reconstruct); get(ndarray);
    }
    int_(0); op('\x85'); bytes("b"); op('\x87'); op('R'); put();
    op('('); int_(1); op('(');
    int64_t count = 1;
    for (int64_t d : shape) int_(d), count *= d;
    op('t');
    dtype(dt, esize);
    op(fortran ? '\x88' : '\x89');
    std::string data;
    for (int64_t i = 0; i < count * esize; ++i) data += char(i * 0x11);
    bytes(data);
    op('t'); op('b');
  }
  // ((x0, y0), (x1, y1), (x2, y2)): x float32 (n, 3) or float64, y int64 (n,) or int32.
  std::string mnist_like(const std::string& xt, int xs, const std::string& yt, int ys) {
    for (int s = 0; s < 3; ++s) {
      array({s + 1, 3}, xt, xs);
      array({s + 1}, yt, ys);
      op('\x86'); put();
    }
    op('\x87'); put(); op('.');
    return out;
  }
};

void write(const fs::path& dir, const std::string& name, const std::string& bytes) {
  fs::create_directories(dir);
  fuzz::write_file((dir / name).string(), bytes.data(), bytes.size());
}
std::string gz(const std::string& s) {
  auto v = fuzz::gzip(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  return {v.begin(), v.end()};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT_DIR (writes OUT_DIR/<fuzz target>/ seed files)\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  std::map<std::string, std::string> idx_seeds = {
      {"u8_2x3", idx(0x08, {2, 3})},     {"i8_2x3", idx(0x09, {2, 3})}, {"i16_2x3", idx(0x0B, {2, 3})},
      {"i32_2x3", idx(0x0C, {2, 3})},    {"f32_2x3", idx(0x0D, {2, 3})}, {"f64_2x3", idx(0x0E, {2, 3})},
      {"u8_4", idx(0x08, {4})},          {"u8_2x2x2", idx(0x08, {2, 2, 2})}, {"u8_0x28x28", idx(0x08, {0, 28, 28})},
      {"u8_scalar", idx(0x08, {})},      {"i16_1x1x1x1x1x1x1x1", idx(0x0B, {1, 1, 1, 1, 1, 1, 1, 1})},
  };
  std::map<std::string, std::string> pickle_seeds;
  for (int v = 0; v < 6; ++v) {
    Pickle p;
    p.py3 = v % 2 == 1;
    p.big_endian = v == 2 || v == 3;
    p.fortran = v >= 4;
    std::string name = std::string(p.py3 ? "py3" : "py2") + (p.big_endian ? "_be" : "") + (p.fortran ? "_fortran" : "");
    pickle_seeds[name] = v < 4 ? p.mnist_like("f4", 4, "i8", 8) : p.mnist_like("f8", 8, "i4", 4);
  }
  pickle_seeds["py2_u1_i2"] = Pickle().mnist_like("u1", 1, "i2", 2);
  pickle_seeds["py3_i1_b1"] = [] { Pickle p; p.py3 = true; return p.mnist_like("i1", 1, "b1", 1); }();

  for (auto& [name, bytes] : idx_seeds) write(out / "fuzz_idx", name, bytes);
  for (auto& [name, bytes] : pickle_seeds) write(out / "fuzz_pickle", name + ".pkl", bytes);
  for (auto& [name, bytes] : idx_seeds) write(out / "fuzz_gzip", name + ".gz", gz(bytes));
  for (auto& [name, bytes] : pickle_seeds) write(out / "fuzz_gzip", name + ".pkl.gz", gz(bytes));
  // Two gzip members in one file (zlib reads them as one stream), and a member with trailing junk.
  write(out / "fuzz_gzip", "two_members.gz", gz(idx_seeds["u8_2x3"].substr(0, 10)) + gz(idx_seeds["u8_2x3"].substr(10)));
  write(out / "fuzz_gzip", "trailing.gz", gz(idx_seeds["u8_4"]) + "junk");

  // Checkpoints by the library's own writer: every dtype, empty and 0-d arrays, odd names, and the
  // (W, b) pair fuzz_checkpoint also loads into shared variables.
  using theano::DType, theano::NDArray;
  auto counting = [](DType d, const theano::Dims& shape) {
    NDArray a = NDArray::empty(d, shape);
    for (int64_t i = 0; i < a.size(); ++i) a.set_item(i, double(i % 2));
    return a;
  };
  const fs::path ck = out / "fuzz_checkpoint";
  fs::create_directories(ck);
  theano::save_arrays((ck / "params.ckpt").string(), {{"W", counting(DType::Float32, {2, 3})}, {"b", counting(DType::Float64, {3})}});
  std::vector<theano::NamedArray> every;
  for (DType d : {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::Float32, DType::Float64})
    every.push_back({std::string(theano::dtype_name(d)), counting(d, {2, 2})});
  theano::save_arrays((ck / "every_dtype.ckpt").string(), every);
  theano::save_arrays((ck / "odd_shapes.ckpt").string(),
                      {{"", counting(DType::Float32, {})}, {"empty", counting(DType::Int32, {0, 3})}, {"x", counting(DType::UInt8, {1, 1, 1, 1, 1, 1, 1, 1})}});
  theano::save_arrays((ck / "none.ckpt").string(), {});
  theano::save_arrays((ck / "repeats.ckpt").string(), std::vector<theano::NamedArray>(2, {"W", NDArray::zeros(DType::Float32, {64})}));

  // Every seed must be a valid input of its reader, or the fuzzer starts from error paths only.
  int bad = 0;
  for (const auto& e : fs::directory_iterator(ck)) {
    try {
      theano::load_arrays(e.path().string());
    } catch (const std::exception& ex) {
      std::fprintf(stderr, "make_seeds: seed %s does not read: %s\n", e.path().c_str(), ex.what());
      ++bad;
    }
  }
  for (const char* target : {"fuzz_idx", "fuzz_pickle", "fuzz_gzip"})  // fuzz_checkpoint: above
    for (const auto& e : fs::directory_iterator(out / target)) {
      std::string p = e.path().string();
      try {
        if (p.find(".pkl") != std::string::npos) theano::io::read_mnist_pickle(p);
        else theano::io::read_idx(p);
      } catch (const std::exception& ex) {
        std::fprintf(stderr, "make_seeds: seed %s does not read: %s\n", p.c_str(), ex.what());
        ++bad;
      }
    }
  return bad ? 1 : 0;
}
