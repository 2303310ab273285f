//! The knowledge base and secrets at rest (SPEC §9, §11) through the fake Telegram: articles
//! written in `/settings`, `/kb` in a topic (the command deleted, the matches private, the
//! picked article posted and linked), suggestions on the staff chat's new-ticket line, an
//! external search that answers, and one that is too slow; another workspace's ids; the master
//! key and its key file; and the ranking both backends must agree on.

mod ranking;
mod scope;
mod screens;
mod search;
mod secrets;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::fake_tg::{FakeMessage, FakeUser};
use crate::helpers::*;
use crate::routing::{open_settings, tap};

/// `/settings` → Knowledge base → ➕ Article → the typed article; waits for its screen and
/// returns its id.
pub(crate) async fn add_article(app: &TestApp, admin: &FakeUser, text: &str) -> i64 {
    open_settings(app, admin, "Knowledge base").await;
    tap(app, admin, "➕ Article").await;
    app.wait_private(admin, "Send the article").await;
    app.tg.private_text(admin, text);
    let title = text.lines().next().unwrap_or_default().trim();
    app.wait_private(admin, &format!("📄 {title}")).await;
    let ws = app.workspace_of(admin).await;
    articles(app, ws)
        .await
        .into_iter()
        .find(|a| a.title == title)
        .map(|a| a.id)
        .expect("the article is saved")
}

/// The workspace's articles, oldest first.
pub(crate) async fn articles(app: &TestApp, ws: i64) -> Vec<entity::kb_articles::Model> {
    entity::kb_articles::Entity::find()
        .filter(entity::kb_articles::Column::WorkspaceId.eq(ws))
        .order_by_asc(entity::kb_articles::Column::Id)
        .all(&app.db)
        .await
        .expect("query articles")
}

/// Every article posted into a ticket.
pub(crate) async fn links(app: &TestApp) -> Vec<entity::kb_links::Model> {
    entity::kb_links::Entity::find()
        .order_by_asc(entity::kb_links::Column::Id)
        .all(&app.db)
        .await
        .expect("query links")
}

/// The newest private answer to `/kb` after `before` of the agent's private messages.
pub(crate) async fn kb_answer(app: &TestApp, agent: &FakeUser, before: usize) -> FakeMessage {
    app.tg
        .wait_for(WAIT, "the /kb answer", |tg| {
            tg.bot_messages_in(agent.id, None)
                .into_iter()
                .skip(before)
                .find(|m| m.text.contains("Articles for"))
        })
        .await
}

/// The callback data of the button whose label contains `label`.
pub(crate) fn button(msg: &FakeMessage, label: &str) -> String {
    msg.buttons()
        .into_iter()
        .find(|(l, _)| l.contains(label))
        .map(|(_, d)| d)
        .unwrap_or_else(|| panic!("no {label:?} button on {:?}", msg.buttons()))
}

/// Waits until the message `id` of `chat` is deleted.
pub(crate) async fn deleted(app: &TestApp, chat: i64, id: i32) {
    app.tg
        .wait_until(WAIT, "the command to be deleted", |tg| {
            tg.message(chat, id).is_some_and(|m| m.deleted)
        })
        .await;
}
