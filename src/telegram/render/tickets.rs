//! A ticket's own words: the card pinned in its topic, the topic's name, the CSAT question,
//! `/info`, and the answers to the commands that move a ticket (claim, assign, status,
//! priority, tags).

use super::common::{cb, esc, priority_label, priority_word, status_label, topic_url};
use super::sla::clock_line;
use super::{Button, Rendered};
use crate::app::effects::{CardMenu, Change, TicketSummary};
use crate::domain::ids::TicketId;
use crate::domain::ticket::{Priority, Status};
use crate::telegram::callback::TicketButton;

/// The ticket card pinned in the topic. Everything in a ticket's topic is read by its customer
/// (and, in a support group, by everyone in it), so the card shows only what a customer may
/// see: number, subject, status, priority and the assignee's name. SLA clocks, tags,
/// escalation and the customer's details are for staff, in `/info` and the staff chat.
pub fn card(t: &TicketSummary, menu: CardMenu) -> Rendered {
    let text = format!(
        "🎫 <b>Ticket #{}</b> · {}\nStatus: <b>{}</b>\nPriority: {}\nAssignee: {}",
        t.number,
        esc(&t.subject),
        esc(&status_label(&t.status)),
        esc(&priority_label(&t.priority)),
        t.assignee.as_deref().map(esc).unwrap_or_else(|| "—".into()),
    );
    let id = TicketId(t.id);
    let status = t.status.parse::<Status>().unwrap_or(Status::Open);
    let keyboard = match menu {
        CardMenu::Main | CardMenu::Assign => match status {
            Status::Resolved => vec![vec![
                cb("↩️ Reopen", TicketButton::Reopen { ticket: id }),
                cb("🔒 Close", TicketButton::Close { ticket: id }),
            ]],
            Status::Closed => vec![vec![cb("↩️ Reopen", TicketButton::Reopen { ticket: id })]],
            Status::Open | Status::Assigned | Status::InProgress | Status::Pending => vec![
                vec![
                    cb("🙋 Claim", TicketButton::Claim { ticket: id }),
                    cb("👥 Assign…", TicketButton::AssignMenu { ticket: id }),
                ],
                vec![
                    cb("⏸ Pending", TicketButton::Pending { ticket: id }),
                    cb("✅ Resolve", TicketButton::Resolve { ticket: id }),
                ],
                vec![cb(
                    "⚡ Priority…",
                    TicketButton::PriorityMenu { ticket: id },
                )],
            ],
        },
        CardMenu::Priority => vec![
            Priority::ALL
                .iter()
                .map(|p| {
                    cb(
                        priority_label(p.as_str()),
                        TicketButton::SetPriority {
                            ticket: id,
                            priority: *p,
                        },
                    )
                })
                .collect(),
            vec![cb("« Back", TicketButton::BackToCard { ticket: id })],
        ],
    };
    Rendered {
        text,
        keyboard: Some(keyboard),
    }
}

/// The topic name once the ticket exists: `[#12] Can't log in` (Telegram allows 128 chars).
pub fn topic_name(number: i64, subject: &str) -> String {
    let prefix = format!("[#{number}] ");
    if subject.starts_with(&prefix) {
        return subject.chars().take(128).collect();
    }
    format!("{prefix}{subject}").chars().take(128).collect()
}

pub fn csat_question(ticket: i64, number: i64) -> Rendered {
    let row = (1..=5u8)
        .map(|s| {
            cb(
                format!("{s}{}", if s == 5 { "⭐" } else { "" }),
                TicketButton::Csat {
                    ticket: TicketId(ticket),
                    score: s,
                },
            )
        })
        .collect();
    Rendered {
        text: format!("Your ticket #{number} was marked resolved. How did we do? Rate us from 1 (poor) to 5 (great)."),
        keyboard: Some(vec![row]),
    }
}

pub(super) const ASSIGN_USAGE: &str =
    "Usage: /assign @username [transfer note] (or a numeric user id)";
pub(super) const PRIORITY_USAGE: &str = "Usage: /priority low|normal|high|urgent";
pub(super) const NOT_IN_TOPIC: &str = "Use this command inside a ticket's topic.";
pub(super) const NOT_A_TICKET: &str = "This topic is not a ticket.";
pub(super) const CSAT_ONLY_CUSTOMER: &str = "Only the customer who opened this ticket can rate it.";
pub(super) const CSAT_ALREADY: &str = "You already rated this ticket. Thank you!";

pub(super) fn ticket_read_only(number: i64) -> String {
    format!(
        "Ticket #{number} belongs to a group that is no longer connected to this workspace: it is kept, read-only."
    )
}

pub(super) fn refused(number: i64, action: &str, status: &str, allowed: &[String]) -> String {
    let allowed = if allowed.is_empty() {
        "nothing".to_owned()
    } else {
        allowed
            .iter()
            .map(|a| format!("/{a}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "Can't {action} ticket #{number}: it is {}. Allowed now: {allowed}",
        esc(&status_label(status))
    )
}

pub(super) fn already_assigned(number: i64, name: &str) -> String {
    format!("Ticket #{number} is already assigned to {}.", esc(name))
}

pub(super) fn changed(number: i64, change: &Change) -> String {
    match change {
        Change::Assigned {
            to,
            note: Some(note),
        } => format!(
            "Ticket #{number} assigned to {}.\nNote: {}",
            esc(to),
            esc(note)
        ),
        Change::Assigned { to, note: None } => {
            format!("Ticket #{number} assigned to {}.", esc(to))
        }
        Change::Unassigned => format!("Ticket #{number} is back in the queue."),
        Change::Status { to } => format!("Ticket #{number} is now {}.", esc(&status_label(to))),
        Change::Priority { to } => {
            format!("Ticket #{number} priority: {}.", esc(&priority_word(to)))
        }
    }
}

pub(super) fn unknown_agent(query: &str) -> String {
    format!("{} is not a member of this workspace.", esc(query))
}

/// The staff chat's announcement of a new ticket.
pub(super) fn new_ticket(ticket: &TicketSummary) -> Rendered {
    Rendered {
        text: format!(
            "🆕 New ticket <b>#{}</b>: {}\nFrom: {}",
            ticket.number,
            esc(&ticket.subject),
            esc(&ticket.customer)
        ),
        keyboard: Some(vec![vec![
            cb(
                "🙋 Claim",
                TicketButton::Claim {
                    ticket: TicketId(ticket.id),
                },
            ),
            Button::Url(
                "Open topic".into(),
                topic_url(ticket.chat_id, ticket.thread_id),
            ),
        ]]),
    }
}

/// `/info`: everything staff may know about the ticket, sent privately, with buttons that set
/// its choice fields and checkboxes in place.
pub(super) fn ticket_info(ticket: &TicketSummary) -> Rendered {
    let mut keyboard = super::fields::info_buttons(ticket.id, &ticket.fields);
    keyboard.push(vec![Button::Url(
        "Open topic".into(),
        topic_url(ticket.chat_id, ticket.thread_id),
    )]);
    Rendered {
        text: summary_text(ticket) + &super::fields::info_lines(&ticket.fields),
        keyboard: Some(keyboard),
    }
}

pub(super) fn csat_thanks(score: u8) -> String {
    format!("Thank you! You rated us {score}/5.")
}

pub(super) fn tag_usage() -> String {
    format!(
        "Use /tag +vip -billing for this ticket, or /tag customer +vip for its customer. Tags are letters, digits, - and _ (up to 32), at most {} at a time.",
        crate::app::tags::MAX_TAGS_PER_COMMAND
    )
}

pub(super) fn tagged(number: i64, customer: bool, tags: &[String]) -> String {
    format!(
        "{} of ticket #{number}: {}",
        if customer { "Customer tags" } else { "Tags" },
        if tags.is_empty() {
            "none".to_owned()
        } else {
            tags.iter()
                .map(|t| format!("#{}", esc(t)))
                .collect::<Vec<_>>()
                .join(" ")
        }
    )
}

fn summary_text(t: &TicketSummary) -> String {
    let mut s = format!(
        "🎫 <b>#{} {}</b>\nStatus: {}\nPriority: {}\nCustomer: {}\nAssignee: {}\nCreated: {}\nMessages: {}",
        t.number,
        esc(&t.subject),
        esc(&status_label(&t.status)),
        esc(&priority_label(&t.priority)),
        esc(&t.customer),
        t.assignee.as_deref().map(esc).unwrap_or_else(|| "—".into()),
        esc(&t.created_at),
        t.messages,
    );
    if let Some(f) = &t.first_response_at {
        s.push_str(&format!("\nFirst response: {}", esc(f)));
    }
    if let Some(r) = &t.resolved_at {
        s.push_str(&format!("\nResolved: {}", esc(r)));
    }
    if let Some(c) = &t.closed_at {
        s.push_str(&format!("\nClosed: {}", esc(c)));
    }
    if let Some(score) = t.csat {
        s.push_str(&format!("\nRating: {score}/5"));
    }
    if t.topic_deleted {
        s.push_str("\n⚠️ The topic was deleted in Telegram.");
    }
    s.push_str(&staff_lines(t));
    s
}

/// The tag, SLA and escalation lines of `/info`.
fn staff_lines(t: &TicketSummary) -> String {
    let mut s = String::new();
    let hashes = |tags: &[String]| {
        tags.iter()
            .map(|t| format!("#{}", esc(t)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    if !t.tags.is_empty() {
        s.push_str(&format!("\nTags: {}", hashes(&t.tags)));
    }
    if !t.customer_tags.is_empty() {
        s.push_str(&format!("\nCustomer tags: {}", hashes(&t.customer_tags)));
    }
    if let Some(l) = &t.first_response_sla {
        s.push_str(&clock_line("First response", l));
    }
    if let Some(l) = &t.resolution_sla {
        s.push_str(&clock_line("Resolution", l));
    }
    if t.escalation_level > 0 {
        s.push_str(&format!("\n🔺 Escalation level {}", t.escalation_level));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_name_is_prefixed_once_and_fits_telegram() {
        assert_eq!(topic_name(12, "Can't log in"), "[#12] Can't log in");
        assert_eq!(topic_name(12, "[#12] Can't log in"), "[#12] Can't log in");
        assert_eq!(topic_name(1, &"x".repeat(300)).chars().count(), 128);
    }
}
