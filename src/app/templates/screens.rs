//! The templates screens, edited in place in the private chat: the list, one template, its
//! versions, one version; and the typed values they ask for (a new template, a new body, a new
//! name and category). Every change writes a new version and an audit row (actor, time,
//! old → new) in the same transaction.

use entity::templates::Model as Template;
use entity::workspaces::Model as Workspace;

use super::{
    content_of, describe, list_row, name_of, page_of, rights_of, row, sees_shared, standing,
    version_row, MAX_PERSONAL, MAX_SHARED, VERSIONS_SHOWN,
};
use crate::app::effects::{Effect, Notice, TemplateNotice, TemplatePrompt};
use crate::app::work::access::{begin_for, member_entry};
use crate::app::work::{AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::{Perm, Subject, Toggles};
use crate::domain::template::{self as rules, TemplateProblem, Verdict};
use crate::store::{self, templates::Content};

/// What a press or a typed answer asks of the templates screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateChange {
    List {
        page: u16,
    },
    Show(i64),
    /// A typed `name | category | body`.
    Add {
        shared: bool,
        text: String,
    },
    /// A typed new body for template `id`.
    Body {
        id: i64,
        text: String,
    },
    /// A typed `name | category` for template `id`.
    Label {
        id: i64,
        text: String,
    },
    Versions(i64),
    /// One version, by the version row's id.
    Version(i64),
    /// Makes a version (by its row's id) the newest again.
    Restore(i64),
    AskDelete(i64),
    Delete(i64),
}

/// What a prompt button asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    Add { shared: bool },
    Body(i64),
    Label(i64),
}

/// The caller's standing in the unit of work, for the rules.
struct Me {
    id: i64,
    subject: Subject,
    toggles: Toggles,
}

impl Me {
    fn may_change(&self, t: &Template) -> Verdict {
        rules::may_change(&self.subject, UserId(self.id), rights_of(t), &self.toggles)
    }

    fn may_see(&self, t: &Template) -> Verdict {
        rules::may_use(&self.subject, UserId(self.id), rights_of(t), &self.toggles)
    }
}

/// Opens the work of a templates screen: the caller's workspace, where they may work tickets.
async fn open(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
) -> AppResult<Option<(Work, Workspace, Me)>> {
    let Some((w, ws)) = begin_for(ctx, origin, caller, Perm::WorkTickets).await? else {
        return Ok(None);
    };
    let Some((subject, toggles)) = standing(&w, &ws, caller.profile.id).await? else {
        // `begin_for` let them in, so they are a member; nothing to do otherwise.
        w.commit().await?;
        return Ok(None);
    };
    let me = Me {
        id: caller.profile.id,
        subject,
        toggles,
    };
    Ok(Some((w, ws, me)))
}

/// A template the caller may see (`change`: and change), or `None` after telling them why not:
/// another workspace's or someone else's personal template is an expired button.
async fn load(
    w: &mut Work,
    caller: &Caller,
    ws: &Workspace,
    me: &Me,
    id: i64,
    change: bool,
) -> AppResult<Option<Template>> {
    let Some(t) = store::templates::get(&w.tx, ws.id, id).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return Ok(None);
    };
    let verdict = if change {
        me.may_change(&t)
    } else {
        me.may_see(&t)
    };
    match verdict {
        Verdict::Allowed => Ok(Some(t)),
        Verdict::Hidden => {
            w.reply(caller, Notice::ButtonExpired).await?;
            Ok(None)
        }
        Verdict::Denied(denied) => {
            w.reply(caller, Notice::NotPermitted { denied }).await?;
            Ok(None)
        }
    }
}

/// Tells the caller what is wrong with what they typed; `false` keeps the prompt open.
async fn refuse(mut w: Work, caller: &Caller, notice: TemplateNotice) -> AppResult<bool> {
    w.reply(caller, Notice::Templates(notice)).await?;
    w.commit().await?;
    Ok(false)
}

/// `/templates`, `/settings` → Templates, and every button and typed answer of its screens.
/// `false`: a typed value was refused (and the person told why); the prompt stays open.
pub async fn screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: TemplateChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws, me)) = open(ctx, origin, caller).await? else {
        return Ok(true);
    };
    let notice = match change {
        TemplateChange::List { page } => list(&w, &ws, &me, page).await?,
        TemplateChange::Show(id) => match load(&mut w, caller, &ws, &me, id, false).await? {
            Some(t) => detail(&w, &ws, &me, &t).await?,
            None => return done(w).await,
        },
        TemplateChange::Add { shared, text } => {
            if let Err(denied) = rules::may_create(&me.subject, shared, &me.toggles) {
                w.reply(caller, Notice::NotPermitted { denied }).await?;
                return done(w).await;
            }
            let draft = match rules::parse_draft(&text) {
                Ok(d) => d,
                Err(problem) => {
                    return refuse(w, caller, TemplateNotice::Refused { problem }).await
                }
            };
            let max = if shared { MAX_SHARED } else { MAX_PERSONAL };
            if store::templates::count(&w.tx, ws.id, shared, me.id).await? >= max {
                w.reply(
                    caller,
                    Notice::Templates(TemplateNotice::TooMany { shared, max }),
                )
                .await?;
                return done(w).await;
            }
            if store::templates::name_taken(&w.tx, ws.id, shared, me.id, &draft.name, None).await? {
                let problem = TemplateProblem::NameTaken {
                    name: draft.name,
                    shared,
                };
                return refuse(w, caller, TemplateNotice::Refused { problem }).await;
            }
            let content = Content {
                name: draft.name,
                category: draft.category,
                body: draft.body,
            };
            let new = describe(&content);
            let t = store::templates::insert(&w.tx, ws.id, me.id, shared, content, w.now).await?;
            let mut e = member_entry(ws.id, me.id, "template.created", None, Some(new));
            e.note = Some(scope_note(&t));
            w.audit(e).await?;
            detail(&w, &ws, &me, &t).await?
        }
        TemplateChange::Body { id, text } => {
            let Some(t) = load(&mut w, caller, &ws, &me, id, true).await? else {
                return done(w).await;
            };
            let body = match rules::body_of(&text) {
                Ok(b) => b,
                Err(problem) => {
                    return refuse(w, caller, TemplateNotice::Refused { problem }).await
                }
            };
            let content = Content {
                body,
                ..content_of(&t)
            };
            let t = save(&mut w, &me, t, content, "template.edited", None).await?;
            detail(&w, &ws, &me, &t).await?
        }
        TemplateChange::Label { id, text } => {
            let Some(t) = load(&mut w, caller, &ws, &me, id, true).await? else {
                return done(w).await;
            };
            let (name, category) = match rules::parse_label(&text) {
                Ok(l) => l,
                Err(problem) => {
                    return refuse(w, caller, TemplateNotice::Refused { problem }).await
                }
            };
            let taken = store::templates::name_taken(
                &w.tx,
                ws.id,
                t.shared,
                t.author_id,
                &name,
                Some(t.id),
            )
            .await?;
            if taken {
                let shared = t.shared;
                let problem = TemplateProblem::NameTaken { name, shared };
                return refuse(w, caller, TemplateNotice::Refused { problem }).await;
            }
            let content = Content {
                name,
                category,
                ..content_of(&t)
            };
            let t = save(&mut w, &me, t, content, "template.edited", None).await?;
            detail(&w, &ws, &me, &t).await?
        }
        TemplateChange::Versions(id) => {
            let Some(t) = load(&mut w, caller, &ws, &me, id, false).await? else {
                return done(w).await;
            };
            let mut versions = Vec::new();
            for v in store::templates::versions(&w.tx, ws.id, t.id, VERSIONS_SHOWN).await? {
                let author = name_of(&w, v.author_id).await?;
                versions.push(version_row(&ws, &v, author, v.created_at));
            }
            TemplateNotice::Versions {
                template: row(&w, &ws, &t).await?,
                versions,
            }
        }
        TemplateChange::Version(vid) => {
            let Some((t, v)) = version(&mut w, caller, &ws, &me, vid, false).await? else {
                return done(w).await;
            };
            let author = name_of(&w, v.author_id).await?;
            TemplateNotice::Version {
                template: row(&w, &ws, &t).await?,
                version: version_row(&ws, &v, author, v.created_at),
                can_restore: v.version != t.version && me.may_change(&t) == Verdict::Allowed,
                body: v.body,
            }
        }
        TemplateChange::Restore(vid) => {
            let Some((t, v)) = version(&mut w, caller, &ws, &me, vid, true).await? else {
                return done(w).await;
            };
            if v.version == t.version {
                detail(&w, &ws, &me, &t).await?
            } else {
                // Checked again: the rules may be stricter than when it was written.
                let checked = rules::name_of(&v.name)
                    .and_then(|_| rules::category_of(&v.category))
                    .and_then(|_| rules::body_of(&v.body));
                if let Err(problem) = checked {
                    return refuse(w, caller, TemplateNotice::NotRestored { problem }).await;
                }
                let taken = store::templates::name_taken(
                    &w.tx,
                    ws.id,
                    t.shared,
                    t.author_id,
                    &v.name,
                    Some(t.id),
                )
                .await?;
                if taken {
                    let (name, shared) = (v.name, t.shared);
                    let problem = TemplateProblem::NameTaken { name, shared };
                    return refuse(w, caller, TemplateNotice::NotRestored { problem }).await;
                }
                let content = Content {
                    name: v.name,
                    category: v.category,
                    body: v.body,
                };
                let note = format!("v{} restored", v.version);
                let t = save(&mut w, &me, t, content, "template.restored", Some(note)).await?;
                detail(&w, &ws, &me, &t).await?
            }
        }
        TemplateChange::AskDelete(id) => {
            let Some(t) = load(&mut w, caller, &ws, &me, id, true).await? else {
                return done(w).await;
            };
            TemplateNotice::ConfirmDelete {
                template: row(&w, &ws, &t).await?,
            }
        }
        TemplateChange::Delete(id) => {
            let Some(t) = load(&mut w, caller, &ws, &me, id, true).await? else {
                return done(w).await;
            };
            if store::templates::delete(&w.tx, ws.id, t.id).await? {
                let old = Some(describe(&content_of(&t)));
                let mut e = member_entry(ws.id, me.id, "template.deleted", old, None);
                e.note = Some(format!("{} v{}", scope_note(&t), t.version));
                w.audit(e).await?;
            }
            list(&w, &ws, &me, 0).await?
        }
    };
    w.show(caller, screen, Notice::Templates(notice)).await?;
    w.commit().await?;
    Ok(true)
}

async fn done(w: Work) -> AppResult<bool> {
    w.commit().await?;
    Ok(true)
}

/// Writes `content` as the template's newest version (nothing when it is what the template
/// holds already) and audits it.
async fn save(
    w: &mut Work,
    me: &Me,
    t: Template,
    content: Content,
    action: &'static str,
    note: Option<String>,
) -> AppResult<Template> {
    let old = content_of(&t);
    if old == content {
        return Ok(t);
    }
    let (workspace, old) = (t.workspace_id, describe(&old));
    let new = describe(&content);
    let t = store::templates::new_version(&w.tx, t, content, me.id, w.now).await?;
    let mut e = member_entry(workspace, me.id, action, Some(old), Some(new));
    let version = format!("{} v{}", scope_note(&t), t.version);
    e.note = Some(match note {
        Some(n) => format!("{version} ({n})"),
        None => version,
    });
    w.audit(e).await?;
    Ok(t)
}

/// The audit note naming a template: `template 12 (shared)`.
fn scope_note(t: &Template) -> String {
    let scope = if t.shared { "shared" } else { "personal" };
    format!("template {} ({scope})", t.id)
}

/// A version of a template the caller may see (`change`: and change).
async fn version(
    w: &mut Work,
    caller: &Caller,
    ws: &Workspace,
    me: &Me,
    vid: i64,
    change: bool,
) -> AppResult<Option<(Template, entity::template_versions::Model)>> {
    let Some(v) = store::templates::version(&w.tx, ws.id, vid).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return Ok(None);
    };
    Ok(load(w, caller, ws, me, v.template_id, change)
        .await?
        .map(|t| (t, v)))
}

async fn list(w: &Work, ws: &Workspace, me: &Me, page: u16) -> AppResult<TemplateNotice> {
    let shared = sees_shared(&me.subject, &me.toggles);
    let all: Vec<_> = store::templates::visible(&w.tx, ws.id, me.id, shared)
        .await?
        .iter()
        .map(|t| list_row(ws, t))
        .collect();
    let (rows, page, pages) = page_of(&all, page);
    Ok(TemplateNotice::List {
        rows,
        page,
        pages,
        add_shared: rules::may_create(&me.subject, true, &me.toggles).is_ok(),
        settings: me.subject.role.can_configure(),
    })
}

async fn detail(w: &Work, ws: &Workspace, me: &Me, t: &Template) -> AppResult<TemplateNotice> {
    Ok(TemplateNotice::Detail {
        template: row(w, ws, t).await?,
        body: t.body.clone(),
        can_change: me.may_change(t) == Verdict::Allowed,
    })
}

/// A prompt button: asks for the value privately (with Cancel); `true` when the question went
/// out, so the caller's next message answers it.
pub async fn ask(ctx: &Ctx, origin: Origin, caller: &Caller, what: Ask) -> AppResult<bool> {
    let Some((mut w, ws, me)) = open(ctx, origin, caller).await? else {
        return Ok(false);
    };
    let prompt = match what {
        Ask::Add { shared } => match rules::may_create(&me.subject, shared, &me.toggles) {
            Ok(()) => TemplatePrompt::Add { shared },
            Err(denied) => {
                w.reply(caller, Notice::NotPermitted { denied }).await?;
                w.commit().await?;
                return Ok(false);
            }
        },
        Ask::Body(id) | Ask::Label(id) => {
            let Some(t) = load(&mut w, caller, &ws, &me, id, true).await? else {
                w.commit().await?;
                return Ok(false);
            };
            match what {
                Ask::Body(_) => TemplatePrompt::Body {
                    name: t.name,
                    body: t.body,
                },
                _ => TemplatePrompt::Label {
                    name: t.name,
                    category: t.category,
                },
            }
        }
    };
    w.effect(Effect::SendPrivate {
        user: caller.profile.id,
        notice: Notice::Templates(TemplateNotice::Prompt { ask: prompt }),
        fallback: None,
    })
    .await?;
    w.reply(caller, Notice::Ok).await?;
    w.commit().await?;
    Ok(true)
}
