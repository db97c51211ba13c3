#include "wire/packets.h"

#include <gtest/gtest.h>

#include "appendix_a_vectors.h"
#include "wire_test_util.h"

namespace doppel::wire {
namespace {

using test::fromHex;
using test::kAppendixA;
using test::toHex;

std::string frameHex(std::string_view name) {
  for (const auto& v : kAppendixA) {
    if (v.name == name) return std::string(v.hex);
  }
  ADD_FAILURE() << "no vector " << name;
  return {};
}

class Packets : public ::testing::Test {
protected:
  /// Decodes a whole frame (size field included) with a fresh registry.
  Result<Packet> decodeFrame(const std::string& hex) {
    const std::string bytes = fromHex(hex);
    EXPECT_GE(bytes.size(), 4u);
    return decodePacket(std::string_view(bytes).substr(4), types, limits);
  }

  std::string encodeHex(const Packet& p) {
    std::string out;
    auto r = encodePacket(out, p, types);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().toString());
    return toHex(out);
  }

  TypeRegistry types;
  Limits limits;
};

TEST_F(Packets, EveryAppendixAFrameRoundTripsByteExactly) {
  for (const auto& v : kAppendixA) {
    SCOPED_TRACE(v.description);
    TypeRegistry fresh;
    const std::string bytes = fromHex(v.hex);
    auto packet = decodePacket(std::string_view(bytes).substr(4), fresh, limits);
    ASSERT_TRUE(packet.ok()) << packet.error().toString();
    std::string out;
    auto r = encodePacket(out, *packet, fresh);
    ASSERT_TRUE(r.ok()) << r.error().toString();
    EXPECT_EQ(toHex(out), v.hex);
  }
}

TEST_F(Packets, HandshakeCarriesTheVersionInTheNameField) {
  EXPECT_EQ(encodeHex(Handshake{}), frameHex("A1_handshake"));
  auto p = decodeFrame(frameHex("A1_handshake"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<Handshake>(*p).version, "QtRO 2.0");
  EXPECT_EQ(packetType(*p), PacketType::Handshake);
}

TEST_F(Packets, ObjectListHasNoNameFieldAndKeepsNullTexts) {
  ObjectList list;
  list.objects.push_back(
      {"Lab", Text{"Lab", false}, Text{"35d1f40e3f7c9ecdce0a8187f68c47cb657cce96", false}});
  list.objects.push_back({"Plain", Text{{}, true}, Text{{}, true}});
  list.objects.push_back({"TopModel", Text{"QAbstractItemModelAdapter", false}, Text{{}, true}});
  EXPECT_EQ(encodeHex(list), frameHex("A2_objectlist"));
  auto p = decodeFrame(frameHex("A2_objectlist"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<ObjectList>(*p).objects, list.objects);
}

TEST_F(Packets, AddObjectCarriesTheDynamicFlag) {
  EXPECT_EQ(encodeHex(AddObject{"Lab", false}), frameHex("A3_addobject_lab"));
  EXPECT_EQ(encodeHex(AddObject{"Plain", true}), frameHex("A3_addobject_plain"));
  auto p = decodeFrame(frameHex("A3_addobject_plain"));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(std::get<AddObject>(*p).name, "Plain");
  EXPECT_TRUE(std::get<AddObject>(*p).isDynamic);
}

TEST_F(Packets, InitDynamicPacketDecodesThePlainObjectDefinition) {
  auto p = decodeFrame(frameHex("A4_initdynamic_plain"));
  ASSERT_TRUE(p.ok()) << p.error().toString();
  const auto& init = std::get<InitDynamicPacket>(*p);
  EXPECT_EQ(init.name, "Plain");
  const ClassInterface& c = init.definition;
  EXPECT_EQ(c.typeName, "");
  ASSERT_EQ(c.enums.size(), 1u);
  EXPECT_EQ(c.enums[0].name, "Color");
  EXPECT_EQ(c.enums[0].size, 4u);
  EXPECT_EQ(c.enums[0].keys,
            (std::vector<std::pair<std::string, std::int32_t>>{{"Red", 1}, {"Green", 2}}));
  ASSERT_EQ(c.signalDefs.size(), 2u);
  EXPECT_EQ(c.signalDefs[0].signature(), "counterChanged(int)");
  EXPECT_EQ(c.signalDefs[0].params, (std::vector<Parameter>{{"counter", "int"}}));
  EXPECT_EQ(c.signalDefs[1].params,
            (std::vector<Parameter>{{"what", "QString"}, {"value", "double"}}));
  ASSERT_EQ(c.methods.size(), 3u);
  EXPECT_EQ(c.methods[0].signature(), "twice(int)");
  EXPECT_EQ(c.methods[0].returnType, "int");
  EXPECT_FALSE(c.methods[1].returnsValue());
  EXPECT_EQ(c.methods[2].signature(), "pickColor(Color)");
  EXPECT_EQ(c.methods[2].params, (std::vector<Parameter>{{"c", "Color"}}));
  ASSERT_EQ(c.properties.size(), 2u);
  EXPECT_EQ(c.properties[0].name, "counter");
  EXPECT_EQ(c.properties[0].type, "int");
  EXPECT_EQ(c.properties[0].notifySignal, 0);
  EXPECT_EQ(c.properties[1].name, "label");
  EXPECT_EQ(c.properties[1].notifySignal, -1);
  EXPECT_EQ(init.values, (std::vector<Value>{Value::int32(0), Value::string("plain")}));
  // The class enum is now known to the registry.
  EXPECT_NE(types.find("Color"), nullptr);
}

TEST_F(Packets, RegistryInitHoldsAnEmptyLocationHash) {
  auto p = decodeFrame(frameHex("A5_init_registry"));
  ASSERT_TRUE(p.ok()) << p.error().toString();
  const auto& init = std::get<InitPacket>(*p);
  EXPECT_EQ(init.name, "Registry");
  ASSERT_EQ(init.values.size(), 1u);
  EXPECT_EQ(init.values[0], Value::userMap("QHash<QString,QRemoteObjectSourceLocationInfo>", {}));
}

TEST_F(Packets, InvokeAndReplyMatchAppendixA6) {
  InvokePacket call{"Lab", InvokeCall::InvokeMetaMethod, 4, {Value::int32(2), Value::int32(3)}, 1,
                    -1};
  EXPECT_EQ(encodeHex(call), frameHex("A6_invoke_add"));
  EXPECT_EQ(encodeHex(InvokeReplyPacket{"Lab", 1, Value::int32(5)}), frameHex("A6_reply"));
  auto p = decodeFrame(frameHex("A6_invoke_add"));
  ASSERT_TRUE(p.ok());
  const auto& d = std::get<InvokePacket>(*p);
  EXPECT_EQ(d.index, 4);
  EXPECT_EQ(d.args, call.args);
  EXPECT_EQ(d.serialId, 1);
  EXPECT_EQ(d.propertyIndex, -1);
}

TEST_F(Packets, PropertyWriteAndChangeMatchAppendixA7) {
  EXPECT_EQ(encodeHex(InvokePacket{
                "Lab", InvokeCall::WriteProperty, 1, {Value::string("changed")}, -1, -1}),
            frameHex("A7_write_property"));
  EXPECT_EQ(encodeHex(PropertyChangePacket{"Lab", 1, Value::string("changed")}),
            frameHex("A7_property_change"));
  EXPECT_EQ(encodeHex(InvokePacket{
                "Lab", InvokeCall::InvokeMetaMethod, 1, {Value::string("changed")}, -1, 1}),
            frameHex("A7_notify_signal"));
}

TEST_F(Packets, PingAndPongCarryOnlyTheName) {
  EXPECT_EQ(encodeHex(Ping{"Lab"}), frameHex("A8_ping"));
  EXPECT_EQ(encodeHex(Pong{"Lab"}), frameHex("A8_pong"));
  EXPECT_EQ(encodeHex(RemoveObject{"Lab"}),
            "0c000000"
            "0500"
            "06000000"
            "4c006100"
            "6200");
}

TEST_F(Packets, SubObjectValueDecodesAsAnOpaqueQro) {
  auto p = decodeFrame(frameHex("A9_init_qro"));
  ASSERT_TRUE(p.ok()) << p.error().toString();
  const Value& qro = std::get<InitPacket>(*p).values.at(0);
  EXPECT_EQ(qro.typeName(), "QRemoteObjectPackets::QRO_");
  ASSERT_EQ(qro.toList().size(), 6u);
  EXPECT_EQ(qro.toList()[0].toString(), "Class::Lab::child");
  EXPECT_EQ(qro.toList()[1].toString(), "Child");
  EXPECT_TRUE(qro.toList()[3].isNullText());
  EXPECT_FALSE(qro.toList()[4].toBool());
  // The parameters blob is a big-endian stream: count 1, QVariant int 3.
  const std::string& blob = qro.toList()[5].toString();
  Reader r(blob, ByteOrder::Big, limits);
  EXPECT_EQ(r.i32(), 1);
  auto v = decodeVariant(r, types);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, Value::int32(3));
  EXPECT_TRUE(r.atEnd());
}

TEST_F(Packets, ModelRowRequestAndReplyMatchAppendixA10) {
  const Value index = Value::userList(
      "QList<ModelIndex>", {Value::userList("ModelIndex", {Value::int32(0), Value::int32(0)})});
  InvokePacket request{"TopModel", InvokeCall::InvokeMetaMethod,
                       1,          {index, index, Value::userList("QList<int>", {Value::int32(0)})},
                       2,          -1};
  EXPECT_EQ(encodeHex(request), frameHex("A10_row_request"));
  auto p = decodeFrame(frameHex("A10_row_reply"));
  ASSERT_TRUE(p.ok()) << p.error().toString();
  const auto& reply = std::get<InvokeReplyPacket>(*p);
  EXPECT_EQ(reply.serialId, 2);
  EXPECT_EQ(reply.value.typeName(), "DataEntries");
  const Value& pair = reply.value.toList().at(0).toList().at(0);
  EXPECT_EQ(pair.toList().at(1), Value::list({Value::string("m0")}));
  EXPECT_EQ(pair.toList().at(3), Value::int32(47));
}

TEST_F(Packets, TruncationAtEveryByteIsAnErrorNotACrash) {
  for (const auto& v : kAppendixA) {
    SCOPED_TRACE(v.description);
    const std::string bytes = fromHex(v.hex);
    const std::string_view frame = std::string_view(bytes).substr(4);
    for (std::size_t n = 0; n < frame.size(); ++n) {
      TypeRegistry fresh;
      auto p = decodePacket(frame.substr(0, n), fresh, limits);
      ASSERT_FALSE(p.ok()) << "cut at " << n;
      EXPECT_EQ(p.error().code, ErrorCode::Truncated) << p.error().toString();
      EXPECT_LE(p.error().offset, bytes.size());
    }
  }
}

TEST_F(Packets, TrailingBytesAreRejected) {
  const std::string bytes = fromHex(frameHex("A8_ping") + "00");
  auto p = decodePacket(std::string_view(bytes).substr(4), types, limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::Malformed);
  EXPECT_NE(p.error().reason.find("1 trailing bytes after the Ping body"), std::string::npos)
      << p.error().reason;
  EXPECT_EQ(p.error().offset, 16u);
}

TEST_F(Packets, UnknownPacketTypesAreRejected) {
  for (const char* hex : {"6300"
                          "06000000"
                          "4c0061006200",
                          "0000", "0c00"}) {
    const std::string bytes = fromHex(hex);
    auto p = decodePacket(bytes, types, limits);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.error().code, ErrorCode::Malformed);
    EXPECT_EQ(p.error().offset, 4u);
  }
  const std::string bytes = fromHex("6300");
  EXPECT_EQ(decodePacket(bytes, types, limits).error().reason, "unknown packet type 99");
}

TEST_F(Packets, UnknownValueTypeNamesFailTheFrameWithTheName) {
  std::string frame;
  Writer w(frame, ByteOrder::Little);
  w.u16(7);
  w.qstring(std::string_view("Lab"));
  w.i32(1);
  w.u32(65536);
  w.u8(0);
  w.cstring("Mystery");
  auto p = decodePacket(frame, types, limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::UnknownType);
  EXPECT_NE(p.error().reason.find("Mystery"), std::string::npos);
  EXPECT_EQ(p.error().offset, 4u + 2 + 10 + 4);
}

TEST_F(Packets, OversizedCountsAreRejected) {
  const std::string bytes = fromHex(
      "0200"
      "06000000 4c0061006200"
      "ffffff7f");
  auto p = decodePacket(bytes, types, limits);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, ErrorCode::LimitExceeded);
}

TEST_F(Packets, EncodeFailureLeavesTheBufferUnchanged) {
  std::string out = "keep";
  auto r =
      encodePacket(out, InitPacket{"Lab", {Value::int32(1), Value::userList("Nope", {})}}, types);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::UnknownType);
  EXPECT_NE(r.error().reason.find("InitPacket property 1"), std::string::npos);
  EXPECT_EQ(out, "keep");
}

TEST_F(Packets, SeveralFramesAppendToOneBuffer) {
  std::string out;
  ASSERT_TRUE(
      encodePacket(out, PropertyChangePacket{"Lab", 1, Value::string("changed")}, types).ok());
  ASSERT_TRUE(
      encodePacket(
          out,
          InvokePacket{"Lab", InvokeCall::InvokeMetaMethod, 1, {Value::string("changed")}, -1, 1},
          types)
          .ok());
  EXPECT_EQ(toHex(out), frameHex("A7_property_change") + frameHex("A7_notify_signal"));
}

ClassInterface gadgetInterface() {
  ClassInterface c;
  c.typeName = "Lab";
  c.enums.push_back(EnumDef{"Level", false, true, 1, {{"Low", 0}, {"High", 200}}});
  c.qtEnums.push_back("Qt::AlignmentFlag");
  c.gadgets.push_back(GadgetDef{"MyPod", {{"a", "int"}, {"b", "QString"}}, {}});
  c.signalDefs.push_back(SignalDef{"podChanged", {{"pod", "MyPod"}}});
  c.signalDefs.push_back(SignalDef{"listChanged", {{"list", "QtROSequentialContainer"}}});
  c.methods.push_back(MethodDef{"pushPod", "void", {{"pod", "MyPod"}}});
  PropertyDef pod;
  pod.name = "pod";
  pod.type = "MyPod";
  pod.mode = PropertyMode::ReadWrite;
  pod.notifySignal = 0;
  c.properties.push_back(pod);
  PropertyDef list;
  list.name = "list";
  list.type = "QtROSequentialContainer";
  list.mode = PropertyMode::ReadWrite;
  list.notifySignal = 1;
  c.properties.push_back(list);
  return c;
}

TEST_F(Packets, InitDynamicRegistersGadgetsBeforeReadingValues) {
  TypeRegistry sender;
  const ClassInterface iface = gadgetInterface();
  sender.registerInterface(iface);
  const Value pod = Value::userList("MyPod", {Value::int32(5), Value::string("five")});
  const Value pods = Value::userList("QList<MyPod>", {pod});
  std::string out;
  ASSERT_TRUE(encodePacket(out, InitDynamicPacket{"Lab", iface, {pod, pods}}, sender).ok());

  TypeRegistry receiver;  // knows nothing about MyPod yet
  auto p = decodePacket(std::string_view(out).substr(4), receiver, limits);
  ASSERT_TRUE(p.ok()) << p.error().toString();
  const auto& init = std::get<InitDynamicPacket>(*p);
  EXPECT_EQ(init.definition, iface);
  EXPECT_EQ(init.values, (std::vector<Value>{pod, pods}));
  ASSERT_NE(receiver.find("Lab::Level"), nullptr);
  EXPECT_EQ(receiver.find("Lab::Level")->enumSize, 1);
  EXPECT_NE(receiver.find("Qt::AlignmentFlag"), nullptr);
}

TEST_F(Packets, DefinitionRoundTripsInBothByteOrders) {
  const ClassInterface iface = gadgetInterface();
  for (auto order : {ByteOrder::Little, ByteOrder::Big}) {
    Writer w(order);
    encodeDefinition(w, iface);
    Reader r(w.buffer(), order, limits);
    auto back = decodeDefinition(r);
    ASSERT_TRUE(back.ok()) << back.error().toString();
    EXPECT_TRUE(r.atEnd());
    EXPECT_EQ(*back, iface);
  }
}

TEST_F(Packets, EnumSizeZeroIsReadAsFour) {
  ClassInterface iface;
  iface.enums.push_back(EnumDef{"Color", false, false, 0, {{"Red", 1}}});
  Writer w;
  encodeDefinition(w, iface);
  Reader r(w.buffer(), ByteOrder::Little, limits);
  auto back = decodeDefinition(r);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->enums[0].size, 4u);
}

TEST_F(Packets, NotifySignatureResolvesByNameWhenTheTypesDiffer) {
  // Qt renames gadget containers in signal signatures but not in notify signatures (§15.6).
  Writer w;
  w.nullQString();
  w.u32(0);  // enums
  w.u32(0);  // qt enums
  w.u32(0);  // gadgets
  w.u32(1);
  w.bytes(std::string_view("listChanged(QtROSequentialContainer)"));
  w.u32(1);
  w.bytes(std::string_view("list"));
  w.u32(0);  // methods
  w.u32(2);
  w.cstring("list");
  w.cstring("QtROSequentialContainer");
  w.bytes(std::string_view("listChanged(QList<MyPod>)"));
  w.cstring("other");
  w.cstring("int");
  w.bytes(std::string_view("nothingLikeThis()"));
  Reader r(w.buffer(), ByteOrder::Little, limits);
  auto c = decodeDefinition(r);
  ASSERT_TRUE(c.ok()) << c.error().toString();
  EXPECT_EQ(c->properties[0].notifySignal, 0);
  EXPECT_EQ(c->properties[1].notifySignal, -1);
}

TEST_F(Packets, SignaturesWithTemplateArgumentsKeepTheirCommas) {
  ClassInterface iface;
  iface.methods.push_back(MethodDef{"f", "QList<int>", {{"m", "QMap<QString,int>"}, {"x", "int"}}});
  Writer w;
  encodeDefinition(w, iface);
  Reader r(w.buffer(), ByteOrder::Little, limits);
  auto back = decodeDefinition(r);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->methods[0], iface.methods[0]);
}

TEST_F(Packets, TruncatedDefinitionIsAnError) {
  const std::string bytes = fromHex(frameHex("A4_initdynamic_plain"));
  const std::string_view def = std::string_view(bytes).substr(0x14, 0x15a - 0x14);
  for (std::size_t n = 0; n < def.size(); ++n) {
    Reader r(def.substr(0, n), ByteOrder::Little, limits);
    EXPECT_FALSE(decodeDefinition(r).ok()) << n;
  }
  Reader whole(def, ByteOrder::Little, limits);
  EXPECT_TRUE(decodeDefinition(whole).ok());
  EXPECT_TRUE(whole.atEnd());
}

TEST_F(Packets, PacketTypeNamesAreReadable) {
  EXPECT_STREQ(packetTypeName(PacketType::InvokeReplyPacket), "InvokeReplyPacket");
  EXPECT_STREQ(packetTypeName(static_cast<PacketType>(99)), "Unknown");
  EXPECT_EQ(packetType(Packet{Pong{"x"}}), PacketType::Pong);
  EXPECT_EQ(packetType(Packet{ObjectList{}}), PacketType::ObjectList);
}

// The typed encoders are what every call and reply go through: their bytes must be the ones of
// the Packet overload, which the Appendix A vectors pin.
TEST_F(Packets, TypedCallAndReplyEncodersWriteTheSameBytesAsThePacketOverload) {
  const InvokePacket call{"ControlUnit", InvokeCall::InvokeMetaMethod, 3,
                          {Value::int32(21), Value::string("z\xc3\xa9")}, 7, -1};
  std::string typed = "prefix";  // both append
  ASSERT_TRUE(encodePacket(typed, call, types).ok());
  EXPECT_EQ(toHex(typed), toHex("prefix") + encodeHex(Packet{call}));

  std::string reply;
  ASSERT_TRUE(encodeInvokeReply(reply, "ControlUnit", 7, Value::int32(42), types).ok());
  EXPECT_EQ(toHex(reply), encodeHex(InvokeReplyPacket{"ControlUnit", 7, Value::int32(42)}));
  int checked = 0;
  for (const auto& v : kAppendixA) {
    SCOPED_TRACE(v.description);
    TypeRegistry fresh;
    const std::string bytes = fromHex(v.hex);
    auto p = decodePacket(std::string_view(bytes).substr(4), fresh, limits);
    ASSERT_TRUE(p.ok());
    std::string out;
    ++checked;
    if (const auto* c = std::get_if<InvokePacket>(&*p)) {
      ASSERT_TRUE(encodePacket(out, *c, fresh).ok());
    } else if (const auto* r = std::get_if<InvokeReplyPacket>(&*p)) {
      ASSERT_TRUE(encodeInvokeReply(out, r->name, r->serialId, r->value, fresh).ok());
    } else {
      --checked;
      continue;
    }
    EXPECT_EQ(toHex(out), v.hex);
  }
  EXPECT_GE(checked, 5);  // A6 call and reply, A7 write and notify, A10 row request and reply
}

TEST_F(Packets, TypedEncodersLeaveTheBufferAsItWasOnFailure) {
  std::string out = "kept";
  EXPECT_FALSE(encodeInvokeReply(out, "Lab", 1, Value::userList("Nope", {}), types).ok());
  EXPECT_FALSE(encodePacket(out, InvokePacket{"Lab", InvokeCall::InvokeMetaMethod, 0,
                                              {Value::userList("Nope", {})}, 1, -1},
                            types)
                   .ok());
  EXPECT_EQ(out, "kept");
}

// A connection decodes every frame into the packet of the previous one: nothing of that packet
// may show through, whatever the two were.
TEST_F(Packets, DecodingIntoAReusedPacketGivesWhatAFreshDecodeGives) {
  const InvokePacket big{"AMuchLongerObjectName", InvokeCall::WriteProperty, 9,
                         {Value::string("long enough to be on the heap"), Value::int32(1),
                          Value::boolean(true)}, 11, 4};
  const InvokePacket small{"Lab", InvokeCall::InvokeMetaMethod, 2, {Value::int32(5)}, -1, -1};
  const InvokeReplyPacket reply{"Lab", 3, Value::string("r")};
  const std::vector<Packet> sequence = {Packet{big}, Packet{small}, Packet{reply}, Packet{big},
                                        Packet{Pong{"Lab"}}, Packet{small},
                                        Packet{InvokeReplyPacket{"X", 4, Value()}}, Packet{reply}};
  Packet reused;
  for (const auto& expected : sequence) {
    std::string frame;
    ASSERT_TRUE(encodePacket(frame, expected, types).ok());
    ASSERT_TRUE(decodePacketInto(std::string_view(frame).substr(4), types, limits, reused).ok());
    std::string again;
    ASSERT_TRUE(encodePacket(again, reused, types).ok());
    EXPECT_EQ(toHex(again), toHex(frame));
    if (const auto* c = std::get_if<InvokePacket>(&reused)) {
      const auto& e = std::get<InvokePacket>(expected);
      EXPECT_EQ(c->name, e.name);
      EXPECT_EQ(c->args, e.args);
    }
  }
}

TEST_F(Packets, ReusedDecodeReportsErrorsLikeAFreshOne) {
  std::string frame;
  ASSERT_TRUE(encodePacket(frame, InvokePacket{"Lab", InvokeCall::InvokeMetaMethod, 2,
                                               {Value::int32(5)}, 1, -1},
                           types)
                  .ok());
  Packet reused = InvokePacket{"Old", InvokeCall::InvokeMetaMethod, 1, {Value::int32(1)}, 1, -1};
  const std::string_view body = std::string_view(frame).substr(4);
  for (std::size_t n = 0; n < body.size(); ++n) {
    auto fresh = decodePacket(body.substr(0, n), types, limits);
    auto into = decodePacketInto(body.substr(0, n), types, limits, reused);
    ASSERT_FALSE(fresh.ok()) << n;
    ASSERT_FALSE(into.ok()) << n;
    EXPECT_EQ(into.error().toString(), fresh.error().toString());
  }
  const std::string trailing = std::string(body) + "x";
  EXPECT_EQ(decodePacketInto(trailing, types, limits, reused).error().toString(),
            decodePacket(trailing, types, limits).error().toString());
}

}  // namespace
}  // namespace doppel::wire
