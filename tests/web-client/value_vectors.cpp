// Cross-language check of doppel.js's codec: `value_vectors emit` prints "name hex" for a set of
// values encoded as QVariants by the C++ codec; `value_vectors roundtrip` reads "name hex" lines
// (written by JavaScript), decodes each with the C++ codec and prints it re-encoded, or
// "name ERROR message". The JavaScript test (web/client/test/crosslang.test.mjs) builds the
// same values itself, compares bytes both ways and re-encodes what C++ produced.
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "doppel/limits.h"
#include "doppel/value.h"
#include "wire/data_stream.h"
#include "wire/type_registry.h"
#include "wire/value_codec.h"

namespace {

using doppel::Value;

std::string toHex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

std::string fromHex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// The types both sides register: a gadget with an enum and a nested use in containers.
void registerTypes(doppel::wire::TypeRegistry& types) {
  doppel::GadgetDef pod{"MyPod", {{"a", "int"}, {"b", "QString"}}, {}};
  types.registerGadget(pod);
  doppel::EnumDef level{"Level", false, false, 1, {{"Low", 1}, {"High", 200}}};
  types.registerEnum("Lab::Level", level);
}

std::vector<std::pair<std::string, Value>> values() {
  using doppel::Date;
  using doppel::DateTime;
  using doppel::Time;
  std::vector<std::pair<std::string, Value>> v;
  v.emplace_back("invalid", Value());
  v.emplace_back("bool", Value::boolean(true));
  v.emplace_back("int", Value::int32(-2));
  v.emplace_back("uint", Value::uint32(4000000000u));
  v.emplace_back("qlonglong", Value::int64(std::numeric_limits<std::int64_t>::min() + 1));
  v.emplace_back("qulonglong", Value::uint64(std::numeric_limits<std::uint64_t>::max()));
  v.emplace_back("long", Value::long64(-3));
  v.emplace_back("ulong", Value::ulong64(5));
  v.emplace_back("short", Value::int16(-300));
  v.emplace_back("ushort", Value::uint16(65000));
  v.emplace_back("schar", Value::int8(-5));
  v.emplace_back("uchar", Value::uint8(250));
  v.emplace_back("char", Value::char8('x'));
  v.emplace_back("double", Value::float64(1.5));
  v.emplace_back("float", Value::float32(0.25f));
  v.emplace_back("qchar", Value::qchar(u'\u00e9'));
  v.emplace_back("string", Value::string("h\xC3\xA9llo \xF0\x9F\x98\x80"));
  v.emplace_back("string_empty", Value::string(""));
  v.emplace_back("string_null", Value::nullString());
  v.emplace_back("bytes", Value::bytes(std::string("a\0b", 3)));
  v.emplace_back("bytes_null", Value::nullBytes());
  v.emplace_back("url", Value::url("tcp://127.0.0.1:65213"));
  v.emplace_back("locale", Value::locale("de_DE"));
  v.emplace_back("stringlist", Value::stringList({"a", "", "c"}));
  v.emplace_back("bytearraylist", Value::byteArrayList({"x", "yz"}));
  v.emplace_back("variantlist", Value::list({Value::int32(1), Value::string("two"), Value()}));
  v.emplace_back("variantmap", Value::map({{Value::string("b"), Value::int32(2)},
                                           {Value::string("a"), Value::float64(1.0)}}));
  v.emplace_back("varianthash", Value::hash({{Value::string("k"), Value::boolean(false)}}));
  v.emplace_back("date", Value::date(Date::fromYmd(2023, 1, 2)));
  v.emplace_back("date_null", Value::date(Date{}));
  v.emplace_back("time", Value::time(Time::fromHms(1, 2, 3, 4)));
  v.emplace_back("time_null", Value::time(Time{}));
  v.emplace_back("datetime_utc", Value::dateTime(DateTime{Date::fromYmd(2024, 2, 29), Time::fromHms(23, 59, 59, 999),
                                                           DateTime::Spec::Utc, 0, ""}));
  v.emplace_back("datetime_offset", Value::dateTime(DateTime{Date::fromYmd(2000, 1, 1), Time::fromHms(0, 0, 0),
                                                              DateTime::Spec::OffsetFromUtc, 3600, ""}));
  v.emplace_back("datetime_zone", Value::dateTime(DateTime{Date::fromYmd(2020, 6, 1), Time::fromHms(12, 0, 0),
                                                            DateTime::Spec::TimeZone, 0, "Europe/Berlin"}));
  v.emplace_back("rect", Value::rect(1, 2, 3, 4));
  v.emplace_back("rectf", Value::rectF(0.5, 1.5, 2.5, 3.5));
  v.emplace_back("size", Value::size(640, 480));
  v.emplace_back("sizef", Value::sizeF(1.25, 2.5));
  v.emplace_back("point", Value::point(-1, 7));
  v.emplace_back("pointf", Value::pointF(0.1, 0.2));
  v.emplace_back("line", Value::line(1, 2, 3, 4));
  v.emplace_back("linef", Value::lineF(1.5, 2.5, 3.5, 4.5));
  v.emplace_back("uuid", Value::uuid(doppel::Uuid{0x12345678, 0x9abc, 0xdef0, {1, 2, 3, 4, 5, 6, 7, 8}}));
  v.emplace_back("bitarray", Value::bitArray(doppel::BitArray{9, std::string("\xff\x01", 2)}));
  v.emplace_back("nullptr", Value::nullptrValue());
  v.emplace_back("list_int", Value::userList("QList<int>", {Value::int32(1), Value::int32(-1)}));
  v.emplace_back("list_qint64", Value::userList("QList<qlonglong>", {Value::int64(1LL << 40)}));
  v.emplace_back("map_qstring_int", Value::userMap("QMap<QString,int>", {{Value::string("x"), Value::int32(1)},
                                                                          {Value::string("y"), Value::int32(2)}}));
  v.emplace_back("hash_int_bytes", Value::userMap("QHash<int,QByteArray>", {{Value::int32(256), Value::bytes("display")}}));
  v.emplace_back("pair", Value::userList("std::pair<QString,int>", {Value::string("p"), Value::int32(9)}));
  v.emplace_back("gadget", Value::userList("MyPod", {Value::int32(5), Value::string("five")}));
  v.emplace_back("list_gadget", Value::userList("QList<MyPod>", {Value::userList("MyPod", {Value::int32(1), Value::string("one")})}));
  v.emplace_back("enum_level", Value::enumValue("Lab::Level", 200, 1));
  v.emplace_back("nested", Value::list({Value::list({Value::userList("QList<int>", {Value::int32(3)})}),
                                        Value::map({{Value::string("m"), Value::nullString()}})}));
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "emit";
  doppel::wire::TypeRegistry types;
  registerTypes(types);
  if (mode == "emit") {
    for (const auto& [name, value] : values()) {
      doppel::wire::Writer w;
      if (auto r = doppel::wire::encodeVariant(w, value, types); !r) {
        std::printf("%s ERROR %s\n", name.c_str(), r.error().toString().c_str());
        continue;
      }
      std::printf("%s %s\n", name.c_str(), toHex(w.buffer()).c_str());
    }
    return 0;
  }
  if (mode != "roundtrip") {
    std::fprintf(stderr, "usage: value_vectors emit|roundtrip\n");
    return 2;
  }
  const doppel::Limits limits;
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string name;
    std::string hex;
    in >> name >> hex;
    if (name.empty()) continue;
    const std::string bytes = fromHex(hex);
    doppel::wire::Reader r(bytes, doppel::wire::ByteOrder::Little, limits);
    auto value = doppel::wire::decodeVariant(r, types);
    if (!value) {
      std::printf("%s ERROR %s\n", name.c_str(), value.error().toString().c_str());
      continue;
    }
    doppel::wire::Writer w;
    if (auto e = doppel::wire::encodeVariant(w, *value, types); !e) {
      std::printf("%s ERROR %s\n", name.c_str(), e.error().toString().c_str());
      continue;
    }
    std::printf("%s %s\n", name.c_str(), toHex(w.buffer()).c_str());
  }
  return 0;
}
