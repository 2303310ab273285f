//! Who may write which templates: a Member and the Owner's "shared templates" toggle, personal
//! templates kept to their author, and another workspace's template and ticket ids (or forged
//! buttons) giving nothing.

use topicdesk::domain::ids::TicketId;
use topicdesk::telegram::callback::{CallbackData, TemplateButton as Tp};

use super::{add, templates_of, topic_posts, versions_of};
use crate::helpers::*;
use crate::routing::{open_settings, tap};
use crate::team::{ask, button, forged, join, say, EXPIRED, NO_SUCH_MESSAGE};

const TURNED_OFF: &str = "The Owner has turned this off for Members.";
const ADMINS: &str = "Only Admins and the Owner can do this.";

#[tokio::test]
async fn a_member_writes_shared_templates_only_while_the_owner_allows_it() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    app.grant_seats(ws, 1, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;
    let greet = add(&app, &owner, true, "greet\nHello from the team").await;
    assert!(greet.text.contains("Version 1"), "{}", greet.text);
    let greet = templates_of(&app, ws).await.remove(0);

    // With the toggle on (the default) a Member writes shared templates, and changes their own…
    let mine = add(&app, &mia, true, "mia-shared\nHi, Mia here").await;
    assert!(
        mine.buttons().iter().any(|(l, _)| l.contains("Edit body")),
        "{:?}",
        mine.buttons()
    );
    // …but not the Admins' (the screen offers nothing, a forged button is refused).
    let list = ask(&app, &mia, "/templates").await;
    app.press(&mia, mia.id, list.id, &button(&list, "greet"))
        .await;
    let theirs = crate::team::screen(&app, mia.id, list.id, "Hello from the team").await;
    assert!(
        theirs.buttons().iter().all(|(l, _)| !l.contains("Edit")),
        "{:?}",
        theirs.buttons()
    );
    let edit = forged(CallbackData::Templates(Tp::EditBody { id: greet.id }));
    let (text, alert) = app.press(&mia, mia.id, NO_SUCH_MESSAGE, &edit).await;
    assert_eq!((text.as_deref(), alert), (Some(ADMINS), true));

    // Mia keeps a list open with its ➕ Shared template button; the Owner turns the toggle off.
    let stale = ask(&app, &mia, "/templates").await;
    button(&stale, "➕ Shared template");
    open_settings(&app, &owner, "Permissions").await;
    tap(&app, &owner, "Turn off: Shared templates").await;

    let (text, alert) = app
        .press(
            &mia,
            mia.id,
            stale.id,
            &button(&stale, "➕ Shared template"),
        )
        .await;
    assert_eq!((text.as_deref(), alert), (Some(TURNED_OFF), true));
    let now = ask(&app, &mia, "/templates").await;
    assert!(
        now.buttons()
            .iter()
            .all(|(l, _)| !l.contains("Shared template") && !l.contains("greet")),
        "{:?}",
        now.buttons()
    );
    // Her own shared template is out of her hands too now.
    let mine_id = templates_of(&app, ws)
        .await
        .into_iter()
        .find(|t| t.name == "mia-shared")
        .expect("Mia's template")
        .id;
    let edit = forged(CallbackData::Templates(Tp::EditBody { id: mine_id }));
    let (text, _) = app.press(&mia, mia.id, NO_SUCH_MESSAGE, &edit).await;
    assert_eq!(text.as_deref(), Some(TURNED_OFF));
    // Personal templates stay hers to write and send.
    let personal = add(&app, &mia, false, "mine\nMia will take care of it.").await;
    assert!(personal.text.contains("Personal"), "{}", personal.text);

    // In a ticket: the shared template is refused to her privately, her own is posted.
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Help").await;
    app.settle().await;
    let posts = topic_posts(&app, chat, thread).len();
    app.tg.group_text(chat, Some(thread), &mia, "/t greet");
    app.wait_private(&mia, TURNED_OFF).await;
    app.tg.group_text(chat, Some(thread), &mia, "/t mine");
    app.wait_bot_message(chat, Some(thread), "Mia will take care of it.")
        .await;
    app.settle().await;
    let now = topic_posts(&app, chat, thread);
    assert_eq!(now.len(), posts + 1, "{now:?}");
    assert!(now.iter().all(|m| !m.text.contains("Hello from the team")));

    // She created one shared template while it was allowed, and none after.
    let shared_by_mia = templates_of(&app, ws)
        .await
        .into_iter()
        .filter(|t| t.shared && t.author_id == mia.id)
        .count();
    assert_eq!(shared_by_mia, 1);
    app.stop().await;
}

#[tokio::test]
async fn another_workspaces_templates_and_personal_ones_give_nothing() {
    let app = spawn_app().await;
    let olga = app.owner("Olga", "Acme").await;
    let acme = app.workspace_of(&olga).await;
    let acme_chat = app.connected_forum(&olga, "Acme Support").await;
    add(&app, &olga, true, "secret\nAcme's shared text").await;
    add(&app, &olga, false, "private\nOlga's own text").await;
    let acme_templates = templates_of(&app, acme).await;
    let (shared, personal) = (&acme_templates[0], &acme_templates[1]);
    let version = versions_of(&app, shared.id).await.remove(0);
    let customer = app.tg.add_user("Carl", Some("carl"));
    let acme_thread = app.open_ticket(acme_chat, &customer, "Acme ticket").await;
    let acme_ticket = app.ticket(acme_chat, acme_thread).await;

    let bob = app.owner("Bob", "Globex").await;
    let globex_chat = app.connected_forum(&bob, "Globex Support").await;
    add(&app, &bob, true, "mine\nGlobex text").await;
    let globex_template = templates_of(&app, app.workspace_of(&bob).await)
        .await
        .remove(0);
    let globex_thread = app
        .open_ticket(globex_chat, &customer, "Globex ticket")
        .await;
    let globex_ticket = app.ticket(globex_chat, globex_thread).await;
    app.settle().await;
    let acme_posts = topic_posts(&app, acme_chat, acme_thread).len();
    let globex_posts = topic_posts(&app, globex_chat, globex_thread).len();

    // Acme's template ids, pressed in Bob's chat on a message nobody can check: nothing.
    for b in [
        Tp::Show { id: shared.id },
        Tp::Versions { id: shared.id },
        Tp::EditBody { id: shared.id },
        Tp::EditLabel { id: shared.id },
        Tp::AskDelete { id: shared.id },
        Tp::Delete { id: shared.id },
        Tp::Version { id: version.id },
        Tp::Restore { id: version.id },
        Tp::Pick {
            ticket: TicketId(globex_ticket.id),
            template: shared.id,
        },
    ] {
        let (text, alert) = app
            .press(&bob, bob.id, NO_SUCH_MESSAGE, &forged(b.into()))
            .await;
        assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true), "{b:?}");
    }
    // Acme's ticket with Bob's template: Bob is no agent there.
    for b in [
        Tp::Pick {
            ticket: TicketId(acme_ticket.id),
            template: globex_template.id,
        },
        Tp::PickerPage {
            ticket: TicketId(acme_ticket.id),
            page: 0,
        },
    ] {
        let (text, alert) = app
            .press(&bob, bob.id, NO_SUCH_MESSAGE, &forged(b.into()))
            .await;
        assert_eq!(
            (text.as_deref(), alert),
            (Some("Only agents can do this."), true),
            "{b:?}"
        );
    }
    // By name in his own topic: Acme's names mean nothing in Globex.
    app.tg
        .group_text(globex_chat, Some(globex_thread), &bob, "/t secret");
    app.wait_private(&bob, "no template named “secret”").await;

    // Within Acme, a personal template is its author's alone: to the customer pressing a
    // forged picker button it is no agent's business either.
    let pick_personal = forged(
        Tp::Pick {
            ticket: TicketId(acme_ticket.id),
            template: personal.id,
        }
        .into(),
    );
    let (text, _) = app
        .press(&customer, customer.id, NO_SUCH_MESSAGE, &pick_personal)
        .await;
    assert_eq!(text.as_deref(), Some("Only agents can do this."));
    // Nor does Bob's list show Acme's.
    let list = ask(&app, &bob, "/templates").await;
    assert!(!list.text.contains("secret") && !list.text.contains("private"));
    let answer = say(&app, globex_chat, Some(globex_thread), &customer, "/t mine").await;
    assert_eq!(answer.text, "Only agents can do this.");

    app.settle().await;
    assert_eq!(topic_posts(&app, acme_chat, acme_thread).len(), acme_posts);
    assert_eq!(
        topic_posts(&app, globex_chat, globex_thread).len(),
        globex_posts + 1
    );
    let acme_now = templates_of(&app, acme).await;
    assert_eq!(acme_now.len(), 2);
    assert!(acme_now.iter().all(|t| t.version == 1));
    assert_eq!(
        app.ticket(acme_chat, acme_thread).await.first_response_at,
        None
    );
    app.stop().await;
}

#[tokio::test]
async fn a_personal_template_is_hidden_from_the_rest_of_the_team() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let chat = app.connected_forum(&owner, "Acme Support").await;
    app.grant_seats(ws, 1, 0).await;
    let mia = join(&app, &owner, "Mia", false).await;
    add(&app, &mia, false, "mine\nMia's words").await;
    let mine = templates_of(&app, ws).await.remove(0);
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Help").await;
    let ticket = app.ticket(chat, thread).await;
    app.settle().await;
    let posts = topic_posts(&app, chat, thread).len();

    // The Owner neither sees, sends nor changes it.
    let list = ask(&app, &owner, "/templates").await;
    assert!(!list.text.contains("mine"), "{}", list.text);
    for b in [
        Tp::Show { id: mine.id },
        Tp::Delete { id: mine.id },
        Tp::Pick {
            ticket: TicketId(ticket.id),
            template: mine.id,
        },
    ] {
        let (text, alert) = app
            .press(&owner, owner.id, NO_SUCH_MESSAGE, &forged(b.into()))
            .await;
        assert_eq!((text.as_deref(), alert), (Some(EXPIRED), true), "{b:?}");
    }
    app.tg.group_text(chat, Some(thread), &owner, "/t mine");
    app.wait_private(&owner, "no template named “mine”").await;
    app.settle().await;
    assert_eq!(topic_posts(&app, chat, thread).len(), posts);
    assert_eq!(templates_of(&app, ws).await.len(), 1);
    app.stop().await;
}
