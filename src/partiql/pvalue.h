// Evaluator-only values: MISSING and BAG.
//
// Representation: both are ion::Values carrying a single marker annotation whose symbol has
// no text and a reserved import name ("$folio_partiql"), which no Ion text can produce:
//   MISSING = null with the missing marker; BAG = list with the bag marker.
// The markers never leave the engine: ToIon() turns bags into lists and drops MISSING struct
// fields (and turns a top-level/element MISSING into null).
#pragma once

#include <vector>

#include "ion/value.h"

namespace folio::partiql {

ion::Value Missing();
bool IsMissing(const ion::Value& v);
ion::Value MakeBag(ion::Value::Elements elements = {});
bool IsBag(const ion::Value& v);
// null or MISSING (the "absent" values of PartiQL three-valued logic).
inline bool IsAbsent(const ion::Value& v) { return v.is_null(); }
// Lists, sexps and bags (non-null).
inline bool IsCollection(const ion::Value& v) { return !v.is_null() && v.is_sequence(); }

// The Ion form of an evaluator value (see the file comment).
ion::Value ToIon(ion::Value v);
// True when `v` contains a marker anywhere (MISSING or BAG), i.e. ToIon would change it.
bool HasMarkers(const ion::Value& v);

}  // namespace folio::partiql
