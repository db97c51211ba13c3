// qt_model_host URL
//
// The Qt side of the model interop tests (run_model_interop.py): shares a flat
// QStandardItemModel "Flat" (roles display, number, done), a QStandardItemModel tree "Tree"
// (display, number) and a QStringListModel "Strings" (display, edit) with
// QRemoteObjectHost::enableRemoting, plus "ModelControl" (a plain QObject) with slots
// edit(model, seed, count) and dump(model), like doppel_model_host. Prints "READY <url>".
#include <QCoreApplication>
#include <QGuiApplication>
#include <QRemoteObjectHost>
#include <cstdio>

#include "qt_model_common.h"
#include "qt_values.h"

class ModelControl : public QObject {
  Q_OBJECT
public:
  ModelControl(QStandardItemModel* flat, QStandardItemModel* tree, QStringListModel* strings)
      : m_flat(flat), m_tree(tree), m_strings(strings) {}

public Q_SLOTS:
  int edit(const QString& model, int seed, int count) {
    if (model == QLatin1String("Tree")) {
      modelqt::editTree(*m_tree, quint32(seed), count);
    } else if (model == QLatin1String("Strings")) {
      // A negative seed: no rowsMoved (moves as remove + insert), as doppel_model_host.
      modelqt::editStrings(*m_strings, quint32(seed < 0 ? -seed : seed), count, seed >= 0);
    } else {
      modelqt::editFlat(*m_flat, quint32(seed), count);
    }
    return count;
  }
  QString dump(const QString& model) {
    if (model == QLatin1String("Tree")) return modelqt::dump(*m_tree, {Qt::DisplayRole, modelqt::kNumberRole});
    if (model == QLatin1String("Strings")) return modelqt::dump(*m_strings, {Qt::DisplayRole, Qt::EditRole});
    return modelqt::dump(*m_flat, {Qt::DisplayRole, modelqt::kNumberRole, modelqt::kDoneRole});
  }

private:
  QStandardItemModel* m_flat;
  QStandardItemModel* m_tree;
  QStringListModel* m_strings;
};

int main(int argc, char** argv) {
  QCoreApplication app(argc, argv);
  interopqt::installMessageHandler("qt_model_host");
  interopqt::quitOnSignals();
  if (argc < 2) {
    std::fprintf(stderr, "usage: qt_model_host URL\n");
    return 2;
  }
  QStandardItemModel flat;
  flat.setItemRoleNames({{Qt::DisplayRole, "display"}, {modelqt::kNumberRole, "number"},
                         {modelqt::kDoneRole, "done"}});
  modelqt::fillFlat(flat, 200);
  QStandardItemModel tree;
  tree.setItemRoleNames({{Qt::DisplayRole, "display"}, {modelqt::kNumberRole, "number"}});
  modelqt::fillTree(tree, 7);
  QStringList list;
  for (int i = 0; i < 150; ++i) list << QStringLiteral("s %1").arg(i);
  QStringListModel strings(list);
  ModelControl control(&flat, &tree, &strings);

  QRemoteObjectHost host{QUrl(QString::fromLocal8Bit(argv[1]))};
  host.enableRemoting(&flat, QStringLiteral("Flat"),
                      {Qt::DisplayRole, modelqt::kNumberRole, modelqt::kDoneRole});
  host.enableRemoting(&tree, QStringLiteral("Tree"), {Qt::DisplayRole, modelqt::kNumberRole});
  host.enableRemoting(&strings, QStringLiteral("Strings"), {Qt::DisplayRole, Qt::EditRole});
  host.enableRemoting(&control, QStringLiteral("ModelControl"));
  std::printf("READY %s\n", argv[1]);
  std::fflush(stdout);
  return app.exec();
}

#include "qt_model_host.moc"
