// Random numbers for identifiers that must be unique but need not be secret (request,
// transaction and document ids). Secrets (session tokens, credentials) use OpenSSL's CSPRNG
// directly.
#pragma once

#include <cstdint>

namespace folio {

// 64 uniformly random bits from a per-thread Mersenne Twister seeded once with 256 bits from
// OpenSSL's CSPRNG: no lock and no call into OpenSSL per number. Thread-safe.
uint64_t UniqueRandom64();

}  // namespace folio
