//! Canned responses (SPEC §8): the templates screens (`/templates`, or `/settings` →
//! Templates) where people add, edit, rename, restore and delete templates — every change a new
//! version, every change audited — and `/t` in a ticket's topic, which renders one for the
//! ticket and posts it as the agent's reply.
//!
//! Who may do what is the domain's (`domain::template`, whose module docs reconcile the
//! permission table with shared and personal templates); rendering is the domain's too. This
//! area loads, asks, writes and answers.
//!
//! - `screens.rs`: the screens and the typed values they ask for.
//! - `send.rs`: `/t`, its picker, and logging a posted template as the agent's message.

mod screens;
mod send;

pub use screens::{ask, screen, Ask, TemplateChange};
pub use send::{pick, picker_page, posted, send};

use chrono::{DateTime, Utc};
use entity::templates::Model as Template;
use entity::workspaces::Model as Workspace;

use crate::app::effects::{TemplateRow, VersionRow};
use crate::app::work::{access, AppResult, Work};
use crate::domain::permissions::{self, Perm, Subject, Toggles};
use crate::store::{self, templates::Content};

/// The most shared templates a workspace may have.
pub const MAX_SHARED: u64 = 200;
/// The most personal templates one person may have in a workspace.
pub const MAX_PERSONAL: u64 = 50;
/// Templates per page of the templates screen and of the `/t` picker.
pub const PAGE: usize = 20;
/// The most versions the versions screen lists (the newest; all stay stored).
pub const VERSIONS_SHOWN: u64 = 20;

/// Who the caller is in the workspace, and its toggles; `None` when not a member.
async fn standing(w: &Work, ws: &Workspace, user: i64) -> AppResult<Option<(Subject, Toggles)>> {
    let toggles = store::team::toggles_of(ws);
    Ok(access::subject(&w.tx, ws, user, w.now)
        .await?
        .map(|s| (s, toggles)))
}

/// Whether the subject may use shared templates (and so sees them in lists).
fn sees_shared(s: &Subject, toggles: &Toggles) -> bool {
    permissions::check(s, Perm::UseSharedTemplates, toggles).is_ok()
}

fn rights_of(t: &Template) -> crate::domain::template::Template {
    crate::domain::template::Template {
        shared: t.shared,
        author: crate::domain::ids::UserId(t.author_id),
    }
}

/// A person's name for lists and screens.
async fn name_of(w: &Work, user: i64) -> AppResult<String> {
    Ok(store::users::display_name(
        store::users::get(&w.tx, user).await?.as_ref(),
        user,
    ))
}

async fn row(w: &Work, ws: &Workspace, t: &Template) -> AppResult<TemplateRow> {
    Ok(TemplateRow {
        id: t.id,
        name: t.name.clone(),
        category: t.category.clone(),
        shared: t.shared,
        version: t.version,
        author: name_of(w, t.author_id).await?,
        updated_at: t.updated_at,
        zone: ws.time_zone.clone(),
    })
}

/// Rows for a list, without the authors' names (lists show names and categories only).
fn list_row(ws: &Workspace, t: &Template) -> TemplateRow {
    TemplateRow {
        id: t.id,
        name: t.name.clone(),
        category: t.category.clone(),
        shared: t.shared,
        version: t.version,
        author: String::new(),
        updated_at: t.updated_at,
        zone: ws.time_zone.clone(),
    }
}

fn version_row(
    ws: &Workspace,
    v: &entity::template_versions::Model,
    author: String,
    at: DateTime<Utc>,
) -> VersionRow {
    VersionRow {
        id: v.id,
        version: v.version,
        name: v.name.clone(),
        category: v.category.clone(),
        author,
        at,
        zone: ws.time_zone.clone(),
    }
}

/// A page of `items` (`page` counts from 0, past the end is the last) and how many pages there
/// are.
fn page_of<T: Clone>(items: &[T], page: u16) -> (Vec<T>, u16, u16) {
    let pages = items.len().div_ceil(PAGE).max(1);
    let page = usize::from(page).min(pages - 1);
    let slice = items.iter().skip(page * PAGE).take(PAGE).cloned().collect();
    (
        slice,
        u16::try_from(page).unwrap_or(u16::MAX),
        u16::try_from(pages).unwrap_or(u16::MAX),
    )
}

/// How a template's content reads in the audit log: `name [category]: body`.
fn describe(c: &Content) -> String {
    if c.category.is_empty() {
        format!("{}: {}", c.name, c.body)
    } else {
        format!("{} [{}]: {}", c.name, c.category, c.body)
    }
}

fn content_of(t: &Template) -> Content {
    Content {
        name: t.name.clone(),
        category: t.category.clone(),
        body: t.body.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_every_item_once_and_clamp() {
        let items: Vec<usize> = (0..45).collect();
        let (first, page, pages) = page_of(&items, 0);
        assert_eq!((first.len(), page, pages), (PAGE, 0, 3));
        let (last, page, _) = page_of(&items, 99);
        assert_eq!((last, page), ((40..45).collect::<Vec<_>>(), 2));
        let (none, page, pages) = page_of::<usize>(&[], 5);
        assert_eq!((none.len(), page, pages), (0, 0, 1));
    }

    #[test]
    fn audit_values_name_category_and_body() {
        let c = Content {
            name: "refund".into(),
            category: "Billing".into(),
            body: "Hi".into(),
        };
        assert_eq!(describe(&c), "refund [Billing]: Hi");
        let c = Content {
            category: String::new(),
            ..c
        };
        assert_eq!(describe(&c), "refund: Hi");
    }
}
