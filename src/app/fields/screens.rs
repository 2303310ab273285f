//! `/settings` → Custom fields: the Admin's list of fields, adding one (typed as one line),
//! changing a field's label, choices or required flag, and deleting it with its values. Only
//! those who may configure the workspace get here; every change is audited.

use crate::app::effects::{Effect, FieldPrompt, FieldsNotice, Notice};
use crate::app::work::access::{begin_for, member_entry};
use crate::app::work::{AppResult, Caller, Ctx, Origin, Work};
use crate::domain::fields::{self as rules, DefinitionProblem, FieldDef, MAX_FIELDS};
use crate::domain::permissions::Perm;
use crate::store;

/// A change on the Custom fields screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldsChange {
    List,
    Show(i64),
    /// A new field typed as `key | label | type | choices | required`.
    Add(String),
    /// A field's new label, as typed.
    Label(i64, String),
    /// A choice field's new choices, as typed.
    Choices(i64, String),
    Required(i64, bool),
    /// The Delete button: asks to confirm.
    AskDelete(i64),
    Delete(i64),
}

/// One line describing a definition in the audit log.
fn describe(def: &FieldDef) -> String {
    let mut s = format!("{} | {} | {}", def.key, def.label, def.kind.as_str());
    if !def.choices.is_empty() {
        s.push_str(&format!(" | {}", def.choices.join(", ")));
    }
    if def.required {
        s.push_str(" | required");
    }
    s
}

/// `/settings` → Custom fields and everything under it. `false`: a typed value was refused
/// (and the Admin told why), so the prompt stays open.
pub async fn fields_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: FieldsChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    // The field whose screen to show afterwards; `None`: the list.
    let mut focus = None;
    let mut confirm_delete = false;
    match change {
        FieldsChange::List => {}
        FieldsChange::Show(id) => focus = Some(id),
        FieldsChange::AskDelete(id) => {
            focus = Some(id);
            confirm_delete = true;
        }
        FieldsChange::Add(text) => {
            let def = match rules::parse_definition(&text) {
                Ok(def) => def,
                Err(problem) => return refuse(w, caller, problem).await,
            };
            if store::fields::count(&w.tx, ws.id).await? >= MAX_FIELDS as u64 {
                let problem = DefinitionProblem::TooManyFields { max: MAX_FIELDS };
                return refuse(w, caller, problem).await;
            }
            if store::fields::by_key(&w.tx, ws.id, &def.key)
                .await?
                .is_some()
            {
                let problem = DefinitionProblem::KeyTaken { key: def.key };
                return refuse(w, caller, problem).await;
            }
            store::fields::add(&w.tx, ws.id, &def, w.now).await?;
            w.audit(member_entry(
                ws.id,
                me,
                "settings.field_added",
                None,
                Some(describe(&def)),
            ))
            .await?;
        }
        FieldsChange::Label(id, text) => {
            focus = Some(id);
            match rules::parse_label(&text) {
                Ok(label) => edit(&mut w, ws.id, me, id, |d| d.label = label).await?,
                Err(problem) => return refuse(w, caller, problem).await,
            }
        }
        FieldsChange::Choices(id, text) => {
            focus = Some(id);
            let Some(field) = store::fields::get(&w.tx, ws.id, id).await? else {
                return expired(w, caller).await;
            };
            if !field.def.kind.has_choices() {
                return refuse(w, caller, DefinitionProblem::ChoicesNotAllowed).await;
            }
            match rules::parse_choices(&text) {
                Ok(choices) => edit(&mut w, ws.id, me, id, |d| d.choices = choices).await?,
                Err(problem) => return refuse(w, caller, problem).await,
            }
        }
        FieldsChange::Required(id, on) => {
            focus = Some(id);
            edit(&mut w, ws.id, me, id, |d| d.required = on).await?;
        }
        FieldsChange::Delete(id) => {
            let Some(field) = store::fields::get(&w.tx, ws.id, id).await? else {
                return expired(w, caller).await;
            };
            let values = store::fields::delete(&w.tx, ws.id, id)
                .await?
                .unwrap_or_default();
            let mut e = member_entry(
                ws.id,
                me,
                "settings.field_deleted",
                Some(describe(&field.def)),
                None,
            );
            e.note = Some(format!("{values} ticket values deleted"));
            w.audit(e).await?;
        }
    }
    let notice = match focus {
        Some(id) => match store::fields::get(&w.tx, ws.id, id).await? {
            Some(field) => FieldsNotice::FieldScreen {
                values: store::fields::value_count(&w.tx, ws.id, id).await?,
                field,
                confirm_delete,
            },
            None => return expired(w, caller).await,
        },
        None => FieldsNotice::FieldList {
            fields: store::fields::all(&w.tx, ws.id).await?,
        },
    };
    w.show(caller, screen, Notice::Fields(notice)).await?;
    w.commit().await?;
    Ok(true)
}

/// Changes a field's definition and audits old → new; nothing when it does not change.
async fn edit(
    w: &mut Work,
    workspace: i64,
    me: i64,
    id: i64,
    f: impl FnOnce(&mut FieldDef),
) -> AppResult<()> {
    let Some(field) = store::fields::get(&w.tx, workspace, id).await? else {
        return Ok(());
    };
    let mut def = field.def.clone();
    f(&mut def);
    if def == field.def {
        return Ok(());
    }
    store::fields::update(&w.tx, workspace, id, &def, w.now).await?;
    w.audit(member_entry(
        workspace,
        me,
        "settings.field_changed",
        Some(describe(&field.def)),
        Some(describe(&def)),
    ))
    .await
}

/// Refuses a typed value: says what was wrong, keeps the prompt open.
async fn refuse(mut w: Work, caller: &Caller, problem: DefinitionProblem) -> AppResult<bool> {
    let notice = FieldsNotice::DefinitionRefused { problem };
    w.reply(caller, Notice::Fields(notice)).await?;
    w.commit().await?;
    Ok(false)
}

/// A field that is gone (deleted meanwhile, or another workspace's id).
async fn expired(mut w: Work, caller: &Caller) -> AppResult<bool> {
    w.reply(caller, Notice::ButtonExpired).await?;
    w.commit().await?;
    Ok(true)
}

/// What a fields or tags prompt is about, as the button names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    AddField,
    Label(i64),
    Choices(i64),
    RenameTag(i64),
    MergeTag(i64),
}

/// Asks for free text (with a Cancel button) after checking the caller may configure the
/// workspace and the field or tag is theirs. `true` when the question went out: the caller's
/// next private message answers it.
pub async fn ask(ctx: &Ctx, origin: Origin, caller: &Caller, what: Ask) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(false);
    };
    let field = |id| store::fields::get(&w.tx, ws.id, id);
    let prompt = match what {
        Ask::AddField => Some(FieldPrompt::Add),
        Ask::Label(id) => field(id)
            .await?
            .map(|f| FieldPrompt::Label { label: f.def.label }),
        Ask::Choices(id) => field(id)
            .await?
            .filter(|f| f.def.kind.has_choices())
            .map(|f| FieldPrompt::Choices {
                label: f.def.label,
                current: f.def.choices,
            }),
        Ask::RenameTag(handle) => super::tag_screen::name_of(&w.tx, ws.id, handle)
            .await?
            .map(|tag| FieldPrompt::TagRename { tag }),
        Ask::MergeTag(handle) => super::tag_screen::name_of(&w.tx, ws.id, handle)
            .await?
            .map(|tag| FieldPrompt::TagMerge { tag }),
    };
    let Some(what) = prompt else {
        return expired(w, caller).await.map(|_| false);
    };
    w.effect(Effect::SendPrivate {
        user: caller.profile.id,
        notice: Notice::Fields(FieldsNotice::Prompt { ask: what }),
        fallback: None,
    })
    .await?;
    w.reply(caller, Notice::Ok).await?;
    w.commit().await?;
    Ok(true)
}
