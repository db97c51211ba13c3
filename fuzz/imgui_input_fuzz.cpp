// Bytes from a browser to a streamed ImGui app: InputDecoder reassembles and decodes the records
// (src/imgui/input_codec.h). Every decoded event must encode back to a record that decodes to the
// same event; malformed input must be an error, never a crash or an unbounded allocation.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "imgui/input_codec.h"

using namespace doppel::imgui;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  InputDecoder decoder;
  // Three chunks, so records split across messages are exercised too.
  for (const std::string_view part : {input.substr(0, size / 3), input.substr(size / 3, size / 3),
                                      input.substr(size / 3 * 2)}) {
    auto events = decoder.feed(part);
    if (!events) return 0;
    for (const InputEvent& e : *events) {
      InputDecoder again;
      auto back = again.feed(encodeInput(e));
      DOPPEL_FUZZ_CHECK(back.ok() && back->size() == 1, "a decoded event does not re-encode");
      DOPPEL_FUZZ_CHECK((*back)[0] == e, "re-encoding changed the event");
    }
  }
  return 0;
}
