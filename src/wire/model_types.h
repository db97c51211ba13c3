// The value types of QtRO's model adapter (protocol §9.3): IndexList, IndexValuePair,
// DataEntries and MetaAndDataEntries, as typed structs with a byte codec (the payload after the
// QVariant header) and conversions to and from the generic Value layout the TypeRegistry uses.
//
// Models are the one place where a single reply carries hundreds of thousands of values, so
// there is also an opaque form: Value::user("DataEntries", Text{payload bytes}). A registry
// with installModelCodecs() encodes it by copying the bytes (a host builds replies without a
// tree of Values) and, when asked, decodes replies into it (a model replica parses the bytes
// itself, keeping each row's data as its encoded bytes). Every decoder checks counts, nesting
// and the bytes left against Limits before allocating and fails with a Result.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "doppel/result.h"
#include "doppel/value.h"
#include "wire/data_stream.h"

namespace doppel::wire {

class TypeRegistry;

/// One step of a path from the model's root: QtRO's ModelIndex.
struct IndexEntry {
  std::int32_t row = 0;
  std::int32_t column = 0;
  friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};
/// QList<ModelIndex>: outermost ancestor first, the item itself last; empty = the root.
using IndexList = std::vector<IndexEntry>;

struct IndexValuePair {
  IndexList index;
  std::vector<Value> data;  ///< one value per requested role, in the request's order
  bool hasChildren = false;
  std::int32_t flags = 0;   ///< Qt::ItemFlags
  std::vector<IndexValuePair> children;  ///< only in cache replies
  std::int32_t columns = -1;  ///< QSize width: columns of the item's children; -1 in row replies
  std::int32_t rows = -1;     ///< QSize height
  friend bool operator==(const IndexValuePair&, const IndexValuePair&) = default;
};

struct DataEntries {
  std::vector<IndexValuePair> data;
  friend bool operator==(const DataEntries&, const DataEntries&) = default;
};

struct MetaAndDataEntries {
  std::vector<IndexValuePair> data;
  std::vector<std::int32_t> roles;
  std::int32_t columns = 0;  ///< of the root
  std::int32_t rows = 0;
  friend bool operator==(const MetaAndDataEntries&, const MetaAndDataEntries&) = default;
};

inline constexpr std::string_view kIndexListName = "QList<ModelIndex>";
inline constexpr std::string_view kDataEntriesName = "DataEntries";
inline constexpr std::string_view kMetaAndDataEntriesName = "MetaAndDataEntries";
inline constexpr std::string_view kIntListName = "QList<int>";
inline constexpr std::string_view kRoleNamesName = "QHash<int,QByteArray>";
inline constexpr std::string_view kOrientationListName = "QList<Qt::Orientation>";

// Payload codecs ----------------------------------------------------------------------------

void encodeIndexList(Writer& out, const IndexList& list);
Result<IndexList> decodeIndexList(Reader& in);
/// Fails only when a data value has a type the registry does not know.
Result<void> encodeIndexValuePair(Writer& out, const IndexValuePair& pair, const TypeRegistry& types);
Result<void> encodeDataEntries(Writer& out, const DataEntries& entries, const TypeRegistry& types);
Result<DataEntries> decodeDataEntries(Reader& in, const TypeRegistry& types, int depth = 0);
Result<void> encodeMetaAndDataEntries(Writer& out, const MetaAndDataEntries& entries,
                                      const TypeRegistry& types);
Result<MetaAndDataEntries> decodeMetaAndDataEntries(Reader& in, const TypeRegistry& types,
                                                    int depth = 0);

/// Reads one IndexValuePair keeping its data list as encoded bytes (u32 count + QVariants)
/// instead of Values: what a model replica stores per row. Children are read the same way.
struct RawIndexValuePair {
  IndexList index;
  std::string data;  ///< the QVariantList payload exactly as received
  std::uint32_t dataCount = 0;
  bool hasChildren = false;
  std::int32_t flags = 0;
  std::vector<RawIndexValuePair> children;
  std::int32_t columns = -1;
  std::int32_t rows = -1;
};
Result<std::vector<RawIndexValuePair>> decodeRawPairs(Reader& in, const TypeRegistry& types,
                                                      int depth = 0);
/// Reads a DataEntries payload and hands its top-level pairs to `each` one at a time (the same
/// object, refilled), without holding them all. The whole payload is checked first: on an error
/// `each` has not been called.
Result<void> forEachRawPair(Reader& in, const TypeRegistry& types,
                            const std::function<void(RawIndexValuePair&)>& each);
/// One top-level pair of a row reply, located in its payload without copying anything: what a
/// model replica stores per item (the data list's bytes, copied once into its cache).
struct RowPairRef {
  std::uint32_t depth = 0;   ///< steps of the pair's index
  IndexEntry last;           ///< the index's last step (row and column under the parent)
  std::uint32_t offset = 0;  ///< of the data list (u32 count + QVariants) in the payload
  std::uint32_t size = 0;
  std::int32_t flags = 0;
  bool hasChildren = false;
};
/// Reads a whole DataEntries payload into `out` (cleared first) in one pass, checking every
/// value, nesting and that nothing follows; children of a pair are checked and skipped. On an
/// error `out` is unspecified, so a caller stores nothing.
Result<void> scanRowPairs(std::string_view payload, const TypeRegistry& types, const Limits& limits,
                          std::vector<RowPairRef>& out);
/// The values of a RawIndexValuePair::data blob.
Result<std::vector<Value>> decodeDataBlob(std::string_view blob, const TypeRegistry& types,
                                          const Limits& limits);

// Values in the registry's layout --------------------------------------------------------------

Value indexListValue(const IndexList& list);
Result<IndexList> indexListFromValue(const Value& value);
Value intListValue(const std::vector<std::int32_t>& list);
/// QList<int> (also accepts QVariantList of integers).
Result<std::vector<std::int32_t>> intListFromValue(const Value& value);
Value roleNamesValue(const std::map<int, std::string>& names);
Result<std::map<int, std::string>> roleNamesFromValue(const Value& value);
/// QList<Qt::Orientation>: 1 = Horizontal, 2 = Vertical.
Value orientationListValue(const std::vector<std::int32_t>& list);
Value dataEntriesValue(const DataEntries& entries);
Value metaAndDataEntriesValue(const MetaAndDataEntries& entries);
/// Accepts the struct layout and the opaque form (decoded with `types` and `limits`).
Result<DataEntries> dataEntriesFromValue(const Value& value, const TypeRegistry& types,
                                         const Limits& limits);
Result<MetaAndDataEntries> metaAndDataEntriesFromValue(const Value& value,
                                                       const TypeRegistry& types,
                                                       const Limits& limits);

/// The opaque form: the encoded payload of a DataEntries / MetaAndDataEntries.
Value opaqueDataEntries(std::string payload);
Value opaqueMetaAndDataEntries(std::string payload);

/// Replaces the registry's DataEntries and MetaAndDataEntries with codecs that also write the
/// opaque form; with `opaqueDecode` they decode to it as well (after checking every byte).
void installModelCodecs(TypeRegistry& types, bool opaqueDecode);

}  // namespace doppel::wire
