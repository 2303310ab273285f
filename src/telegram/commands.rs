//! The commands the bot understands. One enum parses every command; which ones a person may use
//! is decided by the use cases (roles), and which ones Telegram suggests is set per scope by
//! [`register`].

use teloxide::macros::BotCommands;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope};

use super::TgBot;

/// Arguments are taken as the rest of the line and validated by the handlers, so a malformed
/// argument gets a helpful answer instead of being silently ignored.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Cmd {
    Start(String),
    Help,
    Newworkspace(String),
    Settings,
    Connect,
    Disconnect,
    Staffchat,
    Exclude,
    Include,
    Claim,
    Assign(String),
    Unassign,
    Pending,
    Resolve,
    Close,
    Reopen,
    Priority(String),
    Info,
    Seats,
    Invite(String),
    Members,
    Leave(String),
    Transfer(String),
    Available,
    Away,
    Queue,
    Mytickets,
    Remind(String),
    Escalate(String),
    Tag(String),
}

fn list(items: &[(&str, &str)]) -> Vec<BotCommand> {
    items.iter().map(|(c, d)| BotCommand::new(*c, *d)).collect()
}

/// The command menu for customers in groups (the default scope).
pub fn customer_commands() -> Vec<BotCommand> {
    list(&[("help", "What this bot does")])
}

/// The command menu for group administrators: agents working tickets, admins configuring.
pub fn agent_commands() -> Vec<BotCommand> {
    list(&[
        ("claim", "Take this ticket"),
        ("assign", "Assign to @agent [note]"),
        ("unassign", "Put the ticket back in the queue"),
        ("pending", "Waiting on the customer"),
        ("resolve", "Mark resolved"),
        ("close", "Close a resolved ticket"),
        ("reopen", "Reopen the ticket"),
        ("priority", "low | normal | high | urgent"),
        ("info", "Ticket details (sent privately)"),
        ("tag", "Tags: /tag +vip -billing, /tag customer +vip"),
        ("remind", "Remind me: /remind 2h call back"),
        ("escalate", "Escalate: /escalate [reason]"),
        ("exclude", "This topic is not a ticket"),
        ("include", "Undo /exclude"),
        ("connect", "Connect this forum group"),
        ("disconnect", "Disconnect this group"),
        ("staffchat", "Make this the staff chat"),
        ("help", "What you can do"),
    ])
}

/// The command menu in private chats.
pub fn private_commands() -> Vec<BotCommand> {
    list(&[
        ("start", "Start / create a workspace"),
        ("newworkspace", "Create a workspace: /newworkspace <name>"),
        ("invite", "Invite a teammate: /invite basic|pro"),
        ("members", "People, roles and seats"),
        ("seats", "Seats and buying more (Owner)"),
        ("leave", "Ask to leave the workspace"),
        ("transfer", "Hand the workspace to a member (Owner)"),
        ("queue", "Waiting tickets and agents' load"),
        ("mytickets", "Your tickets"),
        ("available", "Receive tickets from routing"),
        ("away", "Stop receiving new tickets"),
        ("settings", "Workspace settings"),
        ("help", "What you can do"),
    ])
}

/// Registers the three command menus. Called once at start.
pub async fn register(bot: &TgBot) -> Result<(), teloxide::RequestError> {
    bot.set_my_commands(customer_commands())
        .scope(BotCommandScope::Default)
        .await?;
    bot.set_my_commands(agent_commands())
        .scope(BotCommandScope::AllChatAdministrators)
        .await?;
    bot.set_my_commands(private_commands())
        .scope(BotCommandScope::AllPrivateChats)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use teloxide::utils::command::BotCommands;

    use super::Cmd;

    proptest::proptest! {
        /// Whatever a chat sends, parsing it as a command answers (a command or an error) and
        /// keeps the argument no longer than the message.
        #[test]
        fn any_message_text_parses_or_is_refused(
            text in proptest::prop_oneof![
                proptest::arbitrary::any::<String>(),
                "/[a-zA-Z]{0,14}(@[a-z_]{0,12})? ?.{0,80}",
            ],
        ) {
            if let Ok(cmd) = Cmd::parse(&text, "topicdesk_bot") {
                let arg = match cmd {
                    Cmd::Start(a) | Cmd::Newworkspace(a) | Cmd::Assign(a) | Cmd::Priority(a)
                    | Cmd::Invite(a) | Cmd::Leave(a) | Cmd::Transfer(a) | Cmd::Remind(a)
                    | Cmd::Escalate(a) | Cmd::Tag(a) => a,
                    _ => String::new(),
                };
                proptest::prop_assert!(arg.len() <= text.len());
            }
        }
    }
}
