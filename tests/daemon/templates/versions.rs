//! Template versions: every edit (body, name and category) is a new version, older ones stay
//! readable and are restored as a new version; typed refusals keep the prompt open; every
//! change is audited with actor, time and old → new.

use super::{add, templates_of, versions_of};
use crate::helpers::*;
use crate::team::{ask, audited, button, screen};

#[tokio::test]
async fn every_edit_is_a_version_older_ones_restore_and_all_is_audited() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;

    let created = add(&app, &owner, true, "Greet | General\nHello v1").await;
    assert!(
        created.text.contains("📄 greet · General") && created.text.contains("Version 1"),
        "{}",
        created.text
    );
    assert!(created.text.contains("Hello v1"));
    let t = templates_of(&app, ws).await.remove(0);
    assert_eq!((t.name.as_str(), t.shared, t.version), ("greet", true, 1));

    // A new body: refused while it is wrong (the prompt stays open), then saved as version 2.
    app.press(&owner, owner.id, created.id, &button(&created, "Edit body"))
        .await;
    app.wait_private(&owner, "Send the new body of greet").await;
    let refused = ask(&app, &owner, "Hello {{ custmer_name }}").await;
    assert!(
        refused.text.contains("there is no variable “custmer_name”"),
        "{}",
        refused.text
    );
    assert!(refused.buttons().iter().any(|(l, _)| l.contains("Cancel")));
    let v2 = ask(&app, &owner, "Hello v2, {{ customer_first_name }}").await;
    assert!(v2.text.contains("Version 2"), "{}", v2.text);
    assert_eq!(versions_of(&app, t.id).await.len(), 2);

    // The versions, newest first; the first one is still readable…
    app.press(&owner, owner.id, v2.id, &button(&v2, "Versions"))
        .await;
    let list = screen(&app, owner.id, v2.id, "Versions of").await;
    let labels: Vec<String> = list.buttons().into_iter().map(|(l, _)| l).collect();
    assert!(labels[0].starts_with("• v2 · "), "{labels:?}");
    assert!(labels[1].starts_with("v1 · "), "{labels:?}");
    app.press(&owner, owner.id, v2.id, &button(&list, "v1 · "))
        .await;
    let old = screen(&app, owner.id, v2.id, "version 1 of 2").await;
    assert!(old.text.contains("Hello v1"), "{}", old.text);

    // …and restored as version 3, equal to it.
    app.press(
        &owner,
        owner.id,
        v2.id,
        &button(&old, "Restore this version"),
    )
    .await;
    let restored = screen(&app, owner.id, v2.id, "Version 3").await;
    assert!(restored.text.contains("Hello v1"), "{}", restored.text);
    let bodies: Vec<String> = versions_of(&app, t.id)
        .await
        .into_iter()
        .map(|v| v.body)
        .collect();
    assert_eq!(
        bodies,
        [
            "Hello v1",
            "Hello v2, {{ customer_first_name }}",
            "Hello v1"
        ]
    );

    // A new name and category: version 4.
    app.press(
        &owner,
        owner.id,
        v2.id,
        &button(&restored, "Name & category"),
    )
    .await;
    app.wait_private(&owner, "Send the new name and category")
        .await;
    let renamed = ask(&app, &owner, "hello | Greetings").await;
    assert!(
        renamed.text.contains("📄 hello · Greetings") && renamed.text.contains("Version 4"),
        "{}",
        renamed.text
    );
    let t = templates_of(&app, ws).await.remove(0);
    assert_eq!(
        (t.name.as_str(), t.category.as_str(), t.version),
        ("hello", "Greetings", 4)
    );

    // Deleted after a confirmation: the template and its versions are gone.
    app.press(&owner, owner.id, renamed.id, &button(&renamed, "Delete"))
        .await;
    let confirm = screen(&app, owner.id, renamed.id, "and all its versions").await;
    app.press(
        &owner,
        owner.id,
        renamed.id,
        &button(&confirm, "Yes, delete"),
    )
    .await;
    screen(&app, owner.id, renamed.id, "None yet.").await;
    assert!(templates_of(&app, ws).await.is_empty());
    assert!(versions_of(&app, t.id).await.is_empty());

    // The audit log: who, when, old → new.
    let by_owner = |rows: &[entity::audit_log::Model]| {
        rows.iter()
            .all(|r| r.actor_kind == "user" && r.actor_id == Some(owner.id))
    };
    let created = audited(&app, ws, "template.created").await;
    assert_eq!(created.len(), 1);
    assert_eq!(created[0].old_value, None);
    assert_eq!(
        created[0].new_value.as_deref(),
        Some("greet [General]: Hello v1")
    );
    let edited = audited(&app, ws, "template.edited").await;
    let changes: Vec<(Option<&str>, Option<&str>)> = edited
        .iter()
        .map(|r| (r.old_value.as_deref(), r.new_value.as_deref()))
        .collect();
    assert_eq!(
        changes,
        [
            (
                Some("greet [General]: Hello v1"),
                Some("greet [General]: Hello v2, {{ customer_first_name }}")
            ),
            (
                Some("greet [General]: Hello v1"),
                Some("hello [Greetings]: Hello v1")
            ),
        ]
    );
    let restored = audited(&app, ws, "template.restored").await;
    assert_eq!(restored.len(), 1);
    assert_eq!(
        (
            restored[0].old_value.as_deref(),
            restored[0].new_value.as_deref()
        ),
        (
            Some("greet [General]: Hello v2, {{ customer_first_name }}"),
            Some("greet [General]: Hello v1")
        )
    );
    assert!(
        restored[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("v3") && n.contains("v1 restored")),
        "{:?}",
        restored[0].note
    );
    let deleted = audited(&app, ws, "template.deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(
        (
            deleted[0].old_value.as_deref(),
            deleted[0].new_value.as_deref()
        ),
        (Some("hello [Greetings]: Hello v1"), None)
    );
    for rows in [&created, &edited, &restored, &deleted] {
        assert!(by_owner(rows), "{rows:?}");
    }
    app.stop().await;
}

#[tokio::test]
async fn a_body_is_checked_when_it_is_saved() {
    let app = spawn_app().await;
    let owner = app.owner("Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    for (text, why) in [
        ("bad\nHi {{ custmer }}", "there is no variable “custmer”"),
        ("bad\n{% if category %}open", "syntax error"),
        ("bad\n{{ 'x' * 100000000 }}", "“*” can't be used"),
        (
            "bad\n{% for i in range(10**9) %}x{% endfor %}",
            "“*” can't be used",
        ),
        ("bad\n{{ subject|nosuchfilter }}", "can't be rendered"),
        ("two words\nHi", "can't be a name"),
        ("no body", "then the body on the next lines"),
    ] {
        let answer = add(&app, &owner, true, text).await;
        assert!(answer.text.contains(why), "{text}: {}", answer.text);
    }
    assert!(templates_of(&app, ws).await.is_empty());
    // Names are unique among the shared templates, and apart from each one's personal ones.
    add(&app, &owner, true, "greet\nHello").await;
    let taken = add(&app, &owner, true, "greet\nHello again").await;
    assert!(
        taken
            .text
            .contains("There is already a shared template named “greet”"),
        "{}",
        taken.text
    );
    let personal = add(&app, &owner, false, "greet\nMy own hello").await;
    assert!(personal.text.contains("Personal"), "{}", personal.text);
    assert_eq!(templates_of(&app, ws).await.len(), 2);
    app.stop().await;
}
