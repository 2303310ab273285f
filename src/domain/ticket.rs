//! The ticket lifecycle as a pure function.
//!
//! A ticket's workflow is the one place where a subtle bug silently corrupts
//! support history (a ticket that is "in progress" with nobody on it, a
//! closed ticket that jumps back to "assigned" on a stray message). So the
//! rules live here, in one table-shaped function with no IO:
//! [`TicketState::apply`] takes the current state and a [`Command`] and
//! either refuses it ([`TransitionError`]) or returns the [`Event`]s that
//! describe what changed; [`TicketState::evolve`] folds those events into the
//! next state. The caller persists the events/state and talks to Telegram.
//!
//! There is deliberately no time here: the lifecycle has no time-based rules
//! of its own. Timestamps (when an event happened, when to auto-close) are the
//! caller's job; auto-close is modelled as `Close { by: Actor::System }`,
//! issued by whoever tracks the clock.
//!
//! Transition table (anything not listed is refused with
//! [`TransitionError::NotAllowed`]):
//!
//! | from | to | how |
//! |---|---|---|
//! | open | assigned | `Claim` (assignee := claimer), `Assign` |
//! | assigned | open | `Unassign` |
//! | open, assigned | in_progress | `AgentReplied` (an unassigned ticket is then assigned to that agent) |
//! | in_progress | pending | `MarkPending` |
//! | pending | in_progress | `CustomerReplied` |
//! | open, assigned, in_progress, pending | resolved | `Resolve` (an unassigned ticket is assigned to the resolver) |
//! | resolved | in_progress / open | `CustomerReplied` or `Reopen`: in_progress if it has an assignee, else open |
//! | resolved | closed | `Close` (by a user or by the system) |
//! | closed | assigned / open | `Reopen`: assigned if it has an assignee, else open |
//!
//! Non-moving outcomes are documented on each [`Command`] variant.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::ids::UserId;

/// Where a ticket is in its lifecycle.
///
/// Two spellings exist on purpose: [`Status::as_str`] (`"in_progress"`) is
/// the stable machine form used in storage, serde and logs; `Display`
/// (`"in progress"`) is the human form for cards and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// New, nobody has taken it.
    Open,
    /// Someone owns it but hasn't answered yet.
    Assigned,
    /// An agent is working on it / has answered.
    InProgress,
    /// Waiting for the customer.
    Pending,
    /// The agent considers it done; the customer may still reply.
    Resolved,
    /// Finished for good (until an agent reopens it).
    Closed,
}

impl Status {
    /// Every status, in lifecycle order — for menus, filters and exhaustive
    /// tests.
    pub const ALL: [Status; 6] = [
        Status::Open,
        Status::Assigned,
        Status::InProgress,
        Status::Pending,
        Status::Resolved,
        Status::Closed,
    ];

    /// The stable machine name (same as the serde form); store this, not
    /// `Display`, because human wording may change.
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Pending => "pending",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// The human wording used by `Display`.
    const fn human(self) -> &'static str {
        match self {
            Status::InProgress => "in progress",
            other => other.as_str(),
        }
    }

    /// "an open", "a pending", … — for error messages that read as English.
    const fn with_article(self) -> &'static str {
        match self {
            Status::Open => "an open",
            Status::Assigned => "an assigned",
            Status::InProgress => "an in-progress",
            Status::Pending => "a pending",
            Status::Resolved => "a resolved",
            Status::Closed => "a closed",
        }
    }
}

/// Human form: `open`, `assigned`, `in progress`, `pending`, `resolved`,
/// `closed`.
impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.human())
    }
}

/// A string that is not a [`Status`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown ticket status {0:?}; expected one of open, assigned, in_progress, pending, resolved, closed"
)]
pub struct ParseStatusError(pub String);

/// Accepts the machine form (`in_progress`) and the human form
/// (`in progress`), case-insensitively, so both a database column and text
/// a person typed after reading a card parse.
impl FromStr for Status {
    type Err = ParseStatusError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| s.eq_ignore_ascii_case(st.as_str()) || s.eq_ignore_ascii_case(st.human()))
            .ok_or_else(|| ParseStatusError(s.to_owned()))
    }
}

/// How urgent a ticket is. Ordered: `Low < Normal < High < Urgent`, so
/// sorting by priority works directly.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    /// New tickets start here; most tickets never change it.
    #[default]
    Normal,
    High,
    Urgent,
}

impl Priority {
    /// Every priority, lowest first — for the priority picker.
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Normal,
        Priority::High,
        Priority::Urgent,
    ];

    /// The stable machine name (same as the serde form and `Display`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Normal => "normal",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A string that is not a [`Priority`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown priority {0:?}; expected one of low, normal, high, urgent")]
pub struct ParsePriorityError(pub String);

/// Case-insensitive, because agents type `/priority High` as often as
/// `/priority high`.
impl FromStr for Priority {
    type Err = ParsePriorityError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Priority::ALL
            .into_iter()
            .find(|p| s.eq_ignore_ascii_case(p.as_str()))
            .ok_or_else(|| ParsePriorityError(s.to_owned()))
    }
}

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

    /// "can't <this> a closed ticket" wording.
    fn refusal(self, from: Status) -> String {
        let ticket = from.with_article();
        match self {
            Action::MarkPending => format!("can't mark {ticket} ticket as pending"),
            Action::SetPriority => format!("can't change the priority of {ticket} ticket"),
            other => format!("can't {} {ticket} ticket", other.as_str()),
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

/// Why a command was refused. Its `Display` is written to be sent to the
/// agent as-is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action isn't possible from this status. `allowed` is exactly
    /// [`TicketState::allowed_actions`] for the refused state, so the reply
    /// can suggest what to do instead.
    #[error("{}", not_allowed_message(*.from, *.action, .allowed))]
    NotAllowed {
        from: Status,
        action: Action,
        allowed: Vec<Action>,
    },
    /// Claim/Assign to the person who already holds the ticket. Separate
    /// from `NotAllowed` because the action itself is fine — it just has
    /// nothing to do, and the user deserves a specific answer.
    #[error("this ticket is already assigned to user {0}")]
    AlreadyAssigned(UserId),
}

fn not_allowed_message(from: Status, action: Action, allowed: &[Action]) -> String {
    let mut msg = action.refusal(from);
    if allowed.is_empty() {
        msg.push_str("; no actions are available");
    } else {
        msg.push_str("; allowed: ");
        let commands: Vec<String> = allowed.iter().map(|a| format!("/{}", a.as_str())).collect();
        msg.push_str(&commands.join(", "));
    }
    msg
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const A: UserId = UserId(1);
    const B: UserId = UserId(2);

    fn state(status: Status, assignee: Option<UserId>) -> TicketState {
        TicketState {
            status,
            assignee,
            priority: Priority::Normal,
        }
    }

    fn handover() -> Option<String> {
        Some("handover".to_owned())
    }

    /// The columns of the exhaustive table below. `A` is the current holder
    /// (when there is one), `B` another agent.
    fn columns() -> Vec<Command> {
        vec![
            Command::Claim { by: A },
            Command::Claim { by: B },
            Command::Assign {
                to: A,
                by: B,
                note: None,
            },
            Command::Assign {
                to: B,
                by: A,
                note: handover(),
            },
            Command::Unassign { by: A },
            Command::AgentReplied { by: B },
            Command::CustomerReplied,
            Command::MarkPending { by: A },
            Command::Resolve { by: B },
            Command::Close { by: Actor::User(B) },
            Command::Close { by: Actor::System },
            Command::Reopen { by: B },
            Command::SetPriority {
                to: Priority::High,
                by: A,
            },
            Command::SetPriority {
                to: Priority::Normal,
                by: A,
            },
        ]
    }

    /// Turns a table cell into the expected result.
    ///
    /// - `no`: `NotAllowed` (with `allowed` = `allowed_actions`)
    /// - `dup`: `AlreadyAssigned(A)`
    /// - `ok`: `Ok(vec![])`
    /// - otherwise space-separated events: `@A`/`@B`/`@-` assignee change
    ///   (note taken from the command), `>status` status change, `!high`
    ///   priority change from normal.
    fn expected(cell: &str, from: TicketState, cmd: &Command) -> Result<Vec<Event>, String> {
        match cell {
            "no" => {
                let action = cmd.action().ok_or("messages are never refused")?;
                return Err(format!("no:{}", action.as_str()));
            }
            "dup" => return Err("dup".into()),
            "ok" => return Ok(vec![]),
            _ => {}
        }
        let note = match cmd {
            Command::Assign { note, .. } => note.clone(),
            _ => None,
        };
        cell.split(' ')
            .map(|tok| {
                if let Some(who) = tok.strip_prefix('@') {
                    let to = match who {
                        "A" => Some(A),
                        "B" => Some(B),
                        "-" => None,
                        other => return Err(format!("bad assignee {other}")),
                    };
                    Ok(Event::AssigneeChanged {
                        from: from.assignee,
                        to,
                        note: note.clone(),
                    })
                } else if let Some(st) = tok.strip_prefix('>') {
                    Ok(Event::StatusChanged {
                        from: from.status,
                        to: st.parse().map_err(|e| format!("{e}"))?,
                    })
                } else if let Some(p) = tok.strip_prefix('!') {
                    Ok(Event::PriorityChanged {
                        from: from.priority,
                        to: p.parse().map_err(|e| format!("{e}"))?,
                    })
                } else {
                    Err(format!("bad token {tok}"))
                }
            })
            .collect()
    }

    /// Normalizes an actual result into the same shape as [`expected`].
    fn actual(from: TicketState, cmd: &Command) -> Result<Vec<Event>, String> {
        match from.apply(cmd) {
            Ok(events) => Ok(events),
            Err(TransitionError::NotAllowed {
                from: f,
                action,
                allowed,
            }) => {
                assert_eq!(f, from.status);
                assert_eq!(Some(action), cmd.action());
                assert_eq!(allowed, from.allowed_actions());
                Err(format!("no:{}", action.as_str()))
            }
            Err(TransitionError::AlreadyAssigned(who)) => {
                assert_eq!(Some(who), from.assignee);
                Err("dup".into())
            }
        }
    }

    #[test]
    fn every_status_assignee_command_combination() {
        use Status::*;
        // Columns: claim A | claim B | assign A | assign B (note) | unassign |
        // agent B replied | customer replied | pending | resolve by B |
        // close (user) | close (system) | reopen | priority high | priority normal
        #[rustfmt::skip]
        let table: &[(Status, Option<UserId>, [&str; 14])] = &[
            (Open, None, ["@A >assigned", "@B >assigned", "@A >assigned", "@B >assigned", "no",
                "@B >in_progress", "ok", "no", "@B >resolved", "no", "no", "no", "!high", "ok"]),
            // Not reachable from a new ticket; rules still apply literally.
            (Open, Some(A), ["dup", "@B >assigned", "dup", "@B >assigned", "no",
                ">in_progress", "ok", "no", ">resolved", "no", "no", "no", "!high", "ok"]),
            // Not reachable; a reassignment/unassign brings it back in line.
            (Assigned, None, ["@A", "@B", "@A", "@B", ">open",
                "@B >in_progress", "ok", "no", "@B >resolved", "no", "no", "no", "!high", "ok"]),
            (Assigned, Some(A), ["dup", "@B", "dup", "@B", "@- >open",
                ">in_progress", "ok", "no", ">resolved", "no", "no", "no", "!high", "ok"]),
            // Not reachable.
            (InProgress, None, ["@A", "@B", "@A", "@B", "no",
                "ok", "ok", ">pending", "@B >resolved", "no", "no", "no", "!high", "ok"]),
            (InProgress, Some(A), ["dup", "@B", "dup", "@B", "no",
                "ok", "ok", ">pending", ">resolved", "no", "no", "no", "!high", "ok"]),
            // Not reachable.
            (Pending, None, ["@A", "@B", "@A", "@B", "no",
                "ok", ">in_progress", "no", "@B >resolved", "no", "no", "no", "!high", "ok"]),
            (Pending, Some(A), ["dup", "@B", "dup", "@B", "no",
                "ok", ">in_progress", "no", ">resolved", "no", "no", "no", "!high", "ok"]),
            (Resolved, None, ["no", "no", "no", "no", "no",
                "ok", ">open", "no", "no", ">closed", ">closed", ">open", "!high", "ok"]),
            (Resolved, Some(A), ["no", "no", "no", "no", "no",
                "ok", ">in_progress", "no", "no", ">closed", ">closed", ">in_progress", "!high", "ok"]),
            (Closed, None, ["no", "no", "no", "no", "no",
                "ok", "ok", "no", "no", "no", "no", ">open", "no", "no"]),
            (Closed, Some(A), ["no", "no", "no", "no", "no",
                "ok", "ok", "no", "no", "no", "no", ">assigned", "no", "no"]),
        ];

        let cols = columns();
        let mut covered = 0;
        for status in Status::ALL {
            for assignee in [None, Some(A)] {
                let row = table
                    .iter()
                    .find(|(s, a, _)| *s == status && *a == assignee)
                    .map(|(_, _, cells)| cells);
                let Some(cells) = row else {
                    panic!("table lacks a row for {status:?} / {assignee:?}");
                };
                let from = state(status, assignee);
                for (cell, cmd) in cells.iter().zip(&cols) {
                    assert_eq!(
                        actual(from, cmd),
                        expected(cell, from, cmd),
                        "{status:?} / assignee {assignee:?} / {cmd:?}"
                    );
                    covered += 1;
                }
            }
        }
        assert_eq!(covered, Status::ALL.len() * 2 * cols.len());
    }

    #[test]
    fn reassign_keeps_status_and_carries_note() {
        for status in [Status::Assigned, Status::InProgress, Status::Pending] {
            let from = state(status, Some(A));
            let cmd = Command::Assign {
                to: B,
                by: A,
                note: handover(),
            };
            let events = from.apply(&cmd);
            assert_eq!(
                events,
                Ok(vec![Event::AssigneeChanged {
                    from: Some(A),
                    to: Some(B),
                    note: handover(),
                }])
            );
            let next = from.evolve(&events.unwrap_or_default());
            assert_eq!(next.status, status);
            assert_eq!(next.assignee, Some(B));
        }
    }

    #[test]
    fn claim_on_open_assigns_claimer_assignee_event_first() {
        let events = TicketState::new().apply(&Command::Claim { by: B });
        assert_eq!(
            events,
            Ok(vec![
                Event::AssigneeChanged {
                    from: None,
                    to: Some(B),
                    note: None
                },
                Event::StatusChanged {
                    from: Status::Open,
                    to: Status::Assigned
                },
            ])
        );
    }

    #[test]
    fn resolve_of_unassigned_ticket_assigns_the_resolver() {
        let from = TicketState::new();
        let events = from.apply(&Command::Resolve { by: B }).unwrap_or_default();
        let next = from.evolve(&events);
        assert_eq!(next.status, Status::Resolved);
        assert_eq!(next.assignee, Some(B));

        // With an assignee, the resolver doesn't take it over.
        let from = state(Status::InProgress, Some(A));
        let events = from.apply(&Command::Resolve { by: B }).unwrap_or_default();
        assert_eq!(from.evolve(&events).assignee, Some(A));
    }

    #[test]
    fn reopen_branches() {
        let cases = [
            (Status::Resolved, Some(A), Status::InProgress),
            (Status::Resolved, None, Status::Open),
            (Status::Closed, Some(A), Status::Assigned),
            (Status::Closed, None, Status::Open),
        ];
        for (status, assignee, to) in cases {
            let from = state(status, assignee);
            let events = from.apply(&Command::Reopen { by: B });
            assert_eq!(
                events,
                Ok(vec![Event::StatusChanged { from: status, to }]),
                "{status:?} {assignee:?}"
            );
            // Reopening never changes who owns the ticket.
            assert_eq!(from.evolve(&events.unwrap_or_default()).assignee, assignee);
        }
    }

    #[test]
    fn agent_reply_keeps_existing_assignee() {
        let from = state(Status::Assigned, Some(A));
        let events = from.apply(&Command::AgentReplied { by: B });
        assert_eq!(
            events,
            Ok(vec![Event::StatusChanged {
                from: Status::Assigned,
                to: Status::InProgress
            }])
        );
    }

    #[test]
    fn error_messages_read_as_english() {
        let closed = state(Status::Closed, Some(A));
        let err = closed.apply(&Command::Resolve { by: A }).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("can't resolve a closed ticket; allowed: /reopen")
        );

        let open = TicketState::new();
        let err = open.apply(&Command::MarkPending { by: A }).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("can't mark an open ticket as pending; allowed: /claim, /assign, /resolve, /priority")
        );

        let err = closed
            .apply(&Command::SetPriority {
                to: Priority::High,
                by: A,
            })
            .err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("can't change the priority of a closed ticket; allowed: /reopen")
        );

        let err = state(Status::Assigned, Some(A))
            .apply(&Command::Claim { by: A })
            .err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("this ticket is already assigned to user 1")
        );
    }

    #[test]
    fn status_and_priority_strings() {
        for s in Status::ALL {
            assert_eq!(s.as_str().parse(), Ok(s));
            assert_eq!(s.to_string().parse(), Ok(s));
            assert_eq!(s.as_str().to_uppercase().parse(), Ok(s));
        }
        assert_eq!(Status::InProgress.to_string(), "in progress");
        assert_eq!(Status::InProgress.as_str(), "in_progress");
        assert!("done".parse::<Status>().is_err());
        assert!("".parse::<Status>().is_err());

        for p in Priority::ALL {
            assert_eq!(p.as_str().parse(), Ok(p));
            assert_eq!(p.to_string().to_uppercase().parse(), Ok(p));
        }
        assert_eq!("HiGh".parse(), Ok(Priority::High));
        assert!("critical".parse::<Priority>().is_err());
        assert_eq!(Priority::default(), Priority::Normal);
        assert!(Priority::Low < Priority::Urgent);

        let names: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        assert_eq!(
            names,
            ["claim", "assign", "unassign", "pending", "resolve", "close", "reopen", "priority"]
        );
    }

    #[test]
    fn serde_forms_match_as_str() -> Result<(), serde::de::value::Error> {
        use serde::de::IntoDeserializer;
        for s in Status::ALL {
            let back = Status::deserialize(s.as_str().into_deserializer())?;
            assert_eq!(back, s);
        }
        for p in Priority::ALL {
            let back = Priority::deserialize(p.as_str().into_deserializer())?;
            assert_eq!(back, p);
        }
        Ok(())
    }

    /// Every command an agent could issue from `from` for `action`, with
    /// actors chosen so at least one is not the current holder.
    fn commands_for(action: Action) -> Vec<Command> {
        let people = [A, B, UserId(3)];
        match action {
            Action::Claim => people.iter().map(|&by| Command::Claim { by }).collect(),
            Action::Assign => people
                .iter()
                .map(|&to| Command::Assign {
                    to,
                    by: A,
                    note: None,
                })
                .collect(),
            Action::Unassign => vec![Command::Unassign { by: A }],
            Action::MarkPending => vec![Command::MarkPending { by: A }],
            Action::Resolve => vec![Command::Resolve { by: A }],
            Action::Close => vec![
                Command::Close { by: Actor::User(A) },
                Command::Close { by: Actor::System },
            ],
            Action::Reopen => vec![Command::Reopen { by: A }],
            Action::SetPriority => Priority::ALL
                .into_iter()
                .map(|to| Command::SetPriority { to, by: A })
                .collect(),
        }
    }

    #[test]
    fn allowed_actions_is_consistent_with_apply() {
        for status in Status::ALL {
            for assignee in [None, Some(A), Some(B)] {
                for priority in Priority::ALL {
                    let from = TicketState {
                        status,
                        assignee,
                        priority,
                    };
                    let allowed = from.allowed_actions();
                    assert_eq!(allowed, allowed_actions(&from));
                    assert!(!allowed.is_empty(), "{from:?} is a dead end");
                    for action in Action::ALL {
                        let cmds = commands_for(action);
                        for cmd in &cmds {
                            assert_eq!(cmd.action(), Some(action));
                            let refused =
                                matches!(from.apply(cmd), Err(TransitionError::NotAllowed { .. }));
                            assert_eq!(refused, !allowed.contains(&action), "{from:?} {cmd:?}");
                        }
                        if allowed.contains(&action) {
                            // "Allowed" means it really can succeed for someone.
                            assert!(
                                cmds.iter().any(|c| from.apply(c).is_ok()),
                                "{from:?}: {action:?} listed but never succeeds"
                            );
                        }
                    }
                    for cmd in [Command::AgentReplied { by: B }, Command::CustomerReplied] {
                        assert!(from.apply(&cmd).is_ok(), "messages are never refused");
                    }
                }
            }
        }
    }

    /// The status edges of the transition table in the module docs.
    fn legal_edge(from: Status, to: Status) -> bool {
        use Status::*;
        matches!(
            (from, to),
            (Open, Assigned)
                | (Assigned, Open)
                | (Open | Assigned, InProgress)
                | (InProgress, Pending)
                | (Pending, InProgress)
                | (Open | Assigned | InProgress | Pending, Resolved)
                | (Resolved, InProgress | Open | Closed)
                | (Closed, Assigned | Open)
                // Release: the assignee left the workspace.
                | (InProgress | Pending, Open)
        )
    }

    fn actor() -> impl Strategy<Value = UserId> {
        (1_i64..=3).prop_map(UserId)
    }

    fn priority() -> impl Strategy<Value = Priority> {
        prop::sample::select(Priority::ALL.to_vec())
    }

    fn command() -> impl Strategy<Value = Command> {
        prop_oneof![
            actor().prop_map(|by| Command::Claim { by }),
            (actor(), actor(), prop::option::of("[a-z]{0,8}"))
                .prop_map(|(to, by, note)| Command::Assign { to, by, note }),
            actor().prop_map(|by| Command::Unassign { by }),
            actor().prop_map(|by| Command::AgentReplied { by }),
            Just(Command::CustomerReplied),
            actor().prop_map(|by| Command::MarkPending { by }),
            actor().prop_map(|by| Command::Resolve { by }),
            prop_oneof![actor().prop_map(Actor::User), Just(Actor::System)]
                .prop_map(|by| Command::Close { by }),
            actor().prop_map(|by| Command::Reopen { by }),
            (priority(), actor()).prop_map(|(to, by)| Command::SetPriority { to, by }),
            Just(Command::Release { by: Actor::System }),
        ]
    }

    fn check_invariants(s: &TicketState) -> Result<(), TestCaseError> {
        match s.status {
            Status::Open => prop_assert!(s.assignee.is_none(), "open with assignee: {s:?}"),
            Status::Assigned | Status::InProgress | Status::Pending => {
                prop_assert!(s.assignee.is_some(), "{s:?} without assignee")
            }
            Status::Resolved | Status::Closed => {}
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn random_histories_only_visit_legal_states(cmds in prop::collection::vec(command(), 0..60)) {
            let mut s = TicketState::new();
            check_invariants(&s)?;
            for cmd in &cmds {
                match s.apply(cmd) {
                    Ok(events) => {
                        // Events describe real changes, from the current
                        // values, assignee before status, at most one each.
                        let mut cursor = s;
                        let mut seen_status = false;
                        let mut seen_assignee = false;
                        for event in &events {
                            match event {
                                Event::StatusChanged { from, to } => {
                                    prop_assert!(!seen_status);
                                    seen_status = true;
                                    prop_assert_eq!(*from, cursor.status);
                                    prop_assert!(legal_edge(*from, *to), "illegal edge {:?} -> {:?} via {:?}", from, to, cmd);
                                }
                                Event::AssigneeChanged { from, to, .. } => {
                                    prop_assert!(!seen_assignee && !seen_status, "assignee event out of order");
                                    seen_assignee = true;
                                    prop_assert_eq!(*from, cursor.assignee);
                                    prop_assert_ne!(from, to);
                                }
                                Event::PriorityChanged { from, to } => {
                                    prop_assert_eq!(*from, cursor.priority);
                                    prop_assert_ne!(from, to);
                                    prop_assert!(matches!(cmd, Command::SetPriority { .. }), "priority changed by {:?}", cmd);
                                }
                            }
                            cursor = cursor.evolve(std::slice::from_ref(event));
                        }
                        let next = s.evolve(&events);
                        // Folding all at once == folding one by one.
                        prop_assert_eq!(next, cursor);
                        check_invariants(&next)?;
                        if events.is_empty() {
                            prop_assert_eq!(next, s);
                        }
                        s = next;
                    }
                    Err(err) => {
                        // A refusal changes nothing: the caller keeps `s`,
                        // and retrying gives the same answer.
                        prop_assert_eq!(s.apply(cmd), Err(err.clone()));
                        if let TransitionError::NotAllowed { from, allowed, .. } = &err {
                            prop_assert_eq!(*from, s.status);
                            prop_assert_eq!(allowed, &s.allowed_actions());
                        }
                        check_invariants(&s)?;
                    }
                }
            }
        }
    }

    #[cfg(test)]
    mod release_tests {
        use super::*;

        fn worked(status: Status) -> TicketState {
            TicketState {
                status,
                assignee: Some(UserId(7)),
                priority: Priority::High,
            }
        }

        #[test]
        fn release_returns_worked_tickets_to_the_queue() {
            for status in [Status::Assigned, Status::InProgress, Status::Pending] {
                let s = worked(status);
                let events = s
                    .apply(&Command::Release { by: Actor::System })
                    .expect("never refused");
                assert_eq!(
                    events,
                    vec![
                        Event::AssigneeChanged {
                            from: Some(UserId(7)),
                            to: None,
                            note: None
                        },
                        Event::StatusChanged {
                            from: status,
                            to: Status::Open
                        },
                    ]
                );
                let next = s.evolve(&events);
                assert_eq!(
                    (next.status, next.assignee, next.priority),
                    (Status::Open, None, Priority::High)
                );
            }
        }

        #[test]
        fn release_leaves_other_tickets_alone() {
            for status in [Status::Open, Status::Resolved, Status::Closed] {
                let s = TicketState {
                    status,
                    assignee: None,
                    priority: Priority::Normal,
                };
                assert_eq!(s.apply(&Command::Release { by: Actor::System }), Ok(vec![]));
            }
            let resolved = worked(Status::Resolved);
            assert_eq!(
                resolved.apply(&Command::Release { by: Actor::System }),
                Ok(vec![])
            );
        }
    }
}
