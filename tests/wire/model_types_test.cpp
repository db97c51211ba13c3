// The model value types (protocol §9.3): exact bytes, the opaque form, and limits on input.
#include <gtest/gtest.h>

#include "wire/model_types.h"
#include "wire_test_util.h"

namespace doppel::wire {
namespace {

const Limits kLimits{};  // a Reader keeps a reference to its limits

using test::fromHex;

// §9.3's verified row reply: [{index [(0,0)], data [QString "m0"], hasChildren 0, flags 47,
// children [], size (-1,-1)}].
const std::string kRowReply = fromHex(
    "01000000"                                // one pair
    "01000000 00000000 00000000"              // index [(0,0)]
    "01000000 0a000000 00 04000000 6d003000"  // data [QString "m0"]
    "00 2f000000 00000000"                    // hasChildren, flags 47, no children
    "ffffffff ffffffff");                     // QSize(-1,-1)

DataEntries rowReply() {
  IndexValuePair p;
  p.index = {{0, 0}};
  p.data = {Value::string("m0")};
  p.flags = 47;
  return DataEntries{{p}};
}

TEST(ModelTypes, DataEntriesAreByteExact) {
  TypeRegistry types;
  Writer w;
  ASSERT_TRUE(encodeDataEntries(w, rowReply(), types));
  EXPECT_EQ(w.buffer(), kRowReply);
  Reader in(kRowReply, ByteOrder::Little, kLimits);
  auto back = decodeDataEntries(in, types);
  ASSERT_TRUE(back.ok()) << back.error().toString();
  EXPECT_TRUE(in.atEnd());
  EXPECT_EQ(*back, rowReply());
}

TEST(ModelTypes, StructValueAndOpaqueFormEncodeTheSameBytes) {
  TypeRegistry plain;
  TypeRegistry fast;
  installModelCodecs(fast, true);
  Writer a;
  ASSERT_TRUE(encodeVariant(a, dataEntriesValue(rowReply()), plain));
  Writer b;
  ASSERT_TRUE(encodeVariant(b, opaqueDataEntries(kRowReply), fast));
  Writer c;
  ASSERT_TRUE(encodeVariant(c, dataEntriesValue(rowReply()), fast));
  EXPECT_EQ(a.buffer(), b.buffer());
  EXPECT_EQ(a.buffer(), c.buffer());
  // The fast registry reads it back as the opaque form; the plain one as nested structs.
  Reader in(a.buffer(), ByteOrder::Little, kLimits);
  auto v = decodeVariant(in, fast);
  ASSERT_TRUE(v.ok());
  ASSERT_NE(v->get<Text>(), nullptr);
  EXPECT_EQ(v->get<Text>()->data, kRowReply);
  auto typed = dataEntriesFromValue(*v, fast, kLimits);
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(*typed, rowReply());
}

TEST(ModelTypes, RawPairsKeepEachItemsDataBytes) {
  TypeRegistry types;
  Reader in(kRowReply, ByteOrder::Little, kLimits);
  auto raw = decodeRawPairs(in, types);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(raw->size(), 1u);
  EXPECT_EQ((*raw)[0].flags, 47);
  auto values = decodeDataBlob((*raw)[0].data, types, kLimits);
  ASSERT_TRUE(values.ok());
  ASSERT_EQ(values->size(), 1u);
  EXPECT_EQ((*values)[0].toString(), "m0");
}

TEST(ModelTypes, ScannedRowPairsPointAtEachItemsDataBytes) {
  TypeRegistry types;
  IndexValuePair second;
  second.index = {{4, 1}, {7, 0}};
  // Fast-path types, a null string and one the full decoder checks (a short).
  second.data = {Value::int32(-3), Value::string(""), Value::nullString(), Value::boolean(true),
                 Value::float64(2.5), Value::int16(-7)};
  second.hasChildren = true;
  second.flags = 35;
  DataEntries entries = rowReply();
  entries.data.push_back(second);
  Writer w;
  ASSERT_TRUE(encodeDataEntries(w, entries, types));
  std::vector<RowPairRef> refs;
  ASSERT_TRUE(scanRowPairs(w.buffer(), types, kLimits, refs).ok());
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0].depth, 1u);
  EXPECT_EQ(refs[0].last, (IndexEntry{0, 0}));
  EXPECT_EQ(refs[0].flags, 47);
  EXPECT_FALSE(refs[0].hasChildren);
  EXPECT_EQ(refs[1].depth, 2u);
  EXPECT_EQ(refs[1].last, (IndexEntry{7, 0}));
  EXPECT_EQ(refs[1].flags, 35);
  EXPECT_TRUE(refs[1].hasChildren);
  for (std::size_t i = 0; i < refs.size(); ++i) {
    auto values = decodeDataBlob(std::string_view(w.buffer()).substr(refs[i].offset, refs[i].size), types, kLimits);
    ASSERT_TRUE(values.ok()) << i;
    EXPECT_EQ(*values, entries.data[i].data) << i;
  }
}

TEST(ModelTypes, ScanningRefusesWhatTheDecoderRefuses) {
  TypeRegistry types;
  std::vector<RowPairRef> refs;
  // Truncated anywhere, a trailing byte, an odd QString length, an unknown type id.
  for (std::size_t n = 0; n < kRowReply.size(); ++n)
    EXPECT_FALSE(scanRowPairs(kRowReply.substr(0, n), types, kLimits, refs).ok()) << n;
  EXPECT_FALSE(scanRowPairs(kRowReply + '\0', types, kLimits, refs).ok());
  std::string odd = kRowReply;
  odd[25] = 3;  // the QString's byte count
  EXPECT_FALSE(scanRowPairs(odd, types, kLimits, refs).ok());
  std::string unknown = kRowReply;
  unknown.replace(20, 4, std::string("\x00\x00\xff\x7f", 4));  // the QVariant's type id
  EXPECT_FALSE(scanRowPairs(unknown, types, kLimits, refs).ok());
  EXPECT_TRUE(scanRowPairs(kRowReply, types, kLimits, refs).ok());
}

TEST(ModelTypes, MetaAndDataEntriesWithChildrenRoundTrip) {
  TypeRegistry types;
  MetaAndDataEntries m;
  IndexValuePair parent;
  parent.index = {{0, 0}};
  parent.data = {Value::int32(1)};
  parent.hasChildren = true;
  parent.columns = 1;
  parent.rows = 1;
  IndexValuePair child;
  child.index = {{0, 0}, {0, 0}};
  child.data = {Value::int32(2)};
  child.columns = 0;
  child.rows = 0;
  parent.children = {child};
  m.data = {parent};
  m.roles = {0};
  m.columns = 1;
  m.rows = 1;
  Writer w;
  ASSERT_TRUE(encodeMetaAndDataEntries(w, m, types));
  Reader in(w.buffer(), ByteOrder::Little, kLimits);
  auto back = decodeMetaAndDataEntries(in, types);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(in.atEnd());
  EXPECT_EQ(*back, m);
  auto fromValue = metaAndDataEntriesFromValue(metaAndDataEntriesValue(m), types, kLimits);
  ASSERT_TRUE(fromValue.ok());
  EXPECT_EQ(*fromValue, m);
}

TEST(ModelTypes, AbsurdCountsFailBeforeAllocating) {
  TypeRegistry types;
  const std::string bytes = fromHex("ffffffff 00000000");
  Reader in(bytes, ByteOrder::Little, kLimits);
  auto r = decodeDataEntries(in, types);
  ASSERT_FALSE(r.ok());
  const std::string hugeIndex = fromHex("01000000 ffffff7f");  // outlives the Reader
  Reader in2(hugeIndex, ByteOrder::Little, kLimits);
  EXPECT_FALSE(decodeIndexList(in2).ok());
}

TEST(ModelTypes, DeepNestingIsALimitNotACrash) {
  TypeRegistry types;
  // Each level: an empty index, no data, hasChildren, flags, then one child...
  std::string bytes = fromHex("01000000");
  const int depth = 200;
  for (int i = 0; i < depth; ++i) bytes += fromHex("00000000 00000000 01 00000000 01000000");
  Limits limits;
  limits.maxValueDepth = 32;
  Reader in(bytes, ByteOrder::Little, limits);
  auto r = decodeDataEntries(in, types);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(r.error().code == ErrorCode::LimitExceeded || r.error().code == ErrorCode::Truncated);
}

TEST(ModelTypes, TruncatedInputFails) {
  TypeRegistry types;
  for (std::size_t n = 0; n < kRowReply.size(); ++n) {
    Reader in(std::string_view(kRowReply).substr(0, n), ByteOrder::Little, kLimits);
    EXPECT_FALSE(decodeDataEntries(in, types).ok()) << n;
  }
}

TEST(ModelTypes, ValueHelpersReadWhatTheyWrite) {
  auto list = indexListFromValue(indexListValue({{1, 2}, {3, 4}}));
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(*list, (IndexList{{1, 2}, {3, 4}}));
  auto ints = intListFromValue(intListValue({5, -6}));
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(*ints, (std::vector<std::int32_t>{5, -6}));
  auto names = roleNamesFromValue(roleNamesValue({{0, "display"}, {257, "done"}}));
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(names->at(257), "done");
  EXPECT_FALSE(indexListFromValue(Value::int32(3)).ok());
  EXPECT_FALSE(intListFromValue(Value::string("x")).ok());
}

}  // namespace
}  // namespace doppel::wire
