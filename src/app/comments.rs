//! Internal comments (SPEC §7): a ticket's threaded notes that only staff read. Written with
//! `/note` in the topic (the command is deleted there before anything else is sent), `/comment`
//! in the private chat, or by replying to a message the bot sent about a comment (privately or in
//! the staff chat); read with `/notes`, `/ticket` and the `ticket_<id>` deep link.
//!
//! A comment's text goes to its author privately and to the staff chat, and nowhere else: the
//! answers of this module never go into a ticket's topic, which the customer reads.

use std::collections::HashMap;

use entity::comments::Model as Comment;
use entity::tickets::Model as Ticket;
use entity::workspaces::Model as Workspace;

use super::effects::{CommentNotice, CommentOn, CommentRow, Effect, Notice};
use super::lifecycle::agent_ticket;
use super::work::access::{authorize, begin, begin_for, subject};
use super::work::{display_name, AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry, comments::NewComment};

/// A file sent with a `/note` caption or as a reply, kept by its Telegram file id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// `photo` or `document`.
    pub kind: String,
    pub file_id: String,
}

/// The most characters of a comment kept in its audit row (the comment itself keeps all).
const AUDIT_CHARS: usize = 500;

/// `/note <text>` (or a photo or document captioned `/note …`) in a ticket's topic.
pub async fn note(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    at: (i64, i32, i32),
    text: &str,
    file: Option<Attachment>,
) -> AppResult<()> {
    let (chat, thread, message_id) = at;
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    // First of all, the command leaves the topic: the customer must not read it, whoever typed
    // it and whatever is answered next.
    if store::groups::get(&w.tx, chat).await?.is_some() {
        w.effect(Effect::DeleteMessage { chat, message_id }).await?;
    }
    let Some((ticket, ws)) = agent_ticket(&mut w, caller, chat, thread).await? else {
        return w.commit().await;
    };
    let text = text.trim();
    if text.is_empty() && file.is_none() {
        w.reply(caller, Notice::Comments(CommentNotice::NoteUsage))
            .await?;
        return w.commit().await;
    }
    let to_author = Some((chat, Some(thread)));
    add(&mut w, &ws, &ticket, caller, None, text, file, to_author).await?;
    w.commit().await
}

/// `/comment <number> <text>` in the private chat.
pub async fn comment(ctx: &Ctx, origin: Origin, caller: &Caller, args: &str) -> AppResult<()> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::WorkTickets).await? else {
        return Ok(());
    };
    let parsed = args
        .trim()
        .split_once(char::is_whitespace)
        .and_then(|(n, text)| {
            let n = n.trim_start_matches('#').parse::<i64>().ok()?;
            Some((n, text.trim())).filter(|(_, t)| !t.is_empty())
        });
    let Some((number, text)) = parsed else {
        w.reply(caller, Notice::Comments(CommentNotice::CommentUsage))
            .await?;
        return w.commit().await;
    };
    let Some(ticket) = store::tickets::by_number(&w.tx, ws.id, number).await? else {
        let notice = CommentNotice::NoTicket {
            number: Some(number),
        };
        w.reply(caller, Notice::Comments(notice)).await?;
        return w.commit().await;
    };
    add(&mut w, &ws, &ticket, caller, None, text, None, None).await?;
    w.commit().await
}

/// `/comment` typed in a group: deleted there (its text may be meant for staff only), and the
/// writer told privately where comments are written.
pub async fn comment_in_group(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    message_id: i32,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    w.effect(Effect::DeleteMessage { chat, message_id }).await?;
    w.reply(caller, Notice::Comments(CommentNotice::UsePrivateChat))
        .await?;
    w.commit().await
}

/// A message replying to one the bot sent. When that message was about a comment, the reply is
/// a child comment and `true` is returned; otherwise nothing is done (not even the update
/// claimed) and the message is for the other handlers.
pub async fn reply(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    at: (i64, i32),
    replied: i32,
    text: &str,
    file: Option<Attachment>,
) -> AppResult<bool> {
    let (chat, message_id) = at;
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(true);
    };
    let Some(parent) = store::comments::by_message(&w.tx, chat, replied).await? else {
        // Dropped, the unit of work rolls back: the update is the next handler's to claim.
        return Ok(false);
    };
    let Some(ws) = store::workspaces::get(&w.tx, parent.workspace_id).await? else {
        return Ok(false);
    };
    let in_staff_chat = ws.staff_chat_id == Some(chat);
    if !caller.private && !in_staff_chat {
        // The staff chat was unlinked since: its old lines are plain messages now.
        return Ok(false);
    }
    if !caller.private
        && subject(&w.tx, &ws, caller.profile.id, w.now)
            .await?
            .is_none()
    {
        // Someone in the staff chat who is not on the team: their chatter is not a comment.
        w.commit().await?;
        return Ok(true);
    }
    if !authorize(&mut w, caller, &ws, Perm::WorkTickets).await? {
        w.commit().await?;
        return Ok(true);
    }
    let Some(ticket) = store::tickets::get(&w.tx, parent.ticket_id)
        .await?
        .filter(|t| t.workspace_id == ws.id)
    else {
        return Ok(false);
    };
    let text = text.trim();
    if text.is_empty() && file.is_none() {
        w.reply(caller, Notice::Comments(CommentNotice::CommentUsage))
            .await?;
        return w.commit().await.map(|()| true);
    }
    // The writer's own message joins the thread too: a reply to it continues there.
    let child = if in_staff_chat {
        // The reply is already in the staff chat for all to read: no line repeats it.
        insert(&mut w, &ws, &ticket, caller, Some(parent.id), text, file).await?
    } else {
        add(
            &mut w,
            &ws,
            &ticket,
            caller,
            Some(parent.id),
            text,
            file,
            None,
        )
        .await?
    };
    store::comments::remember_message(&w.tx, chat, message_id, &child).await?;
    w.commit().await?;
    Ok(true)
}

/// Stores a comment, audits it, confirms it to its author privately (`to_author` is where to
/// hint when their private chat is closed to the bot) and posts it to the staff chat.
#[allow(clippy::too_many_arguments)]
async fn add(
    w: &mut Work,
    ws: &Workspace,
    ticket: &Ticket,
    caller: &Caller,
    parent: Option<i64>,
    text: &str,
    file: Option<Attachment>,
    to_author: Option<(i64, Option<i32>)>,
) -> AppResult<Comment> {
    let c = insert(w, ws, ticket, caller, parent, text, file).await?;
    let on = comment_on(ticket);
    let saved = CommentNotice::Saved {
        on: on.clone(),
        text: c.body.clone(),
        file: c.file_kind.clone(),
        is_reply: parent.is_some(),
    };
    w.effect(Effect::SendComment {
        chat: caller.profile.id,
        comment: c.id,
        notice: Notice::Comments(saved),
        fallback: to_author,
    })
    .await?;
    if let Some(staff) = ws.staff_chat_id {
        let line = CommentNotice::StaffLine {
            on,
            author: display_name(
                store::users::get(&w.tx, caller.profile.id).await?.as_ref(),
                caller.profile.id,
            ),
            text: c.body.clone(),
            file: c.file_kind.clone(),
            is_reply: parent.is_some(),
        };
        w.effect(Effect::SendComment {
            chat: staff,
            comment: c.id,
            notice: Notice::Comments(line),
            fallback: None,
        })
        .await?;
    }
    Ok(c)
}

/// Stores and audits a comment, telling no one.
async fn insert(
    w: &mut Work,
    ws: &Workspace,
    ticket: &Ticket,
    caller: &Caller,
    parent: Option<i64>,
    text: &str,
    file: Option<Attachment>,
) -> AppResult<Comment> {
    let c = store::comments::insert(
        &w.tx,
        NewComment {
            workspace_id: ws.id,
            ticket_id: ticket.id,
            parent_id: parent,
            author_id: caller.profile.id,
            body: text.to_owned(),
            file: file.map(|f| (f.kind, f.file_id)),
        },
        w.now,
    )
    .await?;
    w.audit(Entry {
        workspace_id: ws.id,
        ticket_id: Some(ticket.id),
        actor: Actor::User(UserId(caller.profile.id)),
        action: "comment.add",
        old_value: None,
        new_value: Some(text.chars().take(AUDIT_CHARS).collect()),
        note: Some(match parent {
            Some(p) => format!("comment {} (reply to {p})", c.id),
            None => format!("comment {}", c.id),
        }),
    })
    .await?;
    Ok(c)
}

fn comment_on(t: &Ticket) -> CommentOn {
    CommentOn {
        ticket: t.id,
        number: t.number,
        subject: t.subject.clone(),
        chat: t.chat_id,
        thread: t.thread_id,
    }
}

/// Which ticket `/notes`, `/ticket` or the deep link asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// `/notes <number>`, `/ticket <number>`: in the caller's current workspace. The command's
    /// name is kept for the usage answer.
    Number { command: String, args: String },
    /// `/start ticket_<id>`: in whichever workspace the ticket is, if the caller is on its team.
    Id(String),
}

/// `/notes`, `/ticket` (`details`: the ticket's details first, as `/info` shows them) and
/// `/start ticket_<id>`, in the private chat.
pub async fn show(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    which: Which,
    details: bool,
) -> AppResult<()> {
    let (mut w, ws, ticket) = match which {
        Which::Number { command, args } => {
            let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::WorkTickets).await? else {
                return Ok(());
            };
            let Ok(number) = args.trim().trim_start_matches('#').parse::<i64>() else {
                let notice = CommentNotice::TicketUsage { command };
                w.reply(caller, Notice::Comments(notice)).await?;
                return w.commit().await;
            };
            let Some(t) = store::tickets::by_number(&w.tx, ws.id, number).await? else {
                let notice = CommentNotice::NoTicket {
                    number: Some(number),
                };
                w.reply(caller, Notice::Comments(notice)).await?;
                return w.commit().await;
            };
            (w, ws, t)
        }
        Which::Id(id) => {
            let Some(mut w) = begin(ctx, origin, caller).await? else {
                return Ok(());
            };
            let found = match id.trim().parse::<i64>() {
                Ok(id) => store::tickets::get(&w.tx, id).await?,
                Err(_) => None,
            };
            let found = match found {
                Some(t) => store::workspaces::get(&w.tx, t.workspace_id)
                    .await?
                    .map(|ws| (t, ws)),
                None => None,
            };
            // A ticket of a workspace the caller is not on is answered exactly like a ticket
            // that does not exist: ids are not a way to learn what other teams have.
            let member = match &found {
                Some((_, ws)) => subject(&w.tx, ws, caller.profile.id, w.now)
                    .await?
                    .is_some(),
                None => false,
            };
            let Some((t, ws)) = found.filter(|_| member) else {
                let notice = CommentNotice::NoTicket { number: None };
                w.reply(caller, Notice::Comments(notice)).await?;
                return w.commit().await;
            };
            if !authorize(&mut w, caller, &ws, Perm::WorkTickets).await? {
                return w.commit().await;
            }
            (w, ws, t)
        }
    };
    if details {
        let summary = store::summary::ticket(&w.tx, &ticket, w.now).await?;
        w.reply(caller, Notice::TicketInfo { ticket: summary })
            .await?;
    }
    let (rows, total) = store::comments::of_ticket(&w.tx, ws.id, ticket.id).await?;
    let comments = thread_rows(&w, newest_that_fit(rows)).await?;
    let notice = CommentNotice::Thread {
        on: comment_on(&ticket),
        comments,
        total,
        zone: ws.time_zone.clone(),
    };
    w.reply(caller, Notice::Comments(notice)).await?;
    w.commit().await
}

/// About how much of one Telegram message a thread view may fill with comments (the rest is
/// its header and markup): past it, a message would be cut at its end, where the newest are.
const THREAD_BUDGET: usize = 3400;

/// The newest comments whose text fits [`THREAD_BUDGET`] (always the newest one), oldest first.
/// A kept reply whose parent is not kept starts a thread in the view.
fn newest_that_fit(mut rows: Vec<Comment>) -> Vec<Comment> {
    let mut used = 0;
    let mut keep = 0;
    for c in rows.iter().rev() {
        // The text as it will be sent: names, a date, indentation, and escaped markup.
        let escaped: usize = c
            .body
            .chars()
            .map(|ch| {
                if matches!(ch, '<' | '>' | '&' | '"') {
                    6
                } else {
                    1
                }
            })
            .sum();
        used += escaped + 80;
        if used > THREAD_BUDGET && keep > 0 {
            break;
        }
        keep += 1;
    }
    rows.drain(..rows.len() - keep);
    rows
}

/// Puts comments in thread order: each comment right after its parent (replies oldest first),
/// with its depth. A reply whose parent is not in view (older than the view) starts a thread.
async fn thread_rows(w: &Work, rows: Vec<Comment>) -> AppResult<Vec<CommentRow>> {
    let ids: std::collections::HashSet<i64> = rows.iter().map(|c| c.id).collect();
    let mut children: HashMap<Option<i64>, Vec<&Comment>> = HashMap::new();
    for c in &rows {
        let parent = c.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(c);
    }
    let mut names: HashMap<i64, String> = HashMap::new();
    let authors: std::collections::BTreeSet<i64> = rows.iter().map(|c| c.author_id).collect();
    for id in authors {
        let u = store::users::get(&w.tx, id).await?;
        names.insert(id, display_name(u.as_ref(), id));
    }
    let mut out = Vec::with_capacity(rows.len());
    // Depth-first without recursion: a thread thousands deep must not exhaust the stack.
    let mut stack: Vec<(&Comment, u32)> = children
        .get(&None)
        .map(|roots| roots.iter().rev().map(|c| (*c, 0)).collect())
        .unwrap_or_default();
    while let Some((c, depth)) = stack.pop() {
        out.push(CommentRow {
            id: c.id,
            depth,
            author: names.get(&c.author_id).cloned().unwrap_or_default(),
            at: c.created_at,
            text: c.body.clone(),
            file: c.file_kind.clone(),
        });
        if let Some(kids) = children.get(&Some(c.id)) {
            stack.extend(kids.iter().rev().map(|k| (*k, depth + 1)));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: i64, body: &str) -> Comment {
        Comment {
            id,
            workspace_id: 1,
            ticket_id: 1,
            parent_id: None,
            author_id: 7,
            body: body.into(),
            file_kind: None,
            file_id: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_long_thread_keeps_its_newest_comments() {
        let rows: Vec<Comment> = (1..=10).map(|i| comment(i, &"x".repeat(1000))).collect();
        let kept: Vec<i64> = newest_that_fit(rows).iter().map(|c| c.id).collect();
        assert_eq!(kept, [8, 9, 10]);
        // Markup costs what its escaping costs.
        let rows: Vec<Comment> = (1..=4).map(|i| comment(i, &"<".repeat(250))).collect();
        let kept: Vec<i64> = newest_that_fit(rows).iter().map(|c| c.id).collect();
        assert_eq!(kept, [3, 4]);
        // One comment longer than a message is still shown (and shortened when sent).
        let kept = newest_that_fit(vec![comment(1, "a"), comment(2, &"y".repeat(9000))]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].id, 2);
        let short: Vec<Comment> = (1..=5).map(|i| comment(i, "ok")).collect();
        assert_eq!(newest_that_fit(short).len(), 5);
    }
}
