// The expected-values table (../interop_values.h) as QVariants, and the exact comparison the Qt
// programs use. Nothing here depends on repc-generated types: the dynamic client must not
// register MyPod itself (it has to come from the host's definition).
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <QVariant>

namespace interopqt {

enum class Kind { Value, Gadget, GadgetList, GadgetMap, Enum };

struct Expected {
  QByteArray name;
  QByteArray type;  ///< .rep / Qt type name
  Kind kind;
  /// Kind::Value: the value; Kind::Gadget: QVariantList of the fields; Kind::GadgetList:
  /// QVariantList of field lists; Kind::GadgetMap: QVariantList of {key, field list} pairs in
  /// key order; Kind::Enum: the integer.
  QVariant value;
};

/// What a Qt replica that does not know a gadget container's type makes of it (protocol §4.4):
/// the property types of a dynamic definition and the values of unregistered QSQ_/QAS_.
inline constexpr const char kSequentialContainer[] = "QtROSequentialContainer";
inline constexpr const char kAssociativeContainer[] = "QtROAssociativeContainer";
/// The wrapper a gadget list travels in (protocol §4.4). Qt 6.4 replicas leave it as it came in
/// method replies (typed and dynamic alike): `matches` unwraps it when `allowGeneric`.
inline constexpr const char kSequenceWrapper[] = "QRemoteObjectPackets::QSQ_";

QList<Expected> interopProperties();
QList<Expected> plainProperties();

/// Compares exactly: same type (metatype id), same value, a null QString/QByteArray is not an
/// empty one, a QDateTime keeps its time spec and offset, and the same rules inside containers.
/// Gadgets are compared field by field through their meta-object (works for repc's MyPod and
/// for the type a dynamic replica builds from the definition), and their type name must be
/// `expected.type`; lists and maps of gadgets element by element (in order, keys included),
/// their type being `expected.type` or, when `allowGeneric`, Qt's generic QtROSequentialContainer
/// / QtROAssociativeContainer or a QSQ_ wrapper naming `expected.type`; enums by their integer,
/// truncated to the enum's size.
bool matches(const QVariant& actual,
             const Expected& expected,
             QString* why,
             bool allowGeneric = false);

/// A readable rendering with type names, for failure messages.
QString describe(const QVariant& v);

/// The integer of an enum (or any integral) QVariant, read with the type's own size.
qint64 enumToInt(const QVariant& v, bool* ok = nullptr);

/// Builds a value of `type` from an expected value (gadget fields written through its
/// meta-object, gadget containers filled through their mutable iterable views, enum integers
/// stored with the enum's size, others converted). Used by the Qt host to set its properties
/// and by the clients for call arguments.
QVariant build(QMetaType type, Kind kind, const QVariant& value);

/// Installs a message handler that prints every Qt message to stderr prefixed with `tag` and
/// records the warnings and criticals.
void installMessageHandler(const char* tag);
QStringList warnings();

/// Makes SIGTERM and SIGINT quit the QCoreApplication (self-pipe + QSocketNotifier).
void quitOnSignals();

/// Prints one line on stdout and flushes it (the driver reads READY and friends line by line).
void say(const QString& line);

}  // namespace interopqt
