//! Roles and who may do what: members refused admin things, roles and seats changed from
//! `/members`, ownership transfer (and a forged one), and the Owner-only permission toggles.

use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::Value;
use topicdesk::domain::ids::UserId;
use topicdesk::telegram::callback::{CallbackData, TeamButton, WorkspaceButton};

use super::{
    ask, audited, button, forged, join, make_admin, member, say, screen, seat_of, seats_of,
    workspace, EXPIRED, NO_SUCH_MESSAGE,
};
use crate::helpers::*;

// ----- roles -----------------------------------------------------------------------------------

#[tokio::test]
async fn a_member_cannot_do_admin_things() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 3, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let sam = join(&app, &owner, "Sam", false).await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Can't log in").await;
    app.settle().await;
    let ws_before = workspace(&app, ws).await;
    let audit_before = entity::audit_log::Entity::find()
        .count(&app.db)
        .await
        .expect("count");

    const ADMINS: &str = "Only Admins and the Owner can do this.";
    const OWNER: &str = "Only the Owner can do this.";
    for (command, refusal) in [
        ("/invite basic", ADMINS),
        ("/settings", ADMINS),
        ("/seats", OWNER),
        ("/transfer @sam", OWNER),
    ] {
        let answer = ask(&app, &mia, command).await;
        assert_eq!(answer.text, refusal, "{command}");
    }

    // /members lists people but gives a Member no buttons…
    let list = ask(&app, &mia, "/members").await;
    assert!(
        list.text.contains("Sam (@sam) — Member · Basic"),
        "{}",
        list.text
    );
    assert!(list.buttons().is_empty(), "{:?}", list.buttons());
    // …and forged buttons are refused.
    let sam_id = UserId(sam.id);
    for (data, refusal) in [
        (
            CallbackData::Team(TeamButton::MemberRole {
                user: sam_id,
                admin: true,
            }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::MemberSeat {
                user: sam_id,
                pro: true,
            }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::MemberRemove { user: sam_id }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::MemberMenu { user: sam_id }),
            ADMINS,
        ),
        (
            CallbackData::Team(TeamButton::BuySeat { pro: false }),
            OWNER,
        ),
        (CallbackData::Team(TeamButton::SettingsPermissions), OWNER),
        (
            CallbackData::Team(TeamButton::PermissionToggle { index: 1 }),
            OWNER,
        ),
        (
            CallbackData::Team(TeamButton::TransferConfirm {
                user: UserId(mia.id),
            }),
            OWNER,
        ),
        (
            CallbackData::Workspace(WorkspaceButton::SettingsToggleBodies),
            ADMINS,
        ),
    ] {
        // Not a button of the message it was pressed on: refused before anything is read.
        let (text, alert) = app.press(&mia, mia.id, list.id, &forged(data)).await;
        assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true), "{data:?}");
        // On a message nobody can check, the permission checks refuse it.
        let (text, alert) = app
            .press(&mia, mia.id, NO_SUCH_MESSAGE, &forged(data))
            .await;
        assert_eq!(text.as_deref(), Some(refusal), "{data:?}");
        assert!(alert, "a refusal is an alert: {data:?}");
    }

    // In groups: /connect elsewhere, /exclude in a topic.
    let other = app.tg.add_forum_owned_by("Mia's forum", &mia);
    let answer = say(&app, other, None, &mia, "/connect").await;
    assert_eq!(answer.text, ADMINS);
    app.tg.add_admin(chat, &mia);
    let answer = say(&app, chat, Some(thread), &mia, "/exclude").await;
    assert_eq!(answer.text, "The Owner has turned this off for Members.");

    app.settle().await;
    assert_eq!(app.tg.request_count("sendInvoice"), 0);
    assert_eq!(
        entity::support_groups::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        1
    );
    assert_eq!(
        entity::excluded_topics::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        0
    );
    assert_eq!(workspace(&app, ws).await, ws_before);
    for u in [&mia, &sam] {
        let m = member(&app, ws, u).await.expect("still a member");
        assert_eq!(m.role, "member");
    }
    assert_eq!(seat_of(&app, ws, &sam).await.tier, "basic");
    assert_eq!(
        entity::audit_log::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        audit_before,
        "refusals change nothing"
    );
    app.stop().await;
}

#[tokio::test]
async fn admins_change_roles_and_seats_from_members() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 2, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;
    let basic = seat_of(&app, ws, &mia).await;

    let list = ask(&app, &owner, "/members").await;
    assert!(
        list.text.contains("Olga (@olga) — Owner · Owner slot"),
        "{}",
        list.text
    );
    assert!(
        list.text.contains("Mia (@mia) — Member · Basic"),
        "{}",
        list.text
    );
    let labels: Vec<String> = list.buttons().into_iter().map(|b| b.0).collect();
    assert_eq!(labels, ["⚙ Mia (@mia)"], "the Owner has no button");
    app.press(&owner, owner.id, list.id, &button(&list, "⚙ Mia"))
        .await;
    let menu = screen(&app, owner.id, list.id, "Role: Member").await;
    assert!(menu.text.contains("Seat: Basic"), "{}", menu.text);

    // Make Admin: audited, and Mia may now configure.
    app.press(&owner, owner.id, list.id, &button(&menu, "Make Admin"))
        .await;
    let menu = screen(&app, owner.id, list.id, "Role: Admin").await;
    assert_eq!(member(&app, ws, &mia).await.expect("member").role, "admin");
    let role = audited(&app, ws, "member.role").await;
    assert_eq!(role.len(), 1);
    assert_eq!(role[0].actor_id, Some(owner.id));
    assert_eq!(
        (role[0].old_value.as_deref(), role[0].new_value.as_deref()),
        (
            Some(format!("{}: Member", mia.id).as_str()),
            Some(format!("{}: Admin", mia.id).as_str())
        )
    );
    app.connected_forum(&mia, "Mia's forum").await;

    // Move to Pro: refused without a free Pro seat…
    let (text, alert) = app
        .press(&owner, owner.id, list.id, &button(&menu, "Move to Pro"))
        .await;
    assert!(alert);
    assert!(
        text.as_deref()
            .is_some_and(|t| t.contains("no free Pro seat")),
        "{text:?}"
    );
    assert_eq!(seat_of(&app, ws, &mia).await.id, basic.id);
    // …and done with one.
    app.grant_seats(ws, 0, 1).await;
    app.press(&owner, owner.id, list.id, &button(&menu, "Move to Pro"))
        .await;
    let menu = screen(&app, owner.id, list.id, "Seat: Pro").await;
    let pro = seat_of(&app, ws, &mia).await;
    assert_eq!((pro.tier.as_str(), pro.holder_id), ("pro", Some(mia.id)));
    let seats = seats_of(&app, ws).await;
    let old = seats.iter().find(|s| s.id == basic.id).expect("old seat");
    assert_eq!(old.holder_id, None);
    let moved = audited(&app, ws, "member.seat").await;
    assert_eq!(moved.len(), 1, "{moved:?}");
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Pro · Filled — Mia"),
        "{}",
        overview.text
    );
    assert_eq!(
        overview.text.matches("Basic · Available").count(),
        2,
        "{}",
        overview.text
    );

    // Remove: gone, seat free, told.
    app.press(&owner, owner.id, list.id, &button(&menu, "Remove"))
        .await;
    let list_again = screen(&app, owner.id, list.id, "Members of Acme").await;
    assert!(!list_again.text.contains("Mia"), "{}", list_again.text);
    app.wait_private(&mia, "You were removed from Acme").await;
    assert!(member(&app, ws, &mia).await.is_none());
    assert!(seats_of(&app, ws)
        .await
        .iter()
        .all(|s| s.holder_id.is_none()));
    assert_eq!(audited(&app, ws, "member.removed").await.len(), 1);
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Pro · Available"),
        "{}",
        overview.text
    );
    app.stop().await;
}

// ----- ownership -------------------------------------------------------------------------------

#[tokio::test]
async fn ownership_transfer_needs_confirmation() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;
    let mias_seat = seat_of(&app, ws, &mia).await.id;

    let usage = ask(&app, &owner, "/transfer").await;
    assert!(usage.text.contains("Usage: /transfer"), "{}", usage.text);
    app.tg.add_user("Sam", Some("sam"));
    let usage = ask(&app, &owner, "/transfer @sam").await;
    assert!(usage.text.contains("Usage: /transfer"), "{}", usage.text);

    let confirm = ask(&app, &owner, "/transfer @mia").await;
    assert!(
        confirm
            .text
            .contains("Hand the workspace to Mia (@mia)? You will become an Admin."),
        "{}",
        confirm.text
    );
    let yes = button(&confirm, "Yes, make Mia (@mia) the Owner");
    app.settle().await;
    assert_eq!(workspace(&app, ws).await.owner_id, owner.id);
    assert_eq!(member(&app, ws, &mia).await.expect("member").role, "member");
    assert!(audited(&app, ws, "workspace.owner").await.is_empty());

    app.press(&owner, owner.id, confirm.id, &yes).await;
    screen(
        &app,
        owner.id,
        confirm.id,
        "Mia (@mia) is now the Owner of Acme",
    )
    .await;
    app.wait_private(&mia, "You are now the Owner of Acme")
        .await;
    assert_eq!(workspace(&app, ws).await.owner_id, mia.id);
    let new_owner = member(&app, ws, &mia).await.expect("member");
    assert_eq!(
        (new_owner.role.as_str(), new_owner.seat_id),
        ("owner", None)
    );
    let former = member(&app, ws, &owner).await.expect("member");
    assert_eq!(
        (former.role.as_str(), former.seat_id),
        ("admin", Some(mias_seat))
    );
    assert_eq!(seat_of(&app, ws, &owner).await.holder_id, Some(owner.id));
    let moved = audited(&app, ws, "workspace.owner").await;
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (moved[0].old_value.clone(), moved[0].new_value.clone()),
        (Some(owner.id.to_string()), Some(mia.id.to_string()))
    );

    // The roles follow: the former Owner is refused Owner things, the new one isn't.
    let answer = ask(&app, &owner, "/seats").await;
    assert_eq!(answer.text, "Only the Owner can do this.");
    let (text, _) = app.press(&owner, owner.id, confirm.id, &yes).await;
    assert_eq!(
        text.as_deref(),
        Some(EXPIRED),
        "the confirmation was answered"
    );
    let (text, _) = app.press(&owner, owner.id, NO_SUCH_MESSAGE, &yes).await;
    assert_eq!(text.as_deref(), Some("Only the Owner can do this."));
    let overview = ask(&app, &mia, "/seats").await;
    assert!(
        overview.text.contains("Owner · Filled — Mia (@mia)")
            && overview.text.contains("Basic · Filled — Olga (@olga)"),
        "{}",
        overview.text
    );
    let list = ask(&app, &owner, "/members").await;
    assert!(
        list.text.contains("Olga (@olga) — Admin · Basic"),
        "{}",
        list.text
    );
    assert_eq!(workspace(&app, ws).await.owner_id, mia.id);
    app.stop().await;
}

#[tokio::test]
async fn a_forged_transfer_to_oneself_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let list = ask(&app, &owner, "/members").await;

    // The bot never shows this button (the Owner is no transfer target), but a client can
    // send any callback data.
    let data = forged(CallbackData::Team(TeamButton::TransferConfirm {
        user: UserId(owner.id),
    }));
    app.press(&owner, owner.id, list.id, &data).await;
    app.settle().await;

    let me = member(&app, ws, &owner).await.expect("still a member");
    assert_eq!(
        (me.role.as_str(), me.seat_id),
        ("owner", None),
        "the Owner must stay the Owner"
    );
    assert_eq!(workspace(&app, ws).await.owner_id, owner.id);
    assert!(audited(&app, ws, "workspace.owner").await.is_empty());
    let overview = ask(&app, &owner, "/seats").await;
    assert!(
        overview.text.contains("Owner · Filled — Olga (@olga)"),
        "the Owner can still manage the workspace: {}",
        overview.text
    );
    app.stop().await;
}

// ----- permission toggles ----------------------------------------------------------------------

#[tokio::test]
async fn permission_toggles_are_owner_only_and_audited() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 2, 0).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let mia = join(&app, &owner, "Mia", false).await;
    let ada = join(&app, &owner, "Ada", false).await;
    make_admin(&app, &owner, &ada).await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &carl, "Spam").await;
    // Mia helps run the group; whether she may exclude topics is the workspace's call.
    app.tg.add_admin(chat, &mia);

    let answer = say(&app, chat, Some(thread), &mia, "/exclude").await;
    assert_eq!(answer.text, "The Owner has turned this off for Members.");

    let settings = ask(&app, &owner, "/settings").await;
    app.press(
        &owner,
        owner.id,
        settings.id,
        &button(&settings, "Permissions"),
    )
    .await;
    let perms = screen(&app, owner.id, settings.id, "Permissions for Members").await;
    assert!(
        perms.text.contains("❌ Members manage excluded topics")
            && perms.text.contains("✅ Shared templates"),
        "{}",
        perms.text
    );
    let toggle = button(&perms, "Turn on: Members manage excluded topics");
    app.press(&owner, owner.id, settings.id, &toggle).await;
    let perms = screen(
        &app,
        owner.id,
        settings.id,
        "✅ Members manage excluded topics",
    )
    .await;
    assert!(
        perms
            .buttons()
            .iter()
            .any(|b| b.0 == "Turn off: Members manage excluded topics"),
        "{:?}",
        perms.buttons()
    );
    let changes = audited(&app, ws, "settings.permission").await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].actor_id, Some(owner.id));
    assert_eq!(
        (
            changes[0].old_value.as_deref(),
            changes[0].new_value.as_deref()
        ),
        (
            Some("members_manage_excluded=false"),
            Some("members_manage_excluded=true")
        )
    );
    let stored: Value =
        serde_json::from_str(&workspace(&app, ws).await.permission_toggles).expect("JSON");
    assert_eq!(stored["members_manage_excluded"], true, "{stored}");

    let answer = say(&app, chat, Some(thread), &mia, "/exclude").await;
    assert!(
        answer.text.contains("This topic is excluded"),
        "{}",
        answer.text
    );
    let excluded = entity::excluded_topics::Entity::find()
        .all(&app.db)
        .await
        .expect("query");
    assert_eq!(excluded.len(), 1);
    assert_eq!(
        (excluded[0].thread_id, excluded[0].excluded_by),
        (thread, mia.id)
    );

    // An Admin sees /settings but not its Permissions, and a toggle press is refused.
    let own = ask(&app, &ada, "/settings").await;
    assert!(own.text.contains("Settings of Acme"), "{}", own.text);
    let (text, alert) = app
        .press(&ada, ada.id, own.id, &button(&own, "Permissions"))
        .await;
    assert_eq!(
        (text.as_deref(), alert),
        (Some("Only the Owner can do this."), true)
    );
    let (text, alert) = app.press(&ada, ada.id, own.id, &toggle).await;
    assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true));
    let (text, alert) = app.press(&ada, ada.id, NO_SUCH_MESSAGE, &toggle).await;
    assert_eq!(
        (text.as_deref(), alert),
        (Some("Only the Owner can do this."), true)
    );
    app.settle().await;
    let stored: Value =
        serde_json::from_str(&workspace(&app, ws).await.permission_toggles).expect("JSON");
    assert_eq!(stored["members_manage_excluded"], true, "{stored}");
    assert_eq!(audited(&app, ws, "settings.permission").await.len(), 1);
    app.stop().await;
}
