// The stream benchmark's workload in Qt Widgets, run with `-platform vnc:size=WxH,port=N` (Qt's
// VNC QPA plugin). Same widgets at the same window pixels as stream_doppel_app.cpp (see its
// header); the window is frameless at 0,0 and fills the VNC screen.
//
// Usage: stream_qt_app -platform vnc:size=WxH,port=N [--animate]
#include <QApplication>
#include <QElapsedTimer>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QTimer>
#include <QWidget>

#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  bool animate = false;
  for (int i = 1; i < argc; ++i)
    if (std::strcmp(argv[i], "--animate") == 0) animate = true;

  QWidget window(nullptr, Qt::FramelessWindowHint);
  window.setGeometry(QApplication::primaryScreen()->geometry());
  int count = 0;
  auto* increment = new QPushButton("Increment", &window);
  increment->setGeometry(20, 20, 160, 40);
  auto* decrement = new QPushButton("Decrement", &window);
  decrement->setGeometry(200, 20, 160, 40);
  auto* reset = new QPushButton("Reset", &window);
  reset->setGeometry(20, 70, 160, 40);
  auto* label = new QLabel("Count: 0", &window);
  label->setGeometry(20, 120, 200, 24);
  auto* text = new QLineEdit("hello", &window);
  text->setGeometry(20, 150, 240, 30);
  auto* progress = new QProgressBar(&window);
  progress->setGeometry(20, 200, 300, 20);
  progress->setRange(0, 1000);
  progress->setTextVisible(false);
  progress->setValue(300);
  auto show = [label, &count] {
    label->setText(QString("Count: %1").arg(count));
    std::fprintf(stderr, "count %d\n", count);  // the driver checks it
  };
  QObject::connect(increment, &QPushButton::clicked, [&count, show] { ++count, show(); });
  QObject::connect(decrement, &QPushButton::clicked, [&count, show] { --count, show(); });
  QObject::connect(reset, &QPushButton::clicked, [&count, show] { count = 0, show(); });

  // Sweeps 0..1 every 2 s at 60 Hz, like the twins (Qt has no frame clock on the VNC platform).
  QElapsedTimer clock;
  clock.start();
  QTimer tick;
  QObject::connect(&tick, &QTimer::timeout, [progress, &clock] {
    progress->setValue(static_cast<int>(clock.elapsed() % 2000) / 2);
  });
  tick.setTimerType(Qt::PreciseTimer);
  if (animate) tick.start(16);

  // Focus on a button, not the text field: a blinking text cursor would be idle traffic that
  // the other twins do not have.
  window.show();
  increment->setFocus();
  return QApplication::exec();
}
