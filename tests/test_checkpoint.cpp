// Checkpoints (frontend/theano/checkpoint.hpp): round trips of every dtype and rank, restoring shared
// variables with their checks, every truncation and every byte flip an error (never a crash), crafted
// files with valid CRCs for the deeper checks, a writer SIGKILLed mid-save, and a resumed training
// run bit-identical to an uninterrupted one.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include <theano/tutorials/dA.hpp>
#include <theano/tutorials/logistic_sgd.hpp>
#include "test_util.hpp"

using namespace theano::tutorials;  // the tutorials' classes, as the Python files import them

using namespace theano;
using namespace test_util;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    static int counter = 0;
    path = fs::temp_directory_path() / ("theano_ckpt_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  std::vector<std::string> temporaries() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(path))
      if (e.path().filename().string().find(".tmp-") != std::string::npos) out.push_back(e.path().string());
    return out;
  }
};

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), std::streamsize(bytes.size()));
}

bool same_bits(const NDArray& a, const NDArray& b) {
  if (a.dtype() != b.dtype() || !(a.shape() == b.shape())) return false;
  NDArray ca = a.copy(), cb = b.copy();
  return std::memcmp(ca.raw(), cb.raw(), ca.nbytes()) == 0;
}

// The load must throw std::runtime_error starting "load: <path>: " (any other exception or a crash fails).
std::string load_error(const std::string& path) {
  try {
    load_arrays(path);
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    if (msg.rfind("load: " + path + ": ", 0) != 0) FAIL("error without the load: prefix: " << msg);
    return msg;
  }
  return "<no exception>";
}

// ---- an independent writer of the documented format, to craft files with valid CRCs ----
template <class T>
void put(std::string& s, T v) {
  for (size_t i = 0; i < sizeof(T); ++i) s += char(uint8_t(uint64_t(v) >> (8 * i)));
}
uint32_t crc_of(const std::string& s) { return uint32_t(crc32(0, reinterpret_cast<const Bytef*>(s.data()), uInt(s.size()))); }
std::string header(uint32_t count, uint16_t version = 1) {
  std::string h = "THCKPT";
  put<uint16_t>(h, version);
  put<uint32_t>(h, count);
  put<uint32_t>(h, crc_of(h));
  return h;
}
std::string zlib(const std::string& raw) {
  uLongf n = compressBound(uLong(raw.size()));
  std::string out(n, '\0');
  REQUIRE(compress2(reinterpret_cast<Bytef*>(out.data()), &n, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 6) == Z_OK);
  out.resize(n);
  return out;
}
std::string entry(const std::string& name, uint8_t code, const std::vector<int64_t>& shape, const std::string& payload) {
  std::string e;
  put<uint32_t>(e, uint32_t(name.size()));
  e += name;
  put<uint8_t>(e, code);
  put<uint8_t>(e, uint8_t(shape.size()));
  for (int64_t d : shape) put<int64_t>(e, d);
  put<uint64_t>(e, payload.size());
  e += payload;
  put<uint32_t>(e, crc_of(e));
  return e;
}
std::string f64_bytes(const std::vector<double>& v) { return std::string(reinterpret_cast<const char*>(v.data()), v.size() * 8); }

NDArray counting(DType dtype, const Dims& shape) {
  NDArray a = NDArray::empty(dtype, shape);
  for (int64_t i = 0; i < a.size(); ++i) a.set_item(i, dtype == DType::Bool ? double(i % 3 == 0) : double((i * 7) % 100) - 20);
  return a;
}

}  // namespace

TEST_CASE("checkpoint: round trip of every dtype and rank including 0-d and empty and strided arrays", "[checkpoint]") {
  TempDir dir;
  std::vector<NamedArray> arrays;
  const DType dtypes[] = {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::Float32, DType::Float64};
  const Dims shapes[] = {Dims{}, Dims{0}, Dims{5}, Dims{2, 3}, Dims{2, 0, 4}, Dims{2, 3, 4, 5}, Dims{1, 1, 1, 1, 1, 1, 1, 2}};
  for (DType d : dtypes)
    for (const Dims& s : shapes) arrays.push_back({fmt::format("{}{}", dtype_name(d), s.str()), counting(d, s)});
  NDArray special = f64(Dims{5}, {std::nan(""), std::numeric_limits<double>::infinity(), -0.0, 1e-310, 1.0 / 3.0});
  arrays.push_back({"special", special});
  NDArray m = counting(DType::Float32, Dims{3, 4});
  arrays.push_back({"transposed view", m.view(Dims{4, 3}, Dims{1, 4}, 0)});
  arrays.push_back({"", counting(DType::Int64, Dims{2})});                // an empty name
  arrays.push_back({"W", counting(DType::Float32, Dims{2})});             // names may repeat
  arrays.push_back({"W", counting(DType::Float32, Dims{3})});
  arrays.push_back({"caf\xc3\xa9 \n\x01", counting(DType::UInt8, Dims{1})});  // any bytes
  save_arrays(dir / "a.ckpt", arrays);
  std::vector<NamedArray> back = load_arrays(dir / "a.ckpt");
  REQUIRE(back.size() == arrays.size());
  for (size_t i = 0; i < arrays.size(); ++i) {
    INFO(arrays[i].name);
    CHECK(back[i].name == arrays[i].name);
    CHECK(same_bits(back[i].value, arrays[i].value));
    CHECK((back[i].value.is_contiguous() || back[i].value.size() == 0));
  }
  CHECK(back[back.size() - 5].value.item(1) == m.item(4));  // transposed: element (0, 1) is m[1, 0]
  CHECK(dir.temporaries().empty());
  // An empty checkpoint, and overwriting an existing file.
  save_arrays(dir / "a.ckpt", {});
  CHECK(load_arrays(dir / "a.ckpt").empty());
  CHECK(read_file(dir / "a.ckpt").substr(0, 6) == "THCKPT");
  CHECK(read_file(dir / "a.ckpt").size() == 16);
}

TEST_CASE("checkpoint: save and load shared variables matched by position and name", "[checkpoint]") {
  TempDir dir;
  std::string p = dir / "m.ckpt";
  SharedVariable W = theano::shared(counting(DType::Float32, Dims{4, 3}), "W");
  SharedVariable b = theano::shared(counting(DType::Float32, Dims{3}), "b");
  SharedVariable step = theano::shared(7, "step");
  save(p, {W, b, step});
  NDArray W0 = W.get_value(), b0 = b.get_value();
  W.set_value(NDArray::zeros(DType::Float32, Dims{4, 3}));
  b.set_value(NDArray::zeros(DType::Float32, Dims{3}));
  step.set_value(NDArray::scalar<int64_t>(0));
  load(p, {W, b, step});
  CHECK(same_bits(W.get_value(), W0));
  CHECK(same_bits(b.get_value(), b0));
  CHECK(step.get_value().item() == 7);

  // Every spelling of the list: std::vector<Var> (a model's params), std::vector<SharedVariable>, named pairs.
  std::vector<Var> params = {W, b};
  save(p, params);
  load(p, std::vector<SharedVariable>{W, b});
  save(p, {{"layer0.W", W}, {"layer0.b", b}});
  CHECK(load_arrays(p)[0].name == "layer0.W");
  load(p, {{"layer0.W", W}, {"layer0.b", b}});
  CHECK(same_bits(W.get_value(), W0));
  // A compiled function sees the restored values.
  Function f = theano::function({}, T::sum(W));
  W.set_value(NDArray::zeros(DType::Float32, Dims{4, 3}));
  CHECK(double(f()) == 0);
  load(p, {{"layer0.W", W}, {"layer0.b", b}});
  Function g = theano::function({}, T::sum(theano::shared(W0)));
  CHECK(double(f()) == double(g()));
}

TEST_CASE("checkpoint: a mismatched count or name or dtype or shape is an error that changes nothing", "[checkpoint]") {
  TempDir dir;
  std::string p = dir / "m.ckpt";
  SharedVariable W = theano::shared(counting(DType::Float32, Dims{4, 3}), "W");
  SharedVariable b = theano::shared(counting(DType::Float32, Dims{3}), "b");
  save(p, {W, b});
  SharedVariable W2 = theano::shared(NDArray::zeros(DType::Float32, Dims{4, 3}), "W");
  SharedVariable b64 = theano::shared(NDArray::zeros(DType::Float64, Dims{3}), "b");
  SharedVariable b5 = theano::shared(NDArray::zeros(DType::Float32, Dims{5}), "b");
  SharedVariable c = theano::shared(NDArray::zeros(DType::Float32, Dims{3}), "c");
  auto unchanged = [&] { CHECK(values(W2.get_value()) == std::vector<double>(12, 0.0)); };
  CHECK_THROWS_WITH(load(p, {W2}), StartsWith("load: " + p + ": the checkpoint holds 2 arrays ('W', 'b') but 1 variables were given ('W')"));
  unchanged();
  CHECK_THROWS_WITH(load(p, {W2, c}), StartsWith("load: " + p + ": entry 1 is named 'b' but variable 1 is named 'c'"));
  unchanged();
  CHECK_THROWS_WITH(load(p, {W2, b64}),
                    StartsWith("load: " + p + ": entry 1 ('b') holds float32 but the variable is TensorType(float64, vector)"));
  unchanged();
  CHECK_THROWS_WITH(load(p, {W2, b5}), StartsWith("load: " + p + ": entry 1 ('b') has shape (3,) but the variable's value has shape (5,)"));
  unchanged();
  CHECK_THROWS_WITH(load(p, {b5, W2}), StartsWith("load: " + p + ": entry 0 is named 'W' but variable 0 is named 'b'"));
  CHECK_THROWS_WITH(save(p, {W, T::dmatrix("x")}), StartsWith("checkpoint: parameter 1 ('x') is not a shared variable"));
  CHECK_THROWS_WITH(load(dir / "missing.ckpt", {W}), StartsWith("load: " + dir / "missing.ckpt" + ": no such file"));
  CHECK_THROWS_WITH(load(dir.path.string(), {W}), StartsWith("load: " + dir.path.string() + ": not a regular file"));
  CHECK_THROWS_WITH(save(dir / "no/such/dir/m.ckpt", {W}),
                    StartsWith("save: " + dir / "no/such/dir/m.ckpt" + ": cannot create a temporary file in"));
  CHECK(load_arrays(p).size() == 2);  // the failed save touched nothing
}

TEST_CASE("checkpoint: every truncation and every byte flip is an error and never a crash", "[checkpoint]") {
  TempDir dir;
  std::string good = dir / "good.ckpt", p = dir / "bad.ckpt";
  save_arrays(good, {{"W", counting(DType::Float32, Dims{3, 2})}, {"b", counting(DType::Float64, Dims{2})}, {"s", counting(DType::Int64, Dims{})}});
  const std::string bytes = read_file(good);
  REQUIRE(bytes.size() > 60);
  int cases = 0;
  for (size_t n = 0; n < bytes.size(); ++n) {
    write_file(p, bytes.substr(0, n));
    std::string msg = load_error(p);
    INFO("truncated to " << n << " bytes: " << msg);
    CHECK(msg != "<no exception>");
    ++cases;
  }
  write_file(p, bytes.substr(0, 3));
  CHECK_THROWS_WITH(load_arrays(p), Contains("truncated: the file ends inside the magic"));
  write_file(p, "");
  CHECK_THROWS_WITH(load_arrays(p), Contains("truncated: the file is empty"));
  write_file(p, bytes.substr(0, bytes.size() - 1));
  CHECK_THROWS_WITH(load_arrays(p), Contains("truncated: the file ends inside entry 2 of 3 ('s')'s CRC"));
  // Every bit of every byte, then random multi-byte damage.
  for (size_t i = 0; i < bytes.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      std::string b = bytes;
      b[i] = char(b[i] ^ (1 << bit));
      write_file(p, b);
      std::string msg = load_error(p);
      INFO("bit " << bit << " of byte " << i << ": " << msg);
      CHECK(msg != "<no exception>");
      ++cases;
    }
  std::mt19937 rng(42);
  for (int k = 0; k < 300; ++k) {
    std::string b = bytes;
    int flips = 1 + int(rng() % 6);
    for (int j = 0; j < flips; ++j) b[rng() % b.size()] = char(rng());
    if (b == bytes) continue;
    write_file(p, b);
    CHECK(load_error(p) != "<no exception>");
    ++cases;
  }
  write_file(p, bytes + "x");
  CHECK_THROWS_WITH(load_arrays(p), Contains("1 stray bytes after the last entry"));
  std::string flipped = bytes;
  flipped[30] ^= 0x10;
  write_file(p, flipped);
  CHECK_THROWS_WITH(load_arrays(p), Contains("CRC mismatch"));
  CHECK(cases > 1000);
}

TEST_CASE("checkpoint: bad magic - other versions - corrupt zlib data - absurd sizes behind valid CRCs", "[checkpoint]") {
  TempDir dir;
  std::string p = dir / "c.ckpt";
  auto error_for = [&](const std::string& bytes) {
    write_file(p, bytes);
    return load_error(p);
  };
  const std::string data = zlib(f64_bytes({1, 2, 3}));
  // The crafted writer agrees with the real one.
  write_file(p, header(1) + entry("x", 7, {3}, data));
  REQUIRE(values(load_arrays(p)[0].value) == std::vector<double>{1, 2, 3});

  CHECK_THAT(error_for("PK\x03\x04 this is a zip file"), StartsWith("load: " + p + ": not a theano-cpp checkpoint (bad magic"));
  CHECK_THAT(error_for(header(1, 2) + entry("x", 7, {3}, data)),
             Contains("unsupported checkpoint format version 2 (this build reads version 1)"));
  std::string bad_header = header(1);
  bad_header[8] = 2;  // the count, without fixing the header CRC
  CHECK_THAT(error_for(bad_header + entry("x", 7, {3}, data)), Contains("CRC mismatch in the header"));
  CHECK_THAT(error_for(header(1000000) + entry("x", 7, {3}, data)),
             Contains("the header announces 1000000 entries but only"));
  CHECK_THAT(error_for(header(2) + entry("x", 7, {3}, data)), Contains("truncated: the file ends inside entry 1 of 2's name length"));
  CHECK_THAT(error_for(header(1) + entry("x", 9, {3}, data)), Contains("entry 0 of 1 ('x'): unknown dtype code 9"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, std::vector<int64_t>(9, 1), data)), Contains("9 dimensions, at most 8 are supported"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {-3}, data)), Contains("negative dimension -3"));
  // Sizes that would make us allocate what the file cannot hold are refused before allocating.
  CHECK_THAT(error_for(header(1) + entry("x", 7, {1 << 20, 1 << 20, 1 << 20}, data)),
             Contains("absurd size: shape (1048576, 1048576, 1048576) of float64 needs more than 2**40 bytes"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {1000000}, data)),
             Contains("absurd size: shape (1000000,) of float64 needs 8000000 bytes but " + std::to_string(data.size()) +
                      " bytes of zlib data cannot hold them"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {int64_t(1) << 62, 0}, data)), Contains("absurd size"));
  std::string name_len;
  put<uint32_t>(name_len, 0xFFFFFFF0u);
  CHECK_THAT(error_for(header(1) + name_len + std::string(100, 'a')), Contains("entry 0 of 1: absurd name length 4294967280"));
  // zlib streams that are corrupt, short, long, or followed by junk.
  std::string broken = data;
  broken[3] = char(broken[3] ^ 0xFF);
  CHECK_THAT(error_for(header(1) + entry("x", 7, {3}, broken)), Contains("entry 0 of 1 ('x'): corrupt zlib stream"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {3}, "not zlib at all")), Contains("corrupt zlib stream"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {3}, data.substr(0, data.size() - 6))), Contains("corrupt zlib stream: it ends early"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {4}, data)), Contains("corrupt zlib stream: it holds 24 bytes, its shape needs 32"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {2}, data)), Contains("corrupt zlib stream: it holds more than the 16 bytes its shape needs"));
  CHECK_THAT(error_for(header(1) + entry("x", 7, {3}, data + "junk")), Contains("4 stray bytes after the end of the zlib stream"));
  CHECK(error_for(header(1) + entry("x", 7, {0}, zlib(""))) == "<no exception>");
}

TEST_CASE("checkpoint: a writer killed mid-save leaves the previous checkpoint intact", "[checkpoint]") {
  TempDir dir;
  std::string p = dir / "model.ckpt";
  // Version k: a small head and tail holding k around a big incompressible body drawn from seed k, so
  // a file mixing two versions, or cut short, would be noticed.
  const int64_t n_body = int64_t(1) << 22;  // 16 MiB of float32
  auto version = [&](int k) {
    NDArray body = NDArray::empty(DType::Float32, Dims{n_body});
    std::mt19937 g{uint32_t(k)};
    uint32_t* bits = body.data<uint32_t>();
    for (int64_t i = 0; i < n_body; ++i) bits[i] = g() & 0xBF7FFFFFu;  // finite floats
    return std::vector<NamedArray>{{"head", NDArray::scalar<int64_t>(k)}, {"body", body}, {"tail", NDArray::scalar<int64_t>(k)}};
  };
  auto check_consistent = [&]() -> int {
    std::vector<NamedArray> got = load_arrays(p);
    REQUIRE(got.size() == 3);
    int k = int(got[0].value.item());
    CHECK(got[2].value.item() == k);
    CHECK(same_bits(got[1].value, version(k)[1].value));
    return k;
  };
  save_arrays(p, version(1));
  int seen_temporaries = 0, last = 1;
  for (int round = 0; round < 3; ++round) {
    int first = 2 + 1000 * round;
    pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {  // saves new versions forever, until killed
      for (int k = first;; ++k) {
        try {
          save_arrays(p, version(k));
        } catch (...) {
          _exit(3);
        }
      }
    }
    // Kill it while a temporary file is being written (it has data but is not yet renamed).
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    bool mid_write = false;
    while (std::chrono::steady_clock::now() < deadline && !mid_write) {
      for (const auto& t : dir.temporaries()) {
        std::error_code ec;
        if (fs::file_size(t, ec) > uint64_t(round + 1) * 4096 && !ec) mid_write = true;
      }
      if (!mid_write) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    CHECK(WIFSIGNALED(status));
    CHECK(mid_write);
    seen_temporaries += int(dir.temporaries().size());
    int k = check_consistent();  // the last complete save: the previous checkpoint or one the child finished
    CHECK((k == last || k >= first));
    last = k;
    // What the kill left, a .tmp- file of a dead writer, goes with the next save of the same path.
    save_arrays(p, version(k));
    CHECK(dir.temporaries().empty());
  }
  CHECK(seen_temporaries >= 1);
  // A crash between write and rename: the complete temporary is ignored and the next save succeeds.
  save_arrays(dir / "next.ckpt", version(5));
  fs::copy_file(dir / "next.ckpt", p + ".tmp-ABC123");
  int before = check_consistent();
  CHECK(before != 5);
  save_arrays(p, version(6));
  CHECK(check_consistent() == 6);
}

// The tutorial's LogisticRegression on synthetic data: N steps, save, a fresh model loads and continues.
TEST_CASE("checkpoint: resuming a logistic model gives bit-identical numbers to an uninterrupted run", "[checkpoint]") {
  TempDir dir;
  const int batch_size = 20, n_batches = 5, n_in = 12, n_out = 4;
  numpy::RandomState rng(1234);
  NDArray xs = numpy::asarray(rng.uniform(-1, 1, {batch_size * n_batches, n_in}), config().floatX);
  NDArray ys = numpy::asarray(rng.randint(0, n_out, {batch_size * n_batches}), config().floatX);
  SharedVariable data_x = theano::shared(xs), data_y = theano::shared(ys);
  Var labels = T::cast(data_y, "int32");

  struct Run {
    std::unique_ptr<LogisticRegression> model;
    Function train;
  };
  auto build = [&] {
    auto index = T::lscalar();
    auto x = T::matrix("x");
    auto y = T::ivector("y");
    Run r;
    r.model = std::make_unique<LogisticRegression>(x, n_in, n_out);
    auto cost = r.model->negative_log_likelihood(y);
    std::vector<std::pair<Var, Var>> updates;
    for (const Var& p : r.model->params) updates.push_back({p, p - 0.13 * T::grad(cost, p)});
    r.train = theano::function({index}, cost,
                               {.updates = updates,
                                .givens = {{x, minibatch(data_x, index, batch_size)}, {y, minibatch(labels, index, batch_size)}}});
    return r;
  };
  const int total = 23, saved_at = 9;
  Run full = build();
  std::vector<double> costs;
  for (int i = 0; i < total; ++i) {
    costs.push_back(full.train(i % n_batches));
    if (i + 1 == saved_at) save(dir / "best_model.ckpt", full.model->params);
  }
  Run resumed = build();
  load(dir / "best_model.ckpt", resumed.model->params);
  for (int i = saved_at; i < total; ++i) {
    double c = resumed.train(i % n_batches);
    INFO("step " << i);
    CHECK(std::memcmp(&c, &costs[size_t(i)], sizeof c) == 0);
  }
  CHECK(same_bits(resumed.model->W.get_value(), full.model->W.get_value()));
  CHECK(same_bits(resumed.model->b.get_value(), full.model->b.get_value()));
  CHECK(costs.back() < costs.front());
}

TEST_CASE("checkpoint: with_random_state resumes a dA's corruption draws where the saved run was", "[checkpoint]") {
  auto build = [] {
    RandomState rng(123);
    Var x = T::matrix("x");
    auto da = std::make_shared<dA>(rng, nullptr, x, /*n_visible=*/6, /*n_hidden=*/4);
    auto [cost, updates] = da->get_cost_updates(0.3, 0.1);
    return std::make_pair(da, theano::function({x}, cost, {.updates = updates}));
  };
  NDArray X = numpy::asarray(RandomState(4).uniform(0, 1, {4, 6}), config().floatX);
  auto [da, f] = build();
  f(X);
  f(X);
  fs::path path = fs::temp_directory_path() / "theano_dA_random_state.ckpt";
  theano::save(path.string(), with_random_state(da->params, *da->theano_rng));
  double c3 = f(X), c4 = f(X);

  // A fresh model loads weights and streams: its next two steps are the saved run's.
  auto [resumed, g] = build();
  theano::load(path.string(), with_random_state(resumed->params, *resumed->theano_rng));
  CHECK(g(X) == c3);
  CHECK(g(X) == c4);
  // The weights alone: the fresh streams draw the first step's mask again, not the third's.
  auto [weights_only, h] = build();
  CHECK_THROWS_WITH(theano::load(path.string(), weights_only->params), Contains("3 variables") || Contains("entries"));
  std::vector<NamedArray> saved = theano::load_arrays(path.string());
  REQUIRE(saved.size() == 4);
  CHECK(saved[3].name == "random_state_0");
  for (size_t i = 0; i < 3; ++i) SharedVariable(weights_only->params[i]).set_value(saved[i].value);
  CHECK(h(X) != c3);
  fs::remove(path);
}
