// A stand-in stream application for the gateway tests: a WebServer that takes its connections
// from DOPPEL_HANDOFF_FD (as ImGui_ImplDoppel_Init does under the gateway) and serves a web root
// with its pid (pid.txt) and session id (session.txt); WebSocket connections stay open.
//   gateway_test_app [--ignore-term] [--exit N] [--busy] [--big MB]
// --big: also serves big.bin of MB MiB (bench/gateway/relay.py's bulk transfer).
// --busy: a second thread spins (the CPU limit's tests); the loop stays responsive.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "doppel/runtime.h"
#include "doppel/web.h"

#include "imgui/session_template.h"

namespace {

std::atomic<bool> g_stop{false};

void onTerm(int) {
  g_stop = true;
}

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

}  // namespace

int main(int argc, char** argv) {
  bool ignoreTerm = false;
  bool busy = false;
  int bigMiB = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ignore-term") == 0) ignoreTerm = true;
    if (std::strcmp(argv[i], "--busy") == 0) busy = true;
    if (std::strcmp(argv[i], "--big") == 0 && i + 1 < argc) bigMiB = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--exit") == 0 && i + 1 < argc) return std::atoi(argv[i + 1]);
  }
  auto loop = doppel::makeEventLoop();
  // Under --warm: the template waits here; each session returns from it as a new process.
  if (const char* t = std::getenv("DOPPEL_TEMPLATE_FD"); t != nullptr) {  // NOLINT(concurrency-mt-unsafe)
    if (!doppel::imgui::serveAsTemplate(std::atoi(t), loop.get())) return 6;
  }
  const char* fd = std::getenv("DOPPEL_HANDOFF_FD");  // NOLINT(concurrency-mt-unsafe)
  const char* id = std::getenv("DOPPEL_SESSION_ID");  // NOLINT(concurrency-mt-unsafe)
  if (fd == nullptr || id == nullptr) {
    std::fprintf(stderr, "gateway_test_app: not started by the gateway\n");
    return 3;
  }
  ::signal(SIGTERM, ignoreTerm ? SIG_IGN : onTerm);
  char dirTemplate[] = "/tmp/doppel-gw-app-XXXXXX";  // NOLINT(cppcoreguidelines-avoid-c-arrays)
  if (::mkdtemp(dirTemplate) == nullptr) return 4;
  const std::string dir = dirTemplate;
  writeFile(dir + "/index.html", "<!doctype html><p>session " + std::to_string(::getpid()) + "</p>\n");
  writeFile(dir + "/pid.txt", std::to_string(::getpid()));
  writeFile(dir + "/session.txt", id);
  if (bigMiB > 0) {
    std::string block(1u << 20, '\0');
    for (std::size_t i = 0; i < block.size(); ++i) block[i] = static_cast<char>((i * 2654435761u) >> 24);
    std::ofstream big(dir + "/big.bin", std::ios::binary);
    for (int i = 0; i < bigMiB; ++i) big.write(block.data(), static_cast<std::streamsize>(block.size()));
  }

  doppel::WebOptions options;
  options.webRoot = dir;
  options.handoffFd = std::atoi(fd);
  // Closed channels are dropped after each loop turn (not inside their own callback), so the
  // server's connection count (reported to the gateway) falls when a browser goes.
  std::vector<doppel::ChannelPtr> channels;
  std::vector<doppel::Channel*> closed;
  auto server = doppel::WebServer::start(*loop, options, [&channels, &closed](doppel::ChannelPtr channel) {
    doppel::Channel::Handler handler;
    doppel::Channel* raw = channel.get();
    handler.onData = [](std::string_view) {};  // input is ignored
    handler.onClosed = [&closed, raw](const doppel::Error&) { closed.push_back(raw); };
    channel->start(std::move(handler));
    channel->send(std::make_shared<const std::string>(std::to_string(::getpid())));
    channels.push_back(std::move(channel));
  });
  if (!server) {
    std::fprintf(stderr, "gateway_test_app: %s\n", server.error().toString().c_str());
    return 5;
  }
  std::thread spinner;
  if (busy) {
    spinner = std::thread([] {
      volatile unsigned long spins = 0;
      while (!g_stop) spins = spins + 1;
    });
  }
  while (!g_stop) {
    (void)loop->runUntil([] { return g_stop.load(); }, doppel::Clock::now() + std::chrono::milliseconds(50));
    for (doppel::Channel* gone : closed)
      channels.erase(std::remove_if(channels.begin(), channels.end(), [gone](const doppel::ChannelPtr& c) { return c.get() == gone; }),
                     channels.end());
    closed.clear();
  }
  if (spinner.joinable()) spinner.join();
  channels.clear();
  server->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
