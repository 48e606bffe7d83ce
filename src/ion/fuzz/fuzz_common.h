// Round-trip consistency checks shared by the Ion fuzz targets: any stream a reader accepts
// must write (text and binary) and read back equal under Ion data-model equality. A violation
// aborts, which libFuzzer reports as a crash.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "ion/ion.h"

namespace folio::ion::fuzz {

[[noreturn]] inline void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "round-trip violation (%s): %s\n", what, detail.c_str());
  std::abort();
}

inline void CheckRoundTrips(const std::vector<Value>& values) {
  std::string text = WriteText(values);
  Result<std::vector<Value>> t = ReadText(text);
  if (!t.ok()) Fail("text re-read failed", t.status().ToString() + "\n" + text);
  if (*t != values) Fail("text not equal", text);

  std::string pretty = WriteText(values, TextStyle::kPretty);
  Result<std::vector<Value>> p = ReadText(pretty);
  if (!p.ok()) Fail("pretty re-read failed", p.status().ToString() + "\n" + pretty);
  if (*p != values) Fail("pretty not equal", pretty);

  // FOLIO_FUZZ_TEXT_ONLY=1 limits the check to the text writer (to fuzz it in isolation).
  static const bool text_only = std::getenv("FOLIO_FUZZ_TEXT_ONLY") != nullptr;
  if (text_only) return;
  Bytes bin = WriteBinary(values);
  Result<std::vector<Value>> b = ReadBinary(bin);
  if (!b.ok()) Fail("binary re-read failed", b.status().ToString() + "\n" + text);
  if (*b != values) Fail("binary not equal", text + "\n" + HexEncode(bin));

  // Each value spliced into a struct that uses symbols of its own reads back in place.
  for (const Value& v : values) {
    const EncodedValue piece = EncodeForSplice(v);
    if (!piece.spliceable) continue;
    Value outer = Value::Struct({Field{"blockAddress", Value::Sym("fuzz")},
                                 Field{"data", Value::Null()},
                                 Field{"metadata", Value::List({Value::Sym("id")})}});
    Result<Bytes> spliced = WriteBinarySpliced(outer, outer.Get("data"), piece);
    if (!spliced.ok()) Fail("splice refused", spliced.status().ToString() + "\n" + text);
    *outer.Get("data") = v;
    Result<std::vector<Value>> s = ReadBinary(*spliced);
    if (!s.ok()) Fail("spliced re-read failed", s.status().ToString() + "\n" + text);
    if (s->size() != 1 || s->front() != outer) Fail("spliced not equal", text + "\n" + HexEncode(*spliced));
  }
}

}  // namespace folio::ion::fuzz
