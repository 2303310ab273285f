//! Every word the bot says and every keyboard it shows. Text is Telegram HTML; everything that
//! came from a person (names, subjects) goes through [`esc`], so a customer named `<b>` cannot
//! break a message.

use teloxide::types::{InlineKeyboardButton, InlineKeyboardMarkup};

use super::callback::CallbackData;
use super::callback::HoursField;
use super::words;
use crate::app::effects::{
    AgentLoad, CardMenu, Change, Missing, Notice, NumberSetting, PromptKind, TicketSummary,
};
use crate::app::effects::{SlaAlertKind, SlaLine};
use crate::domain::ids::{TicketId, UserId};
use crate::domain::routing::Strategy;
use crate::domain::sla as cal;
use crate::domain::team::Role;
use crate::domain::ticket::{Priority, Status};

/// Auto-close times offered as buttons (hours); Custom… takes any other.
const AUTO_CLOSE_CHOICES: [u16; 4] = [24, 48, 72, 168];

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

/// A message without buttons.
fn t(text: impl Into<String>) -> Rendered {
    Rendered {
        text: text.into(),
        keyboard: None,
    }
}

/// Escapes text for Telegram HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// A link to a topic that works for members of the (private) supergroup.
pub fn topic_url(chat_id: i64, thread: i32) -> String {
    let internal = -chat_id - 1_000_000_000_000;
    format!("https://t.me/c/{internal}/{thread}")
}

fn status_label(s: &str) -> String {
    s.parse::<Status>()
        .map(|s| s.to_string())
        .unwrap_or_else(|_| s.to_owned())
}

fn priority_label(p: &str) -> String {
    let icon = match p {
        "urgent" => "🔴 ",
        "high" => "🟠 ",
        "low" => "⚪ ",
        _ => "",
    };
    format!(
        "{icon}{}",
        p.parse::<Priority>()
            .map(|p| p.to_string())
            .unwrap_or_else(|_| p.to_owned())
    )
}

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
    let cb = |label: &str, d: CallbackData| Button::Callback(label.to_owned(), d);
    let status = t.status.parse::<Status>().unwrap_or(Status::Open);
    let keyboard = match menu {
        CardMenu::Main | CardMenu::Assign => match status {
            Status::Resolved => vec![vec![
                cb("↩️ Reopen", CallbackData::Reopen { ticket: id }),
                cb("🔒 Close", CallbackData::Close { ticket: id }),
            ]],
            Status::Closed => vec![vec![cb("↩️ Reopen", CallbackData::Reopen { ticket: id })]],
            _ => vec![
                vec![
                    cb("🙋 Claim", CallbackData::Claim { ticket: id }),
                    cb("👥 Assign…", CallbackData::AssignMenu { ticket: id }),
                ],
                vec![
                    cb("⏸ Pending", CallbackData::Pending { ticket: id }),
                    cb("✅ Resolve", CallbackData::Resolve { ticket: id }),
                ],
                vec![cb(
                    "⚡ Priority…",
                    CallbackData::PriorityMenu { ticket: id },
                )],
            ],
        },
        CardMenu::Priority => vec![
            Priority::ALL
                .iter()
                .map(|p| {
                    cb(
                        &priority_label(p.as_str()),
                        CallbackData::SetPriority {
                            ticket: id,
                            priority: *p,
                        },
                    )
                })
                .collect(),
            vec![cb("« Back", CallbackData::BackToCard { ticket: id })],
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
            Button::Callback(
                format!("{s}{}", if s == 5 { "⭐" } else { "" }),
                CallbackData::Csat {
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

fn missing_line(m: Missing) -> &'static str {
    match m {
        Missing::Forum => "• this group is not a forum: turn on Topics in the group settings",
        Missing::Admin => "• I am not an administrator of this group",
        Missing::ManageTopics => "• admin right: Manage topics",
        Missing::DeleteMessages => "• admin right: Delete messages",
        Missing::PinMessages => "• admin right: Pin messages",
    }
}

fn help_text(role: Option<Role>, in_group: bool) -> String {
    let mut s = String::from(
        "<b>topicdesk</b> turns every topic of a connected forum group into a support ticket.\n",
    );
    match role {
        None if in_group => s.push_str("\nOpen a new topic to ask for help: our team will answer you there."),
        None => s.push_str(
            "\n/start — welcome and create a workspace\n/newworkspace &lt;name&gt; — create a workspace you own\n/help — this message",
        ),
        Some(role) => {
            s.push_str(&format!("\nYour role: <b>{role}</b>\n\n<b>In a ticket topic</b>\n/claim — take the ticket\n/assign @agent [note] — hand it over\n/unassign — back to the queue\n/pending — waiting on the customer\n/resolve — mark resolved\n/close — close a resolved ticket\n/reopen — reopen\n/priority low|normal|high|urgent\n/tag +vip -billing — ticket tags; /tag customer +vip — customer tags\n/remind 2h text — a private reminder\n/escalate [reason] — raise the escalation level\n/info — details, sent privately\n"));
            if role.can_configure() {
                s.push_str("\n<b>Configuration</b>\n/connect — in a forum group: turn its topics into tickets\n/disconnect — stop\n/staffchat — in a group: send staff notifications there\n/exclude, /include — in a topic: not a ticket / a ticket again\n/settings — in private: routing, agents &amp; skills, intake categories, SLA policies, business hours, escalation, privacy, auto-close\n");
                s.push_str("\n<b>Team</b>\n/invite basic|pro — a single-use link to a free seat\n/members — people, roles and seats\n");
            }
            if role == Role::Owner {
                s.push_str("/seats — seats and buying more\n/transfer @member — hand the workspace over\n/settings → Permissions — what Members may do\n");
            }
            s.push_str("\n<b>In private</b>\n/queue — waiting tickets and everyone's load\n/mytickets — your tickets\n/available, /away — whether routing gives you tickets\n/members — who is in the team\n");
            if role != Role::Owner {
                s.push_str("/leave [reason] — ask to leave the workspace\n");
            }
            s.push_str("/newworkspace &lt;name&gt; — create another workspace\n/help — this message");
        }
    }
    s
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
    s.push_str(&sla_text(t));
    s
}

fn sla_line(label: &str, l: &SlaLine) -> String {
    let state = if l.breached {
        "🚨 late".to_owned()
    } else if l.paused {
        format!("paused, {} left", esc(&l.left))
    } else {
        format!("{} left", esc(&l.left))
    };
    if l.due.is_empty() {
        format!("\n{label}: {state}")
    } else {
        format!("\n{label}: due {} ({state})", esc(&l.due))
    }
}

/// The SLA, escalation and tag lines of the card and `/info`.
fn sla_text(t: &TicketSummary) -> String {
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
        s.push_str(&sla_line("First response", l));
    }
    if let Some(l) = &t.resolution_sla {
        s.push_str(&sla_line("Resolution", l));
    }
    if t.escalation_level > 0 {
        s.push_str(&format!("\n🔺 Escalation level {}", t.escalation_level));
    }
    s
}

/// The text (and keyboard) of a notice.
pub fn notice(n: &Notice, bot_username: &str) -> Rendered {
    match n {
        Notice::Welcome { first_name, workspaces } => {
            let mut text = format!("Hi {}! I am <b>topicdesk</b>, a helpdesk inside Telegram: every topic a customer opens in your forum group becomes a ticket your team works right there.", esc(first_name));
            if workspaces.is_empty() {
                text.push_str("\n\nCreate a workspace to begin.");
            } else {
                text.push_str(&format!("\n\nYour workspaces: {}", workspaces.iter().map(|w| esc(w)).collect::<Vec<_>>().join(", ")));
            }
            Rendered {
                text,
                keyboard: Some(vec![vec![Button::Callback("➕ Create workspace".into(), CallbackData::CreateWorkspace)]]),
            }
        }
        Notice::AskWorkspaceName => t("What should the workspace be called? Send the name (up to 64 characters)."),
        Notice::WorkspaceNameInvalid => t("A workspace name is 1 to 64 characters and does not start with /. Try: /newworkspace Acme Support"),
        Notice::WorkspaceCreated { name } => t(format!(
            "✅ Workspace <b>{}</b> created. You are its Owner.\n\nNext:\n1. Create a forum supergroup (Topics on) and add @{} as an administrator with Manage topics, Delete messages and Pin messages.\n2. Send /connect in that group.\n3. Optionally send /staffchat in your team's group.",
            esc(name),
            esc(bot_username)
        )),
        Notice::NeedWorkspace => t(format!("You are not in a workspace yet. Open a private chat with @{} and send /newworkspace &lt;name&gt;.", esc(bot_username))),
        Notice::Help { role, in_group } => t(help_text(*role, *in_group)),
        Notice::OnlyAgents => t("Only agents can do this."),
        Notice::ConnectMissing { missing } => t(format!(
            "I can't connect this group yet. Missing:\n{}\n\nFix these and send /connect again.",
            missing.iter().map(|m| missing_line(*m)).collect::<Vec<_>>().join("\n")
        )),
        Notice::Connected { workspace, title } => t(format!(
            "✅ <b>{}</b> is connected to workspace <b>{}</b>. Every new topic becomes a ticket.",
            esc(title),
            esc(workspace)
        )),
        Notice::AlreadyConnected { workspace } => t(format!("This group is already connected to <b>{}</b>.", esc(workspace))),
        Notice::ConnectedElsewhere => t("This group is connected to another workspace. An Admin of that workspace or the group's creator must /disconnect it first."),
        Notice::Disconnected { title } => t(format!("<b>{}</b> is disconnected: new topics are no longer tickets. Existing tickets are kept.", esc(title))),
        Notice::NotConnected => t("This group is not connected to a workspace. Send /connect first."),
        Notice::NotGroupAdmin => t("Only this group's creator or one of its administrators can do this."),
        Notice::BotRemovedFromGroup { workspace, title } => t(format!(
            "⚠️ I was removed from <b>{}</b>, so it is no longer connected to <b>{}</b>. Its tickets are kept. To use it again, add me back as an administrator and send /connect there.",
            esc(title),
            esc(workspace)
        )),
        Notice::StaffChatLost { workspace } => t(format!(
            "⚠️ I was removed from the staff chat of <b>{}</b>, so staff notifications have no place to go. Send /staffchat in a group I am in.",
            esc(workspace)
        )),
        Notice::TicketReadOnly { number } => t(format!(
            "Ticket #{number} belongs to a group that is no longer connected to this workspace: it is kept, read-only."
        )),
        Notice::StaffChatLinked { workspace } => t(format!("✅ This chat now receives the staff notifications of <b>{}</b>.", esc(workspace))),
        Notice::StaffChatIsSupportGroup => t("A support group can't be the staff chat: customers would see staff notifications. Use a separate group."),
        Notice::TopicExcluded => t("This topic is excluded: it is not a ticket. /include reverses it."),
        Notice::TopicIncluded => t("This topic is included again: new messages make it a ticket."),
        Notice::AlreadyExcluded => t("This topic is already excluded."),
        Notice::NotExcluded => t("This topic is not excluded."),
        Notice::NotInTopic => t("Use this command inside a ticket's topic."),
        Notice::NotATicket => t("This topic is not a ticket."),
        Notice::NotPrivate => t("Send this to me in a private chat."),
        Notice::Refused { number, action, status, allowed } => {
            let allowed = if allowed.is_empty() {
                "nothing".to_owned()
            } else {
                allowed.iter().map(|a| format!("/{a}")).collect::<Vec<_>>().join(", ")
            };
            t(format!("Can't {action} ticket #{number}: it is {}. Allowed now: {allowed}", esc(status)))
        }
        Notice::AlreadyAssigned { number, name } => t(format!("Ticket #{number} is already assigned to {}.", esc(name))),
        Notice::Changed { number, change } => t(match change {
            Change::Assigned { to, note: Some(note) } => format!("Ticket #{number} assigned to {}.\nNote: {}", esc(to), esc(note)),
            Change::Assigned { to, note: None } => format!("Ticket #{number} assigned to {}.", esc(to)),
            Change::Unassigned => format!("Ticket #{number} is back in the queue."),
            Change::Status { to } => format!("Ticket #{number} is now {}.", esc(to)),
            Change::Priority { to } => format!("Ticket #{number} priority: {}.", esc(to)),
        }),
        Notice::AssignUsage => t("Usage: /assign @username [transfer note] (or a numeric user id)"),
        Notice::PriorityUsage => t("Usage: /priority low|normal|high|urgent"),
        Notice::UnknownAgent { query } => t(format!("{} is not a member of this workspace.", esc(query))),
        Notice::NewTicket { ticket } => Rendered {
            text: format!("🆕 New ticket <b>#{}</b>: {}\nFrom: {}", ticket.number, esc(&ticket.subject), esc(&ticket.customer)),
            keyboard: Some(vec![vec![
                Button::Callback("🙋 Claim".into(), CallbackData::Claim { ticket: TicketId(ticket.id) }),
                Button::Url("Open topic".into(), topic_url(ticket.chat_id, ticket.thread_id)),
            ]]),
        },
        Notice::TicketInfo { ticket } => Rendered {
            text: summary_text(ticket),
            keyboard: Some(vec![vec![Button::Url("Open topic".into(), topic_url(ticket.chat_id, ticket.thread_id))]]),
        },
        Notice::SentPrivately => t("I sent it to you in our private chat."),
        Notice::StartBotFirst { name } => Rendered {
            text: format!("{}, I can't message you privately yet: open a chat with @{} and press Start, then try again.", esc(name), esc(bot_username)),
            keyboard: Some(vec![vec![Button::Url("Start the bot".into(), format!("https://t.me/{bot_username}"))]]),
        },
        Notice::CsatThanks { score } => t(format!("Thank you! You rated us {score}/5.")),
        Notice::CsatOnlyCustomer => t("Only the customer who opened this ticket can rate it."),
        Notice::CsatAlready => t("You already rated this ticket. Thank you!"),
        Notice::ButtonExpired => t("This button is no longer valid. Please use the latest message."),
        Notice::Settings { workspace, store_bodies, auto_close_hours } => Rendered {
            text: format!(
                "⚙️ <b>Settings of {}</b>\n\nPrivacy — store message bodies: <b>{}</b>\nAuto-close resolved tickets after: <b>{} h</b>",
                esc(workspace),
                if *store_bodies { "on" } else { "off" },
                auto_close_hours
            ),
            keyboard: Some(vec![
                vec![Button::Callback(
                    format!("Store message bodies: {}", if *store_bodies { "turn off" } else { "turn on" }),
                    CallbackData::SettingsToggleBodies,
                )],
                vec![
                    Button::Callback("🔀 Routing".into(), CallbackData::SettingsRouting),
                    Button::Callback("🧑‍💼 Agents & skills".into(), CallbackData::SettingsAgents),
                ],
                vec![
                    Button::Callback("🗂 Intake categories".into(), CallbackData::SettingsIntake),
                    Button::Callback("⏱ SLA policies".into(), CallbackData::SettingsSla),
                ],
                vec![
                    Button::Callback("🕘 Business hours".into(), CallbackData::SettingsHours),
                    Button::Callback("🔺 Escalation".into(), CallbackData::SettingsEscalation),
                ],
                vec![Button::Callback("🔐 Permissions".into(), CallbackData::SettingsPermissions)],
                AUTO_CLOSE_CHOICES
                    .iter()
                    .map(|h| Button::Callback(mark(i32::from(*h) == *auto_close_hours, &format!("{h} h")), CallbackData::SettingsAutoClose { hours: *h }))
                    .collect(),
                vec![Button::Callback(
                    custom_label(*auto_close_hours, &AUTO_CLOSE_CHOICES, |h| format!("{h} h")),
                    CallbackData::NumberPrompt { setting: NumberSetting::AutoClose },
                )],
            ]),
        },
        Notice::SettingsSaved => t("Saved."),
        Notice::Ok => t(""),
        Notice::Denied { reason } => t(esc(reason)),
        Notice::Seats { rows, currency, basic_price, pro_price } => {
            let mut text = String::from("💺 <b>Seats</b>\n");
            for r in rows {
                let holder = r.holder.as_deref().map(|h| format!(" — {}", esc(h))).unwrap_or_default();
                let until = r.until.as_deref().map(|u| format!(" (until {})", esc(u))).unwrap_or_default();
                text.push_str(&format!("\n{} · <b>{}</b>{holder}{until}", esc(&r.kind), esc(&r.state)));
            }
            text.push_str(&format!(
                "\n\nBasic {} · Pro {} per seat and month.",
                price(*basic_price, currency),
                price(*pro_price, currency)
            ));
            Rendered {
                text,
                keyboard: Some(vec![vec![
                    Button::Callback("Buy a Basic seat".into(), CallbackData::BuySeat { pro: false }),
                    Button::Callback("Buy a Pro seat".into(), CallbackData::BuySeat { pro: true }),
                ]]),
            }
        }
        Notice::InviteLink { token, pro, expires } => t(format!(
            "Invite link for a {} seat (single use, valid until {}):\nhttps://t.me/{}?start=join_{}",
            tier_name(*pro),
            esc(expires),
            esc(bot_username),
            esc(token)
        )),
        Notice::NoFreeSeat { pro, can_buy } => Rendered {
            text: if *can_buy {
                format!("There is no free {} seat. Buy one first.", tier_name(*pro))
            } else {
                format!("There is no free {} seat. Ask the Owner to buy one.", tier_name(*pro))
            },
            keyboard: can_buy.then(|| {
                vec![vec![Button::Callback(
                    format!("Buy a {} seat", tier_name(*pro)),
                    CallbackData::BuySeat { pro: *pro },
                )]]
            }),
        },
        Notice::OwnLeaveRequest => t("Another Admin or the Owner must decide your own request."),
        Notice::InviteUsage => t("Usage: /invite basic|pro"),
        Notice::InviteRefused { reason } => t(esc(reason)),
        Notice::Joined { workspace, pro } => t(format!(
            "✅ Welcome to <b>{}</b>! You are a Member on a {} seat: you can now work tickets. /help lists what you can do.",
            esc(workspace),
            tier_name(*pro)
        )),
        Notice::MemberJoined { name, pro } => t(format!("{} joined on a {} seat.", esc(name), tier_name(*pro))),
        Notice::Members { workspace, rows, manage } => {
            let mut text = format!("👥 <b>Members of {}</b>\n", esc(workspace));
            for r in rows {
                let expired = if r.seat_active { "" } else { " ⚠️ seat expired" };
                text.push_str(&format!("\n{} — {} · {}{expired}", esc(&r.name), r.role, esc(&r.seat)));
            }
            let keyboard = manage.then(|| {
                rows.iter()
                    .filter(|r| r.role != Role::Owner)
                    .map(|r| vec![Button::Callback(format!("⚙ {}", r.name), CallbackData::MemberMenu { user: UserId(r.user_id) })])
                    .collect::<Vec<_>>()
            });
            Rendered { text, keyboard: keyboard.filter(|k| !k.is_empty()) }
        }
        Notice::MemberActions { member } => {
            let u = UserId(member.user_id);
            let role = if member.role == Role::Admin {
                Button::Callback("Make Member".into(), CallbackData::MemberRole { user: u, admin: false })
            } else {
                Button::Callback("Make Admin".into(), CallbackData::MemberRole { user: u, admin: true })
            };
            let seat = if member.seat == "Pro" {
                Button::Callback("Move to Basic".into(), CallbackData::MemberSeat { user: u, pro: false })
            } else {
                Button::Callback("Move to Pro".into(), CallbackData::MemberSeat { user: u, pro: true })
            };
            Rendered {
                text: format!("<b>{}</b>\nRole: {}\nSeat: {}", esc(&member.name), member.role, esc(&member.seat)),
                keyboard: Some(vec![
                    vec![role, seat],
                    vec![Button::Callback("Remove".into(), CallbackData::MemberRemove { user: u })],
                    vec![Button::Callback("« Back".into(), CallbackData::MembersList)],
                ]),
            }
        }
        Notice::MemberUpdated { name } => t(format!("{} updated.", esc(name))),
        Notice::RemovedFromWorkspace { workspace } => t(format!("You were removed from <b>{}</b>.", esc(workspace))),
        Notice::CannotChangeOwner => t("The Owner changes only by /transfer, and you can't change your own role or seat here."),
        Notice::LeaveAsked { request, name, reason } => Rendered {
            text: format!(
                "🚪 {} asks to leave the workspace.{}",
                esc(name),
                reason.as_deref().map(|r| format!("\nReason: {}", esc(r))).unwrap_or_default()
            ),
            keyboard: Some(vec![vec![
                Button::Callback("Approve".into(), CallbackData::LeaveDecision { request: *request, approve: true }),
                Button::Callback("Deny".into(), CallbackData::LeaveDecision { request: *request, approve: false }),
            ]]),
        },
        Notice::LeaveSent => t("Your request to leave was sent to the Admins."),
        Notice::LeaveAlreadyPending => t("You already asked to leave; the Admins will decide."),
        Notice::LeaveApproved { workspace } => t(format!("Your request to leave <b>{}</b> was approved. Thank you for your work!", esc(workspace))),
        Notice::LeaveDenied { workspace } => t(format!("Your request to leave <b>{}</b> was denied. Talk to an Admin.", esc(workspace))),
        Notice::LeaveAlreadyDecided => t("This request was already decided."),
        Notice::OwnerCannotLeave => t("The Owner can't leave: /transfer the workspace to a member first."),
        Notice::TransferAsk { user, name } => Rendered {
            text: format!("Hand the workspace to <b>{}</b>? You will become an Admin.", esc(name)),
            keyboard: Some(vec![vec![Button::Callback(
                format!("Yes, make {} the Owner", name),
                CallbackData::TransferConfirm { user: UserId(*user) },
            )]]),
        },
        Notice::TransferUsage => t("Usage: /transfer @member (someone already in the workspace)"),
        Notice::Transferred { workspace, name } => t(format!("<b>{}</b> is now the Owner of <b>{}</b>. You are an Admin.", esc(name), esc(workspace))),
        Notice::BecameOwner { workspace } => t(format!("You are now the Owner of <b>{}</b>.", esc(workspace))),
        Notice::Permissions { toggles } => {
            let mut text = String::from("🔐 <b>Permissions for Members</b>\n");
            for (label, on) in toggles {
                text.push_str(&format!("\n{} {}", if *on { "✅" } else { "❌" }, esc(label)));
            }
            let mut rows: Vec<Vec<Button>> = toggles
                .iter()
                .enumerate()
                .map(|(i, (label, on))| {
                    vec![Button::Callback(
                        format!("{} {label}", if *on { "Turn off:" } else { "Turn on:" }),
                        CallbackData::PermissionToggle { index: u8::try_from(i).unwrap_or(u8::MAX) },
                    )]
                })
                .collect();
            rows.push(vec![Button::Callback("« Settings".into(), CallbackData::SettingsHome)]);
            Rendered { text, keyboard: Some(rows) }
        }
        Notice::PaymentApplied { pro, count, until } => t(format!(
            "✅ Payment received: {count} {} seat(s), paid until {}. Invite people with /invite {}.",
            tier_name(*pro),
            esc(until),
            if *pro { "pro" } else { "basic" }
        )),
        Notice::SeatExpired { pro, until } => t(format!(
            "⚠️ A {} seat expired on {}. Its holder can't work tickets until it is renewed (no data is lost): /seats",
            tier_name(*pro),
            esc(until)
        )),
        // Typed refusals: their words are in `words`, and read as the older worded rows do.
        Notice::NotPermitted { denied } => t(esc(words::denied(*denied))),
        Notice::InviteUnusable { problem } => t(esc(words::invite(*problem))),
        Notice::InputRefused { problem } => routing_notice(&Notice::InvalidInput { reason: words::invalid(problem) }),
        other => routing_notice(other),
    }
}

/// A choice's label, marked when it is the current value.
fn mark(on: bool, label: &str) -> String {
    format!("{}{label}", if on { "• " } else { "" })
}

/// The Custom… button of a number setting; it shows the current value when no quick button
/// does.
fn custom_label(current: i32, choices: &[u16], show: impl Fn(i32) -> String) -> String {
    if choices.iter().any(|c| i32::from(*c) == current) {
        "✏️ Custom…".to_owned()
    } else {
        format!("• ✏️ Custom: {}", show(current))
    }
}

/// A waiting time: "12 min", "3 h 5 min", "2 d 4 h".
fn minutes_label(m: i64) -> String {
    match m {
        m if m < 60 => format!("{m} min"),
        m if m < 24 * 60 => format!("{} h {} min", m / 60, m % 60),
        m => format!("{} d {} h", m / (24 * 60), (m % (24 * 60)) / 60),
    }
}

fn strategy_label(s: &str) -> String {
    s.parse::<Strategy>()
        .map(|s| s.label().to_owned())
        .unwrap_or_else(|_| s.to_owned())
}

fn agent_line(a: &AgentLoad) -> String {
    let state = if !a.seat_active {
        " · seat inactive"
    } else if !a.available {
        " · 💤 away"
    } else if a.load >= a.max_open {
        " · full"
    } else {
        ""
    };
    let skills = if a.skills.is_empty() {
        String::new()
    } else {
        format!(" · {}", esc(&a.skills.join(", ")))
    };
    format!(
        "{} — {}/{}{state}{skills}",
        esc(&a.name),
        a.load,
        a.max_open
    )
}

fn open_topic(chat: i64, thread: i32) -> Button {
    Button::Url("Open topic".into(), topic_url(chat, thread))
}

fn back(to: CallbackData) -> Button {
    Button::Callback("« Back".into(), to)
}

/// The notices of routing, the queue and their settings (SPEC §5).
fn routing_notice(n: &Notice) -> Rendered {
    let cb = |label: String, d: CallbackData| Button::Callback(label, d);
    match n {
        Notice::AssignedToYou { ticket, by, note } => {
            let by = match by {
                Some(b) => format!(" by {}", esc(b)),
                None => " by routing".into(),
            };
            let mut text = format!(
                "📥 Ticket <b>#{}</b> was assigned to you{by}: {}\nPriority: {}\nCustomer: {}",
                ticket.number,
                esc(&ticket.subject),
                esc(&priority_label(&ticket.priority)),
                esc(&ticket.customer)
            );
            if let Some(note) = note {
                text.push_str(&format!("\n📝 Note: {}", esc(note)));
            }
            Rendered {
                text,
                keyboard: Some(vec![vec![open_topic(ticket.chat_id, ticket.thread_id)]]),
            }
        }
        Notice::StaffAssigned { number, subject, to, by, claimed, chat_id, thread_id } => {
            let how = match (claimed, by) {
                (true, _) => " (claimed)".to_owned(),
                (false, Some(b)) => format!(" by {}", esc(b)),
                (false, None) => " by routing".to_owned(),
            };
            Rendered {
                text: format!("👤 <b>#{number}</b> {} → {}{how}", esc(subject), esc(to)),
                keyboard: Some(vec![vec![open_topic(*chat_id, *thread_id)]]),
            }
        }
        Notice::UnassignedAlert { ticket, minutes } => Rendered {
            text: format!(
                "⏰ Ticket <b>#{}</b> has waited over {} without an agent: {}\nPriority: {}",
                ticket.number,
                minutes_label((*minutes).into()),
                esc(&ticket.subject),
                esc(&priority_label(&ticket.priority))
            ),
            keyboard: Some(vec![vec![
                cb("🙋 Claim".into(), CallbackData::Claim { ticket: TicketId(ticket.id) }),
                open_topic(ticket.chat_id, ticket.thread_id),
            ]]),
        },
        Notice::Availability { workspace, available: true } => t(format!(
            "🟢 You are available in <b>{}</b>: routing may give you tickets. /away stops it.",
            esc(workspace)
        )),
        Notice::Availability { workspace, available: false } => t(format!(
            "💤 You are away in <b>{}</b>: routing gives you no new tickets (you keep the ones you have). /available when you are back.",
            esc(workspace)
        )),
        Notice::Queue { workspace, strategy, paused, depth, overdue, unassigned, agents } => {
            let mut text = format!(
                "📋 <b>Queue of {}</b>\nRouting: {}{}\nOpen tickets: <b>{depth}</b> · unassigned: <b>{}</b> · overdue: <b>{overdue}</b>\n",
                esc(workspace),
                esc(&strategy_label(strategy)),
                if *paused { " (paused)" } else { "" },
                unassigned.len()
            );
            if !unassigned.is_empty() {
                text.push_str("\n<b>Waiting</b>");
                for q in unassigned.iter().take(20) {
                    text.push_str(&format!(
                        "\n{}#{} {} · {} · {}",
                        if q.overdue { "⏰ " } else { "" },
                        q.number,
                        esc(&q.subject),
                        esc(&priority_label(&q.priority)),
                        minutes_label(q.waiting_minutes)
                    ));
                }
                if unassigned.len() > 20 {
                    text.push_str(&format!("\n… and {} more", unassigned.len() - 20));
                }
                text.push('\n');
            }
            text.push_str("\n<b>Agents</b> (open/capacity)");
            for a in agents {
                text.push_str(&format!("\n{}", agent_line(a)));
            }
            let mut rows: Vec<Vec<Button>> = unassigned
                .iter()
                .take(8)
                .map(|q| {
                    vec![
                        cb(format!("🙋 Claim #{}", q.number), CallbackData::Claim { ticket: TicketId(q.id) }),
                        cb(format!("👥 Assign #{}…", q.number), CallbackData::QueueAssign { ticket: TicketId(q.id) }),
                    ]
                })
                .collect();
            rows.push(vec![cb("🔄 Refresh".into(), CallbackData::Queue)]);
            Rendered { text, keyboard: Some(rows) }
        }
        Notice::AssignPicker { ticket, number, agents } => {
            let mut rows: Vec<Vec<Button>> = agents
                .iter()
                .map(|a| {
                    vec![cb(
                        format!("{} · {}/{}{}", a.name, a.load, a.max_open, if a.available { "" } else { " 💤" }),
                        CallbackData::AssignTo { ticket: TicketId(*ticket), agent: UserId(a.user_id) },
                    )]
                })
                .collect();
            rows.push(vec![back(CallbackData::Queue)]);
            Rendered {
                text: format!("Give ticket <b>#{number}</b> to:"),
                keyboard: Some(rows),
            }
        }
        Notice::MyTickets { workspace, available, tickets, reminders } => {
            let mut text = format!(
                "🗂 <b>Your tickets in {}</b> ({})",
                esc(workspace),
                if *available { "🟢 available" } else { "💤 away" }
            );
            if tickets.is_empty() {
                text.push_str("\n\nNone right now.");
            }
            for q in tickets {
                text.push_str(&format!(
                    "\n<a href=\"{}\">#{}</a> {} · {} · {}",
                    topic_url(q.chat_id, q.thread_id),
                    q.number,
                    esc(&q.subject),
                    esc(&status_label(&q.status)),
                    esc(&priority_label(&q.priority))
                ));
            }
            let mut rows: Vec<Vec<Button>> = tickets
                .iter()
                .take(10)
                .map(|q| vec![Button::Url(format!("#{} {}", q.number, q.subject.chars().take(40).collect::<String>()), topic_url(q.chat_id, q.thread_id))])
                .collect();
            if !reminders.is_empty() {
                text.push_str("\n\n⏰ <b>Reminders</b>");
            }
            for r in reminders {
                text.push_str(&format!("\n{} · #{} {}", esc(&r.due), r.number, esc(&r.text)));
            }
            rows.extend(reminders.iter().take(10).map(|r| {
                vec![cb(
                    format!("✖ Cancel reminder: {}", r.text.chars().take(30).collect::<String>()),
                    CallbackData::ReminderCancel { id: r.id },
                )]
            }));
            Rendered { text, keyboard: Some(rows) }
        }
        Notice::RoutingSettings { view } => {
            let current = view.strategy.parse::<Strategy>().unwrap_or_default();
            let mut text = format!(
                "🔀 <b>Routing</b>\n\nStrategy: <b>{}</b>\nDistribution: <b>{}</b>\nSkill fallback: <b>{}</b>\nUnassigned alert: <b>{}</b>",
                current.label(),
                if view.paused { "paused" } else { "running" },
                if view.fallback { "on" } else { "off" },
                if view.alert_minutes > 0 { minutes_label(view.alert_minutes.into()) } else { "off".into() }
            );
            for (_, title, s) in &view.groups {
                text.push_str(&format!(
                    "\nGroup {}: {}",
                    esc(title),
                    s.as_deref().map(strategy_label).unwrap_or_else(|| "workspace default".into())
                ));
            }
            let mut rows = vec![
                Strategy::ALL[..2]
                    .iter()
                    .map(|s| cb(mark(*s == current, s.label()), CallbackData::RoutingStrategy { strategy: *s }))
                    .collect::<Vec<_>>(),
                Strategy::ALL[2..]
                    .iter()
                    .map(|s| cb(mark(*s == current, s.label()), CallbackData::RoutingStrategy { strategy: *s }))
                    .collect(),
                vec![
                    cb(
                        if view.paused { "▶️ Resume distribution".into() } else { "⏸ Pause distribution".into() },
                        CallbackData::RoutingPause { paused: !view.paused },
                    ),
                    cb(
                        format!("Skill fallback: {}", if view.fallback { "turn off" } else { "turn on" }),
                        CallbackData::RoutingFallback { on: !view.fallback },
                    ),
                ],
                crate::app::routing::ALERT_CHOICES
                    .iter()
                    .map(|m| {
                        let label = if *m == 0 { "no alert".to_owned() } else { format!("⏰ {m}m") };
                        cb(mark(i32::from(*m) == view.alert_minutes, &label), CallbackData::RoutingAlert { minutes: *m })
                    })
                    .collect(),
                vec![cb(
                    custom_label(view.alert_minutes, &crate::app::routing::ALERT_CHOICES, |m| minutes_label(m.into())),
                    CallbackData::NumberPrompt { setting: NumberSetting::UnassignedAlert },
                )],
            ];
            for (chat, title, s) in &view.groups {
                let next = match s.as_deref().and_then(|s| s.parse::<Strategy>().ok()) {
                    None => Some(Strategy::Manual),
                    Some(Strategy::Manual) => Some(Strategy::RoundRobin),
                    Some(Strategy::RoundRobin) => Some(Strategy::LeastLoaded),
                    Some(Strategy::LeastLoaded) => Some(Strategy::Skill),
                    Some(Strategy::Skill) => None,
                };
                let short: String = title.chars().take(24).collect();
                rows.push(vec![cb(
                    format!("{short}: → {}", next.map_or("workspace default", Strategy::label)),
                    CallbackData::GroupStrategy { chat: *chat, strategy: next },
                )]);
            }
            rows.push(vec![back(CallbackData::SettingsHome)]);
            Rendered { text, keyboard: Some(rows) }
        }
        Notice::AgentsSettings { agents } => {
            let mut text = String::from("🧑‍💼 <b>Agents &amp; skills</b> (open/capacity)\n");
            for a in agents {
                text.push_str(&format!("\n{}", agent_line(a)));
            }
            let mut rows: Vec<Vec<Button>> = agents
                .iter()
                .map(|a| vec![cb(format!("⚙ {}", a.name), CallbackData::AgentMenu { user: UserId(a.user_id) })])
                .collect();
            rows.push(vec![back(CallbackData::SettingsHome)]);
            Rendered { text, keyboard: Some(rows) }
        }
        Notice::AgentSettings { agent } => {
            let text = format!(
                "🧑‍💼 <b>{}</b>\nSkills: {}\nCapacity: <b>{}</b> open tickets (now {})\n{}",
                esc(&agent.name),
                if agent.skills.is_empty() { "none".to_owned() } else { esc(&agent.skills.join(", ")) },
                agent.max_open,
                agent.load,
                if agent.available { "🟢 available" } else { "💤 away" }
            );
            let user = UserId(agent.user_id);
            let caps = crate::app::routing::CAPACITY_CHOICES;
            let cap_button = |c: &u16| {
                cb(
                    format!("{}{c}", if u32::from(*c) == agent.max_open { "• " } else { "" }),
                    CallbackData::AgentCapacity { user, max_open: *c },
                )
            };
            Rendered {
                text,
                keyboard: Some(vec![
                    vec![cb("🏷 Set skills…".into(), CallbackData::AgentSkills { user })],
                    caps[..4].iter().map(cap_button).collect(),
                    caps[4..].iter().map(cap_button).collect(),
                    vec![back(CallbackData::SettingsAgents)],
                ]),
            }
        }
        Notice::IntakeSettings { categories, keywords, timeout_minutes } => {
            let mut text = format!(
                "🗂 <b>Intake categories</b>\nA new topic gets these as buttons; the customer's pick sets the ticket's skill and priority. Routing waits up to {timeout_minutes} min for the pick.\n"
            );
            if categories.is_empty() {
                text.push_str("\nNo categories: new tickets are routed at once.");
            }
            for c in categories {
                text.push_str(&format!(
                    "\n• {} — skill: {}, priority: {}",
                    esc(&c.name),
                    esc(c.skill.as_deref().unwrap_or("none")),
                    esc(&priority_label(&c.priority))
                ));
            }
            text.push_str("\n\n<b>Keyword rules</b> (topic title → skill)");
            if keywords.is_empty() {
                text.push_str("\nNone.");
            }
            for k in keywords {
                text.push_str(&format!("\n• “{}” → {}", esc(&k.keyword), esc(&k.skill)));
            }
            let mut rows: Vec<Vec<Button>> = categories
                .iter()
                .map(|c| vec![cb(format!("🗑 {}", c.name), CallbackData::CategoryDelete { id: c.id })])
                .collect();
            rows.extend(keywords.iter().map(|k| vec![cb(format!("🗑 “{}”", k.keyword), CallbackData::KeywordDelete { id: k.id })]));
            rows.push(vec![
                cb("➕ Category".into(), CallbackData::CategoryAdd),
                cb("➕ Keyword rule".into(), CallbackData::KeywordAdd),
            ]);
            let choices = crate::app::routing::INTAKE_TIMEOUT_CHOICES;
            let mut wait: Vec<Button> = choices
                .iter()
                .map(|m| cb(mark(i32::from(*m) == *timeout_minutes, &format!("⏳ {m}m")), CallbackData::IntakeTimeout { minutes: *m }))
                .collect();
            wait.push(cb(
                custom_label(*timeout_minutes, &choices, |m| minutes_label(m.into())),
                CallbackData::NumberPrompt { setting: NumberSetting::IntakeTimeout },
            ));
            rows.push(wait);
            rows.push(vec![back(CallbackData::SettingsHome)]);
            Rendered { text, keyboard: Some(rows) }
        }
        Notice::Prompt { what } => {
            let text = match what {
                PromptKind::Skills { name, current, .. } => format!(
                    "Send the skills of <b>{}</b>, separated by commas (for example: billing, refunds). Send - to clear them.\nNow: {}",
                    esc(name),
                    if current.is_empty() { "none".to_owned() } else { esc(current) }
                ),
                PromptKind::Category => "Send the new category as <code>name; skill; priority</code>, for example <code>Billing; billing; high</code>. Skill and priority are optional.".to_owned(),
                PromptKind::Keyword => "Send the keyword rule as <code>keyword = skill</code>, for example <code>refund = billing</code>: topics whose title contains the keyword get the skill.".to_owned(),
                PromptKind::SlaTargets { priority } => format!(
                    "Send the targets for <b>{}</b> tickets: <code>first-response-minutes resolution-minutes [24/7|business] [warn%]</code>, for example <code>30 240 business 80</code>.",
                    esc(&priority_label(priority))
                ),
                PromptKind::TimeZone => "Send the time zone, as an IANA name like <code>Europe/Berlin</code> or <code>America/New_York</code>.".to_owned(),
                PromptKind::Week => "Send the weekly schedule, for example <code>mon-fri 09:00-17:00; sat 10:00-14:00</code>. Several intervals a day: <code>mon-fri 09:00-12:00, 13:00-17:00</code>; overnight: <code>mon-fri 22:00-06:00</code>. Days not named are days off.".to_owned(),
                PromptKind::Holiday => "Send a holiday as <code>YYYY-MM-DD</code>, for example <code>2026-12-25</code>.".to_owned(),
                PromptKind::EscalationRule => format!("Send a rule as {}", esc(words::RULE_FORM)),
                PromptKind::Number { setting: NumberSetting::UnassignedAlert } => "After how long unassigned should a ticket be announced in the staff chat? Send minutes (1 minute to 7 days), like <code>45</code>, <code>90m</code>, <code>2h</code> or <code>1d</code>.".to_owned(),
                PromptKind::Number { setting: NumberSetting::IntakeTimeout } => "How long should routing wait for the customer to pick a category? Send minutes (1 minute to 7 days), like <code>3</code>, <code>15m</code> or <code>1h</code>.".to_owned(),
                PromptKind::Number { setting: NumberSetting::AutoClose } => "After how long should resolved tickets close on their own? Send hours (1 hour to 90 days), like <code>36</code>, <code>2d</code> or <code>1w</code>.".to_owned(),
            };
            Rendered {
                text,
                keyboard: Some(vec![vec![cb("✖ Cancel".into(), CallbackData::PromptCancel)]]),
            }
        }
        Notice::PromptCancelled => t("Cancelled."),
        Notice::InvalidInput { reason } => Rendered {
            text: format!("⚠️ {}\n\nSend it again, or press Cancel.", esc(reason)),
            keyboard: Some(vec![vec![cb("✖ Cancel".into(), CallbackData::PromptCancel)]]),
        },
        Notice::IntakeQuestion { ticket, categories } => Rendered {
            text: "What is your request about? Pick one so the right person answers.".into(),
            keyboard: Some(
                categories
                    .chunks(2)
                    .map(|pair| {
                        pair.iter()
                            .map(|(id, name)| cb(name.clone(), CallbackData::PickCategory { ticket: TicketId(*ticket), category: *id }))
                            .collect()
                    })
                    .collect(),
            ),
        },
        Notice::IntakeChosen { category } => t(format!("Topic: <b>{}</b>. Thank you, an agent will be with you shortly.", esc(category))),
        Notice::IntakeOnlyCustomer => t("Only the customer who opened this topic can choose its category."),
        Notice::SlaAlert { ticket, kind, left } => {
            let what = match kind {
                SlaAlertKind::FirstResponseWarning => format!("⚠️ First response for ticket <b>#{}</b> is due in {}", ticket.number, esc(left)),
                SlaAlertKind::ResolutionWarning => format!("⚠️ Resolution of ticket <b>#{}</b> is due in {}", ticket.number, esc(left)),
                SlaAlertKind::FirstResponseBreach => format!("🚨 SLA breached: ticket <b>#{}</b> has no first response in time", ticket.number),
                SlaAlertKind::ResolutionBreach => format!("🚨 SLA breached: ticket <b>#{}</b> was not resolved in time", ticket.number),
            };
            Rendered {
                text: format!(
                    "{what}\n{}\nPriority: {} · Assignee: {}",
                    esc(&ticket.subject),
                    esc(&priority_label(&ticket.priority)),
                    ticket.assignee.as_deref().map(esc).unwrap_or_else(|| "—".into())
                ),
                keyboard: Some(vec![vec![open_topic(ticket.chat_id, ticket.thread_id)]]),
            }
        }
        Notice::Escalated { ticket, reason, by, admins } => {
            let mut text = format!("🔺 Ticket <b>#{}</b> escalated (level {})", ticket.number, ticket.escalation_level);
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
        Notice::TagUsage => t(format!(
            "Use /tag +vip -billing for this ticket, or /tag customer +vip for its customer. Tags are letters, digits, - and _ (up to 32), at most {} at a time.",
            crate::app::tags::MAX_TAGS_PER_COMMAND
        )),
        Notice::Tagged { number, customer, tags } => t(format!(
            "{} of ticket #{number}: {}",
            if *customer { "Customer tags" } else { "Tags" },
            if tags.is_empty() { "none".to_owned() } else { tags.iter().map(|t| format!("#{}", esc(t))).collect::<Vec<_>>().join(" ") }
        )),
        Notice::EscalationRaised { number, level } => t(format!("Ticket #{number} escalated to level {level}.")),
        Notice::RemindUsage => t("Use /remind &lt;30m|2h|1d&gt; &lt;text&gt;, for example: /remind 2h call the customer back"),
        Notice::ReminderSet { number, due } => t(format!("⏰ I will remind you about ticket #{number} on {}.", esc(due))),
        Notice::Reminder { ticket, text } => Rendered {
            text: format!("⏰ Reminder for ticket <b>#{}</b> ({}): {}", ticket.number, esc(&ticket.subject), esc(text)),
            keyboard: Some(vec![vec![open_topic(ticket.chat_id, ticket.thread_id)]]),
        },
        Notice::ReminderCancelled => t("Reminder cancelled."),
        Notice::SlaSettings { rows } => {
            let mut text = String::from("⏱ <b>SLA policies</b> (first response · resolution · clock · warn at)\n");
            for r in rows {
                let label = priority_label(&r.priority);
                match r.targets {
                    Some((f, res, bh, warn)) => text.push_str(&format!(
                        "\n{}: {} · {} · {} · {warn}%",
                        esc(&label),
                        cal::human_secs(i64::from(f) * 60),
                        cal::human_secs(i64::from(res) * 60),
                        if bh { "business hours" } else { "24/7" }
                    )),
                    None => text.push_str(&format!("\n{}: no SLA", esc(&label))),
                }
            }
            let mut kb: Vec<Vec<Button>> = rows
                .iter()
                .filter_map(|r| {
                    let p = r.priority.parse::<Priority>().ok()?;
                    let mut row = vec![cb(format!("✏ {}", priority_label(&r.priority)), CallbackData::SlaEdit { priority: p })];
                    if r.targets.is_some() {
                        row.push(cb(format!("🗑 {}", priority_label(&r.priority)), CallbackData::SlaClear { priority: p }));
                    }
                    Some(row)
                })
                .collect();
            kb.push(vec![back(CallbackData::SettingsHome)]);
            Rendered { text, keyboard: Some(kb) }
        }
        Notice::HoursSettings { time_zone, week, holidays } => {
            let mut text = format!(
                "🕘 <b>Business hours</b>\nTime zone: <b>{}</b>\nWeek: <b>{}</b>\nHolidays: {}",
                esc(time_zone),
                esc(week),
                if holidays.is_empty() { "none".to_owned() } else { esc(&holidays.iter().map(|h| h.label.clone()).collect::<Vec<_>>().join(", ")) }
            );
            text.push_str("\n\nSLA policies marked “business hours” count only this time.");
            let mut kb = vec![
                vec![
                    cb("🌍 Time zone".into(), CallbackData::HoursEdit { what: HoursField::TimeZone }),
                    cb("🗓 Weekly schedule".into(), CallbackData::HoursEdit { what: HoursField::Week }),
                ],
                vec![cb("➕ Holiday".into(), CallbackData::HoursEdit { what: HoursField::AddHoliday })],
            ];
            kb.extend(holidays.iter().map(|h| vec![cb(format!("🗑 {}", h.label), CallbackData::HolidayDelete { date: h.ymd })]));
            kb.push(vec![back(CallbackData::SettingsHome)]);
            Rendered { text, keyboard: Some(kb) }
        }
        Notice::EscalationSettings { rules } => {
            let mut text = String::from("🔺 <b>Escalation rules</b>\n");
            if rules.is_empty() {
                text.push_str("\nNone yet.");
            }
            for r in rules {
                text.push_str(&format!("\n• <code>{}</code>", esc(&r.text)));
            }
            let mut kb: Vec<Vec<Button>> = rules
                .iter()
                .map(|r| vec![cb(format!("🗑 {}", r.text.chars().take(40).collect::<String>()), CallbackData::EscalationDelete { id: r.id })])
                .collect();
            kb.push(vec![cb("➕ Rule".into(), CallbackData::EscalationAdd)]);
            kb.push(vec![back(CallbackData::SettingsHome)]);
            Rendered { text, keyboard: Some(kb) }
        }
        _ => t(""),
    }
}

fn tier_name(pro: bool) -> &'static str {
    if pro {
        "Pro"
    } else {
        "Basic"
    }
}

/// A price in minor units: "29.00 EUR", or "2900 ⭐" for Telegram Stars.
fn price(amount: u32, currency: &str) -> String {
    if currency == "XTR" {
        format!("{amount} ⭐")
    } else {
        format!("{}.{:02} {}", amount / 100, amount % 100, esc(currency))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_are_cut_at_a_line_with_their_tags_closed_and_a_note() {
        let short = "<b>fits</b>";
        assert_eq!(fit_message(short), short);
        let line = format!("<b>{}</b> &amp; more", "x".repeat(80));
        let long: String = (0..100)
            .map(|_| line.clone())
            .collect::<Vec<_>>()
            .join("\n");
        let fitted = fit_message(&format!("<i>{long}</i>"));
        assert!(fitted.encode_utf16().count() <= MAX_MESSAGE_LEN);
        assert!(fitted.ends_with(SHORTENED));
        let body = fitted.trim_end_matches(SHORTENED);
        assert!(body.ends_with("more</i>"), "cut at a line end: {body:?}");
        assert!(open_tags(body).is_empty(), "{body:?}");
        // A single huge line is cut inside, but never inside a tag or an entity.
        let one_line = format!("<code>{}</code>", "&amp;".repeat(2000));
        let fitted = fit_message(&one_line);
        let body = fitted.trim_end_matches(SHORTENED);
        assert!(
            body.ends_with("&amp;</code>"),
            "{:?}",
            &body[body.len() - 20..]
        );
        assert!(fitted.encode_utf16().count() <= MAX_MESSAGE_LEN);
        // Wide characters count as Telegram counts them.
        let emoji = "🎫".repeat(3000);
        assert!(fit_message(&emoji).encode_utf16().count() <= MAX_MESSAGE_LEN);
    }

    fn routing_samples() -> Vec<Notice> {
        use crate::app::effects::{CategoryRow, KeywordRow, QueueTicket, RoutingView};
        let summary = TicketSummary {
            id: 1,
            number: 7,
            subject: "<script>".into(),
            status: "open".into(),
            priority: "urgent".into(),
            customer: "Carl".into(),
            assignee: None,
            chat_id: -1001234567890,
            thread_id: 5,
            created_at: "2026-01-01 10:00 UTC".into(),
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            messages: 1,
            csat: None,
            topic_deleted: false,
            first_response_sla: Some(SlaLine {
                due: "Mon 23 Nov 10:00 CET".into(),
                left: "45 min".into(),
                breached: false,
                paused: false,
            }),
            resolution_sla: Some(SlaLine {
                due: String::new(),
                left: "3 h 00 min".into(),
                breached: false,
                paused: true,
            }),
            escalation_level: 2,
            tags: vec!["<vip>".into()],
            customer_tags: vec!["<churn>".into()],
        };
        let agent = AgentLoad {
            user_id: 3,
            name: "<Ann>".into(),
            load: 2,
            max_open: 10,
            available: false,
            seat_active: true,
            skills: vec!["billing".into()],
        };
        let q = QueueTicket {
            id: 1,
            number: 7,
            subject: "<script>".into(),
            status: "open".into(),
            priority: "high".into(),
            waiting_minutes: 75,
            overdue: true,
            chat_id: -1001234567890,
            thread_id: 5,
        };
        vec![
            Notice::AssignedToYou {
                ticket: summary.clone(),
                by: None,
                note: Some("<i>".into()),
            },
            Notice::StaffAssigned {
                number: 7,
                subject: "<script>".into(),
                to: "<Ann>".into(),
                by: None,
                claimed: false,
                chat_id: -1001234567890,
                thread_id: 5,
            },
            Notice::UnassignedAlert {
                ticket: summary.clone(),
                minutes: 30,
            },
            Notice::Availability {
                workspace: "<Acme>".into(),
                available: true,
            },
            Notice::Availability {
                workspace: "<Acme>".into(),
                available: false,
            },
            Notice::Queue {
                workspace: "<Acme>".into(),
                strategy: "round_robin".into(),
                paused: true,
                depth: 3,
                overdue: 1,
                unassigned: vec![q.clone()],
                agents: vec![agent.clone()],
            },
            Notice::AssignPicker {
                ticket: 1,
                number: 7,
                agents: vec![agent.clone()],
            },
            Notice::MyTickets {
                workspace: "<Acme>".into(),
                available: true,
                tickets: vec![q],
                reminders: vec![crate::app::effects::ReminderRow {
                    id: 1,
                    number: 7,
                    due: "Mon".into(),
                    text: "<call>".into(),
                }],
            },
            Notice::RoutingSettings {
                view: RoutingView {
                    strategy: "skill".into(),
                    paused: false,
                    fallback: true,
                    alert_minutes: 30,
                    groups: vec![(-1001234567890, "<Support>".into(), None)],
                },
            },
            Notice::AgentsSettings {
                agents: vec![agent.clone()],
            },
            Notice::AgentSettings { agent },
            Notice::IntakeSettings {
                categories: vec![CategoryRow {
                    id: 1,
                    name: "<Billing>".into(),
                    skill: Some("billing".into()),
                    priority: "high".into(),
                }],
                keywords: vec![KeywordRow {
                    id: 1,
                    keyword: "<refund>".into(),
                    skill: "billing".into(),
                }],
                timeout_minutes: 5,
            },
            Notice::Prompt {
                what: PromptKind::Skills {
                    user: 3,
                    name: "<Ann>".into(),
                    current: String::new(),
                },
            },
            Notice::Prompt {
                what: PromptKind::Category,
            },
            Notice::Prompt {
                what: PromptKind::Keyword,
            },
            Notice::PromptCancelled,
            Notice::InvalidInput {
                reason: "<bad>".into(),
            },
            Notice::IntakeQuestion {
                ticket: 1,
                categories: vec![(1, "Billing".into()), (2, "Tech".into())],
            },
            Notice::IntakeChosen {
                category: "<Billing>".into(),
            },
            Notice::IntakeOnlyCustomer,
            Notice::SlaAlert {
                ticket: summary.clone(),
                kind: SlaAlertKind::ResolutionBreach,
                left: "0 min".into(),
            },
            Notice::SlaAlert {
                ticket: summary.clone(),
                kind: SlaAlertKind::FirstResponseWarning,
                left: "5 min".into(),
            },
            Notice::Escalated {
                ticket: summary.clone(),
                reason: "<why>".into(),
                by: Some("<Ann>".into()),
                admins: vec!["@olga".into()],
            },
            Notice::EscalationRaised {
                number: 7,
                level: 1,
            },
            Notice::RemindUsage,
            Notice::ReminderSet {
                number: 7,
                due: "Mon".into(),
            },
            Notice::Reminder {
                ticket: summary.clone(),
                text: "<call>".into(),
            },
            Notice::ReminderCancelled,
            Notice::SlaSettings {
                rows: vec![
                    crate::app::effects::PolicyRow {
                        priority: "urgent".into(),
                        targets: Some((30, 240, true, 80)),
                    },
                    crate::app::effects::PolicyRow {
                        priority: "low".into(),
                        targets: None,
                    },
                ],
            },
            Notice::HoursSettings {
                time_zone: "Europe/Berlin".into(),
                week: "mon-fri 09:00-17:00".into(),
                holidays: vec![crate::app::effects::HolidayRow {
                    label: "2026-12-25".into(),
                    ymd: 20261225,
                }],
            },
            Notice::EscalationSettings {
                rules: vec![crate::app::effects::EscalationRow {
                    id: 1,
                    text: "manual -> post".into(),
                }],
            },
            Notice::Prompt {
                what: PromptKind::EscalationRule,
            },
            Notice::Prompt {
                what: PromptKind::Week,
            },
            Notice::TagUsage,
            Notice::Tagged {
                number: 7,
                customer: true,
                tags: vec!["<vip>".into()],
            },
        ]
    }

    /// Routing notices are rendered by their own function behind a catch-all arm: each one must
    /// really have text there, and never carry raw markup from people's input.
    #[test]
    fn every_routing_notice_has_escaped_text() {
        for n in routing_samples() {
            let r = notice(&n, "bot");
            assert!(!r.text.trim().is_empty(), "{n:?}");
            for raw in [
                "<script>",
                "<Ann>",
                "<Acme>",
                "<i>",
                "<bad>",
                "<Billing>",
                "<refund>",
                "<Support>",
                "<call>",
                "<why>",
                "<vip>",
                "<churn>",
            ] {
                assert!(!r.text.contains(raw), "{raw} unescaped in {}", r.text);
            }
            for row in r.keyboard.iter().flatten() {
                for b in row {
                    if let Button::Callback(_, d) = b {
                        assert!(d.encode().len() <= 64);
                    }
                }
            }
        }
    }

    #[test]
    fn escaping_neutralises_html() {
        assert_eq!(esc("<b>&\"x\""), "&lt;b&gt;&amp;&quot;x&quot;");
    }

    #[test]
    fn topic_name_is_prefixed_once_and_fits_telegram() {
        assert_eq!(topic_name(12, "Can't log in"), "[#12] Can't log in");
        assert_eq!(topic_name(12, "[#12] Can't log in"), "[#12] Can't log in");
        assert_eq!(topic_name(1, &"x".repeat(300)).chars().count(), 128);
    }

    #[test]
    fn topic_url_uses_the_internal_chat_id() {
        assert_eq!(
            topic_url(-1001234567890, 42),
            "https://t.me/c/1234567890/42"
        );
    }

    #[test]
    fn connect_answer_names_every_missing_right() {
        let r = notice(
            &Notice::ConnectMissing {
                missing: vec![Missing::ManageTopics, Missing::PinMessages],
            },
            "bot",
        );
        assert!(r.text.contains("Manage topics"));
        assert!(r.text.contains("Pin messages"));
        assert!(!r.text.contains("Delete messages"));
    }

    #[test]
    fn members_see_no_configuration_help() {
        assert!(!help_text(Some(Role::Member), false).contains("/connect"));
        assert!(help_text(Some(Role::Admin), false).contains("/connect"));
        assert!(!help_text(None, true).contains("/claim"));
        assert!(!help_text(Some(Role::Admin), false).contains("/seats"));
        assert!(help_text(Some(Role::Owner), false).contains("/seats"));
        assert!(help_text(Some(Role::Member), false).contains("/leave"));
        assert!(!help_text(Some(Role::Owner), false).contains("/leave"));
    }

    /// A typed refusal shows exactly what the worded one of an older outbox row shows, keyboard
    /// included, and escapes what the person typed.
    #[test]
    fn typed_refusals_read_as_the_worded_rows_they_replace() {
        use crate::app::effects::Invalid;
        use crate::domain::permissions::Denied;
        use crate::domain::seats::InviteProblem;
        let same = |typed: Notice, worded: Notice| {
            assert_eq!(notice(&typed, "bot"), notice(&worded, "bot"), "{typed:?}");
            assert!(!notice(&typed, "bot").text.is_empty(), "{typed:?}");
        };
        same(
            Notice::NotPermitted {
                denied: Denied::NeedsPro,
            },
            Notice::Denied {
                reason: "This needs a Pro seat.".into(),
            },
        );
        same(
            Notice::InviteUnusable {
                problem: InviteProblem::AlreadyMember,
            },
            Notice::InviteRefused {
                reason: "You are already a member of this workspace.".into(),
            },
        );
        let problem = Invalid::CategoryPriority {
            typed: "<bad>".into(),
        };
        same(
            Notice::InputRefused { problem },
            Notice::InvalidInput {
                reason: "\"<bad>\" is not a priority: use low, normal, high or urgent.".into(),
            },
        );
        let r = notice(
            &Notice::InputRefused {
                problem: Invalid::Category,
            },
            "bot",
        );
        assert!(r.text.starts_with("⚠️ Send: &lt;name&gt;; "), "{}", r.text);
        assert!(r.keyboard.is_some());
    }
}
