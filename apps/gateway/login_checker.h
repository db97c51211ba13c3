// Password checks off the gateway's thread (docs/gateway.md "Login"): a PBKDF2 check costs
// ~50 ms of CPU by design, so on the loop a flood of logins would stall every user's requests.
// One worker thread runs the checks; results are posted back to the io_context. At most
// `maxPending` checks wait or run at once (over it: 503), and an address that failed must wait
// before its next try (429): `failureDelay` times its consecutive failures, at most 30 s.
//
// Threads: everything but the hashing runs on the io_context's thread. stop() (or the
// destructor) joins the worker; checks still queued are dropped and their callbacks never run.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "asio/asio.h"
#include "auth.h"

namespace doppel::gateway {

class LoginChecker {
public:
  using Clock = std::chrono::steady_clock;
  using Done = std::function<void(bool ok)>;

  /// `users` must outlive the checker.
  LoginChecker(net::io_context& io, const Users& users, std::size_t maxPending, std::chrono::milliseconds failureDelay);
  ~LoginChecker();
  LoginChecker(const LoginChecker&) = delete;
  LoginChecker& operator=(const LoginChecker&) = delete;

  enum class Admission { Ok, Busy, Wait };
  struct Decision {
    Admission admission = Admission::Ok;
    std::chrono::seconds retryAfter{0};  ///< for Busy and Wait
  };
  /// May `address` try a password now?
  Decision admit(const std::string& address) const;
  /// Checks on the worker; `done` runs later on the io_context. Only after admit() said Ok.
  void check(const std::string& address, std::string user, std::string password, Done done);
  std::size_t pending() const;
  void stop();

private:
  struct Job {
    std::string address;
    std::string user;
    std::string password;
    Done done;
  };
  struct Failures {
    unsigned count = 0;
    Clock::time_point notBefore;
  };
  /// What the posted results touch; they hold it weakly, so a result after stop() is dropped.
  struct Shared {
    std::size_t pending = 0;
    std::map<std::string, Failures> failures;
  };

  void work();
  static void finished(Shared& shared, std::chrono::milliseconds failureDelay, const std::string& address, bool ok);

  net::io_context& m_io;
  const Users& m_users;
  const std::size_t m_maxPending;
  const std::chrono::milliseconds m_failureDelay;
  std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
  std::mutex m_mutex;
  std::condition_variable m_wake;
  std::deque<Job> m_jobs;  ///< guarded by m_mutex
  bool m_stopping = false;  ///< guarded by m_mutex
  std::thread m_worker;
};

}  // namespace doppel::gateway
