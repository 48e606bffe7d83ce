#include "partiql/pvalue.h"

namespace folio::partiql {
namespace {

constexpr const char* kMarkerImport = "$folio_partiql";
constexpr int64_t kMissingMarker = 1;
constexpr int64_t kBagMarker = 2;

bool HasMarker(const ion::Value& v, int64_t which) {
  const auto& a = v.annotations();
  return a.size() == 1 && !a[0].has_text && a[0].import_offset == which &&
         a[0].import_name == kMarkerImport;
}

}  // namespace

ion::Value Missing() {
  ion::Value v;
  v.Annotate({ion::Symbol::Unknown(kMarkerImport, kMissingMarker)});
  return v;
}

bool IsMissing(const ion::Value& v) {
  return v.type() == ion::Type::kNull && v.is_null() && HasMarker(v, kMissingMarker);
}

ion::Value MakeBag(ion::Value::Elements elements) {
  return ion::Value::List(std::move(elements))
      .Annotate({ion::Symbol::Unknown(kMarkerImport, kBagMarker)});
}

bool IsBag(const ion::Value& v) {
  return v.type() == ion::Type::kList && !v.is_null() && HasMarker(v, kBagMarker);
}

bool HasMarkers(const ion::Value& v) {
  if (IsMissing(v) || IsBag(v)) return true;
  if (v.is_null()) return false;
  if (v.is_sequence()) {
    for (const auto& e : v.elements()) {
      if (HasMarkers(e)) return true;
    }
  } else if (v.type() == ion::Type::kStruct) {
    for (const auto& f : v.fields()) {
      if (HasMarkers(f.value)) return true;
    }
  }
  return false;
}

ion::Value ToIon(ion::Value v) {
  if (!HasMarkers(v)) return v;
  if (IsMissing(v)) return ion::Value();
  if (IsBag(v)) v.annotations().clear();
  if (v.is_sequence()) {
    for (auto& e : v.elements()) e = ToIon(std::move(e));
  } else if (v.type() == ion::Type::kStruct) {
    ion::Value::Fields out;
    for (auto& f : v.fields()) {
      if (IsMissing(f.value)) continue;
      out.push_back(ion::Field{std::move(f.name), ToIon(std::move(f.value))});
    }
    v.fields() = std::move(out);
  }
  return v;
}

}  // namespace folio::partiql
