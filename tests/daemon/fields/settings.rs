//! `/settings` → Custom fields: Admins define fields (a refused line keeps the prompt open),
//! change their label, choices and required flag, and delete them with their values; each
//! change is audited, and Members can't.

use sea_orm::{ActiveModelTrait, ActiveValue::Set};

use super::*;

#[tokio::test]
async fn admins_define_change_and_delete_fields() {
    let app = spawn_app().await;
    let (owner, chat) = desk(&app, "Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;

    open_settings(&app, &owner, "Custom fields").await;
    app.wait_private(&owner, "None yet.").await;
    tap(&app, &owner, "➕ Field").await;
    app.wait_private(&owner, "Send the new field").await;
    // A refused line says why and keeps the prompt: the next message is another try.
    app.tg.private_text(&owner, "plan | Plan | colour");
    app.wait_private(&owner, "“colour” is not a type").await;
    app.tg
        .private_text(&owner, "Plan | Plan | single | free, pro | required");
    app.wait_private(&owner, "plan Plan — single choice: free, pro · required")
        .await;
    tap(&app, &owner, "➕ Field").await;
    app.wait_private(&owner, "Send the new field").await;
    app.tg.private_text(&owner, "plan | Other | text");
    app.wait_private(&owner, "There is a field called plan already")
        .await;
    app.tg.private_text(&owner, "score | Score | number");
    app.wait_private(&owner, "score Score — number").await;

    // Choices, label and required flag, each through its own button.
    tap(&app, &owner, "⚙ Plan").await;
    app.wait_private(&owner, "Type: single choice").await;
    tap(&app, &owner, "✏ Choices").await;
    app.wait_private(&owner, "Send the choices of").await;
    app.tg.private_text(&owner, "free, pro, PRO");
    app.wait_private(&owner, "“PRO” is listed twice").await;
    app.tg.private_text(&owner, "free, pro, team");
    app.wait_private(&owner, "Choices: free, pro, team").await;
    tap(&app, &owner, "✏ Label").await;
    app.wait_private(&owner, "Send the new label").await;
    app.tg.private_text(&owner, "Plan   name");
    app.wait_private(&owner, "Plan name (plan)").await;
    tap(&app, &owner, "Required: make optional").await;
    app.wait_private(&owner, "Required: no").await;
    let plan = field(&app, ws, "plan").await;
    assert_eq!(plan.label, "Plan name");
    assert!(!plan.required);
    assert_eq!(plan.choices, r#"["free","pro","team"]"#);

    // Deleting a field takes its values with it, after a confirmation.
    let customer = app.tg.add_user("Carl", Some("carl"));
    let thread = app.open_ticket(chat, &customer, "Help").await;
    set(&app, &owner, chat, thread, "plan team").await;
    let t = app.ticket(chat, thread).await;
    assert_eq!(value(&app, t.id, plan.id).await.as_deref(), Some("team"));
    open_settings(&app, &owner, "Custom fields").await;
    tap(&app, &owner, "⚙ Plan name").await;
    app.wait_private(&owner, "Tickets with a value: 1").await;
    tap(&app, &owner, "🗑 Delete").await;
    app.wait_private(&owner, "Delete Plan name and its 1 ticket values?")
        .await;
    tap(&app, &owner, "Yes, delete Plan name").await;
    app.settle().await;
    assert!(entity::custom_fields::Entity::find_by_id(plan.id)
        .one(&app.db)
        .await
        .expect("query")
        .is_none());
    assert_eq!(value(&app, t.id, plan.id).await, None);
    let answer = set(&app, &owner, chat, thread, "plan pro").await;
    assert!(answer.text.starts_with("There is no field “plan”."));

    // Every change is in the audit log, old → new.
    assert_eq!(audit_of(&app, ws, "settings.field_added").await.len(), 2);
    let changed = audit_of(&app, ws, "settings.field_changed").await;
    assert_eq!(changed.len(), 3, "{changed:?}");
    assert_eq!(
        changed[0].new_value.as_deref(),
        Some("plan | Plan | single_choice | free, pro, team | required")
    );
    assert_eq!(
        changed[2].old_value.as_deref(),
        Some("plan | Plan name | single_choice | free, pro, team | required")
    );
    let deleted = audit_of(&app, ws, "settings.field_deleted").await;
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].note.as_deref(), Some("1 ticket values deleted"));
    assert_eq!(deleted[0].actor_id, Some(owner.id));

    // A Member may set values but not define fields, whatever button they forge.
    app.grant_seats(ws, 1, 0).await;
    let agent = app.invite_agent(&owner, "Ann", false).await;
    let (answer, alert) = press_forged(&app, &agent, "1|fs").await;
    assert!(alert);
    assert_eq!(
        answer.as_deref(),
        Some("Only Admins and the Owner can do this.")
    );
    let score = field(&app, ws, "score").await;
    let (_, alert) = press_forged(&app, &agent, &format!("1|fx|{}", score.id)).await;
    assert!(alert);
    field(&app, ws, "score").await;
    let answer = set(&app, &agent, chat, thread, "score 7").await;
    assert_eq!(answer.text, "Ticket #1 · Score: 7");
    app.stop().await;
}

#[tokio::test]
async fn a_workspace_has_at_most_fifty_fields() {
    let app = spawn_app().await;
    let (owner, _) = desk(&app, "Olga", "Acme").await;
    let ws = app.workspace_of(&owner).await;
    let now = chrono::Utc::now();
    for i in 0..50 {
        entity::custom_fields::ActiveModel {
            workspace_id: Set(ws),
            key: Set(format!("f{i}")),
            label: Set(format!("F{i}")),
            kind: Set(entity::custom_fields::FieldKind::Text),
            choices: Set("[]".into()),
            required: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .expect("a field written by hand");
    }
    open_settings(&app, &owner, "Custom fields").await;
    tap(&app, &owner, "➕ Field").await;
    app.wait_private(&owner, "Send the new field").await;
    app.tg.private_text(&owner, "one-more | One more | text");
    app.wait_private(&owner, "A workspace has at most 50 fields")
        .await;
    let count = entity::custom_fields::Entity::find()
        .filter(entity::custom_fields::Column::WorkspaceId.eq(ws))
        .all(&app.db)
        .await
        .expect("query")
        .len();
    assert_eq!(count, 50);
    app.stop().await;
}
