//! `/settings` → Tags: the workspace's tags with how many tickets and customers carry each,
//! renaming one, merging one into another and deleting one, each audited. Renaming onto a
//! name that exists is a merge: a ticket or customer that carried both keeps one.
//!
//! These are housekeeping: a tag that arrives on a ticket by a rename or a merge does not set
//! off the escalation rules (only `/tag` does), and one audit row per change records the whole
//! operation with its counts rather than one row per ticket.

use sea_orm::ConnectionTrait;

use crate::app::effects::{FieldsNotice, Notice, TagRow};
use crate::app::work::access::{begin_for, member_entry};
use crate::app::work::{AppResult, Caller, Ctx, Origin, Work};
use crate::domain::permissions::Perm;
use crate::domain::tags::{self, TagProblem};
use crate::store::{self, tags::TagCount};

/// Tags per page of the Tags screen.
pub const TAGS_PER_PAGE: usize = 20;

/// A change on the Tags screens. Tags are named by their handle (see
/// [`crate::domain::tags::handle`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagsChange {
    List(u16),
    Show(i64),
    /// The new name, as typed.
    Rename(i64, String),
    /// The tag to merge into, as typed.
    Merge(i64, String),
    /// The Delete button: asks to confirm.
    AskDelete(i64),
    Delete(i64),
}

fn row(c: &TagCount) -> TagRow {
    TagRow {
        handle: tags::handle(&c.tag),
        tag: c.tag.clone(),
        tickets: c.tickets,
        customers: c.customers,
    }
}

/// The workspace's tag whose handle is `handle`.
pub(super) async fn name_of<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    handle: i64,
) -> AppResult<Option<String>> {
    Ok(find(db, workspace, handle).await?.map(|c| c.tag))
}

async fn find<C: ConnectionTrait>(
    db: &C,
    workspace: i64,
    handle: i64,
) -> AppResult<Option<TagCount>> {
    Ok(store::tags::counts(db, workspace)
        .await?
        .into_iter()
        .find(|c| tags::handle(&c.tag) == handle))
}

/// `/settings` → Tags and everything under it. `false`: a typed name was refused (and the
/// Admin told why), so the prompt stays open.
pub async fn tags_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: TagsChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    let (page, focus, confirm_delete) = match change {
        TagsChange::List(page) => (page, None, false),
        TagsChange::Show(h) => (0, Some(h), false),
        TagsChange::AskDelete(h) => (0, Some(h), true),
        TagsChange::Rename(h, ref typed) | TagsChange::Merge(h, ref typed) => {
            let merge = matches!(change, TagsChange::Merge(..));
            let Some(from) = name_of(&w.tx, ws.id, h).await? else {
                return expired(w, caller).await;
            };
            let to = match tags::parse_name(typed) {
                Ok(to) => to,
                Err(problem) => return refuse(w, caller, problem).await,
            };
            let exists = store::tags::exists(&w.tx, ws.id, &to).await?;
            if merge && to == from {
                return refuse(w, caller, TagProblem::Same).await;
            }
            if merge && !exists {
                return refuse(w, caller, TagProblem::Unknown { tag: to }).await;
            }
            if to != from {
                let (renamed, merged) = store::tags::rename(&w.tx, ws.id, &from, &to).await?;
                let action = if exists {
                    "settings.tag_merged"
                } else {
                    "settings.tag_renamed"
                };
                let mut e = member_entry(ws.id, me, action, Some(from), Some(to.clone()));
                e.note = Some(format!("{renamed} renamed, {merged} merged"));
                w.audit(e).await?;
            }
            (0, Some(tags::handle(&to)), false)
        }
        TagsChange::Delete(h) => {
            let Some(tag) = name_of(&w.tx, ws.id, h).await? else {
                return expired(w, caller).await;
            };
            let gone = store::tags::delete_everywhere(&w.tx, ws.id, &tag).await?;
            let mut e = member_entry(ws.id, me, "settings.tag_deleted", Some(tag), None);
            e.note = Some(format!("taken off {gone} tickets and customers"));
            w.audit(e).await?;
            (0, None, false)
        }
    };
    let notice = match focus {
        Some(h) => match find(&w.tx, ws.id, h).await? {
            Some(c) => FieldsNotice::TagScreen {
                tag: row(&c),
                confirm_delete,
            },
            None => return expired(w, caller).await,
        },
        None => list(&w, ws.id, page).await?,
    };
    w.show(caller, screen, Notice::Fields(notice)).await?;
    w.commit().await?;
    Ok(true)
}

/// One page of the tags, the most used first.
async fn list(w: &Work, workspace: i64, page: u16) -> AppResult<FieldsNotice> {
    let mut all = store::tags::counts(&w.tx, workspace).await?;
    all.sort_by(|a, b| {
        (b.tickets + b.customers)
            .cmp(&(a.tickets + a.customers))
            .then_with(|| a.tag.cmp(&b.tag))
    });
    let pages = all.len().div_ceil(TAGS_PER_PAGE).max(1);
    let page = usize::from(page).min(pages - 1);
    let tags = all
        .iter()
        .skip(page * TAGS_PER_PAGE)
        .take(TAGS_PER_PAGE)
        .map(row)
        .collect();
    Ok(FieldsNotice::TagList {
        tags,
        page: u16::try_from(page).unwrap_or(u16::MAX),
        pages: u16::try_from(pages).unwrap_or(u16::MAX),
    })
}

async fn refuse(mut w: Work, caller: &Caller, problem: TagProblem) -> AppResult<bool> {
    let notice = FieldsNotice::TagRefused { problem };
    w.reply(caller, Notice::Fields(notice)).await?;
    w.commit().await?;
    Ok(false)
}

/// A tag that is gone (renamed, merged or deleted meanwhile).
async fn expired(mut w: Work, caller: &Caller) -> AppResult<bool> {
    w.reply(caller, Notice::ButtonExpired).await?;
    w.commit().await?;
    Ok(true)
}
