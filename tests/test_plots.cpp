// theano::plots: the PNG is decoded back (signature, CRCs, zlib, pixels) and the SVG is checked as
// XML, then rendered by rsvg-convert (librsvg2-bin, installed by scripts/install_deps.sh) and the
// rendered PNG decoded: the curves' colours are where they should be.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <theano/plots.hpp>

#include "png_decode.hpp"

using namespace theano;
namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Well-formed XML in the subset an SVG writer uses: a prolog, one root element, properly nested
// tags, quoted attributes without '<', and only the predefined entities. Returns "" or the problem.
std::string xml_problem(const std::string& s) {
  std::vector<std::string> open;
  int roots = 0;
  auto entity_ok = [&](size_t at) {
    for (const char* e : {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"})
      if (s.compare(at, std::strlen(e), e) == 0) return true;
    return false;
  };
  for (size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      if (!entity_ok(i)) return "bad entity at " + std::to_string(i);
      ++i;
    } else if (s.compare(i, 2, "<?") == 0) {
      size_t e = s.find("?>", i);
      if (e == std::string::npos) return "unclosed <?";
      i = e + 2;
    } else if (s[i] == '<') {
      size_t e = i + 1;
      bool quoted = false;
      for (; e < s.size() && (quoted || s[e] != '>'); ++e) {
        if (s[e] == '"') quoted = !quoted;
        else if (quoted && s[e] == '<') return "'<' in an attribute at " + std::to_string(e);
        else if (s[e] == '&' && !entity_ok(e)) return "bad entity in a tag at " + std::to_string(e);
      }
      if (e >= s.size()) return "unclosed tag at " + std::to_string(i);
      std::string tag = s.substr(i + 1, e - i - 1);
      if (tag.empty()) return "empty tag";
      if (tag[0] == '/') {
        if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes " + (open.empty() ? "nothing" : open.back());
        open.pop_back();
      } else {
        std::string name = tag.substr(0, tag.find_first_of(" \t\n/"));
        if (open.empty() && ++roots > 1) return "a second root element <" + name + ">";
        if (tag.back() != '/') open.push_back(name);
      }
      i = e + 1;
    } else {
      if (open.empty() && !std::isspace(uint8_t(s[i]))) return "text outside the root at " + std::to_string(i);
      ++i;
    }
  }
  if (!open.empty()) return "<" + open.back() + "> is never closed";
  return roots == 1 ? "" : "no root element";
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("plots: tile_raster_images scales each tile to 0..255 with black spacing and the PNG decodes back", "[plots]") {
  // Three 2x3 images on a 2x2 grid: a ramp, a constant image, a negative ramp; the fourth cell is empty.
  std::vector<float> v = {0, 1, 2, 3, 4, 5, 7, 7, 7, 7, 7, 7, -1, -2, -3, -4, -5, -6};
  NDArray X = NDArray::from_vector(v, {3, 1, 2, 3});
  plots::GrayImage tiles = plots::tile_raster_images(X, {2, 3}, {2, 2}, {1, 1});
  REQUIRE(tiles.width == 7);   // (3 + 1) * 2 - 1
  REQUIRE(tiles.height == 5);  // (2 + 1) * 2 - 1
  const int ramp[6] = {0, 51, 102, 153, 204, 255};
  for (int k = 0; k < 6; ++k) {
    CHECK(int(tiles.at(k % 3, k / 3)) == ramp[k]);      // tile 0, top left
    CHECK(int(tiles.at(4 + k % 3, k / 3)) == 0);        // tile 1: constant, black
    CHECK(int(tiles.at(k % 3, 3 + k / 3)) == 255 - ramp[k]);  // tile 2: decreasing
    CHECK(int(tiles.at(4 + k % 3, 3 + k / 3)) == 0);    // no fourth image
  }
  for (int y = 0; y < 5; ++y) CHECK(int(tiles.at(3, y)) == 0);  // the spacing column
  for (int x = 0; x < 7; ++x) CHECK(int(tiles.at(x, 2)) == 0);  // the spacing row

  plots::GrayImage big = plots::upscale(tiles, 3);
  REQUIRE(big.width == 21);
  REQUIRE(big.height == 15);
  fs::path path = fs::temp_directory_path() / "theano_plots_test.png";
  plots::write_png(path.string(), big);
  test_png::Image back = test_png::decode(read_bytes(path));
  fs::remove(path);
  REQUIRE(back.width == 21);
  REQUIRE(back.height == 15);
  REQUIRE(back.channels == 1);
  for (uint32_t y = 0; y < 15; ++y)
    for (uint32_t x = 0; x < 21; ++x) {
      INFO("pixel (" << x << ", " << y << ")");
      REQUIRE(*back.at(x, y) == tiles.at(x / 3, y / 3));
    }
}

TEST_CASE("plots: tile_raster_images truncates in the array precision as utils.py does", "[plots]") {
  // utils.py: (x - min) * (1 / (max + 1e-8)) * 255 stored into uint8, which truncates. For {0, 1, 2}
  // the float32 scale rounds to exactly 0.5 (127.5 -> 127, 255 -> 255); in float64 it stays below
  // 0.5, so even the maximum truncates to 254. Rounding to nearest would give 128 and 255.
  NDArray x32 = NDArray::from_vector(std::vector<float>{0, 1, 2}, {1, 3});
  plots::GrayImage a = plots::tile_raster_images(x32, {1, 3}, {1, 1});
  CHECK(std::vector<int>(a.pixels.begin(), a.pixels.end()) == std::vector<int>{0, 127, 255});
  NDArray x64 = NDArray::from_vector(std::vector<double>{0, 1, 2}, {1, 3});
  plots::GrayImage b = plots::tile_raster_images(x64, {1, 3}, {1, 1});
  CHECK(std::vector<int>(b.pixels.begin(), b.pixels.end()) == std::vector<int>{0, 127, 254});
  // The default spacing is utils.py's (0, 0); NaN becomes black instead of an undefined conversion.
  NDArray two = NDArray::from_vector(std::vector<float>{0, 1, std::nanf(""), 1}, {2, 2});
  plots::GrayImage c = plots::tile_raster_images(two, {1, 2}, {1, 2});
  REQUIRE(c.width == 4);
  CHECK(std::vector<int>(c.pixels.begin(), c.pixels.end()) == std::vector<int>{0, 255, 0, 0});
}

TEST_CASE("plots: bad shapes and unwritable paths are errors that name them", "[plots]") {
  NDArray X = NDArray::zeros(DType::Float32, {4, 1, 5, 5});
  CHECK_THROWS_WITH(plots::tile_raster_images(X, {4, 4}, {2, 2}),
                    "tile_raster_images: each image of X (4, 1, 5, 5) has 25 values, img_shape (4, 4) needs 16");
  CHECK_THROWS_WITH(plots::upscale(plots::GrayImage{1, 1, {0}}, 0), "upscale: factor must be at least 1, got 0");
  CHECK_THROWS_WITH(plots::write_png("/nonexistent-dir/f.png", plots::GrayImage{1, 1, {0}}),
                    "write_png: /nonexistent-dir/f.png: cannot open for writing: No such file or directory");
  CHECK_THROWS_WITH(plots::write_svg("/nonexistent-dir/c.svg", plots::Chart{}),
                    "write_svg: /nonexistent-dir/c.svg: cannot open for writing: No such file or directory");
}

TEST_CASE("plots: the training curve SVG is well-formed XML with axes and ticks and labels and a legend", "[plots]") {
  plots::Chart chart{.title = "errors <train & test>", .x_label = "epoch", .y_label = "error (%)"};
  chart.series.push_back({.label = "validation", .points = {{1, 9.23}, {2, 4.91}, {3, 3.51}, {4, 2.84}}});
  chart.series.push_back({.label = "test", .points = {{1, 9.52}, {2, 5.14}, {4, 2.97}}});
  std::string svg = plots::svg_str(chart);
  INFO(svg);
  CHECK(xml_problem(svg) == "");
  CHECK(svg.find("errors &lt;train &amp; test&gt;") != std::string::npos);
  CHECK(count(svg, "<polyline") == 2);
  CHECK(count(svg, "<circle") == 7);
  CHECK(svg.find(">epoch</text>") != std::string::npos);
  CHECK(svg.find(">error (%)</text>") != std::string::npos);
  CHECK(svg.find(">validation</text>") != std::string::npos);  // the legend
  CHECK(svg.find(">test</text>") != std::string::npos);
  for (const char* tick : {">0</text>", ">2</text>", ">4</text>", ">10</text>"}) CHECK(svg.find(tick) != std::string::npos);
  // The checker itself rejects what it should.
  CHECK(xml_problem("<svg><g></svg>") != "");
  CHECK(xml_problem("<svg>a & b</svg>") != "");
  CHECK(xml_problem("<svg/><svg/>") != "");

  if (std::system("command -v rsvg-convert > /dev/null 2>&1") != 0) {
    WARN("rsvg-convert not installed (Debian: librsvg2-bin): the SVG was checked as XML only, not rendered");
    return;
  }
  fs::path svg_path = fs::temp_directory_path() / "theano_plots_test.svg", png_path = fs::temp_directory_path() / "theano_plots_test_svg.png";
  plots::write_svg(svg_path.string(), chart);
  std::string cmd = "rsvg-convert -f png -o '" + png_path.string() + "' '" + svg_path.string() + "'";
  REQUIRE(std::system(cmd.c_str()) == 0);
  test_png::Image img = test_png::decode(read_bytes(png_path));
  fs::remove(svg_path);
  fs::remove(png_path);
  CHECK(img.width == 720);
  CHECK(img.height == 440);
  // Both curves' colours appear (the palette's first two), and the background is white.
  auto has_colour = [&](int r, int g, int b) {
    for (uint32_t y = 0; y < img.height; ++y)
      for (uint32_t x = 0; x < img.width; ++x) {
        const uint8_t* p = img.at(x, y);
        if (std::abs(p[0] - r) < 8 && std::abs(p[1] - g) < 8 && std::abs(p[2] - b) < 8) return true;
      }
    return false;
  };
  CHECK(has_colour(0x00, 0x72, 0xB2));
  CHECK(has_colour(0xD5, 0x5E, 0x00));
  const uint8_t* corner = img.at(2, 2);
  CHECK((corner[0] == 255 && corner[1] == 255 && corner[2] == 255));
}
