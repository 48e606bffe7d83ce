// The document every throughput benchmark inserts: the one /work/shared/bench/pg_baseline.sh
// inserts into PostgreSQL, so both systems store the same ~300-byte record:
//   {VIN, Type, Year, Make, Model, Color, Owners:{PrimaryOwner:{PersonId}, SecondaryOwners:[]},
//    ValidFrom, ValidTo}
// Used by the in-process engine benchmark and by `folio bench`.
#pragma once

#include <cstdint>
#include <string>

#include "ion/value.h"

namespace folio::bench {

inline ion::Value VehicleDocument(const std::string& vin, uint64_t n) {
  using ion::Value;
  Value primary = Value::Struct();
  primary.Set("PersonId", Value::String("pid" + std::to_string(n)));
  Value owners = Value::Struct();
  owners.Set("PrimaryOwner", std::move(primary));
  owners.Set("SecondaryOwners", Value::List());
  Value doc = Value::Struct();
  doc.Set("VIN", Value::String(vin));
  doc.Set("Type", Value::String("Sedan"));
  doc.Set("Year", Value::Integer(2011));
  doc.Set("Make", Value::String("Audi"));
  doc.Set("Model", Value::String("A5"));
  doc.Set("Color", Value::String("Silver"));
  doc.Set("Owners", std::move(owners));
  doc.Set("ValidFrom", Value::String("2017-08-21"));
  doc.Set("ValidTo", Value::String("2020-05-11"));
  return doc;
}

}  // namespace folio::bench
