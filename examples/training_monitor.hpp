// How a long tutorial run reports itself, besides the tutorial's own lines:
//  - on a terminal (stdout is a tty) and without --no-progress, a progress line redrawn in place:
//    epoch, minibatch, images/s, elapsed and estimated remaining time. Piped or redirected, nothing
//    is added, so the output is exactly the tutorial's.
//  - --log FILE: a CSV row per validation (epoch,iteration,validation_error,test_error,seconds;
//    errors in %, test_error empty when the test set was not evaluated that time).
//  - --plot FILE.svg: the validation and test error against epoch, rewritten after each validation
//    so that an interrupted run still has its picture.
// A write error on either stops the run with the path and the reason (status 2 in the tutorials);
// tutorial_files.hpp checks both paths before any data is loaded.
// The flags are added by Flags::add_report_flags() (tutorial_flags.hpp).
#pragma once
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>
#include <string>
#include <sys/ioctl.h>
#include <unistd.h>

#include <utility>

#include <theano/plots.hpp>

namespace tutorial {

// What --no-progress, --log and --plot asked for.
struct ReportOptions {
  bool no_progress = false;
  std::string log_path, plot_path;
};
inline ReportOptions report;

// "1:02:03" or "2:03".
inline std::string clock_str(double seconds) {
  auto s = int64_t(std::max(0.0, seconds) + 0.5);
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

// --filters FILE.png: filters (K, ..., rows, columns) as a grid of about square shape, each filter
// scaled to black..white, 1 pixel apart, then every pixel made an 8x8 block so 5x5 filters show.
inline void write_filters(const std::string& path, const theano::NDArray& filters, std::pair<int, int> filter_shape) {
  int n = int(filters.shape(0));
  int columns = 1;
  while (columns * columns < n) ++columns;
  int rows = (n + columns - 1) / columns;
  auto tiles = theano::plots::tile_raster_images(filters, filter_shape, {rows, columns}, {1, 1});
  theano::plots::write_png(path, theano::plots::upscale(tiles, 8));
}

class TrainingMonitor {
 public:
  // title: the plot's title; the counts are the tutorial's, for the progress line's totals.
  TrainingMonitor(std::string title, int n_epochs, int n_train_batches, int batch_size)
      : title_(std::move(title)), n_epochs_(n_epochs), n_train_batches_(n_train_batches), batch_size_(batch_size),
        progress_(!report.no_progress && isatty(STDOUT_FILENO)), start_(Clock::now()), last_draw_(start_) {
    if (!report.log_path.empty()) {
      log_ = std::fopen(report.log_path.c_str(), "w");
      if (!log_) throw std::runtime_error(fmt::format("--log {}: cannot open for writing: {}", report.log_path, std::strerror(errno)));
      log_row("epoch,iteration,validation_error,test_error,seconds\n");
    }
    chart_.title = title_;
    chart_.x_label = "epoch";
    chart_.y_label = "error (%)";
    chart_.series = {{.label = "validation error"}, {.label = "test error of best model"}};
  }
  TrainingMonitor(const TrainingMonitor&) = delete;
  TrainingMonitor& operator=(const TrainingMonitor&) = delete;
  ~TrainingMonitor() {
    clear();
    if (log_) std::fclose(log_);  // finish() reports an error; here (an exception unwinding) there is a better one
  }

  // At the end of training: erases the progress line and closes --log, reporting a write error.
  void finish() {
    clear();
    if (!log_) return;
    std::FILE* f = std::exchange(log_, nullptr);
    if (std::fclose(f) != 0) throw std::runtime_error(fmt::format("--log {}: write error: {}", report.log_path, std::strerror(errno)));
  }

  // After each train_model call. iter is the tutorial's 0-based iteration; the run ends at the
  // latest after min(n_epochs * n_train_batches, patience + 1) iterations, which is what the
  // remaining time is estimated for (patience grows on a good validation, so can the estimate).
  void trained(int epoch, int minibatch_index, int iter, int patience) {
    if (!progress_) return;
    ++trained_;
    auto now = Clock::now();
    // A few redraws a second; the first after a quarter second, when the rate means something.
    if (now - last_draw_ < std::chrono::milliseconds(250)) return;
    last_draw_ = now;
    double elapsed = seconds(now);
    int64_t total = std::min<int64_t>(int64_t(n_epochs_) * n_train_batches_, int64_t(patience) + 1);
    int64_t left = std::max<int64_t>(0, total - (iter + 1));
    double per_iter = elapsed / double(trained_);
    std::string line = fmt::format("epoch {}/{}, minibatch {}/{}, {:.0f} images/s, elapsed {}, remaining {}", epoch, n_epochs_,
                                   minibatch_index + 1, n_train_batches_, double(trained_) * batch_size_ / std::max(elapsed, 1e-9),
                                   clock_str(elapsed), clock_str(per_iter * double(left)));
    // A line longer than the terminal would wrap, and \r would then redraw only its last row.
    winsize ws{};
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && line.size() > size_t(ws.ws_col - 1)) line.resize(ws.ws_col - 1);
    fmt::print("\r{}\033[K", line);
    std::fflush(stdout);
    drawn_ = true;
  }

  // Erases the progress line, so that the tutorial's next line starts on a clean line.
  void clear() {
    if (!drawn_) return;
    fmt::print("\r\033[K");
    std::fflush(stdout);
    drawn_ = false;
  }

  // After a validation (and the test it may have triggered): the CSV row and the plot's points.
  // Errors are fractions, as the tutorial computes them.
  void validated(int epoch, int iter, double validation_error, std::optional<double> test_error) {
    double t = seconds(Clock::now());
    if (log_)
      log_row(fmt::format("{},{},{:f},{},{:.3f}\n", epoch, iter + 1, validation_error * 100.,
                          test_error ? fmt::format("{:f}", *test_error * 100.) : std::string(), t));
    if (!report.plot_path.empty()) {
      double x = double(iter + 1) / n_train_batches_;  // epochs, fractional if validating mid-epoch
      chart_.series[0].points.push_back({x, validation_error * 100.});
      if (test_error) chart_.series[1].points.push_back({x, *test_error * 100.});
      theano::plots::write_svg(report.plot_path, chart_);
    }
  }

 private:
  using Clock = std::chrono::steady_clock;
  double seconds(Clock::time_point t) const { return std::chrono::duration<double>(t - start_).count(); }
  // Writes and flushes one line of --log: a full disk or a failing device stops the run, naming the file.
  void log_row(const std::string& row) {
    if (std::fputs(row.c_str(), log_) < 0 || std::fflush(log_) != 0 || std::ferror(log_))
      throw std::runtime_error(fmt::format("--log {}: write error: {}", report.log_path, std::strerror(errno)));
  }

  std::string title_;
  int n_epochs_, n_train_batches_, batch_size_;
  bool progress_, drawn_ = false;
  Clock::time_point start_, last_draw_;
  int64_t trained_ = 0;
  std::FILE* log_ = nullptr;
  theano::plots::Chart chart_;
};

}  // namespace tutorial
