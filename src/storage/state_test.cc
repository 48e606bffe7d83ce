#include "storage/state.h"

#include <gtest/gtest.h>

#include <memory>

#include "ion/ion.h"

namespace folio::storage {
namespace {

Revision MakeRevision() {
  Revision r;
  r.strand_id = std::string(22, 'S');
  r.sequence_no = 1234567;
  r.hash.fill(0xAB);
  r.document_id = std::string(22, 'D');
  r.version = 3;
  r.tx_time.precision = ion::Timestamp::Precision::kFraction;
  r.tx_time.year = 2026;
  r.tx_time.month = 11;
  r.tx_time.day = 23;
  r.tx_time.hour = 19;
  r.tx_time.minute = 5;
  r.tx_time.second = 7;
  r.tx_time.offset_minutes = 0;
  r.tx_time.fraction = ion::Decimal{ion::Int(123), -3, false};
  r.tx_id = std::string(22, 'T');
  return r;
}

// EncodeRevision writes records straight (no DOM), copying the data from its encoding when it
// has one; every shape reads back as the record it encodes.
TEST(StateTest, EncodeRevisionReadsBackEveryShape) {
  auto data = ion::ReadOneText(
      "{VIN:\"1N4AL11D75C109151\", version:2, id:'sym', nested:{a:[1, -2.5, null.int]}, "
      "name:\"system-symbol field\"}");
  ASSERT_TRUE(data.ok());
  std::vector<Revision> shapes;
  Revision plain = MakeRevision();
  plain.data = *data;
  shapes.push_back(plain);  // data without an encoding: the DOM path
  Revision encoded = plain;
  encoded.encoded_data = std::make_shared<const ion::EncodedValue>(ion::EncodeForSplice(*data));
  shapes.push_back(encoded);
  Revision deleted = MakeRevision();
  shapes.push_back(deleted);
  Revision redacted = MakeRevision();
  redacted.data_hash = Hash256{};
  redacted.data_hash->fill(0x11);
  shapes.push_back(redacted);
  for (const Revision& r : shapes) {
    auto back = DecodeRevision(EncodeRevision(r));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->ToIon(), r.ToIon()) << ion::WriteText(r.ToIon());
  }
}

}  // namespace
}  // namespace folio::storage
