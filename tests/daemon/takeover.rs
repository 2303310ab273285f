//! The attacks a security review found, as the attacker would try them (issue 8): taking over
//! someone else's group, a stranger moving tickets by writing in them, forged and stale buttons,
//! and staff-only details leaking into the topic the customer reads.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use topicdesk::telegram::callback::{
    CallbackData, RoutingButton, TeamButton, TicketButton, WorkspaceButton,
};

use crate::fake_tg::BotRights;
use crate::helpers::*;
use crate::routing::{open_settings, private, tap};
use crate::sla::{advance, card_is_customer_safe};
use crate::team::{ask, audited, forged, join, say, EXPIRED};

const NOT_GROUP_ADMIN: &str = "Only this group's creator or one of its administrators can do this.";

async fn groups(app: &TestApp) -> Vec<entity::support_groups::Model> {
    entity::support_groups::Entity::find()
        .all(&app.db)
        .await
        .expect("query groups")
}

// ----- 1. only a group's own administrators connect it ------------------------------------------

#[tokio::test]
async fn a_plain_member_cannot_connect_someone_elses_group() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let forum = app.tg.add_forum_owned_by("Acme Support", &owner);

    // Mallory owns a workspace of her own and is an ordinary member of Olga's group.
    let mallory = app.owner("Mallory", "Evil").await;
    for command in ["/connect", "/staffchat", "/disconnect"] {
        let answer = say(&app, forum, None, &mallory, command).await;
        assert_eq!(answer.text, NOT_GROUP_ADMIN, "{command}");
    }
    assert!(groups(&app).await.is_empty());
    let evil = app.workspace_of(&mallory).await;
    assert_eq!(
        crate::routing::workspace(&app, evil).await.staff_chat_id,
        None
    );

    // The group's creator connects it; Mallory still can't take it or drop it.
    app.tg.group_text(forum, None, &owner, "/connect");
    app.wait_bot_message(forum, None, "is connected").await;
    let topic = app.tg.create_topic(forum, &owner, "Announcements");
    app.card(forum, topic).await;
    for (thread, command) in [
        (None, "/connect"),
        (None, "/disconnect"),
        (Some(topic), "/exclude"),
    ] {
        let answer = say(&app, forum, thread, &mallory, command).await;
        assert_eq!(answer.text, NOT_GROUP_ADMIN, "{command}");
    }
    let connected = groups(&app).await;
    assert_eq!(connected.len(), 1);
    assert_eq!(connected[0].workspace_id, app.workspace_of(&owner).await);
    app.stop().await;
}

#[tokio::test]
async fn the_groups_creator_undoes_a_connection_made_by_someone_else() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let forum = app.tg.add_forum_owned_by("Acme Support", &owner);

    // Mallory, an administrator of the group, connects it to her own workspace first.
    let mallory = app.owner("Mallory", "Evil").await;
    app.tg.add_admin(forum, &mallory);
    app.tg.group_text(forum, None, &mallory, "/connect");
    app.wait_bot_message(forum, None, "connected to workspace Evil")
        .await;
    // Olga can't connect it while it is Mallory's…
    app.tg.group_text(forum, None, &owner, "/connect");
    app.wait_bot_message(forum, None, "connected to another workspace")
        .await;
    // …but as the group's creator she can always disconnect it, and then connect it herself.
    app.tg.group_text(forum, None, &owner, "/disconnect");
    app.wait_bot_message(forum, None, "is disconnected").await;
    assert!(groups(&app).await.is_empty());
    let evil = app.workspace_of(&mallory).await;
    let dropped = audited(&app, evil, "group.disconnected").await;
    assert_eq!(dropped.len(), 1);
    assert_eq!(dropped[0].note.as_deref(), Some("by the group's creator"));
    app.tg.group_text(forum, None, &owner, "/connect");
    app.wait_bot_message(forum, None, "connected to workspace Acme")
        .await;

    // Now Mallory, an administrator of the group but not of Acme, can neither move nor drop it.
    let answer = say(&app, forum, None, &mallory, "/connect").await;
    assert!(
        answer.text.contains("connected to another workspace"),
        "{}",
        answer.text
    );
    let answer = say(&app, forum, None, &mallory, "/disconnect").await;
    assert_eq!(answer.text, "Only Admins and the Owner can do this.");
    let connected = groups(&app).await;
    assert_eq!(connected.len(), 1);
    assert_eq!(connected[0].workspace_id, app.workspace_of(&owner).await);
    app.stop().await;
}

#[tokio::test]
async fn removing_the_bot_disconnects_the_group_and_tells_the_owner() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let staff = app.staff_chat(&owner, "Acme Staff").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Before").await;
    let done = app.open_ticket(chat, &customer, "Resolved before").await;
    app.tg.group_text(chat, Some(done), &owner, "/resolve");
    app.wait_ticket(chat, done, "resolved", |t| t.status == "resolved")
        .await;
    app.settle().await;

    app.tg.remove_bot(chat, &owner);
    app.wait_private(&owner, "I was removed from Acme Support")
        .await;
    assert!(groups(&app).await.is_empty());
    let ws = app.workspace_of(&owner).await;
    assert_eq!(audited(&app, ws, "group.disconnected").await.len(), 1);

    // Three days pass while it is away: the resolved ticket's auto-close does nothing.
    advance(&app, chrono::Duration::hours(73)).await;
    assert_eq!(app.ticket(chat, done).await.status, "resolved");

    // Added back, the group is still not connected: new topics are not tickets, and what is
    // written in the old topic reaches nobody.
    app.tg.add_bot_back(chat, &owner, BotRights::full());
    app.tg.create_topic(chat, &customer, "After");
    let ticket = app.ticket(chat, thread).await;
    app.tg
        .group_text(chat, Some(thread), &customer, "Anyone there?");
    app.settle().await;
    assert_eq!(app.tickets().await.len(), 2);
    assert!(
        app.messages(ticket.id).await.is_empty(),
        "the old ticket got a message while disconnected"
    );
    // /connect is needed again; then the old topics work as before, their timers armed again:
    // the auto-close that fell due meanwhile happens now.
    app.tg.group_text(chat, None, &owner, "/connect");
    app.wait_ticket(chat, done, "closed once connected again", |t| {
        t.status == "closed"
    })
    .await;
    app.tg
        .group_text(chat, Some(thread), &customer, "Hello again");
    let logged = eventually(WAIT, "the message logged", async || {
        app.messages(ticket.id).await.pop()
    })
    .await;
    assert_eq!(logged.body.as_deref(), Some("Hello again"));

    // Removed from the staff chat: it is unlinked and the Owner told.
    app.tg.remove_bot(staff, &owner);
    app.wait_private(&owner, "removed from the staff chat")
        .await;
    eventually(WAIT, "the staff chat unlinked", async || {
        crate::routing::workspace(&app, ws)
            .await
            .staff_chat_id
            .is_none()
            .then_some(())
    })
    .await;
    app.stop().await;
}

#[tokio::test]
async fn a_group_moved_to_another_workspace_leaves_its_tickets_behind_read_only() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Shared Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Old question").await;
    let acme_ticket = app.ticket(chat, thread).await;
    let (card, resolve) = app.card_button(chat, thread, "Resolve").await;

    // Olga disconnects; Rita, who also runs the group, connects it to her workspace.
    let rita = app.owner("Rita", "Beta").await;
    app.tg.add_admin(chat, &rita);
    app.tg.group_text(chat, None, &owner, "/disconnect");
    app.wait_bot_message(chat, None, "is disconnected").await;
    app.tg.group_text(chat, None, &rita, "/connect");
    app.wait_bot_message(chat, None, "connected to workspace Beta")
        .await;

    // The customer writes in the old topic: it becomes Beta's ticket; Acme's is untouched.
    app.tg
        .group_text(chat, Some(thread), &customer, "Still broken");
    let beta = app.workspace_of(&rita).await;
    let beta_ticket = eventually(WAIT, "Beta's ticket for the topic", async || {
        entity::tickets::Entity::find()
            .filter(entity::tickets::Column::WorkspaceId.eq(beta))
            .one(&app.db)
            .await
            .expect("query")
    })
    .await;
    assert_eq!(
        (
            beta_ticket.chat_id,
            beta_ticket.thread_id,
            beta_ticket.number
        ),
        (chat, thread, 1)
    );
    app.settle().await;
    let before = app.messages(acme_ticket.id).await.len();
    assert_eq!(
        before, 0,
        "Acme's ticket logs nothing written after the move"
    );

    // Acme's old card is read-only, even for Acme's Owner.
    let (text, alert) = app.press(&owner, chat, card, &resolve).await;
    assert!(alert, "a refusal is an alert");
    assert!(
        text.unwrap_or_default().contains("read-only"),
        "the Owner learns why"
    );
    let t = entity::tickets::Entity::find_by_id(acme_ticket.id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("ticket");
    assert_eq!(t.status, "open");
    // Its timers do nothing: a day later it is still open and unassigned nothing moved.
    advance(&app, chrono::Duration::days(1)).await;
    let t = entity::tickets::Entity::find_by_id(acme_ticket.id)
        .one(&app.db)
        .await
        .expect("query")
        .expect("ticket");
    assert_eq!(t.updated_at, acme_ticket.updated_at);
    app.stop().await;
}

// ----- 2. only the customer moves a ticket by writing -------------------------------------------

#[tokio::test]
async fn a_stranger_writing_in_a_ticket_moves_nothing() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let stranger = app.tg.add_user("Sid", Some("sid"));
    let thread = app.open_ticket(chat, &customer, "Refund").await;
    app.tg.group_text(chat, Some(thread), &owner, "/claim");
    app.tg.group_text(chat, Some(thread), &owner, "Checking");
    app.tg.group_text(chat, Some(thread), &owner, "/pending");
    app.wait_ticket(chat, thread, "pending", |t| t.status == "pending")
        .await;

    // A stranger's message in a pending ticket: logged as a participant, nothing moves.
    app.tg.group_text(chat, Some(thread), &stranger, "me too!");
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(t.status, "pending");
    assert_eq!(t.last_customer_message_at, None);
    let log = app.messages(t.id).await;
    let last = log.last().expect("logged");
    assert_eq!(
        (last.sender_id, last.role.as_str()),
        (stranger.id, "participant")
    );

    // Resolved: a stranger neither reopens it nor holds off its auto-close (72 h).
    app.tg
        .group_text(chat, Some(thread), &customer, "ok here it is");
    app.wait_ticket(chat, thread, "back in progress", |t| {
        t.status == "in_progress"
    })
    .await;
    app.tg.group_text(chat, Some(thread), &owner, "/resolve");
    app.wait_ticket(chat, thread, "resolved", |t| t.status == "resolved")
        .await;
    advance(&app, chrono::Duration::hours(71)).await;
    app.tg.group_text(chat, Some(thread), &stranger, "bump");
    // A stranger who happens to administer the group closes and reopens the topic by hand.
    app.tg.add_admin(chat, &stranger);
    app.tg.reopen_topic_by(chat, thread, &stranger);
    app.settle().await;
    assert_eq!(app.ticket(chat, thread).await.status, "resolved");
    advance(&app, chrono::Duration::hours(2)).await;
    app.wait_ticket(chat, thread, "closed by auto-close", |t| {
        t.status == "closed"
    })
    .await;
    let closed_by: Vec<String> = app
        .audit(t.id)
        .await
        .into_iter()
        .filter(|r| r.action == "ticket.status" && r.new_value.as_deref() == Some("closed"))
        .map(|r| r.actor_kind)
        .collect();
    assert_eq!(closed_by, ["system"], "auto-close, not the stranger");
    app.tg.reopen_topic_by(chat, thread, &stranger);
    app.settle().await;
    assert_eq!(app.ticket(chat, thread).await.status, "closed");

    // The customer's own message still reopens a resolved ticket.
    let second = app.open_ticket(chat, &customer, "Another").await;
    app.tg.group_text(chat, Some(second), &owner, "/resolve");
    app.wait_ticket(chat, second, "resolved", |t| t.status == "resolved")
        .await;
    app.tg
        .group_text(chat, Some(second), &customer, "not fixed");
    app.wait_ticket(chat, second, "reopened by its customer", |t| {
        t.status == "in_progress"
    })
    .await;
    app.stop().await;
}

// ----- 6. decisions re-read the present -----------------------------------------------------------

#[tokio::test]
async fn approving_an_old_leave_request_never_removes_the_owner() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    app.grant_seats(ws, 1, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;

    // Mia asks to leave; before anyone decides, Olga hands her the workspace.
    let sent = ask(&app, &mia, "/leave moving on").await;
    assert!(sent.text.contains("sent"), "{}", sent.text);
    let asked = app.wait_private(&owner, "asks to leave").await;
    let approve = crate::team::button(&asked, "Approve");
    let confirm = ask(&app, &owner, "/transfer @mia").await;
    let yes = crate::team::button(&confirm, "Yes");
    app.press(&owner, owner.id, confirm.id, &yes).await;
    app.wait_private(&mia, "You are now the Owner").await;

    // Olga, now an Admin, presses the old Approve: the Owner is never approved away.
    let (text, alert) = app.press(&owner, owner.id, asked.id, &approve).await;
    assert!(alert);
    assert!(
        text.unwrap_or_default()
            .contains("The Owner changes only by /transfer"),
        "refused because Mia is the Owner now"
    );
    app.settle().await;
    let ws_row = crate::routing::workspace(&app, ws).await;
    assert_eq!(ws_row.owner_id, mia.id);
    let still = crate::routing::member(&app, ws, &mia).await;
    assert_eq!(still.role, "owner");
    assert!(audited(&app, ws, "member.removed").await.is_empty());
    assert!(audited(&app, ws, "member.leave_decided").await.is_empty());
    app.stop().await;
}

#[tokio::test]
async fn a_category_pick_counts_only_while_routing_waits_for_it() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    open_settings(&app, &owner, "Intake categories").await;
    tap(&app, &owner, "➕ Category").await;
    app.wait_private(&owner, "Send the new category").await;
    app.tg.private_text(&owner, "Billing; billing; urgent");
    app.wait_private(&owner, "Billing — skill: billing").await;

    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Question").await;
    let question = app
        .wait_bot_message(chat, Some(thread), "What is your request about?")
        .await;
    let billing = crate::team::button(&question, "Billing");
    // Five minutes pass without a pick: routing goes on without one.
    advance(&app, chrono::Duration::minutes(6)).await;
    app.wait_ticket(chat, thread, "no longer waiting for the pick", |t| {
        t.intake_until.is_none()
    })
    .await;
    let (text, alert) = app.press(&customer, chat, question.id, &billing).await;
    assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true));
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(
        (t.category_id, t.skill.as_deref(), t.priority.as_str()),
        (None, None, "normal")
    );
    app.stop().await;
}

#[tokio::test]
async fn forged_callback_data_never_overwrites_another_message() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Card").await;
    let card = app.card(chat, thread).await;
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    let edits_before = app.tg.request_count("editMessageText");

    // Menu and rating data pressed on the card: none of it is the card's button.
    for data in [
        CallbackData::Workspace(WorkspaceButton::SettingsHome),
        CallbackData::Team(TeamButton::MembersList),
        CallbackData::Routing(RoutingButton::Queue),
        CallbackData::Ticket(TicketButton::Csat {
            ticket: topicdesk::domain::ids::TicketId(t.id),
            score: 1,
        }),
        CallbackData::Routing(RoutingButton::PickCategory {
            ticket: topicdesk::domain::ids::TicketId(t.id),
            category: 1,
        }),
    ] {
        for presser in [&owner, &customer] {
            let (text, alert) = app.press(presser, chat, card.id, &forged(data)).await;
            assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true), "{data:?}");
        }
    }
    app.settle().await;
    assert_eq!(app.tg.request_count("editMessageText"), edits_before);
    let now = app.tg.message(chat, card.id).expect("card");
    assert_eq!(now.text, card.text);
    assert_eq!(app.ticket(chat, thread).await.csat_score, None);
    app.stop().await;
}

// ----- 8. privacy in the customer's topic and at rest --------------------------------------------

#[tokio::test]
async fn the_topic_shows_the_customer_nothing_meant_for_staff() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Secret sauce").await;
    let commands = [
        "/tag +vip +angry-customer",
        "/tag customer +churn-risk",
        "/escalate rude customer",
        "/remind 2h check the refund",
        "/assign @olga handle carefully, he is a lawyer",
        "/info",
    ];
    for command in commands {
        app.tg.group_text(chat, Some(thread), &owner, command);
    }
    app.settle().await;
    // The owner got the answers privately…
    for needle in [
        "Tags of ticket #1",
        "Customer tags of ticket #1",
        "escalated to level 1",
        "I will remind you",
        "handle carefully",
        "Status:",
    ] {
        assert!(
            app.tg
                .bot_messages_in(owner.id, None)
                .iter()
                .any(|m| m.text.contains(needle)),
            "{needle:?} privately"
        );
    }
    // …and nothing the bot ever posted into the group carries any of it.
    let leaks = [
        "vip",
        "angry",
        "churn",
        "rude",
        "refund",
        "lawyer",
        "Escalation",
        "remind",
        "Tags",
    ];
    for m in app.tg.all_messages(chat).iter().filter(|m| m.is_from_bot()) {
        for needle in leaks {
            assert!(
                !m.text.to_lowercase().contains(&needle.to_lowercase())
                    && m.edits.iter().all(|e| !e.contains(needle)),
                "{needle:?} in the group: {}",
                m.text
            );
        }
    }
    card_is_customer_safe(&app.card(chat, thread).await);
    app.stop().await;
}

#[tokio::test]
async fn with_bodies_off_no_body_is_kept_even_in_the_inbox() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    let settings = private(&app, &owner, "/settings", "Settings of").await;
    let toggle = crate::team::button(&settings, "Store message bodies");
    app.press(&owner, owner.id, settings.id, &toggle).await;
    let ws = app.workspace_of(&owner).await;
    eventually(WAIT, "bodies off", async || {
        (!crate::routing::workspace(&app, ws)
            .await
            .store_message_bodies)
            .then_some(())
    })
    .await;

    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Private").await;
    app.tg.group_text(
        chat,
        Some(thread),
        &customer,
        "my card number is 4111 1111 1111 1111",
    );
    app.settle().await;
    let t = app.ticket(chat, thread).await;
    assert!(app.messages(t.id).await.iter().all(|m| m.body.is_none()));
    // The raw updates the inbox kept for crash safety no longer hold any text.
    let inbox = entity::inbox::Entity::find()
        .all(&app.db)
        .await
        .expect("inbox");
    assert!(!inbox.is_empty());
    for row in inbox {
        assert!(!row.payload.contains("4111"), "{}", row.payload);
    }
    // Neither does any other table.
    let dump = match app.db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => "SELECT group_concat(body) FROM ticket_messages",
        _ => "SELECT string_agg(body, ',') FROM ticket_messages",
    };
    let row = app
        .db
        .query_one_raw(sea_orm::Statement::from_string(
            app.db.get_database_backend(),
            dump,
        ))
        .await
        .expect("query");
    let bodies: Option<String> = row.and_then(|r| r.try_get_by_index(0).ok());
    assert!(bodies.unwrap_or_default().is_empty());
    app.stop().await;
}
