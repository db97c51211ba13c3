#include "wire/model_types.h"

#include <utility>

#include "wire/type_registry.h"
#include "wire/value_codec.h"

namespace doppel::wire {
namespace {

// Smallest encodings, to bound counts before reserving (Reader::count checks them against the
// bytes left): an index step is two i32; a QVariant is at least its type id and null flag; an
// IndexValuePair is an empty index, an empty data list, a bool, flags, no children and a QSize.
constexpr std::size_t kIndexEntryBytes = 8;
constexpr std::size_t kVariantMinBytes = 5;
constexpr std::size_t kPairMinBytes = 4 + 4 + 1 + 4 + 4 + 8;

bool checkDepth(Reader& in, int depth) {
  if (depth > in.limits().maxValueDepth) {
    in.fail(ErrorCode::LimitExceeded, "model entries nested deeper than " +
                                          std::to_string(in.limits().maxValueDepth));
    return false;
  }
  return true;
}

// Checks one QVariant and moves past it without building a Value: rows carry mostly ints and
// strings, so those are checked here exactly as decodeVariant checks them (bounds, a QString's
// even length, nesting); any other type goes through decodeVariant.
void skipVariant(Reader& in, const TypeRegistry& types, int depth) {
  if (depth + 1 > in.limits().maxValueDepth) {
    auto v = decodeVariant(in, types, depth + 1);  // fails with the codec's own message
    if (!v && in.ok()) in.fail(v.error());
    return;
  }
  // Measured on a copy; the real reader then moves past exactly that many bytes.
  Reader probe = in;
  const std::uint32_t id = probe.u32();
  (void)probe.u8();  // isNull: the payload follows regardless
  std::size_t length = 0;  // of the payload; 0 = not a fast type, or malformed
  if (probe.ok()) {
    switch (static_cast<TypeId>(id)) {
      case TypeId::Bool: length = 1; break;
      case TypeId::Int:
      case TypeId::UInt: length = 4; break;
      case TypeId::LongLong:
      case TypeId::ULongLong:
      case TypeId::Double: length = 8; break;
      case TypeId::QString:
      case TypeId::QByteArray: {
        const std::uint32_t n = probe.u32();
        if (!probe.ok()) break;
        if (n == 0xFFFFFFFFu) {
          length = 4;
        } else if ((static_cast<TypeId>(id) != TypeId::QString || n % 2 == 0) && n <= probe.remaining()) {
          length = 4 + std::size_t{n};
        }
        break;
      }
      default: break;
    }
  }
  if (length > 0 && 5 + length <= in.remaining()) {
    (void)in.raw(5 + length);
    return;
  }
  // Anything else, or a malformed value: the full decoder, for its checks and its error.
  auto v = decodeVariant(in, types, depth + 1);
  if (!v && in.ok()) in.fail(v.error());
}

void readIndexList(Reader& in, IndexList& out) {
  const std::uint32_t n = in.count(kIndexEntryBytes);
  if (!in.ok()) return;
  out.resize(n);
  for (auto& e : out) {
    e.row = in.i32();
    e.column = in.i32();
  }
}

void readVariantList(Reader& in, const TypeRegistry& types, int depth, std::vector<Value>& out) {
  const std::uint32_t n = in.count(kVariantMinBytes);
  if (!in.ok()) return;
  out.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    auto v = decodeVariant(in, types, depth + 1);
    if (!v) {
      if (in.ok()) in.fail(v.error());
      return;
    }
    out.push_back(std::move(v).value());
  }
}

void readPair(Reader& in, const TypeRegistry& types, int depth, IndexValuePair& out);

void readPairs(Reader& in, const TypeRegistry& types, int depth, std::vector<IndexValuePair>& out) {
  if (!checkDepth(in, depth)) return;
  const std::uint32_t n = in.count(kPairMinBytes);
  if (!in.ok()) return;
  out.resize(n);
  for (auto& p : out) {
    readPair(in, types, depth + 1, p);
    if (!in.ok()) return;
  }
}

void readPair(Reader& in, const TypeRegistry& types, int depth, IndexValuePair& out) {
  readIndexList(in, out.index);
  readVariantList(in, types, depth, out.data);
  out.hasChildren = in.boolean();
  out.flags = in.i32();
  readPairs(in, types, depth + 1, out.children);
  out.columns = in.i32();
  out.rows = in.i32();
}

// Skips a QVariantList, keeping its bytes: every value is still checked (skipVariant), so the
// blob is known to be readable when a replica decodes it later.
void readRawPair(Reader& in, const TypeRegistry& types, int depth, RawIndexValuePair& out);

void readRawPairs(Reader& in, const TypeRegistry& types, int depth,
                  std::vector<RawIndexValuePair>& out) {
  if (!checkDepth(in, depth)) return;
  const std::uint32_t n = in.count(kPairMinBytes);
  if (!in.ok()) return;
  out.resize(n);
  for (auto& p : out) {
    readRawPair(in, types, depth + 1, p);
    if (!in.ok()) return;
  }
}

void readRawPair(Reader& in, const TypeRegistry& types, int depth, RawIndexValuePair& out) {
  readIndexList(in, out.index);
  if (!in.ok()) return;
  Reader probe = in;
  const std::size_t before = in.remaining();
  const std::uint32_t n = probe.count(kVariantMinBytes);
  for (std::uint32_t i = 0; i < n && probe.ok(); ++i) skipVariant(probe, types, depth);
  if (!probe.ok()) {
    in.fail(probe.takeError());
    return;
  }
  out.dataCount = n;
  out.data = std::string(in.raw(before - probe.remaining()));
  out.hasChildren = in.boolean();
  out.flags = in.i32();
  readRawPairs(in, types, depth + 1, out.children);
  out.columns = in.i32();
  out.rows = in.i32();
}

// Checks a run of IndexValuePairs without keeping anything (the opaque decoder's pass).
void skipPairs(Reader& in, const TypeRegistry& types, int depth) {
  if (!checkDepth(in, depth)) return;
  const std::uint32_t n = in.count(kPairMinBytes);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    const std::uint32_t steps = in.count(kIndexEntryBytes);
    if (in.ok()) (void)in.raw(std::size_t{steps} * kIndexEntryBytes);
    const std::uint32_t values = in.count(kVariantMinBytes);
    for (std::uint32_t k = 0; k < values && in.ok(); ++k) skipVariant(in, types, depth);
    (void)in.boolean();
    (void)in.i32();
    skipPairs(in, types, depth + 1);
    (void)in.i32();
    (void)in.i32();
  }
}

template <typename T>
Result<T> finish(Reader& in, T value) {
  if (!in.ok()) return in.error();
  return value;
}

// Values -------------------------------------------------------------------------------------

Value pairValue(const IndexValuePair& p) {
  Value::List children;
  children.reserve(p.children.size());
  for (const auto& c : p.children) children.push_back(pairValue(c));
  return Value::userList("IndexValuePair",
                         {indexListValue(p.index), Value::list(p.data), Value::boolean(p.hasChildren),
                          Value::int32(p.flags),
                          Value::userList("QList<IndexValuePair>", std::move(children)),
                          Value::size(p.columns, p.rows)});
}

Error wrongShape(std::string_view what) {
  return makeError(ErrorCode::WrongType, "value is not a " + std::string(what));
}

std::int32_t toI32(const Value& v) { return static_cast<std::int32_t>(v.toInt()); }

Result<IndexValuePair> pairFromValue(const Value& v, int depth) {
  if (depth > 64) return makeError(ErrorCode::LimitExceeded, "IndexValuePair nested too deep");
  const auto& f = v.toList();
  if (f.size() != 6) return wrongShape("IndexValuePair");
  IndexValuePair p;
  auto index = indexListFromValue(f[0]);
  if (!index) return index.error();
  p.index = std::move(index).value();
  p.data = f[1].toList();
  p.hasChildren = f[2].toBool();
  p.flags = toI32(f[3]);
  for (const auto& c : f[4].toList()) {
    auto child = pairFromValue(c, depth + 1);
    if (!child) return child.error();
    p.children.push_back(std::move(child).value());
  }
  const Geometry g = f[5].toGeometry();
  p.columns = static_cast<std::int32_t>(g.v[0]);
  p.rows = static_cast<std::int32_t>(g.v[1]);
  return p;
}

Result<std::vector<IndexValuePair>> pairsFromValue(const Value& list) {
  std::vector<IndexValuePair> out;
  out.reserve(list.toList().size());
  for (const auto& item : list.toList()) {
    auto p = pairFromValue(item, 0);
    if (!p) return p.error();
    out.push_back(std::move(p).value());
  }
  return out;
}

const Text* opaquePayload(const Value& v, std::string_view name) {
  if (v.typeName() != name) return nullptr;
  return v.get<Text>();
}

}  // namespace

// Payload codecs ----------------------------------------------------------------------------

void encodeIndexList(Writer& out, const IndexList& list) {
  out.u32(static_cast<std::uint32_t>(list.size()));
  for (const auto& e : list) {
    out.i32(e.row);
    out.i32(e.column);
  }
}

Result<IndexList> decodeIndexList(Reader& in) {
  IndexList list;
  readIndexList(in, list);
  return finish(in, std::move(list));
}

Result<void> encodeIndexValuePair(Writer& out, const IndexValuePair& p, const TypeRegistry& types) {
  encodeIndexList(out, p.index);
  out.u32(static_cast<std::uint32_t>(p.data.size()));
  for (const auto& v : p.data) {
    if (auto r = encodeVariant(out, v, types); !r) return r;
  }
  out.boolean(p.hasChildren);
  out.i32(p.flags);
  out.u32(static_cast<std::uint32_t>(p.children.size()));
  for (const auto& c : p.children) {
    if (auto r = encodeIndexValuePair(out, c, types); !r) return r;
  }
  out.i32(p.columns);
  out.i32(p.rows);
  return {};
}

Result<void> encodeDataEntries(Writer& out, const DataEntries& entries, const TypeRegistry& types) {
  out.u32(static_cast<std::uint32_t>(entries.data.size()));
  for (const auto& p : entries.data) {
    if (auto r = encodeIndexValuePair(out, p, types); !r) return r;
  }
  return {};
}

Result<DataEntries> decodeDataEntries(Reader& in, const TypeRegistry& types, int depth) {
  DataEntries entries;
  readPairs(in, types, depth, entries.data);
  return finish(in, std::move(entries));
}

Result<void> encodeMetaAndDataEntries(Writer& out, const MetaAndDataEntries& entries,
                                      const TypeRegistry& types) {
  out.u32(static_cast<std::uint32_t>(entries.data.size()));
  for (const auto& p : entries.data) {
    if (auto r = encodeIndexValuePair(out, p, types); !r) return r;
  }
  out.u32(static_cast<std::uint32_t>(entries.roles.size()));
  for (auto role : entries.roles) out.i32(role);
  out.i32(entries.columns);
  out.i32(entries.rows);
  return {};
}

Result<MetaAndDataEntries> decodeMetaAndDataEntries(Reader& in, const TypeRegistry& types,
                                                    int depth) {
  MetaAndDataEntries entries;
  readPairs(in, types, depth, entries.data);
  if (in.ok()) {
    const std::uint32_t n = in.count(4);
    if (in.ok()) {
      entries.roles.resize(n);
      for (auto& r : entries.roles) r = in.i32();
    }
  }
  entries.columns = in.i32();
  entries.rows = in.i32();
  return finish(in, std::move(entries));
}

Result<std::vector<RawIndexValuePair>> decodeRawPairs(Reader& in, const TypeRegistry& types,
                                                      int depth) {
  std::vector<RawIndexValuePair> out;
  readRawPairs(in, types, depth, out);
  return finish(in, std::move(out));
}

Result<void> forEachRawPair(Reader& in, const TypeRegistry& types,
                            const std::function<void(RawIndexValuePair&)>& each) {
  Reader check = in;  // skipVariant makes this pass cheap; it keeps `each` from seeing a bad reply
  skipPairs(check, types, 0);
  if (!check.ok()) return check.takeError();
  const std::uint32_t n = in.count(kPairMinBytes);
  RawIndexValuePair pair;
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    readRawPair(in, types, 1, pair);
    if (in.ok()) each(pair);
  }
  if (!in.ok()) return in.error();
  return {};
}

namespace {

std::uint32_t load32(const char* p, ByteOrder order) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const auto byte = static_cast<std::uint32_t>(static_cast<unsigned char>(p[i]));
    v |= order == ByteOrder::Little ? byte << (8 * i) : byte << (8 * (3 - i));
  }
  return v;
}

// The bytes of the QVariant at the start of `rest` if it is an int, bool, number, string or byte
// array that fits whole (checked as decodeVariant checks them); 0 for anything else. No Reader
// copy: this runs once per value of a 100,000-row reply.
std::size_t fastVariantBytes(std::string_view rest, ByteOrder order) {
  if (rest.size() < 5) return 0;
  std::size_t length = 0;
  switch (static_cast<TypeId>(load32(rest.data(), order))) {
    case TypeId::Bool: length = 1; break;
    case TypeId::Int:
    case TypeId::UInt: length = 4; break;
    case TypeId::LongLong:
    case TypeId::ULongLong:
    case TypeId::Double: length = 8; break;
    case TypeId::QString:
    case TypeId::QByteArray: {
      if (rest.size() < 9) return 0;
      const std::uint32_t n = load32(rest.data() + 5, order);
      if (n == 0xFFFFFFFFu) {
        length = 4;
      } else {
        const bool odd = static_cast<TypeId>(load32(rest.data(), order)) == TypeId::QString && n % 2 != 0;
        if (odd || n > rest.size() - 9) return 0;
        length = 4 + std::size_t{n};
      }
      break;
    }
    default: return 0;
  }
  return 5 + length <= rest.size() ? 5 + length : 0;
}

}  // namespace

Result<void> scanRowPairs(std::string_view payload, const TypeRegistry& types, const Limits& limits,
                          std::vector<RowPairRef>& out) {
  out.clear();
  Reader in(payload, ByteOrder::Little, limits);
  const std::uint32_t n = in.count(kPairMinBytes);
  if (!in.ok()) return in.takeError();
  out.reserve(n);
  for (std::uint32_t i = 0; i < n && in.ok(); ++i) {
    RowPairRef ref;
    const std::uint32_t steps = in.count(kIndexEntryBytes);
    for (std::uint32_t k = 0; k < steps && in.ok(); ++k) {
      ref.last.row = in.i32();
      ref.last.column = in.i32();
    }
    ref.depth = steps;
    const std::size_t start = in.offset();
    const std::uint32_t values = in.count(kVariantMinBytes);
    for (std::uint32_t k = 0; k < values && in.ok(); ++k) {
      if (const std::size_t bytes = fastVariantBytes(payload.substr(in.offset()), in.order())) {
        (void)in.raw(bytes);
      } else {
        skipVariant(in, types, 1);  // other types, or malformed: the full decoder's checks
      }
    }
    if (!in.ok()) break;
    ref.offset = static_cast<std::uint32_t>(start);
    ref.size = static_cast<std::uint32_t>(in.offset() - start);
    ref.hasChildren = in.boolean();
    ref.flags = in.i32();
    skipPairs(in, types, 2);  // children: only cache replies carry them
    (void)in.i32();
    (void)in.i32();
    if (in.ok()) out.push_back(ref);
  }
  if (in.ok() && !in.atEnd()) in.fail(ErrorCode::Malformed, "trailing bytes after DataEntries");
  if (!in.ok()) return in.takeError();
  return {};
}

Result<std::vector<Value>> decodeDataBlob(std::string_view blob, const TypeRegistry& types,
                                          const Limits& limits) {
  Reader in(blob, ByteOrder::Little, limits);
  std::vector<Value> out;
  readVariantList(in, types, 0, out);
  if (in.ok() && !in.atEnd()) in.fail(ErrorCode::Malformed, "trailing bytes after model data");
  return finish(in, std::move(out));
}

// Values ------------------------------------------------------------------------------------

Value indexListValue(const IndexList& list) {
  Value::List items;
  items.reserve(list.size());
  for (const auto& e : list)
    items.push_back(Value::userList("ModelIndex", {Value::int32(e.row), Value::int32(e.column)}));
  return Value::userList(std::string(kIndexListName), std::move(items));
}

Result<IndexList> indexListFromValue(const Value& value) {
  if (!value.isList()) return wrongShape("QList<ModelIndex>");
  IndexList out;
  out.reserve(value.toList().size());
  for (const auto& item : value.toList()) {
    const auto& f = item.toList();
    if (f.size() != 2 || !f[0].isSigned() || !f[1].isSigned()) return wrongShape("ModelIndex");
    out.push_back({toI32(f[0]), toI32(f[1])});
  }
  return out;
}

Value intListValue(const std::vector<std::int32_t>& list) {
  Value::List items;
  items.reserve(list.size());
  for (auto v : list) items.push_back(Value::int32(v));
  return Value::userList(std::string(kIntListName), std::move(items));
}

Result<std::vector<std::int32_t>> intListFromValue(const Value& value) {
  if (!value.isList()) return wrongShape("QList<int>");
  std::vector<std::int32_t> out;
  out.reserve(value.toList().size());
  for (const auto& v : value.toList()) {
    if (!v.isSigned() && !v.isUnsigned()) return wrongShape("QList<int>");
    out.push_back(toI32(v));
  }
  return out;
}

Value roleNamesValue(const std::map<int, std::string>& names) {
  Value::Pairs pairs;
  pairs.reserve(names.size());
  for (const auto& entry : names)
    pairs.emplace_back(Value::int32(entry.first), Value::bytes(entry.second));
  return Value::userMap(std::string(kRoleNamesName), std::move(pairs));
}

Result<std::map<int, std::string>> roleNamesFromValue(const Value& value) {
  if (!value.isPairs()) return wrongShape("QHash<int,QByteArray>");
  std::map<int, std::string> out;
  for (const auto& entry : value.toPairs()) {
    if (!entry.first.isSigned()) return wrongShape("QHash<int,QByteArray>");
    out[static_cast<int>(entry.first.toInt())] = entry.second.toString();
  }
  return out;
}

Value orientationListValue(const std::vector<std::int32_t>& list) {
  Value::List items;
  items.reserve(list.size());
  for (auto v : list) items.push_back(Value::enumValue("Qt::Orientation", v, 4));
  return Value::userList(std::string(kOrientationListName), std::move(items));
}

Value dataEntriesValue(const DataEntries& entries) {
  Value::List pairs;
  pairs.reserve(entries.data.size());
  for (const auto& p : entries.data) pairs.push_back(pairValue(p));
  return Value::userList(std::string(kDataEntriesName),
                         {Value::userList("QList<IndexValuePair>", std::move(pairs))});
}

Value metaAndDataEntriesValue(const MetaAndDataEntries& entries) {
  Value::List pairs;
  pairs.reserve(entries.data.size());
  for (const auto& p : entries.data) pairs.push_back(pairValue(p));
  return Value::userList(std::string(kMetaAndDataEntriesName),
                         {Value::userList("QList<IndexValuePair>", std::move(pairs)),
                          intListValue(entries.roles), Value::size(entries.columns, entries.rows)});
}

Result<DataEntries> dataEntriesFromValue(const Value& value, const TypeRegistry& types,
                                         const Limits& limits) {
  if (const Text* raw = opaquePayload(value, kDataEntriesName)) {
    Reader in(raw->data, ByteOrder::Little, limits);
    auto r = decodeDataEntries(in, types);
    if (r && !in.atEnd()) return makeError(ErrorCode::Malformed, "trailing bytes after DataEntries");
    return r;
  }
  const auto& f = value.toList();
  if (value.typeName() != kDataEntriesName || f.size() != 1) return wrongShape("DataEntries");
  auto pairs = pairsFromValue(f[0]);
  if (!pairs) return pairs.error();
  return DataEntries{std::move(pairs).value()};
}

Result<MetaAndDataEntries> metaAndDataEntriesFromValue(const Value& value,
                                                       const TypeRegistry& types,
                                                       const Limits& limits) {
  if (const Text* raw = opaquePayload(value, kMetaAndDataEntriesName)) {
    Reader in(raw->data, ByteOrder::Little, limits);
    auto r = decodeMetaAndDataEntries(in, types);
    if (r && !in.atEnd())
      return makeError(ErrorCode::Malformed, "trailing bytes after MetaAndDataEntries");
    return r;
  }
  const auto& f = value.toList();
  if (value.typeName() != kMetaAndDataEntriesName || f.size() != 3)
    return wrongShape("MetaAndDataEntries");
  MetaAndDataEntries out;
  auto pairs = pairsFromValue(f[0]);
  if (!pairs) return pairs.error();
  out.data = std::move(pairs).value();
  auto roles = intListFromValue(f[1]);
  if (!roles) return roles.error();
  out.roles = std::move(roles).value();
  const Geometry g = f[2].toGeometry();
  out.columns = static_cast<std::int32_t>(g.v[0]);
  out.rows = static_cast<std::int32_t>(g.v[1]);
  return out;
}

Value opaqueDataEntries(std::string payload) {
  return Value::user(std::string(kDataEntriesName), Text{std::move(payload), false});
}

Value opaqueMetaAndDataEntries(std::string payload) {
  return Value::user(std::string(kMetaAndDataEntriesName), Text{std::move(payload), false});
}

// Registry codecs ---------------------------------------------------------------------------

void installModelCodecs(TypeRegistry& types, bool opaqueDecode) {
  const Limits limits;  // only used to re-read struct-layout values, which are local
  types.registerCustom(
      std::string(kDataEntriesName),
      [limits](Writer& w, const Value& v, const TypeRegistry& t) -> Result<void> {
        if (const Text* raw = opaquePayload(v, kDataEntriesName)) {
          w.raw(raw->data);
          return {};
        }
        auto entries = dataEntriesFromValue(v, t, limits);
        if (!entries) return entries.error();
        return encodeDataEntries(w, *entries, t);
      },
      [opaqueDecode](Reader& in, const TypeRegistry& t, int depth) -> Result<Value> {
        if (opaqueDecode) {
          Reader probe = in;
          const std::size_t before = in.remaining();
          skipPairs(probe, t, depth);
          if (!probe.ok()) return probe.takeError();
          return opaqueDataEntries(std::string(in.raw(before - probe.remaining())));
        }
        auto entries = decodeDataEntries(in, t, depth);
        if (!entries) return entries.error();
        return dataEntriesValue(*entries);
      });
  types.registerCustom(
      std::string(kMetaAndDataEntriesName),
      [limits](Writer& w, const Value& v, const TypeRegistry& t) -> Result<void> {
        if (const Text* raw = opaquePayload(v, kMetaAndDataEntriesName)) {
          w.raw(raw->data);
          return {};
        }
        auto entries = metaAndDataEntriesFromValue(v, t, limits);
        if (!entries) return entries.error();
        return encodeMetaAndDataEntries(w, *entries, t);
      },
      [](Reader& in, const TypeRegistry& t, int depth) -> Result<Value> {
        // Cache replies are rare (once per acquire or layout change): decoded in full.
        auto entries = decodeMetaAndDataEntries(in, t, depth);
        if (!entries) return entries.error();
        return metaAndDataEntriesValue(*entries);
      });
}

}  // namespace doppel::wire
