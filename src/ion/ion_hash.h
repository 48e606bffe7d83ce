// Ion Hash 1.0 (amazon-ion ion-hash spec; rules in spec/ion-notes.md section 4).
//
//   H(v)          = h(s(v))
//   s(scalar)     = 0x0B || TQ || escape(minimal binary repr) || 0x0E
//   s(list|sexp)  = 0x0B || TQ || s(e1) || ... || s(en) || 0x0E
//   s(struct)     = 0x0B || 0xD0 || escape(concat(sort(H(s(name) || s(value)) per field))) || 0x0E
//   s(annotated)  = 0x0B || 0xE0 || s(ann1) ... s(annN) || s(v) || 0x0E
//
// The hash function h is pluggable: a HasherFactory makes one Hasher for the whole value and
// a fresh one per struct field. The exact sequence of Update() calls is part of the contract
// (the ion-hash-test identity vectors pin it): for a scalar, one call each for 0x0B, TQ, the
// escaped repr (skipped when empty) and 0x0E; for a struct, after the fields' hashers finish,
// one call per escaped field digest in sorted order. Field digests are sorted as unsigned
// bytes (shorter first on a common prefix) before escaping.
//
// Symbols (values, field names, annotations) hash their text with TQ 0x70. A symbol with
// unknown text hashes as $0 (TQ 0x71, no repr) when it is $0 or a local gap; unknown text
// from a shared import cannot be hashed and is an error (InvalidArgument).
//
// Thread-safety: the functions are re-entrant; Hasher objects are not shared.
#pragma once

#include <memory>
#include <span>

#include "common/bytes.h"
#include "common/sha256.h"
#include "common/status.h"
#include "ion/value.h"

namespace folio::ion {

class Hasher {
 public:
  virtual ~Hasher() = default;
  virtual void Update(std::span<const uint8_t> bytes) = 0;
  // The digest of everything updated since construction or the previous Digest(); resets.
  virtual Bytes Digest() = 0;
};

class HasherFactory {
 public:
  virtual ~HasherFactory() = default;
  virtual std::unique_ptr<Hasher> NewHasher() = 0;
};

// Ion Hash of `value` using hashers from `factory`. InvalidArgument for a symbol with unknown
// text other than $0.
Result<Bytes> IonHash(const Value& value, HasherFactory& factory);

// s(value): the serialized bytes that H(value) digests at the top level. Useful with an
// identity hasher; field digests inside structs are SHA-256 here.
Result<Bytes> IonHashSerializeSha256(const Value& value);

// IonHashSha256 (declared in ion.h) uses a buffered path: no virtual calls, no allocation per
// scalar, one SHA-256 per struct field.

// IonHashSha256 of the single value in a binary Ion stream, computed from the bytes with no
// DOM: equal to IonHashSha256(*ReadOne(data)) whenever that succeeds. InvalidArgument for
// malformed input, for a stream holding zero or several values, and for a symbol with unknown
// text other than $0. Thread-safe.
Result<Hash256> IonHashSha256Binary(std::span<const uint8_t> data);

// A factory for SHA-256 hashers (through the generic path; for tests and comparisons).
std::unique_ptr<HasherFactory> NewSha256HasherFactory();

}  // namespace folio::ion
