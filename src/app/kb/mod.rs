//! The knowledge base (SPEC §9): articles an Admin writes in `/settings`, ranked full-text
//! search over them, `/kb <query>` in a ticket's topic, the article an agent picks posted into
//! the topic and linked to the ticket, and up to three suggestions on a new ticket's staff-chat
//! line.
//!
//! `/kb` is staff talk in the customer's topic, so the command is deleted before anything else
//! is sent there (the outbox keeps one chat's effects in order, and the delete is written
//! first), and the matches go to the agent privately. A workspace's external search is asked
//! after the command is claimed and its message deleted, off the update's path: the answer with
//! the merged results follows within the external search's timeout, and no other update waits
//! for it. (Were the daemon to stop in those two seconds, that one answer would not be sent: the
//! agent types `/kb` again.)
//!
//! Suggestions come from the ticket's subject, plus its first message when that message is what
//! created the ticket (a topic the bot never saw created). A ticket created by its topic's
//! creation is announced at once, before its first message exists, so its suggestions come from
//! the subject alone: waiting for the first message would delay the announcement, and a second
//! post would double the staff chat's noise. External results are never suggested (they would
//! hold the ticket's creation up to the external timeout).

pub mod external;
pub mod screens;

use std::sync::Arc;

use entity::workspaces::Model as Workspace;

pub use external::{ExternalConfig, Searcher};
pub use screens::{ask, kb_screen, KbChange};

use crate::app::effects::{Effect, ExternalHit, KbHit, KbNotice, Notice};
use crate::app::lifecycle::agent_ticket;
use crate::app::work::access::{authorize, begin, take_out_of_group};
use crate::app::work::{AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::kb::query_terms;
use crate::domain::permissions::Perm;
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry};

/// Local articles `/kb` lists.
const MAX_MATCHES: u64 = 5;
/// Articles suggested on a new ticket.
const MAX_SUGGESTIONS: u64 = 3;
/// Characters of the query repeated to the agent.
const MAX_QUERY_SHOWN: usize = 100;

/// The purpose an external search token is encrypted for (its row), so a token copied to
/// another workspace's row does not decrypt there.
pub(crate) fn token_purpose(workspace: i64) -> String {
    format!("kb_settings.external_token:{workspace}")
}

/// Up to three articles for a new ticket, from its subject and first message.
pub(crate) async fn suggestions<C: sea_orm::ConnectionTrait>(
    db: &C,
    workspace: i64,
    text: &str,
) -> AppResult<Vec<KbHit>> {
    let hits = store::kb::search(db, workspace, &query_terms(text), MAX_SUGGESTIONS).await?;
    Ok(hits.into_iter().map(hit).collect())
}

fn hit(h: store::kb::Hit) -> KbHit {
    KbHit {
        id: h.id,
        title: h.title,
        url: h.url,
    }
}

/// The workspace's external search, decrypted; `None` when none is set (or its token cannot
/// be read: that is logged once, and the search goes on without it).
async fn external_of(
    w: &Work,
    ws: &Workspace,
    searcher: &Searcher,
) -> AppResult<Option<ExternalConfig>> {
    let Some(s) = store::kb::settings(&w.tx, ws.id).await? else {
        return Ok(None);
    };
    let Some(url) = s.external_url else {
        return Ok(None);
    };
    let token = match s.external_token {
        None => None,
        Some(stored) => match searcher.key().decrypt(&token_purpose(ws.id), &stored) {
            Ok(t) => Some(t),
            Err(_) => {
                searcher.note(ws.id, Some(external::Trouble::Token));
                return Ok(None);
            }
        },
    };
    Ok(Some(ExternalConfig { url, token }))
}

/// `/kb <query>` in a ticket's topic.
#[allow(clippy::too_many_arguments)]
pub async fn kb_command(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    thread: i32,
    message_id: i32,
    query: &str,
    searcher: &Arc<Searcher>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    // A member's command leaves the customer's topic before anything else is sent there. A
    // customer's `/kb` is theirs: it stays, and they are told it is for agents.
    take_out_of_group(&mut w, caller, chat, message_id).await?;
    let Some((t, ws)) = agent_ticket(&mut w, caller, chat, thread).await? else {
        return w.commit().await;
    };
    let terms = query_terms(query);
    if terms.is_empty() {
        w.reply(caller, Notice::Kb(KbNotice::Usage)).await?;
        return w.commit().await;
    }
    let hits: Vec<KbHit> = store::kb::search(&w.tx, ws.id, &terms, MAX_MATCHES)
        .await?
        .into_iter()
        .map(hit)
        .collect();
    let answer = Answer {
        user: caller.profile.id,
        chat,
        thread,
        ticket: t.id,
        number: t.number,
        query: query.trim().chars().take(MAX_QUERY_SHOWN).collect(),
        hits,
    };
    let Some(cfg) = external_of(&w, &ws, searcher).await? else {
        answer.send(&mut w, Vec::new()).await?;
        return w.commit().await;
    };
    w.commit().await?;
    // The external search runs off the update's path; the merged answer follows.
    let (ctx, searcher, query) = (ctx.clone(), searcher.clone(), query.to_owned());
    let workspace = ws.id;
    tokio::spawn(async move {
        let external = searcher.search(workspace, &cfg, &query).await;
        if let Err(e) = answer.finish(&ctx, external).await {
            tracing::error!(error = %e, "cannot send the /kb answer");
        }
    });
    Ok(())
}

/// `/kb`'s private answer, waiting for the external results.
struct Answer {
    user: i64,
    chat: i64,
    thread: i32,
    ticket: i64,
    number: i64,
    query: String,
    hits: Vec<KbHit>,
}

impl Answer {
    async fn send(self, w: &mut Work, external: Vec<ExternalHit>) -> AppResult<()> {
        w.effect(Effect::SendPrivate {
            user: self.user,
            notice: Notice::Kb(KbNotice::Matches {
                ticket: self.ticket,
                number: self.number,
                query: self.query,
                hits: self.hits,
                external,
            }),
            fallback: Some((self.chat, Some(self.thread))),
        })
        .await
    }

    async fn finish(self, ctx: &Ctx, external: Vec<ExternalHit>) -> AppResult<()> {
        let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
            return Ok(());
        };
        self.send(&mut w, external).await?;
        w.commit().await
    }
}

/// A press on an article's button (from `/kb` or a new ticket's suggestions): the article goes
/// into the ticket's topic, once, and is linked to the ticket.
pub async fn post_article(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    ticket: i64,
    article: i64,
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
    let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
    if !store::tickets::is_live(&w.tx, &t).await? {
        w.reply(caller, Notice::TicketReadOnly { number: t.number })
            .await?;
        return w.commit().await;
    }
    // The article must be of the ticket's workspace: another workspace's id finds nothing.
    let Some(a) = store::kb::get(&w.tx, ws.id, article).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    if !store::kb::link(&w.tx, ws.id, t.id, a.id, caller.profile.id, w.now).await? {
        let notice = Notice::Kb(KbNotice::AlreadyPosted { number: t.number });
        w.reply(caller, notice).await?;
        return w.commit().await;
    }
    w.audit(Entry {
        workspace_id: ws.id,
        ticket_id: Some(t.id),
        actor: Actor::User(UserId(caller.profile.id)),
        action: "ticket.kb_article_posted",
        old_value: None,
        new_value: Some(a.title.clone()),
        note: Some(format!("article {}", a.id)),
    })
    .await?;
    w.effect(Effect::Send {
        chat: t.chat_id,
        thread: Some(t.thread_id),
        reply_to: None,
        notice: Notice::Kb(KbNotice::Post {
            title: a.title,
            body: a.body,
            url: a.url,
        }),
    })
    .await?;
    w.reply(caller, Notice::Kb(KbNotice::Posted { number: t.number }))
        .await?;
    w.commit().await
}
