// Ion 1.0 binary writer (WriteBinary in ion.h) and the minimal binary representations shared
// with Ion Hash.
//
// WriteBinary emits: the IVM; a local symbol table (only if needed) declaring, in order of
// first use, every field name, annotation and symbol value text that is not a system symbol;
// then each value in its minimal encoding (no padding, no sorted-struct flag, +0e0 as the
// empty float, other floats as 8 bytes, timestamps as UTC components). Symbols with unknown
// text are written as SID 0, except those from a shared import (Symbol::import_name set),
// which are re-emitted as imports of the same name with max_id covering every offset used,
// so that a reader with no catalog reads them back equal.
//
// The Append* functions write the Ion binary *representation* of a value (the bytes after
// the type descriptor and length) in minimal form, as Ion Hash requires
// (spec/ion-notes.md section 4). All functions are pure and thread-safe.
#pragma once

#include <cstdint>

#include "common/bytes.h"
#include "ion/value.h"

namespace folio::ion {

size_t VarUIntSize(uint64_t v);
void AppendVarUInt(uint64_t v, Bytes* out);
// VarInt; `negative` with magnitude 0 writes negative zero (0xC0).
void AppendVarInt(uint64_t magnitude, bool negative, Bytes* out);
// Big-endian magnitude with no leading zero bytes (nothing for zero).
void AppendMagnitude(const Int& i, Bytes* out);
// Float repr: nothing for +0e0, else the 8 big-endian bytes of the binary64.
void AppendFloatRepr(double d, Bytes* out);
// Decimal repr: nothing for 0d0; else VarInt exponent, then the sign-magnitude Int
// coefficient (left out when it is +0; 0x80 for -0).
void AppendDecimalRepr(const Decimal& d, Bytes* out);
// Timestamp repr: UTC components; offset VarInt (-0 for unknown or below minute precision),
// year, then month/day/hour+minute/second as the precision requires, then a fraction only when
// significant (a zero fraction with exponent >= 0 disappears; `.0` is the exponent alone).
void AppendTimestampRepr(const Timestamp& t, Bytes* out);

}  // namespace folio::ion
