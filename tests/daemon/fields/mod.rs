//! Custom fields and the Tags screen (SPEC §7) through the fake Telegram: `/set` validating
//! each type and answering privately, `/info`'s choice and checkbox buttons, the Custom fields
//! and Tags settings, the tag filters of `/queue` and `/mytickets`, and another workspace's ids
//! finding nothing.
//!
//! This file holds the helpers; the scenarios are in `values`, `settings`, `tags` and `scoping`.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;
use crate::routing::{open_settings, tap};

mod scoping;
mod settings;
mod tags;
mod values;

/// A workspace of `owner_name` with a connected forum.
pub(crate) async fn desk(app: &TestApp, owner_name: &str, workspace: &str) -> (FakeUser, i64) {
    let owner = app.owner(owner_name, workspace).await;
    let chat = app
        .connected_forum(&owner, &format!("{workspace} Support"))
        .await;
    (owner, chat)
}

/// The first private message to `user` after the first `before`, containing `needle`.
pub(crate) async fn private_after(
    app: &TestApp,
    user: &FakeUser,
    before: usize,
    needle: &str,
) -> FakeMessage {
    app.tg
        .wait_for(WAIT, &format!("a private message with {needle:?}"), |tg| {
            tg.bot_messages_in(user.id, None)
                .into_iter()
                .skip(before)
                .find(|m| m.text.contains(needle))
        })
        .await
}

/// `/settings` → Custom fields → ➕ Field → `line`; waits until the field is listed.
pub(crate) async fn add_field(app: &TestApp, admin: &FakeUser, line: &str) {
    open_settings(app, admin, "Custom fields").await;
    tap(app, admin, "➕ Field").await;
    app.wait_private(admin, "Send the new field").await;
    let key = line.split('|').next().unwrap_or_default().trim().to_owned();
    let before = app.tg.bot_messages_in(admin.id, None).len();
    app.tg.private_text(admin, line);
    private_after(app, admin, before, &key).await;
    app.settle().await;
}

/// `/set <args>` typed by `agent` in the topic; returns the private answer (the first new
/// private message).
pub(crate) async fn set(
    app: &TestApp,
    agent: &FakeUser,
    chat: i64,
    thread: i32,
    args: &str,
) -> FakeMessage {
    app.settle().await;
    let before = app.tg.bot_messages_in(agent.id, None).len();
    app.tg
        .group_text(chat, Some(thread), agent, &format!("/set {args}"));
    app.tg
        .wait_for(WAIT, &format!("the answer to /set {args}"), |tg| {
            tg.bot_messages_in(agent.id, None).into_iter().nth(before)
        })
        .await
}

/// `/info` in the topic; returns the private answer.
pub(crate) async fn info(app: &TestApp, agent: &FakeUser, chat: i64, thread: i32) -> FakeMessage {
    app.settle().await;
    let before = app.tg.bot_messages_in(agent.id, None).len();
    app.tg.group_text(chat, Some(thread), agent, "/info");
    private_after(app, agent, before, "Status:").await
}

/// Presses the button labelled exactly `label` on message `msg` of `user`'s private chat.
pub(crate) async fn press_label(
    app: &TestApp,
    user: &FakeUser,
    msg: &FakeMessage,
    label: &str,
) -> (Option<String>, bool) {
    let now = app
        .tg
        .message(user.id, msg.id)
        .expect("the message is there");
    let data = now
        .buttons()
        .into_iter()
        .find(|(l, _)| l == label)
        .map(|(_, d)| d)
        .unwrap_or_else(|| panic!("no {label:?} button: {:?}", now.buttons()));
    let answer = app.press(user, user.id, msg.id, &data).await;
    app.settle().await;
    answer
}

/// Presses forged callback data on a message Telegram no longer shows the bot (it cannot be
/// checked against the message's buttons, so only the use case's own checks stand in the way).
pub(crate) async fn press_forged(
    app: &TestApp,
    user: &FakeUser,
    data: &str,
) -> (Option<String>, bool) {
    let answer = app.press(user, user.id, 999_999, data).await;
    app.settle().await;
    answer
}

/// The field called `key` in `workspace`.
pub(crate) async fn field(
    app: &TestApp,
    workspace: i64,
    key: &str,
) -> entity::custom_fields::Model {
    entity::custom_fields::Entity::find()
        .filter(entity::custom_fields::Column::WorkspaceId.eq(workspace))
        .filter(entity::custom_fields::Column::Key.eq(key))
        .one(&app.db)
        .await
        .expect("query")
        .unwrap_or_else(|| panic!("no field {key}"))
}

/// A ticket's stored value of the field called `key`.
pub(crate) async fn value(app: &TestApp, ticket: i64, field_id: i64) -> Option<String> {
    entity::custom_field_values::Entity::find()
        .filter(entity::custom_field_values::Column::TicketId.eq(ticket))
        .filter(entity::custom_field_values::Column::FieldId.eq(field_id))
        .one(&app.db)
        .await
        .expect("query")
        .map(|v| v.value)
}

/// The workspace's audit rows with `action`, oldest first.
pub(crate) async fn audit_of(
    app: &TestApp,
    workspace: i64,
    action: &str,
) -> Vec<entity::audit_log::Model> {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::WorkspaceId.eq(workspace))
        .filter(entity::audit_log::Column::Action.eq(action))
        .order_by_asc(entity::audit_log::Column::Id)
        .all(&app.db)
        .await
        .expect("query audit")
}

/// The tags a ticket (or customer) carries, by name.
pub(crate) async fn tags_of(app: &TestApp, kind: &str, subject: i64) -> Vec<String> {
    entity::tags::Entity::find()
        .filter(entity::tags::Column::SubjectKind.eq(kind))
        .filter(entity::tags::Column::SubjectId.eq(subject))
        .order_by_asc(entity::tags::Column::Tag)
        .all(&app.db)
        .await
        .expect("query tags")
        .into_iter()
        .map(|t| t.tag)
        .collect()
}

/// No bot message in the topic but the card says anything of `words`.
pub(crate) fn topic_is_free_of(app: &TestApp, chat: i64, thread: i32, words: &[&str]) {
    for m in app.tg.bot_messages_in(chat, Some(thread)) {
        for w in words {
            assert!(!m.text.contains(w), "{w:?} in the topic: {}", m.text);
        }
    }
}
