#include "app/submit_case.hpp"

#include "app/audit_record.hpp"
#include "app/notices.hpp"
#include "domain/access_code.hpp"
#include "domain/json_writer.hpp"

namespace shakwa::app {

using domain::Status;

SubmitCase::SubmitCase(Settings settings, Store& store, const Clock& clock, RandomSource& random,
                       const AccessCodeHasher& hasher,
                       std::shared_ptr<const domain::CategoryCatalogue> categories)
    : settings_(std::move(settings)),
      store_(store),
      clock_(clock),
      random_(random),
      hasher_(hasher),
      categories_(std::move(categories)) {}

void SubmitCase::Submit(const domain::IntakeForm& form, const domain::Actor& recorded_by, Done done,
                        std::vector<Attachment> files) const {
  Record(domain::ValidateIntake(form, *categories_, settings_.rules), recorded_by,
         recorded_by.kind == domain::Actor::Kind::kBeneficiary ? "beneficiary" : "", std::nullopt,
         std::move(done), std::move(files));
}

void SubmitCase::SubmitForBeneficiary(const domain::IntakeForm& form,
                                      const domain::StaffUser& agent,
                                      std::optional<domain::Instant> received_at, Done done,
                                      std::vector<Attachment> files) const {
  auto validated = domain::ValidateIntake(form, *categories_, settings_.staff_rules);
  if (validated && received_at && *received_at > clock_.Now() + std::chrono::minutes(1)) {
    domain::Error e =
        domain::Error::Of(domain::ErrorCode::kInvalidInput, domain::MessageId::kValidationFailed);
    e.fields.push_back({"received_at", domain::MessageId::kReceivedInFuture, {}});
    validated = std::move(e);
  }
  Record(std::move(validated), domain::Actor{domain::Actor::Kind::kStaff, std::to_string(agent.id)},
         std::string(domain::NameOf(agent.role)), received_at, std::move(done), std::move(files));
}

void SubmitCase::SubmitFromMail(const domain::IntakeForm& form, Done done,
                                std::vector<Attachment> files) const {
  domain::IntakeRules rules = settings_.rules;
  rules.channels = {domain::Channel::kEmail};
  Record(domain::ValidateIntake(form, *categories_, rules),
         domain::Actor{domain::Actor::Kind::kSystem, {}}, "mailgate", std::nullopt, std::move(done),
         std::move(files));
}

void SubmitCase::Record(domain::Result<domain::Case> validated, const domain::Actor& recorded_by,
                        std::string recorder_role, std::optional<domain::Instant> received_at,
                        Done done, std::vector<Attachment> files) const {
  if (!validated) {
    done(std::move(validated).error());
    return;
  }

  // The receipt is built here and filled in by the work on the store's thread; done reads it
  // only after the work has run, so the two never touch it at once.
  auto receipt = std::make_shared<Receipt>();
  receipt->recorded = std::move(validated).value();
  receipt->attachments = std::move(files);
  domain::Case& c = receipt->recorded;
  c.recorded_at = clock_.Now();
  c.received_at = received_at.value_or(c.recorded_at);
  c.handling.updated_at = c.recorded_at;
  c.recorded_by = recorded_by;
  c.status = domain::CaseStatus::kReceived;
  c.reference.prefix = domain::ReferencePrefix(c.kind);
  c.reference.year = domain::YearAt(c.received_at, domain::kRiyadhOffset);
  c.reference.width = settings_.sequence_width;
  domain::ScheduleClock(c, *settings_.time->Current(), c.received_at);

  const std::string code =
      domain::MakeAccessCode([this](std::span<std::uint8_t> bytes) { random_.Fill(bytes); });
  receipt->access_code = domain::FormatAccessCode(code);
  const AccessCodeHash hash = hasher_.Hash(code);

  store_.Write(
      [receipt, hash, recorder_role = std::move(recorder_role),
       webhooks = settings_.webhooks](WriteTransaction& tx) -> domain::Status {
        domain::Case& stored = receipt->recorded;
        auto sequence = tx.NextReferenceSequence(stored.reference.year);
        if (!sequence) return std::move(sequence).error();
        stored.reference.sequence = *sequence;
        auto id = tx.InsertCase(stored, hash);
        if (!id) return std::move(id).error();
        stored.id = *id;
        domain::CaseEvent received;
        received.at = stored.received_at;
        received.type = "received";
        received.visibility = domain::CaseEvent::Visibility::kPublic;
        received.actor = stored.recorded_by;
        received.actor_role = recorder_role;
        received.to_status = domain::CaseStatus::kReceived;
        auto event = tx.AppendEvent(stored.id, received);
        if (!event) return std::move(event).error();
        domain::JsonWriter detail;
        detail.Add("kind", domain::NameOf(stored.kind))
            .Add("channel", domain::NameOf(stored.channel))
            .Add("category", std::string_view(stored.category));
        if (Status s = Audit(tx, stored.recorded_at, stored.recorded_by, "case.received",
                             stored.reference.ToString(), detail.Finish());
            !s.ok()) {
          return s;
        }
        for (Attachment& a : receipt->attachments) {
          if (Status s = RecordAttachment(tx, stored, a, stored.recorded_by, recorder_role,
                                          stored.recorded_at);
              !s.ok()) {
            return s;
          }
        }
        // Acknowledged at once (ISO 10002 7.3), in the same transaction: a case is never stored
        // without its acknowledgement queued.
        return QueueAcknowledgement(tx, stored, receipt->access_code, stored.recorded_at, webhooks);
      },
      [receipt, done = std::move(done)](domain::Status status) {
        if (!status.ok()) {
          done(std::move(status).error());
          return;
        }
        done(std::move(*receipt));
      });
}

}  // namespace shakwa::app
