//! The commands the bot understands. One enum parses every command; which ones a person may use
//! is decided by the use cases (roles), and which ones Telegram suggests is set per scope by
//! [`register`].
//!
//! [`Cmd`] is the one source of the `setMyCommands` menus and of `/help`: each variant's doc
//! comment is its description (three use `#[command(description = ..)]` instead, as `<name>` and
//! `[note]` would be read as HTML and links in a doc comment), the variants' order is the menus'
//! order, [`Cmd::menus`] places each command in the menus it appears in, and [`Cmd::help_parts`]
//! in the parts of `/help` (which `render` arranges by role).

use teloxide::macros::BotCommands;
use teloxide::prelude::*;
use teloxide::types::{BotCommand, BotCommandScope};
use teloxide::utils::command::BotCommands as _;

use super::TgBot;

/// Arguments are taken as the rest of the line and validated by the handlers, so a malformed
/// argument gets a helpful answer instead of being silently ignored.
///
/// The variants are in menu order: the private chat's commands, then the agents', then `/help`,
/// which ends every menu.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Cmd {
    /// Start / create a workspace
    Start(String),
    #[command(description = "Create a workspace: /newworkspace <name>")]
    Newworkspace(String),
    /// Invite a teammate: /invite basic|pro
    Invite(String),
    /// People, roles and seats
    Members,
    /// Seats and buying more (Owner)
    Seats,
    /// Ask to leave the workspace
    Leave(String),
    /// Hand the workspace to a member (Owner)
    Transfer(String),
    /// Waiting tickets and agents' load; /queue tag:vip filters
    Queue(String),
    /// Your tickets; /mytickets tag:vip filters
    Mytickets(String),
    #[command(description = "A ticket and its comments: /ticket <number>")]
    Ticket(String),
    #[command(description = "Internal comment: /comment <number> <text>")]
    Comment(String),
    #[command(description = "A ticket's internal comments: /notes <number>")]
    Notes(String),
    /// Receive tickets from routing
    Available,
    /// Stop receiving new tickets
    Away,
    #[command(description = "Figures: /stats [7d|30d|90d] (Pro)")]
    Stats(String),
    /// Everything stored about you, as a file
    Mydata,
    #[command(description = "CSV file: /export audit|tickets [7d|30d|90d|all]")]
    Export(String),
    /// Workspace settings
    Settings,
    /// Canned responses: yours and the shared ones
    Templates,
    /// Take this ticket
    Claim,
    #[command(description = "Assign to @agent [note]")]
    Assign(String),
    /// Put the ticket back in the queue
    Unassign,
    /// Waiting on the customer
    Pending,
    /// Mark resolved
    Resolve,
    /// Close a resolved ticket
    Close,
    /// Reopen the ticket
    Reopen,
    /// low | normal | high | urgent
    Priority(String),
    /// Ticket details (sent privately)
    Info,
    /// Internal comment, only staff see it
    Note(String),
    /// Tags: /tag +vip -billing, /tag customer +vip
    Tag(String),
    /// Set a field: /set plan pro
    Set(String),
    /// Remind me: /remind 2h call back
    Remind(String),
    #[command(description = "Send a canned response: /t <name>, or /t to pick one")]
    T(String),
    #[command(description = "Escalate: /escalate [reason]")]
    Escalate(String),
    #[command(description = "Knowledge base: /kb <words> (answered privately)")]
    Kb(String),
    /// This topic is not a ticket
    Exclude,
    /// Undo /exclude
    Include,
    /// Connect this forum group
    Connect,
    /// Disconnect this group
    Disconnect,
    /// Make this the staff chat
    Staffchat,
    /// What you can do
    Help,
}

/// A command menu: the commands Telegram suggests in one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Menu {
    /// Everyone in a group, customers included (the default scope).
    Customer,
    /// Group administrators: agents working tickets, admins configuring.
    Agent,
    /// Private chats with the bot.
    Private,
}

impl Menu {
    pub const ALL: [Menu; 3] = [Menu::Customer, Menu::Agent, Menu::Private];

    fn scope(self) -> BotCommandScope {
        match self {
            Menu::Customer => BotCommandScope::Default,
            Menu::Agent => BotCommandScope::AllChatAdministrators,
            Menu::Private => BotCommandScope::AllPrivateChats,
        }
    }
}

/// Customers meet the bot from outside any workspace, so their one command says what the bot
/// is rather than what they can do.
const CUSTOMER_HELP: &str = "What this bot does";

impl Cmd {
    /// The menus this command appears in. No catch-all arm: a new command does not compile
    /// until it is placed (`&[]` keeps it out of every menu).
    pub fn menus(&self) -> &'static [Menu] {
        match self {
            Cmd::Start(_)
            | Cmd::Newworkspace(_)
            | Cmd::Invite(_)
            | Cmd::Members
            | Cmd::Seats
            | Cmd::Leave(_)
            | Cmd::Transfer(_)
            | Cmd::Queue(_)
            | Cmd::Mytickets(_)
            | Cmd::Ticket(_)
            | Cmd::Comment(_)
            | Cmd::Notes(_)
            | Cmd::Available
            | Cmd::Away
            | Cmd::Stats(_)
            | Cmd::Mydata
            | Cmd::Export(_)
            | Cmd::Settings
            | Cmd::Templates => &[Menu::Private],
            Cmd::Claim
            | Cmd::Assign(_)
            | Cmd::Unassign
            | Cmd::Pending
            | Cmd::Resolve
            | Cmd::Close
            | Cmd::Reopen
            | Cmd::Priority(_)
            | Cmd::Info
            | Cmd::Note(_)
            | Cmd::Tag(_)
            | Cmd::Set(_)
            | Cmd::Remind(_)
            | Cmd::T(_)
            | Cmd::Escalate(_)
            | Cmd::Kb(_)
            | Cmd::Exclude
            | Cmd::Include
            | Cmd::Connect
            | Cmd::Disconnect
            | Cmd::Staffchat => &[Menu::Agent],
            Cmd::Help => &[Menu::Customer, Menu::Agent, Menu::Private],
        }
    }
}

/// A part of `/help`; `render` shows each to the roles it concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpPart {
    /// Someone outside any workspace, in a private chat.
    Stranger,
    /// Agents, in a ticket's topic.
    Ticket,
    /// Admins: groups, topics and settings.
    Configuration,
    /// Admins: the team.
    Team,
    /// The Owner only.
    Owner,
    /// Every member, in a private chat.
    Private,
    /// Members who may leave (everyone but the Owner).
    Leaving,
}

impl Cmd {
    /// The parts of `/help` this command is listed in. No catch-all arm: a new command does not
    /// compile until it is placed.
    pub fn help_parts(&self) -> &'static [HelpPart] {
        match self {
            Cmd::Start(_) => &[HelpPart::Stranger],
            Cmd::Newworkspace(_) | Cmd::Help => &[HelpPart::Stranger, HelpPart::Private],
            Cmd::Invite(_) => &[HelpPart::Team],
            Cmd::Members => &[HelpPart::Team, HelpPart::Private],
            Cmd::Seats | Cmd::Transfer(_) => &[HelpPart::Owner],
            Cmd::Leave(_) => &[HelpPart::Leaving],
            Cmd::Queue(_)
            | Cmd::Mytickets(_)
            | Cmd::Ticket(_)
            | Cmd::Comment(_)
            | Cmd::Notes(_)
            | Cmd::Available
            | Cmd::Away
            | Cmd::Stats(_)
            | Cmd::Templates => &[HelpPart::Private],
            Cmd::Mydata => &[HelpPart::Stranger, HelpPart::Private],
            Cmd::Claim
            | Cmd::Assign(_)
            | Cmd::Unassign
            | Cmd::Pending
            | Cmd::Resolve
            | Cmd::Close
            | Cmd::Reopen
            | Cmd::Priority(_)
            | Cmd::Info
            | Cmd::Note(_)
            | Cmd::Tag(_)
            | Cmd::Set(_)
            | Cmd::Remind(_)
            | Cmd::Escalate(_)
            | Cmd::Kb(_)
            | Cmd::T(_) => &[HelpPart::Ticket],
            Cmd::Settings
            | Cmd::Export(_)
            | Cmd::Exclude
            | Cmd::Include
            | Cmd::Connect
            | Cmd::Disconnect
            | Cmd::Staffchat => &[HelpPart::Configuration],
        }
    }
}

/// The commands `/help` lists in one part, in the enum's order: `(/name, description)`.
pub fn help_lines(part: HelpPart) -> Vec<(String, String)> {
    described()
        .filter(|(cmd, _)| cmd.help_parts().contains(&part))
        .map(|(_, c)| (c.command, c.description))
        .collect()
}

/// Every command with its description, in the enum's order (the `BotCommands` derive writes the
/// names with their `/`).
fn described() -> impl Iterator<Item = (Cmd, BotCommand)> {
    Cmd::bot_commands()
        .into_iter()
        .filter_map(|c| Some((Cmd::parse(&c.command, "").ok()?, c)))
}

/// One scope's menu: the commands [`Cmd::menus`] places in it, in the enum's order, each with
/// its description (names without the `/`, as Telegram wants them).
pub fn menu(menu: Menu) -> Vec<BotCommand> {
    described()
        .filter_map(|(cmd, c)| {
            let name = c.command.strip_prefix('/').unwrap_or(&c.command);
            let description = if cmd == Cmd::Help && menu == Menu::Customer {
                CUSTOMER_HELP
            } else {
                &c.description
            };
            cmd.menus()
                .contains(&menu)
                .then(|| BotCommand::new(name, description))
        })
        .collect()
}

/// Registers the three command menus. Called once at start.
pub async fn register(bot: &TgBot) -> Result<(), teloxide::RequestError> {
    for m in Menu::ALL {
        bot.set_my_commands(menu(m)).scope(m.scope()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(menu: &[BotCommand]) -> Vec<(&str, &str)> {
        menu.iter()
            .map(|c| (c.command.as_str(), c.description.as_str()))
            .collect()
    }

    /// Every command parses back from its own name (so `menu` drops none) and is in a menu,
    /// with a description Telegram accepts.
    #[test]
    fn every_command_is_placed_and_described() {
        for c in Cmd::bot_commands() {
            let cmd = Cmd::parse(&c.command, "topicdesk_bot");
            assert!(cmd.is_ok(), "{} does not parse back", c.command);
            assert!(
                cmd.is_ok_and(|cmd| !cmd.menus().is_empty()),
                "{}",
                c.command
            );
            assert!((1..=256).contains(&c.description.chars().count()), "{c:?}");
        }
    }

    /// The menus Telegram receives, word for word and in order.
    #[test]
    fn menus_are_frozen() {
        assert_eq!(
            names(&menu(Menu::Customer)),
            [("help", "What this bot does")]
        );
        assert_eq!(
            names(&menu(Menu::Agent)),
            [
                ("claim", "Take this ticket"),
                ("assign", "Assign to @agent [note]"),
                ("unassign", "Put the ticket back in the queue"),
                ("pending", "Waiting on the customer"),
                ("resolve", "Mark resolved"),
                ("close", "Close a resolved ticket"),
                ("reopen", "Reopen the ticket"),
                ("priority", "low | normal | high | urgent"),
                ("info", "Ticket details (sent privately)"),
                ("note", "Internal comment, only staff see it"),
                ("tag", "Tags: /tag +vip -billing, /tag customer +vip"),
                ("set", "Set a field: /set plan pro"),
                ("remind", "Remind me: /remind 2h call back"),
                ("t", "Send a canned response: /t <name>, or /t to pick one"),
                ("escalate", "Escalate: /escalate [reason]"),
                ("kb", "Knowledge base: /kb <words> (answered privately)"),
                ("exclude", "This topic is not a ticket"),
                ("include", "Undo /exclude"),
                ("connect", "Connect this forum group"),
                ("disconnect", "Disconnect this group"),
                ("staffchat", "Make this the staff chat"),
                ("help", "What you can do"),
            ]
        );
        assert_eq!(
            names(&menu(Menu::Private)),
            [
                ("start", "Start / create a workspace"),
                ("newworkspace", "Create a workspace: /newworkspace <name>"),
                ("invite", "Invite a teammate: /invite basic|pro"),
                ("members", "People, roles and seats"),
                ("seats", "Seats and buying more (Owner)"),
                ("leave", "Ask to leave the workspace"),
                ("transfer", "Hand the workspace to a member (Owner)"),
                (
                    "queue",
                    "Waiting tickets and agents' load; /queue tag:vip filters"
                ),
                ("mytickets", "Your tickets; /mytickets tag:vip filters"),
                ("ticket", "A ticket and its comments: /ticket <number>"),
                ("comment", "Internal comment: /comment <number> <text>"),
                ("notes", "A ticket's internal comments: /notes <number>"),
                ("available", "Receive tickets from routing"),
                ("away", "Stop receiving new tickets"),
                ("stats", "Figures: /stats [7d|30d|90d] (Pro)"),
                ("mydata", "Everything stored about you, as a file"),
                ("export", "CSV file: /export audit|tickets [7d|30d|90d|all]"),
                ("settings", "Workspace settings"),
                ("templates", "Canned responses: yours and the shared ones"),
                ("help", "What you can do"),
            ]
        );
    }

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
                    | Cmd::Escalate(a) | Cmd::Tag(a) | Cmd::Note(a) | Cmd::Comment(a)
                    | Cmd::Notes(a) | Cmd::Ticket(a) | Cmd::Export(a) | Cmd::Stats(a) | Cmd::Kb(a)
                    | Cmd::Set(a) | Cmd::Queue(a) | Cmd::Mytickets(a) | Cmd::T(a) => a,
                    _ => String::new(),
                };
                proptest::prop_assert!(arg.len() <= text.len());
            }
        }
    }
}
