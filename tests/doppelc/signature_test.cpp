// repc's signature (protocol §6.5): the vectors of Appendix C, and one-change variants of a base
// interface that must each change it (the cases of Qt's tests/auto/repc/signature, written anew).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "parser.h"
#include "sha1.h"
#include "signature.h"

namespace {

std::string signatureOf(const std::string& rep, const std::string& cls) {
  auto parsed = doppelc::parse(rep, "test.rep");
  EXPECT_FALSE(parsed.error.has_value()) << parsed.error->format("test.rep");
  if (parsed.error) return {};
  return doppelc::Signatures(parsed.file).classSignature(cls);
}

TEST(Sha1, KnownDigests) {
  EXPECT_EQ(doppelc::sha1Hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(doppelc::sha1Hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(doppelc::sha1Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(doppelc::sha1Hex(std::string(1000000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

const char* kLab = R"(ENUM GlobalEnum { Alpha, Beta=5, Gamma }
POD MyPod(int a, QString b)
class Child { PROP(int value = 3) SLOT(void bump()) };
class Lab {
    ENUM Mode { Off, On=2, Auto }
    PROP(int intProp = 42)
    PROP(QString text READWRITE)
    PROP(double dbl = 1.5 READONLY)
    PROP(bool flag = true CONSTANT)
    PROP(Mode mode)
    PROP(MyPod pod)
    PROP(QStringList list)
    CLASS child(Child)
    MODEL tracks(display, edit)
    SIGNAL(pinged(QString msg, int n))
    SIGNAL(modeSignal(Mode m))
    SLOT(int add(int a, int b))
    SLOT(void fire())
    SLOT(QString echo(const QString &s))
    SLOT(void setModeSlot(Mode m))
};
)";

TEST(AppendixC, Child) {
  EXPECT_EQ(signatureOf("class Child { PROP(int value = 3) SLOT(void bump()) };\n", "Child"),
            "c87d5dda209f61cd43b9efbc851b1e255c58915d");
}

TEST(AppendixC, Lab) { EXPECT_EQ(signatureOf(kLab, "Lab"), "35d1f40e3f7c9ecdce0a8187f68c47cb657cce96"); }

TEST(AppendixC, LabExtended) {
  std::string rep = kLab;
  rep.replace(rep.find("    PROP(QStringList list)\n"), 27,
              "    PROP(QStringList list)\n    PROP(QList<MyPod> pods)\n    PROP(QMap<QString,int> counts)\n"
              "    PROP(Level level)\n    PROP(QVariant any)\n    ENUM class Level : quint8 { Low, High=200 }\n");
  EXPECT_EQ(signatureOf(rep, "Lab"), "2bdbc635f020b98f99eaef3d97ce01c5fdce0b23");
}

TEST(AppendixC, DefaultGluedToParameterName) {
  EXPECT_EQ(signatureOf("class Foo { SIGNAL(s(int a, int b=0)) };\n", "Foo"),
            "991cf044d07ed6586050fa1216d8a17eb405397f");
}

TEST(AppendixC, TemplatesAndReferences) {
  EXPECT_EQ(signatureOf("class Foo { SLOT(QList<int> f(const QMap<QString, int> &m, int &x)) };\n", "Foo"),
            "61f2d0108ef85d2f5675de2d07099fb553db3c74");
}

TEST(AppendixC, GlobalFlag) {
  EXPECT_EQ(signatureOf("ENUM E {A=1, B=2}\nFLAG(Es E)\nclass Foo { PROP(Es es) };\n", "Foo"),
            "6ca8d844671f3577f1052c06666e539386aeecea");
}

TEST(AppendixC, BracePodWithScopedEnumAndFlag) {
  EXPECT_EQ(signatureOf("POD Po{ ENUM class Dir : quint8 {Up, Down}  FLAG(Dirs Dir)  Dirs d, int x }\n"
                        "class Foo { PROP(Po p) };\n",
                        "Foo"),
            "d18f5ceca7ab75c35ac7a69b839525d2e79a3bb6");
}

TEST(AppendixC, ChildDeclaredLaterContributesNothing) {
  const std::string later = "class Parent { CLASS kid(Kid) };\nclass Kid { PROP(int v) };\n";
  EXPECT_EQ(signatureOf(later, "Parent"), "bf9259eda89e71e77f189aaa7beb82363dae600c");
  EXPECT_EQ(signatureOf(later, "Kid"), "9198a9f34455f0860afc5f9754a09472e9d00324");
  EXPECT_EQ(signatureOf("class Kid { PROP(int v) };\nclass Parent { CLASS kid(Kid) };\n", "Parent"),
            "ef85808f3a1573cc87c2ebe4f73a0c68339a76d0");
}

// The base of the one-change variants; every variant below changes exactly one thing.
const char* kBase = R"(ENUM GlobalE { Alpha, Beta, Gamma }
class Leaf
{
    PROP(int depth = 0)
    SLOT(void touch())
};
class Server
{
    ENUM Status { Idle, Busy = 5 }
    PROP(int count = 0)
    PROP(QString label READWRITE)
    PROP(Status status)
    PROP(GlobalE global)
    CLASS leaf(Leaf)
    SIGNAL(reported(QString text, int code))
    SIGNAL(statusSignal(Status s))
    SLOT(int add(int a, int b))
    SLOT(void notify(const QString &message))
    SLOT(QString describe())
};
)";

std::string variant(std::string_view from, std::string_view to) {
  std::string rep = kBase;
  const auto at = rep.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) rep.replace(at, from.size(), to);
  return rep;
}

struct Variant {
  const char* what;
  const char* from;
  const char* to;
};

const Variant kVariants[] = {
    {"class enum value", "Busy = 5", "Busy = 6"},
    {"global enum key order", "Alpha, Beta, Gamma", "Beta, Alpha, Gamma"},
    {"global enum value", "Alpha, Beta", "Alpha = 1, Beta"},
    {"property count", "    PROP(GlobalE global)\n", ""},
    {"property count inside the CLASS child", "PROP(int depth = 0)", "PROP(int depth = 0)\n    PROP(int more)"},
    {"slot inside the CLASS child", "SLOT(void touch())", "SLOT(void touch(int n))"},
    {"property type", "PROP(int count = 0)", "PROP(qint64 count = 0)"},
    {"property mode", "PROP(QString label READWRITE)", "PROP(QString label READONLY)"},
    {"property name", "PROP(int count = 0)", "PROP(int counter = 0)"},
    {"scrambled properties", "    PROP(int count = 0)\n    PROP(QString label READWRITE)\n",
     "    PROP(QString label READWRITE)\n    PROP(int count = 0)\n"},
    {"signal count", "    SIGNAL(statusSignal(Status s))\n", ""},
    {"signal parameter count", "SIGNAL(reported(QString text, int code))", "SIGNAL(reported(QString text))"},
    {"signal parameter type", "SIGNAL(reported(QString text, int code))", "SIGNAL(reported(QString text, double code))"},
    {"scrambled signals", "    SIGNAL(reported(QString text, int code))\n    SIGNAL(statusSignal(Status s))\n",
     "    SIGNAL(statusSignal(Status s))\n    SIGNAL(reported(QString text, int code))\n"},
    {"slot count", "    SLOT(QString describe())\n", ""},
    {"slot parameter count", "SLOT(int add(int a, int b))", "SLOT(int add(int a))"},
    {"slot parameter type", "SLOT(int add(int a, int b))", "SLOT(int add(int a, qint64 b))"},
    {"slot parameter order", "SLOT(int add(int a, int b))", "SLOT(int add(int b, int a))"},
    {"slot return type", "SLOT(QString describe())", "SLOT(QByteArray describe())"},
    {"slot const-ref flags", "const QString &message", "QString message"},
    {"scrambled slots", "    SLOT(int add(int a, int b))\n    SLOT(void notify(const QString &message))\n",
     "    SLOT(void notify(const QString &message))\n    SLOT(int add(int a, int b))\n"},
    {"CLASS child type declared later", "class Leaf\n{\n    PROP(int depth = 0)\n    SLOT(void touch())\n};\n",
     ""},
};

TEST(SignatureVariants, EveryOneChangeChangesTheSignature) {
  const std::string base = signatureOf(kBase, "Server");
  ASSERT_EQ(base.size(), 40u);
  std::set<std::string> seen{base};
  for (const Variant& v : kVariants) {
    std::string rep = variant(v.from, v.to);
    if (std::string_view(v.what) == "CLASS child type declared later")
      rep += "class Leaf\n{\n    PROP(int depth = 0)\n    SLOT(void touch())\n};\n";
    const std::string sig = signatureOf(rep, "Server");
    EXPECT_EQ(sig.size(), 40u) << v.what;
    EXPECT_NE(sig, base) << v.what;
    EXPECT_TRUE(seen.insert(sig).second) << v.what << " collides with another variant";
  }
  EXPECT_GE(seen.size(), 16u);
}

TEST(SignatureVariants, WhatRepcDoesNotHashLeavesItUnchanged) {
  const std::string base = signatureOf(kBase, "Server");
  EXPECT_EQ(signatureOf(variant("PROP(int count = 0)", "PROP(int count = 7)"), "Server"), base);
  EXPECT_EQ(signatureOf(variant("PROP(int count = 0)", "PROP(int count = 0 PERSISTED)"), "Server"), base);
  EXPECT_EQ(signatureOf(variant("PROP(int count = 0)", "PROP( int  count=0 )"), "Server"), base);
  EXPECT_EQ(signatureOf(variant("class Server\n", "// a comment\nclass Server\n"), "Server"), base);
  // READONLY, SOURCEONLYSETTER hash alike; so do the paren and brace POD forms.
  EXPECT_EQ(signatureOf("class Foo { PROP(int a READONLY) };\n", "Foo"),
            signatureOf("class Foo { PROP(int a SOURCEONLYSETTER) };\n", "Foo"));
  EXPECT_EQ(signatureOf("POD Po(int a, QString b)\nclass Foo { PROP(Po p) };\n", "Foo"),
            signatureOf("POD Po{ int a, QString b }\nclass Foo { PROP(Po p) };\n", "Foo"));
}

TEST(SignatureVariants, ModelRolesAreSortedAndChildSignatureIsHashed) {
  EXPECT_EQ(signatureOf("class Foo { MODEL mm(b, a) };\n", "Foo"),
            signatureOf("class Foo { MODEL mm(a, b) };\n", "Foo"));
  EXPECT_NE(signatureOf("class Foo { MODEL mm(a, b) };\n", "Foo"),
            signatureOf("class Foo { MODEL mm(a, c) };\n", "Foo"));
}

}  // namespace
