//! Service levels as pages show them.

use serde::{Deserialize, Serialize};

/// One SLA clock of a request, explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockView {
    /// "First response", "Resolution".
    pub name: String,
    /// `domain::clock::ClockState::as_str` (for the badge's colour).
    pub state: String,
    /// "On track", "At risk", "Breached", …
    pub state_label: String,
    /// "8 h target on the Berlin office calendar".
    pub target: String,
    /// Share of the target used, 0–100 (a breached clock shows 100).
    pub percent: u8,
    /// "due Wed 9 Dec 11:30 CET (2 h 10 min left)", "met", "paused".
    pub summary: String,
    /// The clock's story, oldest first.
    pub story: Vec<String>,
}

/// The nearest due clock of a request, as a list's badge says it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaBadge {
    /// `domain::clock::ClockState::as_str`.
    pub state: String,
    /// "Due in 3 h", "At risk · due in 40 min", "Breached", "Paused", "Met".
    pub text: String,
    /// The nearest due time (RFC 3339; pages show it in the reader's zone).
    pub due: Option<String>,
}

/// A department's calendar in the calendar editor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarView {
    pub id: i64,
    pub department: String,
    pub name: String,
    pub is_default: bool,
    /// The latest version, as the editor's fields show it.
    pub zone: String,
    /// Monday to Sunday: `08:00–18:00`, empty for a day off.
    pub week: Vec<String>,
    /// One holiday per line.
    pub holidays: String,
    /// Its versions, newest first: "From 5 Dec 2026, 17:00 CET · by Ada Admin".
    pub versions: Vec<String>,
    /// Open requests whose clocks count on it.
    pub open_requests: u64,
    /// Its open clocks are being recomputed after a change.
    pub recomputing: bool,
}

/// The calendars of the departments the viewer administers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarsView {
    pub calendars: Vec<CalendarView>,
}

/// The calendar editor's form (`calendar[zone]`, `calendar[monday]`, …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarInput {
    pub id: i64,
    pub zone: String,
    pub monday: String,
    pub tuesday: String,
    pub wednesday: String,
    pub thursday: String,
    pub friday: String,
    pub saturday: String,
    pub sunday: String,
    #[serde(default)]
    pub holidays: String,
    /// `2026-12-07T09:00` in the calendar's zone; empty: from now.
    #[serde(default)]
    pub effective_from: String,
}

/// An item's service levels in the designer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaFormView {
    pub fields: crate::domain::sla_form::SlaFields,
    /// The department's calendars (slug, name; the default first).
    pub calendars: Vec<(String, String)>,
    /// The department's teams (slug, name), for "hand it to".
    pub teams: Vec<(String, String)>,
}
