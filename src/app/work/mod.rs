//! The prologue every use case shares, and the one module of `app/` that imports no area: the
//! context ([`Ctx`]), who calls ([`Caller`], [`access`]), the unit of work ([`Work`]: one
//! transaction, its audit rows, timers and outbox effects) and the changes it records for other
//! areas to react to when it commits ([`Changed`]).
//!
//! Areas never call each other back. When one area's change concerns another (the SLA clocks
//! after a status move, routing after a resolve), the change is recorded here and every
//! registered [`Reaction`] sees it at commit, inside the same transaction.

pub mod access;

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr, TransactionTrait};
use tokio::sync::Notify;

use entity::tickets::Model as Ticket;
use futures::future::BoxFuture;

use super::effects::{Effect, Invalid, Notice, ReplyTo};
use crate::clock::Clock;
use crate::domain::ticket::{Actor, TransitionError};
use crate::metrics::Metrics;
use crate::store::{self, audit, timers::TimerKind};

pub use crate::store::users::display_name;
pub use access::{current_workspace, Caller};

/// Wake-up signals for the background loops, pulled after a commit that gave them work.
#[derive(Clone, Default)]
pub struct Wake {
    pub outbox: Arc<Notify>,
    pub timers: Arc<Notify>,
    pub inbox: Arc<Notify>,
}

/// What every use case needs: the database, the time, the loops to wake, and the reactions
/// that run when a unit of work commits (built by `app::context`, which knows the areas).
#[derive(Clone)]
pub struct Ctx {
    pub db: DatabaseConnection,
    pub clock: Arc<dyn Clock>,
    pub wake: Wake,
    pub metrics: Arc<Metrics>,
    pub reactions: &'static [Reaction],
}

/// Something a unit of work changed that other areas may owe a reaction to.
#[derive(Debug, Clone)]
pub enum Changed {
    /// A ticket was created: its clocks start, routing takes it in, creation rules run.
    Created { ticket: i64 },
    /// A ticket moved (status, assignee, priority, first answer). `before` is the ticket as it
    /// was before its first move in this unit of work; `actor` and `note` are of the last move.
    Moved {
        before: Box<Ticket>,
        actor: Actor,
        note: Option<String>,
    },
    /// A ticket's group was connected again: what was dropped while it was read-only is armed.
    Rearmed { ticket: i64 },
    /// Something made room for routing in this workspace (a new ticket, a resolve, an agent
    /// back, a seat filled, a setting changed).
    Routable { workspace: i64 },
}

/// One area's reaction to a change, run at commit in the unit of work's transaction. A
/// reaction may record more changes; they run in turn.
pub type Reaction = for<'a> fn(&'a mut Work, &'a Changed) -> BoxFuture<'a, AppResult<()>>;

/// A guard against reactions feeding each other forever, far above what one unit of work
/// legitimately records (a reconnected group records one change per open ticket): reaching it
/// is a bug, and rolling back beats committing half of it.
const MAX_CHANGES: usize = 1_000_000;

/// Routing drains per commit, as before reactions existed: assignments made by a drain never
/// make more room, so a second drain of one workspace finds nothing; the bound is a guard.
const MAX_DRAINS: usize = 8;

/// Why a use case runs: a Telegram update (claimed in the inbox inside the same transaction,
/// which makes handling exactly-once) or the daemon itself (timers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Update(i64),
    Internal,
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
    /// The world's time when the work began (see [`Clock::wall`]).
    wall: DateTime<Utc>,
    wake: Wake,
    effects: bool,
    timers: bool,
    reactions: &'static [Reaction],
    /// Changes not yet reacted to, in the order they happened.
    changes: VecDeque<Changed>,
    /// Workspaces whose waiting tickets may now find an agent; routed after the other changes.
    reroute: BTreeSet<i64>,
}

impl Work {
    /// Starts the transaction. For an update, claims it in the inbox first; `None` means it was
    /// handled already and the caller must do nothing.
    pub async fn begin(ctx: &Ctx, origin: Origin) -> AppResult<Option<Work>> {
        let tx = ctx.db.begin().await?;
        let now = ctx.clock.now();
        let wall = ctx.clock.wall();
        if let Origin::Update(id) = origin {
            if !store::inbox::claim(&tx, id, now).await? {
                tx.rollback().await?;
                return Ok(None);
            }
        }
        Ok(Some(Work {
            tx,
            now,
            wall,
            wake: ctx.wake.clone(),
            effects: false,
            timers: false,
            reactions: ctx.reactions,
            changes: VecDeque::new(),
            reroute: BTreeSet::new(),
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
        // Wall time, not `self.now`: the dispatcher waits in real time (Telegram's
        // retry_after is real seconds), whatever the helpdesk's clock says.
        store::outbox::enqueue(&self.tx, chat, json, self.wall).await?;
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

    /// Something in this workspace made room for a ticket or a ticket to route: routing looks
    /// at it when this unit of work commits.
    pub fn reroute(&mut self, workspace: i64) {
        self.reroute.insert(workspace);
    }

    /// Records a change for the reactions. Moves of one ticket not yet reacted to are merged,
    /// keeping the state before the first: reactions see where the ticket came from and where
    /// it is now (time does not pass inside a unit of work, so nothing in between counts).
    pub fn record(&mut self, change: Changed) {
        if let Changed::Moved {
            before,
            actor,
            note,
        } = &change
        {
            let pending = self.changes.iter_mut().find_map(|c| match c {
                Changed::Moved {
                    before: b,
                    actor,
                    note,
                } if b.id == before.id => Some((actor, note)),
                _ => None,
            });
            if let Some((a, n)) = pending {
                // A person's move is kept over the system's: the rules a person's priority
                // change sets off must not depend on what the system did next.
                if matches!(actor, Actor::User(_)) || matches!(*a, Actor::System) {
                    *a = *actor;
                }
                if note.is_some() {
                    n.clone_from(note);
                }
                return;
            }
        }
        self.changes.push_back(change);
    }

    /// Runs the reactions owed to the changes so far, now, for a use case that must show a
    /// ticket as they leave it (its SLA lines after a priority change). Routing reacts to the
    /// moves (notices, alerts) but its drain waits for the commit. Whoever holds a ticket
    /// across this must read it again.
    pub async fn settle(&mut self) -> AppResult<()> {
        Box::pin(self.react(false)).await
    }

    /// Runs every reaction on every change until nothing is left to react to; with `route`,
    /// routing last.
    async fn react(&mut self, route: bool) -> AppResult<()> {
        let reactions = self.reactions;
        let (mut changes, mut drains) = (0usize, 0usize);
        loop {
            let change = match self.changes.pop_front() {
                Some(c) => c,
                None if route && drains < MAX_DRAINS => match self.reroute.pop_first() {
                    Some(workspace) => {
                        drains += 1;
                        Changed::Routable { workspace }
                    }
                    None => return Ok(()),
                },
                None => return Ok(()),
            };
            changes += 1;
            if changes > MAX_CHANGES {
                return Err(AppError::Unexpected(anyhow::anyhow!(
                    "reactions did not settle after {MAX_CHANGES} changes"
                )));
            }
            for react in reactions {
                react(self, &change).await?;
            }
        }
    }

    /// Runs the reactions, commits, then wakes the loops that have new work.
    pub async fn commit(mut self) -> AppResult<()> {
        self.react(true).await?;
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
pub(crate) async fn refuse_input(
    mut w: Work,
    caller: &Caller,
    problem: impl Into<Invalid>,
) -> AppResult<bool> {
    let problem = problem.into();
    w.reply(caller, Notice::InputRefused { problem }).await?;
    w.commit().await?;
    Ok(false)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::Utc;
    use entity::kinds::{TicketPriority, TicketStatus};

    use super::*;
    use crate::clock::ManualClock;
    use crate::domain::ids::UserId;

    fn ticket(id: i64, priority: TicketPriority) -> Ticket {
        let now = Utc::now();
        Ticket {
            id,
            workspace_id: 1,
            number: id,
            chat_id: -1_001_000_000_001,
            thread_id: 7,
            subject: "s".into(),
            customer_id: 5,
            status: TicketStatus::Open,
            priority,
            assignee_id: None,
            card_message_id: None,
            topic_renamed: false,
            topic_deleted_at: None,
            csat_score: None,
            created_at: now,
            updated_at: now,
            first_response_at: None,
            resolved_at: None,
            closed_at: None,
            last_customer_message_at: None,
            skill: None,
            category_id: None,
            intake_until: None,
            unassigned_alerted: false,
            first_response_due: None,
            resolution_due: None,
            resolution_used_secs: 0,
            resolution_since: None,
            sla_fired: 0,
            escalation_level: 0,
            waiting_since: None,
            escalated_unassigned: 0,
        }
    }

    /// Two moves of one ticket before any reaction are one change: the state before the first,
    /// a person's move over the system's (the rules a person's priority change sets off must
    /// not depend on what the system did next), the last note given.
    #[tokio::test]
    async fn moves_of_one_ticket_merge_keeping_the_first_state_and_the_persons_move() {
        let db = crate::store::connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        let ctx = Ctx {
            db,
            clock: Arc::new(ManualClock::new(Utc::now())),
            wake: Wake::default(),
            metrics: Arc::default(),
            reactions: &[],
        };
        let mut w = Work::begin(&ctx, Origin::Internal)
            .await
            .expect("begin")
            .expect("internal work always begins");
        let person = Actor::User(UserId(9));
        w.record(Changed::Moved {
            before: Box::new(ticket(1, TicketPriority::Normal)),
            actor: person,
            note: Some("first".into()),
        });
        w.record(Changed::Moved {
            before: Box::new(ticket(1, TicketPriority::High)),
            actor: Actor::System,
            note: None,
        });
        w.record(Changed::Moved {
            before: Box::new(ticket(2, TicketPriority::Low)),
            actor: Actor::System,
            note: None,
        });
        let moved: Vec<_> = w
            .changes
            .iter()
            .map(|c| match c {
                Changed::Moved {
                    before,
                    actor,
                    note,
                } => (before.id, before.priority, *actor, note.clone()),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            moved,
            vec![
                (1, TicketPriority::Normal, person, Some("first".into())),
                (2, TicketPriority::Low, Actor::System, None),
            ]
        );
    }
}
