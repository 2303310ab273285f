//! `/t` in a ticket's topic. `/t <name>` renders the template for the ticket and posts it into
//! the topic as the bot; it counts as the agent's reply exactly as a message they write there
//! does (the same lifecycle move: first response, in progress, the SLA clock stopped, routing's
//! reactions), and once sent it is logged as their message. `/t` alone sends the agent,
//! privately, the templates they may use as buttons by category; a press posts that one.
//!
//! An unknown template or a failed render posts nothing: the agent is told why, privately.

use std::collections::BTreeMap;

use entity::templates::Model as Template;
use entity::tickets::Model as Ticket;
use entity::workspaces::Model as Workspace;

use super::{list_row, page_of, rights_of, sees_shared, standing};
use crate::app::effects::{Effect, Notice, ReplyTo, TemplateNotice};
use crate::app::lifecycle::{agent_ticket, apply, ApplyOpts};
use crate::app::work::access::{authorize, begin};
use crate::app::work::{AppResult, Caller, Ctx, Origin, Work};
use crate::domain::ids::UserId;
use crate::domain::permissions::Perm;
use crate::domain::template::{self as rules, Vars, Verdict};
use crate::domain::ticket::{Actor, Command, Priority};
use crate::store::{self, audit::Entry, tickets::LoggedMessage};

/// How much of an unknown name is repeated back.
const MAX_ECHO_CHARS: usize = 40;

/// `/t [name]` in a ticket's topic.
pub async fn send(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    chat: i64,
    thread: i32,
    args: &str,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((t, ws)) = agent_ticket(&mut w, caller, chat, thread).await? else {
        return w.commit().await;
    };
    let typed = args.trim();
    if typed.is_empty() {
        let notice = picker(&w, &ws, &t, caller.profile.id, 0).await?;
        w.effect(Effect::SendPrivate {
            user: caller.profile.id,
            notice: Notice::Templates(notice),
            fallback: Some((chat, Some(thread))),
        })
        .await?;
        return w.commit().await;
    }
    // The command names a template: the customer reading the topic need not see it.
    if let ReplyTo::Chat {
        message: Some(message_id),
        ..
    } = caller.reply
    {
        w.effect(Effect::DeleteMessage { chat, message_id }).await?;
    }
    let found = match rules::name_of(typed) {
        Ok(name) => store::templates::named(&w.tx, ws.id, caller.profile.id, &name).await?,
        Err(_) => None,
    };
    let Some(template) = found else {
        let name = typed.chars().take(MAX_ECHO_CHARS).collect();
        w.reply(caller, Notice::Templates(TemplateNotice::Unknown { name }))
            .await?;
        return w.commit().await;
    };
    if usable(&mut w, caller, &ws, &template).await? {
        post(&mut w, caller, t, &ws, &template).await?;
    }
    w.commit().await
}

/// A picker's button: posts template `template` into ticket `ticket`. Both are checked against
/// the presser's workspace and rights (the button may be stale or forged).
pub async fn pick(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    ticket: i64,
    template: i64,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((t, ws)) = ticket_for(&mut w, caller, ticket).await? else {
        return w.commit().await;
    };
    let Some(template) = store::templates::get(&w.tx, ws.id, template).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return w.commit().await;
    };
    if usable(&mut w, caller, &ws, &template).await? {
        let number = t.number;
        if post(&mut w, caller, t, &ws, &template).await? {
            let name = template.name;
            w.reply(
                caller,
                Notice::Templates(TemplateNotice::Sent { name, number }),
            )
            .await?;
        }
    }
    w.commit().await
}

/// A picker's page button.
pub async fn picker_page(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    ticket: i64,
    page: u16,
    screen: Option<(i64, i32)>,
) -> AppResult<()> {
    let Some(mut w) = begin(ctx, origin, caller).await? else {
        return Ok(());
    };
    let Some((t, ws)) = ticket_for(&mut w, caller, ticket).await? else {
        return w.commit().await;
    };
    let notice = picker(&w, &ws, &t, caller.profile.id, page).await?;
    w.show(caller, screen, Notice::Templates(notice)).await?;
    w.commit().await
}

/// A sent template's message: logged as the agent's message of the ticket, once.
pub async fn posted(
    ctx: &Ctx,
    ticket: i64,
    agent: i64,
    message_id: i32,
    text: &str,
) -> AppResult<()> {
    let Some(w) = Work::begin(ctx, Origin::Internal).await? else {
        return Ok(());
    };
    if let Some(t) = store::tickets::get(&w.tx, ticket).await? {
        let keep = store::workspaces::get(&w.tx, t.workspace_id)
            .await?
            .is_some_and(|ws| ws.store_message_bodies);
        let message = LoggedMessage {
            ticket_id: t.id,
            tg_message_id: message_id,
            sender_id: agent,
            role: "agent",
            is_command: false,
            body: keep.then(|| text.to_owned()),
        };
        store::tickets::log_message(&w.tx, message, w.now).await?;
    }
    w.commit().await
}

/// The ticket a button names, locked, when the presser may work it and it is still live.
async fn ticket_for(
    w: &mut Work,
    caller: &Caller,
    ticket: i64,
) -> AppResult<Option<(Ticket, Workspace)>> {
    let Some(t) = store::tickets::get(&w.tx, ticket).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return Ok(None);
    };
    let Some(ws) = store::workspaces::get(&w.tx, t.workspace_id).await? else {
        w.reply(caller, Notice::ButtonExpired).await?;
        return Ok(None);
    };
    if !authorize(w, caller, &ws, Perm::WorkTickets).await? {
        return Ok(None);
    }
    let t = store::tickets::get_locked(&w.tx, t.id).await?.unwrap_or(t);
    if !store::tickets::is_live(&w.tx, &t).await? {
        let number = t.number;
        w.reply(caller, Notice::TicketReadOnly { number }).await?;
        return Ok(None);
    }
    Ok(Some((t, ws)))
}

/// Whether the caller may send `template`, after telling them why not.
async fn usable(
    w: &mut Work,
    caller: &Caller,
    ws: &Workspace,
    template: &Template,
) -> AppResult<bool> {
    let me = caller.profile.id;
    let Some((subject, toggles)) = standing(w, ws, me).await? else {
        w.reply(caller, Notice::OnlyAgents).await?;
        return Ok(false);
    };
    match rules::may_use(&subject, UserId(me), rights_of(template), &toggles) {
        Verdict::Allowed => Ok(true),
        // Someone else's personal template (only a forged button names one).
        Verdict::Hidden => {
            w.reply(caller, Notice::ButtonExpired).await?;
            Ok(false)
        }
        Verdict::Denied(denied) => {
            privately(w, caller, Notice::NotPermitted { denied }).await?;
            Ok(false)
        }
    }
}

/// Answers the caller privately when they spoke in a group (a template's refusal is for the
/// agent, not for the customer reading the topic), else where they spoke.
async fn privately(w: &mut Work, caller: &Caller, notice: Notice) -> AppResult<()> {
    match caller.reply {
        ReplyTo::Chat { chat, thread, .. } if chat != caller.profile.id => {
            w.effect(Effect::SendPrivate {
                user: caller.profile.id,
                notice,
                fallback: Some((chat, thread)),
            })
            .await
        }
        _ => w.reply(caller, notice).await,
    }
}

/// Renders `template` for the ticket and posts it as the agent's reply; `false` (after telling
/// the agent why) when rendering failed and nothing was posted.
async fn post(
    w: &mut Work,
    caller: &Caller,
    t: Ticket,
    ws: &Workspace,
    template: &Template,
) -> AppResult<bool> {
    let vars = vars_for(w, &t, ws, caller).await?;
    let text = match rules::render(&template.body, &vars) {
        Ok(text) => text,
        Err(problem) => {
            let name = template.name.clone();
            let notice = TemplateNotice::RenderFailed { name, problem };
            w.reply(caller, Notice::Templates(notice)).await?;
            return Ok(false);
        }
    };
    let by = UserId(caller.profile.id);
    w.effect(Effect::PostTemplate {
        ticket: t.id,
        agent: by.0,
        text,
    })
    .await?;
    w.audit(Entry {
        workspace_id: ws.id,
        ticket_id: Some(t.id),
        actor: Actor::User(by),
        action: "template.sent",
        old_value: None,
        new_value: Some(template.name.clone()),
        note: Some(format!("template {} v{}", template.id, template.version)),
    })
    .await?;
    // The agent's reply: the same move as a message they write in the topic (never refused).
    let cmd = Command::AgentReplied { by };
    if let Err(e) = apply(w, t, &cmd, Actor::User(by), ApplyOpts::default()).await? {
        tracing::info!(error = %e, "a template's reply moved nothing");
    }
    Ok(true)
}

/// The `/t` picker: the templates the agent may use, a page of them.
async fn picker(
    w: &Work,
    ws: &Workspace,
    t: &Ticket,
    me: i64,
    page: u16,
) -> AppResult<TemplateNotice> {
    let shared = match standing(w, ws, me).await? {
        Some((s, toggles)) => sees_shared(&s, &toggles),
        None => false,
    };
    let all: Vec<_> = store::templates::visible(&w.tx, ws.id, me, shared)
        .await?
        .iter()
        .map(|x| list_row(ws, x))
        .collect();
    if all.is_empty() {
        return Ok(TemplateNotice::NoTemplates);
    }
    let (rows, page, pages) = page_of(&all, page);
    Ok(TemplateNotice::Picker {
        ticket: t.id,
        number: t.number,
        rows,
        page,
        pages,
    })
}

/// What a template is rendered with for this ticket and agent.
async fn vars_for(w: &Work, t: &Ticket, ws: &Workspace, caller: &Caller) -> AppResult<Vars> {
    let customer = store::users::get(&w.tx, t.customer_id).await?;
    let (first, last, username) = customer
        .map(|u| (u.first_name, u.last_name, u.username))
        .unwrap_or_default();
    let category = match t.category_id {
        Some(id) => store::routing::category(&w.tx, id)
            .await?
            .filter(|c| c.workspace_id == ws.id)
            .map(|c| c.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    Ok(Vars {
        customer_name: full_name(&first, last.as_deref()),
        customer_first_name: first,
        customer_username: username.unwrap_or_default(),
        ticket_number: t.number,
        subject: t.subject.clone(),
        agent_name: full_name(
            &caller.profile.first_name,
            caller.profile.last_name.as_deref(),
        ),
        workspace_name: ws.name.clone(),
        priority: Priority::from(t.priority).as_str().to_owned(),
        category,
        fields: field_values(w, t).await?,
    })
}

/// The ticket's custom field values for `fields.<key>`, by key, as display strings. Only set
/// values are there: a field the ticket lacks is undefined, so an unguarded `{{ fields.plan }}`
/// names itself instead of leaving a hole in what the customer reads, and
/// `{% if fields.plan is defined %}` guards it.
async fn field_values(w: &Work, t: &Ticket) -> AppResult<BTreeMap<String, String>> {
    Ok(
        store::fields::values_for_ticket(&w.tx, t.workspace_id, t.id)
            .await?
            .into_iter()
            .filter(|(_, value)| !value.is_empty())
            .collect(),
    )
}

fn full_name(first: &str, last: Option<&str>) -> String {
    match last.map(str::trim).filter(|l| !l.is_empty()) {
        Some(last) => format!("{first} {last}"),
        None => first.to_owned(),
    }
}
