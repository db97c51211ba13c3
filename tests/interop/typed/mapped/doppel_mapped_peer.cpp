// The doppel side of the mapped-types interop: mapped.rep compiled by doppelc.
//   doppel_mapped_peer host URL          serves a MappedSimpleSource, prints READY
//   doppel_mapped_peer client URL valid  checks the values, the slot and a write
// The FLAG is doppel::typed::Flags, the maps std::map, the dates doppel's value structs.
#include <cstdio>
#include <cstring>
#include <string>

#include "doppel/doppel.h"
#include "rep_mapped_merged.h"

namespace {

using namespace std::chrono_literals;
using Genre = MappedSource::Genre;

class Mapped : public MappedSimpleSource {
public:
  std::int32_t toggle(Genres g) override {
    setGenres(genres() ^ g);
    return genres().toInt();
  }
};

int fail(const std::string& what) {
  std::fprintf(stderr, "doppel_mapped_peer: FAILED: %s\n", what.c_str());
  return 1;
}

doppel::DateTime opened() {
  doppel::DateTime at;
  at.date = doppel::Date::fromYmd(2024, 2, 29);
  at.time = doppel::Time::fromHms(12, 30, 5, 250);
  at.spec = doppel::DateTime::Spec::Utc;
  return at;
}

const std::map<std::string, std::int32_t> kStock{{"atlas", 2}, {"bible", 7}};
const std::map<std::int32_t, std::string> kNames{{1, "one"}, {2, "two"}};

int host(const char* url) {
  auto loop = doppel::makeEventLoop();
  Mapped mapped;
  mapped.setGenres(Genre::Jazz | Genre::Folk);
  mapped.setStock(kStock);
  mapped.setNames(kNames);
  mapped.setOpened(opened());
  mapped.setDay(doppel::Date::fromYmd(1999, 12, 31));
  mapped.setTime(doppel::Time::fromHms(23, 59, 58));
  doppel::Host h(*loop);
  if (auto r = h.listen(url); !r) return fail("listen: " + r.error().toString());
  if (auto r = h.enableRemoting(mapped); !r) return fail("enableRemoting");
  std::printf("READY\n");
  std::fflush(stdout);
  loop->run();
  return 0;
}

int client(const char* url) {
  auto loop = doppel::makeEventLoop();
  doppel::Node node(*loop);
  (void)node.connectToNode(url);
  auto rep = node.acquire<MappedReplica>("Mapped");
  if (!rep->waitForSource(10s)) return fail(std::string("not Valid: ") + doppel::replicaStateName(rep->replicaState()));
  if (rep->genres() != (Genre::Jazz | Genre::Folk)) return fail("genres " + std::to_string(rep->genres().toInt()));
  if (rep->stock() != kStock) return fail("stock");
  if (rep->names() != kNames) return fail("names");
  if (!(rep->opened() == opened())) return fail("opened");
  if (!(rep->day() == doppel::Date::fromYmd(1999, 12, 31))) return fail("day");
  if (!(rep->time() == doppel::Time::fromHms(23, 59, 58))) return fail("time");
  auto reply = rep->toggle(Genre::Rock);
  if (!reply.waitForFinished(10s) || !reply.isOk() || reply.value() != 7) {
    const auto& error = reply.pending().error();
    return fail("toggle reply: " + (error ? error->toString() : reply.pending().returnValue().debugString()));
  }
  if (!rep->setGenres(Genre::Rock)) return fail("setGenres");
  loop->runUntil([&] { return rep->genres() == Genre::Rock; }, doppel::Clock::now() + 10s);
  if (rep->genres() != Genre::Rock) return fail("READWRITE write");
  std::printf("mapped client ok\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 3 && std::strcmp(argv[1], "host") == 0) return host(argv[2]);
  if (argc >= 4 && std::strcmp(argv[1], "client") == 0) return client(argv[2]);
  std::fprintf(stderr, "usage: doppel_mapped_peer host URL | client URL valid\n");
  return 2;
}
