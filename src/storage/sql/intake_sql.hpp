// The SQL that records a received case, shared by SqlStore and the benchmark's SQLite ceiling
// (bench/sqlite_ceiling.cpp), so the ceiling always measures the very statements intake runs.
// Inserts return the new row's id (RETURNING), which both engines support.
#pragma once

#include <string_view>

namespace shakwa::storage::sql::statements {

inline constexpr std::string_view kNextReferenceSequence =
    "INSERT INTO reference_sequences (year, last_value) VALUES (?, 1) "
    "ON CONFLICT (year) DO UPDATE SET last_value = reference_sequences.last_value + 1 "
    "RETURNING last_value";

// 62 parameters, in this order: the 33 intake columns, then the handling columns (34-50), the
// blind indexes (51-52) and the clock and escalation columns (53-62). updated_at is recorded_at
// (?8). Parameters 34 onwards may be left unbound (NULL): priority, immediate_action_needed and
// the clock's counters then take their defaults, so a caller that binds only the first 33 (the
// benchmark's ceiling) still writes a valid row.
inline constexpr std::string_view kInsertCase =
    "INSERT INTO cases (reference, reference_year, reference_sequence, kind, status, channel, "
    "received_at, recorded_at, recorded_by_kind, recorded_by_id, beneficiary_kind, "
    "beneficiary_name_sealed, beneficiary_email_sealed, beneficiary_mobile_sealed, "
    "beneficiary_national_id_sealed, beneficiary_organization, representative_name_sealed, "
    "representative_capacity, representative_email_sealed, representative_mobile_sealed, "
    "category, subcategory, about, subject, description, remedy_sought, language, "
    "preferred_channel, consent_notice_shown, vulnerable, escalation_level, access_code_hash, "
    "version, priority, severity, complexity, impact, immediate_action_needed, "
    "immediate_action_taken, department, assignee_id, assessed_by, concerns_department, "
    "root_cause, outcome, decision, remedies, rejection_reason, merged_into, resolution_due_at, "
    "beneficiary_national_id_index, beneficiary_mobile_index, first_response_due_at, "
    "first_responded_at, next_update_due_at, sla_paused_since, sla_paused_minutes, "
    "escalation_step, escalation_due_at, escalation_owner_id, external_referral_to, "
    "external_reference, updated_at) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, "
    "?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, coalesce(?34, 'normal'), ?35, ?36, ?37, "
    "coalesce(?38, 0), ?39, ?40, ?41, ?42, ?43, ?44, ?45, ?46, ?47, ?48, ?49, ?50, ?51, ?52, ?53, "
    "?54, ?55, ?56, coalesce(?57, 0), coalesce(?58, 0), ?59, ?60, ?61, ?62, ?8) RETURNING case_id";

inline constexpr std::string_view kInsertTransaction =
    "INSERT INTO case_transactions (case_id, position, type, number) VALUES (?, ?, ?, ?)";

// 10 parameters; actor_role (9) and data (10) are NULL when empty.
inline constexpr std::string_view kInsertEvent =
    "INSERT INTO case_events (case_id, occurred_at, type, visibility, actor_kind, actor_id, "
    "from_status, to_status, actor_role, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "RETURNING event_id";

}  // namespace shakwa::storage::sql::statements
