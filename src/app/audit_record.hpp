// Helpers for writing records beside the change they record, inside a use case's WriteWork:
// an audit record, and a file attached to a case (its row, its timeline event, its audit record).
#pragma once

#include <string>

#include "app/ports/store.hpp"
#include "domain/json_writer.hpp"

namespace shakwa::app {

inline domain::Status Audit(WriteTransaction& tx, domain::Instant at, const domain::Actor& actor,
                            std::string action, std::string subject, std::string detail) {
  domain::AuditEntry entry;
  entry.at = at;
  entry.actor = actor;
  entry.action = std::move(action);
  entry.subject = std::move(subject);
  entry.detail = detail.empty() ? "{}" : std::move(detail);
  auto stored = tx.AppendAudit(entry);
  if (!stored) return std::move(stored).error();
  return domain::Status::Ok();
}

// Stores c as changed at now (the next version) with its new timeline events, and one audit
// record per event, all in tx. c.version is the version it was read at.
inline domain::Status StoreCaseChange(WriteTransaction& tx, domain::Case& c,
                                      const std::vector<domain::CaseEvent>& events,
                                      const domain::Actor& actor, domain::Instant now) {
  c.version += 1;
  c.handling.updated_at = now;
  if (domain::Status s = tx.UpdateCase(c); !s.ok()) return s;
  const std::string subject = c.reference.ToString();
  for (const domain::CaseEvent& event : events) {
    auto appended = tx.AppendEvent(c.id, event);
    if (!appended) return std::move(appended).error();
    domain::JsonWriter detail;
    detail.Add("version", c.version);
    if (event.from_status) detail.Add("from_status", domain::NameOf(*event.from_status));
    if (event.to_status) detail.Add("to_status", domain::NameOf(*event.to_status));
    if (!event.data.empty()) detail.AddRaw("data", event.data);
    if (domain::Status s = Audit(tx, now, actor, "case." + event.type, subject, detail.Finish());
        !s.ok()) {
      return s;
    }
  }
  return domain::Status::Ok();
}

// Records file as attached to c by actor (role: the staff role's wire name, or "beneficiary"),
// filling in its id, time and uploader.
inline domain::Status RecordAttachment(WriteTransaction& tx, const domain::Case& c,
                                       Attachment& file, const domain::Actor& actor,
                                       std::string role, domain::Instant at) {
  file.uploaded_at = at;
  file.uploaded_by = actor;
  auto id = tx.InsertAttachment(c.id, file);
  if (!id) return std::move(id).error();
  file.id = *id;
  domain::JsonWriter data;
  data.Add("attachment_id", file.id)
      .Add("filename", std::string_view(file.filename))
      .Add("media_type", std::string_view(file.media_type))
      .Add("size", file.size)
      .Add("sha256", std::string_view(file.sha256));
  domain::CaseEvent event;
  event.at = at;
  event.type = "attachment_added";
  event.visibility = file.visibility;
  event.actor = actor;
  event.actor_role = std::move(role);
  event.data = data.Finish();
  auto appended = tx.AppendEvent(c.id, event);
  if (!appended) return std::move(appended).error();
  return Audit(tx, at, actor, "case.attachment_added", c.reference.ToString(), event.data);
}

}  // namespace shakwa::app
