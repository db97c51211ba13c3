#include "login_checker.h"

#include <algorithm>

namespace doppel::gateway {

namespace {
constexpr std::chrono::milliseconds kMaxDelay{30000};
/// Failure records of addresses kept at most; the oldest expired ones go first.
constexpr std::size_t kMaxAddresses = 10000;
constexpr std::chrono::minutes kForgetAfter{15};

std::chrono::seconds roundUp(LoginChecker::Clock::duration d) {
  return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(d));
}
}  // namespace

LoginChecker::LoginChecker(net::io_context& io,
                           const Users& users,
                           std::size_t maxPending,
                           std::chrono::milliseconds failureDelay)
    : m_io(io),
      m_users(users),
      m_maxPending(std::max<std::size_t>(1, maxPending)),
      m_failureDelay(failureDelay),
      m_worker([this] { work(); }) {}

LoginChecker::~LoginChecker() {
  stop();
}

void LoginChecker::stop() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stopping = true;
  }
  m_wake.notify_all();
  if (m_worker.joinable()) m_worker.join();
  m_jobs.clear();  // the worker is gone: no lock needed; their callbacks never run
  m_shared.reset();
}

LoginChecker::Decision LoginChecker::admit(const std::string& address) const {
  Decision d;
  if (!m_shared) {
    d.admission = Admission::Busy;
    return d;
  }
  const auto it = m_shared->failures.find(address);
  const auto now = Clock::now();
  if (it != m_shared->failures.end() && it->second.notBefore > now) {
    d.admission = Admission::Wait;
    d.retryAfter = roundUp(it->second.notBefore - now);
  } else if (m_shared->pending >= m_maxPending) {
    d.admission = Admission::Busy;
    d.retryAfter = std::chrono::seconds(1);
  }
  return d;
}

void LoginChecker::check(const std::string& address, std::string user, std::string password, Done done) {
  if (!m_shared) return;
  ++m_shared->pending;
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_jobs.push_back(Job{address, std::move(user), std::move(password), std::move(done)});
  }
  m_wake.notify_one();
}

std::size_t LoginChecker::pending() const {
  return m_shared ? m_shared->pending : 0;
}

void LoginChecker::work() {
  const std::weak_ptr<Shared> shared = m_shared;
  const auto delay = m_failureDelay;
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
      if (m_stopping) return;
      job = std::move(m_jobs.front());
      m_jobs.pop_front();
    }
    const bool ok = m_users.verify(job.user, job.password);
    // The callback (which holds the connection) moves into the posted handler: nothing of it
    // is destroyed on this thread.
    net::post(m_io, [shared, delay, ok, address = std::move(job.address), done = std::move(job.done)] {
      const auto s = shared.lock();
      if (!s) return;
      finished(*s, delay, address, ok);
      done(ok);
    });
  }
}

void LoginChecker::finished(Shared& shared, std::chrono::milliseconds failureDelay, const std::string& address, bool ok) {
  --shared.pending;
  auto& failures = shared.failures;
  if (ok) {
    failures.erase(address);
    return;
  }
  const auto now = Clock::now();
  if (failures.size() >= kMaxAddresses) {
    for (auto it = failures.begin(); it != failures.end();) {
      it = it->second.notBefore < now ? failures.erase(it) : std::next(it);
    }
    if (failures.size() >= kMaxAddresses) failures.erase(failures.begin());
  }
  Failures& f = failures[address];
  if (f.count > 0 && now - f.notBefore > kForgetAfter) f.count = 0;  // an old streak
  ++f.count;
  f.notBefore = now + std::min<std::chrono::milliseconds>(failureDelay * f.count, kMaxDelay);
}

}  // namespace doppel::gateway
