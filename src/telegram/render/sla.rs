//! The words of time: SLA clocks and alerts, business hours, escalation, and reminders, with
//! their settings screens and the prompts that ask for their values.

use chrono::{DateTime, Utc};

use super::common::{back, cb, esc, open_topic, priority_label, span, when};
use super::{Button, Rendered};
use crate::app::effects::TicketSummary;
use crate::app::effects::{EscalationRow, HolidayRow, PolicyRow, SlaAlertKind, SlaLine};
use crate::domain::ticket::Priority;
use crate::telegram::callback::{HoursField, SlaButton, WorkspaceButton};

/// One SLA clock of `/info`: "First response: due Mon 10:00 (45 min left)".
pub(super) fn clock_line(label: &str, l: &SlaLine) -> String {
    // A line stored before render chose the words carries them in `left` and `due`.
    let left = l.left_secs.map_or_else(|| l.left.clone(), span);
    let due = due_words(&l.due, l.due_at, l.zone.as_deref());
    let state = if l.breached {
        "🚨 late".to_owned()
    } else if l.paused {
        format!("paused, {} left", esc(&left))
    } else {
        format!("{} left", esc(&left))
    };
    if due.is_empty() {
        format!("\n{label}: {state}")
    } else {
        format!("\n{label}: due {} ({state})", esc(&due))
    }
}

/// A due time in the workspace's zone, or the words an older row carries (SLA lines, reminders).
pub(super) fn due_words(due: &str, due_at: Option<DateTime<Utc>>, zone: Option<&str>) -> String {
    match (due_at, zone) {
        (Some(at), Some(zone)) => when(at, zone),
        _ => due.to_owned(),
    }
}

pub(super) fn sla_alert(ticket: &TicketSummary, kind: SlaAlertKind, left: &str) -> Rendered {
    let what = match kind {
        SlaAlertKind::FirstResponseWarning => format!(
            "⚠️ First response for ticket <b>#{}</b> is due in {}",
            ticket.number,
            esc(left)
        ),
        SlaAlertKind::ResolutionWarning => format!(
            "⚠️ Resolution of ticket <b>#{}</b> is due in {}",
            ticket.number,
            esc(left)
        ),
        SlaAlertKind::FirstResponseBreach => format!(
            "🚨 SLA breached: ticket <b>#{}</b> has no first response in time",
            ticket.number
        ),
        SlaAlertKind::ResolutionBreach => format!(
            "🚨 SLA breached: ticket <b>#{}</b> was not resolved in time",
            ticket.number
        ),
    };
    Rendered {
        text: format!(
            "{what}\n{}\nPriority: {} · Assignee: {}",
            esc(&ticket.subject),
            esc(&priority_label(&ticket.priority)),
            ticket
                .assignee
                .as_deref()
                .map(esc)
                .unwrap_or_else(|| "—".into())
        ),
        keyboard: Some(vec![vec![open_topic(ticket.chat_id, ticket.thread_id)]]),
    }
}

pub(super) fn escalated(
    ticket: &TicketSummary,
    reason: &str,
    by: Option<&str>,
    admins: &[String],
) -> Rendered {
    let mut text = format!(
        "🔺 Ticket <b>#{}</b> escalated (level {})",
        ticket.number, ticket.escalation_level
    );
    if let Some(by) = by {
        text.push_str(&format!(" by {}", esc(by)));
    }
    text.push_str(&format!(": {}", esc(&ticket.subject)));
    if !reason.is_empty() {
        text.push_str(&format!("\nReason: {}", esc(reason)));
    }
    if !admins.is_empty() {
        text.push_str(&format!("\n{}", esc(&admins.join(" "))));
    }
    Rendered {
        text,
        keyboard: Some(vec![vec![open_topic(ticket.chat_id, ticket.thread_id)]]),
    }
}

pub(super) fn escalation_raised(number: i64, level: i32) -> String {
    format!("Ticket #{number} escalated to level {level}.")
}

pub(super) const REMIND_USAGE: &str =
    "Use /remind &lt;30m|2h|1d&gt; &lt;text&gt;, for example: /remind 2h call the customer back";
pub(super) const REMINDER_CANCELLED: &str = "Reminder cancelled.";

pub(super) fn reminder_set(number: i64, due: &str) -> String {
    format!(
        "⏰ I will remind you about ticket #{number} on {}.",
        esc(due)
    )
}

pub(super) fn reminder(ticket: &TicketSummary, text: &str) -> Rendered {
    Rendered {
        text: format!(
            "⏰ Reminder for ticket <b>#{}</b> ({}): {}",
            ticket.number,
            esc(&ticket.subject),
            esc(text)
        ),
        keyboard: Some(vec![vec![open_topic(ticket.chat_id, ticket.thread_id)]]),
    }
}

pub(super) fn sla_settings(rows: &[PolicyRow]) -> Rendered {
    let mut text =
        String::from("⏱ <b>SLA policies</b> (first response · resolution · clock · warn at)\n");
    for r in rows {
        let label = priority_label(&r.priority);
        match r.targets {
            Some((f, res, bh, warn)) => text.push_str(&format!(
                "\n{}: {} · {} · {} · {warn}%",
                esc(&label),
                span(i64::from(f) * 60),
                span(i64::from(res) * 60),
                if bh { "business hours" } else { "24/7" }
            )),
            None => text.push_str(&format!("\n{}: no SLA", esc(&label))),
        }
    }
    let mut kb: Vec<Vec<Button>> = rows
        .iter()
        .filter_map(|r| {
            let p = r.priority.parse::<Priority>().ok()?;
            let mut row = vec![cb(
                format!("✏ {}", priority_label(&r.priority)),
                SlaButton::SlaEdit { priority: p },
            )];
            if r.targets.is_some() {
                row.push(cb(
                    format!("🗑 {}", priority_label(&r.priority)),
                    SlaButton::SlaClear { priority: p },
                ));
            }
            Some(row)
        })
        .collect();
    kb.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

pub(super) fn hours_settings(time_zone: &str, week: &str, holidays: &[HolidayRow]) -> Rendered {
    let mut text = format!(
        "🕘 <b>Business hours</b>\nTime zone: <b>{}</b>\nWeek: <b>{}</b>\nHolidays: {}",
        esc(time_zone),
        esc(week),
        if holidays.is_empty() {
            "none".to_owned()
        } else {
            esc(&holidays
                .iter()
                .map(|h| h.label.clone())
                .collect::<Vec<_>>()
                .join(", "))
        }
    );
    text.push_str("\n\nSLA policies marked “business hours” count only this time.");
    let mut kb = vec![
        vec![
            cb(
                "🌍 Time zone",
                SlaButton::HoursEdit {
                    what: HoursField::TimeZone,
                },
            ),
            cb(
                "🗓 Weekly schedule",
                SlaButton::HoursEdit {
                    what: HoursField::Week,
                },
            ),
        ],
        vec![cb(
            "➕ Holiday",
            SlaButton::HoursEdit {
                what: HoursField::AddHoliday,
            },
        )],
    ];
    kb.extend(holidays.iter().map(|h| {
        vec![cb(
            format!("🗑 {}", h.label),
            SlaButton::HolidayDelete { date: h.ymd },
        )]
    }));
    kb.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

pub(super) fn escalation_settings(rules: &[EscalationRow]) -> Rendered {
    let mut text = String::from("🔺 <b>Escalation rules</b>\n");
    if rules.is_empty() {
        text.push_str("\nNone yet.");
    }
    for r in rules {
        text.push_str(&format!("\n• <code>{}</code>", esc(&r.text)));
    }
    let mut kb: Vec<Vec<Button>> = rules
        .iter()
        .map(|r| {
            vec![cb(
                format!("🗑 {}", r.text.chars().take(40).collect::<String>()),
                SlaButton::EscalationDelete { id: r.id },
            )]
        })
        .collect();
    kb.push(vec![cb("➕ Rule", SlaButton::EscalationAdd)]);
    kb.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(kb),
    }
}

pub(super) fn targets_prompt(priority: &str) -> String {
    format!(
        "Send the targets for <b>{}</b> tickets: <code>first-response-minutes resolution-minutes [24/7|business] [warn%]</code>, for example <code>30 240 business 80</code>.",
        esc(&priority_label(priority))
    )
}

pub(super) const TIME_ZONE_PROMPT: &str = "Send the time zone, as an IANA name like <code>Europe/Berlin</code> or <code>America/New_York</code>.";
pub(super) const WEEK_PROMPT: &str = "Send the weekly schedule, for example <code>mon-fri 09:00-17:00; sat 10:00-14:00</code>. Several intervals a day: <code>mon-fri 09:00-12:00, 13:00-17:00</code>; overnight: <code>mon-fri 22:00-06:00</code>. Days not named are days off.";
pub(super) const HOLIDAY_PROMPT: &str =
    "Send a holiday as <code>YYYY-MM-DD</code>, for example <code>2026-12-25</code>.";

pub(super) fn escalation_rule_prompt() -> String {
    format!("Send a rule as {}", esc(super::words::RULE_FORM))
}
