//! Internal comments (SPEC §7): `/note` in a topic (deleted there first), `/comment` in private,
//! replies to the bot's comment messages as child comments, `/notes`, `/ticket` and the
//! `ticket_<id>` deep link; and the promise that a comment's text never reaches the support
//! group, whatever happens.

use crate::fake_tg::FakeMessage;
use crate::helpers::*;
use crate::routing::private;
use crate::sla::{desk, staff_posts};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

async fn comments_of(app: &TestApp, ticket: i64) -> Vec<entity::comments::Model> {
    entity::comments::Entity::find()
        .filter(entity::comments::Column::TicketId.eq(ticket))
        .order_by_asc(entity::comments::Column::Id)
        .all(&app.db)
        .await
        .expect("comments")
}

async fn wait_comments(app: &TestApp, ticket: i64, n: usize) -> Vec<entity::comments::Model> {
    eventually(WAIT, &format!("{n} comments"), async || {
        let all = comments_of(app, ticket).await;
        (all.len() >= n).then_some(all)
    })
    .await
}

/// Every Bot API call the daemon made about `chat`, as JSON text.
fn calls_to(app: &TestApp, chat: i64) -> Vec<(String, String)> {
    app.tg
        .full_request_log()
        .into_iter()
        .filter(|r| {
            let c = &r.params["chat_id"];
            c.as_i64() == Some(chat) || c.as_str() == Some(chat.to_string().as_str())
        })
        .map(|r| (r.method.clone(), r.params.to_string()))
        .collect()
}

#[tokio::test]
async fn a_note_leaves_the_topic_first_and_reaches_only_staff() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Billing issue").await;
    app.settle().await;
    let calls_before = calls_to(&app, chat).len();

    let note = app.tg.group_text(
        chat,
        Some(thread),
        &owner,
        "/note he is still on the legacy plan",
    );
    let saved = app.wait_private(&owner, "Internal comment saved").await;
    assert!(saved.text.contains("#1") && saved.text.contains("he is still on the legacy plan"));
    let line = app
        .wait_bot_message(staff, None, "he is still on the legacy plan")
        .await;
    assert!(line.text.contains("Olga") && line.text.contains("commented on #1"));
    assert!(line
        .url_buttons()
        .iter()
        .any(|(l, u)| l == "Open topic" && u.contains("t.me/c/")));
    assert!(line
        .url_buttons()
        .iter()
        .any(|(l, u)| l == "Thread" && u.contains("start=ticket_")));
    app.settle().await;

    // The command is gone from the topic, and deleting it was the first call about the group.
    assert!(app.tg.message(chat, note).expect("the note").deleted);
    let after: Vec<(String, String)> = calls_to(&app, chat)
        .into_iter()
        .skip(calls_before)
        .collect();
    assert_eq!(
        after.first().map(|(m, _)| m.as_str()),
        Some("deletemessage"),
        "{after:?}"
    );
    assert!(
        after.iter().all(|(_, p)| !p.contains("legacy plan")),
        "{after:?}"
    );

    let t = app.ticket(chat, thread).await;
    let stored = wait_comments(&app, t.id, 1).await;
    assert_eq!(stored[0].body, "he is still on the legacy plan");
    assert_eq!(stored[0].author_id, owner.id);
    assert_eq!(stored[0].parent_id, None);
    let audit = app.audit(t.id).await;
    assert!(audit.iter().any(|a| a.action == "comment.add"
        && a.new_value.as_deref() == Some("he is still on the legacy plan")));
    // Not a reply for the team: the ticket did not move, the command is not in its message log.
    assert_eq!(app.ticket(chat, thread).await.first_response_at, None);
    assert!(app.messages(t.id).await.iter().all(|m| !m
        .body
        .as_deref()
        .unwrap_or_default()
        .contains("legacy")));
    app.stop().await;
}

#[tokio::test]
async fn replies_to_comment_messages_grow_a_thread_that_notes_and_ticket_show() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Refund").await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/note check the invoice first");
    let saved = app.wait_private(&owner, "check the invoice first").await;
    let t = app.ticket(chat, thread).await;
    let root = wait_comments(&app, t.id, 1).await[0].id;

    // A reply to the private confirmation is a child comment, confirmed and posted to staff.
    app.tg
        .reply_text(owner.id, None, &owner, saved.id, "invoice 4411 is paid");
    app.wait_private(&owner, "Reply added").await;
    let line = app
        .wait_bot_message(staff, None, "invoice 4411 is paid")
        .await;
    assert!(line.text.contains("replied on #1"));
    let all = wait_comments(&app, t.id, 2).await;
    assert_eq!(all[1].parent_id, Some(root));

    // In the staff chat: a reply to a line is a child, and a reply to that reply its child.
    let first_line = staff_posts(&app, staff, "check the invoice first")
        .pop()
        .expect("the staff line");
    let lines_before = app.tg.bot_messages_in(staff, None).len();
    let mine = app.tg.reply_text(
        staff,
        None,
        &owner,
        first_line.id,
        "refund approved by finance",
    );
    let all = wait_comments(&app, t.id, 3).await;
    assert_eq!(all[2].parent_id, Some(root));
    app.tg
        .reply_text(staff, None, &owner, mine, "done, customer told");
    let all = wait_comments(&app, t.id, 4).await;
    assert_eq!(all[3].parent_id, Some(all[2].id));
    app.settle().await;
    // The staff chat already reads those replies: no line repeats them.
    assert_eq!(app.tg.bot_messages_in(staff, None).len(), lines_before);

    // /notes: thread order, replies indented under their parents.
    let notes = private(&app, &owner, "/notes 1", "Internal comments on #1").await;
    let order: Vec<usize> = [
        "check the invoice first",
        "invoice 4411 is paid",
        "refund approved by finance",
        "done, customer told",
    ]
    .iter()
    .map(|n| notes.text.find(n).expect("listed"))
    .collect();
    assert!(order.windows(2).all(|p| p[0] < p[1]), "{}", notes.text);
    assert!(notes.text.contains("•") && notes.text.contains("↳"));
    let indent = |needle: &str| {
        let line = notes
            .text
            .lines()
            .take_while(|l| !l.contains(needle))
            .last()
            .expect("author line")
            .to_owned();
        line.len() - line.trim_start().len()
    };
    assert!(indent("done, customer told") > indent("refund approved by finance"));
    assert!(indent("refund approved by finance") > indent("check the invoice first"));

    // /ticket: the details as /info shows them, then the thread; the deep link the same.
    let details = private(&app, &owner, "/ticket 1", "Status:").await;
    assert!(details.text.contains("Refund"));
    app.wait_private(&owner, "Internal comments on #1").await;
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg
        .private_text(&owner, &format!("/start ticket_{}", t.id));
    app.tg
        .wait_for(WAIT, "the deep link's thread", |tg| {
            let new: Vec<FakeMessage> = tg
                .bot_messages_in(owner.id, None)
                .into_iter()
                .skip(before)
                .collect();
            (new.iter().any(|m| m.text.contains("Status:"))
                && new.iter().any(|m| m.text.contains("done, customer told")))
            .then_some(())
        })
        .await;
    app.stop().await;
}

#[tokio::test]
async fn a_photo_captioned_note_keeps_the_file_and_leaves_the_topic() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Broken screen").await;
    let photo = app.tg.group_photo(
        chat,
        Some(thread),
        &owner,
        Some("/note the crack is on the left"),
    );
    app.wait_private(&owner, "the crack is on the left").await;
    let t = app.ticket(chat, thread).await;
    let c = wait_comments(&app, t.id, 1).await.remove(0);
    assert_eq!(c.file_kind.as_deref(), Some("photo"));
    assert_eq!(
        c.file_id.as_deref(),
        Some(format!("AgACAgFakePhotoM_g{}", owner.id).as_str())
    );
    app.settle().await;
    assert!(app.tg.message(chat, photo).expect("the photo").deleted);
    let notes = private(&app, &owner, "/notes 1", "Internal comments").await;
    assert!(notes.text.contains("photo") && notes.text.contains("the crack is on the left"));
    app.stop().await;
}

#[tokio::test]
async fn comment_from_the_private_chat_and_what_it_refuses() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Login").await;
    private(
        &app,
        &owner,
        "/comment 1 asked IT about SSO",
        "Internal comment saved",
    )
    .await;
    app.wait_bot_message(staff, None, "asked IT about SSO")
        .await;
    private(
        &app,
        &owner,
        "/comment #1 second one",
        "Internal comment saved",
    )
    .await;
    private(
        &app,
        &owner,
        "/comment 99 nothing",
        "There is no ticket #99",
    )
    .await;
    private(&app, &owner, "/comment 1", "Use /comment").await;
    private(&app, &owner, "/comment abc def", "Use /comment").await;
    private(&app, &owner, "/notes", "Use /notes").await;
    private(&app, &owner, "/ticket twelve", "Use /ticket").await;
    private(&app, &owner, "/note hi", "inside a ticket's topic").await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(wait_comments(&app, t.id, 2).await.len(), 2);

    // /comment typed in a group: removed there, explained privately, nothing stored.
    let typed = app
        .tg
        .group_text(chat, Some(thread), &owner, "/comment 1 do not show this");
    app.wait_private(&owner, "I removed your message").await;
    app.settle().await;
    assert!(app.tg.message(chat, typed).expect("typed").deleted);
    assert_eq!(comments_of(&app, t.id).await.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn strangers_customers_and_other_workspaces_get_no_comments() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Secret project").await;
    app.tg
        .group_text(chat, Some(thread), &owner, "/note budget is 40k");
    let line = app.wait_bot_message(staff, None, "budget is 40k").await;
    let t = app.ticket(chat, thread).await;
    wait_comments(&app, t.id, 1).await;

    // The customer's own /note: taken out of the topic too, refused, not stored.
    let theirs = app
        .tg
        .group_text(chat, Some(thread), &customer, "/note let me in");
    app.wait_bot_message(chat, Some(thread), "Only agents")
        .await;
    app.settle().await;
    assert!(app.tg.message(chat, theirs).expect("theirs").deleted);

    // Another workspace: its own numbers, and the first one's ids answer like missing ones.
    let other = app.owner("Otto", "Other").await;
    private(&app, &other, "/notes 1", "There is no ticket #1").await;
    private(&app, &other, "/comment 1 hello", "There is no ticket #1").await;
    let link = format!("/start ticket_{}", t.id);
    let refused = private(&app, &other, &link, "not one you can see").await;
    assert!(!refused.text.contains("Secret project"));
    let missing = private(&app, &other, "/start ticket_999999", "not one you can see").await;
    assert_eq!(missing.text, refused.text);

    // A stranger in the staff chat replying to a line: not a comment. A stranger replying in
    // their private chat to a message id of the staff chat: nothing either.
    let stranger = app.tg.add_user("Sam", Some("sam"));
    app.tg
        .reply_text(staff, None, &stranger, line.id, "I want in");
    app.settle().await;
    assert_eq!(comments_of(&app, t.id).await.len(), 1);
    app.tg.private_text(&stranger, "hello");
    app.settle().await;
    let dm = app
        .tg
        .bot_messages_in(stranger.id, None)
        .pop()
        .expect("help");
    app.tg
        .reply_text(stranger.id, None, &stranger, dm.id, "reply");
    app.settle().await;
    assert_eq!(comments_of(&app, t.id).await.len(), 1);
    for m in app.tg.bot_messages_in(stranger.id, None) {
        assert!(!m.text.contains("budget"), "{}", m.text);
    }
    app.stop().await;
}

/// Whatever happens (a note by an agent whose private chat is closed, photos, replies, refusals,
/// group commands), no call the daemon makes about the support group carries a comment's text.
#[tokio::test]
async fn a_comments_text_never_reaches_the_support_group() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Leak check").await;
    let secrets = [
        "SECRET-ALPHA",
        "SECRET-BRAVO",
        "SECRET-CHARLIE",
        "SECRET-DELTA",
        "SECRET-ECHO",
        "SECRET-FOXTROT",
    ];
    app.tg
        .group_text(chat, Some(thread), &owner, &format!("/note {}", secrets[0]));
    let saved = app.wait_private(&owner, secrets[0]).await;
    app.tg.group_photo(
        chat,
        Some(thread),
        &owner,
        Some(&format!("/note {}", secrets[1])),
    );
    app.wait_private(&owner, secrets[1]).await;
    app.tg
        .reply_text(owner.id, None, &owner, saved.id, secrets[2]);
    app.wait_private(&owner, secrets[2]).await;
    app.tg.group_text(
        chat,
        Some(thread),
        &owner,
        &format!("/comment 1 {}", secrets[3]),
    );
    app.wait_private(&owner, "I removed your message").await;
    private(
        &app,
        &owner,
        &format!("/comment 1 {}", secrets[4]),
        secrets[4],
    )
    .await;
    // The author's private chat is closed: the confirmation cannot go, the topic gets the
    // hint to start the bot, and still not the text.
    app.tg.block_bot(&owner);
    app.tg
        .group_text(chat, Some(thread), &owner, &format!("/note {}", secrets[5]));
    app.wait_bot_message(staff, None, secrets[5]).await;
    app.wait_bot_message(chat, Some(thread), "Olga").await;
    app.settle().await;
    app.tg.private_text(&owner, "/notes 1");
    app.wait_private(&owner, "Internal comments on #1").await;
    app.tg.private_text(&owner, "/ticket 1");
    app.settle().await;

    let t = app.ticket(chat, thread).await;
    assert_eq!(comments_of(&app, t.id).await.len(), 5);
    let calls = calls_to(&app, chat);
    assert!(!calls.is_empty());
    for (method, params) in &calls {
        for s in &secrets {
            assert!(
                !params.contains(s),
                "{method} to the support group carries {s}: {params}"
            );
        }
    }
    // Nor anything the support group holds now (the commands were deleted).
    for m in app.tg.all_messages(chat) {
        for s in &secrets {
            assert!(
                !m.text.contains(s),
                "the group still shows {s}: {:?}",
                m.text
            );
        }
    }
    app.stop().await;
}

/// Telegram holds the support group's messages for ten minutes: a `/note` still leaves the topic
/// at once, not behind the group's queue.
#[tokio::test]
async fn a_note_leaves_a_flood_limited_topic_at_once() {
    let app = spawn_app().await;
    let (owner, chat, staff) = desk(&app).await;
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Slow group").await;
    app.settle().await;
    app.tg.flood(chat, 600);
    // An answer into the topic meets the 429 and holds the group's queue.
    app.tg
        .group_text(chat, Some(thread), &owner, "/priority sky-high");
    app.tg
        .wait_until(WAIT, "the usage answer refused", |tg| {
            tg.request_log()
                .iter()
                .any(|r| r.method == "sendmessage" && r.faulted)
        })
        .await;
    let note = app
        .tg
        .group_text(chat, Some(thread), &owner, "/note do not refund twice");
    app.wait_bot_message(staff, None, "do not refund twice")
        .await;
    app.tg
        .wait_until(WAIT, "the note deleted", |tg| {
            tg.message(chat, note).is_some_and(|m| m.deleted)
        })
        .await;
    app.stop().await;
}
