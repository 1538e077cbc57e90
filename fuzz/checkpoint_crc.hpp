// Rewrites the CRC32 fields of a checkpoint (frontend/theano/checkpoint.hpp, version 1) so they
// match the bytes they cover, walking the layout as far as the bytes allow. A fuzzer's mutation
// almost always breaks a CRC, and the reader stops at the first one; fuzz_checkpoint therefore
// reads each input twice, as is and with its CRCs fixed, to reach the checks behind them.
// Shared with tests/test_fuzz_regressions.cpp, which replays fuzz_checkpoint's findings.
#pragma once
#include <zlib.h>

#include <cstdint>
#include <string>

namespace fuzz {

inline std::string fix_checkpoint_crcs(std::string b) {
  auto crc = [&](size_t from, size_t to) { return uint32_t(crc32_z(0, reinterpret_cast<const Bytef*>(b.data() + from), to - from)); };
  auto put32 = [&](size_t at, uint32_t v) { for (int i = 0; i < 4; ++i) b[at + i] = char(v >> (8 * i)); };
  auto get = [&](size_t at, int n) { uint64_t v = 0; for (int i = 0; i < n; ++i) v |= uint64_t(uint8_t(b[at + i])) << (8 * i); return v; };
  // header: magic(6) version(2) count(4) | crc(4)
  if (b.size() < 16) return b;
  put32(12, crc(0, 12));
  // entries: name_len(4) name code(1) ndim(1) dims(8*ndim) payload_len(8) payload | crc(4)
  size_t pos = 16;
  while (b.size() - pos >= 4) {
    size_t start = pos;
    uint64_t name_len = get(pos, 4);
    if (name_len > b.size() - pos - 4 || b.size() - pos - 4 - name_len < 2) break;
    pos += 4 + name_len;
    uint64_t ndim = uint8_t(b[pos + 1]);
    pos += 2;
    if (b.size() - pos < 8 * ndim + 8) break;
    pos += 8 * ndim;
    uint64_t payload_len = get(pos, 8);
    pos += 8;
    if (payload_len > b.size() - pos || b.size() - pos - payload_len < 4) break;
    pos += payload_len;
    put32(pos, crc(start, pos));
    pos += 4;
  }
  return b;
}

}  // namespace fuzz
