//! Handlers: parse what Telegram sent, call one `app::` use case, return. No SQL, no business
//! rules, no sending (answers are outbox effects written by the use case).

mod callback;

pub use callback::callback;

use std::sync::Arc;

use teloxide::prelude::*;
use teloxide::types::{ChatMemberKind, Me, User};

use super::commands::Cmd;
use super::{AppState, Dialogue};
use crate::app::comments::{self, Attachment, Which};
use crate::app::effects::NumberSetting;
use crate::app::effects::{FieldsNotice, Notice, ReplyTo};
use crate::app::fields::{self, FieldsChange, TagsChange};
use crate::app::kb::KbChange;
use crate::app::routing::{self, AgentChange, IntakeChange, RoutingChange};
use crate::app::sla::{self, EscalationChange, HoursChange, SlaChange};
use crate::app::team;
use crate::app::templates::{self, TemplateChange};
use crate::app::tickets::{self, Action, AssignTarget, TicketRef, TopicMessage};
use crate::app::workspaces::{self, BotRights, GroupRole, SettingChange};
use crate::app::{reminders, Caller, Origin};
use crate::store::users::Profile;

pub type HandlerResult = anyhow::Result<()>;

pub fn profile(u: &User) -> Profile {
    Profile {
        id: u.id.0 as i64,
        first_name: u.first_name.clone(),
        last_name: u.last_name.clone(),
        username: u.username.clone(),
    }
}

fn thread_of(msg: &Message) -> Option<i32> {
    if msg.is_topic_message {
        msg.thread_id.map(|t| t.0 .0)
    } else {
        None
    }
}

fn caller_in_chat(msg: &Message, user: &User) -> Caller {
    Caller {
        profile: profile(user),
        private: msg.chat.is_private(),
        reply: ReplyTo::Chat {
            chat: msg.chat.id.0,
            thread: thread_of(msg),
            message: Some(msg.id.0),
        },
    }
}

/// Plain messages and service messages.
pub async fn message(state: Arc<AppState>, origin: Origin, msg: Message, me: Me) -> HandlerResult {
    let ctx = &state.ctx;
    let Some(from) = msg.from.as_ref() else {
        return Ok(workspaces::ignore(ctx, origin, None, false).await?);
    };
    if msg.chat.is_private() {
        let caller = caller_in_chat(&msg, from);
        if let Some(p) = msg.successful_payment() {
            let charge = p.telegram_payment_charge_id.0.clone();
            return Ok(team::payment(
                ctx,
                origin,
                &caller,
                &charge,
                &p.invoice_payload,
                &p.currency,
                p.total_amount,
            )
            .await?);
        }
        if comment_reply(&state, origin, &msg, &caller, &me).await? {
            return Ok(());
        }
        if let Some(text) = msg.text().filter(|t| !t.starts_with('/')) {
            if let Some(dialogue) = state.take_dialogue(caller.profile.id) {
                if !answer(ctx, origin, &caller, dialogue, text, &state.kb).await? {
                    // A refused answer keeps the prompt: the next message is another try.
                    state.ask(caller.profile.id, dialogue);
                }
                return Ok(());
            }
        }
        return Ok(workspaces::help(ctx, origin, &caller, None).await?);
    }
    let chat = msg.chat.id.0;
    // The bot's own messages (cards, its topic renames, closes and reopens) are never input.
    if from.id == me.id {
        return Ok(workspaces::ignore(ctx, origin, None, false).await?);
    }
    let caller = caller_in_chat(&msg, from);
    if comment_reply(&state, origin, &msg, &caller, &me).await? {
        return Ok(());
    }
    if let (Some(thread), Some(args)) = (thread_of(&msg), note_caption(&msg, &me)) {
        let at = (chat, thread, msg.id.0);
        return Ok(comments::note(ctx, origin, &caller, at, &args, attachment(&msg)).await?);
    }
    let who = profile(from);
    if let Some(created) = msg.forum_topic_created() {
        if let Some(thread) = msg.thread_id {
            return Ok(
                tickets::topic_created(ctx, origin, chat, thread.0 .0, &created.name, &who).await?,
            );
        }
    }
    if msg.forum_topic_closed().is_some() || msg.forum_topic_reopened().is_some() {
        if let Some(thread) = msg.thread_id {
            let closed = msg.forum_topic_closed().is_some();
            return Ok(tickets::topic_toggled_by_hand(
                ctx,
                origin,
                chat,
                thread.0 .0,
                &who,
                closed,
            )
            .await?);
        }
    }
    let text = msg.text().or(msg.caption()).map(str::to_owned);
    let is_service = text.is_none() && msg.forum_topic_edited().is_some();
    let Some(thread) = thread_of(&msg).filter(|_| !is_service) else {
        return Ok(workspaces::ignore(ctx, origin, Some(&who), false).await?);
    };
    let topic_name = msg
        .reply_to_message()
        .and_then(|r| r.forum_topic_created())
        .map(|c| c.name.clone());
    let is_command = text.as_deref().is_some_and(|t| t.starts_with('/'));
    let m = TopicMessage {
        chat,
        thread,
        message_id: msg.id.0,
        from: who,
        text,
        is_command,
        topic_name,
    };
    Ok(tickets::topic_message(ctx, origin, m).await?)
}

/// A reply to a message about a comment (the bot's, or a reply already in the thread) adds to
/// that comment's thread (`true`: done). Commands are commands, whatever they reply to.
async fn comment_reply(
    state: &AppState,
    origin: Origin,
    msg: &Message,
    caller: &Caller,
    me: &Me,
) -> anyhow::Result<bool> {
    let Some(replied) = msg.reply_to_message() else {
        return Ok(false);
    };
    // In a topic every message "replies" to the topic's first message; only a reply chosen
    // by the writer can answer a comment. Comment messages are the bot's, and the writers' own
    // replies to them (a thread continues under either).
    let implicit = thread_of(msg) == Some(replied.id.0);
    let from_bot = replied.from.as_ref().is_some_and(|u| u.id == me.id);
    if implicit && !from_bot {
        return Ok(false);
    }
    let text = msg.text().or(msg.caption()).unwrap_or_default();
    if text.starts_with('/') {
        return Ok(false);
    }
    let at = (msg.chat.id.0, msg.id.0);
    Ok(comments::reply(
        &state.ctx,
        origin,
        caller,
        at,
        replied.id.0,
        text,
        attachment(msg),
    )
    .await?)
}

/// The text after `/note` in a caption (`/note` and `/note@<this bot>` only): teloxide reads
/// commands in texts, not in the captions of photos and documents.
fn note_caption(msg: &Message, me: &Me) -> Option<String> {
    let caption = msg.caption()?;
    let rest = caption.strip_prefix("/note")?;
    let rest = match rest.strip_prefix('@') {
        Some(addressed) => {
            let (name, rest) = addressed
                .split_once(char::is_whitespace)
                .unwrap_or((addressed, ""));
            if !name.eq_ignore_ascii_case(me.username()) {
                return None;
            }
            rest
        }
        None if rest.is_empty() || rest.starts_with(char::is_whitespace) => rest,
        None => return None,
    };
    Some(rest.trim().to_owned())
}

/// The photo (its largest size) or document a message carries, by Telegram file id.
fn attachment(msg: &Message) -> Option<Attachment> {
    if let Some(sizes) = msg.photo() {
        return sizes.last().map(|p| Attachment {
            kind: "photo".into(),
            file_id: p.file.id.0.clone(),
        });
    }
    msg.document().map(|d| Attachment {
        kind: "document".into(),
        file_id: d.file.id.0.clone(),
    })
}

/// A private message that answers the prompt `dialogue` waits for. `false`: the value was refused
/// (and the person told why).
async fn answer(
    ctx: &crate::app::Ctx,
    origin: Origin,
    caller: &Caller,
    dialogue: Dialogue,
    text: &str,
    kb: &crate::app::kb::Searcher,
) -> crate::app::AppResult<bool> {
    let text = text.to_owned();
    match dialogue {
        Dialogue::WorkspaceName => workspaces::create_workspace(ctx, origin, caller, &text).await,
        Dialogue::Skills { user } => {
            let skills = if text.trim() == "-" {
                String::new()
            } else {
                text
            };
            let change = AgentChange::Skills(user, skills);
            routing::agents_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::Category => {
            let change = IntakeChange::AddCategory(text);
            routing::intake_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::Keyword => {
            let change = IntakeChange::AddKeyword(text);
            routing::intake_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::SlaTargets { priority } => {
            let change = SlaChange::Set(priority, text);
            sla::sla_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::TimeZone => {
            let change = HoursChange::TimeZone(text);
            sla::hours_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::Week => {
            let change = HoursChange::Week(text);
            sla::hours_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::Holiday => {
            let change = HoursChange::AddHoliday(text);
            sla::hours_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::EscalationRule => {
            let change = EscalationChange::Add(text);
            sla::escalation_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::Number(NumberSetting::UnassignedAlert) => {
            let change = RoutingChange::AlertTyped(text);
            routing::routing_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::Number(NumberSetting::IntakeTimeout) => {
            let change = IntakeChange::TimeoutTyped(text);
            routing::intake_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::Number(NumberSetting::AutoClose) => {
            let change = SettingChange::AutoCloseTyped(text);
            workspaces::settings(ctx, origin, caller, change, None).await
        }
        Dialogue::Number(NumberSetting::Retention) => {
            let change = crate::app::retention::PrivacyChange::RetentionTyped(text);
            crate::app::retention::privacy_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::KbArticle { id } => {
            let change = match id {
                Some(id) => KbChange::Edit(id, text),
                None => KbChange::Add(text),
            };
            crate::app::kb::kb_screen(ctx, origin, caller, change, None, kb).await
        }
        Dialogue::KbExternalUrl => {
            let change = KbChange::ExternalUrl(text);
            crate::app::kb::kb_screen(ctx, origin, caller, change, None, kb).await
        }
        Dialogue::KbExternalToken => {
            let change = KbChange::ExternalToken(text);
            crate::app::kb::kb_screen(ctx, origin, caller, change, None, kb).await
        }
        Dialogue::FieldAdd => {
            let change = FieldsChange::Add(text);
            fields::fields_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::FieldLabel { field } => {
            let change = FieldsChange::Label(field, text);
            fields::fields_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::FieldChoices { field } => {
            let change = FieldsChange::Choices(field, text);
            fields::fields_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::TagRename { tag } => {
            let change = TagsChange::Rename(tag, text);
            fields::tags_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::TagMerge { tag } => {
            let change = TagsChange::Merge(tag, text);
            fields::tags_screen(ctx, origin, caller, change, None).await
        }
        Dialogue::TemplateAdd { shared } => {
            let change = TemplateChange::Add { shared, text };
            templates::screen(ctx, origin, caller, change, None).await
        }
        Dialogue::TemplateBody { id } => {
            let change = TemplateChange::Body { id, text };
            templates::screen(ctx, origin, caller, change, None).await
        }
        Dialogue::TemplateLabel { id } => {
            let change = TemplateChange::Label { id, text };
            templates::screen(ctx, origin, caller, change, None).await
        }
    }
}

pub async fn edited(state: Arc<AppState>, origin: Origin, msg: Message) -> HandlerResult {
    let ctx = &state.ctx;
    match thread_of(&msg) {
        Some(thread) if !msg.chat.is_private() => {
            let text = msg.text().or(msg.caption()).map(str::to_owned);
            Ok(tickets::message_edited(ctx, origin, msg.chat.id.0, thread, msg.id.0, text).await?)
        }
        _ => Ok(workspaces::ignore(ctx, origin, None, false).await?),
    }
}

/// Asks Telegram what the bot may do in a group, for `/connect`.
async fn bot_rights(state: &AppState, chat: ChatId) -> anyhow::Result<BotRights> {
    let me = state
        .me
        .get()
        .ok_or_else(|| anyhow::anyhow!("getMe has not answered yet"))?;
    let member = state.bot.get_chat_member(chat, me.id).await?;
    Ok(match member.kind {
        ChatMemberKind::Administrator(a) => BotRights {
            is_admin: true,
            can_manage_topics: a.can_manage_topics,
            can_delete_messages: a.can_delete_messages,
            can_pin_messages: a.can_pin_messages,
        },
        ChatMemberKind::Owner(_) => BotRights {
            is_admin: true,
            can_manage_topics: true,
            can_delete_messages: true,
            can_pin_messages: true,
        },
        _ => BotRights::default(),
    })
}

fn forum_of(msg: &Message) -> bool {
    use teloxide::types::{ChatKind, PublicChatKind};
    match &msg.chat.kind {
        ChatKind::Public(p) => matches!(&p.kind, PublicChatKind::Supergroup(s) if s.is_forum),
        ChatKind::Private(_) => false,
    }
}

pub async fn command(
    state: Arc<AppState>,
    origin: Origin,
    msg: Message,
    cmd: Cmd,
) -> HandlerResult {
    let ctx = &state.ctx;
    let Some(from) = msg.from.as_ref() else {
        return Ok(workspaces::ignore(ctx, origin, None, false).await?);
    };
    let caller = caller_in_chat(&msg, from);
    let chat = msg.chat.id.0;
    let private = msg.chat.is_private();
    let group = (!private).then_some(chat);
    let action = match cmd {
        Cmd::Start(payload) if private => {
            if let Some(token) = payload.trim().strip_prefix("join_") {
                return Ok(team::join(ctx, origin, &caller, token).await?);
            }
            if let Some(id) = payload.trim().strip_prefix("ticket_") {
                let which = Which::Id(id.to_owned());
                return Ok(comments::show(ctx, origin, &caller, which, true).await?);
            }
            return Ok(workspaces::start(ctx, origin, &caller).await?);
        }
        Cmd::Seats
        | Cmd::Invite(_)
        | Cmd::Members
        | Cmd::Leave(_)
        | Cmd::Transfer(_)
        | Cmd::Available
        | Cmd::Away
        | Cmd::Queue(_)
        | Cmd::Mytickets(_)
        | Cmd::Ticket(_)
        | Cmd::Notes(_)
        | Cmd::Export(_)
        | Cmd::Stats(_)
        | Cmd::Mydata
        | Cmd::Templates
            if !private =>
        {
            return Ok(tickets::usage(
                ctx,
                origin,
                &caller,
                crate::app::effects::Notice::NotPrivate,
            )
            .await?);
        }
        Cmd::Seats => return Ok(team::seats_overview(ctx, origin, &caller, &state.pricing).await?),
        Cmd::Invite(tier) => {
            let pro = match tier.trim().to_lowercase().as_str() {
                "" | "basic" => false,
                "pro" => true,
                _ => {
                    return Ok(tickets::usage(
                        ctx,
                        origin,
                        &caller,
                        crate::app::effects::Notice::InviteUsage,
                    )
                    .await?)
                }
            };
            return Ok(team::invite(ctx, origin, &caller, pro).await?);
        }
        Cmd::Members => return Ok(team::members(ctx, origin, &caller, None).await?),
        Cmd::Available | Cmd::Away => {
            let on = matches!(cmd, Cmd::Available);
            return Ok(routing::set_available(ctx, origin, &caller, on).await?);
        }
        Cmd::Ticket(args) => {
            let which = Which::Number {
                command: "ticket".into(),
                args,
            };
            return Ok(comments::show(ctx, origin, &caller, which, true).await?);
        }
        Cmd::Notes(args) => {
            let which = Which::Number {
                command: "notes".into(),
                args,
            };
            return Ok(comments::show(ctx, origin, &caller, which, false).await?);
        }
        Cmd::Mydata => return Ok(crate::app::privacy::request(ctx, origin, &caller).await?),
        Cmd::Stats(args) => {
            return Ok(crate::app::analytics::stats(ctx, origin, &caller, &args).await?);
        }
        Cmd::Export(args) => {
            return Ok(crate::app::export::export(ctx, origin, &caller, &args).await?);
        }
        Cmd::Comment(args) if private => {
            return Ok(comments::comment(ctx, origin, &caller, &args).await?)
        }
        Cmd::Comment(_) => {
            let at = msg.id.0;
            return Ok(comments::comment_in_group(ctx, origin, &caller, chat, at).await?);
        }
        Cmd::Note(_) if private => {
            return Ok(tickets::usage(
                ctx,
                origin,
                &caller,
                crate::app::effects::Notice::NotInTopic,
            )
            .await?);
        }
        Cmd::Note(args) => {
            // The General topic is no ticket: the note is still taken out of it.
            let at = (chat, thread_of(&msg).unwrap_or(1), msg.id.0);
            let file = attachment(&msg);
            return Ok(comments::note(ctx, origin, &caller, at, &args, file).await?);
        }
        Cmd::Queue(ref args) | Cmd::Mytickets(ref args) => {
            let mine = matches!(cmd, Cmd::Mytickets(_));
            let Some(filter) = crate::domain::tags::parse_filter(args) else {
                let usage = FieldsNotice::FilterUsage { mine };
                return Ok(tickets::usage(ctx, origin, &caller, Notice::Fields(usage)).await?);
            };
            if mine {
                routing::my_tickets_filtered(ctx, origin, &caller, &filter).await?;
            } else {
                routing::queue_filtered(ctx, origin, &caller, None, &filter).await?;
            }
            return Ok(());
        }
        Cmd::Templates => {
            let change = TemplateChange::List { page: 0 };
            templates::screen(ctx, origin, &caller, change, None).await?;
            return Ok(());
        }
        Cmd::Leave(reason) => {
            let reason = note(&reason);
            return Ok(team::leave(ctx, origin, &caller, reason).await?);
        }
        Cmd::Transfer(who) => return Ok(team::transfer_ask(ctx, origin, &caller, &who).await?),
        Cmd::Newworkspace(name) if private && name.trim().is_empty() => {
            state.ask(caller.profile.id, Dialogue::WorkspaceName);
            return Ok(workspaces::ask_workspace_name(ctx, origin, &caller, chat).await?);
        }
        Cmd::Newworkspace(name) => {
            workspaces::create_workspace(ctx, origin, &caller, &name).await?;
            return Ok(());
        }
        Cmd::Settings if private => {
            workspaces::settings(ctx, origin, &caller, SettingChange::Show, None).await?;
            return Ok(());
        }
        Cmd::Start(_) | Cmd::Help | Cmd::Settings => {
            return Ok(workspaces::help(ctx, origin, &caller, group).await?)
        }
        Cmd::Connect | Cmd::Disconnect | Cmd::Staffchat | Cmd::Exclude | Cmd::Include
            if private =>
        {
            return Ok(workspaces::help(ctx, origin, &caller, None).await?)
        }
        Cmd::Connect | Cmd::Disconnect | Cmd::Staffchat | Cmd::Exclude | Cmd::Include => {
            let Some(sender) = group_role(&state, msg.chat.id, from).await else {
                // Telegram did not answer; the update is tried again.
                anyhow::bail!("getChatMember failed for a group command");
            };
            return Ok(group_command(&state, origin, &msg, &caller, cmd, sender).await?);
        }
        Cmd::Remind(args) => InTopic::Remind(args),
        Cmd::Tag(args) => InTopic::Tag(args),
        Cmd::Set(args) => InTopic::Set(args),
        Cmd::T(args) => InTopic::Template(args),
        Cmd::Escalate(reason) => InTopic::Escalate(note(&reason)),
        Cmd::Kb(query) => InTopic::Kb(query),
        Cmd::Claim => Action::Claim.into(),
        Cmd::Assign(args) => {
            let mut parts = args.trim().splitn(2, char::is_whitespace);
            let target = parts.next().unwrap_or_default().to_owned();
            let note = parts.next().and_then(note);
            if target.is_empty() {
                return Ok(tickets::usage(
                    ctx,
                    origin,
                    &caller,
                    crate::app::effects::Notice::AssignUsage,
                )
                .await?);
            }
            Action::Assign {
                target: AssignTarget::Query(target),
                note,
            }
            .into()
        }
        Cmd::Unassign => Action::Unassign.into(),
        Cmd::Pending => Action::Pending.into(),
        Cmd::Resolve => Action::Resolve.into(),
        Cmd::Close => Action::Close.into(),
        Cmd::Reopen => Action::Reopen.into(),
        Cmd::Priority(p) => Action::Priority(p.trim().parse().ok()).into(),
        Cmd::Info => Action::Info.into(),
    };
    let Some(thread) = thread_of(&msg).filter(|_| !private) else {
        return Ok(tickets::usage(
            ctx,
            origin,
            &caller,
            crate::app::effects::Notice::NotInTopic,
        )
        .await?);
    };
    match action {
        InTopic::Act(action) => {
            let target = TicketRef::Topic { chat, thread };
            Ok(tickets::act(ctx, origin, &caller, target, action).await?)
        }
        InTopic::Remind(args) => {
            Ok(reminders::set_reminder(ctx, origin, &caller, chat, thread, &args).await?)
        }
        InTopic::Tag(args) => {
            Ok(crate::app::tags::tag(ctx, origin, &caller, chat, thread, msg.id.0, &args).await?)
        }
        InTopic::Escalate(reason) => {
            Ok(sla::escalate(ctx, origin, &caller, chat, thread, reason).await?)
        }
        InTopic::Kb(query) => Ok(crate::app::kb::kb_command(
            ctx, origin, &caller, chat, thread, msg.id.0, &query, &state.kb,
        )
        .await?),
        InTopic::Set(args) => {
            Ok(fields::set(ctx, origin, &caller, chat, thread, msg.id.0, &args).await?)
        }
        InTopic::Template(args) => {
            Ok(templates::send(ctx, origin, &caller, chat, thread, &args).await?)
        }
    }
}

/// `/connect`, `/disconnect`, `/staffchat`, `/exclude`, `/include` in a group.
async fn group_command(
    state: &AppState,
    origin: Origin,
    msg: &Message,
    caller: &Caller,
    cmd: Cmd,
    sender: GroupRole,
) -> crate::app::AppResult<()> {
    let ctx = &state.ctx;
    let chat = msg.chat.id.0;
    match cmd {
        Cmd::Connect => {
            let title = msg.chat.title().unwrap_or("this group").to_owned();
            let rights = match bot_rights(state, msg.chat.id).await {
                Ok(r) => r,
                Err(e) => return Err(crate::app::AppError::Unexpected(e)),
            };
            let forum = forum_of(msg);
            workspaces::connect_group(ctx, origin, caller, chat, &title, forum, rights, sender)
                .await
        }
        Cmd::Disconnect => workspaces::disconnect_group(ctx, origin, caller, chat, sender).await,
        Cmd::Staffchat => workspaces::link_staff_chat(ctx, origin, caller, chat, sender).await,
        _ => {
            let exclude = matches!(cmd, Cmd::Exclude);
            let thread = thread_of(msg);
            workspaces::set_topic_excluded(ctx, origin, caller, chat, thread, exclude, sender).await
        }
    }
}

/// The sender's standing in a group, asked when the command arrives (never cached: admins
/// change). `None` when Telegram could not be asked; a person Telegram does not know there is a
/// plain member.
async fn group_role(state: &AppState, chat: ChatId, user: &User) -> Option<GroupRole> {
    match state.bot.get_chat_member(chat, user.id).await {
        Ok(m) => Some(match m.kind {
            ChatMemberKind::Owner(_) => GroupRole::Creator,
            ChatMemberKind::Administrator(_) => GroupRole::Administrator,
            _ => GroupRole::Member,
        }),
        Err(teloxide::RequestError::Api(e)) => {
            tracing::info!(error = %e, "getChatMember refused; treating the sender as a member");
            Some(GroupRole::Member)
        }
        Err(e) => {
            tracing::warn!(error = %e, "getChatMember failed");
            None
        }
    }
}

/// The bot's own membership changed. Removed from a group (left or kicked): that group is
/// disconnected and the Owner told.
pub async fn my_chat_member(
    state: Arc<AppState>,
    origin: Origin,
    update: teloxide::types::ChatMemberUpdated,
) -> HandlerResult {
    let ctx = &state.ctx;
    let removed = matches!(
        update.new_chat_member.kind,
        ChatMemberKind::Left | ChatMemberKind::Banned(_)
    );
    if removed && !update.chat.is_private() {
        return Ok(workspaces::bot_removed(ctx, origin, update.chat.id.0).await?);
    }
    Ok(workspaces::ignore(ctx, origin, None, false).await?)
}

/// The most characters of free text a command keeps (a reason, a transfer note): it is
/// stored, audited and repeated in notifications.
const MAX_NOTE_CHARS: usize = 500;

/// A command's free-text argument, trimmed and bounded; `None` when empty.
fn note(text: &str) -> Option<String> {
    let t: String = text.trim().chars().take(MAX_NOTE_CHARS).collect();
    Some(t).filter(|t| !t.is_empty())
}

/// A command that works on the ticket of the topic it is typed in.
enum InTopic {
    /// A lifecycle action (`/claim`, `/assign`, …).
    Act(Action),
    Remind(String),
    Tag(String),
    Escalate(Option<String>),
    /// `/kb <query>`: the command message's id goes with it, to be deleted.
    Kb(String),
    /// `/set <field> <value>`.
    Set(String),
    /// `/t [name]`: a canned response.
    Template(String),
}

impl From<Action> for InTopic {
    fn from(a: Action) -> Self {
        InTopic::Act(a)
    }
}

/// Telegram asks whether a seat checkout may proceed.
pub async fn pre_checkout(
    state: Arc<AppState>,
    origin: Origin,
    q: teloxide::types::PreCheckoutQuery,
) -> HandlerResult {
    let caller = Caller {
        profile: profile(&q.from),
        private: true,
        reply: ReplyTo::Chat {
            chat: q.from.id.0 as i64,
            thread: None,
            message: None,
        },
    };
    let checkout = team::Checkout {
        query_id: q.id.0.clone(),
        payload: q.invoice_payload.clone(),
        currency: q.currency.clone(),
        total: q.total_amount,
    };
    Ok(team::pre_checkout(&state.ctx, origin, &caller, &checkout, &state.pricing).await?)
}
