#include "app/manage_calendar.hpp"

#include <algorithm>

#include "app/audit_record.hpp"
#include "app/write_and_wait.hpp"
#include "domain/json_writer.hpp"

namespace shakwa::app {
namespace {

using domain::Status;

bool SameAdjustments(const std::vector<domain::HolidayAdjustment>& a,
                     const std::vector<domain::HolidayAdjustment>& b) {
  auto key = [](const domain::HolidayAdjustment& x) {
    return std::tuple(x.key, x.hijri_year, int{x.first.year()}, unsigned{x.first.month()},
                      unsigned{x.first.day()}, int{x.last.year()}, unsigned{x.last.month()},
                      unsigned{x.last.day()});
  };
  if (a.size() != b.size()) return false;
  std::vector<decltype(key(a.front()))> ka, kb;
  for (const auto& x : a) ka.push_back(key(x));
  for (const auto& x : b) kb.push_back(key(x));
  std::sort(ka.begin(), ka.end());
  std::sort(kb.begin(), kb.end());
  return ka == kb;
}

// The calendar with adjustment in place of any earlier word on the same holiday and year.
domain::CalendarSettings WithAdjustment(domain::CalendarSettings settings,
                                        const domain::HolidayAdjustment& adjustment) {
  auto& list = settings.adjustments;
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const domain::HolidayAdjustment& a) {
                              return a.key == adjustment.key &&
                                     a.hijri_year == adjustment.hijri_year;
                            }),
             list.end());
  list.push_back(adjustment);
  return settings;
}

}  // namespace

ManageCalendar::ManageCalendar(Store& store, const Clock& clock,
                               std::shared_ptr<TimeRulesSource> time)
    : store_(store), clock_(clock), time_(std::move(time)) {}

domain::Result<bool> ManageCalendar::Refresh() const {
  auto stored = ReadValue<std::vector<domain::HolidayAdjustment>>(
      store_, [](ReadTransaction& tx) { return tx.HolidayAdjustments(); });
  if (!stored) return std::move(stored).error();
  const auto current = time_->Current();
  if (SameAdjustments(current->calendar().settings().adjustments, *stored)) return false;
  domain::CalendarSettings settings = current->calendar().settings();
  settings.adjustments = std::move(*stored);
  auto calendar = domain::BusinessCalendar::Make(std::move(settings));
  if (!calendar) return std::move(calendar).error();
  time_->Replace(current->WithCalendar(std::move(*calendar)));
  return true;
}

domain::Result<domain::Holiday> ManageCalendar::Adjust(const domain::HolidayAdjustment& adjustment,
                                                       const domain::Actor& by) const {
  const auto current = time_->Current();
  auto calendar =
      domain::BusinessCalendar::Make(WithAdjustment(current->calendar().settings(), adjustment));
  if (!calendar) return std::move(calendar).error();
  std::optional<domain::Holiday> placed;
  for (const auto& h : calendar->HolidaysOfHijriYear(adjustment.hijri_year)) {
    if (h.key == adjustment.key) placed = h;
  }
  if (!placed) {
    domain::Error e =
        domain::Error::Of(domain::ErrorCode::kInvalidInput, domain::MessageId::kValidationFailed);
    e.fields.push_back({"key", domain::MessageId::kNotOneOf, adjustment.key});
    return e;
  }
  const domain::Instant now = clock_.Now();
  std::optional<std::int64_t> by_id;
  if (by.kind == domain::Actor::Kind::kStaff) by_id = std::stoll(by.id);
  Status saved = WriteAndWait(store_, [&](WriteTransaction& tx) -> Status {
    if (Status s = tx.SaveHolidayAdjustment(adjustment, by_id, now); !s.ok()) return s;
    domain::JsonWriter detail;
    detail.Add("key", std::string_view(adjustment.key))
        .Add("hijri_year", std::int64_t{adjustment.hijri_year})
        .Add("first", std::string_view(domain::FormatIsoDate(adjustment.first)))
        .Add("last", std::string_view(domain::FormatIsoDate(adjustment.last)));
    return Audit(tx, now, by, "calendar.holiday_adjusted", adjustment.key, detail.Finish());
  });
  if (!saved.ok()) return std::move(saved).error();
  time_->Replace(current->WithCalendar(std::move(*calendar)));
  auto rescheduled = RescheduleOpenCases();
  if (!rescheduled) return std::move(rescheduled).error();
  return *placed;
}

domain::Result<std::int64_t> ManageCalendar::ScheduleCasesWithoutClock() const {
  const auto rules = time_->Current();
  const domain::Instant now = clock_.Now();
  const domain::Actor system{domain::Actor::Kind::kSystem, {}};
  std::int64_t scheduled = 0;
  constexpr int kBatch = 500;
  for (;;) {
    auto due = ReadValue<std::vector<domain::Reference>>(
        store_, [](ReadTransaction& tx) { return tx.CasesWithoutClock(kBatch); });
    if (!due) return std::move(due).error();
    if (due->empty()) return scheduled;
    std::int64_t batch = 0;
    Status s = WriteAndWait(store_, [&](WriteTransaction& tx) -> Status {
      batch = 0;
      for (const domain::Reference& reference : *due) {
        auto stored = tx.FindCase(reference);
        if (!stored) return std::move(stored).error();
        if (!*stored) continue;
        domain::Case& c = (*stored)->value;
        if (c.clock.first_response_due_at || c.clock.first_responded_at) continue;
        if (c.status == domain::CaseStatus::kAwaitingBeneficiary) c.clock.paused_since = now;
        domain::ScheduleClock(c, *rules, now);
        if (Status u = StoreCaseChange(tx, c, {}, system, now); !u.ok()) return u;
        ++batch;
      }
      return Status::Ok();
    });
    if (!s.ok()) return std::move(s).error();
    // Nothing scheduled means what is left cannot be (read again, it would loop).
    if (batch == 0) return scheduled;
    scheduled += batch;
  }
}

domain::Result<std::int64_t> ManageCalendar::RescheduleOpenCases() const {
  const auto rules = time_->Current();
  const domain::Instant now = clock_.Now();
  const domain::Actor system{domain::Actor::Kind::kSystem, {}};
  std::int64_t after = 0;
  std::int64_t changed = 0;
  constexpr int kBatch = 500;
  for (;;) {
    using Keys = std::vector<std::pair<std::int64_t, domain::Reference>>;
    auto keys = ReadValue<Keys>(
        store_, [&](ReadTransaction& tx) { return tx.CasesWithClockRunning(after, kBatch); });
    if (!keys) return std::move(keys).error();
    if (keys->empty()) return changed;
    after = keys->back().first;
    std::int64_t batch_changed = 0;
    // One write per batch: a reschedule is bookkeeping, not an event on each case's timeline.
    Status s = WriteAndWait(store_, [&](WriteTransaction& tx) -> Status {
      batch_changed = 0;
      for (const auto& [id, reference] : *keys) {
        auto stored = tx.FindCase(reference);
        if (!stored) return std::move(stored).error();
        if (!*stored) continue;
        domain::Case& c = (*stored)->value;
        const domain::CaseClock before = c.clock;
        domain::AdvanceClock(c, domain::ClockChange{}, *rules, now);
        if (c.clock == before) continue;
        if (Status u = StoreCaseChange(tx, c, {}, system, now); !u.ok()) return u;
        ++batch_changed;
      }
      return Status::Ok();
    });
    if (!s.ok()) return std::move(s).error();
    changed += batch_changed;
  }
}

}  // namespace shakwa::app
