//! `/settings` → Knowledge base: the articles (a page at a time), one article with Edit and
//! Delete, the typed articles, and the external search (URL and bearer token; the token is
//! encrypted with the master key and never shown again, and the message that carried it is
//! deleted from the private chat). Admins only; every change audited.

use super::{token_purpose, Searcher};
use crate::app::effects::{Effect, KbHit, KbNotice, KbPrompt, Notice, ReplyTo};
use crate::app::work::access::{begin_for, member_entry};
use crate::app::work::{AppError, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::kb::{self, KbProblem};
use crate::domain::permissions::Perm;
use crate::store::{self, kb::ExternalField};

/// Articles per page of the list.
const PER_PAGE: u64 = 8;

/// A change on the knowledge-base screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KbChange {
    List {
        page: u16,
    },
    View(i64),
    /// A typed new article.
    Add(String),
    /// A typed replacement of article `id`.
    Edit(i64, String),
    Delete(i64),
    External,
    ExternalUrl(String),
    /// A typed token (the message that carried it is deleted).
    ExternalToken(String),
    ExternalClear,
}

fn kb(n: KbNotice) -> Notice {
    Notice::Kb(n)
}

/// Says what was wrong with a typed value and keeps the prompt open (`false`).
async fn refuse(mut w: Work, caller: &Caller, problem: KbProblem) -> AppResult<bool> {
    w.reply(caller, kb(KbNotice::Refused { problem })).await?;
    w.commit().await?;
    Ok(false)
}

/// `/settings` → Knowledge base and its screens. `false`: a typed value was refused.
pub async fn kb_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: KbChange,
    screen: Option<(i64, i32)>,
    searcher: &Searcher,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    let show = match change {
        KbChange::List { page } => Show::List(page),
        KbChange::View(id) => Show::Article(id),
        KbChange::Add(text) => {
            if store::kb::count(&w.tx, ws.id).await? >= kb::MAX_ARTICLES {
                let problem = KbProblem::TooManyArticles {
                    max: kb::MAX_ARTICLES,
                };
                return refuse(w, caller, problem).await;
            }
            let article = match kb::parse_article(&text) {
                Ok(a) => a,
                Err(problem) => return refuse(w, caller, problem).await,
            };
            let saved = store::kb::insert(&w.tx, ws.id, &article, w.now).await?;
            let new = Some(kb::format_article(&article));
            w.audit(member_entry(ws.id, me, "kb.article_added", None, new))
                .await?;
            Show::Article(saved.id)
        }
        KbChange::Edit(id, text) => {
            let article = match kb::parse_article(&text) {
                Ok(a) => a,
                Err(problem) => return refuse(w, caller, problem).await,
            };
            match store::kb::update(&w.tx, ws.id, id, &article, w.now).await? {
                Some(old) => {
                    let old = kb::format_article(&store::kb::article_of(&old));
                    let new = kb::format_article(&article);
                    if old != new {
                        let entry =
                            member_entry(ws.id, me, "kb.article_edited", Some(old), Some(new));
                        w.audit(entry).await?;
                    }
                    Show::Article(id)
                }
                None => Show::Gone,
            }
        }
        KbChange::Delete(id) => match store::kb::delete(&w.tx, ws.id, id).await? {
            Some(old) => {
                let old = Some(kb::format_article(&store::kb::article_of(&old)));
                w.audit(member_entry(ws.id, me, "kb.article_deleted", old, None))
                    .await?;
                Show::List(0)
            }
            None => Show::Gone,
        },
        KbChange::External => Show::External,
        KbChange::ExternalUrl(text) => {
            let Some(url) = kb::check_url(&text) else {
                return refuse(w, caller, KbProblem::BadUrl).await;
            };
            let old = store::kb::settings(&w.tx, ws.id)
                .await?
                .and_then(|s| s.external_url);
            if old.as_deref() != Some(url.as_str()) {
                let value = Some(url.clone());
                store::kb::set_external(&w.tx, ws.id, ExternalField::Url, value, w.now).await?;
                let entry = member_entry(ws.id, me, "settings.kb_external_url", old, Some(url));
                w.audit(entry).await?;
            }
            Show::External
        }
        KbChange::ExternalToken(text) => {
            // The token must not stay readable in the chat: its message goes first.
            if let ReplyTo::Chat {
                chat,
                message: Some(message_id),
                ..
            } = caller.reply
            {
                w.effect(Effect::DeleteMessage { chat, message_id }).await?;
            }
            let token = match kb::check_token(&text) {
                Ok(t) => t,
                Err(problem) => return refuse(w, caller, problem).await,
            };
            let sealed = searcher
                .key()
                .encrypt(&token_purpose(ws.id), &token)
                .map_err(|e| AppError::Unexpected(e.into()))?;
            let had = store::kb::settings(&w.tx, ws.id)
                .await?
                .is_some_and(|s| s.external_token.is_some());
            let field = ExternalField::Token;
            store::kb::set_external(&w.tx, ws.id, field, Some(sealed), w.now).await?;
            // The audit says that the token changed, never what it is.
            let old = had.then(|| "(a token)".to_owned());
            let entry = member_entry(
                ws.id,
                me,
                "settings.kb_external_token",
                old,
                Some("(a new token)".to_owned()),
            );
            w.audit(entry).await?;
            Show::External
        }
        KbChange::ExternalClear => {
            if let Some(old) = store::kb::settings(&w.tx, ws.id).await? {
                if old.external_url.is_some() || old.external_token.is_some() {
                    for field in [ExternalField::Url, ExternalField::Token] {
                        store::kb::set_external(&w.tx, ws.id, field, None, w.now).await?;
                    }
                    let mut entry = member_entry(
                        ws.id,
                        me,
                        "settings.kb_external_url",
                        old.external_url,
                        None,
                    );
                    if old.external_token.is_some() {
                        entry.note = Some("token removed".to_owned());
                    }
                    w.audit(entry).await?;
                }
            }
            Show::External
        }
    };
    let notice = match show {
        Show::Gone => {
            w.reply(caller, Notice::ButtonExpired).await?;
            return w.commit().await.map(|()| true);
        }
        Show::List(page) => articles(&w, ws.id, page).await?,
        Show::Article(id) => match store::kb::get(&w.tx, ws.id, id).await? {
            Some(a) => {
                let tags = store::kb::article_of(&a).tags;
                kb(KbNotice::Article {
                    id: a.id,
                    title: a.title,
                    body: a.body,
                    tags,
                    url: a.url,
                })
            }
            None => {
                w.reply(caller, Notice::ButtonExpired).await?;
                return w.commit().await.map(|()| true);
            }
        },
        Show::External => {
            let s = store::kb::settings(&w.tx, ws.id).await?;
            kb(KbNotice::External {
                url: s.as_ref().and_then(|s| s.external_url.clone()),
                token_set: s.is_some_and(|s| s.external_token.is_some()),
            })
        }
    };
    w.show(caller, screen, notice).await?;
    w.commit().await?;
    Ok(true)
}

/// Which screen a change leads to.
enum Show {
    List(u16),
    Article(i64),
    External,
    /// The article is not (or no longer) one of this workspace's.
    Gone,
}

/// One page of the list (the last one when `page` is past it).
async fn articles(w: &Work, workspace: i64, page: u16) -> AppResult<Notice> {
    let count = store::kb::count(&w.tx, workspace).await?;
    let pages = count.div_ceil(PER_PAGE).max(1);
    let page = u64::from(page).min(pages - 1);
    let list = store::kb::page(&w.tx, workspace, page, PER_PAGE).await?;
    let external = store::kb::settings(&w.tx, workspace)
        .await?
        .is_some_and(|s| s.external_url.is_some());
    Ok(kb(KbNotice::Articles {
        count,
        page: u32::try_from(page).unwrap_or(u32::MAX),
        pages: u32::try_from(pages).unwrap_or(u32::MAX),
        articles: list
            .into_iter()
            .map(|a| KbHit {
                id: a.id,
                title: a.title,
                url: a.url,
            })
            .collect(),
        external,
    }))
}

/// Asks for an article or an external search value as free text. `false` when not asked (no
/// right, or the article is gone).
pub async fn ask(ctx: &Ctx, origin: Origin, caller: &Caller, what: KbPrompt) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(false);
    };
    let what = match what {
        KbPrompt::EditArticle { id, .. } => match store::kb::get(&w.tx, ws.id, id).await? {
            Some(a) => KbPrompt::EditArticle {
                id,
                current: kb::format_article(&store::kb::article_of(&a)),
            },
            None => {
                w.reply(caller, Notice::ButtonExpired).await?;
                w.commit().await?;
                return Ok(false);
            }
        },
        other => other,
    };
    w.effect(Effect::SendPrivate {
        user: caller.profile.id,
        notice: kb(KbNotice::Prompt { what }),
        fallback: None,
    })
    .await?;
    w.reply(caller, Notice::Ok).await?;
    w.commit().await?;
    Ok(true)
}
