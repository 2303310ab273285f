//! `/settings` → Knowledge base: articles added, refused, edited and deleted, each change
//! audited old → new; Members may not touch it; a redelivered `/kb` answers once.

use super::{add_article, articles, kb_answer};
use crate::helpers::*;
use crate::routing::{open_settings, tap};
use crate::sla::desk;
use crate::team::{audited, forged, join, screen, EXPIRED};
use topicdesk::telegram::callback::{CallbackData, KbButton};

#[tokio::test]
async fn articles_are_added_refused_edited_and_deleted_in_settings_and_audited() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;

    // A refused article says why and keeps the prompt open: the next message is another try.
    open_settings(&app, &owner, "Knowledge base").await;
    app.wait_private(&owner, "No articles yet").await;
    tap(&app, &owner, "➕ Article").await;
    app.wait_private(&owner, "Send the article").await;
    app.tg.private_text(&owner, "Only a title");
    app.wait_private(&owner, "needs a body").await;
    app.tg
        .private_text(&owner, "Title\nbody\nurl: javascript:alert(1)");
    app.wait_private(&owner, "not an http:// or https:// link")
        .await;
    app.tg.private_text(
        &owner,
        "Reset your password\nOpen Settings.\ntags: Login, account\nurl: https://help.example.com/r",
    );
    let shown = app.wait_private(&owner, "📄 Reset your password").await;
    assert!(
        shown.text.contains("Tags: login, account"),
        "{}",
        shown.text
    );
    let all = articles(&app, ws).await;
    assert_eq!(all.len(), 1);
    let id = all[0].id;
    assert_eq!(all[0].tags, "login,account");
    assert_eq!(all[0].url.as_deref(), Some("https://help.example.com/r"));
    let added = audited(&app, ws, "kb.article_added").await;
    assert_eq!(added.len(), 1);
    assert_eq!(added[0].actor_id, Some(owner.id));
    assert!(added[0].old_value.is_none());
    assert!(added[0]
        .new_value
        .as_deref()
        .is_some_and(|v| v.starts_with("Reset your password\nOpen Settings.")));

    // Edit: the prompt shows the article as typed; the new version replaces it.
    tap(&app, &owner, "✏ Edit").await;
    let prompt = app.wait_private(&owner, "new version").await;
    assert!(
        prompt.text.contains("url: https://help.example.com/r"),
        "{}",
        prompt.text
    );
    app.tg
        .private_text(&owner, "Reset a password\nOpen Settings, then Security.");
    app.wait_private(&owner, "📄 Reset a password").await;
    let all = articles(&app, ws).await;
    assert_eq!((all[0].id, all[0].title.as_str()), (id, "Reset a password"));
    assert_eq!(all[0].url, None);
    let edited = audited(&app, ws, "kb.article_edited").await;
    assert_eq!(edited.len(), 1);
    assert!(edited[0]
        .old_value
        .as_deref()
        .is_some_and(|v| v.starts_with("Reset your password")));
    assert_eq!(
        edited[0].new_value.as_deref(),
        Some("Reset a password\nOpen Settings, then Security.")
    );

    // The list pages through the articles.
    for i in 0..9 {
        add_article(&app, &owner, &format!("Article {i:02}\nBody {i}.")).await;
    }
    open_settings(&app, &owner, "Knowledge base").await;
    let list = app
        .wait_private(&owner, "10 article(s) · page 1 of 2")
        .await;
    assert!(list.buttons().iter().any(|(l, _)| l == "Next ▶"));
    let (_, alert) = app
        .press(
            &owner,
            owner.id,
            list.id,
            &crate::team::button(&list, "Next ▶"),
        )
        .await;
    assert!(!alert);
    let page2 = screen(&app, owner.id, list.id, "page 2 of 2").await;
    assert!(page2
        .buttons()
        .iter()
        .any(|(l, _)| l == "📄 Reset a password"));

    // Delete.
    let (_, alert) = app
        .press(
            &owner,
            owner.id,
            list.id,
            &crate::team::button(&page2, "Reset a password"),
        )
        .await;
    assert!(!alert);
    let article = screen(&app, owner.id, list.id, "Open Settings, then Security.").await;
    app.press(
        &owner,
        owner.id,
        list.id,
        &crate::team::button(&article, "🗑 Delete"),
    )
    .await;
    screen(&app, owner.id, list.id, "9 article(s)").await;
    assert!(articles(&app, ws).await.iter().all(|a| a.id != id));
    let deleted = audited(&app, ws, "kb.article_deleted").await;
    assert_eq!(deleted.len(), 1);
    assert!(deleted[0].new_value.is_none());
    assert!(deleted[0]
        .old_value
        .as_deref()
        .is_some_and(|v| v.starts_with("Reset a password")));
    // Its button, pressed again, has expired.
    let (answer, alert) = app
        .press(
            &owner,
            owner.id,
            crate::team::NO_SUCH_MESSAGE,
            &forged(CallbackData::Kb(KbButton::KbArticle { id })),
        )
        .await;
    assert!(alert);
    assert_eq!(answer.as_deref(), Some(EXPIRED));
    app.stop().await;
}

#[tokio::test]
async fn members_search_but_only_admins_write_and_a_redelivered_kb_answers_once() {
    let app = spawn_app().await;
    let (owner, chat, _) = desk(&app).await;
    let ws = app.workspace_of(&owner).await;
    add_article(&app, &owner, "Reset your password\nOpen Settings.").await;
    app.grant_seats(ws, 1, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;

    // A Member's forged settings buttons change nothing.
    let before = articles(&app, ws).await;
    for b in [
        KbButton::KbAdd,
        KbButton::KbDelete { id: before[0].id },
        KbButton::KbExternalToken,
    ] {
        let (_, alert) = app
            .press(
                &mia,
                mia.id,
                crate::team::NO_SUCH_MESSAGE,
                &forged(CallbackData::Kb(b)),
            )
            .await;
        assert!(alert, "{b:?}");
    }
    app.settle().await;
    assert_eq!(articles(&app, ws).await, before);
    assert!(app
        .tg
        .bot_messages_in(mia.id, None)
        .iter()
        .all(|m| !m.text.contains("Send the")));

    // …but she searches, once however often Telegram delivers her command.
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Help").await;
    let count = |app: &TestApp| {
        app.tg
            .bot_messages_in(mia.id, None)
            .iter()
            .filter(|m| m.text.contains("Articles for"))
            .count()
    };
    app.tg.group_text(chat, Some(thread), &mia, "/kb password");
    let update = app.tg.last_update_id().expect("an update");
    kb_answer(&app, &mia, 0).await;
    app.settle().await;
    app.tg.redeliver(update);
    app.tg
        .wait_until(WAIT, "the redelivery to be acknowledged", |tg| {
            tg.times_delivered(update) >= 2 && tg.is_acked(update)
        })
        .await;
    app.settle().await;
    assert_eq!(count(&app), 1);
    app.stop().await;
}
