//! Canned responses (SPEC §8) through the fake Telegram: templates created, edited, restored
//! and deleted on their screens (every change a version, every change audited), `/t` posting
//! a rendered template as the agent's reply, what posts nothing, who may write shared
//! templates, and another workspace's ids or forged buttons giving nothing.
//!
//! This file holds the helpers; the scenarios are in `versions`, `send` and `rights`.

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;
use crate::team::{ask, button};

mod rights;
mod send;
mod versions;

/// `/templates` → ➕ Shared/Personal template → `text` typed; returns the bot's answer (the new
/// template's screen, or why it was refused).
pub(crate) async fn add(app: &TestApp, user: &FakeUser, shared: bool, text: &str) -> FakeMessage {
    let list = ask(app, user, "/templates").await;
    let label = if shared {
        "➕ Shared template"
    } else {
        "➕ Personal template"
    };
    let (_, alert) = app
        .press(user, user.id, list.id, &button(&list, label))
        .await;
    assert!(!alert, "{label} was refused");
    app.wait_private(user, "Send the new").await;
    ask(app, user, text).await
}

/// The workspace's templates, oldest first.
pub(crate) async fn templates_of(app: &TestApp, ws: i64) -> Vec<entity::templates::Model> {
    entity::templates::Entity::find()
        .filter(entity::templates::Column::WorkspaceId.eq(ws))
        .order_by_asc(entity::templates::Column::Id)
        .all(&app.db)
        .await
        .expect("query templates")
}

/// A template's versions, oldest first.
pub(crate) async fn versions_of(
    app: &TestApp,
    template: i64,
) -> Vec<entity::template_versions::Model> {
    entity::template_versions::Entity::find()
        .filter(entity::template_versions::Column::TemplateId.eq(template))
        .order_by_asc(entity::template_versions::Column::Version)
        .all(&app.db)
        .await
        .expect("query versions")
}

/// The bot's own text messages in a topic (no service messages).
pub(crate) fn topic_posts(app: &TestApp, chat: i64, thread: i32) -> Vec<FakeMessage> {
    app.tg
        .bot_messages_in(chat, Some(thread))
        .into_iter()
        .filter(|m| !m.is_service())
        .collect()
}
