//! A ticket's field values: `/set <field> <value>` in the topic, and the choice and checkbox
//! buttons of `/info`. Values are staff-only: answers go to the agent privately, and every
//! change is audited old → new (`field.set`, the field's key as the note).

use entity::tickets::Model as Ticket;

use crate::app::effects::{FieldsNotice, Notice};
use crate::app::work::access::{authorize, begin, take_out_of_group};
use crate::app::work::{AppResult, Caller, Ctx, Origin, Work};
use crate::domain::fields::{self, FieldKind};
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry, fields::Field};

/// `/set <field> <value>` in a ticket's topic; `/set <field>` alone clears the value (refused
/// for a required field).
pub async fn set(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    thread: i32,
    message_id: i32,
    args: &str,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    // Field values are for staff: the command does not stay in the customer's topic.
    take_out_of_group(&mut w, caller, chat, message_id).await?;
    let Some((t, ws)) = crate::app::lifecycle::agent_ticket(&mut w, caller, chat, thread).await?
    else {
        return w.commit().await;
    };
    if !store::tickets::is_live(&w.tx, &t).await? {
        let number = t.number;
        w.reply(caller, Notice::TicketReadOnly { number }).await?;
        return w.commit().await;
    }
    let args = args.trim();
    let (typed_key, typed_value) = match args.split_once(char::is_whitespace) {
        Some((k, v)) => (k, v.trim()),
        None => (args, ""),
    };
    if typed_key.is_empty() {
        let keys = keys(&w, ws.id).await?;
        w.reply(caller, Notice::Fields(FieldsNotice::SetUsage { keys }))
            .await?;
        return w.commit().await;
    }
    let field = match fields::parse_key(typed_key) {
        Ok(key) => store::fields::by_key(&w.tx, ws.id, &key).await?,
        Err(_) => None,
    };
    let Some(field) = field else {
        let notice = FieldsNotice::UnknownField {
            key: typed_key.chars().take(40).collect(),
            keys: keys(&w, ws.id).await?,
        };
        w.reply(caller, Notice::Fields(notice)).await?;
        return w.commit().await;
    };
    let wanted = if typed_value.is_empty() {
        fields::clear(&field.def).map(|()| None)
    } else {
        fields::parse_value(&field.def, typed_value).map(Some)
    };
    let notice = match wanted {
        Ok(value) => {
            change(&mut w, caller, &t, &field, value.clone()).await?;
            FieldsNotice::ValueSet {
                number: t.number,
                label: field.def.label.clone(),
                kind: field.def.kind,
                value,
            }
        }
        Err(problem) => FieldsNotice::ValueRefused {
            number: t.number,
            problem,
        },
    };
    w.reply(caller, Notice::Fields(notice)).await?;
    w.commit().await
}

/// The keys of the workspace's fields, for `/set`'s usage.
async fn keys(w: &Work, workspace: i64) -> AppResult<Vec<String>> {
    Ok(store::fields::all(&w.tx, workspace)
        .await?
        .into_iter()
        .map(|f| f.def.key)
        .collect())
}

/// What a field button of `/info` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pick {
    /// A choice field's choice at `index` (whose fingerprint is `check`): a single choice is
    /// set to it, a multiple choice gains it (`on`) or loses it.
    Choice { index: u8, check: u16, on: bool },
    /// A checkbox set on or off.
    Checkbox(bool),
}

/// A field button of `/info` (or `/ticket`): checks the presser is staff of the ticket's
/// workspace, changes the value, audits it, and shows the message again with the new value.
pub async fn press(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    ticket: i64,
    field: i64,
    pick: Pick,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some(t) = store::tickets::get(&w.tx, ticket).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    if !authorize(&mut w, caller, &ws, Perm::WorkTickets).await? {
        return w.commit().await;
    }
    if !store::tickets::is_live(&w.tx, &t).await? {
        let number = t.number;
        w.reply(caller, Notice::TicketReadOnly { number }).await?;
        return w.commit().await;
    }
    let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
    let Some(field) = store::fields::get(&w.tx, ws.id, field).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    let current = store::fields::value(&w.tx, ws.id, t.id, field.id).await?;
    let Some(wanted) = picked(&field, current.as_deref(), pick) else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    if wanted.is_none() {
        if let Err(problem) = fields::clear(&field.def) {
            let number = t.number;
            let notice = FieldsNotice::ValueRefused { number, problem };
            w.reply(caller, Notice::Fields(notice)).await?;
            return w.commit().await;
        }
    }
    change(&mut w, caller, &t, &field, wanted.clone()).await?;
    match screen {
        Some(_) => {
            let summary = store::summary::ticket(&w.tx, &t, w.now).await?;
            w.show(caller, screen, Notice::TicketInfo { ticket: summary })
                .await?;
        }
        None => {
            let notice = FieldsNotice::ValueSet {
                number: t.number,
                label: field.def.label.clone(),
                kind: field.def.kind,
                value: wanted,
            };
            w.reply(caller, Notice::Fields(notice)).await?;
        }
    }
    w.commit().await
}

/// The value a press asks for (`Some(None)`: cleared); `None` when the button does not fit
/// the field as it is now (its type or choices changed since the button was sent).
fn picked(field: &Field, current: Option<&str>, pick: Pick) -> Option<Option<String>> {
    let def = &field.def;
    match (def.kind, pick) {
        (FieldKind::Checkbox, Pick::Checkbox(on)) => Some(Some(fields::yes_no(on).to_owned())),
        (
            FieldKind::SingleChoice | FieldKind::MultipleChoice,
            Pick::Choice { index, check, on },
        ) => {
            let choice = def
                .choices
                .get(usize::from(index))
                .filter(|c| fields::choice_check(c) == check)?;
            match def.kind {
                FieldKind::SingleChoice if on => Some(Some(choice.clone())),
                FieldKind::SingleChoice => None,
                _ => Some(fields::toggle_choice(&def.choices, current, choice, on)),
            }
        }
        _ => None,
    }
}

/// Writes a ticket's new value of a field and audits it, when it differs from the old one.
async fn change(
    w: &mut Work,
    caller: &Caller,
    t: &Ticket,
    field: &Field,
    value: Option<String>,
) -> AppResult<bool> {
    let old = store::fields::value(&w.tx, t.workspace_id, t.id, field.id).await?;
    if old == value {
        return Ok(false);
    }
    let by = caller.profile.id;
    store::fields::set_value(
        &w.tx,
        t.workspace_id,
        t.id,
        field.id,
        value.as_deref(),
        Some(by),
        w.now,
    )
    .await?;
    w.audit(Entry {
        workspace_id: t.workspace_id,
        ticket_id: Some(t.id),
        actor: Actor::User(UserId(by)),
        action: "field.set",
        old_value: old,
        new_value: value,
        note: Some(field.def.key.clone()),
    })
    .await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fields::{choice_check, FieldDef};

    fn field(kind: FieldKind, required: bool) -> Field {
        Field {
            id: 1,
            def: FieldDef {
                key: "k".into(),
                label: "K".into(),
                kind,
                choices: vec!["free".into(), "pro".into()],
                required,
            },
        }
    }

    #[test]
    fn presses_fit_the_field_as_it_is_now() {
        let single = field(FieldKind::SingleChoice, false);
        let pro = Pick::Choice {
            index: 1,
            check: choice_check("pro"),
            on: true,
        };
        assert_eq!(picked(&single, None, pro), Some(Some("pro".into())));
        // A button from before the choices changed names another choice now: refused.
        let stale = Pick::Choice {
            index: 1,
            check: choice_check("team"),
            on: true,
        };
        assert_eq!(picked(&single, None, stale), None);
        assert_eq!(
            picked(
                &single,
                None,
                Pick::Choice {
                    index: 9,
                    check: 0,
                    on: true
                }
            ),
            None
        );
        assert_eq!(picked(&single, None, Pick::Checkbox(true)), None);

        let multi = field(FieldKind::MultipleChoice, false);
        assert_eq!(
            picked(&multi, Some("free"), pro),
            Some(Some("free, pro".into()))
        );
        let off = Pick::Choice {
            index: 1,
            check: choice_check("pro"),
            on: false,
        };
        assert_eq!(picked(&multi, Some("pro"), off), Some(None));

        let check = field(FieldKind::Checkbox, true);
        assert_eq!(
            picked(&check, None, Pick::Checkbox(false)),
            Some(Some("no".into()))
        );
    }
}
