//! The words of a workspace as a whole: `/start` and creating one, connecting forum groups and
//! the staff chat, excluding topics, `/help`, the settings screen, free-text prompts, and the
//! short general answers (not allowed, not here, button expired, saved).

use super::common::{cb, custom_label, esc, mark, role_label};
use super::{Button, Rendered};
use crate::app::effects::{Missing, NumberSetting};
use crate::domain::team::Role;
use crate::telegram::callback::{
    FieldsButton, KbButton, PrivacyButton, RoutingButton, SlaButton, TeamButton, TemplateButton,
    WorkspaceButton,
};
use crate::telegram::commands::{help_lines, HelpPart};

/// Auto-close times offered as buttons (hours); Custom… takes any other.
const AUTO_CLOSE_CHOICES: [u16; 4] = [24, 48, 72, 168];

pub(super) fn welcome(first_name: &str, workspaces: &[String]) -> Rendered {
    let mut text = format!("Hi {}! I am <b>topicdesk</b>, a helpdesk inside Telegram: every topic a customer opens in your forum group becomes a ticket your team works right there.", esc(first_name));
    if workspaces.is_empty() {
        text.push_str("\n\nCreate a workspace to begin.");
    } else {
        text.push_str(&format!(
            "\n\nYour workspaces: {}",
            workspaces
                .iter()
                .map(|w| esc(w))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Rendered {
        text,
        keyboard: Some(vec![vec![cb(
            "➕ Create workspace",
            WorkspaceButton::CreateWorkspace,
        )]]),
    }
}

pub(super) const ASK_WORKSPACE_NAME: &str =
    "What should the workspace be called? Send the name (up to 64 characters).";
pub(super) const WORKSPACE_NAME_INVALID: &str = "A workspace name is 1 to 64 characters and does not start with /. Try: /newworkspace Acme Support";

pub(super) fn workspace_created(name: &str, bot_username: &str) -> String {
    format!(
        "✅ Workspace <b>{}</b> created. You are its Owner.\n\nNext:\n1. Create a forum supergroup (Topics on) and add @{} as an administrator with Manage topics, Delete messages and Pin messages.\n2. Send /connect in that group.\n3. Optionally send /staffchat in your team's group.",
        esc(name),
        esc(bot_username)
    )
}

pub(super) fn need_workspace(bot_username: &str) -> String {
    format!(
        "You are not in a workspace yet. Open a private chat with @{} and send /newworkspace &lt;name&gt;.",
        esc(bot_username)
    )
}

pub(super) const ONLY_AGENTS: &str = "Only agents can do this.";
pub(super) const CONNECTED_ELSEWHERE: &str = "This group is connected to another workspace. An Admin of that workspace or the group's creator must /disconnect it first.";
pub(super) const NOT_CONNECTED: &str =
    "This group is not connected to a workspace. Send /connect first.";
pub(super) const NOT_GROUP_ADMIN: &str =
    "Only this group's creator or one of its administrators can do this.";
pub(super) const STAFF_CHAT_IS_SUPPORT_GROUP: &str = "A support group can't be the staff chat: customers would see staff notifications. Use a separate group.";
pub(super) const SUPPORT_GROUP_IS_STAFF_CHAT: &str = "This group is a staff chat: as a support group, customers would read staff notifications and internal comments. Connect a separate forum group.";
pub(super) const TOPIC_EXCLUDED: &str =
    "This topic is excluded: it is not a ticket. /include reverses it.";
pub(super) const TOPIC_INCLUDED: &str =
    "This topic is included again: new messages make it a ticket.";
pub(super) const ALREADY_EXCLUDED: &str = "This topic is already excluded.";
pub(super) const NOT_EXCLUDED: &str = "This topic is not excluded.";
pub(super) const NOT_PRIVATE: &str = "Send this to me in a private chat.";
pub(super) const SENT_PRIVATELY: &str = "I sent it to you in our private chat.";
pub(super) const BUTTON_EXPIRED: &str =
    "This button is no longer valid. Please use the latest message.";
pub(super) const SETTINGS_SAVED: &str = "Saved.";
/// A bare acknowledgement: a pressed button's answer that shows nothing.
pub(super) const OK: &str = "";
pub(super) const PROMPT_CANCELLED: &str = "Cancelled.";
pub(super) const AUTO_CLOSE_PROMPT: &str = "After how long should resolved tickets close on their own? Send hours (1 hour to 90 days), like <code>36</code>, <code>2d</code> or <code>1w</code>.";

fn missing_line(m: Missing) -> &'static str {
    match m {
        Missing::Forum => "• this group is not a forum: turn on Topics in the group settings",
        Missing::Admin => "• I am not an administrator of this group",
        Missing::ManageTopics => "• admin right: Manage topics",
        Missing::DeleteMessages => "• admin right: Delete messages",
        Missing::PinMessages => "• admin right: Pin messages",
    }
}

pub(super) fn connect_missing(missing: &[Missing]) -> String {
    format!(
        "I can't connect this group yet. Missing:\n{}\n\nFix these and send /connect again.",
        missing
            .iter()
            .map(|m| missing_line(*m))
            .collect::<Vec<_>>()
            .join("\n")
    )
}

pub(super) fn connected(workspace: &str, title: &str) -> String {
    format!(
        "✅ <b>{}</b> is connected to workspace <b>{}</b>. Every new topic becomes a ticket.",
        esc(title),
        esc(workspace)
    )
}

pub(super) fn already_connected(workspace: &str) -> String {
    format!(
        "This group is already connected to <b>{}</b>.",
        esc(workspace)
    )
}

pub(super) fn disconnected(title: &str) -> String {
    format!(
        "<b>{}</b> is disconnected: new topics are no longer tickets. Existing tickets are kept.",
        esc(title)
    )
}

pub(super) fn bot_removed_from_group(workspace: &str, title: &str) -> String {
    format!(
        "⚠️ I was removed from <b>{}</b>, so it is no longer connected to <b>{}</b>. Its tickets are kept. To use it again, add me back as an administrator and send /connect there.",
        esc(title),
        esc(workspace)
    )
}

pub(super) fn staff_chat_lost(workspace: &str) -> String {
    format!(
        "⚠️ I was removed from the staff chat of <b>{}</b>, so staff notifications have no place to go. Send /staffchat in a group I am in.",
        esc(workspace)
    )
}

pub(super) fn staff_chat_linked(workspace: &str) -> String {
    format!(
        "✅ This chat now receives the staff notifications of <b>{}</b>.",
        esc(workspace)
    )
}

/// Posted where someone spoke when their private chat is closed to the bot.
pub(super) fn start_bot_first(name: &str, bot_username: &str) -> Rendered {
    // The sender leaves the name empty for someone the bot never saw.
    let name = if name.is_empty() { "Hi" } else { name };
    Rendered {
        text: format!("{}, I can't message you privately yet: open a chat with @{} and press Start, then try again.", esc(name), esc(bot_username)),
        keyboard: Some(vec![vec![Button::Url(
            "Start the bot".into(),
            format!("https://t.me/{bot_username}"),
        )]]),
    }
}

/// A permission refusal, worded by the domain.
pub(super) fn denied(reason: &str) -> String {
    esc(reason)
}

pub(super) fn settings(workspace: &str, store_bodies: bool, auto_close_hours: i32) -> Rendered {
    Rendered {
        text: format!(
            "⚙️ <b>Settings of {}</b>\n\nPrivacy — store message bodies: <b>{}</b>\nAuto-close resolved tickets after: <b>{} h</b>",
            esc(workspace),
            if store_bodies { "on" } else { "off" },
            auto_close_hours
        ),
        keyboard: Some(vec![
            vec![cb(
                format!(
                    "Store message bodies: {}",
                    if store_bodies { "turn off" } else { "turn on" }
                ),
                WorkspaceButton::SettingsToggleBodies,
            )],
            vec![
                cb("🔀 Routing", RoutingButton::SettingsRouting),
                cb("🧑‍💼 Agents & skills", RoutingButton::SettingsAgents),
            ],
            vec![
                cb("🗂 Intake categories", RoutingButton::SettingsIntake),
                cb("⏱ SLA policies", SlaButton::SettingsSla),
            ],
            vec![
                cb("🕘 Business hours", SlaButton::SettingsHours),
                cb("🔺 Escalation", SlaButton::SettingsEscalation),
            ],
            vec![
                cb("📝 Templates", TemplateButton::List { page: 0 }),
                cb("📚 Knowledge base", KbButton::KbList { page: 0 }),
            ],
            vec![
                cb("🔐 Permissions", TeamButton::SettingsPermissions),
                cb("🔒 Privacy", PrivacyButton::PrivacyHome),
            ],
            AUTO_CLOSE_CHOICES
                .iter()
                .map(|h| {
                    cb(
                        mark(i32::from(*h) == auto_close_hours, &format!("{h} h")),
                        WorkspaceButton::SettingsAutoClose { hours: *h },
                    )
                })
                .collect(),
            vec![cb(
                custom_label(auto_close_hours, &AUTO_CLOSE_CHOICES, |h| format!("{h} h")),
                WorkspaceButton::NumberPrompt {
                    setting: NumberSetting::AutoClose,
                },
            )],
            vec![
                cb("🧩 Custom fields", FieldsButton::SettingsFields),
                cb("🏷 Tags", FieldsButton::TagsPage { page: 0 }),
            ],
        ]),
    }
}

/// A free-text question (its words come from the area that asks), with a Cancel button.
pub(super) fn prompt(text: String) -> Rendered {
    Rendered {
        text,
        keyboard: Some(vec![vec![cb("✖ Cancel", WorkspaceButton::PromptCancel)]]),
    }
}

pub(super) fn invalid_input(reason: &str) -> Rendered {
    prompt(format!(
        "⚠️ {}\n\nSend it again, or press Cancel.",
        esc(reason)
    ))
}

pub(super) fn help_text(role: Option<Role>, in_group: bool) -> String {
    let mut s = String::from(
        "<b>topicdesk</b> turns every topic of a connected forum group into a support ticket.\n",
    );
    // The commands and their descriptions come from the command enum, as the menus do.
    let lines = |s: &mut String, part: HelpPart| {
        for (name, description) in help_lines(part) {
            s.push_str(&format!("\n{name} — {}", esc(&description)));
        }
    };
    match role {
        None if in_group => {
            s.push_str("\nOpen a new topic to ask for help: our team will answer you there.")
        }
        None => lines(&mut s, HelpPart::Stranger),
        Some(role) => {
            s.push_str(&format!(
                "\nYour role: <b>{}</b>\n\n<b>In a ticket topic</b>",
                role_label(role)
            ));
            lines(&mut s, HelpPart::Ticket);
            if role.can_configure() {
                s.push_str("\n\n<b>Configuration</b>");
                lines(&mut s, HelpPart::Configuration);
                s.push_str("\n\n<b>Team</b>");
                lines(&mut s, HelpPart::Team);
            }
            if role == Role::Owner {
                lines(&mut s, HelpPart::Owner);
            }
            s.push_str("\n\n<b>In private</b>");
            lines(&mut s, HelpPart::Private);
            if role != Role::Owner {
                lines(&mut s, HelpPart::Leaving);
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `/help` shows each command with the words of its menu entry: one source for both.
    #[test]
    fn help_words_each_command_as_its_menu_does() {
        let owner = help_text(Some(Role::Owner), false);
        for part in [
            HelpPart::Ticket,
            HelpPart::Configuration,
            HelpPart::Team,
            HelpPart::Private,
        ] {
            for (name, description) in help_lines(part) {
                let line = format!("{name} — {}", esc(&description));
                assert!(owner.contains(&line), "{line} missing from\n{owner}");
            }
        }
        let stranger = help_text(None, false);
        assert!(
            stranger.contains("/start — Start / create a workspace"),
            "{stranger}"
        );
        assert!(stranger.contains("/newworkspace — Create a workspace: /newworkspace &lt;name&gt;"));
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
}
