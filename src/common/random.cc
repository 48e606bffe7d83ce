#include "common/random.h"

#include <openssl/rand.h>

#include <cstdlib>
#include <random>

namespace folio {

uint64_t UniqueRandom64() {
  thread_local std::mt19937_64 rng = [] {
    uint64_t seed[4];
    if (RAND_bytes(reinterpret_cast<unsigned char*>(seed), sizeof seed) != 1) {
      std::abort();  // no entropy: cannot issue identifiers
    }
    std::seed_seq seq{seed[0], seed[1], seed[2], seed[3]};
    return std::mt19937_64(seq);
  }();
  return rng();
}

}  // namespace folio
