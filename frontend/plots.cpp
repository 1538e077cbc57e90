// theano::plots: SVG line charts and grayscale PNGs (frontend/theano/plots.hpp).
#include "frontend/theano/plots.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <stdexcept>

#include <zlib.h>

namespace theano::plots {

namespace {

// Colours that stay apart for the colour-blind (Okabe-Ito).
const char* const kPalette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"};

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Round tick positions covering [lo, hi]: steps of 1, 2 or 5 times a power of ten, about n of them.
struct Ticks {
  double lo, hi, step;
};
Ticks nice_ticks(double lo, double hi, int n) {
  if (!(hi > lo)) hi = lo + 1;
  double raw = (hi - lo) / n;
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * mag >= raw) {
      step = m * mag;
      break;
    }
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step, step};
}

// A tick label without trailing zeros: 0.5, 2, 1e-05 stays readable.
std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-9) v = 0;
  int decimals = std::max(0, int(-std::floor(std::log10(step) + 1e-9)));
  return fmt::format("{:.{}f}", v, decimals);
}

void write_file(const std::string& who, const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error(fmt::format("{}: {}: cannot open for writing: {}", who, path, std::strerror(errno)));
  out.write(bytes.data(), std::streamsize(bytes.size()));
  out.close();
  if (!out) throw std::runtime_error(fmt::format("{}: {}: write failed: {}", who, path, std::strerror(errno)));
}

void put_u32(std::string& s, uint32_t v) {
  for (int shift : {24, 16, 8, 0}) s += char((v >> shift) & 0xff);
}

// One PNG chunk: length, type, data, CRC-32 of type and data.
void put_chunk(std::string& png, const char type[4], const std::string& data) {
  put_u32(png, uint32_t(data.size()));
  std::string body = std::string(type, 4) + data;
  png += body;
  put_u32(png, uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(body.data()), uInt(body.size()))));
}

}  // namespace

std::string svg_str(const Chart& chart) {
  const double W = chart.width, H = chart.height;
  const double left = 70, right = 20, top = chart.title.empty() ? 20 : 44, bottom = 56;
  const double pw = W - left - right, ph = H - top - bottom;

  double xmin = std::numeric_limits<double>::infinity(), xmax = -xmin, ymin = xmin, ymax = -xmin;
  for (const Series& s : chart.series)
    for (auto [x, y] : s.points) {
      xmin = std::min(xmin, x), xmax = std::max(xmax, x);
      ymin = std::min(ymin, y), ymax = std::max(ymax, y);
    }
  if (!std::isfinite(xmin)) xmin = 0, xmax = 1, ymin = 0, ymax = 1;
  // Errors and similar quantities read best from zero.
  Ticks xt = nice_ticks(std::min(xmin, 0.0), xmax, 8);
  Ticks yt = nice_ticks(std::min(ymin, 0.0), ymax, 6);
  auto px = [&](double x) { return left + (x - xt.lo) / (xt.hi - xt.lo) * pw; };
  auto py = [&](double y) { return top + ph - (y - yt.lo) / (yt.hi - yt.lo) * ph; };

  std::string s = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" viewBox=\"0 0 {0} {1}\" "
      "font-family=\"sans-serif\" font-size=\"12\">\n"
      "<rect width=\"{0}\" height=\"{1}\" fill=\"white\"/>\n",
      W, H);
  if (!chart.title.empty())
    s += fmt::format("<text x=\"{}\" y=\"26\" text-anchor=\"middle\" font-size=\"15\">{}</text>\n", left + pw / 2, xml_escape(chart.title));

  // Grid and ticks.
  s += "<g stroke=\"#dddddd\" stroke-width=\"1\">\n";
  for (double v = xt.lo; v <= xt.hi + xt.step * 1e-9; v += xt.step)
    s += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{0:.2f}\" y2=\"{2:.2f}\"/>\n", px(v), top, top + ph);
  for (double v = yt.lo; v <= yt.hi + yt.step * 1e-9; v += yt.step)
    s += fmt::format("<line x1=\"{0:.2f}\" y1=\"{1:.2f}\" x2=\"{2:.2f}\" y2=\"{1:.2f}\"/>\n", left, py(v), left + pw);
  s += "</g>\n<g text-anchor=\"middle\">\n";
  for (double v = xt.lo; v <= xt.hi + xt.step * 1e-9; v += xt.step)
    s += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n", px(v), top + ph + 18, tick_label(v, xt.step));
  s += "</g>\n<g text-anchor=\"end\">\n";
  for (double v = yt.lo; v <= yt.hi + yt.step * 1e-9; v += yt.step)
    s += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n", left - 8, py(v) + 4, tick_label(v, yt.step));
  s += "</g>\n";
  // Axes and their labels.
  s += fmt::format("<path d=\"M{0:.2f} {1:.2f} V{2:.2f} H{3:.2f}\" fill=\"none\" stroke=\"black\"/>\n", left, top, top + ph, left + pw);
  s += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\" text-anchor=\"middle\">{}</text>\n", left + pw / 2, H - 14, xml_escape(chart.x_label));
  s += fmt::format("<text transform=\"translate(18 {:.2f}) rotate(-90)\" text-anchor=\"middle\">{}</text>\n", top + ph / 2,
                   xml_escape(chart.y_label));

  // The series, then the legend (top right, over the plot).
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const Series& ser = chart.series[i];
    std::string color = ser.color.empty() ? kPalette[i % std::size(kPalette)] : ser.color;
    if (ser.points.empty()) continue;
    std::string pts;
    for (auto [x, y] : ser.points) pts += fmt::format("{}{:.2f},{:.2f}", pts.empty() ? "" : " ", px(x), py(y));
    s += fmt::format("<g class=\"series\" fill=\"{0}\" stroke=\"{0}\">\n<title>{1}</title>\n", xml_escape(color), xml_escape(ser.label));
    s += fmt::format("<polyline points=\"{}\" fill=\"none\" stroke-width=\"2\"/>\n", pts);
    for (auto [x, y] : ser.points) s += fmt::format("<circle cx=\"{:.2f}\" cy=\"{:.2f}\" r=\"3\"/>\n", px(x), py(y));
    s += "</g>\n";
  }
  // About 7 pixels per character of the 12-pixel font sizes the legend's box.
  size_t longest = 0;
  for (const Series& ser : chart.series) longest = std::max(longest, ser.label.size());
  double lw = 48 + 7 * double(longest), lx = left + pw - lw - 10, ly = top + 10;
  s += fmt::format("<rect x=\"{:.2f}\" y=\"{:.2f}\" width=\"{:.2f}\" height=\"{}\" fill=\"white\" stroke=\"#999999\"/>\n", lx, ly,
                   lw, 8 + 18 * chart.series.size());
  for (size_t i = 0; i < chart.series.size(); ++i) {
    const Series& ser = chart.series[i];
    std::string color = ser.color.empty() ? kPalette[i % std::size(kPalette)] : ser.color;
    double y = ly + 16 + 18 * double(i);
    s += fmt::format("<line x1=\"{:.2f}\" y1=\"{:.2f}\" x2=\"{:.2f}\" y2=\"{:.2f}\" stroke=\"{}\" stroke-width=\"2\"/>\n", lx + 8, y - 4,
                     lx + 30, y - 4, xml_escape(color));
    s += fmt::format("<text x=\"{:.2f}\" y=\"{:.2f}\">{}</text>\n", lx + 38, y, xml_escape(ser.label));
  }
  s += "</svg>\n";
  return s;
}

void write_svg(const std::string& path, const Chart& chart) { write_file("write_svg", path, svg_str(chart)); }

namespace {

// utils.py's scale_to_unit_interval and the uint8 store, in X's precision as numpy computes them
// for a float32 or float64 array: x - min, times (1 / (max + 1e-8)) rounded to that precision, times
// 255, truncated. Tile t goes to the image's rows r0.. and columns c0..
template <typename F>
void place_tile(const NDArray& X, int64_t t, int64_t per, int64_t iw, int64_t r0, int64_t c0, GrayImage& out) {
  std::vector<F> v(static_cast<size_t>(per));
  for (int64_t k = 0; k < per; ++k) v[size_t(k)] = F(X.item(t * per + k));
  F lo = *std::min_element(v.begin(), v.end());
  for (F& x : v) x -= lo;
  const F scale = F(1.0 / (double(*std::max_element(v.begin(), v.end())) + 1e-8));
  for (int64_t k = 0; k < per; ++k) {
    F pixel = v[size_t(k)] * scale * F(255);
    // NaN or infinite values (numpy's cast gives 0) must not reach the float-to-uint8 conversion.
    out.pixels[size_t((r0 + k / iw) * out.width + c0 + k % iw)] = pixel >= F(0) && pixel < F(256) ? uint8_t(pixel) : 0;
  }
}

}  // namespace

GrayImage tile_raster_images(const NDArray& X, std::pair<int, int> img_shape, std::pair<int, int> tile_shape,
                             std::pair<int, int> tile_spacing) {
  auto [ih, iw] = img_shape;
  auto [th, tw] = tile_shape;
  auto [sh, sw] = tile_spacing;
  if (ih <= 0 || iw <= 0 || th <= 0 || tw <= 0 || sh < 0 || sw < 0)
    throw std::invalid_argument(fmt::format("tile_raster_images: img_shape ({}, {}), tile_shape ({}, {}) must be positive and "
                                            "tile_spacing ({}, {}) not negative",
                                            ih, iw, th, tw, sh, sw));
  if (!X.defined()) throw std::invalid_argument("tile_raster_images: X is an undefined NDArray (default-constructed: it holds no data)");
  if (X.ndim() < 1) throw std::invalid_argument("tile_raster_images: X must hold one image per row, got a 0-d array");
  int64_t n = X.shape(0), per = n ? X.size() / n : 0;
  if (per != int64_t(ih) * iw)
    throw std::invalid_argument(fmt::format("tile_raster_images: each image of X {} has {} values, img_shape ({}, {}) needs {}", X.shape().str(),
                                            per, ih, iw, int64_t(ih) * iw));
  GrayImage out;
  out.height = int64_t(ih + sh) * th - sh;
  out.width = int64_t(iw + sw) * tw - sw;
  out.pixels.assign(size_t(out.width * out.height), 0);
  const int64_t shown = std::min<int64_t>(n, int64_t(th) * tw);
  if (X.dtype() == DType::Float32)
    for (int64_t t = 0; t < shown; ++t) place_tile<float>(X, t, per, iw, (t / tw) * (ih + sh), (t % tw) * (iw + sw), out);
  else
    for (int64_t t = 0; t < shown; ++t) place_tile<double>(X, t, per, iw, (t / tw) * (ih + sh), (t % tw) * (iw + sw), out);
  return out;
}

GrayImage upscale(const GrayImage& image, int factor) {
  if (factor < 1) throw std::invalid_argument(fmt::format("upscale: factor must be at least 1, got {}", factor));
  GrayImage out{image.width * factor, image.height * factor, {}};
  out.pixels.resize(size_t(out.width * out.height));
  for (int64_t y = 0; y < out.height; ++y)
    for (int64_t x = 0; x < out.width; ++x) out.pixels[size_t(y * out.width + x)] = image.at(x / factor, y / factor);
  return out;
}

std::string png_str(const GrayImage& image) {
  if (image.width <= 0 || image.height <= 0 || image.width > 0x7fffffff || image.height > 0x7fffffff ||
      image.pixels.size() != size_t(image.width * image.height))
    throw std::invalid_argument(fmt::format("png_str: a {}x{} image needs {} pixels, got {}", image.width, image.height,
                                            image.width * image.height, image.pixels.size()));
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr;
  put_u32(ihdr, uint32_t(image.width));
  put_u32(ihdr, uint32_t(image.height));
  ihdr += std::string("\x08\x00\x00\x00\x00", 5);  // 8-bit, grayscale, deflate, no filtering method, no interlace
  put_chunk(png, "IHDR", ihdr);

  // Each row starts with its filter type, 0 (none).
  std::string raw;
  raw.reserve(size_t((image.width + 1) * image.height));
  for (int64_t y = 0; y < image.height; ++y) {
    raw += '\0';
    raw.append(reinterpret_cast<const char*>(&image.pixels[size_t(y * image.width)]), size_t(image.width));
  }
  uLongf zlen = compressBound(uLong(raw.size()));
  std::string idat(zlen, '\0');
  if (compress2(reinterpret_cast<Bytef*>(idat.data()), &zlen, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 9) != Z_OK)
    throw std::runtime_error("png_str: zlib compress2 failed");
  idat.resize(zlen);
  put_chunk(png, "IDAT", idat);
  put_chunk(png, "IEND", "");
  return png;
}

void write_png(const std::string& path, const GrayImage& image) { write_file("write_png", path, png_str(image)); }

}  // namespace theano::plots
