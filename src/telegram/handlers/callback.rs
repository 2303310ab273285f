//! Button presses. The callback data is decoded into the typed [`CallbackData`]; anything that
//! does not decode (garbage, a button from an older version) gets a polite alert.

mod fields;

use std::sync::Arc;

use teloxide::types::CallbackQuery;

use super::{profile, HandlerResult};
use crate::app::effects::{CardMenu, Notice, ReplyTo};
use crate::app::effects::{KbPrompt, PromptKind};
use crate::app::kb::{self, KbChange};
use crate::app::routing::{self, AgentChange, IntakeChange, RoutingChange};
use crate::app::sla::{self, EscalationChange, HoursChange, SlaChange};
use crate::app::team::{self, MemberAction};
use crate::app::templates::{self, Ask, TemplateChange};
use crate::app::tickets::{self, Action, AssignTarget, TicketRef};
use crate::app::workspaces::{self, SettingChange};
use crate::app::{reminders, Caller, Origin};
use crate::domain::ids::{TicketId, UserId};
use crate::domain::seats::Tier;
use crate::domain::team::Role;
use crate::telegram::callback::{
    CallbackData, HoursField, KbButton, PrivacyButton, RoutingButton, SlaButton,
};
use crate::telegram::callback::{TeamButton, TemplateButton, TicketButton, WorkspaceButton};
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
    let press = Press {
        state: &state,
        origin,
        caller: &caller,
        message,
        screen,
    };
    match data {
        CallbackData::Ticket(b) => press.ticket(b).await,
        CallbackData::Team(b) => press.team(b).await,
        CallbackData::Routing(b) => press.routing(b).await,
        CallbackData::Sla(b) => press.sla(b).await,
        CallbackData::Workspace(b) => press.workspace(b).await,
        CallbackData::Kb(b) => press.kb(b).await,
        CallbackData::Privacy(b) => press.privacy(b).await,
        CallbackData::Fields(b) => press.fields(b).await,
        CallbackData::Templates(b) => press.templates(b).await,
    }
}

/// A checked press, with what every area's use cases need.
struct Press<'a> {
    state: &'a AppState,
    origin: Origin,
    caller: &'a Caller,
    /// The message the button is on (chat, id, private), when Telegram still shows it.
    message: Option<(i64, i32, bool)>,
    /// The menu to edit in place: the message, when it is in the presser's own private chat.
    screen: Option<(i64, i32)>,
}

impl Press<'_> {
    async fn expired(&self) -> HandlerResult {
        let notice = Notice::ButtonExpired;
        Ok(tickets::usage(&self.state.ctx, self.origin, self.caller, notice).await?)
    }

    /// Asks for free text; when the question went out, the presser's next message answers it.
    async fn ask(&self, prompt: PromptKind, dialogue: Dialogue) -> HandlerResult {
        if routing::ask(&self.state.ctx, self.origin, self.caller, prompt).await? {
            self.state.ask(self.caller.profile.id, dialogue);
        }
        Ok(())
    }

    async fn ticket(&self, b: TicketButton) -> HandlerResult {
        let (ctx, origin, caller) = (&self.state.ctx, self.origin, self.caller);
        let on = |ticket: TicketId| TicketRef::Id(ticket.0);
        let (target, action) = match b {
            TicketButton::Claim { ticket } => (on(ticket), Action::Claim),
            TicketButton::AssignMenu { ticket } => (on(ticket), Action::ShowMenu(CardMenu::Assign)),
            TicketButton::AssignTo { ticket, agent } => (
                on(ticket),
                Action::Assign {
                    target: AssignTarget::User(agent.0),
                    note: None,
                },
            ),
            TicketButton::Pending { ticket } => (on(ticket), Action::Pending),
            TicketButton::Resolve { ticket } => (on(ticket), Action::Resolve),
            TicketButton::Close { ticket } => (on(ticket), Action::Close),
            TicketButton::Reopen { ticket } => (on(ticket), Action::Reopen),
            TicketButton::PriorityMenu { ticket } => {
                (on(ticket), Action::ShowMenu(CardMenu::Priority))
            }
            TicketButton::SetPriority { ticket, priority } => {
                (on(ticket), Action::Priority(Some(priority)))
            }
            TicketButton::BackToCard { ticket } => (on(ticket), Action::ShowMenu(CardMenu::Main)),
            TicketButton::Csat { ticket, score } => {
                // Checked above to be a button of this very message: the CSAT question.
                let Some((chat, id, _)) = self.message else {
                    return self.expired().await;
                };
                return Ok(tickets::rate(ctx, origin, caller, ticket.0, score, (chat, id)).await?);
            }
        };
        Ok(tickets::act(ctx, origin, caller, target, action).await?)
    }

    async fn team(&self, b: TeamButton) -> HandlerResult {
        let (ctx, origin, caller, screen) =
            (&self.state.ctx, self.origin, self.caller, self.screen);
        let member =
            |user: UserId, action| team::member_action(ctx, origin, caller, user.0, action, screen);
        match b {
            TeamButton::BuySeat { pro } => {
                Ok(team::buy_seat(ctx, origin, caller, pro, &self.state.pricing).await?)
            }
            TeamButton::MembersList => Ok(team::members(ctx, origin, caller, screen).await?),
            TeamButton::MemberMenu { user } => Ok(member(user, MemberAction::Show).await?),
            TeamButton::MemberRole { user, admin } => {
                let role = if admin { Role::Admin } else { Role::Member };
                Ok(member(user, MemberAction::SetRole(role)).await?)
            }
            TeamButton::MemberSeat { user, pro } => {
                let tier = if pro { Tier::Pro } else { Tier::Basic };
                Ok(member(user, MemberAction::MoveSeat(tier)).await?)
            }
            TeamButton::MemberRemove { user } => Ok(member(user, MemberAction::Remove).await?),
            TeamButton::LeaveDecision { request, approve } => {
                Ok(team::decide_leave(ctx, origin, caller, request, approve).await?)
            }
            TeamButton::TransferConfirm { user } => {
                Ok(team::transfer_confirm(ctx, origin, caller, user.0, screen).await?)
            }
            TeamButton::SettingsPermissions => {
                Ok(team::permissions_screen(ctx, origin, caller, None, screen).await?)
            }
            TeamButton::PermissionToggle { index } => {
                Ok(team::permissions_screen(ctx, origin, caller, Some(index), screen).await?)
            }
        }
    }

    async fn routing(&self, b: RoutingButton) -> HandlerResult {
        use RoutingButton as B;
        let (ctx, origin, caller, screen) =
            (&self.state.ctx, self.origin, self.caller, self.screen);
        let settings = |change| routing::routing_screen(ctx, origin, caller, change, screen);
        let agents = |change| routing::agents_screen(ctx, origin, caller, change, screen);
        let intake = |change| routing::intake_screen(ctx, origin, caller, change, screen);
        let _accepted = match b {
            B::SettingsRouting => settings(RoutingChange::Show).await?,
            B::RoutingStrategy { strategy } => settings(RoutingChange::Strategy(strategy)).await?,
            B::RoutingPause { paused } => settings(RoutingChange::Paused(paused)).await?,
            B::RoutingFallback { on } => settings(RoutingChange::Fallback(on)).await?,
            B::RoutingAlert { minutes } => settings(RoutingChange::AlertMinutes(minutes)).await?,
            B::GroupStrategy { chat, strategy } => {
                settings(RoutingChange::Group(chat, strategy)).await?
            }
            B::SettingsAgents => agents(AgentChange::List).await?,
            B::AgentMenu { user } => agents(AgentChange::Show(user.0)).await?,
            B::AgentCapacity { user, max_open } => {
                agents(AgentChange::Capacity(user.0, max_open)).await?
            }
            B::SettingsIntake => intake(IntakeChange::Show).await?,
            B::CategoryDelete { id } => intake(IntakeChange::DeleteCategory(id)).await?,
            B::KeywordDelete { id } => intake(IntakeChange::DeleteKeyword(id)).await?,
            B::IntakeTimeout { minutes } => intake(IntakeChange::Timeout(minutes)).await?,
            B::AgentSkills { user } => {
                let prompt = PromptKind::Skills {
                    user: user.0,
                    name: String::new(),
                    current: String::new(),
                };
                return self.ask(prompt, Dialogue::Skills { user: user.0 }).await;
            }
            B::CategoryAdd => return self.ask(PromptKind::Category, Dialogue::Category).await,
            B::KeywordAdd => return self.ask(PromptKind::Keyword, Dialogue::Keyword).await,
            B::PickCategory { ticket, category } => {
                // The intake question in the topic (checked above to carry this button).
                let question = self.message.map(|(chat, id, _)| (chat, id));
                return Ok(routing::pick_category(
                    ctx, origin, caller, ticket.0, category, question,
                )
                .await?);
            }
            B::Queue => return Ok(routing::queue(ctx, origin, caller, screen).await?),
            B::QueueAssign { ticket } => {
                return Ok(routing::queue_assign(ctx, origin, caller, ticket.0, screen).await?);
            }
        };
        Ok(())
    }

    async fn sla(&self, b: SlaButton) -> HandlerResult {
        use SlaButton as B;
        let (ctx, origin, caller, screen) =
            (&self.state.ctx, self.origin, self.caller, self.screen);
        let policies = |change| sla::sla_screen(ctx, origin, caller, change, screen);
        let hours = |change| sla::hours_screen(ctx, origin, caller, change, screen);
        let escalation = |change| sla::escalation_screen(ctx, origin, caller, change, screen);
        let _accepted = match b {
            B::SettingsSla => policies(SlaChange::Show).await?,
            B::SlaClear { priority } => policies(SlaChange::Clear(priority)).await?,
            B::SettingsHours => hours(HoursChange::Show).await?,
            B::HolidayDelete { date } => hours(HoursChange::DeleteHoliday(date)).await?,
            B::SettingsEscalation => escalation(EscalationChange::Show).await?,
            B::EscalationDelete { id } => escalation(EscalationChange::Delete(id)).await?,
            B::SlaEdit { priority } => {
                let prompt = PromptKind::SlaTargets {
                    priority: priority.as_str().to_owned(),
                };
                return self.ask(prompt, Dialogue::SlaTargets { priority }).await;
            }
            B::HoursEdit { what } => {
                let (prompt, dialogue) = match what {
                    HoursField::TimeZone => (PromptKind::TimeZone, Dialogue::TimeZone),
                    HoursField::Week => (PromptKind::Week, Dialogue::Week),
                    HoursField::AddHoliday => (PromptKind::Holiday, Dialogue::Holiday),
                };
                return self.ask(prompt, dialogue).await;
            }
            B::EscalationAdd => {
                return self
                    .ask(PromptKind::EscalationRule, Dialogue::EscalationRule)
                    .await;
            }
            B::ReminderCancel { id } => {
                return Ok(reminders::cancel_reminder(ctx, origin, caller, id).await?);
            }
        };
        Ok(())
    }

    async fn workspace(&self, b: WorkspaceButton) -> HandlerResult {
        let (ctx, origin, caller, screen) =
            (&self.state.ctx, self.origin, self.caller, self.screen);
        let settings = |change| workspaces::settings(ctx, origin, caller, change, screen);
        match b {
            WorkspaceButton::CreateWorkspace => {
                let Some((chat, _, true)) = self.message else {
                    return self.expired().await;
                };
                self.state.ask(caller.profile.id, Dialogue::WorkspaceName);
                Ok(workspaces::ask_workspace_name(ctx, origin, caller, chat).await?)
            }
            WorkspaceButton::SettingsHome => {
                let _accepted = settings(SettingChange::Show).await?;
                Ok(())
            }
            WorkspaceButton::SettingsToggleBodies => {
                let _accepted = settings(SettingChange::ToggleBodies).await?;
                Ok(())
            }
            WorkspaceButton::SettingsAutoClose { hours } => {
                let _accepted = settings(SettingChange::AutoCloseHours(hours)).await?;
                Ok(())
            }
            WorkspaceButton::NumberPrompt { setting } => {
                self.ask(PromptKind::Number { setting }, Dialogue::Number(setting))
                    .await
            }
            WorkspaceButton::PromptCancel => {
                self.state.dialogues.remove(&caller.profile.id);
                Ok(tickets::usage(ctx, origin, caller, Notice::PromptCancelled).await?)
            }
        }
    }
}

impl Press<'_> {
    /// Asks for a knowledge-base value; when the question went out, the next message answers.
    async fn ask_kb(&self, prompt: KbPrompt, dialogue: Dialogue) -> HandlerResult {
        if kb::ask(&self.state.ctx, self.origin, self.caller, prompt).await? {
            self.state.ask(self.caller.profile.id, dialogue);
        }
        Ok(())
    }

    /// `/settings` → Privacy.
    async fn privacy(&self, b: PrivacyButton) -> HandlerResult {
        use crate::app::retention::{privacy_screen, PrivacyChange as Ch};
        let change = match b {
            PrivacyButton::PrivacyHome => Ch::Show,
            PrivacyButton::PrivacyToggleBodies => Ch::ToggleBodies,
            PrivacyButton::PrivacyToggleWebhook => Ch::ToggleWebhookBodies,
            PrivacyButton::PrivacyRetention { days } => Ch::RetentionDays(days),
        };
        let (ctx, origin, caller) = (&self.state.ctx, self.origin, self.caller);
        let _accepted = privacy_screen(ctx, origin, caller, change, self.screen).await?;
        Ok(())
    }

    async fn kb(&self, b: KbButton) -> HandlerResult {
        use KbButton as B;
        let (ctx, origin, caller, screen) =
            (&self.state.ctx, self.origin, self.caller, self.screen);
        let searcher = &self.state.kb;
        let show = |change| kb::kb_screen(ctx, origin, caller, change, screen, searcher);
        let _accepted = match b {
            B::KbList { page } => show(KbChange::List { page }).await?,
            B::KbArticle { id } => show(KbChange::View(id)).await?,
            B::KbDelete { id } => show(KbChange::Delete(id)).await?,
            B::KbExternal => show(KbChange::External).await?,
            B::KbExternalClear => show(KbChange::ExternalClear).await?,
            B::KbAdd => {
                let dialogue = Dialogue::KbArticle { id: None };
                return self.ask_kb(KbPrompt::NewArticle, dialogue).await;
            }
            B::KbEdit { id } => {
                let prompt = KbPrompt::EditArticle {
                    id,
                    current: String::new(),
                };
                return self
                    .ask_kb(prompt, Dialogue::KbArticle { id: Some(id) })
                    .await;
            }
            B::KbExternalUrl => {
                return self
                    .ask_kb(KbPrompt::ExternalUrl, Dialogue::KbExternalUrl)
                    .await;
            }
            B::KbExternalToken => {
                return self
                    .ask_kb(KbPrompt::ExternalToken, Dialogue::KbExternalToken)
                    .await;
            }
            B::KbPost { ticket, article } => {
                return Ok(kb::post_article(ctx, origin, caller, ticket.0, article).await?);
            }
        };
        Ok(())
    }
}

impl Press<'_> {
    async fn templates(&self, b: TemplateButton) -> HandlerResult {
        use TemplateButton as B;
        let (ctx, origin, caller, screen) =
            (&self.state.ctx, self.origin, self.caller, self.screen);
        let show = |change| templates::screen(ctx, origin, caller, change, screen);
        let _accepted = match b {
            B::List { page } => show(TemplateChange::List { page }).await?,
            B::Show { id } => show(TemplateChange::Show(id)).await?,
            B::Versions { id } => show(TemplateChange::Versions(id)).await?,
            B::Version { id } => show(TemplateChange::Version(id)).await?,
            B::Restore { id } => show(TemplateChange::Restore(id)).await?,
            B::AskDelete { id } => show(TemplateChange::AskDelete(id)).await?,
            B::Delete { id } => show(TemplateChange::Delete(id)).await?,
            B::Add { shared } => {
                let dialogue = Dialogue::TemplateAdd { shared };
                return self.ask_template(Ask::Add { shared }, dialogue).await;
            }
            B::EditBody { id } => {
                let dialogue = Dialogue::TemplateBody { id };
                return self.ask_template(Ask::Body(id), dialogue).await;
            }
            B::EditLabel { id } => {
                let dialogue = Dialogue::TemplateLabel { id };
                return self.ask_template(Ask::Label(id), dialogue).await;
            }
            B::Pick { ticket, template } => {
                return Ok(templates::pick(ctx, origin, caller, ticket.0, template).await?);
            }
            B::PickerPage { ticket, page } => {
                let page = templates::picker_page(ctx, origin, caller, ticket.0, page, screen);
                return Ok(page.await?);
            }
        };
        Ok(())
    }

    /// Asks for a template's text; when the question went out, the presser's next message
    /// answers it.
    async fn ask_template(&self, what: Ask, dialogue: Dialogue) -> HandlerResult {
        if templates::ask(&self.state.ctx, self.origin, self.caller, what).await? {
            self.state.ask(self.caller.profile.id, dialogue);
        }
        Ok(())
    }
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
