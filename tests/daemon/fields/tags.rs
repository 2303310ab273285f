//! `/settings` → Tags (counts, rename, merge, delete, each audited; renaming onto a name that
//! exists merges without duplicates) and the tag filters of `/queue` and `/mytickets`.

use super::*;
use crate::routing::private;

/// `/tag <args>` typed by `agent`; waits for the private confirmation.
async fn tag(app: &TestApp, agent: &FakeUser, chat: i64, thread: i32, args: &str) {
    app.settle().await;
    let before = app.tg.bot_messages_in(agent.id, None).len();
    app.tg
        .group_text(chat, Some(thread), agent, &format!("/tag {args}"));
    private_after(app, agent, before, "ags of ticket").await;
}

#[tokio::test]
async fn the_tags_screen_counts_renames_merges_and_deletes() {
    let app = spawn_app().await;
    let (owner, chat) = desk(&app, "Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let dana = app.tg.add_user("Dana", Some("dana"));
    let one = app.open_ticket(chat, &carl, "One").await;
    let two = app.open_ticket(chat, &dana, "Two").await;
    tag(&app, &owner, chat, one, "+vip +billing").await;
    tag(&app, &owner, chat, two, "+vip +vips").await;
    tag(&app, &owner, chat, one, "customer +vip").await;
    let (t1, t2) = (app.ticket(chat, one).await, app.ticket(chat, two).await);

    open_settings(&app, &owner, "Tags").await;
    let list = app
        .wait_private(&owner, "#vip — 2 tickets · 1 customer")
        .await;
    assert!(
        list.text.contains("#billing — 1 ticket · 0 customers"),
        "{}",
        list.text
    );
    assert!(
        list.text.contains("#vips — 1 ticket · 0 customers"),
        "{}",
        list.text
    );

    // Merging the typo into the real tag: a ticket that had both keeps one.
    tap(&app, &owner, "#vips (1)").await;
    tap(&app, &owner, "Merge into").await;
    app.wait_private(&owner, "Send the tag to merge").await;
    app.tg.private_text(&owner, "nope");
    app.wait_private(&owner, "No ticket or customer is tagged #nope")
        .await;
    app.tg.private_text(&owner, "#VIP");
    app.settle().await;
    assert_eq!(tags_of(&app, "ticket", t2.id).await, ["vip"]);

    // Renaming, then renaming onto a tag that exists (a merge).
    open_settings(&app, &owner, "Tags").await;
    tap(&app, &owner, "#billing (1)").await;
    tap(&app, &owner, "✏ Rename").await;
    app.wait_private(&owner, "Send the new name of").await;
    app.tg.private_text(&owner, "not a tag");
    app.wait_private(&owner, "is not a tag").await;
    app.tg.private_text(&owner, "Invoices");
    app.wait_private(&owner, "#invoices\n1 ticket").await;
    assert_eq!(tags_of(&app, "ticket", t1.id).await, ["invoices", "vip"]);
    tap(&app, &owner, "✏ Rename").await;
    app.wait_private(&owner, "Send the new name of #invoices")
        .await;
    let before = app.tg.bot_messages_in(owner.id, None).len();
    app.tg.private_text(&owner, "vip");
    private_after(&app, &owner, before, "#vip\n2 tickets · 1 customer").await;
    assert_eq!(tags_of(&app, "ticket", t1.id).await, ["vip"]);

    // Deleting takes the tag off every ticket and customer, after a confirmation.
    tap(&app, &owner, "🗑 Delete").await;
    app.wait_private(&owner, "Take #vip off every ticket and customer?")
        .await;
    tap(&app, &owner, "Yes, delete #vip").await;
    app.wait_private(&owner, "No tags yet.").await;
    assert!(tags_of(&app, "ticket", t1.id).await.is_empty());
    assert!(tags_of(&app, "ticket", t2.id).await.is_empty());
    assert!(tags_of(&app, "customer", carl.id).await.is_empty());

    let merged = audit_of(&app, ws, "settings.tag_merged").await;
    let pairs: Vec<_> = merged
        .iter()
        .map(|r| (r.old_value.as_deref(), r.new_value.as_deref()))
        .collect();
    assert_eq!(
        pairs,
        [(Some("vips"), Some("vip")), (Some("invoices"), Some("vip"))]
    );
    assert_eq!(merged[0].note.as_deref(), Some("0 renamed, 1 merged"));
    let renamed = audit_of(&app, ws, "settings.tag_renamed").await;
    assert_eq!(renamed.len(), 1);
    assert_eq!(
        (
            renamed[0].old_value.as_deref(),
            renamed[0].new_value.as_deref()
        ),
        (Some("billing"), Some("invoices"))
    );
    let deleted = audit_of(&app, ws, "settings.tag_deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].old_value.as_deref(), Some("vip"));
    assert_eq!(
        deleted[0].note.as_deref(),
        Some("taken off 3 tickets and customers")
    );
    app.stop().await;
}

#[tokio::test]
async fn queue_and_mytickets_filter_by_tag() {
    let app = spawn_app().await;
    let (owner, chat) = desk(&app, "Olga", "Acme").await;
    let carl = app.tg.add_user("Carl", Some("carl"));
    let dana = app.tg.add_user("Dana", Some("dana"));
    let erin = app.tg.add_user("Erin", Some("erin"));
    let one = app.open_ticket(chat, &carl, "One").await;
    let two = app.open_ticket(chat, &dana, "Two").await;
    let three = app.open_ticket(chat, &erin, "Three").await;
    tag(&app, &owner, chat, one, "+vip").await;
    tag(&app, &owner, chat, three, "customer +vip").await;

    let whole = private(&app, &owner, "/queue", "Queue of Acme").await;
    for t in ["#1 One", "#2 Two", "#3 Three"] {
        assert!(whole.text.contains(t), "{t}: {}", whole.text);
    }
    let vip = private(&app, &owner, "/queue tag:VIP", "Queue of Acme").await;
    assert!(vip.text.contains("Only tickets with: #vip"), "{}", vip.text);
    assert!(
        vip.text.contains("Open tickets: 1 · unassigned: 1"),
        "{}",
        vip.text
    );
    assert!(vip.text.contains("#1 One") && !vip.text.contains("#2 Two"));
    assert!(vip.buttons().iter().any(|(l, _)| l == "📋 Whole queue"));
    assert!(vip.buttons().iter().any(|(l, _)| l == "🙋 Claim #1"));
    assert!(!vip.buttons().iter().any(|(l, _)| l == "🙋 Claim #2"));
    let customers = private(&app, &owner, "/queue customer_tag:vip", "Queue of Acme").await;
    assert!(customers.text.contains("#3 Three"), "{}", customers.text);
    assert!(!customers.text.contains("#1 One"), "{}", customers.text);
    let both = private(&app, &owner, "/queue tag:vip customer_tag:vip", "Queue of").await;
    assert!(
        both.text.contains("Open tickets: 0 · unassigned: 0"),
        "{}",
        both.text
    );
    let usage = private(&app, &owner, "/queue vip", "Use /queue").await;
    assert!(usage.text.contains("/queue tag:vip"), "{}", usage.text);
    // Without an argument, /queue is what it always was.
    let again = private(&app, &owner, "/queue", "Queue of Acme").await;
    assert_eq!(again.text, whole.text);
    assert_eq!(again.buttons(), whole.buttons());

    for thread in [one, two] {
        app.tg.group_text(chat, Some(thread), &owner, "/claim");
        app.wait_ticket(chat, thread, "claimed", |t| t.assignee_id.is_some())
            .await;
    }
    let mine = private(&app, &owner, "/mytickets tag:vip", "Your tickets").await;
    assert!(
        mine.text.contains("Only tickets with: #vip"),
        "{}",
        mine.text
    );
    assert!(mine.text.contains("#1 One") && !mine.text.contains("#2 Two"));
    let all = private(&app, &owner, "/mytickets", "Your tickets").await;
    assert!(all.text.contains("#1 One") && all.text.contains("#2 Two"));
    assert!(!all.text.contains("Only tickets with"));
    private(&app, &owner, "/mytickets tag:", "Use /mytickets alone").await;
    app.stop().await;
}
