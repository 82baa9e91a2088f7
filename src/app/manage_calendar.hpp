// ManageCalendar: the Hijri holidays an admin confirms or moves once the moon is sighted, and
// what follows from them: the rules in force change, and every open case's clock is scheduled
// again on the new calendar, so a moved Eid moves the deadlines with it.
//
// Adjustments live in the store (holiday_adjustments), so the server and the command line share
// them: Refresh() reads them back and puts them in force (the server does at start-up and before
// each sweep).
//
// Thread safety: all members may be called from any thread; they block on the store.
#pragma once

#include <memory>
#include <optional>

#include "app/ports/clock.hpp"
#include "app/ports/store.hpp"
#include "app/time_rules_source.hpp"

namespace shakwa::app {

class ManageCalendar {
 public:
  ManageCalendar(Store& store, const Clock& clock, std::shared_ptr<TimeRulesSource> time);

  // Puts the stored adjustments in force if they differ from those in force; true if they did.
  domain::Result<bool> Refresh() const;

  // Confirms (same dates) or moves a Hijri holiday of one Hijri year: checked against the
  // calendar (kInvalidInput naming the field), stored with an audit record, put in force, and
  // every open case's clock scheduled again. Returns the holiday as now placed.
  domain::Result<domain::Holiday> Adjust(const domain::HolidayAdjustment& adjustment,
                                         const domain::Actor& by) const;

  // Schedules every open case's clock again under the rules in force; returns how many changed.
  domain::Result<std::int64_t> RescheduleOpenCases() const;

  // Gives a clock to the open cases stored before clocks existed (a database from before
  // migration 0003), as if scheduled at receipt; returns how many. Cheap when there are none.
  domain::Result<std::int64_t> ScheduleCasesWithoutClock() const;

 private:
  Store& store_;
  const Clock& clock_;
  std::shared_ptr<TimeRulesSource> time_;
};

}  // namespace shakwa::app
