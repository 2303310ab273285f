//! The buttons of the team: `/members` and a member's actions, seats, leave requests, handing
//! the workspace over, and the Owner's permission toggles.

use super::wire::buttons;
use crate::domain::ids::UserId;

buttons! {
    pub enum TeamButton {
        /// `/seats`, `/invite` with no free seat: buy one Basic (`pro: false`) or Pro seat.
        BuySeat { pro: bool } = "by",
        /// `/members`: back to the list.
        MembersList = "ml",
        /// `/members`: the actions for one member.
        MemberMenu { user: UserId } = "mm",
        /// Make a member an Admin (`admin: true`) or a Member.
        MemberRole { user: UserId, admin: bool } = "mr",
        /// Move a member to a Pro (`pro: true`) or Basic seat.
        MemberSeat { user: UserId, pro: bool } = "ms",
        /// Remove a member from the workspace.
        MemberRemove { user: UserId } = "mx",
        /// Approve or deny a leave request.
        LeaveDecision { request: i64, approve: bool } = "ld",
        /// Confirm handing the workspace to `user`.
        TransferConfirm { user: UserId } = "tc",
        /// `/settings` → Permissions.
        SettingsPermissions = "sm",
        /// Flip the Owner's permission toggle number `index` (its position in the toggle list).
        PermissionToggle { index: u8 } = "pt",
    }
}
