//! Use cases. Each one opens one transaction ([`Work`]), loads what it needs, lets the domain
//! decide, and writes state, audit rows, timers and outbox effects together before committing.
//! Telegram is never called from here: effects are rows that the outbox dispatcher sends after
//! the commit, so a crash repeats at most the one send that was in flight.

pub mod effects;
pub mod routing;
pub mod sla;
pub mod tags;
pub mod team;
pub mod tickets;
pub mod workspaces;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::domain::ticket::TransitionError;
use crate::metrics::Metrics;
use crate::store::{self, audit, timers::TimerKind, users::Profile};
use effects::{Effect, Notice, ReplyTo};

/// Wake-up signals for the background loops, pulled after a commit that gave them work.
#[derive(Clone, Default)]
pub struct Wake {
    pub outbox: Arc<Notify>,
    pub timers: Arc<Notify>,
    pub inbox: Arc<Notify>,
}

/// What every use case needs: the database, the time, and the loops to wake.
#[derive(Clone)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub wake: Wake,
    pub metrics: Arc<Metrics>,
}

/// Why a use case runs: a Telegram update (claimed in the inbox inside the same transaction,
/// which makes handling exactly-once) or the daemon itself (timers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Update(i64),
    Internal,
}

/// The person acting, where to answer them, and whether it is their private chat.
#[derive(Debug, Clone)]
pub struct Caller {
    pub profile: Profile,
    pub private: bool,
    pub reply: ReplyTo,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Domain(#[from] TransitionError),
    #[error("not found")]
    NotFound,
    #[error("forbidden")]
    Forbidden,
    #[error("database: {0}")]
    Db(#[from] DbErr),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub type AppResult<T> = Result<T, AppError>;

/// One unit of work: a transaction plus the wake-ups owed after it commits.
pub struct Work {
    pub tx: DatabaseTransaction,
    pub now: DateTime<Utc>,
    wake: Wake,
    effects: bool,
    timers: bool,
    /// Workspaces whose waiting tickets may now find an agent; drained before the commit.
    reroute: std::collections::BTreeSet<i64>,
}

impl Work {
    /// Starts the transaction. For an update, claims it in the inbox first; `None` means it was
    /// handled already and the caller must do nothing.
    pub async fn begin(ctx: &Ctx, origin: Origin) -> AppResult<Option<Work>> {
        let tx = ctx.db.begin().await?;
        let now = ctx.clock.now();
        if let Origin::Update(id) = origin {
            if !store::inbox::claim(&tx, id, now).await? {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        Ok(Some(Work {
            tx,
            now,
            wake: ctx.wake.clone(),
            effects: false,
            timers: false,
            reroute: Default::default(),
        }))
    }

    pub async fn effect(&mut self, effect: Effect) -> AppResult<()> {
        // Every effect on a chat carries it, so the dispatcher keeps that chat's effects in
        // order (a ticket's card, rename and topic moves go to its topic's chat).
        let chat = match (effect.chat_hint(), effect.ticket()) {
            (Some(chat), _) => Some(chat),
            (None, Some(ticket)) => store::tickets::get(&self.tx, ticket)
                .await?
                .map(|t| t.chat_id),
            (None, None) => None,
        };
        let json = serde_json::to_string(&effect).map_err(|e| AppError::Unexpected(e.into()))?;
        // Wall-clock time, not `self.now`: the dispatcher waits in real time (Telegram's
        // retry_after is real seconds), whatever the injected clock says.
        store::outbox::enqueue(&self.tx, chat, json, chrono::Utc::now()).await?;
        self.effects = true;
        Ok(())
    }

    /// Answers the caller where they spoke: a message in the chat/topic, or a callback answer.
    /// What only staff may read never goes into a group (a ticket's topic is read by its
    /// customer): it goes to the caller privately, with a hint where they spoke if their private
    /// chat is closed to the bot.
    pub async fn reply(&mut self, caller: &Caller, notice: Notice) -> AppResult<()> {
        let effect = match &caller.reply {
            ReplyTo::Chat { chat, thread, .. }
                if notice.is_staff_only() && *chat != caller.profile.id =>
            {
                Effect::SendPrivate {
                    user: caller.profile.id,
                    notice,
                    fallback: Some((*chat, *thread)),
                }
            }
            ReplyTo::Chat {
                chat,
                thread,
                message,
            } => Effect::Send {
                chat: *chat,
                thread: *thread,
                reply_to: *message,
                notice,
            },
            ReplyTo::Callback { id } => Effect::AnswerCallback {
                id: id.clone(),
                alert: notice.is_alert(),
                notice: Some(notice),
            },
        };
        self.effect(effect).await
    }

    /// A new message in a chat, outside any topic (the staff chat, a private chat).
    pub async fn post(&mut self, chat: i64, notice: Notice) -> AppResult<()> {
        self.effect(Effect::Send {
            chat,
            thread: None,
            reply_to: None,
            notice,
        })
        .await
    }

    /// A private message to someone who is not the caller (they may never have started the
    /// bot; then Telegram refuses it and nothing else is tried).
    pub async fn tell(&mut self, user: i64, notice: Notice) -> AppResult<()> {
        self.effect(Effect::SendPrivate {
            user,
            notice,
            fallback: None,
        })
        .await
    }

    /// Replaces the screen a button was pressed on (and answers the press with a toast), or
    /// answers a command with the screen as a new message.
    pub async fn show(
        &mut self,
        caller: &Caller,
        screen: Option<(i64, i32)>,
        notice: Notice,
    ) -> AppResult<()> {
        match screen {
            Some((chat, message_id)) => {
                self.effect(Effect::Edit {
                    chat,
                    message_id,
                    notice,
                })
                .await?;
                self.reply(caller, Notice::Ok).await
            }
            None => self.reply(caller, notice).await,
        }
    }

    pub async fn audit(&mut self, entry: audit::Entry) -> AppResult<()> {
        audit::record(&self.tx, entry, self.now).await?;
        Ok(())
    }

    pub async fn set_timer(
        &mut self,
        kind: TimerKind,
        ticket: i64,
        due: DateTime<Utc>,
    ) -> AppResult<()> {
        store::timers::set(&self.tx, kind, ticket, due, self.now).await?;
        self.timers = true;
        Ok(())
    }

    pub async fn cancel_timer(&mut self, kind: TimerKind, ticket: i64) -> AppResult<()> {
        store::timers::cancel(&self.tx, kind, ticket).await?;
        Ok(())
    }

    /// Something in this workspace made room for a ticket or a ticket to route (a new ticket, a
    /// resolve, an agent back, a seat filled, a setting changed): routing runs before the commit.
    pub fn reroute(&mut self, workspace: i64) {
        self.reroute.insert(workspace);
    }

    /// Routes what became routable, commits, then wakes the loops that have new work.
    pub async fn commit(mut self) -> AppResult<()> {
        // Assignments made by a drain never make more room, so this ends; the bound is a guard.
        for _ in 0..8 {
            let Some(ws) = self.reroute.pop_first() else {
                break;
            };
            routing::drain(&mut self, ws).await?;
        }
        self.tx.commit().await?;
        if self.effects {
            self.wake.outbox.notify_one();
        }
        if self.timers {
            self.wake.timers.notify_one();
        }
        Ok(())
    }
}

/// Refuses a typed value: says what was wrong and commits. `false` tells the adapter to keep the
/// prompt open, so the next message is another try at the same value.
pub(crate) async fn refuse_input(mut w: Work, caller: &Caller, reason: String) -> AppResult<bool> {
    w.reply(caller, Notice::InvalidInput { reason }).await?;
    w.commit().await?;
    Ok(false)
}

/// The workspace a person acts in from their private chat: the one they chose last, or their
/// oldest membership.
pub async fn current_workspace<C: sea_orm::ConnectionTrait>(
    db: &C,
    user: i64,
) -> AppResult<Option<(entity::workspaces::Model, crate::domain::team::Role)>> {
    let memberships = store::users::memberships(db, user).await?;
    let chosen = store::users::get(db, user)
        .await?
        .and_then(|u| u.current_workspace_id);
    let pick = memberships
        .iter()
        .find(|m| Some(m.workspace_id) == chosen)
        .or_else(|| memberships.first());
    let Some(m) = pick else { return Ok(None) };
    let Some(ws) = store::workspaces::get(db, m.workspace_id).await? else {
        return Ok(None);
    };
    let Ok(role) = m.role.parse() else {
        return Ok(None);
    };
    Ok(Some((ws, role)))
}

/// Display name of a person: "First Last (@user)", or their id if the bot never saw them.
pub fn display_name(u: Option<&entity::users::Model>, id: i64) -> String {
    match u {
        Some(u) => {
            let mut s = u.first_name.clone();
            if let Some(l) = &u.last_name {
                s.push(' ');
                s.push_str(l);
            }
            if let Some(n) = &u.username {
                s.push_str(&format!(" (@{n})"));
            }
            s
        }
        None => format!("user {id}"),
    }
}
