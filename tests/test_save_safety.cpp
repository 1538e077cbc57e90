// What theano::save does to what is already at its path (frontend/theano/checkpoint.hpp, docs/errors.md
// "Saving"): a table of kinds of target (missing, regular, directory, fifo, socket, device, symbolic
// links to each, chains, loops, bad paths), each with the message's first line, what is left at the
// path afterwards, and that a refused save leaves the directory exactly as it was; save_problem()
// agrees with save() on every row. Then the stale temporaries an interrupted save leaves, the
// concurrent savers of one path, and checkpoints holding NaN or Inf (LoadOptions::finite_only).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <thread>

#include "test_files.hpp"
#include "test_util.hpp"

using namespace theano;
using namespace test_util;
using namespace test_files;
namespace fs = std::filesystem;

namespace {

std::vector<NamedArray> model(float v) {
  NDArray w = NDArray::empty(DType::Float32, Dims{2, 3});
  for (int64_t i = 0; i < w.size(); ++i) w.set_item(i, v + float(i));
  return {{"W", w}, {"b", NDArray::scalar<int64_t>(int64_t(v))}};
}

// Name -> kind, contents of regular files or link target, of every entry under dir, recursively
// (links are not followed: some of them loop).
void snapshot_into(const fs::path& root, const fs::path& dir, std::map<std::string, std::string>& out) {
  for (const auto& e : fs::directory_iterator(dir)) {
    auto st = fs::symlink_status(e.path());
    std::string what;
    if (fs::is_symlink(st)) what = "link " + fs::read_symlink(e.path()).string();
    else if (fs::is_regular_file(st)) what = "file " + read_file(e.path());
    else what = "kind " + std::to_string(int(st.type()));
    out[e.path().lexically_relative(root).string()] = what;
    if (fs::is_directory(st)) snapshot_into(root, e.path(), out);
  }
}
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  snapshot_into(dir, dir, out);
  return out;
}

bool is_char_device(const std::string& p) {
  struct stat st;
  return ::lstat(p.c_str(), &st) == 0 && S_ISCHR(st.st_mode);
}

// A listening-less unix socket bound at p (removed by the TempDir).
void make_socket(const std::string& p) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  REQUIRE(p.size() < sizeof addr.sun_path);
  std::memcpy(addr.sun_path, p.c_str(), p.size() + 1);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  ::close(fd);
}

void set_age(const std::string& p, int seconds) {
  timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= seconds;
  times[1] = times[0];
  REQUIRE(::utimensat(AT_FDCWD, p.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0);
}

}  // namespace

TEST_CASE("save safety: each kind of target is replaced or refused with the path and the reason", "[checkpoint][save_safety]") {
  TempDir dir("theano_save_safety");
  const std::string d = dir.path.string();
  write_file(dir / "old.ckpt", "");
  save_arrays(dir / "old.ckpt", model(1));
  ::chmod((dir / "old.ckpt").c_str(), 0600);

  // A row: how to make the target, the path to save to, the message's first line ("" if it saves),
  // and what must hold of the target afterwards.
  struct Row {
    std::string name;
    std::function<void()> make;
    std::string path, error;
    std::function<void()> after;
  };
  bool root = ::geteuid() == 0;
  std::vector<Row> rows = {
      {"a missing file is created", [] {}, dir / "new.ckpt", "", [&] { CHECK(load_arrays(dir / "new.ckpt")[1].value.item() == 7); }},
      {"a regular file is replaced and keeps its permissions", [] {}, dir / "old.ckpt", "",
       [&] {
         CHECK(load_arrays(dir / "old.ckpt")[1].value.item() == 7);
         CHECK((fs::status(dir / "old.ckpt").permissions() & fs::perms::all) == (fs::perms::owner_read | fs::perms::owner_write));
       }},
      {"a directory is refused", [&] { fs::create_directory(dir / "adir"); write_file(dir / "adir/keep", "k"); }, dir / "adir",
       "save: " + dir / "adir" + ": is a directory, not a regular file: refusing to replace it",
       [&] { CHECK(read_file(dir / "adir/keep") == "k"); }},
      {"a fifo is refused without blocking", [&] { REQUIRE(::mkfifo((dir / "fifo").c_str(), 0644) == 0); }, dir / "fifo",
       "save: " + dir / "fifo" + ": is a fifo, not a regular file: refusing to replace it", [&] { CHECK(fs::is_fifo(dir / "fifo")); }},
      {"a socket is refused", [&] { make_socket(dir / "sock"); }, dir / "sock",
       "save: " + dir / "sock" + ": is a socket, not a regular file: refusing to replace it", [&] { CHECK(fs::is_socket(dir / "sock")); }},
      {"the /dev/null device is refused", [] {}, "/dev/null", "save: /dev/null: is a character device, not a regular file: refusing to replace it",
       [] {
         CHECK(is_char_device("/dev/null"));
         for (const auto& e : fs::directory_iterator("/dev")) CHECK(e.path().filename().string().rfind("null.tmp-", 0) != 0);
       }},
      {"a link to a regular file replaces the file and keeps the link", [&] { fs::create_symlink("old.ckpt", dir / "link"); }, dir / "link", "",
       [&] {
         CHECK(fs::is_symlink(dir / "link"));
         CHECK(fs::read_symlink(dir / "link") == "old.ckpt");
         CHECK(load_arrays(dir / "old.ckpt")[1].value.item() == 7);
       }},
      {"a dangling link creates its target", [&] { fs::create_symlink("made.ckpt", dir / "dangling"); }, dir / "dangling", "",
       [&] {
         CHECK(fs::is_symlink(dir / "dangling"));
         CHECK(load_arrays(dir / "made.ckpt")[1].value.item() == 7);
       }},
      {"a chain of relative links across directories replaces its end",
       [&] {
         fs::create_directory(dir / "sub");
         save_arrays(dir / "sub/end.ckpt", model(1));
         fs::create_symlink("sub/hop", dir / "chain");
         fs::create_symlink("end.ckpt", dir / "sub/hop");
       },
       dir / "chain", "",
       [&] {
         CHECK(fs::is_symlink(dir / "chain"));
         CHECK(fs::is_symlink(dir / "sub/hop"));
         CHECK(load_arrays(dir / "sub/end.ckpt")[1].value.item() == 7);
       }},
      {"a link to a directory is refused", [&] { fs::create_directory(dir / "bdir"); fs::create_symlink("bdir", dir / "ldir"); }, dir / "ldir",
       "save: " + dir / "ldir" + ": is a symbolic link to " + dir / "bdir" + ", which is a directory, not a regular file: refusing to replace it",
       [&] { CHECK(fs::is_directory(dir / "bdir")); }},
      {"a link to a device is refused", [&] { fs::create_symlink("/dev/null", dir / "lnull"); }, dir / "lnull",
       "save: " + dir / "lnull" + ": is a symbolic link to /dev/null, which is a character device, not a regular file: refusing to replace it",
       [&] {
         CHECK(fs::is_symlink(dir / "lnull"));
         CHECK(is_char_device("/dev/null"));
       }},
      {"a loop of links is refused", [&] { fs::create_symlink("loop2", dir / "loop1"); fs::create_symlink("loop1", dir / "loop2"); },
       dir / "loop1", "save: " + dir / "loop1" + ": too many levels of symbolic links", [] {}},
      {"a path ending with a slash is refused", [] {}, dir / "x.ckpt/",
       "save: " + dir / "x.ckpt/" + ": the path ends with '/': it names a directory, not a file", [] {}},
      {"an empty path is refused", [] {}, "", "save: : empty path", [] {}},
      {"a missing directory is an error", [] {}, dir / "nodir/m.ckpt",
       "save: " + dir / "nodir/m.ckpt" + ": cannot create a temporary file in '" + dir / "nodir" + "': No such file or directory", [] {}},
      {"a file used as a directory is an error", [] {}, dir / "old.ckpt/m.ckpt",
       "save: " + dir / "old.ckpt/m.ckpt" + ": Not a directory", [] {}},
  };
  // A device node of our own (as root, where the container allows mknod): the case that deleted it.
  if (root && ::mknod((dir / "dev").c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0)
    rows.push_back({"a device node is kept", [] {}, dir / "dev",
                    "save: " + dir / "dev" + ": is a character device, not a regular file: refusing to replace it",
                    [&] { CHECK(is_char_device(dir / "dev")); }});
  if (!root) {  // root writes anywhere
    fs::create_directory(dir / "ro");
    ::chmod((dir / "ro").c_str(), 0555);
    rows.push_back({"a read-only directory is an error", [] {}, dir / "ro/m.ckpt",
                    "save: " + dir / "ro/m.ckpt" + ": cannot create a temporary file in '" + dir / "ro" + "': Permission denied", [] {}});
  }

  int refused = 0;
  for (const Row& row : rows) {
    INFO(row.name);
    row.make();
    auto before = snapshot(dir.path);
    std::string problem = save_problem(row.path);
    CHECK(snapshot(dir.path) == before);  // the check changes nothing
    std::string got = error_of([&] { save_arrays(row.path, model(7)); });
    if (row.error.empty()) {
      CHECK(problem == "");
      CHECK(got == "<no exception>");
    } else {
      ++refused;
      CHECK(got.substr(0, got.find('\n')) == row.error);
      CHECK("save: " + row.path + ": " + problem == row.error);
      CHECK(snapshot(dir.path) == before);  // nothing written, replaced or left behind
      CHECK(read_file(dir / "old.ckpt").size() > 0);
    }
    row.after();
    for (const auto& [name, what] : snapshot(dir.path)) CHECK(name.find(".tmp-") == std::string::npos);
  }
  if (!root) ::chmod((dir / "ro").c_str(), 0755);
  WARN("save targets tried: " << rows.size() << ", refused: " << refused);
}

TEST_CASE("save safety: a refused or failed save leaves the existing checkpoint byte-identical", "[checkpoint][save_safety]") {
  TempDir dir("theano_save_safety");
  std::string p = dir / "m.ckpt";
  save_arrays(p, model(1));
  const std::string bytes = read_file(p);
  auto before = snapshot(dir.path);
  // an undefined array and a name too long: refused before anything is created
  CHECK_THAT(error_of([&] { save_arrays(p, {{"W", NDArray()}}); }), Catch::Matchers::StartsWith("save: " + p + ": array 'W' is an undefined NDArray (default-constructed: it holds no data)"));
  CHECK_THAT(error_of([&] { save_arrays(p, {{std::string(70000, 'n'), NDArray::scalar<int64_t>(1)}}); }),
             Catch::Matchers::StartsWith("save: " + p + ": a name is longer than"));
  // a link to the checkpoint swapped for a loop: refused, the file untouched
  fs::create_symlink("l2", dir / "l1");
  fs::create_symlink("l1", dir / "l2");
  before = snapshot(dir.path);
  CHECK(error_of([&] { save_arrays(dir / "l1", model(2)); }) == "save: " + dir / "l1" + ": too many levels of symbolic links");
  CHECK(snapshot(dir.path) == before);
  CHECK(read_file(p) == bytes);
}

TEST_CASE("save safety: the next save removes the temporaries of dead or earlier writers and only those", "[checkpoint][save_safety]") {
  TempDir dir("theano_save_safety");
  std::string p = dir / "m.ckpt";
  const std::string dead = "2147483646", self = std::to_string(::getpid()), parent = std::to_string(::getppid());
  // name -> (age in seconds, expected to be removed)
  struct Tmp {
    std::string name;
    int age;
    bool removed;
  };
  std::vector<Tmp> table = {
      {"m.ckpt.tmp-" + dead + "-a1B2c3", 0, true},      // its writer is dead: what a kill leaves
      {"m.ckpt.tmp-" + self + "-a1B2c3", 0, false},     // this process's: could be a save in progress
      {"m.ckpt.tmp-" + self + "-d4E5f6", 3600, true},   // this pid, but older than this process: an earlier one's
      {"m.ckpt.tmp-" + parent + "-a1B2c3", 0, false},   // a live writer's
      {"m.ckpt.tmp-" + parent + "-d4E5f6", 3600, true}, // a live pid, older than this process and unlocked: stale
      {"m.ckpt.tmp-Ab12Cd", 3600, true},                // the earlier form, older than this process
      {"m.ckpt.tmp-Ef34Gh", 0, false},                  // the earlier form, new: maybe an older build saving now
      {"other.ckpt.tmp-" + dead + "-a1B2c3", 0, false}, // another target's
      {"m.ckpt.tmp-notes", 3600, false},                // not a temporary's name
      {"m.ckpt.tmp-" + dead + "-abc", 3600, false},     // suffix of the wrong length
      {"m.ckpt.tmp--a1B2c3", 3600, false},              // no pid
      {"xm.ckpt.tmp-" + dead + "-a1B2c3", 0, false},    // a longer base name
  };
  for (const Tmp& t : table) {
    write_file(dir / t.name, "partial");
    if (t.age) set_age(dir / t.name, t.age);
  }
  // Locked (a writer still holds it) though its pid looks dead, e.g. in another pid namespace: kept.
  std::string locked = "m.ckpt.tmp-" + dead + "-L0ck3d";
  write_file(dir / locked, "partial");
  set_age(dir / locked, 3600);
  int lock_fd = ::open((dir / locked).c_str(), O_RDONLY);
  REQUIRE(lock_fd >= 0);
  REQUIRE(::flock(lock_fd, LOCK_EX) == 0);
  table.push_back({locked, 3600, false});
  // A directory and a symbolic link with a dead writer's name: not ours to remove.
  fs::create_directory(dir / ("m.ckpt.tmp-" + dead + "-D1r000"));
  fs::create_symlink("m.ckpt", dir / ("m.ckpt.tmp-" + dead + "-L1nk00"));
  table.push_back({"m.ckpt.tmp-" + dead + "-D1r000", 0, false});
  table.push_back({"m.ckpt.tmp-" + dead + "-L1nk00", 0, false});

  save_arrays(p, model(3));
  int removed = 0;
  for (const Tmp& t : table) {
    INFO(t.name);
    std::error_code ec;
    bool gone = !fs::exists(fs::symlink_status(dir / t.name, ec));
    CHECK(gone == t.removed);
    removed += gone;
  }
  ::close(lock_fd);
  CHECK(load_arrays(p)[1].value.item() == 3);
  // Saving a different target removes none of m.ckpt's.
  write_file(dir / ("m.ckpt.tmp-" + dead + "-z9Y8x7"), "partial");
  save_arrays(dir / "other.ckpt", model(4));
  CHECK(fs::exists(dir / ("m.ckpt.tmp-" + dead + "-z9Y8x7")));
  CHECK(!fs::exists(dir / ("other.ckpt.tmp-" + dead + "-a1B2c3")));
  WARN("stale-temporary cases: " << table.size() << ", removed: " << removed);
}

TEST_CASE("save safety: concurrent savers of one path all succeed and leave one whole checkpoint", "[checkpoint][save_safety]") {
  TempDir dir("theano_save_safety");
  std::string p = dir / "m.ckpt";
  std::atomic<int> failures{0};
  std::vector<std::thread> savers;
  for (int t = 0; t < 4; ++t)
    savers.emplace_back([&, t] {
      for (int k = 0; k < 25; ++k)
        if (error_of([&] { save_arrays(p, model(float(100 * t + k))); }) != "<no exception>") ++failures;
    });
  for (auto& s : savers) s.join();
  CHECK(failures == 0);
  auto got = load_arrays(p);
  int64_t v = int64_t(got[1].value.item());
  CHECK(got[0].value.item(5) == float(v) + 5);  // one saver's whole model, never a mix
  for (const auto& e : fs::directory_iterator(dir.path)) CHECK(e.path().filename() == "m.ckpt");
}

TEST_CASE("save safety: finite_only refuses NaN and Inf checkpoints before changing anything", "[checkpoint][save_safety]") {
  TempDir dir("theano_save_safety");
  std::string p = dir / "m.ckpt";
  // describe_non_finite: the first bad element's index and the counts; integers are always finite
  NDArray m = NDArray::zeros(DType::Float32, Dims{2, 4});
  CHECK(describe_non_finite(m) == "");
  m.set_item(3, std::nan(""));
  m.set_item(6, INFINITY);
  CHECK(describe_non_finite(m) == "NaN at index (0, 3) (1 NaN, 1 Inf)");
  NDArray v = NDArray::zeros(DType::Float64, Dims{5});
  v.set_item(4, -INFINITY);
  CHECK(describe_non_finite(v) == "-inf at index (4,) (0 NaN, 1 Inf)");
  CHECK(describe_non_finite(NDArray::scalar<double>(INFINITY)) == "inf at index () (0 NaN, 1 Inf)");
  CHECK(describe_non_finite(NDArray::scalar<int64_t>(int64_t(1) << 40)) == "");

  SharedVariable W = theano::shared(NDArray::zeros(DType::Float32, Dims{2, 4}), "W");
  SharedVariable b = theano::shared(NDArray::zeros(DType::Float64, Dims{5}), "b");
  save_arrays(p, {{"W", m}, {"b", NDArray::zeros(DType::Float64, Dims{5})}});  // save writes what it is given
  CHECK(error_of([&] { load(p, {W, b}, {.finite_only = true}); }) ==
        "load: " + p + ": entry 0 of 2 ('W') is not finite: NaN at index (0, 3) (1 NaN, 1 Inf)");
  CHECK(describe_non_finite(W.get_value()) == "");  // nothing changed
  CHECK(error_of([&] { load_arrays(p, {.finite_only = true}); }) ==
        "load: " + p + ": entry 0 of 2 ('W') is not finite: NaN at index (0, 3) (1 NaN, 1 Inf)");
  CHECK_NOTHROW(load(p, {W, b}));  // by default a NaN is a value like any other
  CHECK(std::isnan(W.get_value().item(3)));
}
