#include "driver/control_client.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/bytes.h"
#include "driver/qldb_hash.h"
#include "driver/sigv4_signer.h"

namespace folio::driver {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

Status Malformed(std::string_view what) {
  return Status::Corruption("malformed QLDB control-plane response: " + std::string(what));
}

Status ParseObject(std::string_view json, rapidjson::Document& doc) {
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return Malformed("not a JSON object");
  return Status::OK();
}

std::string StringOr(const rapidjson::Value& o, const char* name) {
  if (o.IsObject() && o.HasMember(name) && o[name].IsString()) {
    return std::string(o[name].GetString(), o[name].GetStringLength());
  }
  return "";
}

LedgerInfo LedgerOf(const rapidjson::Value& o) {
  LedgerInfo l;
  l.name = StringOr(o, "Name");
  l.arn = StringOr(o, "Arn");
  l.state = StringOr(o, "State");
  l.permissions_mode = StringOr(o, "PermissionsMode");
  if (o.HasMember("CreationDateTime") && o["CreationDateTime"].IsNumber()) {
    l.creation_epoch_seconds = static_cast<int64_t>(o["CreationDateTime"].GetDouble());
  }
  if (o.HasMember("DeletionProtection") && o["DeletionProtection"].IsBool()) {
    l.deletion_protection = o["DeletionProtection"].GetBool();
  }
  l.kms_key_arn = StringOr(o, "KmsKeyArn");
  if (l.kms_key_arn.empty() && o.HasMember("EncryptionDescription")) {
    l.kms_key_arn = StringOr(o["EncryptionDescription"], "KmsKeyArn");
  }
  return l;
}

Result<LedgerInfo> ParseLedger(std::string_view json) {
  rapidjson::Document doc;
  FOLIO_TRY(ParseObject(json, doc));
  LedgerInfo l = LedgerOf(doc);
  if (l.name.empty()) return Malformed("Name is missing");
  return l;
}

Result<ProvenValue> ParseProven(std::string_view json, const char* member) {
  rapidjson::Document doc;
  FOLIO_TRY(ParseObject(json, doc));
  ProvenValue out;
  if (!doc.HasMember(member) || !doc[member].IsObject()) {
    return Malformed(std::string(member) + " is missing");
  }
  out.ion_text = StringOr(doc[member], "IonText");
  if (out.ion_text.empty()) return Malformed(std::string(member) + ".IonText is missing");
  if (doc.HasMember("Proof") && doc["Proof"].IsObject()) {
    out.proof_ion_text = StringOr(doc["Proof"], "IonText");
  }
  return out;
}

std::string LedgerPath(std::string_view name) { return "/ledgers/" + UriEncode(name); }

const HeaderList kJson = {{"Content-Type", "application/json"}};

}  // namespace

Result<std::unique_ptr<ControlClient>> ControlClient::Create(const ServiceConfig& config) {
  FOLIO_ASSIGN_OR_RETURN(auto service, ServiceClient::Create(config));
  return std::make_unique<ControlClient>(std::move(service));
}

Result<LedgerInfo> ControlClient::CreateLedger(const CreateLedgerRequest& request) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("Name");
  Str(w, request.name);
  w.Key("PermissionsMode");
  Str(w, request.permissions_mode);
  if (request.deletion_protection) {
    w.Key("DeletionProtection");
    w.Bool(*request.deletion_protection);
  }
  if (request.kms_key) {
    w.Key("KmsKey");
    Str(w, *request.kms_key);
  }
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(std::string r, service_->Call("POST", "/ledgers", kJson, sb.GetString()));
  return ParseLedger(r);
}

Result<LedgerInfo> ControlClient::DescribeLedger(std::string_view name) {
  FOLIO_ASSIGN_OR_RETURN(std::string r, service_->Call("GET", LedgerPath(name), {}, ""));
  return ParseLedger(r);
}

Result<std::vector<LedgerInfo>> ControlClient::ListLedgers() {
  std::vector<LedgerInfo> out;
  std::string token;
  for (int page = 0; page < 10000; ++page) {
    std::string target = "/ledgers?max_results=100";
    if (!token.empty()) target += "&next_token=" + UriEncode(token);
    FOLIO_ASSIGN_OR_RETURN(std::string r, service_->Call("GET", target, {}, ""));
    rapidjson::Document doc;
    FOLIO_TRY(ParseObject(r, doc));
    if (!doc.HasMember("Ledgers") || !doc["Ledgers"].IsArray()) {
      return Malformed("Ledgers is missing");
    }
    for (const auto& l : doc["Ledgers"].GetArray()) out.push_back(LedgerOf(l));
    token = StringOr(doc, "NextToken");
    if (token.empty()) return out;
  }
  return Malformed("ListLedgers did not stop returning NextToken");
}

Result<LedgerInfo> ControlClient::UpdateLedger(std::string_view name,
                                               std::optional<bool> deletion_protection) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  if (deletion_protection) {
    w.Key("DeletionProtection");
    w.Bool(*deletion_protection);
  }
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(std::string r,
                         service_->Call("PATCH", LedgerPath(name), kJson, sb.GetString()));
  return ParseLedger(r);
}

Status ControlClient::DeleteLedger(std::string_view name) {
  return service_->Call("DELETE", LedgerPath(name), {}, "").status();
}

Result<DigestInfo> ControlClient::GetDigest(std::string_view name) {
  FOLIO_ASSIGN_OR_RETURN(std::string r,
                         service_->Call("POST", LedgerPath(name) + "/digest", {}, ""));
  rapidjson::Document doc;
  FOLIO_TRY(ParseObject(r, doc));
  std::string b64 = StringOr(doc, "Digest");
  auto bytes = Base64Decode(b64);
  if (!bytes.ok()) return Malformed("Digest is not base64");
  DigestInfo out;
  auto h = ToHash256(*bytes, "Digest");
  if (!h.ok()) return Malformed(h.status().message());
  out.digest = *h;
  if (doc.HasMember("DigestTipAddress")) {
    out.tip_ion_text = StringOr(doc["DigestTipAddress"], "IonText");
  }
  if (out.tip_ion_text.empty()) return Malformed("DigestTipAddress is missing");
  return out;
}

Result<ProvenValue> ControlClient::GetBlock(std::string_view name,
                                            std::string_view block_address_ion_text,
                                            std::optional<std::string_view> digest_tip_ion_text) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("BlockAddress");
  w.StartObject();
  w.Key("IonText");
  Str(w, block_address_ion_text);
  w.EndObject();
  if (digest_tip_ion_text) {
    w.Key("DigestTipAddress");
    w.StartObject();
    w.Key("IonText");
    Str(w, *digest_tip_ion_text);
    w.EndObject();
  }
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(
      std::string r, service_->Call("POST", LedgerPath(name) + "/block", kJson, sb.GetString()));
  return ParseProven(r, "Block");
}

Result<ProvenValue> ControlClient::GetRevision(
    std::string_view name, std::string_view block_address_ion_text, std::string_view document_id,
    std::optional<std::string_view> digest_tip_ion_text) {
  rapidjson::StringBuffer sb;
  Writer w(sb);
  w.StartObject();
  w.Key("BlockAddress");
  w.StartObject();
  w.Key("IonText");
  Str(w, block_address_ion_text);
  w.EndObject();
  w.Key("DocumentId");
  Str(w, document_id);
  if (digest_tip_ion_text) {
    w.Key("DigestTipAddress");
    w.StartObject();
    w.Key("IonText");
    Str(w, *digest_tip_ion_text);
    w.EndObject();
  }
  w.EndObject();
  FOLIO_ASSIGN_OR_RETURN(
      std::string r, service_->Call("POST", LedgerPath(name) + "/revision", kJson, sb.GetString()));
  return ParseProven(r, "Revision");
}

}  // namespace folio::driver
