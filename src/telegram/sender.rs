//! Carries out one outbox [`Effect`] against the Bot API, and says what to do when Telegram
//! refuses: wait (`429 retry_after`), back off (5xx, network), give up (a refusal that will not
//! change), or record that the topic is gone ("message thread not found").

use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{InputFile, MessageId, ParseMode, ReplyParameters, ThreadId};
use teloxide::{ApiError, RequestError};

use super::render::words;
use super::render::{self, Rendered};
use super::AppState;
use crate::app::delivery::{self, Delivered};
use crate::app::effects::{CardMenu, Effect, ExportNotice, Notice};
use crate::app::export;
use crate::store;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Try again later: Telegram asked us to wait, or it/the network failed transiently.
    #[error("retry after {after:?}: {reason}")]
    Retry {
        after: Option<Duration>,
        reason: String,
    },
    /// The ticket's topic no longer exists.
    #[error("topic gone: {0}")]
    TopicGone(String),
    /// Telegram will never accept this (no rights, chat gone, bad request).
    #[error("refused: {0}")]
    Refused(String),
}

impl From<sea_orm::DbErr> for SendError {
    fn from(e: sea_orm::DbErr) -> Self {
        SendError::Retry {
            after: None,
            reason: format!("database: {e}"),
        }
    }
}

impl From<crate::app::AppError> for SendError {
    fn from(e: crate::app::AppError) -> Self {
        SendError::Retry {
            after: None,
            reason: e.to_string(),
        }
    }
}

/// Sorts a Bot API error into what to do about it.
pub fn classify(e: RequestError) -> SendError {
    match e {
        RequestError::RetryAfter(s) => SendError::Retry {
            after: Some(s.duration()),
            reason: "429 Too Many Requests".into(),
        },
        RequestError::Network(e) => SendError::Retry {
            after: None,
            reason: format!("network: {e}"),
        },
        RequestError::Io(e) => SendError::Retry {
            after: None,
            reason: format!("io: {e}"),
        },
        RequestError::InvalidJson { source, .. } => SendError::Retry {
            after: None,
            reason: format!("unexpected answer: {source}"),
        },
        RequestError::MigrateToChatId(c) => SendError::Refused(format!("group migrated to {c}")),
        RequestError::Api(api) => {
            let text = api.to_string();
            let lower = text.to_lowercase();
            if lower.contains("thread not found")
                || lower.contains("topic_id_invalid")
                || lower.contains("topic_deleted")
            {
                SendError::TopicGone(text)
            } else if lower.contains("internal server error")
                || lower.contains("bad gateway")
                || lower.contains("gateway")
                || lower.contains("too many requests")
                || lower.contains("service unavailable")
            {
                SendError::Retry {
                    after: None,
                    reason: text,
                }
            } else {
                SendError::Refused(text)
            }
        }
    }
}

fn is_not_modified(e: &RequestError) -> bool {
    match e {
        RequestError::Api(ApiError::MessageNotModified) => true,
        RequestError::Api(a) => {
            let s = a.to_string().to_lowercase();
            s.contains("message is not modified") || s.contains("topic_not_modified")
        }
        _ => false,
    }
}

fn is_forbidden(e: &RequestError) -> bool {
    match e {
        RequestError::Api(
            ApiError::BotBlocked | ApiError::CantInitiateConversation | ApiError::UserDeactivated,
        ) => true,
        RequestError::Api(a) => {
            let s = a.to_string().to_lowercase();
            s.contains("forbidden") || s.contains("can't initiate conversation")
        }
        _ => false,
    }
}

async fn send(
    state: &AppState,
    chat: i64,
    thread: Option<i32>,
    reply_to: Option<i32>,
    r: &Rendered,
) -> Result<Message, RequestError> {
    let mut req = state
        .bot
        .send_message(ChatId(chat), render::fit_message(&r.text))
        .parse_mode(ParseMode::Html);
    if let Some(t) = thread {
        req = req.message_thread_id(ThreadId(MessageId(t)));
    }
    if let Some(m) = reply_to {
        req =
            req.reply_parameters(ReplyParameters::new(MessageId(m)).allow_sending_without_reply());
    }
    if let Some(markup) = r.markup() {
        req = req.reply_markup(markup);
    }
    req.await
}

async fn edit(
    state: &AppState,
    chat: i64,
    message_id: i32,
    r: &Rendered,
) -> Result<(), RequestError> {
    let mut req = state
        .bot
        .edit_message_text(
            ChatId(chat),
            MessageId(message_id),
            render::fit_message(&r.text),
        )
        .parse_mode(ParseMode::Html);
    if let Some(markup) = r.markup() {
        req = req.reply_markup(markup);
    }
    match req.await {
        Ok(_) => Ok(()),
        Err(e) if is_not_modified(&e) => Ok(()),
        Err(e) => Err(e),
    }
}

async fn render_card(
    state: &AppState,
    ticket: &entity::tickets::Model,
    menu: CardMenu,
) -> Result<Rendered, SendError> {
    let summary = store::summary::ticket(&state.ctx.db, ticket, state.ctx.clock.now()).await?;
    Ok(render::card(&summary, menu))
}

/// `user` never started the bot (or blocked it): hints where they spoke, if anywhere, that they
/// should. The hint names them and nothing of what could not be sent.
async fn start_bot_first(
    state: &AppState,
    user: i64,
    fallback: Option<(i64, Option<i32>)>,
) -> Result<(), SendError> {
    let Some((chat, thread)) = fallback else {
        return Ok(());
    };
    let name = store::users::get(&state.ctx.db, user)
        .await?
        .map(|u| u.first_name)
        .unwrap_or_default();
    let hint = render::notice(&Notice::StartBotFirst { name }, &state.username());
    send(state, chat, thread, None, &hint)
        .await
        .map_err(classify)?;
    Ok(())
}

/// A file the daemon wrote (an export, a person's data), to a private chat, with a caption.
async fn send_file(
    state: &AppState,
    chat: i64,
    bytes: Vec<u8>,
    name: String,
    caption: Rendered,
) -> Result<(), SendError> {
    state
        .bot
        .send_document(ChatId(chat), InputFile::memory(bytes).file_name(name))
        .caption(caption.text)
        .parse_mode(ParseMode::Html)
        .await
        .map_err(classify)?;
    Ok(())
}

/// Performs one effect. Idempotent where Telegram lets it be (edits, renames, topic moves);
/// a plain send repeated after a crash is the one duplicate the outbox allows.
pub async fn execute(state: &AppState, effect: &Effect) -> Result<(), SendError> {
    let db = &state.ctx.db;
    let me = state.username();
    match effect {
        Effect::Send {
            chat,
            thread,
            reply_to,
            notice,
        } => {
            let r = render::notice(notice, &me);
            if !r.text.is_empty() {
                send(state, *chat, *thread, *reply_to, &r)
                    .await
                    .map_err(classify)?;
            }
        }
        Effect::SendPrivate {
            user,
            notice,
            fallback,
        } => {
            let r = render::notice(notice, &me);
            match send(state, *user, None, None, &r).await {
                Ok(_) => {}
                Err(e) if is_forbidden(&e) => start_bot_first(state, *user, *fallback).await?,
                Err(e) => return Err(classify(e)),
            }
        }
        Effect::AnswerCallback { id, notice, alert } => {
            let mut req = state
                .bot
                .answer_callback_query(teloxide::types::CallbackQueryId(id.clone()));
            if let Some(text) = notice.as_ref().and_then(|n| render::callback_text(n, &me)) {
                req = req.text(text).show_alert(*alert);
            }
            match req.await {
                Ok(_) => {}
                // A query older than ~15 minutes can't be answered any more; nothing to do.
                Err(RequestError::Api(a))
                    if a.to_string().to_lowercase().contains("query is too old") => {}
                Err(e) => return Err(classify(e)),
            }
        }
        Effect::Edit {
            chat,
            message_id,
            notice,
        } => {
            let r = render::notice(notice, &me);
            edit(state, *chat, *message_id, &r)
                .await
                .map_err(classify)?;
        }
        Effect::PostCard { ticket } => {
            let Some(t) = store::tickets::get(db, *ticket).await? else {
                return Ok(());
            };
            let card = render_card(state, &t, CardMenu::Main).await?;
            if let Some(existing) = t.card_message_id {
                edit(state, t.chat_id, existing, &card)
                    .await
                    .map_err(classify)?;
                return Ok(());
            }
            let msg = send(state, t.chat_id, Some(t.thread_id), None, &card)
                .await
                .map_err(classify)?;
            delivery::record(
                &state.ctx,
                Delivered::CardPosted {
                    ticket: t.id,
                    message_id: msg.id.0,
                },
            )
            .await?;
            // Pinning is a nicety: a group without the right still gets a working card.
            if let Err(e) = state
                .bot
                .pin_chat_message(ChatId(t.chat_id), msg.id)
                .disable_notification(true)
                .await
            {
                tracing::warn!(ticket = t.id, error = %e, "could not pin the ticket card");
            }
        }
        Effect::RefreshCard { ticket, menu } => {
            let Some(t) = store::tickets::get(db, *ticket).await? else {
                return Ok(());
            };
            // No card yet: the pending PostCard will render the current state.
            let Some(card_id) = t.card_message_id else {
                return Ok(());
            };
            let card = render_card(state, &t, *menu).await?;
            edit(state, t.chat_id, card_id, &card)
                .await
                .map_err(classify)?;
        }
        Effect::RenameTopic { ticket } => {
            let Some(t) = store::tickets::get(db, *ticket).await? else {
                return Ok(());
            };
            if t.topic_renamed {
                return Ok(());
            }
            let name = render::topic_name(t.number, &t.subject);
            match state
                .bot
                .edit_forum_topic(ChatId(t.chat_id), ThreadId(MessageId(t.thread_id)))
                .name(name)
                .await
            {
                Ok(_) => {}
                Err(e) if is_not_modified(&e) => {}
                Err(e) => return Err(classify(e)),
            }
            delivery::record(&state.ctx, Delivered::TopicRenamed { ticket: t.id }).await?;
        }
        Effect::CloseTopic { ticket } | Effect::ReopenTopic { ticket } => {
            let Some(t) = store::tickets::get(db, *ticket).await? else {
                return Ok(());
            };
            let (chat, thread) = (ChatId(t.chat_id), ThreadId(MessageId(t.thread_id)));
            let res = if matches!(effect, Effect::CloseTopic { .. }) {
                state.bot.close_forum_topic(chat, thread).await
            } else {
                state.bot.reopen_forum_topic(chat, thread).await
            };
            match res {
                Ok(_) => {}
                Err(e) if is_not_modified(&e) => {}
                Err(e) => return Err(classify(e)),
            }
        }
        Effect::SendInvoice {
            chat,
            payload,
            pro,
            count,
            months,
            total,
        } => {
            let (title, description) = render::invoice(*pro, *count, *months);
            let prices = vec![teloxide::types::LabeledPrice::new(
                description.clone(),
                *total,
            )];
            let mut req = state.bot.send_invoice(
                ChatId(*chat),
                title,
                description,
                payload.clone(),
                state.pricing.currency.clone(),
                prices,
            );
            if let Some(token) = &state.provider_token {
                req = req.provider_token(secrecy::ExposeSecret::expose_secret(token).to_owned());
            }
            req.await.map_err(classify)?;
        }
        Effect::AnswerCheckout { id, refusal } => {
            let mut req = state.bot.answer_pre_checkout_query(
                teloxide::types::PreCheckoutQueryId(id.clone()),
                refusal.is_none(),
            );
            if let Some(r) = refusal {
                req = req.error_message(words::checkout(*r));
            }
            req.await.map_err(classify)?;
        }
        Effect::AnswerPreCheckout { id, error } => {
            let mut req = state.bot.answer_pre_checkout_query(
                teloxide::types::PreCheckoutQueryId(id.clone()),
                error.is_none(),
            );
            if let Some(e) = error {
                req = req.error_message(e.clone());
            }
            req.await.map_err(classify)?;
        }
        Effect::SendComment {
            chat,
            comment,
            notice,
            fallback,
        } => {
            let r = render::notice(notice, &me);
            match send(state, *chat, None, None, &r).await {
                Ok(msg) => {
                    let sent = Delivered::CommentSent {
                        comment: *comment,
                        chat: *chat,
                        message_id: msg.id.0,
                    };
                    // Sent is sent: a failure to remember it costs replies to this message
                    // their thread, while a retry would post the comment a second time.
                    if let Err(e) = delivery::record(&state.ctx, sent).await {
                        tracing::warn!(error = %e, comment, "comment message sent, not remembered");
                    }
                }
                Err(e) if is_forbidden(&e) && fallback.is_some() => {
                    start_bot_first(state, *chat, *fallback).await?;
                }
                Err(e) => return Err(classify(e)),
            }
        }
        Effect::SendExport {
            user,
            workspace,
            export: kind,
            since,
            until,
            period,
        } => {
            let csv = export::build(db, *workspace, *kind, *since, *until, period).await?;
            let ready = ExportNotice::Ready {
                kind: *kind,
                period: period.clone(),
                rows: csv.rows,
                truncated: csv.truncated,
            };
            let caption = render::notice(&Notice::Exports(ready), &me);
            send_file(state, *user, csv.bytes, csv.file_name, caption).await?;
        }
        Effect::SendMyData { user } => {
            let bytes = crate::app::privacy::my_data(db, *user, state.ctx.clock.now()).await?;
            let caption = render::notice(&Notice::Exports(ExportNotice::MyData), &me);
            let day = state.ctx.clock.now().format("%Y-%m-%d");
            send_file(state, *user, bytes, format!("mydata-{day}.json"), caption).await?;
        }
        Effect::DeleteMessage { chat, message_id } => {
            match state
                .bot
                .delete_message(ChatId(*chat), MessageId(*message_id))
                .await
            {
                Ok(_) => {}
                // Already deleted (by its author, or an earlier try), or too old for the bot to
                // delete: nothing more can be done, and nothing is left to hide.
                Err(RequestError::Api(a)) => {
                    tracing::info!(chat, message_id, error = %a, "message not deleted");
                }
                Err(e) => return Err(classify(e)),
            }
        }
        Effect::PostTemplate {
            ticket,
            agent,
            text,
        } => {
            let Some(t) = store::tickets::get(db, *ticket).await? else {
                return Ok(());
            };
            let r = render::templates::posted(text);
            let msg = send(state, t.chat_id, Some(t.thread_id), None, &r)
                .await
                .map_err(classify)?;
            // Posted is posted: a failure to log it must not make the retry post it twice into
            // the customer's topic.
            if let Err(e) =
                crate::app::templates::posted(&state.ctx, t.id, *agent, msg.id.0, text).await
            {
                tracing::warn!(error = %e, ticket = t.id, "template posted, not logged");
            }
        }
        Effect::AskCsat { ticket } => {
            let Some(t) = store::tickets::get(db, *ticket).await? else {
                return Ok(());
            };
            let r = render::csat_question(t.id, t.number);
            send(state, t.chat_id, Some(t.thread_id), None, &r)
                .await
                .map_err(classify)?;
        }
    }
    Ok(())
}
