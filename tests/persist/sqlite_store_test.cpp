// The SQLite store and the persisted-value encoding: every kind of value round-trips through a
// file and a reopen; type keys refuse values written for another layout; bad, foreign, corrupt
// and locked files give clear errors.
#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "core/persisted_properties.h"
#include "doppel/sqlite_store.h"
#include "wire/type_registry.h"

namespace doppel {
namespace {

namespace fs = std::filesystem;

/// A fresh directory per test, removed afterwards.
class TempDir {
public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "doppel-persist-XXXXXX").string();
    m_path = ::mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(m_path, ec);
  }
  std::string file(const std::string& name) const { return (fs::path(m_path) / name).string(); }

private:
  std::string m_path;
};

wire::TypeRegistry registryWithUserTypes() {
  wire::TypeRegistry types;
  types.registerGadget(GadgetDef{"Reading", {{"sensor", "QString"}, {"value", "double"}}, {}});
  types.registerEnum("Lab::Mode", EnumDef{"Mode", false, false, 4, {{"Off", 0}, {"On", 7}}});
  types.registerEnum("Lab::Small", EnumDef{"Small", false, true, 1, {{"A", 0}, {"B", -3}}});
  types.registerStruct("Pair2", {{"a", "int"}, {"b", "QString"}});
  return types;
}

struct Sample {
  std::string type;
  Value value;
};

std::vector<Sample> samples() {
  const Value reading = Value::userList("Reading", {Value::string("t1"), Value::float64(1.5)});
  return {
      {"bool", Value::boolean(true)},
      {"int", Value::int32(-42)},
      {"uint", Value::uint32(4000000000u)},
      {"qlonglong", Value::int64(-(1LL << 40))},
      {"qulonglong", Value::uint64(1ULL << 63)},
      {"short", Value::int16(-7)},
      {"uchar", Value::uint8(200)},
      {"double", Value::float64(3.25)},
      {"float", Value::float32(0.5f)},
      {"QChar", Value::qchar(u'\u00e9')},
      {"QString", Value::string("héllo, wörld")},
      {"QString", Value::nullString()},
      {"QString", Value::string("")},
      {"QByteArray", Value::bytes(std::string("\0\xff\x01", 3))},
      {"QByteArray", Value::bytes("")},
      {"QStringList", Value::stringList({"a", "", "c"})},
      {"QUrl", Value::url("https://example.org/a?b=c")},
      {"QDate", Value::date(Date::fromYmd(2026, 11, 24))},
      {"QPoint", Value::point(-1, 2)},
      {"QPointF", Value::pointF(0.25, -8)},
      {"QSize", Value::size(640, 480)},
      {"QRectF", Value::rectF(1, 2, 3, 4)},
      {"QLine", Value::line(1, 2, 3, 4)},
      {"QVariantList", Value::list({Value::int32(1), Value::string("two")})},
      {"QVariantMap", Value::map({{Value::string("k"), Value::float64(2)}})},
      {"QVariant", Value::string("inside a variant")},
      {"QList<int>", Value::userList("QList<int>", {Value::int32(3), Value::int32(-1)})},
      {"QMap<QString,int>",
       Value::userMap("QMap<QString,int>", {{Value::string("a"), Value::int32(1)},
                                            {Value::string("b"), Value::int32(2)}})},
      {"Reading", reading},
      {"QList<Reading>", Value::userList("QList<Reading>", {reading, reading})},
      {"Lab::Mode", Value::enumValue("Lab::Mode", 7)},
      {"Lab::Small", Value::enumValue("Lab::Small", -3, 1)},
      {"Pair2", Value::userList("Pair2", {Value::int32(9), Value::string("nine")})},
  };
}

TEST(PersistedEncoding, EveryKindOfValueRoundTripsThroughTheSqliteFile) {
  TempDir dir;
  const auto types = registryWithUserTypes();
  const auto all = samples();
  {
    auto store = openSqliteStore(dir.file("s.sqlite"));
    ASSERT_TRUE(store) << store.error().toString();
    for (std::size_t i = 0; i < all.size(); ++i) {
      auto stored = detail::encodePersisted(all[i].value, all[i].type, types);
      ASSERT_TRUE(stored) << all[i].type << ": " << stored.error().toString();
      ASSERT_TRUE((*store)->save("Obj", "p" + std::to_string(i), *stored));
    }
  }
  auto store = openSqliteStore(dir.file("s.sqlite"));
  ASSERT_TRUE(store) << store.error().toString();
  for (std::size_t i = 0; i < all.size(); ++i) {
    auto loaded = (*store)->load("Obj", "p" + std::to_string(i));
    ASSERT_TRUE(loaded);
    ASSERT_TRUE(loaded->has_value()) << i;
    auto value = detail::decodePersisted(**loaded, all[i].type, types);
    ASSERT_TRUE(value) << all[i].type << ": " << value.error().toString();
    EXPECT_EQ(*value, all[i].value) << all[i].type;
    EXPECT_EQ(value->typeName(), all[i].value.typeName()) << all[i].type;
    // The exact bytes again: nothing is normalised on the way.
    EXPECT_EQ(detail::encodePersisted(*value, all[i].type, types)->bytes, (*loaded)->bytes);
  }
  auto missing = (*store)->load("Obj", "nothing");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(missing->has_value());
}

TEST(PersistedEncoding, SaveReplacesTheValueAndKeysAreObjectAndProperty) {
  TempDir dir;
  auto store = openSqliteStore(dir.file("s.sqlite"));
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->save("A", "x", StoredValue{"int", "1111"}));
  ASSERT_TRUE((*store)->save("A", "x", StoredValue{"int", "2222"}));
  ASSERT_TRUE((*store)->save("B", "x", StoredValue{"int", "3333"}));
  ASSERT_TRUE((*store)->save("A", "y", StoredValue{"QString", ""}));
  EXPECT_EQ((*store)->load("A", "x")->value(), (StoredValue{"int", "2222"}));
  EXPECT_EQ((*store)->load("B", "x")->value(), (StoredValue{"int", "3333"}));
  EXPECT_EQ((*store)->load("A", "y")->value(), (StoredValue{"QString", ""}));
}

TEST(PersistedEncoding, TypeKeysDescribeUserTypeLayouts) {
  auto types = registryWithUserTypes();
  EXPECT_EQ(detail::persistedTypeKey("int", types), "int");
  EXPECT_EQ(detail::persistedTypeKey("QMap<QString, int>", types), "QMap<QString,int>");
  EXPECT_EQ(detail::persistedTypeKey("QList<Reading>", types),
            "QList<Reading>|Reading{QString sensor;double value}");
  EXPECT_EQ(detail::persistedTypeKey("Lab::Small", types), "Lab::Small|Lab::Small{enum1}");

  const Value reading = Value::userList("Reading", {Value::string("t1"), Value::float64(1.5)});
  auto stored = detail::encodePersisted(reading, "Reading", types);
  ASSERT_TRUE(stored);
  // The application changed the gadget: the old bytes must not be read into the new layout.
  wire::TypeRegistry changed;
  changed.registerGadget(GadgetDef{"Reading", {{"value", "double"}, {"sensor", "QString"}}, {}});
  auto refused = detail::decodePersisted(*stored, "Reading", changed);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::WrongType);
  EXPECT_NE(refused.error().reason.find("Reading{QString sensor;double value}"), std::string::npos)
      << refused.error().reason;
  // A property whose type changed from int to double.
  auto asInt = detail::encodePersisted(Value::int32(5), "int", types);
  EXPECT_FALSE(detail::decodePersisted(*asInt, "double", types));
}

TEST(PersistedEncoding, TruncatedOrLongBytesAreRefused) {
  const auto types = registryWithUserTypes();
  auto stored = detail::encodePersisted(Value::string("abcdef"), "QString", types);
  ASSERT_TRUE(stored);
  StoredValue cut = *stored;
  cut.bytes.resize(cut.bytes.size() - 1);
  EXPECT_FALSE(detail::decodePersisted(cut, "QString", types));
  StoredValue extra = *stored;
  extra.bytes += "x";
  auto r = detail::decodePersisted(extra, "QString", types);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().reason.find("left after the value"), std::string::npos);
}

// Bad files ---------------------------------------------------------------------------------

TEST(SqliteStoreFiles, APathThatCannotBeOpenedIsAnError) {
  TempDir dir;
  auto store = openSqliteStore(dir.file("no/such/dir/s.sqlite"));
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().reason.find("cannot open"), std::string::npos) << store.error().reason;
  EXPECT_NE(store.error().reason.find("no/such/dir/s.sqlite"), std::string::npos);
}

TEST(SqliteStoreFiles, AFileThatIsNotADatabaseIsRefusedAndLeftAlone) {
  TempDir dir;
  const std::string path = dir.file("notes.txt");
  const std::string text(4096, 'x');
  std::ofstream(path) << text;
  auto store = openSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::Malformed);
  EXPECT_NE(store.error().reason.find("not a database"), std::string::npos)
      << store.error().reason;
  std::ifstream in(path);
  const std::string after((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(after, text);
}

TEST(SqliteStoreFiles, ADatabaseOfAnotherApplicationIsRefused) {
  TempDir dir;
  const std::string path = dir.file("other.sqlite");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "PRAGMA application_id = 1234; CREATE TABLE t(x);", nullptr, nullptr,
                         nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = openSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().reason.find("another application"), std::string::npos)
      << store.error().reason;
}

TEST(SqliteStoreFiles, ACorruptDatabaseIsRefused) {
  TempDir dir;
  const std::string path = dir.file("s.sqlite");
  {
    auto store = openSqliteStore(path);
    ASSERT_TRUE(store);
    // Enough rows for the table to span several pages.
    for (int i = 0; i < 200; ++i)
      ASSERT_TRUE((*store)->save("Obj", "p" + std::to_string(i),
                                 StoredValue{"QString", std::string(100, 'v')}));
  }
  ASSERT_GT(fs::file_size(path), 8192u);
  {
    // Scribble over the second page (the table's b-tree), keep the header intact.
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(4096 + 8);
    const std::string junk(512, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto store = openSqliteStore(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::Malformed) << store.error().toString();
  EXPECT_TRUE(store.error().reason.find("corrupt") != std::string::npos ||
              store.error().reason.find("malformed") != std::string::npos)
      << store.error().reason;
}

TEST(SqliteStoreFiles, ALockedFileFailsTheSaveAfterTheBusyTimeoutThenRecovers) {
  TempDir dir;
  const std::string path = dir.file("s.sqlite");
  auto store = openSqliteStore(path, SqliteStoreOptions{std::chrono::milliseconds(20), false});
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->save("Obj", "x", StoredValue{"int", "1"}));

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  auto saved = (*store)->save("Obj", "x", StoredValue{"int", "2"});
  ASSERT_FALSE(saved);
  EXPECT_EQ(saved.error().code, ErrorCode::Timeout);
  EXPECT_NE(saved.error().reason.find("locked"), std::string::npos) << saved.error().reason;
  // Readers are not blocked in WAL mode.
  EXPECT_EQ((*store)->load("Obj", "x")->value().bytes, "1");
  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);

  ASSERT_TRUE((*store)->save("Obj", "x", StoredValue{"int", "3"}));
  EXPECT_EQ((*store)->load("Obj", "x")->value().bytes, "3");
}

TEST(SqliteStoreFiles, AFileLockedAtOpenIsAnError) {
  TempDir dir;
  const std::string path = dir.file("s.sqlite");
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  // A rollback-journal database held exclusively: nobody else can even read it.
  ASSERT_EQ(sqlite3_exec(other, "CREATE TABLE t(x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1);",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  auto store = openSqliteStore(path, SqliteStoreOptions{std::chrono::milliseconds(20), false});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, ErrorCode::Timeout) << store.error().toString();
  EXPECT_NE(store.error().reason.find("locked"), std::string::npos) << store.error().reason;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
}

TEST(MemoryStore, KeepsTheLastValuePerObjectAndProperty) {
  MemoryPropertyStore store;
  ASSERT_TRUE(store.save("A", "x", StoredValue{"int", "1"}));
  ASSERT_TRUE(store.save("A", "x", StoredValue{"int", "2"}));
  EXPECT_EQ(store.load("A", "x")->value(), (StoredValue{"int", "2"}));
  EXPECT_FALSE(store.load("A", "y")->has_value());
  EXPECT_EQ(store.saveCount(), 2u);
  EXPECT_EQ(store.size(), 1u);
}

}  // namespace
}  // namespace doppel
