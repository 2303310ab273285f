//! The buttons of the workspace as a whole: creating one, the settings home screen and its
//! own settings (privacy, auto-close), and the free-text prompts' Cancel and Custom… buttons.

use super::wire::buttons;
use crate::app::effects::NumberSetting;

buttons! {
    pub enum WorkspaceButton {
        /// From `/start`: set up a workspace in this group.
        CreateWorkspace = "ws",
        /// Privacy setting: toggle `store_message_bodies`.
        SettingsToggleBodies = "tb",
        /// Pick `auto_close_hours`. Any `u16` round-trips; which values are
        /// offered (and whether 0 means "never") is the settings handler's call.
        SettingsAutoClose { hours: u16 } = "ac",
        /// `/settings`: the main screen.
        SettingsHome = "sh",
        /// Cancel the pending free-text prompt (a skill list, category, keyword…).
        PromptCancel = "px",
        /// A setting's Custom… button: ask for any value in its range as text.
        NumberPrompt { setting: NumberSetting } = "np",
    }
}
