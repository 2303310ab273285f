//! Another workspace's articles are out of reach: its ids read, change and post nothing, from
//! any button, and its articles never come up in a search.

use topicdesk::domain::ids::TicketId;
use topicdesk::telegram::callback::{CallbackData, KbButton};

use super::{add_article, articles, kb_answer, links};
use crate::helpers::*;
use crate::sla::desk;
use crate::team::{forged, EXPIRED, NO_SUCH_MESSAGE};

#[tokio::test]
async fn another_workspaces_ids_read_change_and_post_nothing() {
    let app = spawn_app().await;
    let (olga, acme, _) = desk(&app).await;
    let secret = add_article(
        &app,
        &olga,
        "Acme internal refund policy\nRefund anything up to 50 EUR without asking.",
    )
    .await;
    let acme_ws = app.workspace_of(&olga).await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let acme_thread = app.open_ticket(acme, &carl, "Refund?").await;
    let acme_ticket = app.ticket(acme, acme_thread).await;

    let bob = app.owner("Bob", "Beta").await;
    let beta = app.connected_forum(&bob, "Beta Support").await;
    let dora = app.tg.add_user("Dora", Some("dora"));
    let beta_thread = app.open_ticket(beta, &dora, "Refund please").await;
    let beta_ticket = app.ticket(beta, beta_thread).await;

    let before = articles(&app, acme_ws).await;
    let press = async |data: KbButton| {
        let data = forged(CallbackData::Kb(data));
        app.press(&bob, bob.id, NO_SUCH_MESSAGE, &data).await
    };
    // Read, edit, delete Acme's article from Beta's Owner: the button has expired for him.
    for b in [
        KbButton::KbArticle { id: secret },
        KbButton::KbEdit { id: secret },
        KbButton::KbDelete { id: secret },
    ] {
        let (answer, alert) = press(b).await;
        assert!(alert, "{b:?}");
        assert_eq!(answer.as_deref(), Some(EXPIRED), "{b:?}");
    }
    app.settle().await;
    assert!(app
        .tg
        .bot_messages_in(bob.id, None)
        .iter()
        .all(|m| !m.text.contains("50 EUR") && !m.text.contains("Acme internal")));
    assert_eq!(articles(&app, acme_ws).await, before);

    // Post Acme's article into Beta's ticket, or into Acme's: nothing goes anywhere.
    let (answer, alert) = press(KbButton::KbPost {
        ticket: TicketId(beta_ticket.id),
        article: secret,
    })
    .await;
    assert!(alert);
    assert_eq!(answer.as_deref(), Some(EXPIRED));
    let (answer, alert) = press(KbButton::KbPost {
        ticket: TicketId(acme_ticket.id),
        article: secret,
    })
    .await;
    assert!(alert);
    assert_eq!(answer.as_deref(), Some("Only agents can do this."));
    app.settle().await;
    for (chat, thread) in [(beta, beta_thread), (acme, acme_thread)] {
        assert!(app
            .tg
            .bot_messages_in(chat, Some(thread))
            .iter()
            .all(|m| !m.text.contains("50 EUR")));
    }
    assert!(links(&app).await.is_empty());

    // Beta's search never finds Acme's article.
    let before = app.tg.bot_messages_in(bob.id, None).len();
    app.tg.group_text(
        beta,
        Some(beta_thread),
        &bob,
        "/kb acme internal refund policy",
    );
    let answer = kb_answer(&app, &bob, before).await;
    assert!(answer.text.contains("Nothing matches"), "{}", answer.text);
    assert!(answer.buttons().is_empty());

    // And the store itself, asked with Beta's workspace id, gives nothing.
    let beta_ws = app.workspace_of(&bob).await;
    assert!(topicdesk::store::kb::get(&app.db, beta_ws, secret)
        .await
        .expect("query")
        .is_none());
    assert!(
        topicdesk::store::kb::links(&app.db, beta_ws, acme_ticket.id)
            .await
            .expect("query")
            .is_empty()
    );
    app.stop().await;
}
