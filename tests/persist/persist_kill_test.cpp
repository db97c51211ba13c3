// A real host process (persist_host) with a SQLite store, killed with SIGKILL the moment a
// replica sees its write acknowledged, then started again: the acknowledged value must be there.
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "doppel/doppel.h"

extern char** environ;

namespace doppel {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

/// persist_host as a child process: started, read up to its READY line, killed.
class HostProcess {
public:
  HostProcess(const std::string& storeFile, const std::string& url) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string exe = DOPPEL_PERSIST_HOST;
    std::string store = storeFile;
    std::string where = url;
    char* argv[] = {exe.data(), store.data(), where.data(), nullptr};
    if (posix_spawn(&m_pid, exe.c_str(), &actions, nullptr, argv, environ) != 0) m_pid = -1;
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    m_out = fds[0];
    readReady();
  }
  ~HostProcess() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      reap();
    }
    if (m_out >= 0) ::close(m_out);
  }
  HostProcess(const HostProcess&) = delete;
  HostProcess& operator=(const HostProcess&) = delete;

  const std::string& url() const { return m_url; }
  /// SIGKILL, then wait for the process to be gone.
  void killNow() {
    if (m_pid <= 0) return;
    ::kill(m_pid, SIGKILL);
  }
  int reap() {
    int status = 0;
    while (m_pid > 0 && ::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
    }
    m_pid = -1;
    return status;
  }

private:
  void readReady() {
    std::string buffer;
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{m_out, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      char chunk[256];
      const ssize_t n = ::read(m_out, chunk, sizeof chunk);
      if (n <= 0) return;
      buffer.append(chunk, static_cast<std::size_t>(n));
      const auto end = buffer.find('\n');
      if (end != std::string::npos && buffer.rfind("READY ", 0) == 0) {
        m_url = buffer.substr(6, end - 6);
        return;
      }
    }
  }

  pid_t m_pid = -1;
  int m_out = -1;
  std::string m_url;
};

class PersistKillTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "doppel-kill-XXXXXX").string();
    dir = ::mkdtemp(pattern.data());
    storeFile = dir + "/state.sqlite";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  /// Starts the host and a replica of its ControlUnit, Valid.
  void start() {
    process = std::make_unique<HostProcess>(storeFile, "tcp://127.0.0.1:0");
    ASSERT_FALSE(process->url().empty()) << "persist_host did not start";
    node = std::make_unique<Node>(*loop);
    ASSERT_TRUE(node->connectToNode(process->url()));
    replica = node->acquireDynamic("ControlUnit");
    ASSERT_TRUE(replica->waitForSource(10s)) << replicaStateName(replica->state());
  }

  /// Kills the host the moment the replica sees `property` become `value`.
  void writeAndKillOnAck(const std::string& property, const Value& value) {
    bool acked = false;
    const int index = replica->interface().propertyIndex(property);
    const ScopedConnection watch = replica->propertyChanged.connect([&](int i, const Value& v) {
      if (i != index || v != value || acked) return;
      acked = true;
      process->killNow();  // right here, in the handler of the acknowledgement
    });
    ASSERT_TRUE(replica->setProperty(property, value));
    ASSERT_TRUE(loop->runUntil([&] { return acked; }, Clock::now() + 10s));
    stop();
  }

  void stop() {
    replica.reset();
    node.reset();
    if (process) {
      process->killNow();
      const int status = process->reap();
      EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
      process.reset();
    }
    loop->runUntil([] { return false; }, Clock::now() + 1ms);
  }

  std::string dir;
  std::string storeFile;
  std::unique_ptr<EventLoop> loop = makeEventLoop();
  std::unique_ptr<HostProcess> process;
  std::unique_ptr<Node> node;
  std::shared_ptr<Replica> replica;
};

TEST_F(PersistKillTest, AnAcknowledgedValueSurvivesSigkillEveryTime) {
  start();
  EXPECT_EQ(replica->property("speed"), Value::int32(10));  // a fresh store: the default
  const int values[] = {101, -5, 2147483647, 0, 4242};
  for (int v : values) {
    writeAndKillOnAck("speed", Value::int32(v));
    start();
    EXPECT_EQ(replica->property("speed"), Value::int32(v));
  }
  stop();
}

TEST_F(PersistKillTest, StringsAndGadgetsSurviveToo) {
  start();
  const Value reading = Value::userList("Reading", {Value::string("probe-7"), Value::float64(0.125)});
  ASSERT_TRUE(replica->setProperty("label", Value::string("first")));
  writeAndKillOnAck("last", reading);
  start();
  EXPECT_EQ(replica->property("last"), reading);
  EXPECT_EQ(replica->property("label"), Value::string("first"));
  writeAndKillOnAck("label", Value::string("ünïcode ✓ and a long tail " + std::string(500, 'z')));
  start();
  EXPECT_EQ(replica->property("label"),
            Value::string("ünïcode ✓ and a long tail " + std::string(500, 'z')));
  stop();
}

TEST_F(PersistKillTest, TheLastOfManyRapidWritesSurvives) {
  start();
  constexpr int kWrites = 500;
  for (int i = 1; i < kWrites; ++i) ASSERT_TRUE(replica->setProperty("speed", Value::int32(i)));
  writeAndKillOnAck("speed", Value::int32(kWrites));
  start();
  EXPECT_EQ(replica->property("speed"), Value::int32(kWrites));
  stop();
}

TEST_F(PersistKillTest, AKillInTheMiddleOfAStreamKeepsAtLeastTheLastAcknowledgedValue) {
  start();
  constexpr int kWrites = 3000;
  const int index = replica->interface().propertyIndex("speed");
  int acknowledged = -1;
  const ScopedConnection watch = replica->propertyChanged.connect([&](int i, const Value& v) {
    if (i != index || acknowledged >= 0) return;
    if (v.toInt() >= kWrites / 3) {
      acknowledged = static_cast<int>(v.toInt());
      process->killNow();
    }
  });
  for (int i = 1; i <= kWrites; ++i) ASSERT_TRUE(replica->setProperty("speed", Value::int32(i)));
  ASSERT_TRUE(loop->runUntil([&] { return acknowledged >= 0; }, Clock::now() + 20s));
  stop();
  start();
  const auto restored = static_cast<int>(replica->property("speed").toInt());
  // Writes after the acknowledged one may have been saved before the kill; none before it lost.
  EXPECT_GE(restored, acknowledged);
  EXPECT_LE(restored, kWrites);
  stop();
}

TEST_F(PersistKillTest, ACorruptStoreFileLeavesTheHostRunningAtDefaults) {
  {
    FILE* f = std::fopen(storeFile.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(std::string(8192, '#').c_str(), f);
    std::fclose(f);
  }
  start();
  EXPECT_EQ(replica->property("speed"), Value::int32(10));
  ASSERT_TRUE(replica->setProperty("speed", Value::int32(3)));
  ASSERT_TRUE(loop->runUntil([&] { return replica->property("speed") == Value::int32(3); },
                             Clock::now() + 10s));
  stop();
}

}  // namespace
}  // namespace doppel
