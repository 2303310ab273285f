//! The lifecycle rules: what a [`Command`] does to a [`TicketState`].
//!
//! [`TicketState::apply`] decides — it refuses a command ([`TransitionError`]) or returns the
//! [`Event`]s that describe what changed — and [`TicketState::evolve`] folds events into the next
//! state. Beside them are the words the rules speak: who issued a command ([`Actor`]) and the
//! user-facing [`Action`]s that a refusal suggests and a ticket card shows ([`allowed_actions`]).
//!
//! The transition table these rules implement, and why there is no time here, are in the `ticket`
//! module docs. The statuses and priorities themselves live in `status.rs`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::status::{Priority, Status};
use crate::domain::ids::UserId;

/// Who issued a command. `System` exists only for automatic actions
/// (auto-close), so audit logs can tell them apart from people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Actor {
    User(UserId),
    System,
}

/// The part of a ticket the lifecycle rules look at. Everything else
/// (subject, customer, topic, timestamps) is irrelevant to the decisions and
/// stays out so the rules can be tested over every possible state.
///
/// Invariants kept by [`TicketState::apply`] from [`TicketState::new`]:
/// `Open` has no assignee; `Assigned`, `InProgress` and `Pending` have one;
/// `Resolved`/`Closed` may have either. `apply` accepts states that break
/// these (e.g. from a hand-edited database) and applies the rules literally —
/// it does not repair them beyond what a command naturally does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TicketState {
    pub status: Status,
    pub assignee: Option<UserId>,
    pub priority: Priority,
}

impl TicketState {
    /// A brand-new ticket: open, unassigned, normal priority.
    pub const fn new() -> Self {
        TicketState {
            status: Status::Open,
            assignee: None,
            priority: Priority::Normal,
        }
    }
}

impl Default for TicketState {
    fn default() -> Self {
        Self::new()
    }
}

/// Something that happened (or was asked for) in a ticket.
///
/// User-driven commands carry the acting agent so callers can authorize and
/// audit with the same value they pass to [`TicketState::apply`]; the rules
/// themselves only use the actor where it becomes the assignee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// An agent takes the ticket. From `open` → `assigned`; from
    /// `assigned`/`in_progress`/`pending` it is a reassignment (status
    /// stays). Claiming a ticket you already hold → `AlreadyAssigned`;
    /// on `resolved`/`closed` → `NotAllowed`.
    Claim { by: UserId },
    /// `by` gives the ticket to `to`. Same rules as `Claim`; `note` travels
    /// on the resulting `AssigneeChanged` event (e.g. a handover message).
    Assign {
        to: UserId,
        by: UserId,
        note: Option<String>,
    },
    /// Give an `assigned` ticket back to the queue (`open`). Refused once
    /// work has started (`in_progress`/`pending`): reassign instead.
    Unassign { by: UserId },
    /// Not a command: an agent wrote a reply in the topic. Moves `open` and
    /// `assigned` to `in_progress` (an unassigned ticket becomes the
    /// replier's). Anywhere else it is only logged: `Ok(vec![])`. Never
    /// refused, because a message has already been sent.
    AgentReplied { by: UserId },
    /// Not a command: the customer wrote in the topic. `pending` →
    /// `in_progress`; `resolved` → `in_progress` (or `open` without an
    /// assignee). In `open`/`assigned`/`in_progress` nothing moves. In
    /// `closed` nothing moves either (Telegram stops customers writing in
    /// closed topics; if a message slips through, an agent reopens).
    /// Never refused.
    CustomerReplied,
    /// Now waiting for the customer: `in_progress` → `pending` only.
    MarkPending { by: UserId },
    /// Done: from `open`/`assigned`/`in_progress`/`pending` → `resolved`.
    /// An unassigned ticket becomes the resolver's, so every resolved
    /// ticket has someone to credit (and to return to if the customer
    /// replies).
    Resolve { by: UserId },
    /// `resolved` → `closed` only; `Actor::System` is auto-close.
    Close { by: Actor },
    /// `resolved` → `in_progress` (or `open` if unassigned);
    /// `closed` → `assigned` (or `open` if unassigned). A reopened closed
    /// ticket lands in `assigned`, not `in_progress`, because nobody has
    /// answered since it was reopened.
    Reopen { by: UserId },
    /// Allowed in every status except `closed`. Setting the current
    /// priority again is `Ok(vec![])`, not an error — double-tapped buttons
    /// shouldn't produce error messages.
    SetPriority { to: Priority, by: UserId },
    /// Not a command an agent types: the assignee left the workspace (or their seat was
    /// removed), so a ticket still being worked — `assigned`, `in_progress`, `pending` — goes
    /// back to the queue (`open`, no assignee). Anywhere else nothing moves. Never refused,
    /// because the person is already gone.
    Release { by: Actor },
}

impl Command {
    /// The user-facing action this command is, or `None` for the two
    /// message-driven ones that can never be refused.
    pub const fn action(&self) -> Option<Action> {
        match self {
            Command::Claim { .. } => Some(Action::Claim),
            Command::Assign { .. } => Some(Action::Assign),
            Command::Unassign { .. } => Some(Action::Unassign),
            Command::MarkPending { .. } => Some(Action::MarkPending),
            Command::Resolve { .. } => Some(Action::Resolve),
            Command::Close { .. } => Some(Action::Close),
            Command::Reopen { .. } => Some(Action::Reopen),
            Command::SetPriority { .. } => Some(Action::SetPriority),
            Command::AgentReplied { .. } | Command::CustomerReplied | Command::Release { .. } => {
                None
            }
        }
    }
}

/// The user-facing actions an agent can take — what a refusal lists as
/// alternatives and what decides which buttons a ticket card shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    Claim,
    Assign,
    Unassign,
    MarkPending,
    Resolve,
    Close,
    Reopen,
    SetPriority,
}

impl Action {
    /// Every action, in the order `allowed_actions` lists them.
    pub const ALL: [Action; 8] = [
        Action::Claim,
        Action::Assign,
        Action::Unassign,
        Action::MarkPending,
        Action::Resolve,
        Action::Close,
        Action::Reopen,
        Action::SetPriority,
    ];

    /// The bot command name without the slash (`"pending"` for
    /// `MarkPending`, `"priority"` for `SetPriority`), so a refusal can say
    /// "allowed: /claim, /resolve" and the bot's command list and this enum
    /// can't drift apart unnoticed.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Claim => "claim",
            Action::Assign => "assign",
            Action::Unassign => "unassign",
            Action::MarkPending => "pending",
            Action::Resolve => "resolve",
            Action::Close => "close",
            Action::Reopen => "reopen",
            Action::SetPriority => "priority",
        }
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A fact produced by [`TicketState::apply`]. Events only describe real
/// changes (`from != to`), and carry `from` so an audit log can be read
/// without replaying. When one command changes both the assignee and the
/// status, `AssigneeChanged` comes first ("claimed by X, now assigned").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    StatusChanged {
        from: Status,
        to: Status,
    },
    AssigneeChanged {
        from: Option<UserId>,
        to: Option<UserId>,
        note: Option<String>,
    },
    PriorityChanged {
        from: Priority,
        to: Priority,
    },
}

/// Why a command was refused, as data: the refused action, the status it met and what is
/// allowed instead, so each adapter can word its own answer (a Telegram reply, an HTTP 409).
/// `Display` is a terse form for logs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action isn't possible from this status. `allowed` is exactly
    /// [`TicketState::allowed_actions`] for the refused state, so the reply
    /// can suggest what to do instead.
    #[error("{action} not allowed from status {}", .from.as_str())]
    NotAllowed {
        from: Status,
        action: Action,
        allowed: Vec<Action>,
    },
    /// Claim/Assign to the person who already holds the ticket. Separate
    /// from `NotAllowed` because the action itself is fine — it just has
    /// nothing to do, and the user deserves a specific answer.
    #[error("already assigned to user {0}")]
    AlreadyAssigned(UserId),
}

/// The actions that would not be refused with `NotAllowed` from `state`
/// (free-function form of [`TicketState::allowed_actions`]).
pub fn allowed_actions(state: &TicketState) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|&a| action_allowed(state.status, a))
        .collect()
}

/// The table of which action is possible from which status. `apply` asks
/// this before anything else, which is what keeps `allowed_actions` and
/// `apply` consistent by construction.
const fn action_allowed(status: Status, action: Action) -> bool {
    use Status::*;
    match action {
        Action::Claim | Action::Assign | Action::Resolve => {
            matches!(status, Open | Assigned | InProgress | Pending)
        }
        Action::Unassign => matches!(status, Assigned),
        Action::MarkPending => matches!(status, InProgress),
        Action::Close => matches!(status, Resolved),
        Action::Reopen => matches!(status, Resolved | Closed),
        Action::SetPriority => !matches!(status, Closed),
    }
}

impl TicketState {
    /// Decides what `cmd` does to this ticket, without changing it.
    ///
    /// Returns the events to persist/announce (possibly none: a no-op such
    /// as a customer message in an open ticket), or why the command is
    /// refused. A refusal means nothing changes. Feed the events to
    /// [`TicketState::evolve`] to get the next state.
    pub fn apply(&self, cmd: &Command) -> Result<Vec<Event>, TransitionError> {
        use Status::*;

        if let Some(action) = cmd.action() {
            if !action_allowed(self.status, action) {
                return Err(TransitionError::NotAllowed {
                    from: self.status,
                    action,
                    allowed: self.allowed_actions(),
                });
            }
        }

        // From here on the status is one the action is allowed from, so the
        // arms below only distinguish among those.
        let events = match cmd {
            Command::Claim { by } => self.take(*by, None)?,
            Command::Assign { to, note, .. } => self.take(*to, note.clone())?,
            Command::Unassign { .. } => self.change(None, None, Open),
            Command::AgentReplied { by } => match self.status {
                Open | Assigned => self.change(self.assignee.or(Some(*by)), None, InProgress),
                InProgress | Pending | Resolved | Closed => Vec::new(),
            },
            Command::CustomerReplied => match self.status {
                Pending => self.change(self.assignee, None, InProgress),
                Resolved => self.change(self.assignee, None, self.reopened_from_resolved()),
                Open | Assigned | InProgress | Closed => Vec::new(),
            },
            Command::MarkPending { .. } => self.change(self.assignee, None, Pending),
            Command::Resolve { by } => self.change(self.assignee.or(Some(*by)), None, Resolved),
            Command::Close { .. } => self.change(self.assignee, None, Closed),
            Command::Reopen { .. } => {
                let to = match self.status {
                    Resolved => self.reopened_from_resolved(),
                    // Closed (the only other status Reopen is allowed from).
                    _ if self.assignee.is_some() => Assigned,
                    _ => Open,
                };
                self.change(self.assignee, None, to)
            }
            Command::Release { .. } => match self.status {
                Assigned | InProgress | Pending => self.change(None, None, Open),
                Open | Resolved | Closed => Vec::new(),
            },
            Command::SetPriority { to, .. } if *to == self.priority => Vec::new(),
            Command::SetPriority { to, .. } => vec![Event::PriorityChanged {
                from: self.priority,
                to: *to,
            }],
        };
        Ok(events)
    }

    /// Folds events into the next state.
    ///
    /// Events are facts, so this never refuses or validates: it is also how
    /// a state is rebuilt from a stored event log. Use it only with events
    /// from [`TicketState::apply`] (or a log of them).
    pub fn evolve(&self, events: &[Event]) -> TicketState {
        let mut next = *self;
        for event in events {
            match event {
                Event::StatusChanged { to, .. } => next.status = *to,
                Event::AssigneeChanged { to, .. } => next.assignee = *to,
                Event::PriorityChanged { to, .. } => next.priority = *to,
            }
        }
        next
    }

    /// The actions that would not be refused with `NotAllowed` right now —
    /// which buttons to show on the ticket card, and what a refusal
    /// suggests. It depends only on the status; a Claim/Assign listed here
    /// can still fail with `AlreadyAssigned` for the current holder.
    pub fn allowed_actions(&self) -> Vec<Action> {
        allowed_actions(self)
    }

    /// Claim/Assign once the status is known to allow it: a fresh assignment
    /// from `open`, a reassignment (status unchanged) otherwise.
    fn take(&self, to: UserId, note: Option<String>) -> Result<Vec<Event>, TransitionError> {
        if self.assignee == Some(to) {
            return Err(TransitionError::AlreadyAssigned(to));
        }
        let status = match self.status {
            Status::Open => Status::Assigned,
            other => other,
        };
        Ok(self.change(Some(to), note, status))
    }

    /// Where a customer reply or a reopen takes a resolved ticket: back to
    /// its agent if it has one, otherwise back to the queue.
    fn reopened_from_resolved(&self) -> Status {
        if self.assignee.is_some() {
            Status::InProgress
        } else {
            Status::Open
        }
    }

    /// The events for moving to (`assignee`, `status`), emitting only what
    /// actually changes, assignee first.
    fn change(&self, assignee: Option<UserId>, note: Option<String>, status: Status) -> Vec<Event> {
        let mut events = Vec::with_capacity(2);
        if assignee != self.assignee {
            events.push(Event::AssigneeChanged {
                from: self.assignee,
                to: assignee,
                note,
            });
        }
        if status != self.status {
            events.push(Event::StatusChanged {
                from: self.status,
                to: status,
            });
        }
        events
    }
}
