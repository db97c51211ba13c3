// A check inside a fuzz target: a failed one is a bug, reported with a message and abort() so
// libFuzzer and the replay main both stop on the input that caused it.
#pragma once

#include <cstdio>
#include <cstdlib>

#define DOPPEL_FUZZ_CHECK(cond, what)                                                   \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, what); \
      std::abort();                                                                     \
    }                                                                                   \
  } while (false)
