#include "qt_ws_device.h"

#include <QRemoteObjectHost>
#include <QTimer>
#include <QWebSocketServer>
#include <cstring>
#include <memory>

WsDevice::WsDevice(QWebSocket* socket, QObject* parent) : QIODevice(parent), m_socket(socket) {
  socket->setParent(this);
  open(QIODevice::ReadWrite | QIODevice::Unbuffered);
  connect(socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray& message) {
    m_buffer.append(message);
    emit readyRead();
  });
  connect(socket, &QWebSocket::disconnected, this, [this] {
    // QtRO learns that the connection is gone from aboutToClose (emitted by close()).
    QIODevice::close();
  });
}

WsDevice::~WsDevice() = default;

void WsDevice::close() {
  if (m_socket) m_socket->close();
  QIODevice::close();
}

qint64 WsDevice::readData(char* data, qint64 maxSize) {
  const qint64 n = qMin<qint64>(maxSize, m_buffer.size());
  std::memcpy(data, m_buffer.constData(), static_cast<size_t>(n));
  m_buffer.remove(0, n);
  return n;
}

qint64 WsDevice::writeData(const char* data, qint64 size) {
  if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState) return -1;
  // One write, one binary message: what Qt's own example wrapper does.
  return m_socket->sendBinaryMessage(QByteArray(data, static_cast<qsizetype>(size)));
}

QUrl listenHost(QRemoteObjectHost& host, const QUrl& url) {
  if (url.scheme() != QLatin1String("ws")) return host.setHostUrl(url) ? host.hostUrl() : QUrl();
  auto* server = new QWebSocketServer(QStringLiteral("qt_ws_host"),
                                      QWebSocketServer::NonSecureMode, &host);
  if (!server->listen(QHostAddress(url.host()), static_cast<quint16>(url.port(0)))) return {};
  QUrl bound(url);
  bound.setPort(server->serverPort());
  if (bound.path().isEmpty()) bound.setPath(QStringLiteral("/"));
  // A host URL of an unknown scheme must be allowed explicitly; QtRO then listens on nothing
  // itself and serves what addHostSideConnection() gives it.
  if (!host.setHostUrl(bound, QRemoteObjectHost::AllowExternalRegistration)) return {};
  QObject::connect(server, &QWebSocketServer::newConnection, &host, [server, &host] {
    while (QWebSocket* socket = server->nextPendingConnection())
      host.addHostSideConnection(new WsDevice(socket, &host));
  });
  return bound;
}

namespace {

void dial(QRemoteObjectNode& node, const QUrl& url) {
  auto* socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, &node);
  // A failed open or, later, a lost connection: dial again shortly, once (the host may not be up
  // yet, or it restarted), as QtRO does for its own transports.
  auto redial = [socket, &node, url, done = std::make_shared<bool>(false)] {
    if (*done) return;
    *done = true;
    socket->deleteLater();
    QTimer::singleShot(250, &node, [&node, url] { dial(node, url); });
  };
  QObject::connect(socket, &QWebSocket::connected, &node, [socket, &node] {
    node.addClientSideConnection(new WsDevice(socket, &node));
  });
  QObject::connect(socket, &QWebSocket::disconnected, &node, redial);
  QObject::connect(socket, QOverload<QAbstractSocket::SocketError>::of(&QWebSocket::error), &node,
                   [socket, redial](QAbstractSocket::SocketError) {
                     if (socket->state() != QAbstractSocket::ConnectedState) redial();
                   });
  socket->open(url);
}

}  // namespace

bool connectNode(QRemoteObjectNode& node, const QUrl& url) {
  if (url.scheme() != QLatin1String("ws")) return node.connectToNode(url);
  dial(node, url);
  return true;
}
