// WsDevice: a QIODevice over a QWebSocket, so QtRO runs over WebSockets the way Qt's WebSocket
// example does (protocol §2.1): every write() is one binary message, every binary message
// received is appended to the read buffer; message boundaries carry no meaning. Written for
// these tests (qt_ws_host, qt_ws_client), not taken from Qt's example.
//
// Also the two hooks qt_host.cpp and qt_client.cpp call when built with QT_INTEROP_WEBSOCKET:
// ws:// URLs go through a QWebSocketServer / QWebSocket, every other URL to QtRO as usual.
#pragma once

#include <QByteArray>
#include <QIODevice>
#include <QPointer>
#include <QRemoteObjectHost>
#include <QRemoteObjectNode>
#include <QUrl>
#include <QWebSocket>

class WsDevice : public QIODevice {
  Q_OBJECT

public:
  /// Takes ownership of `socket`; the device closes when the socket disconnects.
  explicit WsDevice(QWebSocket* socket, QObject* parent = nullptr);
  ~WsDevice() override;

  bool isSequential() const override { return true; }
  qint64 bytesAvailable() const override { return m_buffer.size() + QIODevice::bytesAvailable(); }
  void close() override;

protected:
  qint64 readData(char* data, qint64 maxSize) override;
  qint64 writeData(const char* data, qint64 size) override;

private:
  QPointer<QWebSocket> m_socket;
  QByteArray m_buffer;
};

/// qt_host: listens on `url`; ws://HOST:PORT/ through a QWebSocketServer (port 0 picks one),
/// handing every connection to host.addHostSideConnection(). Returns the URL to announce, or an
/// empty one on failure.
QUrl listenHost(QRemoteObjectHost& host, const QUrl& url);

/// qt_client: connects `node` to `url`; ws:// through a QWebSocket (and again after it closes,
/// as QtRO redials its own transports). Returns false only for a failure known at once.
bool connectNode(QRemoteObjectNode& node, const QUrl& url);
