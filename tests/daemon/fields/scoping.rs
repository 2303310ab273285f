//! Fields, values and tags are workspace-scoped: another workspace's ids find nothing and
//! change nothing, read through the store directly and pressed through the bot.

use sea_orm::Condition;
use topicdesk::domain::fields::{FieldDef, FieldKind};
use topicdesk::domain::tags::{handle, TagFilter};
use topicdesk::store;

use super::*;

#[tokio::test]
async fn another_workspaces_ids_find_nothing() {
    let app = spawn_app().await;
    let (olga, chat_a) = desk(&app, "Olga", "Acme").await;
    let (bob, chat_b) = desk(&app, "Bob", "Bolt").await;
    let (a, b) = (app.workspace_of(&olga).await, app.workspace_of(&bob).await);
    add_field(&app, &olga, "plan | Plan | single | free, pro | required").await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let thread_a = app.open_ticket(chat_a, &carl, "Acme ticket").await;
    set(&app, &olga, chat_a, thread_a, "plan pro").await;
    app.tg
        .group_text(chat_a, Some(thread_a), &olga, "/tag +vip");
    app.tg
        .group_text(chat_a, Some(thread_a), &olga, "/tag customer +vip");
    app.settle().await;
    let ticket_a = app.ticket(chat_a, thread_a).await;
    let plan = field(&app, a, "plan").await;
    // B has a field of the same key: its own.
    add_field(&app, &bob, "plan | Plan | single | basic, pro").await;
    let plan_b = field(&app, b, "plan").await;
    assert_ne!(plan_b.id, plan.id);
    let db = &app.db;

    // The store, asked with workspace B and A's ids.
    assert_eq!(store::fields::get(db, b, plan.id).await.expect("get"), None);
    let by_key = store::fields::by_key(db, b, "plan").await.expect("key");
    assert_eq!(by_key.map(|f| f.id), Some(plan_b.id));
    let all: Vec<i64> = store::fields::all(db, b)
        .await
        .expect("all")
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(all, [plan_b.id]);
    let read = store::fields::value(db, b, ticket_a.id, plan.id).await;
    assert_eq!(read.expect("value"), None);
    let lines = store::fields::lines(db, b, ticket_a.id)
        .await
        .expect("lines");
    let lines: Vec<_> = lines.iter().map(|l| (l.id, l.value.clone())).collect();
    assert_eq!(lines, [(plan_b.id, None)]);
    let values = store::fields::values_for_ticket(db, b, ticket_a.id).await;
    assert_eq!(
        values.expect("values"),
        [("plan".to_owned(), String::new())]
    );
    // A sees its own value: the reads work.
    let values = store::fields::values_for_ticket(db, a, ticket_a.id).await;
    assert_eq!(
        values.expect("values"),
        [("plan".to_owned(), "pro".to_owned())]
    );
    assert_eq!(
        store::fields::value_count(db, b, plan.id).await.expect("n"),
        0
    );
    let other = FieldDef {
        key: "plan".into(),
        label: "Hijacked".into(),
        kind: FieldKind::SingleChoice,
        choices: vec!["x".into()],
        required: false,
    };
    let now = chrono::Utc::now();
    let updated = store::fields::update(db, b, plan.id, &other, now).await;
    assert!(!updated.expect("update"));
    assert_eq!(
        store::fields::delete(db, b, plan.id).await.expect("delete"),
        None
    );
    assert!(store::tags::counts(db, b).await.expect("counts").is_empty());
    assert!(!store::tags::exists(db, b, "vip").await.expect("exists"));
    assert_eq!(
        store::tags::rename(db, b, "vip", "stolen")
            .await
            .expect("rename"),
        (0, 0)
    );
    let gone = store::tags::delete_everywhere(db, b, "vip").await;
    assert_eq!(gone.expect("delete"), 0);
    for filter in [
        TagFilter::Ticket("vip".into()),
        TagFilter::Customer("vip".into()),
    ] {
        let only = store::tags::ticket_filter(b, std::slice::from_ref(&filter));
        let found = store::routing::unassigned_where(db, b, only).await;
        assert!(found.expect("queue").is_empty());
        // The same filter in A finds A's ticket: the query itself works.
        let only = store::tags::ticket_filter(a, &[filter]);
        let found = store::routing::unassigned_where(db, a, only).await;
        let ids: Vec<i64> = found.expect("queue").iter().map(|t| t.id).collect();
        assert_eq!(ids, [ticket_a.id]);
    }
    let none = store::routing::unassigned_where(db, b, Condition::all()).await;
    assert!(none.expect("queue").is_empty());

    // Bob, Admin of B, forging A's ids on buttons: nothing is shown or changed.
    for data in [
        format!("1|fm|{}", plan.id),
        format!("1|fx|{}", plan.id),
        format!("1|ym|{}", handle("vip")),
        format!("1|yx|{}", handle("vip")),
    ] {
        let (answer, alert) = press_forged(&app, &bob, &data).await;
        assert!(alert, "{data}: {answer:?}");
        assert_eq!(
            answer.as_deref(),
            Some("This button is no longer valid. Please use the latest message."),
            "{data}"
        );
    }
    let pick = format!("1|fp|{}|{}|0|0|1", ticket_a.id, plan.id);
    let (answer, alert) = press_forged(&app, &bob, &pick).await;
    assert!(alert);
    assert_eq!(answer.as_deref(), Some("Only agents can do this."));
    // Nor does a prompt open on A's field or tag.
    let before = app.tg.bot_messages_in(bob.id, None).len();
    press_forged(&app, &bob, &format!("1|fl|{}", plan.id)).await;
    press_forged(&app, &bob, &format!("1|yr|{}", handle("vip"))).await;
    app.tg.private_text(&bob, "Hijacked");
    private_after(&app, &bob, before, "turns every topic").await;

    // B's /set and Tags screen see none of A's.
    let dana = app.tg.add_user("Dana", Some("dana"));
    let thread_b = app.open_ticket(chat_b, &dana, "Bolt ticket").await;
    let answer = set(&app, &bob, chat_b, thread_b, "plan basic").await;
    assert_eq!(answer.text, "Ticket #1 · Plan: basic");
    let ticket_b = app.ticket(chat_b, thread_b).await;
    let pick = format!("1|fp|{}|{}|0|0|1", ticket_b.id, plan.id);
    let (answer, alert) = press_forged(&app, &bob, &pick).await;
    assert!(alert, "{answer:?}");
    assert_eq!(value(&app, ticket_b.id, plan.id).await, None);
    open_settings(&app, &bob, "Tags").await;
    app.wait_private(&bob, "No tags yet.").await;

    // A's data is as it was.
    let plan_now = field(&app, a, "plan").await;
    assert_eq!(plan_now, plan);
    assert_eq!(
        value(&app, ticket_a.id, plan.id).await.as_deref(),
        Some("pro")
    );
    assert_eq!(tags_of(&app, "ticket", ticket_a.id).await, ["vip"]);
    assert_eq!(tags_of(&app, "customer", carl.id).await, ["vip"]);
    app.stop().await;
}
