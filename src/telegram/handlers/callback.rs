//! Button presses. The callback data is decoded into the typed [`CallbackData`]; anything that
//! does not decode (garbage, a button from an older version) gets a polite alert.

use std::sync::Arc;

use teloxide::types::CallbackQuery;

use super::{profile, HandlerResult};
use crate::app::effects::PromptKind;
use crate::app::effects::{CardMenu, Notice, ReplyTo};
use crate::app::routing::{self, AgentChange, IntakeChange, RoutingChange};
use crate::app::sla::{self, EscalationChange, HoursChange, SlaChange};
use crate::app::team::{self, MemberAction};
use crate::app::tickets::{self, Action, AssignTarget, TicketRef};
use crate::app::workspaces::{self, SettingChange};
use crate::app::{reminders, Caller, Origin};
use crate::domain::seats::Tier;
use crate::domain::team::Role;
use crate::telegram::callback::{CallbackData, HoursField};
use crate::telegram::{AppState, Dialogue};

pub async fn callback(state: Arc<AppState>, origin: Origin, q: CallbackQuery) -> HandlerResult {
    let ctx = &state.ctx;
    let regular = q.regular_message();
    let message = regular.map(|m| (m.chat.id.0, m.id.0, m.chat.is_private()));
    let caller = Caller {
        profile: profile(&q.from),
        private: message.is_some_and(|m| m.2),
        reply: ReplyTo::Callback { id: q.id.0.clone() },
    };
    let decoded = q.data.as_deref().map(CallbackData::decode);
    let Some(Ok(data)) = decoded else {
        return Ok(tickets::usage(ctx, origin, &caller, Notice::ButtonExpired).await?);
    };
    // Callback data comes from the client and can be anything: it only counts when it is one of
    // the buttons of the message it was pressed on, so a forged press can never make the bot act
    // on (or overwrite) a message the button does not belong to, such as a ticket card. A press
    // on a message Telegram no longer shows the bot (deleted, or too old) cannot be checked and
    // is still honoured, since old Approve or Claim buttons must keep working; it gets no screen
    // to edit, and every action behind it checks who may take it.
    if regular.is_some_and(|m| !has_button(m, q.data.as_deref().unwrap_or_default()))
        || q.inline_message_id.is_some()
    {
        return Ok(tickets::usage(ctx, origin, &caller, Notice::ButtonExpired).await?);
    }
    // Menus are edited in place only in the presser's own private chat.
    let screen = message
        .filter(|(chat, _, private)| *private && *chat == caller.profile.id)
        .map(|(chat, id, _)| (chat, id));
    let on = |ticket: crate::domain::ids::TicketId| TicketRef::Id(ticket.0);
    let (target, action) = match data {
        CallbackData::Claim { ticket } => (on(ticket), Action::Claim),
        CallbackData::AssignMenu { ticket } => (on(ticket), Action::ShowMenu(CardMenu::Assign)),
        CallbackData::AssignTo { ticket, agent } => (
            on(ticket),
            Action::Assign {
                target: AssignTarget::User(agent.0),
                note: None,
            },
        ),
        CallbackData::Pending { ticket } => (on(ticket), Action::Pending),
        CallbackData::Resolve { ticket } => (on(ticket), Action::Resolve),
        CallbackData::Close { ticket } => (on(ticket), Action::Close),
        CallbackData::Reopen { ticket } => (on(ticket), Action::Reopen),
        CallbackData::PriorityMenu { ticket } => (on(ticket), Action::ShowMenu(CardMenu::Priority)),
        CallbackData::SetPriority { ticket, priority } => {
            (on(ticket), Action::Priority(Some(priority)))
        }
        CallbackData::BackToCard { ticket } => (on(ticket), Action::ShowMenu(CardMenu::Main)),
        CallbackData::Csat { ticket, score } => {
            // Checked above to be a button of this very message: the CSAT question.
            let Some((chat, id, _)) = message else {
                return Ok(tickets::usage(ctx, origin, &caller, Notice::ButtonExpired).await?);
            };
            return Ok(tickets::rate(ctx, origin, &caller, ticket.0, score, (chat, id)).await?);
        }
        CallbackData::CreateWorkspace => {
            let Some((chat, _, true)) = message else {
                return Ok(tickets::usage(ctx, origin, &caller, Notice::ButtonExpired).await?);
            };
            state.ask(caller.profile.id, Dialogue::WorkspaceName);
            return Ok(workspaces::ask_workspace_name(ctx, origin, &caller, chat).await?);
        }
        CallbackData::BuySeat { pro } => {
            return Ok(team::buy_seat(ctx, origin, &caller, pro, &state.pricing).await?);
        }
        CallbackData::MembersList => return Ok(team::members(ctx, origin, &caller, screen).await?),
        CallbackData::MemberMenu { user } => {
            return Ok(team::member_action(
                ctx,
                origin,
                &caller,
                user.0,
                MemberAction::Show,
                screen,
            )
            .await?);
        }
        CallbackData::MemberRole { user, admin } => {
            let role = if admin { Role::Admin } else { Role::Member };
            let action = MemberAction::SetRole(role);
            return Ok(team::member_action(ctx, origin, &caller, user.0, action, screen).await?);
        }
        CallbackData::MemberSeat { user, pro } => {
            let action = MemberAction::MoveSeat(if pro { Tier::Pro } else { Tier::Basic });
            return Ok(team::member_action(ctx, origin, &caller, user.0, action, screen).await?);
        }
        CallbackData::MemberRemove { user } => {
            return Ok(team::member_action(
                ctx,
                origin,
                &caller,
                user.0,
                MemberAction::Remove,
                screen,
            )
            .await?);
        }
        CallbackData::LeaveDecision { request, approve } => {
            return Ok(team::decide_leave(ctx, origin, &caller, request, approve).await?);
        }
        CallbackData::TransferConfirm { user } => {
            return Ok(team::transfer_confirm(ctx, origin, &caller, user.0, screen).await?);
        }
        CallbackData::SettingsPermissions => {
            return Ok(team::permissions_screen(ctx, origin, &caller, None, screen).await?);
        }
        CallbackData::PermissionToggle { index } => {
            return Ok(team::permissions_screen(ctx, origin, &caller, Some(index), screen).await?);
        }
        CallbackData::SettingsHome => {
            let _accepted =
                workspaces::settings(ctx, origin, &caller, SettingChange::Show, screen).await?;
            return Ok(());
        }
        CallbackData::SettingsRouting
        | CallbackData::RoutingStrategy { .. }
        | CallbackData::RoutingPause { .. }
        | CallbackData::RoutingFallback { .. }
        | CallbackData::RoutingAlert { .. }
        | CallbackData::GroupStrategy { .. } => {
            let change = match data {
                CallbackData::RoutingStrategy { strategy } => RoutingChange::Strategy(strategy),
                CallbackData::RoutingPause { paused } => RoutingChange::Paused(paused),
                CallbackData::RoutingFallback { on } => RoutingChange::Fallback(on),
                CallbackData::RoutingAlert { minutes } => RoutingChange::AlertMinutes(minutes),
                CallbackData::GroupStrategy { chat, strategy } => {
                    RoutingChange::Group(chat, strategy)
                }
                _ => RoutingChange::Show,
            };
            let _accepted = routing::routing_screen(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
        CallbackData::SettingsAgents
        | CallbackData::AgentMenu { .. }
        | CallbackData::AgentCapacity { .. } => {
            let change = match data {
                CallbackData::AgentMenu { user } => AgentChange::Show(user.0),
                CallbackData::AgentCapacity { user, max_open } => {
                    AgentChange::Capacity(user.0, max_open)
                }
                _ => AgentChange::List,
            };
            let _accepted = routing::agents_screen(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
        CallbackData::SettingsIntake
        | CallbackData::CategoryDelete { .. }
        | CallbackData::KeywordDelete { .. } => {
            let change = match data {
                CallbackData::CategoryDelete { id } => IntakeChange::DeleteCategory(id),
                CallbackData::KeywordDelete { id } => IntakeChange::DeleteKeyword(id),
                _ => IntakeChange::Show,
            };
            let _accepted = routing::intake_screen(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
        CallbackData::AgentSkills { .. } | CallbackData::CategoryAdd | CallbackData::KeywordAdd => {
            let (prompt, dialogue) = match data {
                CallbackData::AgentSkills { user } => (
                    PromptKind::Skills {
                        user: user.0,
                        name: String::new(),
                        current: String::new(),
                    },
                    Dialogue::Skills { user: user.0 },
                ),
                CallbackData::CategoryAdd => (PromptKind::Category, Dialogue::Category),
                _ => (PromptKind::Keyword, Dialogue::Keyword),
            };
            if routing::ask(ctx, origin, &caller, prompt).await? {
                state.ask(caller.profile.id, dialogue);
            }
            return Ok(());
        }
        CallbackData::SettingsSla | CallbackData::SlaClear { .. } => {
            let change = match data {
                CallbackData::SlaClear { priority } => SlaChange::Clear(priority),
                _ => SlaChange::Show,
            };
            let _accepted = sla::sla_screen(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
        CallbackData::SettingsHours | CallbackData::HolidayDelete { .. } => {
            let change = match data {
                CallbackData::HolidayDelete { date } => HoursChange::DeleteHoliday(date),
                _ => HoursChange::Show,
            };
            let _accepted = sla::hours_screen(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
        CallbackData::SettingsEscalation | CallbackData::EscalationDelete { .. } => {
            let change = match data {
                CallbackData::EscalationDelete { id } => EscalationChange::Delete(id),
                _ => EscalationChange::Show,
            };
            let _accepted = sla::escalation_screen(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
        CallbackData::SlaEdit { .. }
        | CallbackData::HoursEdit { .. }
        | CallbackData::EscalationAdd => {
            let (prompt, dialogue) = match data {
                CallbackData::SlaEdit { priority } => (
                    PromptKind::SlaTargets {
                        priority: priority.as_str().to_owned(),
                    },
                    Dialogue::SlaTargets { priority },
                ),
                CallbackData::HoursEdit {
                    what: HoursField::TimeZone,
                } => (PromptKind::TimeZone, Dialogue::TimeZone),
                CallbackData::HoursEdit {
                    what: HoursField::Week,
                } => (PromptKind::Week, Dialogue::Week),
                CallbackData::HoursEdit {
                    what: HoursField::AddHoliday,
                } => (PromptKind::Holiday, Dialogue::Holiday),
                _ => (PromptKind::EscalationRule, Dialogue::EscalationRule),
            };
            if routing::ask(ctx, origin, &caller, prompt).await? {
                state.ask(caller.profile.id, dialogue);
            }
            return Ok(());
        }
        CallbackData::NumberPrompt { setting } => {
            if routing::ask(ctx, origin, &caller, PromptKind::Number { setting }).await? {
                state.ask(caller.profile.id, Dialogue::Number(setting));
            }
            return Ok(());
        }
        CallbackData::IntakeTimeout { minutes } => {
            let change = IntakeChange::Timeout(minutes);
            let _accepted = routing::intake_screen(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
        CallbackData::ReminderCancel { id } => {
            return Ok(reminders::cancel_reminder(ctx, origin, &caller, id).await?);
        }
        CallbackData::PromptCancel => {
            state.dialogues.remove(&caller.profile.id);
            return Ok(tickets::usage(ctx, origin, &caller, Notice::PromptCancelled).await?);
        }
        CallbackData::PickCategory { ticket, category } => {
            // The intake question in the topic (checked above to carry this button).
            let question = message.map(|(chat, id, _)| (chat, id));
            return Ok(
                routing::pick_category(ctx, origin, &caller, ticket.0, category, question).await?,
            );
        }
        CallbackData::Queue => return Ok(routing::queue(ctx, origin, &caller, screen).await?),
        CallbackData::QueueAssign { ticket } => {
            return Ok(routing::queue_assign(ctx, origin, &caller, ticket.0, screen).await?);
        }
        CallbackData::SettingsToggleBodies | CallbackData::SettingsAutoClose { .. } => {
            let change = match data {
                CallbackData::SettingsAutoClose { hours } => SettingChange::AutoCloseHours(hours),
                _ => SettingChange::ToggleBodies,
            };
            let _accepted = workspaces::settings(ctx, origin, &caller, change, screen).await?;
            return Ok(());
        }
    };
    Ok(tickets::act(ctx, origin, &caller, target, action).await?)
}

/// Whether `data` is the callback data of one of the message's inline buttons.
fn has_button(m: &teloxide::types::Message, data: &str) -> bool {
    use teloxide::types::InlineKeyboardButtonKind;
    m.reply_markup().is_some_and(|kb| {
        kb.inline_keyboard
            .iter()
            .flatten()
            .any(|b| matches!(&b.kind, InlineKeyboardButtonKind::CallbackData(d) if d == data))
    })
}
