#include "plain_object.h"

#include "../interop_values.h"
#include "qt_values.h"

Plain::Plain(QObject* parent) : QObject(parent) {
  setObjectName(QStringLiteral("Plain"));
  // Every property from the table, through the meta-object (the table is the one source).
  for (const auto& e : interopqt::plainProperties()) {
    if (e.name == "big") {
      m_big = e.value.toLongLong();
      continue;
    }
    if (!setProperty(e.name.constData(), e.value))
      qFatal("Plain: cannot set %s", e.name.constData());
  }
}

void Plain::setCounter(int v) {
  if (v == m_counter) return;
  m_counter = v;
  emit counterChanged(v);
}

void Plain::setLabel(const QString& v) {
  if (v == m_label && v.isNull() == m_label.isNull()) return;
  m_label = v;
  emit labelChanged(v);
}

void Plain::setRatio(double v) {
  if (v == m_ratio) return;
  m_ratio = v;
  emit ratioChanged(v);
}

void Plain::setTags(const QStringList& v) {
  if (v == m_tags) return;
  m_tags = v;
  emit tagsChanged(v);
}

void Plain::setMeta(const QVariantMap& v) {
  if (v == m_meta) return;
  m_meta = v;
  emit metaChanged(v);
}

QString Plain::greet(const QString& name) const {
  return QStringLiteral("Hello, ") + name + QStringLiteral("!");
}

void Plain::trigger(const QString& what, double value) {
  emit somethingHappened(what, value);
}
