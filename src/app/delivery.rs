//! What the outbox sender learned from Telegram, written back through one use case: the sender
//! reads what it sends from the outbox row and the store's read models, and never writes the
//! store itself.

use entity::tickets::Model as Ticket;

use super::work::{AppResult, Ctx, Origin, Work};
use crate::domain::ticket::Actor;
use crate::store::{self, audit::Entry};

/// A fact a send established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivered {
    /// The ticket's card was posted as this message (edits go there from now on).
    CardPosted { ticket: i64, message_id: i32 },
    /// The ticket's topic carries its number and subject now.
    TopicRenamed { ticket: i64 },
    /// Telegram no longer knows the ticket's topic (someone deleted it).
    TopicGone { ticket: i64 },
    /// A message about a comment was sent: a reply to it adds to the comment's thread.
    CommentSent {
        comment: i64,
        chat: i64,
        message_id: i32,
    },
}

/// Records what a send learned, in its own unit of work.
pub async fn record(ctx: &Ctx, what: Delivered) -> AppResult<()> {
    let Some(mut w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(());
    };
    match what {
        Delivered::CardPosted { ticket, message_id } => {
            store::tickets::set_card_message(&w.tx, ticket, message_id).await?;
        }
        Delivered::TopicRenamed { ticket } => {
            store::tickets::set_topic_renamed(&w.tx, ticket).await?;
        }
        Delivered::TopicGone { ticket } => topic_gone(&mut w, ticket).await?,
        Delivered::CommentSent {
            comment,
            chat,
            message_id,
        } => {
            if let Some(c) = store::comments::sent_about(&w.tx, comment).await? {
                store::comments::remember_message(&w.tx, chat, message_id, &c).await?;
            }
        }
    }
    w.commit().await
}

async fn topic_gone(w: &mut Work, ticket: i64) -> AppResult<()> {
    let Some(t): Option<Ticket> = store::tickets::get(&w.tx, ticket).await? else {
        return Ok(());
    };
    if store::tickets::mark_topic_deleted(&w.tx, t.id, w.now).await? {
        w.audit(Entry {
            workspace_id: t.workspace_id,
            ticket_id: Some(t.id),
            actor: Actor::System,
            action: "ticket.topic_deleted",
            old_value: None,
            new_value: None,
            note: None,
        })
        .await?;
    }
    Ok(())
}
