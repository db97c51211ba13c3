// Signal<Args...>: a single-threaded notifier (KDBindings' model, without the locks). Slots run
// in connection order on the owner's thread. Disconnecting, connecting or destroying the
// connection inside a slot is safe; a slot connected during an emit is first called on the next.
//
// Thread safety: none; use from the thread that owns the emitting object.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

namespace doppel {

/// A handle to one connection; disconnect() is idempotent and safe after the signal is gone.
class Connection {
public:
  Connection() = default;
  explicit Connection(std::function<void()> disconnect) : m_disconnect(std::move(disconnect)) {}
  void disconnect() {
    if (m_disconnect) std::exchange(m_disconnect, nullptr)();
  }

private:
  std::function<void()> m_disconnect;
};

/// Disconnects when it goes out of scope.
class ScopedConnection {
public:
  ScopedConnection() = default;
  ScopedConnection(Connection c) : m_connection(std::move(c)) {}  // NOLINT(google-explicit-constructor)
  ScopedConnection(ScopedConnection&&) = default;
  ScopedConnection& operator=(ScopedConnection&& other) noexcept {
    m_connection.disconnect();
    m_connection = std::move(other.m_connection);
    return *this;
  }
  ~ScopedConnection() { m_connection.disconnect(); }

private:
  Connection m_connection;
};

template <typename... Args>
class Signal {
public:
  Signal() : m_slots(std::make_shared<Slots>()) {}
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;

  Connection connect(std::function<void(Args...)> slot) {
    const std::uint64_t id = ++m_slots->nextId;
    m_slots->entries.push_back({id, std::make_shared<std::function<void(Args...)>>(std::move(slot))});
    std::weak_ptr<Slots> weak = m_slots;
    return Connection([weak, id] {
      if (auto slots = weak.lock()) {
        for (auto& e : slots->entries)
          if (e.id == id) e.fn.reset();
        slots->dirty = true;
      }
    });
  }

  void emit(Args... args) const {
    auto keep = m_slots;  // a slot may destroy the object that owns this signal
    const std::size_t count = keep->entries.size();
    ++keep->depth;
    for (std::size_t i = 0; i < count; ++i) {
      auto fn = keep->entries[i].fn;  // copy: the slot may disconnect itself
      if (fn) (*fn)(args...);
    }
    if (--keep->depth == 0 && keep->dirty) {
      std::erase_if(keep->entries, [](const Entry& e) { return !e.fn; });
      keep->dirty = false;
    }
  }

  std::size_t connectionCount() const {
    std::size_t n = 0;
    for (const auto& e : m_slots->entries) n += e.fn ? 1 : 0;
    return n;
  }

private:
  struct Entry {
    std::uint64_t id;
    std::shared_ptr<std::function<void(Args...)>> fn;
  };
  struct Slots {
    std::vector<Entry> entries;
    std::uint64_t nextId = 0;
    int depth = 0;
    bool dirty = false;
  };
  std::shared_ptr<Slots> m_slots;
};

}  // namespace doppel
