//! The words of the team: members and their roles, seats and their prices, invites, leaving,
//! handing the workspace over, and what Members may do.

use super::common::{cb, esc, role_label};
use super::{Button, Rendered};
use crate::app::effects::{MemberRow, SeatRow};
use crate::app::effects::{MemberSeat, SeatLabel, SeatStateLabel};
use crate::domain::ids::UserId;
use crate::domain::team::Role;
use crate::telegram::callback::{TeamButton, WorkspaceButton};

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

pub(super) fn seats(
    rows: &[SeatRow],
    currency: &str,
    basic_price: u32,
    pro_price: u32,
) -> Rendered {
    let mut text = String::from("💺 <b>Seats</b>\n");
    for r in rows {
        let holder = r
            .holder
            .as_deref()
            .map(|h| format!(" — {}", esc(h)))
            .unwrap_or_default();
        let until = r
            .until
            .as_deref()
            .map(|u| format!(" (until {})", esc(u)))
            .unwrap_or_default();
        text.push_str(&format!(
            "\n{} · <b>{}</b>{holder}{until}",
            seat_label(r.kind),
            seat_state(r.state)
        ));
    }
    text.push_str(&format!(
        "\n\nBasic {} · Pro {} per seat and month.",
        price(basic_price, currency),
        price(pro_price, currency)
    ));
    Rendered {
        text,
        keyboard: Some(vec![vec![
            cb("Buy a Basic seat", TeamButton::BuySeat { pro: false }),
            cb("Buy a Pro seat", TeamButton::BuySeat { pro: true }),
        ]]),
    }
}

pub(super) fn invite_link(token: &str, pro: bool, expires: &str, bot_username: &str) -> String {
    format!(
        "Invite link for a {} seat (single use, valid until {}):\nhttps://t.me/{}?start=join_{}",
        tier_name(pro),
        esc(expires),
        esc(bot_username),
        esc(token)
    )
}

pub(super) fn no_free_seat(pro: bool, can_buy: bool) -> Rendered {
    Rendered {
        text: if can_buy {
            format!("There is no free {} seat. Buy one first.", tier_name(pro))
        } else {
            format!(
                "There is no free {} seat. Ask the Owner to buy one.",
                tier_name(pro)
            )
        },
        keyboard: can_buy.then(|| {
            vec![vec![cb(
                format!("Buy a {} seat", tier_name(pro)),
                TeamButton::BuySeat { pro },
            )]]
        }),
    }
}

pub(super) const OWN_LEAVE_REQUEST: &str =
    "Another Admin or the Owner must decide your own request.";
pub(super) const INVITE_USAGE: &str = "Usage: /invite basic|pro";
pub(super) const CANNOT_CHANGE_OWNER: &str =
    "The Owner changes only by /transfer, and you can't change your own role or seat here.";
pub(super) const LEAVE_SENT: &str = "Your request to leave was sent to the Admins.";
pub(super) const LEAVE_ALREADY_PENDING: &str =
    "You already asked to leave; the Admins will decide.";
pub(super) const LEAVE_ALREADY_DECIDED: &str = "This request was already decided.";
pub(super) const OWNER_CANNOT_LEAVE: &str =
    "The Owner can't leave: /transfer the workspace to a member first.";
pub(super) const TRANSFER_USAGE: &str =
    "Usage: /transfer @member (someone already in the workspace)";

/// A refusal of an invite link, worded by the use case.
pub(super) fn invite_refused(reason: &str) -> String {
    esc(reason)
}

pub(super) fn joined(workspace: &str, pro: bool) -> String {
    format!(
        "✅ Welcome to <b>{}</b>! You are a Member on a {} seat: you can now work tickets. /help lists what you can do.",
        esc(workspace),
        tier_name(pro)
    )
}

pub(super) fn member_joined(name: &str, pro: bool) -> String {
    format!("{} joined on a {} seat.", esc(name), tier_name(pro))
}

pub(super) fn members(workspace: &str, rows: &[MemberRow], manage: bool) -> Rendered {
    let mut text = format!("👥 <b>Members of {}</b>\n", esc(workspace));
    for r in rows {
        let expired = if r.seat_active {
            ""
        } else {
            " ⚠️ seat expired"
        };
        text.push_str(&format!(
            "\n{} — {} · {}{expired}",
            esc(&r.name),
            role_label(r.role),
            member_seat(r.seat)
        ));
    }
    let keyboard = manage.then(|| {
        rows.iter()
            .filter(|r| r.role != Role::Owner)
            .map(|r| {
                vec![cb(
                    format!("⚙ {}", r.name),
                    TeamButton::MemberMenu {
                        user: UserId(r.user_id),
                    },
                )]
            })
            .collect::<Vec<_>>()
    });
    Rendered {
        text,
        keyboard: keyboard.filter(|k| !k.is_empty()),
    }
}

pub(super) fn member_actions(member: &MemberRow) -> Rendered {
    let u = UserId(member.user_id);
    let role = if member.role == Role::Admin {
        cb(
            "Make Member",
            TeamButton::MemberRole {
                user: u,
                admin: false,
            },
        )
    } else {
        cb(
            "Make Admin",
            TeamButton::MemberRole {
                user: u,
                admin: true,
            },
        )
    };
    let seat = if member.seat == MemberSeat::Pro {
        cb(
            "Move to Basic",
            TeamButton::MemberSeat {
                user: u,
                pro: false,
            },
        )
    } else {
        cb("Move to Pro", TeamButton::MemberSeat { user: u, pro: true })
    };
    Rendered {
        text: format!(
            "<b>{}</b>\nRole: {}\nSeat: {}",
            esc(&member.name),
            role_label(member.role),
            member_seat(member.seat)
        ),
        keyboard: Some(vec![
            vec![role, seat],
            vec![cb("Remove", TeamButton::MemberRemove { user: u })],
            vec![cb("« Back", TeamButton::MembersList)],
        ]),
    }
}

pub(super) fn member_updated(name: &str) -> String {
    format!("{} updated.", esc(name))
}

pub(super) fn removed_from_workspace(workspace: &str) -> String {
    format!("You were removed from <b>{}</b>.", esc(workspace))
}

pub(super) fn leave_asked(request: i64, name: &str, reason: Option<&str>) -> Rendered {
    Rendered {
        text: format!(
            "🚪 {} asks to leave the workspace.{}",
            esc(name),
            reason
                .map(|r| format!("\nReason: {}", esc(r)))
                .unwrap_or_default()
        ),
        keyboard: Some(vec![vec![
            cb(
                "Approve",
                TeamButton::LeaveDecision {
                    request,
                    approve: true,
                },
            ),
            cb(
                "Deny",
                TeamButton::LeaveDecision {
                    request,
                    approve: false,
                },
            ),
        ]]),
    }
}

pub(super) fn leave_approved(workspace: &str) -> String {
    format!(
        "Your request to leave <b>{}</b> was approved. Thank you for your work!",
        esc(workspace)
    )
}

pub(super) fn leave_denied(workspace: &str) -> String {
    format!(
        "Your request to leave <b>{}</b> was denied. Talk to an Admin.",
        esc(workspace)
    )
}

pub(super) fn transfer_ask(user: i64, name: &str) -> Rendered {
    Rendered {
        text: format!(
            "Hand the workspace to <b>{}</b>? You will become an Admin.",
            esc(name)
        ),
        keyboard: Some(vec![vec![cb(
            format!("Yes, make {} the Owner", name),
            TeamButton::TransferConfirm { user: UserId(user) },
        )]]),
    }
}

pub(super) fn transferred(workspace: &str, name: &str) -> String {
    format!(
        "<b>{}</b> is now the Owner of <b>{}</b>. You are an Admin.",
        esc(name),
        esc(workspace)
    )
}

pub(super) fn became_owner(workspace: &str) -> String {
    format!("You are now the Owner of <b>{}</b>.", esc(workspace))
}

pub(super) fn permissions(toggles: &[(String, bool)]) -> Rendered {
    let mut text = String::from("🔐 <b>Permissions for Members</b>\n");
    for (label, on) in toggles {
        text.push_str(&format!(
            "\n{} {}",
            if *on { "✅" } else { "❌" },
            esc(label)
        ));
    }
    let mut rows: Vec<Vec<Button>> = toggles
        .iter()
        .enumerate()
        .map(|(i, (label, on))| {
            vec![cb(
                format!("{} {label}", if *on { "Turn off:" } else { "Turn on:" }),
                TeamButton::PermissionToggle {
                    index: u8::try_from(i).unwrap_or(u8::MAX),
                },
            )]
        })
        .collect();
    rows.push(vec![cb("« Settings", WorkspaceButton::SettingsHome)]);
    Rendered {
        text,
        keyboard: Some(rows),
    }
}

pub(super) fn payment_applied(pro: bool, count: u32, until: &str) -> String {
    format!(
        "✅ Payment received: {count} {} seat(s), paid until {}. Invite people with /invite {}.",
        tier_name(pro),
        esc(until),
        if pro { "pro" } else { "basic" }
    )
}

pub(super) fn seat_expired(pro: bool, until: &str) -> String {
    format!(
        "⚠️ A {} seat expired on {}. Its holder can't work tickets until it is renewed (no data is lost): /seats",
        tier_name(pro),
        esc(until)
    )
}

/// The invoice of a seat purchase: its title, and the description that is also its price line.
pub fn invoice(pro: bool, count: u32, months: u32) -> (String, String) {
    let tier = if pro { "Pro" } else { "Basic" };
    (
        format!("topicdesk {tier} seat"),
        format!("{count} {tier} seat(s) for {months} month(s)"),
    )
}

fn seat_label(k: SeatLabel) -> &'static str {
    match k {
        SeatLabel::Owner => "Owner",
        SeatLabel::Basic => "Basic",
        SeatLabel::Pro => "Pro",
    }
}

fn seat_state(s: SeatStateLabel) -> &'static str {
    match s {
        SeatStateLabel::Filled => "Filled",
        SeatStateLabel::Pending => "Pending",
        SeatStateLabel::Available => "Available",
        SeatStateLabel::Expired => "Expired",
    }
}

fn member_seat(s: MemberSeat) -> &'static str {
    match s {
        MemberSeat::OwnerSlot => "Owner slot",
        MemberSeat::Basic => "Basic",
        MemberSeat::Pro => "Pro",
        MemberSeat::NoSeat => "no seat",
    }
}
