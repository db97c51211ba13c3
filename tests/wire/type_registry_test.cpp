#include "wire/type_registry.h"

#include <gtest/gtest.h>

namespace doppel::wire {
namespace {

using Kind = TypeInfo::Kind;

TEST(TypeRegistry, NormalizeRemovesSpacesLikeQt) {
  EXPECT_EQ(TypeRegistry::normalize("QMap<QString, int>"), "QMap<QString,int>");
  EXPECT_EQ(TypeRegistry::normalize(" QHash< int , QByteArray > "), "QHash<int,QByteArray>");
  EXPECT_EQ(TypeRegistry::normalize("QList<QList<int> >"), "QList<QList<int>>");
  EXPECT_EQ(TypeRegistry::normalize("QObject *"), "QObject*");
  EXPECT_EQ(TypeRegistry::normalize("signed char"), "signed char");
  EXPECT_EQ(TypeRegistry::normalize("const QString &"), "QString");
}

TEST(TypeRegistry, NormalizeUsesQtsCanonicalContainerNames) {
  EXPECT_EQ(TypeRegistry::normalize("QVector<int>"), "QList<int>");
  EXPECT_EQ(TypeRegistry::normalize("QPair<QString, int>"), "std::pair<QString,int>");
  EXPECT_EQ(TypeRegistry::normalize("QList<QString>"), "QStringList");
  EXPECT_EQ(TypeRegistry::normalize("QVector<QVariant>"), "QVariantList");
  EXPECT_EQ(TypeRegistry::normalize("QMap<QString, QVariant>"), "QVariantMap");
  EXPECT_EQ(TypeRegistry::normalize("QHash<QString,QVariant>"), "QVariantHash");
  EXPECT_EQ(TypeRegistry::normalize("QList<QByteArray>"), "QByteArrayList");
  EXPECT_EQ(TypeRegistry::normalize("QList<QList<QString>>"), "QList<QStringList>");
}

TEST(TypeRegistry, NormalizeUsesQtsBuiltinNamesInsideTemplates) {
  EXPECT_EQ(TypeRegistry::normalize("QList<qint64>"), "QList<qlonglong>");
  EXPECT_EQ(TypeRegistry::normalize("QMap<quint8,unsigned int>"), "QMap<uchar,uint>");
  EXPECT_EQ(TypeRegistry::normalize("QList<qint8>"), "QList<signed char>");
  EXPECT_EQ(TypeRegistry::normalize("QList<qreal>"), "QList<double>");
  EXPECT_EQ(TypeRegistry::normalize("QList<unsigned long long>"), "QList<qulonglong>");
}

TEST(TypeRegistry, KnowsEveryBuiltin) {
  TypeRegistry types;
  for (auto id : {TypeId::Bool, TypeId::Int, TypeId::QString, TypeId::QRect, TypeId::Nullptr,
                  TypeId::SChar, TypeId::QByteArrayList}) {
    const TypeInfo* info = types.find(builtinTypeName(id));
    ASSERT_NE(info, nullptr) << builtinTypeName(id);
    EXPECT_EQ(info->kind, Kind::Builtin);
    EXPECT_EQ(info->id, id);
  }
  const TypeInfo* alias = types.find("qint64");
  ASSERT_NE(alias, nullptr);
  EXPECT_EQ(alias->id, TypeId::LongLong);
  EXPECT_EQ(types.find("QList<QString>")->id, TypeId::QStringList);
}

TEST(TypeRegistry, ParsesTemplateFamiliesFromTheName) {
  TypeRegistry types;
  const TypeInfo* list = types.find("QVector<int>");
  ASSERT_NE(list, nullptr);
  EXPECT_EQ(list->kind, Kind::List);
  EXPECT_EQ(list->name, "QList<int>");
  EXPECT_EQ(list->args, std::vector<std::string>{"int"});

  const TypeInfo* map = types.find("QMap<QString, QList<int>>");
  ASSERT_NE(map, nullptr);
  EXPECT_EQ(map->kind, Kind::Map);
  EXPECT_EQ(map->name, "QMap<QString,QList<int>>");
  EXPECT_EQ(map->args, (std::vector<std::string>{"QString", "QList<int>"}));

  EXPECT_EQ(types.find("QHash<int,QByteArray>")->kind, Kind::Hash);
  const TypeInfo* pair = types.find("QPair<QString,double>");
  ASSERT_NE(pair, nullptr);
  EXPECT_EQ(pair->kind, Kind::Pair);
  EXPECT_EQ(pair->name, "std::pair<QString,double>");
}

TEST(TypeRegistry, UnknownNamesAndBadTemplatesAreNotFound) {
  TypeRegistry types;
  EXPECT_EQ(types.find("MyPod"), nullptr);
  EXPECT_EQ(types.find("QList<MyPod>"), nullptr);
  EXPECT_EQ(types.find("QList<int,int>"), nullptr);
  EXPECT_EQ(types.find("QMap<int>"), nullptr);
  EXPECT_EQ(types.find("QSet<int>"), nullptr);
  EXPECT_EQ(types.find("QList<int"), nullptr);
  EXPECT_EQ(types.find("QList<>"), nullptr);
  EXPECT_EQ(types.find(""), nullptr);
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "QList<";
  deep += "int";
  for (int i = 0; i < 100; ++i) deep += ">";
  EXPECT_EQ(types.find(deep), nullptr);
}

TEST(TypeRegistry, KnowsQtROsInternalTypes) {
  TypeRegistry types;
  for (const char* name :
       {"QRemoteObjectPackets::QRO_", "QRemoteObjectPackets::QSQ_", "QRemoteObjectPackets::QAS_",
        "QList<int>", "QHash<int,QByteArray>", "QList<ModelIndex>", "DataEntries",
        "MetaAndDataEntries", "IndexValuePair", "QList<Qt::Orientation>",
        "QHash<QString,QRemoteObjectSourceLocationInfo>",
        "std::pair<QString,QRemoteObjectSourceLocationInfo>", "QVariant"}) {
    EXPECT_NE(types.find(name), nullptr) << name;
  }
  const TypeInfo* info = types.find("QRemoteObjectSourceLocationInfo");
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->kind, Kind::Struct);
  EXPECT_EQ(info->fields, (std::vector<Parameter>{{"typeName", "QString"}, {"hostUrl", "QUrl"}}));
}

TEST(TypeRegistry, RegistersGadgetsAndTheirEnums) {
  TypeRegistry types;
  EnumDef dir{"Dir", false, true, 1, {{"Up", 0}, {"Down", 1}}};
  types.registerGadget(GadgetDef{"Po", {{"d", "Po::Dir"}, {"x", "int"}}, {dir}});
  const TypeInfo* po = types.find("Po");
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->kind, Kind::Gadget);
  EXPECT_EQ(po->fields.size(), 2u);
  const TypeInfo* e = types.find("Po::Dir");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->kind, Kind::Enum);
  EXPECT_EQ(e->enumSize, 1);
  EXPECT_NE(types.find("QList<Po>"), nullptr);
}

TEST(TypeRegistry, RegistersAnInterfacesEnumsUnderItsClassName) {
  TypeRegistry types;
  ClassInterface lab;
  lab.typeName = "Lab";
  lab.enums.push_back(EnumDef{"Mode", false, false, 4, {{"Off", 0}}});
  lab.qtEnums.push_back("Qt::AlignmentFlag");
  types.registerInterface(lab);
  ASSERT_NE(types.find("Lab::Mode"), nullptr);
  EXPECT_EQ(types.find("Mode"), types.find("Lab::Mode"));
  // Property types in a definition keep the source's C++ class name (protocol §6.2).
  EXPECT_EQ(types.find("LabSource::Mode"), types.find("Lab::Mode"));
  ASSERT_NE(types.find("Qt::AlignmentFlag"), nullptr);
  EXPECT_EQ(types.find("Qt::AlignmentFlag")->enumSize, 4);
}

TEST(TypeRegistry, EnumSizeZeroMeansFour) {
  TypeRegistry types;
  types.registerEnum("Plain::Color", EnumDef{"Color", false, false, 0, {}});
  EXPECT_EQ(types.find("Plain::Color")->enumSize, 4);
}

TEST(TypeRegistry, DefinitionsCannotReplaceBuiltinOrInternalTypes) {
  TypeRegistry types;
  types.registerGadget(GadgetDef{"QString", {{"x", "int"}}, {}});
  types.registerGadget(GadgetDef{"ModelIndex", {{"x", "int"}}, {}});
  types.registerGadget(GadgetDef{"QList<int>", {{"x", "int"}}, {}});
  types.registerEnum("QRemoteObjectPackets::QRO_", EnumDef{});
  EXPECT_EQ(types.find("QString")->kind, Kind::Builtin);
  EXPECT_EQ(types.find("ModelIndex")->kind, Kind::Struct);
  EXPECT_EQ(types.find("QList<int>")->kind, Kind::List);
  EXPECT_EQ(types.find("QRemoteObjectPackets::QRO_")->kind, Kind::Custom);
}

TEST(TypeRegistry, LookupFromTheWireDoesNotGrowTheCacheWithoutBound) {
  TypeRegistry types;
  std::vector<std::string> builtins;
  for (std::uint32_t id = 1; id <= 51; ++id) {
    const auto name = builtinTypeName(static_cast<TypeId>(id));
    if (!name.empty()) builtins.emplace_back(name);
  }
  // Thousands of distinct valid names, as a hostile peer could send: past the cache bound they
  // are built in the caller's scratch info instead of being kept.
  int scratchUses = 0;
  for (const char* family : {"std::pair", "QMap", "QHash"}) {
    for (const auto& a : builtins) {
      for (const auto& b : builtins) {
        TypeInfo scratch;
        const std::string name = std::string(family) + "<" + a + "," + b + ">";
        const TypeInfo* info = types.lookup(name, scratch);
        ASSERT_NE(info, nullptr) << name;
        EXPECT_EQ(info->name, name);
        if (info == &scratch) ++scratchUses;
      }
    }
  }
  EXPECT_GT(scratchUses, 0);
  // find() still returns a stable pointer for such a name.
  const TypeInfo* kept = types.find("QHash<std::nullptr_t,std::nullptr_t>");
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(types.find("QHash<std::nullptr_t,std::nullptr_t>"), kept);
}

TEST(TypeRegistry, RegisteredStructsAndCustomsReplaceEarlierOnes) {
  TypeRegistry types;
  types.registerStruct("Point3", {{"x", "int"}, {"y", "int"}, {"z", "int"}});
  EXPECT_EQ(types.find("Point3")->fields.size(), 3u);
  types.registerStruct("Point3", {{"x", "double"}});
  EXPECT_EQ(types.find("Point3")->fields.size(), 1u);
  types.registerCustom("Blob", nullptr, nullptr);
  EXPECT_EQ(types.find("Blob")->kind, Kind::Custom);
}

}  // namespace
}  // namespace doppel::wire
