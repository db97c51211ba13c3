// "Plain": a plain QObject (no .rep) shared by the Qt host, so doppel reads the index spaces Qt
// derives for plain objects (protocol §6.4): properties in declaration order, NOTIFY signals in
// property order then the other signals, slots then Q_INVOKABLEs (moc puts slots first).
// The doppel host serves the same interface (doppel/interop_interface.cpp).
#pragma once

#include <QObject>
#include <QStringList>
#include <QVariantMap>

class Plain : public QObject {
  Q_OBJECT
  Q_PROPERTY(int counter READ counter WRITE setCounter NOTIFY counterChanged)
  Q_PROPERTY(QString label READ label WRITE setLabel NOTIFY labelChanged)
  Q_PROPERTY(double ratio READ ratio WRITE setRatio NOTIFY ratioChanged)
  Q_PROPERTY(QStringList tags READ tags WRITE setTags NOTIFY tagsChanged)
  Q_PROPERTY(QVariantMap meta READ meta WRITE setMeta NOTIFY metaChanged)
  Q_PROPERTY(qint64 big READ big CONSTANT)

public:
  explicit Plain(QObject* parent = nullptr);

  int counter() const { return m_counter; }
  QString label() const { return m_label; }
  double ratio() const { return m_ratio; }
  QStringList tags() const { return m_tags; }
  QVariantMap meta() const { return m_meta; }
  qint64 big() const { return m_big; }

  void setCounter(int v);
  void setLabel(const QString& v);
  void setRatio(double v);
  void setTags(const QStringList& v);
  void setMeta(const QVariantMap& v);

  Q_INVOKABLE int twice(int x) const { return 2 * x; }

public slots:
  QString greet(const QString& name) const;
  void trigger(const QString& what, double value);

signals:
  void counterChanged(int counter);
  void labelChanged(const QString& label);
  void ratioChanged(double ratio);
  void tagsChanged(const QStringList& tags);
  void metaChanged(const QVariantMap& meta);
  void somethingHappened(const QString& what, double value);

private:
  int m_counter = 0;
  QString m_label;
  double m_ratio = 0;
  QStringList m_tags;
  QVariantMap m_meta;
  qint64 m_big = 0;
};
