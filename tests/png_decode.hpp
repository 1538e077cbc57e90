// A small PNG reader for the tests: checks the signature and every chunk's CRC, inflates the IDAT
// stream with zlib and undoes the five row filters. 8-bit gray, RGB and RGBA, no interlacing: what
// theano::plots writes and what rsvg-convert renders.
#pragma once
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include <zlib.h>

namespace test_png {

struct Image {
  uint32_t width = 0, height = 0;
  int channels = 0;             // 1 gray, 3 RGB, 4 RGBA
  std::vector<uint8_t> pixels;  // row-major, channels per pixel
  const uint8_t* at(uint32_t x, uint32_t y) const { return &pixels[(size_t(y) * width + x) * size_t(channels)]; }
};

inline uint32_t be32(const std::string& s, size_t at) {
  if (at + 4 > s.size()) throw std::runtime_error("png: truncated");
  return uint32_t(uint8_t(s[at])) << 24 | uint32_t(uint8_t(s[at + 1])) << 16 | uint32_t(uint8_t(s[at + 2])) << 8 | uint8_t(s[at + 3]);
}

inline Image decode(const std::string& png) {
  if (png.compare(0, 8, std::string("\x89PNG\r\n\x1a\n", 8)) != 0) throw std::runtime_error("png: bad signature");
  Image img;
  int color_type = -1;
  std::string idat;
  bool ended = false;
  for (size_t at = 8; !ended;) {
    uint32_t len = be32(png, at);
    if (at + 12 + size_t(len) > png.size()) throw std::runtime_error("png: chunk runs past the end");
    std::string type = png.substr(at + 4, 4), data = png.substr(at + 8, len);
    uint32_t crc = be32(png, at + 8 + len);
    uint32_t computed = uint32_t(crc32(0L, reinterpret_cast<const Bytef*>(png.data() + at + 4), uInt(len + 4)));
    if (crc != computed) throw std::runtime_error("png: CRC mismatch in chunk " + type);
    if (type == "IHDR") {
      img.width = be32(data, 0), img.height = be32(data, 4);
      if (data[8] != 8) throw std::runtime_error("png: only 8-bit images are read");
      color_type = uint8_t(data[9]);
      if (data[12] != 0) throw std::runtime_error("png: interlaced images are not read");
    } else if (type == "IDAT") {
      idat += data;
    } else if (type == "IEND") {
      ended = true;
      if (at + 12 != png.size()) throw std::runtime_error("png: bytes after IEND");
    }
    at += 12 + size_t(len);
  }
  img.channels = color_type == 0 ? 1 : color_type == 2 ? 3 : color_type == 6 ? 4 : color_type == 4 ? 2 : 0;
  if (!img.channels) throw std::runtime_error("png: unsupported color type " + std::to_string(color_type));
  size_t stride = size_t(img.width) * size_t(img.channels);
  std::vector<uint8_t> raw((stride + 1) * img.height);
  uLongf rawlen = uLongf(raw.size());
  if (uncompress(raw.data(), &rawlen, reinterpret_cast<const Bytef*>(idat.data()), uLong(idat.size())) != Z_OK || rawlen != raw.size())
    throw std::runtime_error("png: IDAT does not inflate to the image's size");
  img.pixels.resize(stride * img.height);
  const int bpp = img.channels;
  for (uint32_t y = 0; y < img.height; ++y) {
    uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* in = &raw[y * (stride + 1) + 1];
    uint8_t* out = &img.pixels[y * stride];
    const uint8_t* up = y ? &img.pixels[(y - 1) * stride] : nullptr;
    for (size_t i = 0; i < stride; ++i) {
      int a = i >= size_t(bpp) ? out[i - bpp] : 0, b = up ? up[i] : 0, c = (up && i >= size_t(bpp)) ? up[i - bpp] : 0;
      int pred = 0;
      switch (filter) {
        case 0: pred = 0; break;
        case 1: pred = a; break;
        case 2: pred = b; break;
        case 3: pred = (a + b) / 2; break;
        case 4: {
          int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw std::runtime_error("png: bad filter type " + std::to_string(filter));
      }
      out[i] = uint8_t(in[i] + pred);
    }
  }
  return img;
}

}  // namespace test_png
