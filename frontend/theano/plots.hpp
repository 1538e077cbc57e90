// Pictures of a training run, written by our own code: a line chart as a standalone SVG (the
// tutorials' --plot: validation and test error against epoch) and grayscale PNGs (zlib-compressed,
// as the tutorials' utils.tile_raster_images + PIL save the learned filters: --filters).
//
//   #include <theano/plots.hpp>
//
//   theano::plots::Chart chart{.title = "LeNet5", .x_label = "epoch", .y_label = "error (%)"};
//   chart.series.push_back({.label = "validation", .points = {{1, 9.23}, {2, 4.91}}});
//   theano::plots::write_svg("curve.svg", chart);
//   auto W = theano::shared(theano::numpy::zeros({20, 1, 5, 5}, theano::config().floatX), "W");
//   auto image = theano::plots::tile_raster_images(W.get_value(), {5, 5}, {4, 5});  // 4 rows of 5
//   theano::plots::write_png("filters.png", theano::plots::upscale(image, 8));
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/ndarray.hpp"

namespace theano::plots {

struct Series {
  std::string label;
  std::vector<std::pair<double, double>> points;  // (x, y), drawn in this order
  std::string color;                              // empty: the next of a fixed palette
};

struct Chart {
  std::string title, x_label, y_label;
  std::vector<Series> series;
  int width = 720, height = 440;  // pixels
};

// The chart as SVG text: axes with ticks at round numbers, grid lines, a polyline with markers per
// series and a legend. Empty series are listed in the legend but draw nothing.
std::string svg_str(const Chart& chart);
// Writes svg_str(chart) to path; throws std::runtime_error("write_svg: <path>: ...") on failure.
void write_svg(const std::string& path, const Chart& chart);

// An 8-bit grayscale image, rows top to bottom.
struct GrayImage {
  int64_t width = 0, height = 0;
  std::vector<uint8_t> pixels;  // width * height
  uint8_t at(int64_t x, int64_t y) const { return pixels[size_t(y * width + x)]; }
};

// utils.tile_raster_images (DeepLearningTutorials' utils.py, its default scale_rows_to_unit_interval
// and output_pixel_vals): lays out the first tile_shape.first * tile_shape.second rows of X as images
// of img_shape (rows, columns) on a grid of tile_shape (rows, columns), tile_spacing black pixels
// apart. Each image is scaled on its own as utils.py does, in X's precision (float32 or float64):
// (x - min) * (1 / (max - min + 1e-8)) * 255, truncated to 0..255 (a constant image is black). X holds
// one image per row: any array whose first dimension counts the images and whose other dimensions
// hold rows * columns values (e.g. conv filters (K, 1, 5, 5), or a dA's W.T: (n_hidden, 784)).
GrayImage tile_raster_images(const NDArray& X, std::pair<int, int> img_shape, std::pair<int, int> tile_shape,
                             std::pair<int, int> tile_spacing = {0, 0});
// Each pixel becomes a factor x factor block, so that 5x5 filters are big enough to see.
GrayImage upscale(const GrayImage& image, int factor);

// The image as PNG bytes (IHDR, one zlib IDAT, IEND; no filtering, 8-bit gray).
std::string png_str(const GrayImage& image);
// Writes png_str(image) to path; throws std::runtime_error("write_png: <path>: ...") on failure.
void write_png(const std::string& path, const GrayImage& image);

}  // namespace theano::plots
