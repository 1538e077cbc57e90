// A safe reader for the pickles of numpy arrays that mnist.pkl.gz is made of. A small pickle VM
// (protocols 0-4, the opcodes such files use) whose only callables are numpy's array and dtype
// reconstructors and the bytes helpers Python 3 uses for protocol 2, so a pickle cannot run code.
#include <algorithm>
#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

#include "io_file.hpp"
#include "frontend/theano/io.hpp"

namespace theano::io {
namespace {

// Decompressed size we accept; mnist.pkl.gz is about 220 MB unpacked.
constexpr size_t kMaxPickleBytes = size_t(1) << 32;

enum class Kind { None, Bool, Int, Bytes, Text, Tuple, List, Dict, Callable, DTypeObj, Array };
enum class Fn { Reconstruct, NdarrayType, DTypeCtor, CodecsEncode, BytesCtor };

struct Value;
using Ref = std::shared_ptr<Value>;

struct Value {
  Kind kind = Kind::None;
  int64_t i = 0;           // Bool, Int
  std::string_view s;      // Bytes (raw), Text (UTF-8); points into the stream or the VM's arena
  std::vector<Ref> items;  // Tuple, List; Dict as key, value, key, value, ...
  Fn fn{};                 // Callable
  DType dtype{};           // DTypeObj
  bool big_endian = false;  // DTypeObj
  NDArray array;           // Array, once built
  bool built = false;      // Array

  Value() = default;
  Value(const Value&) = delete;
  // Frees nested containers with a work list: a hostile pickle nesting millions of tuples must not
  // overflow the C++ stack through recursive destructors.
  ~Value() {
    std::vector<Ref> work = std::move(items);
    while (!work.empty()) {
      Ref r = std::move(work.back());
      work.pop_back();
      if (r.use_count() == 1)
        for (Ref& c : r->items) work.push_back(std::move(c));
    }
  }
};

Ref make(Kind k) {
  auto v = std::make_shared<Value>();
  v->kind = k;
  return v;
}

const char* kind_name(Kind k) {
  static const char* names[] = {"None", "bool", "int", "bytes", "str", "tuple", "list", "dict", "global", "dtype", "ndarray"};
  return names[int(k)];
}

class Unpickler {
 public:
  Unpickler(std::string path, std::vector<uint8_t> data) : path_(std::move(path)), data_(std::move(data)) {}
  // APPEND and SETITEM can make a list or dict hold itself (through the memo): empty them all, so
  // no reference cycle outlives the VM (a leak otherwise). containers_ keeps each alive meanwhile.
  ~Unpickler() {
    for (const Ref& c : containers_) c->items.clear();
  }
  Unpickler(const Unpickler&) = delete;
  Ref run();
  [[noreturn]] void fail(const std::string& what) const { throw std::runtime_error("read_pickle: " + path_ + ": " + what); }

 private:
  [[noreturn]] void fail_here(const std::string& what) const;
  const uint8_t* take(size_t n);
  std::string_view line();
  int64_t decimal(std::string_view s);
  uint32_t le32() { const uint8_t* p = take(4); return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
  void push(Ref v) { stack_.push_back(std::move(v)); }
  Ref pop();
  Ref& top();
  std::vector<Ref> pop_mark();
  Ref& memo_get(uint64_t key);
  Ref global(std::string_view module, std::string_view name);
  Ref reduce(const Ref& fn, const Ref& args);
  void build(const Ref& obj, const Ref& state);
  Ref string_value(Kind k, size_t n) { auto v = make(k); v->s = {reinterpret_cast<const char*>(take(n)), n}; return v; }

  std::string path_;
  std::vector<uint8_t> data_;
  size_t pos_ = 0, op_pos_ = 0;
  uint8_t op_ = 0;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Ref> memo_;
  std::deque<std::string> arena_;  // bytes made by _codecs.encode; deque keeps views valid
  std::vector<Ref> containers_;    // every list and dict made, see ~Unpickler
};

void Unpickler::fail_here(const std::string& what) const {
  char where[64];
  std::snprintf(where, sizeof where, " (at offset %zu, opcode 0x%02X)", op_pos_, op_);
  fail(what + where);
}

const uint8_t* Unpickler::take(size_t n) {
  if (n > data_.size() - pos_)
    fail_here("truncated stream: needs " + std::to_string(n) + " more bytes, " + std::to_string(data_.size() - pos_) + " left");
  const uint8_t* p = data_.data() + pos_;
  pos_ += n;
  return p;
}

std::string_view Unpickler::line() {
  const void* nl = std::memchr(data_.data() + pos_, '\n', data_.size() - pos_);
  if (!nl) fail_here("truncated stream: missing end of line");
  size_t n = static_cast<const uint8_t*>(nl) - (data_.data() + pos_);
  std::string_view s(reinterpret_cast<const char*>(take(n + 1)), n);
  return s;
}

int64_t Unpickler::decimal(std::string_view s) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size()) fail_here("bad integer '" + std::string(s.substr(0, 32)) + "'");
  return v;
}

Ref Unpickler::pop() {
  if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) fail_here("stack underflow");
  Ref v = std::move(stack_.back());
  stack_.pop_back();
  return v;
}

Ref& Unpickler::top() {
  if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) fail_here("stack underflow");
  return stack_.back();
}

std::vector<Ref> Unpickler::pop_mark() {
  if (marks_.empty()) fail_here("no MARK on the stack");
  size_t m = marks_.back();
  marks_.pop_back();
  std::vector<Ref> items(std::make_move_iterator(stack_.begin() + m), std::make_move_iterator(stack_.end()));
  stack_.resize(m);
  return items;
}

Ref& Unpickler::memo_get(uint64_t key) {
  auto it = memo_.find(key);
  if (it == memo_.end()) fail_here("memo key " + std::to_string(key) + " was never stored");
  return it->second;
}

Ref Unpickler::global(std::string_view module, std::string_view name) {
  auto v = make(Kind::Callable);
  bool multiarray = module == "numpy.core.multiarray" || module == "numpy._core.multiarray";
  if (multiarray && name == "_reconstruct") v->fn = Fn::Reconstruct;
  else if (module == "numpy" && name == "ndarray") v->fn = Fn::NdarrayType;
  else if (module == "numpy" && name == "dtype") v->fn = Fn::DTypeCtor;
  // Python 3 writes bytes in protocol 2 as _codecs.encode(text, 'latin1'), and b'' as bytes().
  else if (module == "_codecs" && name == "encode") v->fn = Fn::CodecsEncode;
  else if ((module == "__builtin__" || module == "builtins") && name == "bytes") v->fn = Fn::BytesCtor;
  else fail_here("unsupported global " + std::string(module.substr(0, 64)) + "." + std::string(name.substr(0, 64)));
  return v;
}

// Encodes UTF-8 text as latin1 (each code point one byte), as numpy and _codecs do for Python 2 data.
std::string latin1_of_utf8(std::string_view s, bool& ok) {
  std::string out;
  out.reserve(s.size());
  ok = true;
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = uint8_t(s[i]);
    if (c < 0x80) {
      out += char(c);
    } else if ((c & 0xE0) == 0xC0 && c <= 0xC3 && i + 1 < s.size() && (uint8_t(s[i + 1]) & 0xC0) == 0x80) {
      out += char(((c & 0x1F) << 6) | (uint8_t(s[i + 1]) & 0x3F));
      ++i;
    } else {
      ok = false;  // a code point above U+00FF, or invalid UTF-8
      return out;
    }
  }
  return out;
}

bool is_text(const Ref& v) { return v->kind == Kind::Text || v->kind == Kind::Bytes; }

Ref Unpickler::reduce(const Ref& fn, const Ref& args) {
  if (fn->kind != Kind::Callable) fail_here(std::string("REDUCE on a ") + kind_name(fn->kind) + ", not a supported global");
  if (args->kind != Kind::Tuple) fail_here("REDUCE arguments are not a tuple");
  const auto& a = args->items;
  switch (fn->fn) {
    case Fn::Reconstruct: {  // _reconstruct(ndarray, (0,), b'b'): an empty array that BUILD fills
      if (a.size() != 3 || a[0]->kind != Kind::Callable || a[0]->fn != Fn::NdarrayType)
        fail_here("_reconstruct expects (numpy.ndarray, shape, typecode)");
      return make(Kind::Array);
    }
    case Fn::DTypeCtor: {  // dtype('f4', align, copy); the byte order comes with BUILD
      if (a.empty() || !is_text(a[0])) fail_here("numpy.dtype expects a type string");
      std::string_view t = a[0]->s;
      auto v = make(Kind::DTypeObj);
      if (t.size() > 1 && (t[0] == '<' || t[0] == '>' || t[0] == '|' || t[0] == '=')) {
        v->big_endian = t[0] == '>';
        t.remove_prefix(1);
      }
      static const std::pair<std::string_view, DType> known[] = {
          {"f4", DType::Float32}, {"f8", DType::Float64}, {"i1", DType::Int8},  {"i2", DType::Int16},
          {"i4", DType::Int32},   {"i8", DType::Int64},   {"u1", DType::UInt8}, {"b1", DType::Bool}};
      for (auto& [name, d] : known)
        if (t == name) { v->dtype = d; return v; }
      fail_here("unsupported numpy dtype '" + std::string(t.substr(0, 16)) + "'");
    }
    case Fn::CodecsEncode: {
      if (a.size() != 2 || a[0]->kind != Kind::Text || !is_text(a[1]) || (a[1]->s != "latin1" && a[1]->s != "latin-1"))
        fail_here("_codecs.encode is only supported as encode(str, 'latin1')");
      bool ok;
      arena_.push_back(latin1_of_utf8(a[0]->s, ok));
      if (!ok) fail_here("_codecs.encode: text is not latin1");
      auto v = make(Kind::Bytes);
      v->s = arena_.back();
      return v;
    }
    case Fn::BytesCtor:
      if (!a.empty()) fail_here("bytes() is only supported without arguments");
      return make(Kind::Bytes);
    case Fn::NdarrayType: break;
  }
  fail_here("numpy.ndarray cannot be called directly");
}

void Unpickler::build(const Ref& obj, const Ref& state) {
  if (state->kind != Kind::Tuple) fail_here("BUILD state is not a tuple");
  const auto& s = state->items;
  if (obj->kind == Kind::DTypeObj) {
    // (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])
    if (s.size() < 2 || !is_text(s[1])) fail_here("bad numpy dtype state");
    for (size_t i = 2; i < std::min<size_t>(s.size(), 5); ++i)
      if (s[i]->kind != Kind::None) fail_here("structured or sub-array numpy dtypes are not supported");
    std::string_view order = s[1]->s;
    if (order == ">") obj->big_endian = true;
    else if (order == "<" || order == "|") obj->big_endian = false;
    else if (order == "=") obj->big_endian = std::endian::native == std::endian::big;
    else fail_here("bad numpy byte order '" + std::string(order.substr(0, 8)) + "'");
    return;
  }
  if (obj->kind != Kind::Array) fail_here(std::string("BUILD on a ") + kind_name(obj->kind));
  if (obj->built) fail_here("BUILD twice on one array");
  // (version, shape, dtype, is_fortran, data); very old numpy omits the version.
  size_t b = s.size() == 5 ? 1 : s.size() == 4 ? 0 : size_t(-1);
  if (b == size_t(-1)) fail_here("bad numpy array state (expected 4 or 5 items)");
  const Ref &shape_v = s[b], &dt = s[b + 1], &fortran = s[b + 2], &raw = s[b + 3];
  if (shape_v->kind != Kind::Tuple || dt->kind != Kind::DTypeObj || (fortran->kind != Kind::Bool && fortran->kind != Kind::Int))
    fail_here("bad numpy array state (shape, dtype, is_fortran)");
  if (shape_v->items.size() > size_t(kMaxDims)) fail_here("array has more than 8 dimensions");
  Dims shape;
  int64_t count = 1, span = 1;  // span: zero dimensions counted as 1, what the strides multiply
  for (const Ref& d : shape_v->items) {
    if (d->kind != Kind::Int || d->i < 0 || d->i > int64_t(kMaxPickleBytes)) fail_here("bad array dimension");
    shape.push_back(d->i);
    // Checked products (core/checked_size.hpp; 2^32 * 2^32 would wrap to 0); count <= span.
    if (!checked::mul(span, std::max<int64_t>(d->i, 1), span) || uint64_t(span) > kMaxPickleBytes)
      fail_here("array shape " + shape.str() + "... is too large");
    count *= d->i;
  }
  std::string encoded;  // numpy accepts Python 2 str data decoded as latin1 text
  std::string_view bytes;
  if (raw->kind == Kind::Bytes) {
    bytes = raw->s;
  } else if (raw->kind == Kind::Text) {
    bool ok;
    encoded = latin1_of_utf8(raw->s, ok);
    if (!ok) fail_here("array data text is not latin1");
    bytes = encoded;
  } else {
    fail_here(std::string("array data is a ") + kind_name(raw->kind) + ", not bytes (object arrays are not supported)");
  }
  size_t esize = dtype_size(dt->dtype);
  if (bytes.size() != uint64_t(count) * esize)
    fail_here("array data has " + std::to_string(bytes.size()) + " bytes, shape " + shape.str() + " needs " +
              std::to_string(uint64_t(count) * esize));

  Dims stored = shape;  // Fortran order is C order of the reversed shape, then transposed
  bool f_order = fortran->i != 0 && shape.size() > 1;
  if (f_order)
    for (int i = 0; i < shape.size(); ++i) stored[i] = shape[shape.size() - 1 - i];
  NDArray a = NDArray::empty(dt->dtype, stored);
  if (!bytes.empty()) std::memcpy(a.raw(), bytes.data(), bytes.size());
  if (dt->big_endian != (std::endian::native == std::endian::big) && esize > 1) {
    auto* p = static_cast<uint8_t*>(a.raw());
    for (int64_t i = 0; i < count; ++i, p += esize)
      for (size_t x = 0, y = esize - 1; x < y; ++x, --y) std::swap(p[x], p[y]);
  }
  if (f_order) {
    Dims strides = contiguous_strides(stored), rev;
    for (int i = shape.size() - 1; i >= 0; --i) rev.push_back(strides[i]);
    a = a.view(shape, rev, 0).copy();
  }
  obj->array = std::move(a);
  obj->built = true;
}

Ref Unpickler::run() {
  while (true) {
    op_pos_ = pos_;
    if (pos_ >= data_.size()) fail("truncated stream: ended at offset " + std::to_string(pos_) + " before STOP");
    op_ = data_[pos_++];
    switch (op_) {
      case 0x80: {  // PROTO
        uint8_t v = *take(1);
        if (v > 5) fail_here("unsupported pickle protocol " + std::to_string(v));
        break;
      }
      case 0x95: take(8); break;  // FRAME: a size hint only, the data follows inline
      case '.': {                 // STOP
        Ref v = pop();
        return v;
      }
      case 'c': {  // GLOBAL
        std::string_view module = line(), name = line();
        push(global(module, name));
        break;
      }
      case 0x93: {  // STACK_GLOBAL
        Ref name = pop(), module = pop();
        if (!is_text(name) || !is_text(module)) fail_here("STACK_GLOBAL needs two strings");
        push(global(module->s, name->s));
        break;
      }
      case 'q': memo_[*take(1)] = top(); break;          // BINPUT
      case 'r': memo_[le32()] = top(); break;            // LONG_BINPUT
      case 'p': memo_[uint64_t(decimal(line()))] = top(); break;  // PUT
      case 0x94: { uint64_t k = memo_.size(); memo_[k] = top(); break; }  // MEMOIZE
      case 'h': push(memo_get(*take(1))); break;         // BINGET
      case 'j': push(memo_get(le32())); break;           // LONG_BINGET
      case 'g': push(memo_get(uint64_t(decimal(line())))); break;  // GET
      case '(': marks_.push_back(stack_.size()); break;  // MARK
      case ')': push(make(Kind::Tuple)); break;          // EMPTY_TUPLE
      case 't': { auto t = make(Kind::Tuple); t->items = pop_mark(); push(t); break; }  // TUPLE
      case 0x85: case 0x86: case 0x87: {  // TUPLE1..3
        auto t = make(Kind::Tuple);
        t->items.resize(op_ - 0x84);
        for (size_t i = t->items.size(); i-- > 0;) t->items[i] = pop();
        push(t);
        break;
      }
      case ']': case '}': {  // EMPTY_LIST, EMPTY_DICT
        push(make(op_ == ']' ? Kind::List : Kind::Dict));
        containers_.push_back(top());
        break;
      }
      case 'a': {                               // APPEND
        Ref v = pop();
        if (top()->kind != Kind::List) fail_here("APPEND to a non-list");
        top()->items.push_back(v);
        break;
      }
      case 'e': {  // APPENDS
        auto items = pop_mark();
        if (top()->kind != Kind::List) fail_here("APPENDS to a non-list");
        for (auto& v : items) top()->items.push_back(v);
        break;
      }
      case 's': {  // SETITEM
        Ref v = pop(), k = pop();
        if (top()->kind != Kind::Dict) fail_here("SETITEM on a non-dict");
        top()->items.push_back(k);
        top()->items.push_back(v);
        break;
      }
      case 'u': {  // SETITEMS
        auto items = pop_mark();
        if (top()->kind != Kind::Dict || items.size() % 2) fail_here("bad SETITEMS");
        for (auto& v : items) top()->items.push_back(v);
        break;
      }
      case 'R': {  // REDUCE
        Ref args = pop(), fn = pop();
        push(reduce(fn, args));
        break;
      }
      case 'b': {  // BUILD
        Ref state = pop();
        build(top(), state);
        break;
      }
      case 'N': push(make(Kind::None)); break;
      case 0x88: case 0x89: { auto v = make(Kind::Bool); v->i = op_ == 0x88; push(v); break; }  // NEWTRUE, NEWFALSE
      case 'J': { auto v = make(Kind::Int); v->i = int32_t(le32()); push(v); break; }      // BININT
      case 'K': { auto v = make(Kind::Int); v->i = *take(1); push(v); break; }             // BININT1
      case 'M': {                                                                          // BININT2
        const uint8_t* p = take(2);
        auto v = make(Kind::Int);
        v->i = p[0] | p[1] << 8;
        push(v);
        break;
      }
      case 'I': {  // INT: decimal; protocol 0 spells booleans 01 and 00
        std::string_view s = line();
        auto v = make(s == "01" || s == "00" ? Kind::Bool : Kind::Int);
        v->i = v->kind == Kind::Bool ? s == "01" : decimal(s);
        push(v);
        break;
      }
      case 0x8A: {  // LONG1: little-endian two's complement of n bytes
        size_t n = *take(1);
        if (n > 8) fail_here("integer wider than 64 bits");
        const uint8_t* p = take(n);
        uint64_t u = 0;
        for (size_t i = 0; i < n; ++i) u |= uint64_t(p[i]) << (8 * i);
        if (n > 0 && n < 8 && (p[n - 1] & 0x80)) u |= ~uint64_t(0) << (8 * n);  // sign-extend
        auto v = make(Kind::Int);
        v->i = int64_t(u);
        push(v);
        break;
      }
      case 'U': push(string_value(Kind::Bytes, *take(1))); break;  // SHORT_BINSTRING (Python 2 str)
      case 'C': push(string_value(Kind::Bytes, *take(1))); break;  // SHORT_BINBYTES
      case 'T': {                                                   // BINSTRING: signed length
        int32_t n = int32_t(le32());
        if (n < 0) fail_here("negative BINSTRING length");
        push(string_value(Kind::Bytes, size_t(n)));
        break;
      }
      case 'B': push(string_value(Kind::Bytes, le32())); break;    // BINBYTES
      case 'X': push(string_value(Kind::Text, le32())); break;     // BINUNICODE (UTF-8)
      case 0x8C: push(string_value(Kind::Text, *take(1))); break;  // SHORT_BINUNICODE
      case 0x8D: case 0x8E: {                                      // BINUNICODE8, BINBYTES8
        const uint8_t* p = take(8);
        uint64_t n = 0;
        for (int i = 0; i < 8; ++i) n |= uint64_t(p[i]) << (8 * i);
        if (n > data_.size()) fail_here("truncated stream: string of " + std::to_string(n) + " bytes");
        push(string_value(op_ == 0x8D ? Kind::Text : Kind::Bytes, size_t(n)));
        break;
      }
      default: {
        char what[64];
        std::snprintf(what, sizeof what, "unexpected opcode 0x%02X at offset %zu", op_, op_pos_);
        fail(what);
      }
    }
  }
}

// The pair (x, y) from one element of the top-level tuple.
std::pair<NDArray, NDArray> xy_pair(const Unpickler& vm, const Ref& v, int which) {
  static const char* names[] = {"train", "valid", "test"};
  std::string where = std::string("wrong structure: the ") + names[which] + " set ";
  if ((v->kind != Kind::Tuple && v->kind != Kind::List) || v->items.size() != 2)
    vm.fail(where + "is not an (x, y) pair");
  const Ref &x = v->items[0], &y = v->items[1];
  if (x->kind != Kind::Array || y->kind != Kind::Array || !x->built || !y->built)
    vm.fail(where + "is not a pair of numpy arrays");
  if (x->array.ndim() != 2 || y->array.ndim() != 1 || x->array.shape(0) != y->array.shape(0))
    vm.fail(where + "has x of shape " + x->array.shape().str() + " and y of shape " + y->array.shape().str() +
            ", expected (N, D) and (N,)");
  return {x->array, y->array};
}

}  // namespace

std::vector<std::pair<NDArray, NDArray>> read_mnist_pickle(const std::string& path) {
  std::vector<uint8_t> data;
  {
    detail::InputFile in(path, "read_pickle");
    data = in.read_up_to(kMaxPickleBytes + 1);
    if (data.size() > kMaxPickleBytes) in.fail("more than 4 GiB of pickle data");
  }
  Unpickler vm(path, std::move(data));
  Ref top = vm.run();
  if ((top->kind != Kind::Tuple && top->kind != Kind::List) || top->items.size() != 3)
    vm.fail(std::string("wrong structure: expected a 3-tuple (train, valid, test), got a ") + kind_name(top->kind) +
            (top->kind == Kind::Tuple || top->kind == Kind::List ? " of " + std::to_string(top->items.size()) : std::string()));
  std::vector<std::pair<NDArray, NDArray>> out;
  for (int i = 0; i < 3; ++i) out.push_back(xy_pair(vm, top->items[i], i));
  return out;
}

}  // namespace theano::io
