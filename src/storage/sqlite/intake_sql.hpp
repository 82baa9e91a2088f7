// The SQL that records a received case, shared by SqliteStore and the benchmark's SQLite ceiling
// (bench/sqlite_ceiling.cpp), so the ceiling always measures the very statements intake runs.
#pragma once

#include <string_view>

namespace shakwa::storage::sqlite::sql {

inline constexpr std::string_view kNextReferenceSequence =
    "INSERT INTO reference_sequences (year, last_value) VALUES (?, 1) "
    "ON CONFLICT (year) DO UPDATE SET last_value = last_value + 1 RETURNING last_value";

// 33 parameters, in this order.
inline constexpr std::string_view kInsertCase =
    "INSERT INTO cases (reference, reference_year, reference_sequence, kind, status, channel, "
    "received_at, recorded_at, recorded_by_kind, recorded_by_id, beneficiary_kind, "
    "beneficiary_name_sealed, beneficiary_email_sealed, beneficiary_mobile_sealed, "
    "beneficiary_national_id_sealed, beneficiary_organization, representative_name_sealed, "
    "representative_capacity, representative_email_sealed, representative_mobile_sealed, "
    "category, subcategory, about, subject, description, remedy_sought, language, "
    "preferred_channel, consent_notice_shown, vulnerable, escalation_level, access_code_hash, "
    "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?)";

inline constexpr std::string_view kInsertTransaction =
    "INSERT INTO case_transactions (case_id, position, type, number) VALUES (?, ?, ?, ?)";

inline constexpr std::string_view kInsertEvent =
    "INSERT INTO case_events (case_id, occurred_at, type, visibility, actor_kind, actor_id, "
    "from_status, to_status) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

}  // namespace shakwa::storage::sqlite::sql
