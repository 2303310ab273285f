//! Workspaces, groups and the staff chat, driven through the fake Telegram.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use crate::fake_tg::BotRights;
use crate::helpers::*;

#[tokio::test]
async fn start_offers_a_workspace_and_the_typed_name_creates_it() {
    let app = spawn_app().await;
    let olga = app.tg.add_user("Olga", Some("olga"));
    app.tg.private_text(&olga, "/start");
    let welcome = app.wait_private(&olga, "Create a workspace to begin").await;
    let create = welcome
        .buttons()
        .into_iter()
        .find(|b| b.0.contains("Create workspace"))
        .expect("button")
        .1;
    app.press(&olga, olga.id, welcome.id, &create).await;
    app.wait_private(&olga, "What should the workspace be called?")
        .await;
    app.tg.private_text(&olga, "Acme Support");
    let done = app.wait_private(&olga, "created").await;
    assert!(
        done.text.contains("Acme Support") && done.text.contains("Owner"),
        "{}",
        done.text
    );

    let ws = entity::workspaces::Entity::find()
        .one(&app.db)
        .await
        .expect("query")
        .expect("workspace");
    assert_eq!((ws.name.as_str(), ws.owner_id), ("Acme Support", olga.id));
    let member = entity::members::Entity::find()
        .filter(entity::members::Column::UserId.eq(olga.id))
        .one(&app.db)
        .await
        .expect("query")
        .expect("membership");
    assert_eq!(member.role, "owner");

    app.tg.private_text(&olga, "/newworkspace ");
    app.wait_private(&olga, "What should the workspace be called?")
        .await;
    app.tg.private_text(&olga, &"x".repeat(65));
    app.wait_private(&olga, "1 to 64 characters").await;
    app.stop().await;
}

#[tokio::test]
async fn connect_names_exactly_what_is_missing_and_connects_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;

    let plain = app.tg.add_group("Plain group", false);
    app.tg.set_creator(plain, &owner);
    app.tg.group_text(plain, None, &owner, "/connect");
    let answer = app.wait_bot_message(plain, None, "Missing").await;
    for line in [
        "not a forum",
        "not an administrator",
        "Manage topics",
        "Delete messages",
        "Pin messages",
    ] {
        assert!(answer.text.contains(line), "{line:?} in {}", answer.text);
    }

    let forum = app.tg.add_forum_group("Forum");
    app.tg.set_creator(forum, &owner);
    app.tg.set_bot_rights(
        forum,
        BotRights {
            is_admin: true,
            can_manage_topics: true,
            can_delete_messages: false,
            can_pin_messages: false,
        },
    );
    app.tg.group_text(forum, None, &owner, "/connect");
    let answer = app.wait_bot_message(forum, None, "Missing").await;
    assert!(
        answer.text.contains("Delete messages") && answer.text.contains("Pin messages"),
        "{}",
        answer.text
    );
    assert!(
        !answer.text.contains("Manage topics") && !answer.text.contains("forum"),
        "{}",
        answer.text
    );
    assert!(entity::support_groups::Entity::find()
        .all(&app.db)
        .await
        .expect("query")
        .is_empty());

    // With the rights fixed, /connect works; a second /connect says so.
    app.tg.set_bot_rights(forum, BotRights::full());
    app.tg.group_text(forum, None, &owner, "/connect");
    app.wait_bot_message(forum, None, "is connected").await;
    app.tg.group_text(forum, None, &owner, "/connect");
    app.wait_bot_message(forum, None, "already connected").await;

    // An administrator without a workspace is told how to get one; another workspace's
    // Owner, even one who administers the group, can't take it over.
    let stranger = app.tg.add_user("Sam", None);
    app.tg.add_admin(forum, &stranger);
    app.tg.group_text(forum, None, &stranger, "/connect");
    app.wait_bot_message(forum, None, "not in a workspace yet")
        .await;
    let rival = app.owner("Rita", "Rival").await;
    app.tg.add_admin(forum, &rival);
    app.tg.group_text(forum, None, &rival, "/connect");
    app.wait_bot_message(forum, None, "connected to another workspace")
        .await;
    app.stop().await;
}

#[tokio::test]
async fn the_staff_chat_gets_a_line_per_new_ticket_with_claim_and_open_buttons() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let staff = app.staff_chat(&owner, "Acme Staff").await;

    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Refund please").await;
    let line = app.wait_bot_message(staff, None, "New ticket").await;
    assert!(
        line.text.contains("#1")
            && line.text.contains("Refund please")
            && line.text.contains("Carl"),
        "{}",
        line.text
    );
    let url = line
        .url_buttons()
        .into_iter()
        .find(|b| b.0.contains("Open topic"))
        .expect("open button")
        .1;
    assert!(url.ends_with(&format!("/{thread}")), "{url}");

    let claim = line
        .buttons()
        .into_iter()
        .find(|b| b.0.contains("Claim"))
        .expect("claim")
        .1;
    app.press(&owner, staff, line.id, &claim).await;
    app.card_shows(chat, thread, "Status: assigned").await;

    // A support group can't double as the staff chat.
    app.tg.group_text(chat, None, &owner, "/staffchat");
    app.wait_bot_message(chat, None, "can't be the staff chat")
        .await;
    app.stop().await;
}

/// The other order: a forum linked as the staff chat is not connected as a support group later,
/// or its customers would read internal comments and alerts.
#[tokio::test]
async fn a_staff_chat_cannot_become_a_support_group() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let team = app.tg.add_forum_owned_by("Acme Team", &owner);
    app.tg.group_text(team, None, &owner, "/staffchat");
    app.wait_bot_message(team, None, "staff notifications")
        .await;
    app.tg.group_text(team, None, &owner, "/connect");
    app.wait_bot_message(team, None, "This group is a staff chat")
        .await;
    app.settle().await;
    let groups = entity::support_groups::Entity::find()
        .all(&app.db)
        .await
        .expect("groups");
    assert!(groups.is_empty(), "{groups:?}");
    app.stop().await;
}

#[tokio::test]
async fn excluded_topics_are_never_tickets_and_include_reverses_it() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.tg.add_forum_group("Acme Support");
    let announcements = app.tg.create_topic_silently(chat, &owner, "Announcements");
    app.tg.set_creator(chat, &owner);
    app.tg.set_bot_rights(chat, BotRights::full());
    app.tg.group_text(chat, None, &owner, "/connect");
    app.wait_bot_message(chat, None, "is connected").await;

    app.tg
        .group_text(chat, Some(announcements), &owner, "/exclude");
    app.wait_bot_message(chat, Some(announcements), "excluded")
        .await;
    let customer = app.tg.add_user("Carl", None);
    app.tg.group_text(
        chat,
        Some(announcements),
        &customer,
        "When is the next release?",
    );
    app.settle().await;
    assert!(app.tickets().await.is_empty());

    // A customer can't include it back.
    app.tg
        .group_text(chat, Some(announcements), &customer, "/include");
    app.wait_bot_message(chat, Some(announcements), "Only this group's creator")
        .await;
    app.tg
        .group_text(chat, Some(announcements), &owner, "/include");
    app.wait_bot_message(chat, Some(announcements), "included again")
        .await;
    app.tg
        .group_text(chat, Some(announcements), &customer, "Hello?");
    app.card(chat, announcements).await;
    assert_eq!(app.tickets().await.len(), 1);
    app.stop().await;
}

#[tokio::test]
async fn help_shows_only_what_the_role_may_do() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", None);

    app.tg.group_text(chat, None, &customer, "/help");
    let customer_help = app.wait_bot_message(chat, None, "Open a new topic").await;
    assert!(
        !customer_help.text.contains("/claim"),
        "{}",
        customer_help.text
    );

    app.tg.private_text(&owner, "/help");
    let owner_help = app.wait_private(&owner, "Your role").await;
    assert!(
        owner_help.text.contains("Owner")
            && owner_help.text.contains("/claim")
            && owner_help.text.contains("/connect")
    );

    let stranger = app.tg.add_user("Sam", None);
    app.tg.private_text(&stranger, "/help");
    let stranger_help = app.wait_private(&stranger, "/newworkspace").await;
    assert!(
        !stranger_help.text.contains("/claim"),
        "{}",
        stranger_help.text
    );
    app.stop().await;
}

#[tokio::test]
async fn command_lists_are_registered_per_scope() {
    let app = spawn_app().await;
    app.tg
        .wait_until(WAIT, "three command scopes", |tg| {
            !tg.commands("default").is_empty()
                && !tg.commands("all_chat_administrators").is_empty()
                && !tg.commands("all_private_chats").is_empty()
        })
        .await;
    assert_eq!(app.tg.commands("default"), vec!["help"]);
    let agents = app.tg.commands("all_chat_administrators");
    for c in [
        "claim", "assign", "resolve", "close", "reopen", "priority", "info", "connect", "exclude",
    ] {
        assert!(agents.iter().any(|x| x == c), "{c} in {agents:?}");
    }
    assert!(app
        .tg
        .commands("all_private_chats")
        .iter()
        .any(|c| c == "newworkspace"));
    app.stop().await;
}

#[tokio::test]
async fn a_disconnected_group_makes_no_more_tickets() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", None);
    app.open_ticket(chat, &customer, "First").await;

    app.tg.group_text(chat, None, &customer, "/disconnect");
    app.wait_bot_message(chat, None, "Only this group's creator")
        .await;
    app.tg.group_text(chat, None, &owner, "/disconnect");
    app.wait_bot_message(chat, None, "is disconnected").await;
    app.tg.create_topic(chat, &customer, "Second");
    app.settle().await;
    assert_eq!(app.tickets().await.len(), 1);
    app.stop().await;
}
