// Prints frames produced by our encoder, one per line as "<hex> <expected text>", for
// oracle_check.py to dissect with the independent Python decoder (shared/tools/qtro_wire.py).
#include <cstdio>
#include <string>
#include <vector>

#include "wire/packets.h"

namespace {

using namespace doppel;
using namespace doppel::wire;

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

}  // namespace

int main() {
  TypeRegistry types;
  ClassInterface iface = InterfaceBuilder("Lab")
                             .enumeration(EnumDef{"Mode", false, false, 4, {{"Off", 0}, {"On", 2}}})
                             .gadget(GadgetDef{"MyPod", {{"a", "int"}, {"b", "QString"}}, {}})
                             .property("pod", "MyPod")
                             .property("text", "QString", PropertyMode::ReadWrite)
                             .signal("pinged", {{"msg", "QString"}, {"n", "int"}})
                             .slot("add", {{"a", "int"}, {"b", "int"}}, "int")
                             .build();
  types.registerInterface(iface);
  const Value pod = Value::userList("MyPod", {Value::int32(5), Value::string("five")});
  DateTime dt;
  dt.date = Date::fromYmd(2023, 1, 2);
  dt.time = Time::fromHms(1, 2, 3, 4);
  dt.spec = DateTime::Spec::OffsetFromUtc;
  dt.offsetSeconds = 3600;
  const Value index = Value::userList(
      "QList<ModelIndex>", {Value::userList("ModelIndex", {Value::int32(0), Value::int32(1)})});
  const Value info = Value::userList("QRemoteObjectSourceLocationInfo",
                                     {Value::string("Lab"), Value::url("tcp://127.0.0.1:65410")});

  struct Case {
    Packet packet;
    const char* expect;
  };
  std::vector<Case> cases;
  cases.push_back({Handshake{}, "Handshake(1) name='QtRO 2.0'"});
  cases.push_back({ObjectList{{{"Lab", Text{"Lab", false}, Text{"abc", false}},
                               {"Plain", Text{{}, true}, Text{{}, true}}}},
                   "name='Plain' type=None signature=None"});
  cases.push_back({AddObject{"Lab", true}, "isDynamic=True"});
  cases.push_back({InitDynamicPacket{"Lab", iface, {pod, Value::string("hi")}},
                   "prop[0] = MyPod([int(5), QString('five')])"});
  cases.push_back(
      {InvokePacket{"Lab",
                    InvokeCall::InvokeMetaMethod,
                    3,
                    {Value::boolean(true), Value::int32(-2), Value::uint32(7), Value::int64(-3),
                     Value::uint64(9), Value::float64(1.5), Value::float32(2.5f),
                     Value::qchar(u'A'), Value::long64(-4), Value::ulong64(4), Value::int16(-5),
                     Value::uint16(5), Value::char8('c'), Value::int8(-56), Value::uint8(200)},
                    1,
                    -1},
       "signed char(-56), uchar(200)] serialId=1 propertyIndex=-1"});
  cases.push_back(
      {InvokePacket{"Lab",
                    InvokeCall::InvokeMetaMethod,
                    4,
                    {Value::string("z\xc3\xa9"), Value::nullString(), Value::bytes("ab"),
                     Value::stringList({"a", "b"}), Value::byteArrayList({"x"}),
                     Value::list({Value::int32(1), Value()}),
                     Value::map({{Value::string("k"), Value::int32(1)}}),
                     Value::hash({{Value::string("h"), Value::nullptrValue()}})},
                    2,
                    -1},
       "QString('zé'), QString(None), QByteArray(b'ab')"});
  cases.push_back(
      {InvokePacket{"Lab",
                    InvokeCall::InvokeMetaMethod,
                    5,
                    {Value::date(Date::fromYmd(2023, 1, 2)), Value::time(Time::fromHms(1, 2, 3, 4)),
                     Value::dateTime(dt), Value::url("tcp://127.0.0.1:65213"),
                     Value::locale("de_DE"), Value::rect(1, 2, 3, 4), Value::rectF(0.5, 1, 2, 3),
                     Value::size(3, 4), Value::sizeF(1, 2), Value::line(1, 2, 3, 4),
                     Value::lineF(1, 2, 3, 4), Value::point(-1, 2), Value::pointF(0.5, 0.25),
                     Value::uuid(Uuid{1, 2, 3, {4, 5, 6, 7, 8, 9, 10, 11}}),
                     Value::bitArray(BitArray{10, std::string("\x05\x02", 2)})},
                    3,
                    -1},
       "QRect((1, 2, 3, 5))"});
  cases.push_back({InvokeReplyPacket{"Lab", 3, Value::userList("QList<MyPod>", {pod, pod})},
                   "QRemoteObjectPackets::QSQ_({'typeName': b'QList<MyPod>'"});
  cases.push_back(
      {PropertyChangePacket{"Lab", 0, Value::userMap("QMap<int,MyPod>", {{Value::int32(1), pod}})},
       "QRemoteObjectPackets::QAS_({'typeName': b'QMap<int,MyPod>'"});
  cases.push_back(
      {InvokePacket{
           "TopModel",
           InvokeCall::InvokeMetaMethod,
           1,
           {index, Value::userList("QList<int>", {Value::int32(0)}),
            Value::userList("QList<Qt::Orientation>", {Value::int32(1)}),
            Value::userMap("QHash<int,QByteArray>", {{Value::int32(0), Value::bytes("display")}}),
            Value::userMap("QMap<QString,int>", {{Value::string("b"), Value::int32(2)},
                                                 {Value::string("a"), Value::int32(1)}})},
           2,
           -1},
       "QMap<QString,int>({'a': 1, 'b': 2})"});
  const Value entries = Value::userList(
      "DataEntries",
      {Value::userList(
          "QList<IndexValuePair>",
          {Value::userList(
              "IndexValuePair",
              {index, Value::list({Value::string("m0")}), Value::boolean(false), Value::int32(47),
               Value::userList("QList<IndexValuePair>", {}), Value::size(-1, -1)})})});
  cases.push_back({InvokeReplyPacket{"TopModel", 2, entries}, "'flags': 47"});
  cases.push_back(
      {InvokeReplyPacket{
           "TopModel", 3,
           Value::userList("MetaAndDataEntries",
                           {entries.toList()[0], Value::userList("QList<int>", {Value::int32(0)}),
                            Value::size(1, 100)})},
       "'roles': [0], 'size': (1, 100)"});
  cases.push_back({InitPacket{"Registry",
                              {Value::userMap("QHash<QString,QRemoteObjectSourceLocationInfo>",
                                              {{Value::string("Lab"), info}})}},
                   "'hostUrl': b'tcp://127.0.0.1:65410'"});
  cases.push_back(
      {InvokePacket{"Registry",
                    InvokeCall::InvokeMetaMethod,
                    0,
                    {Value::userList("std::pair<QString,QRemoteObjectSourceLocationInfo>",
                                     {Value::string("Lab"), info})},
                    -1,
                    -1},
       "std::pair<QString,QRemoteObjectSourceLocationInfo>(('Lab'"});
  cases.push_back(
      {InitPacket{"Lab",
                  {Value::userList("QRemoteObjectPackets::QRO_",
                                   {Value::string("Class::Lab::child"), Value::string("Child"),
                                    Value::uint8(0), Value::nullBytes(), Value::boolean(false),
                                    Value::bytes(std::string("\0\0\0\0", 4))})}},
       "'name': 'Class::Lab::child'"});
  cases.push_back(
      {InvokePacket{
           "Lab", InvokeCall::WriteProperty, 1, {Value::enumValue("Lab::Mode", 2)}, -1, -1},
       "call=2 index=1 args=[int(2)]"});
  cases.push_back({Ping{"Lab"}, "Ping(10) name='Lab'"});
  cases.push_back({Pong{"Lab"}, "Pong(11) name='Lab'"});
  cases.push_back({RemoveObject{"Lab"}, "RemoveObject(5) name='Lab'"});

  for (const auto& c : cases) {
    std::string out;
    auto r = encodePacket(out, c.packet, types);
    if (!r) {
      std::fprintf(stderr, "encode failed: %s\n", r.error().toString().c_str());
      return 1;
    }
    std::printf("%s %s\n", toHex(out).c_str(), c.expect);
  }
  return 0;
}
