//! The buttons of time: SLA policies, business hours and holidays, escalation rules, and
//! cancelling a reminder.

use super::wire::{buttons, from_code, CallbackDecodeError, Field};
use crate::domain::ticket::Priority;

buttons! {
    pub enum SlaButton {
        /// `/settings` → SLA policies.
        SettingsSla = "sl",
        /// Ask for `priority`'s SLA targets as free text.
        SlaEdit { priority: Priority } = "se",
        /// Remove `priority`'s SLA policy.
        SlaClear { priority: Priority } = "sx",
        /// `/settings` → Business hours.
        SettingsHours = "hs",
        /// Ask for a business-hours value as free text: which one is `what`.
        HoursEdit { what: HoursField } = "he",
        /// Delete the holiday on `date`, written as `yyyymmdd` (e.g. `20261225`).
        /// Any `i64` round-trips; the handler validates it as a date.
        HolidayDelete { date: i64 } = "hd",
        /// `/settings` → Escalation.
        SettingsEscalation = "es",
        /// Ask for a new escalation rule as free text.
        EscalationAdd = "ea",
        /// Delete escalation rule `id`.
        EscalationDelete { id: i64 } = "ed",
        /// `/mytickets`: cancel reminder `id`.
        ReminderCancel { id: i64 } = "rc",
    }
}

/// Which free-text business-hours value [`SlaButton::HoursEdit`] asks
/// the admin for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HoursField {
    /// The workspace's time zone.
    TimeZone,
    /// The weekly schedule.
    Week,
    /// A new holiday to add.
    AddHoliday,
}

impl HoursField {
    pub const ALL: [HoursField; 3] = [
        HoursField::TimeZone,
        HoursField::Week,
        HoursField::AddHoliday,
    ];
}

/// One-letter business-hours field codes, frozen like the others.
const fn hours_field_code(f: HoursField) -> &'static str {
    match f {
        HoursField::TimeZone => "z",
        HoursField::Week => "w",
        HoursField::AddHoliday => "h",
    }
}

impl Field for HoursField {
    fn write(&self, out: &mut String) {
        out.push_str(hours_field_code(*self));
    }
    fn read(field: &str) -> Result<Self, CallbackDecodeError> {
        from_code(&HoursField::ALL, hours_field_code, field)
    }
}
