// StaffCases: staff read cases - one case with its whole timeline, or a page of a queue - under
// need-to-know (domain/access.hpp), and files are attached to cases.
//
// Reading a case in full shows the beneficiary's personal data; that read is recorded in the
// audit trail, and the view is handed back only once the record is durable, so nothing is shown
// that was not recorded. Queues show contact data masked and are not recorded, except a search
// by national ID or mobile number, which is.
//
// Thread safety: all members may be called from any thread; they block on the store, so call
// them from the blocking pool.
#pragma once

#include <functional>
#include <vector>

#include "app/ports/clock.hpp"
#include "app/ports/secrets.hpp"
#include "app/ports/store.hpp"
#include "domain/access.hpp"

namespace shakwa::app {

struct StaffCaseView {
  domain::Case value;
  std::vector<domain::CaseEvent> timeline;  // every event, internal ones included
  std::vector<Attachment> attachments;
  domain::IdentityView identity = domain::IdentityView::kMasked;
};

// The attachments a caller may download, for the beneficiary (public ones) or staff.
struct CaseFiles {
  domain::Case value;
  std::vector<Attachment> attachments;
};

class StaffCases {
 public:
  template <typename T>
  using Done = std::function<void(domain::Result<T>)>;

  StaffCases(Store& store, const Clock& clock, const AccessCodeHasher& hasher);

  void View(std::string_view reference, const domain::StaffUser& user,
            Done<StaffCaseView> done) const;
  // Sets query.scope from the user's role, then pages.
  void List(CaseQuery query, const domain::StaffUser& user, Done<CasePage> done) const;

  // The case's files, if the caller may see the case (staff by need-to-know; the beneficiary
  // by access code, public files only). Blocking.
  domain::Result<CaseFiles> Files(std::string_view reference,
                                  const std::optional<domain::StaffUser>& staff,
                                  std::string_view access_code) const;

  // Records files already checked and put in the file store as attachments of the case.
  void Attach(std::string_view reference, const std::optional<domain::StaffUser>& staff,
              std::string access_code, std::vector<Attachment> files,
              Done<std::vector<Attachment>> done) const;

  // Records that user downloaded a file of the case (files may hold personal data).
  void RecordFileRead(const domain::Case& c, const Attachment& file, const domain::StaffUser& user,
                      std::function<void(domain::Status)> done) const;

  // The need-to-know scope of a role, as a query narrows a queue.
  static CaseQuery::Scope ScopeFor(const domain::StaffUser& user);

 private:
  Store& store_;
  const Clock& clock_;
  const AccessCodeHasher& hasher_;
};

}  // namespace shakwa::app
