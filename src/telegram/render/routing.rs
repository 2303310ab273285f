//! The words of routing (SPEC §5): who a ticket went to, the queue and `/mytickets`, agents'
//! availability and capacity, intake categories and keyword rules, with their settings screens
//! and the prompts that ask for their values.

use super::common::{back, cb, custom_label, esc, mark, minutes_label, open_topic};
use super::common::{priority_label, status_label, topic_url};
use super::{Button, Rendered};
use crate::app::effects::{AgentLoad, CategoryRow, KeywordRow, NumberSetting, QueueTicket};
use crate::app::effects::{ReminderRow, RoutingView, TicketSummary};
use crate::domain::ids::{TicketId, UserId};
use crate::domain::routing::Strategy;
use crate::telegram::callback::{RoutingButton, SlaButton, TicketButton, WorkspaceButton};

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

pub(super) fn assigned_to_you(
    ticket: &TicketSummary,
    by: Option<&str>,
    note: Option<&str>,
) -> Rendered {
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

/// The staff chat's line per assignment.
pub(super) fn staff_assigned(
    number: i64,
    subject: &str,
    to: &str,
    by: Option<&str>,
    claimed: bool,
    chat_id: i64,
    thread_id: i32,
) -> Rendered {
    let how = match (claimed, by) {
        (true, _) => " (claimed)".to_owned(),
        (false, Some(b)) => format!(" by {}", esc(b)),
        (false, None) => " by routing".to_owned(),
    };
    Rendered {
        text: format!("👤 <b>#{number}</b> {} → {}{how}", esc(subject), esc(to)),
        keyboard: Some(vec![vec![open_topic(chat_id, thread_id)]]),
    }
}

pub(super) fn unassigned_alert(ticket: &TicketSummary, minutes: i32) -> Rendered {
    Rendered {
        text: format!(
            "⏰ Ticket <b>#{}</b> has waited over {} without an agent: {}\nPriority: {}",
            ticket.number,
            minutes_label(minutes.into()),
            esc(&ticket.subject),
            esc(&priority_label(&ticket.priority))
        ),
        keyboard: Some(vec![vec![
            cb(
                "🙋 Claim",
                TicketButton::Claim {
                    ticket: TicketId(ticket.id),
                },
            ),
            open_topic(ticket.chat_id, ticket.thread_id),
        ]]),
    }
}

pub(super) fn availability(workspace: &str, available: bool) -> String {
    if available {
        format!(
            "🟢 You are available in <b>{}</b>: routing may give you tickets. /away stops it.",
            esc(workspace)
        )
    } else {
        format!(
            "💤 You are away in <b>{}</b>: routing gives you no new tickets (you keep the ones you have). /available when you are back.",
            esc(workspace)
        )
    }
}

/// `/queue`: what waits, and everyone's load.
pub(super) fn queue(
    workspace: &str,
    strategy: &str,
    paused: bool,
    depth: u64,
    overdue: usize,
    unassigned: &[QueueTicket],
    agents: &[AgentLoad],
) -> Rendered {
    let mut text = format!(
        "📋 <b>Queue of {}</b>\nRouting: {}{}\nOpen tickets: <b>{depth}</b> · unassigned: <b>{}</b> · overdue: <b>{overdue}</b>\n",
        esc(workspace),
        esc(&strategy_label(strategy)),
        if paused { " (paused)" } else { "" },
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
                cb(
                    format!("🙋 Claim #{}", q.number),
                    TicketButton::Claim {
                        ticket: TicketId(q.id),
                    },
                ),
                cb(
                    format!("👥 Assign #{}…", q.number),
                    RoutingButton::QueueAssign {
                        ticket: TicketId(q.id),
                    },
                ),
            ]
        })
        .collect();
    rows.push(vec![cb("🔄 Refresh", RoutingButton::Queue)]);
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

pub(super) fn assign_picker(ticket: i64, number: i64, agents: &[AgentLoad]) -> Rendered {
    let mut rows: Vec<Vec<Button>> = agents
        .iter()
        .map(|a| {
            vec![cb(
                format!(
                    "{} · {}/{}{}",
                    a.name,
                    a.load,
                    a.max_open,
                    if a.available { "" } else { " 💤" }
                ),
                TicketButton::AssignTo {
                    ticket: TicketId(ticket),
                    agent: UserId(a.user_id),
                },
            )]
        })
        .collect();
    rows.push(vec![back(RoutingButton::Queue)]);
    Rendered {
        text: format!("Give ticket <b>#{number}</b> to:"),
        keyboard: Some(rows),
    }
}

pub(super) fn my_tickets(
    workspace: &str,
    available: bool,
    tickets: &[QueueTicket],
    reminders: &[ReminderRow],
) -> Rendered {
    let mut text = format!(
        "🗂 <b>Your tickets in {}</b> ({})",
        esc(workspace),
        if available {
            "🟢 available"
        } else {
            "💤 away"
        }
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
        .map(|q| {
            vec![Button::Url(
                format!(
                    "#{} {}",
                    q.number,
                    q.subject.chars().take(40).collect::<String>()
                ),
                topic_url(q.chat_id, q.thread_id),
            )]
        })
        .collect();
    if !reminders.is_empty() {
        text.push_str("\n\n⏰ <b>Reminders</b>");
    }
    for r in reminders {
        text.push_str(&format!(
            "\n{} · #{} {}",
            esc(&super::sla::due_words(&r.due, r.due_at, r.zone.as_deref())),
            r.number,
            esc(&r.text)
        ));
    }
    rows.extend(reminders.iter().take(10).map(|r| {
        vec![cb(
            format!(
                "✖ Cancel reminder: {}",
                r.text.chars().take(30).collect::<String>()
            ),
            SlaButton::ReminderCancel { id: r.id },
        )]
    }));
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

pub(super) fn routing_settings(view: &RoutingView) -> Rendered {
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
            s.as_deref()
                .map(strategy_label)
                .unwrap_or_else(|| "workspace default".into())
        ));
    }
    let strategy_button = |s: &Strategy| {
        cb(
            mark(*s == current, s.label()),
            RoutingButton::RoutingStrategy { strategy: *s },
        )
    };
    let mut rows = vec![
        Strategy::ALL[..2]
            .iter()
            .map(strategy_button)
            .collect::<Vec<_>>(),
        Strategy::ALL[2..].iter().map(strategy_button).collect(),
        vec![
            cb(
                if view.paused {
                    "▶️ Resume distribution"
                } else {
                    "⏸ Pause distribution"
                },
                RoutingButton::RoutingPause {
                    paused: !view.paused,
                },
            ),
            cb(
                format!(
                    "Skill fallback: {}",
                    if view.fallback { "turn off" } else { "turn on" }
                ),
                RoutingButton::RoutingFallback { on: !view.fallback },
            ),
        ],
        crate::app::routing::ALERT_CHOICES
            .iter()
            .map(|m| {
                let label = if *m == 0 {
                    "no alert".to_owned()
                } else {
                    format!("⏰ {m}m")
                };
                cb(
                    mark(i32::from(*m) == view.alert_minutes, &label),
                    RoutingButton::RoutingAlert { minutes: *m },
                )
            })
            .collect(),
        vec![cb(
            custom_label(
                view.alert_minutes,
                &crate::app::routing::ALERT_CHOICES,
                |m| minutes_label(m.into()),
            ),
            WorkspaceButton::NumberPrompt {
                setting: NumberSetting::UnassignedAlert,
            },
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
            format!(
                "{short}: → {}",
                next.map_or("workspace default", Strategy::label)
            ),
            RoutingButton::GroupStrategy {
                chat: *chat,
                strategy: next,
            },
        )]);
    }
    rows.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

pub(super) fn agents_settings(agents: &[AgentLoad]) -> Rendered {
    let mut text = String::from("🧑‍💼 <b>Agents &amp; skills</b> (open/capacity)\n");
    for a in agents {
        text.push_str(&format!("\n{}", agent_line(a)));
    }
    let mut rows: Vec<Vec<Button>> = agents
        .iter()
        .map(|a| {
            vec![cb(
                format!("⚙ {}", a.name),
                RoutingButton::AgentMenu {
                    user: UserId(a.user_id),
                },
            )]
        })
        .collect();
    rows.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

pub(super) fn agent_settings(agent: &AgentLoad) -> Rendered {
    let text = format!(
        "🧑‍💼 <b>{}</b>\nSkills: {}\nCapacity: <b>{}</b> open tickets (now {})\n{}",
        esc(&agent.name),
        if agent.skills.is_empty() {
            "none".to_owned()
        } else {
            esc(&agent.skills.join(", "))
        },
        agent.max_open,
        agent.load,
        if agent.available {
            "🟢 available"
        } else {
            "💤 away"
        }
    );
    let user = UserId(agent.user_id);
    let caps = crate::app::routing::CAPACITY_CHOICES;
    let cap_button = |c: &u16| {
        cb(
            format!(
                "{}{c}",
                if u32::from(*c) == agent.max_open {
                    "• "
                } else {
                    ""
                }
            ),
            RoutingButton::AgentCapacity { user, max_open: *c },
        )
    };
    Rendered {
        text,
        keyboard: Some(vec![
            vec![cb("🏷 Set skills…", RoutingButton::AgentSkills { user })],
            caps[..4].iter().map(cap_button).collect(),
            caps[4..].iter().map(cap_button).collect(),
            vec![back(RoutingButton::SettingsAgents)],
        ]),
    }
}

pub(super) fn intake_settings(
    categories: &[CategoryRow],
    keywords: &[KeywordRow],
    timeout_minutes: i32,
) -> Rendered {
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
        .map(|c| {
            vec![cb(
                format!("🗑 {}", c.name),
                RoutingButton::CategoryDelete { id: c.id },
            )]
        })
        .collect();
    rows.extend(keywords.iter().map(|k| {
        vec![cb(
            format!("🗑 “{}”", k.keyword),
            RoutingButton::KeywordDelete { id: k.id },
        )]
    }));
    rows.push(vec![
        cb("➕ Category", RoutingButton::CategoryAdd),
        cb("➕ Keyword rule", RoutingButton::KeywordAdd),
    ]);
    let choices = crate::app::routing::INTAKE_TIMEOUT_CHOICES;
    let mut wait: Vec<Button> = choices
        .iter()
        .map(|m| {
            cb(
                mark(i32::from(*m) == timeout_minutes, &format!("⏳ {m}m")),
                RoutingButton::IntakeTimeout { minutes: *m },
            )
        })
        .collect();
    wait.push(cb(
        custom_label(timeout_minutes, &choices, |m| minutes_label(m.into())),
        WorkspaceButton::NumberPrompt {
            setting: NumberSetting::IntakeTimeout,
        },
    ));
    rows.push(wait);
    rows.push(vec![back(WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

/// Posted in a new topic: the customer picks what the ticket is about.
pub(super) fn intake_question(ticket: i64, categories: &[(i64, String)]) -> Rendered {
    Rendered {
        text: "What is your request about? Pick one so the right person answers.".into(),
        keyboard: Some(
            categories
                .chunks(2)
                .map(|pair| {
                    pair.iter()
                        .map(|(id, name)| {
                            cb(
                                name.clone(),
                                RoutingButton::PickCategory {
                                    ticket: TicketId(ticket),
                                    category: *id,
                                },
                            )
                        })
                        .collect()
                })
                .collect(),
        ),
    }
}

pub(super) fn intake_chosen(category: &str) -> String {
    format!(
        "Topic: <b>{}</b>. Thank you, an agent will be with you shortly.",
        esc(category)
    )
}

pub(super) const INTAKE_ONLY_CUSTOMER: &str =
    "Only the customer who opened this topic can choose its category.";

pub(super) fn skills_prompt(name: &str, current: &str) -> String {
    format!(
        "Send the skills of <b>{}</b>, separated by commas (for example: billing, refunds). Send - to clear them.\nNow: {}",
        esc(name),
        if current.is_empty() { "none".to_owned() } else { esc(current) }
    )
}

pub(super) const CATEGORY_PROMPT: &str = "Send the new category as <code>name; skill; priority</code>, for example <code>Billing; billing; high</code>. Skill and priority are optional.";
pub(super) const KEYWORD_PROMPT: &str = "Send the keyword rule as <code>keyword = skill</code>, for example <code>refund = billing</code>: topics whose title contains the keyword get the skill.";
pub(super) const UNASSIGNED_ALERT_PROMPT: &str = "After how long unassigned should a ticket be announced in the staff chat? Send minutes (1 minute to 7 days), like <code>45</code>, <code>90m</code>, <code>2h</code> or <code>1d</code>.";
pub(super) const INTAKE_TIMEOUT_PROMPT: &str = "How long should routing wait for the customer to pick a category? Send minutes (1 minute to 7 days), like <code>3</code>, <code>15m</code> or <code>1h</code>.";
