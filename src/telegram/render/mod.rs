//! Every word the bot says and every keyboard it shows. Text is Telegram HTML; everything that
//! came from a person (names, subjects) goes through [`esc`], so a customer named `<b>` cannot
//! break a message.
//!
//! The words live in one file per area (`tickets.rs`, `team.rs`, `routing.rs`, `sla.rs`,
//! `workspace.rs`, `kb.rs`, `fields.rs`, `comments.rs`, `templates.rs`, `export.rs`), built from
//! the pieces in `common.rs`. This file holds the types a rendering is made of, the fitting of
//! long text into one message, and [`notice`]: the one dispatch that names every [`Notice`] and
//! hands its fields to its area. It has no catch-all arm, so a new notice does not compile until
//! it is worded.

mod comments;
mod common;
mod export;
mod fields;
mod kb;
mod privacy;
mod routing;
mod sla;
mod stats;
mod team;
pub mod templates;
mod tickets;
pub mod words;
mod workspace;

#[cfg(test)]
mod tests;

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

pub use self::common::{esc, topic_url};
pub use self::team::invoice;
pub use self::tickets::{card, csat_question, topic_name};

use self::common::t;
use super::callback::CallbackData;
use crate::app::effects::{Notice, NumberSetting, PromptKind};

/// A button before it becomes teloxide's type; keeps rendering testable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Button {
    Callback(String, CallbackData),
    Url(String, String),
}

/// A rendered message: HTML text and an optional inline keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub text: String,
    pub keyboard: Option<Vec<Vec<Button>>>,
}

impl Rendered {
    pub fn markup(&self) -> Option<InlineKeyboardMarkup> {
        let rows = self.keyboard.as_ref()?;
        let rows = rows.iter().map(|row| {
            row.iter()
                .filter_map(|b| match b {
                    Button::Callback(t, d) => {
                        Some(InlineKeyboardButton::callback(t.clone(), d.encode()))
                    }
                    Button::Url(t, u) => url::Url::parse(u)
                        .ok()
                        .map(|u| InlineKeyboardButton::url(t.clone(), u)),
                })
                .collect::<Vec<_>>()
        });
        Some(InlineKeyboardMarkup::new(rows))
    }
}

/// The most a Telegram message may hold, in UTF-16 code units of its visible text.
pub const MAX_MESSAGE_LEN: usize = 4096;

/// The note that ends a message shortened to fit [`MAX_MESSAGE_LEN`].
const SHORTENED: &str = "\n\n… (shortened: the rest does not fit in one Telegram message)";

/// Shortens HTML text that would not fit in one Telegram message: cut at the last line break
/// that fits (inside a line only when a single line is too long, and never inside a tag or an
/// entity), close the tags left open, and say that it was shortened. Text that fits is returned
/// as it is. Telegram counts the visible text, so counting the markup too keeps a margin.
pub fn fit_message(text: &str) -> String {
    let units = |s: &str| s.encode_utf16().count();
    if units(text) <= MAX_MESSAGE_LEN {
        return text.to_owned();
    }
    // Room for the note and for closing tags (each at most `</code>`).
    let budget = MAX_MESSAGE_LEN - units(SHORTENED) - 64;
    let mut cut = 0;
    let mut used = 0;
    for (i, c) in text.char_indices() {
        used += c.len_utf16();
        if used > budget {
            break;
        }
        cut = i + c.len_utf8();
    }
    let mut kept = &text[..cut];
    if let Some(line_end) = kept.rfind('\n').filter(|at| *at > 0) {
        kept = &kept[..line_end];
    }
    // Never end inside a tag (`<b`) or an entity (`&am`).
    if let Some(open) = kept.rfind('<').filter(|at| !kept[*at..].contains('>')) {
        kept = &kept[..open];
    }
    if let Some(amp) = kept.rfind('&').filter(|at| !kept[*at..].contains(';')) {
        kept = &kept[..amp];
    }
    let mut out = kept.to_owned();
    for tag in open_tags(kept).iter().rev() {
        out.push_str(&format!("</{tag}>"));
    }
    out.push_str(SHORTENED);
    out
}

/// The tags opened and not yet closed in a piece of (well-formed) HTML, outermost first.
fn open_tags(html: &str) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else {
            break;
        };
        let inner = &rest[start + 1..start + len];
        if let Some(name) = inner.strip_prefix('/') {
            if let Some(at) = stack.iter().rposition(|t| t == name.trim()) {
                stack.truncate(at);
            }
        } else {
            let name: String = inner
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            if !name.is_empty() {
                stack.push(name);
            }
        }
        rest = &rest[start + len + 1..];
    }
    stack
}

/// The text (and keyboard) of a notice.
pub fn notice(n: &Notice, bot_username: &str) -> Rendered {
    let bot = bot_username;
    match n {
        // Workspace: start, connect, settings and the general answers.
        Notice::Welcome {
            first_name,
            workspaces,
        } => workspace::welcome(first_name, workspaces),
        Notice::AskWorkspaceName => t(workspace::ASK_WORKSPACE_NAME),
        Notice::WorkspaceNameInvalid => t(workspace::WORKSPACE_NAME_INVALID),
        Notice::WorkspaceCreated { name } => t(workspace::workspace_created(name, bot)),
        Notice::NeedWorkspace => t(workspace::need_workspace(bot)),
        Notice::Help { role, in_group } => t(workspace::help_text(*role, *in_group)),
        Notice::OnlyAgents => t(workspace::ONLY_AGENTS),
        Notice::ConnectMissing { missing } => t(workspace::connect_missing(missing)),
        Notice::Connected { workspace, title } => t(workspace::connected(workspace, title)),
        Notice::AlreadyConnected { workspace } => t(workspace::already_connected(workspace)),
        Notice::ConnectedElsewhere => t(workspace::CONNECTED_ELSEWHERE),
        Notice::Disconnected { title } => t(workspace::disconnected(title)),
        Notice::NotGroupAdmin => t(workspace::NOT_GROUP_ADMIN),
        Notice::BotRemovedFromGroup { workspace, title } => {
            t(workspace::bot_removed_from_group(workspace, title))
        }
        Notice::StaffChatLost { workspace } => t(workspace::staff_chat_lost(workspace)),
        Notice::NotConnected => t(workspace::NOT_CONNECTED),
        Notice::StaffChatLinked { workspace } => t(workspace::staff_chat_linked(workspace)),
        Notice::StaffChatIsSupportGroup => t(workspace::STAFF_CHAT_IS_SUPPORT_GROUP),
        Notice::SupportGroupIsStaffChat => t(workspace::SUPPORT_GROUP_IS_STAFF_CHAT),
        Notice::TopicExcluded => t(workspace::TOPIC_EXCLUDED),
        Notice::TopicIncluded => t(workspace::TOPIC_INCLUDED),
        Notice::AlreadyExcluded => t(workspace::ALREADY_EXCLUDED),
        Notice::NotExcluded => t(workspace::NOT_EXCLUDED),
        Notice::NotPrivate => t(workspace::NOT_PRIVATE),
        Notice::SentPrivately => t(workspace::SENT_PRIVATELY),
        Notice::StartBotFirst { name } => workspace::start_bot_first(name, bot),
        Notice::ButtonExpired => t(workspace::BUTTON_EXPIRED),
        Notice::Settings {
            workspace,
            store_bodies,
            auto_close_hours,
        } => workspace::settings(workspace, *store_bodies, *auto_close_hours),
        Notice::SettingsSaved => t(workspace::SETTINGS_SAVED),
        Notice::Ok => t(workspace::OK),
        Notice::Denied { reason } => t(workspace::denied(reason)),
        // Typed refusals: their words are in `words`, and read as the older worded rows do.
        Notice::NotPermitted { denied } => t(workspace::denied(words::denied(*denied))),
        Notice::Prompt { what } => workspace::prompt(prompt_text(what)),
        Notice::PromptCancelled => t(workspace::PROMPT_CANCELLED),
        Notice::InvalidInput { reason } => workspace::invalid_input(reason),
        Notice::InputRefused { problem } => workspace::invalid_input(&words::invalid(problem)),

        // Tickets.
        Notice::NotInTopic => t(tickets::NOT_IN_TOPIC),
        Notice::NotATicket => t(tickets::NOT_A_TICKET),
        Notice::TicketReadOnly { number } => t(tickets::ticket_read_only(*number)),
        Notice::Refused {
            number,
            action,
            status,
            allowed,
        } => t(tickets::refused(*number, action, status, allowed)),
        Notice::AlreadyAssigned { number, name } => t(tickets::already_assigned(*number, name)),
        Notice::Changed { number, change } => t(tickets::changed(*number, change)),
        Notice::AssignUsage => t(tickets::ASSIGN_USAGE),
        Notice::PriorityUsage => t(tickets::PRIORITY_USAGE),
        Notice::UnknownAgent { query } => t(tickets::unknown_agent(query)),
        Notice::NewTicket { ticket } => tickets::new_ticket(ticket),
        Notice::TicketInfo { ticket } => tickets::ticket_info(ticket),
        Notice::CsatThanks { score } => t(tickets::csat_thanks(*score)),
        Notice::CsatOnlyCustomer => t(tickets::CSAT_ONLY_CUSTOMER),
        Notice::CsatAlready => t(tickets::CSAT_ALREADY),
        Notice::TagUsage => t(tickets::tag_usage()),
        Notice::Tagged {
            number,
            customer,
            tags,
        } => t(tickets::tagged(*number, *customer, tags)),
        Notice::Comments(c) => comments::comment_notice(c, bot),
        Notice::Exports(e) => export::export_notice(e),
        Notice::Stats(s) => stats::stats_notice(s),

        // Team: members, seats, invites, billing.
        Notice::Seats {
            rows,
            currency,
            basic_price,
            pro_price,
        } => team::seats(rows, currency, *basic_price, *pro_price),
        Notice::InviteLink {
            token,
            pro,
            expires,
        } => t(team::invite_link(token, *pro, expires, bot)),
        Notice::NoFreeSeat { pro, can_buy } => team::no_free_seat(*pro, *can_buy),
        Notice::OwnLeaveRequest => t(team::OWN_LEAVE_REQUEST),
        Notice::InviteUsage => t(team::INVITE_USAGE),
        Notice::InviteRefused { reason } => t(team::invite_refused(reason)),
        Notice::InviteUnusable { problem } => t(team::invite_refused(words::invite(*problem))),
        Notice::Joined { workspace, pro } => t(team::joined(workspace, *pro)),
        Notice::MemberJoined { name, pro } => t(team::member_joined(name, *pro)),
        Notice::Members {
            workspace,
            rows,
            manage,
        } => team::members(workspace, rows, *manage),
        Notice::MemberActions { member } => team::member_actions(member),
        Notice::MemberUpdated { name } => t(team::member_updated(name)),
        Notice::RemovedFromWorkspace { workspace } => t(team::removed_from_workspace(workspace)),
        Notice::CannotChangeOwner => t(team::CANNOT_CHANGE_OWNER),
        Notice::LeaveAsked {
            request,
            name,
            reason,
        } => team::leave_asked(*request, name, reason.as_deref()),
        Notice::LeaveSent => t(team::LEAVE_SENT),
        Notice::LeaveAlreadyPending => t(team::LEAVE_ALREADY_PENDING),
        Notice::LeaveApproved { workspace } => t(team::leave_approved(workspace)),
        Notice::LeaveDenied { workspace } => t(team::leave_denied(workspace)),
        Notice::LeaveAlreadyDecided => t(team::LEAVE_ALREADY_DECIDED),
        Notice::OwnerCannotLeave => t(team::OWNER_CANNOT_LEAVE),
        Notice::TransferAsk { user, name } => team::transfer_ask(*user, name),
        Notice::TransferUsage => t(team::TRANSFER_USAGE),
        Notice::Transferred { workspace, name } => t(team::transferred(workspace, name)),
        Notice::BecameOwner { workspace } => t(team::became_owner(workspace)),
        Notice::Permissions { toggles } => team::permissions(toggles),
        Notice::PaymentApplied { pro, count, until } => {
            t(team::payment_applied(*pro, *count, until))
        }
        Notice::SeatExpired { pro, until } => t(team::seat_expired(*pro, until)),

        // Routing: assignment, the queue, agents, intake.
        Notice::AssignedToYou { ticket, by, note } => {
            routing::assigned_to_you(ticket, by.as_deref(), note.as_deref())
        }
        Notice::StaffAssigned {
            number,
            subject,
            to,
            by,
            claimed,
            chat_id,
            thread_id,
        } => routing::staff_assigned(
            *number,
            subject,
            to,
            by.as_deref(),
            *claimed,
            *chat_id,
            *thread_id,
        ),
        Notice::UnassignedAlert { ticket, minutes } => routing::unassigned_alert(ticket, *minutes),
        Notice::Availability {
            workspace,
            available,
        } => t(routing::availability(workspace, *available)),
        Notice::Queue {
            workspace,
            strategy,
            paused,
            depth,
            overdue,
            unassigned,
            agents,
            filter,
        } => fields::filtered(
            routing::queue(
                workspace, strategy, *paused, *depth, *overdue, unassigned, agents,
            ),
            filter,
        ),
        Notice::AssignPicker {
            ticket,
            number,
            agents,
        } => routing::assign_picker(*ticket, *number, agents),
        Notice::MyTickets {
            workspace,
            available,
            tickets,
            reminders,
            filter,
        } => fields::filtered(
            routing::my_tickets(workspace, *available, tickets, reminders),
            filter,
        ),
        Notice::RoutingSettings { view } => routing::routing_settings(view),
        Notice::AgentsSettings { agents } => routing::agents_settings(agents),
        Notice::AgentSettings { agent } => routing::agent_settings(agent),
        Notice::IntakeSettings {
            categories,
            keywords,
            timeout_minutes,
        } => routing::intake_settings(categories, keywords, *timeout_minutes),
        Notice::IntakeQuestion { ticket, categories } => {
            routing::intake_question(*ticket, categories)
        }
        Notice::IntakeChosen { category } => t(routing::intake_chosen(category)),
        Notice::IntakeOnlyCustomer => t(routing::INTAKE_ONLY_CUSTOMER),

        // SLA, business hours, escalation, reminders.
        Notice::SlaAlert {
            ticket,
            kind,
            left,
            left_secs,
        } => {
            // A row stored before render chose the words carries them in `left`.
            let left = left_secs.map_or_else(|| left.clone(), common::span);
            sla::sla_alert(ticket, *kind, &left)
        }
        Notice::Escalated {
            ticket,
            reason,
            by,
            admins,
        } => sla::escalated(ticket, reason, by.as_deref(), admins),
        Notice::EscalationRaised { number, level } => t(sla::escalation_raised(*number, *level)),
        Notice::RemindUsage => t(sla::REMIND_USAGE),
        Notice::ReminderSet {
            number,
            due,
            due_at,
            zone,
        } => t(sla::reminder_set(
            *number,
            &sla::due_words(due, *due_at, zone.as_deref()),
        )),
        Notice::Reminder { ticket, text } => sla::reminder(ticket, text),
        Notice::ReminderCancelled => t(sla::REMINDER_CANCELLED),
        Notice::SlaSettings { rows } => sla::sla_settings(rows),
        Notice::HoursSettings {
            time_zone,
            week,
            holidays,
        } => sla::hours_settings(time_zone, week, holidays),
        Notice::EscalationSettings { rules } => sla::escalation_settings(rules),

        // The knowledge base.
        Notice::Kb(k) => kb::notice(k),
        // Custom fields, the Tags screen, the tag filters.
        Notice::Fields(n) => fields::notice(n),
        // Canned responses.
        Notice::Templates(n) => templates::notice(n),
        Notice::Privacy(n) => privacy::notice(n),
    }
}

/// What a free-text prompt asks, worded by the area whose value it is.
fn prompt_text(what: &PromptKind) -> String {
    match what {
        PromptKind::Skills { name, current, .. } => routing::skills_prompt(name, current),
        PromptKind::Category => routing::CATEGORY_PROMPT.to_owned(),
        PromptKind::Keyword => routing::KEYWORD_PROMPT.to_owned(),
        PromptKind::SlaTargets { priority } => sla::targets_prompt(priority),
        PromptKind::TimeZone => sla::TIME_ZONE_PROMPT.to_owned(),
        PromptKind::Week => sla::WEEK_PROMPT.to_owned(),
        PromptKind::Holiday => sla::HOLIDAY_PROMPT.to_owned(),
        PromptKind::EscalationRule => sla::escalation_rule_prompt(),
        PromptKind::Number { setting } => match setting {
            NumberSetting::UnassignedAlert => routing::UNASSIGNED_ALERT_PROMPT.to_owned(),
            NumberSetting::IntakeTimeout => routing::INTAKE_TIMEOUT_PROMPT.to_owned(),
            NumberSetting::AutoClose => workspace::AUTO_CLOSE_PROMPT.to_owned(),
            NumberSetting::Retention => privacy::RETENTION_PROMPT.to_owned(),
        },
    }
}

/// What a callback answer shows: short plain text (Telegram shows no HTML there, 200 chars max).
pub fn callback_text(n: &Notice, bot_username: &str) -> Option<String> {
    let r = notice(n, bot_username);
    if r.text.is_empty() {
        return None;
    }
    let plain = r
        .text
        .replace("<b>", "")
        .replace("</b>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    Some(plain.chars().take(200).collect())
}
