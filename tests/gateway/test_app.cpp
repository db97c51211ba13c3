// A stand-in stream application for the gateway tests: a WebServer that takes its connections
// from DOPPEL_HANDOFF_FD (as ImGui_ImplDoppel_Init does under the gateway) and serves a web root
// with its pid (pid.txt) and session id (session.txt); WebSocket connections stay open.
//   gateway_test_app [--ignore-term] [--exit N]
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
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
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ignore-term") == 0) ignoreTerm = true;
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

  doppel::WebOptions options;
  options.webRoot = dir;
  options.handoffFd = std::atoi(fd);
  std::vector<doppel::ChannelPtr> channels;
  auto server = doppel::WebServer::start(*loop, options, [&channels](doppel::ChannelPtr channel) {
    channel->start({});
    channel->send(std::make_shared<const std::string>(std::to_string(::getpid())));
    channels.push_back(std::move(channel));
  });
  if (!server) {
    std::fprintf(stderr, "gateway_test_app: %s\n", server.error().toString().c_str());
    return 5;
  }
  while (!g_stop) (void)loop->runUntil([] { return g_stop.load(); }, doppel::Clock::now() + std::chrono::milliseconds(50));
  channels.clear();
  server->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
