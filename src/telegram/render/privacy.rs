//! The words of `/settings` → Privacy (SPEC §11): whether message bodies are stored, how many
//! days they are kept, and whether webhooks may carry them.

use super::common::{cb, custom_label, esc, mark};
use super::Rendered;
use crate::app::effects::{NumberSetting, PrivacyNotice};
use crate::telegram::callback::{PrivacyButton, WorkspaceButton};

/// Retention times offered as buttons (days); Custom… takes any other.
const RETENTION_CHOICES: [u16; 3] = [30, 90, 365];

pub(super) const RETENTION_PROMPT: &str = "After how many days should message bodies be deleted? Send days (1 to 3650), like <code>180</code> or <code>12w</code>.";

pub(super) fn notice(n: &PrivacyNotice) -> Rendered {
    match n {
        PrivacyNotice::Screen {
            workspace,
            store_bodies,
            retention_days,
            webhook_bodies,
        } => screen(workspace, *store_bodies, *retention_days, *webhook_bodies),
    }
}

fn on_off(on: bool) -> &'static str {
    if on {
        "on"
    } else {
        "off"
    }
}

fn screen(workspace: &str, store_bodies: bool, days: i32, webhook_bodies: bool) -> Rendered {
    let text = format!(
        "🔒 <b>Privacy of {}</b>\n\nStore message bodies: <b>{}</b>\nDelete message bodies after: <b>{days} days</b>\nWebhooks include message bodies: <b>{}</b>\n\nA daily job deletes the texts of topic messages older than the retention (and all of them while storing is off); tickets, comments and the audit log stay.",
        esc(workspace),
        on_off(store_bodies),
        on_off(webhook_bodies),
    );
    let toggle = |on: bool| if on { "turn off" } else { "turn on" };
    Rendered {
        text,
        keyboard: Some(vec![
            vec![cb(
                format!("Store message bodies: {}", toggle(store_bodies)),
                PrivacyButton::PrivacyToggleBodies,
            )],
            RETENTION_CHOICES
                .iter()
                .map(|d| {
                    cb(
                        mark(i32::from(*d) == days, &format!("{d} days")),
                        PrivacyButton::PrivacyRetention { days: *d },
                    )
                })
                .collect(),
            vec![cb(
                custom_label(days, &RETENTION_CHOICES, |d| format!("{d} days")),
                WorkspaceButton::NumberPrompt {
                    setting: NumberSetting::Retention,
                },
            )],
            vec![cb(
                format!("Webhooks include bodies: {}", toggle(webhook_bodies)),
                PrivacyButton::PrivacyToggleWebhook,
            )],
            vec![cb("⬅️ Back", WorkspaceButton::SettingsHome)],
        ]),
    }
}
