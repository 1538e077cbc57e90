// PtrMap: an open-addressing hash map from pointers to small values, for walks over graphs of
// hundreds of thousands of nodes (toposort, leaves, rewrite passes), where std::unordered_map's one
// allocation per element dominates the time. Linear probing, power-of-two capacity, at most half full;
// no erase (walks mark states instead).
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace theano {

template <class V>
class PtrMap {
 public:
  explicit PtrMap(size_t expected = 16) { rehash(capacity_for(expected)); }

  // The value of p, default-constructed (and inserted) when p is new.
  V& operator[](const void* p) {
    if (2 * (size_ + 1) > slots_.size()) rehash(2 * slots_.size());
    size_t i = probe(p);
    if (!slots_[i].first) {
      slots_[i].first = p;
      ++size_;
    }
    return slots_[i].second;
  }
  // Inserts (p, v) if p is new; returns whether it was.
  bool insert(const void* p, V v = V()) {
    size_t before = size_;
    V& slot = (*this)[p];
    if (size_ == before) return false;
    slot = std::move(v);
    return true;
  }
  const V* find(const void* p) const {
    const auto& s = slots_[probe(p)];
    return s.first ? &s.second : nullptr;
  }
  V* find(const void* p) { return const_cast<V*>(std::as_const(*this).find(p)); }
  bool contains(const void* p) const { return find(p) != nullptr; }
  size_t size() const { return size_; }

 private:
  static size_t capacity_for(size_t n) {
    size_t c = 16;
    while (c < 2 * n) c *= 2;
    return c;
  }
  size_t probe(const void* p) const {
    size_t mask = slots_.size() - 1;
    size_t i = size_t((uintptr_t(p) >> 4) * 0x9E3779B97F4A7C15ULL >> 20) & mask;
    while (slots_[i].first && slots_[i].first != p) i = (i + 1) & mask;
    return i;
  }
  void rehash(size_t capacity) {
    std::vector<std::pair<const void*, V>> old = std::move(slots_);
    slots_.assign(capacity, {nullptr, V()});
    for (auto& s : old)
      if (s.first) slots_[probe(s.first)] = std::move(s);
  }

  std::vector<std::pair<const void*, V>> slots_;
  size_t size_ = 0;
};

}  // namespace theano
