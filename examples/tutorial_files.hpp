// The files a tutorial run reads and writes, checked before any data is loaded, so that a bad path
// costs nothing instead of failing after the first epoch, and the checks that need the data:
//  - check_writable: an output (--log, --plot, --filters, --dot's files) can be written; a file that
//    does not exist yet is probed by creating and removing a temporary next to it, so that nothing
//    is left behind when the run stops early;
//  - check_save: --save can be replaced by theano::save (theano::save_problem: a regular file or a
//    new one, in a directory where a temporary can be created);
//  - check_model: --resume (and the model --predict reads) is a readable checkpoint whose values are
//    all finite: a NaN model would go on training or predicting silently;
//  - check_outputs: all of the above for one run, and no two flags naming the same file;
//  - check_minibatches: after loading, every split holds at least one minibatch (or the tutorial
//    would divide by zero or print a NaN error) and the iterations fit the tutorials' int counters;
//  - save_best_model: the tutorial's "save the best model", refusing a model that is not finite.
// Every message starts with the flag and the path ("--save /p: ...") or names the flag's value.
#pragma once
#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <theano/theano.hpp>

#include "training_monitor.hpp"

namespace tutorial {

// --dot PREFIX: where write_graphs() (tutorial_flags.hpp) puts the compiled graphs (empty: no pictures).
inline std::string dot_prefix;

// Fails, naming the flag, if path cannot be written: not after hours of training. Changes nothing:
// an existing file is opened without truncation and closed; for a new one a probe file is created
// in its directory and removed at once. Devices and fifos (e.g. --log /dev/stdout) are allowed.
inline void check_writable(const std::string& flag, const std::string& path) {
  if (path.empty()) return;
  auto fail = [&](int err) {
    throw std::runtime_error(fmt::format("--{} {}: cannot open for writing: {}", flag, path, std::strerror(err)));
  };
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) fail(EISDIR);
    int fd = ::open(path.c_str(), O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0 && !(errno == ENXIO && S_ISFIFO(st.st_mode))) fail(errno);  // a fifo without a reader yet
    if (fd >= 0) ::close(fd);
    return;
  }
  if (errno != ENOENT) fail(errno);
  // Not there yet, or a dangling symbolic link: the file will be created where the link leads.
  std::filesystem::path target = path;
  std::error_code ec;
  for (int hops = 0; hops < 40 && std::filesystem::is_symlink(std::filesystem::symlink_status(target, ec)); ++hops) {
    std::filesystem::path to = std::filesystem::read_symlink(target, ec);
    if (ec) break;
    target = to.is_absolute() ? to : target.parent_path() / to;
  }
  std::string dir = target.parent_path().empty() ? "." : target.parent_path().string();
  std::string probe = dir + "/.theano-cpp-probe-XXXXXX";
  int fd = ::mkstemp(probe.data());
  if (fd < 0) fail(errno);
  ::unlink(probe.c_str());
  ::close(fd);
}

// --save PATH: theano::save could replace it (see theano::save_problem).
inline void check_save(const std::string& flag, const std::string& path) {
  if (path.empty()) return;
  std::string problem = theano::save_problem(path);
  if (!problem.empty()) throw std::runtime_error(fmt::format("--{} {}: {}", flag, path, problem));
}

// --resume PATH (or the model --predict reads): a valid checkpoint holding only finite values.
inline void check_model(const std::string& flag, const std::string& path) {
  if (path.empty()) return;
  try {
    theano::load_arrays(path, {.finite_only = true});
  } catch (const std::runtime_error& e) {
    std::string msg = e.what(), prefix = "load: " + path + ": ";
    if (msg.rfind(prefix, 0) == 0) msg = msg.substr(prefix.size());
    throw std::runtime_error(fmt::format("--{} {}: {}", flag, path, msg));
  }
}

// Every file a training run writes: --save (empty: none), --log, --plot, --dot PREFIX's four files
// and `more` ({flag, path}, e.g. {"filters", path}). Two flags naming one file are refused: each
// would overwrite what the other wrote.
inline void check_outputs(const std::string& save_path, std::vector<std::pair<std::string, std::string>> more = {}) {
  std::vector<std::pair<std::string, std::string>> outputs = {{"save", save_path}, {"log", report.log_path}, {"plot", report.plot_path}};
  outputs.insert(outputs.end(), more.begin(), more.end());
  if (!dot_prefix.empty())
    for (const char* function : {"train", "validate"})
      for (const char* ext : {".dot", ".svg"}) outputs.push_back({"dot", dot_prefix + "_" + function + ext});
  auto canonical = [](const std::string& p) {
    std::error_code ec;
    auto c = std::filesystem::weakly_canonical(p, ec);
    return ec ? std::filesystem::absolute(p, ec).lexically_normal() : c;
  };
  for (size_t i = 0; i < outputs.size(); ++i)
    for (size_t j = i + 1; j < outputs.size(); ++j)
      if (!outputs[i].second.empty() && !outputs[j].second.empty() && canonical(outputs[i].second) == canonical(outputs[j].second))
        throw std::invalid_argument(fmt::format("--{} {} and --{} {} name the same file", outputs[i].first, outputs[i].second,
                                                outputs[j].first, outputs[j].second));
  for (const auto& [flag, path] : outputs) {
    if (flag == "save") check_save(flag, path);
    else check_writable(flag, path);
  }
}

// --output_folder DIR (dA, cA: os.makedirs + chdir in Python): a missing folder is created only after
// every check passed, so here its nearest existing ancestor must be a writable directory; in an
// existing folder, each of `files` must be writable.
inline void check_output_folder(const std::string& folder, const std::vector<std::string>& files) {
  if (folder.empty()) throw std::invalid_argument("--output_folder: empty; it must name a folder");
  std::error_code ec;
  std::filesystem::path existing = folder;
  while (!existing.empty() && !std::filesystem::exists(existing, ec)) existing = existing.parent_path();
  if (existing.empty()) existing = ".";
  if (!std::filesystem::is_directory(existing, ec))
    throw std::invalid_argument(fmt::format("--output_folder {}: {} is not a directory", folder, existing.string()));
  if (existing != std::filesystem::path(folder)) {
    std::string probe = (existing / ".theano-cpp-probe-XXXXXX").string();
    int fd = ::mkstemp(probe.data());
    if (fd < 0) throw std::runtime_error(fmt::format("--output_folder {}: cannot create it in {}: {}", folder, existing.string(), std::strerror(errno)));
    ::unlink(probe.c_str());
    ::close(fd);
    return;
  }
  std::vector<std::pair<std::string, std::string>> outputs;
  for (const std::string& file : files) outputs.push_back({"output_folder", folder + "/" + file});
  check_outputs("", outputs);
}

// After load_data: each split ({name, its x}) holds at least one minibatch, and n_epochs times the
// training minibatches stays below what the tutorials' int iteration counters (doubled by the
// patience rule) can hold.
inline void check_minibatches(const std::string& dataset, int batch_size, int n_epochs,
                              const std::vector<std::pair<std::string, theano::SharedVariable>>& splits) {
  int64_t n_train_batches = 0;
  for (const auto& [name, x] : splits) {
    int64_t n = x.get_value(/*borrow=*/true).shape(0);
    if (n == 0) throw std::runtime_error(fmt::format("--dataset {}: the {} set is empty (0 examples)", dataset, name));
    if (n < batch_size)
      throw std::invalid_argument(fmt::format("--batch_size {} is larger than the {} set ({} examples): it would have no minibatch",
                                              batch_size, name, n));
    if (name == "training") n_train_batches = n / batch_size;
  }
  int64_t iterations = int64_t(n_epochs) * n_train_batches;
  if (iterations > INT_MAX / 2)
    throw std::invalid_argument(fmt::format("--n_epochs {} of {} minibatches is {} iterations, more than the {} the tutorial counts", n_epochs,
                                            n_train_batches, iterations, INT_MAX / 2));
}

// The tutorial's "save the best model". A parameter holding a NaN or an infinity means training
// diverged: such a model is refused (nothing is written, the previous best stays) and the run stops.
inline void save_best_model(const std::string& path, const std::vector<theano::Var>& params) {
  for (const theano::Var& p : params) {
    std::string what = theano::describe_non_finite(theano::SharedVariable(p).get_value(/*borrow=*/true));
    if (!what.empty())
      throw std::runtime_error(fmt::format("training diverged: parameter '{}' is not finite: {}; the model was not saved to {} (try a "
                                           "smaller --learning_rate)", p.name(), what, path));
  }
  theano::save(path, params);
}

}  // namespace tutorial
