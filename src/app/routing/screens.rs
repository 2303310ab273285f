//! The Admin's routing settings screens: strategy, agents (capacity, skills), intake
//! (categories, keyword rules), and the typed values they ask for.

use super::engine::{parse_skills, team};
use crate::app::effects::{
    AgentLoad, CategoryRow, Invalid, KeywordRow, Notice, PromptKind, RoutingView,
};
use crate::app::work::access::{begin_for, member_entry};
use crate::app::work::{display_name, refuse_input, AppResult, Caller, Ctx, Origin};
use crate::domain::duration;
use crate::domain::permissions::Perm;
use crate::domain::routing::Strategy;
use crate::domain::ticket::Priority;
use crate::store::{self};

/// Capacities offered on an agent's settings screen.
pub const CAPACITY_CHOICES: [u16; 8] = [1, 2, 3, 5, 10, 15, 20, 30];

/// The largest capacity an agent can have.
const MAX_CAPACITY: u16 = 30;

/// Unassigned-alert delays offered in the routing settings (0 = off); Custom… takes any other.
pub const ALERT_CHOICES: [u16; 5] = [0, 15, 30, 60, 120];

/// Intake waits offered as buttons (minutes); Custom… takes any other.
pub const INTAKE_TIMEOUT_CHOICES: [u16; 4] = [2, 5, 10, 30];

/// Skills one agent may have: plenty for routing, and a bound on what one message can store.
const MAX_SKILLS: usize = 20;

/// Categories and keyword rules of one workspace, together: every new ticket's title is matched
/// against the rules, and categories become buttons, so both stay bounded.
const MAX_INTAKE_RULES: usize = 50;

/// A change on the Routing screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutingChange {
    Show,
    Strategy(Strategy),
    Paused(bool),
    Fallback(bool),
    AlertMinutes(u16),
    /// The unassigned alert's Custom… value, as typed.
    AlertTyped(String),
    Group(i64, Option<Strategy>),
}

/// `/settings` → Routing: strategy, pause, skill fallback, unassigned alert, group overrides.
pub async fn routing_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: RoutingChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    let (action, old, new): (&'static str, String, String) = match change {
        RoutingChange::Show => ("", String::new(), String::new()),
        RoutingChange::Strategy(s) => {
            store::routing::set_strategy(&w.tx, ws.id, s.as_str()).await?;
            (
                "settings.routing_strategy",
                ws.routing_strategy.clone(),
                s.as_str().to_owned(),
            )
        }
        RoutingChange::Paused(p) => {
            store::routing::set_paused(&w.tx, ws.id, p).await?;
            (
                "settings.routing_paused",
                ws.routing_paused.to_string(),
                p.to_string(),
            )
        }
        RoutingChange::Fallback(f) => {
            store::routing::set_fallback(&w.tx, ws.id, f).await?;
            (
                "settings.skill_fallback",
                ws.skill_fallback.to_string(),
                f.to_string(),
            )
        }
        RoutingChange::AlertMinutes(_) | RoutingChange::AlertTyped(_) => {
            // A button is one of the quick choices, or 0 for off; a forged one out of range is
            // refused like a typed one.
            let minutes = match change {
                RoutingChange::AlertMinutes(0) => Ok(0),
                RoutingChange::AlertMinutes(m) => duration::minutes_setting(&m.to_string()),
                RoutingChange::AlertTyped(text) => duration::minutes_setting(&text),
                _ => Ok(0),
            };
            let minutes = match minutes {
                Ok(m) => m,
                Err(problem) => return refuse_input(w, caller, problem).await,
            };
            let minutes = i32::try_from(minutes).unwrap_or(0);
            store::routing::set_alert_minutes(&w.tx, ws.id, minutes).await?;
            (
                "settings.unassigned_alert_minutes",
                ws.unassigned_alert_minutes.to_string(),
                minutes.to_string(),
            )
        }
        RoutingChange::Group(chat, s) => {
            let Some(g) = store::groups::get(&w.tx, chat)
                .await?
                .filter(|g| g.workspace_id == ws.id)
            else {
                w.reply(caller, Notice::ButtonExpired).await?;
                w.commit().await?;
                return Ok(true);
            };
            store::routing::set_group_strategy(&w.tx, chat, s.map(Strategy::as_str)).await?;
            (
                "settings.group_routing_strategy",
                format!(
                    "{}={}",
                    g.title,
                    g.routing_strategy.as_deref().unwrap_or("inherit")
                ),
                format!("{}={}", g.title, s.map_or("inherit", Strategy::as_str)),
            )
        }
    };
    if !action.is_empty() && old != new {
        w.audit(member_entry(ws.id, me, action, Some(old), Some(new)))
            .await?;
        w.reroute(ws.id);
    }
    let ws = store::workspaces::get(&w.tx, ws.id).await?.unwrap_or(ws);
    let groups = store::routing::groups_of(&w.tx, ws.id)
        .await?
        .into_iter()
        .map(|g| (g.chat_id, g.title, g.routing_strategy))
        .collect();
    let view = RoutingView {
        strategy: ws.routing_strategy.clone(),
        paused: ws.routing_paused,
        fallback: ws.skill_fallback,
        alert_minutes: ws.unassigned_alert_minutes,
        groups,
    };
    w.show(caller, screen, Notice::RoutingSettings { view })
        .await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Agents & skills screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AgentChange {
    List,
    Show(i64),
    Capacity(i64, u16),
    Skills(i64, String),
}

/// `/settings` → Agents & skills: each agent's skills and capacity.
pub async fn agents_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: AgentChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    let target = match &change {
        AgentChange::List => None,
        AgentChange::Show(u) | AgentChange::Capacity(u, _) | AgentChange::Skills(u, _) => Some(*u),
    };
    let member = match target {
        Some(u) => match store::team::member(&w.tx, ws.id, u).await? {
            Some(m) => Some(m),
            None => {
                w.reply(caller, Notice::ButtonExpired).await?;
                w.commit().await?;
                return Ok(true);
            }
        },
        None => None,
    };
    match (&change, &member) {
        (AgentChange::Capacity(u, max), Some(m)) => {
            // The offered choices; a forged button gets the nearest sensible value.
            let max = i32::from((*max).clamp(1, MAX_CAPACITY));
            if m.max_open != max {
                store::routing::set_max_open(&w.tx, ws.id, *u, max).await?;
                let mut e = member_entry(
                    ws.id,
                    me,
                    "member.max_open",
                    Some(m.max_open.to_string()),
                    Some(max.to_string()),
                );
                e.note = Some(format!("user {u}"));
                w.audit(e).await?;
                w.reroute(ws.id);
            }
        }
        (AgentChange::Skills(u, text), Some(m)) => {
            let skills = parse_skills(text);
            if skills.len() > MAX_SKILLS {
                let problem = Invalid::TooManySkills {
                    count: skills.len(),
                    max: MAX_SKILLS,
                };
                return refuse_input(w, caller, problem).await;
            }
            let skills = skills.join(",");
            if m.skills != skills {
                store::routing::set_skills(&w.tx, ws.id, *u, &skills).await?;
                let mut e = member_entry(
                    ws.id,
                    me,
                    "member.skills",
                    Some(m.skills.clone()),
                    Some(skills),
                );
                e.note = Some(format!("user {u}"));
                w.audit(e).await?;
                w.reroute(ws.id);
            }
        }
        _ => {}
    }
    let agents: Vec<AgentLoad> = team(&w.tx, &ws, w.now)
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let notice = match target.and_then(|u| agents.iter().find(|a| a.user_id == u)) {
        Some(agent) => Notice::AgentSettings {
            agent: agent.clone(),
        },
        None => Notice::AgentsSettings { agents },
    };
    // A typed answer (skills) gets a new screen; a button edits the one it was on.
    w.show(caller, screen, notice).await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Intake screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeChange {
    Show,
    AddCategory(String),
    DeleteCategory(i64),
    AddKeyword(String),
    DeleteKeyword(i64),
    /// How long routing waits for the customer's pick: a quick button, or typed.
    Timeout(u16),
    TimeoutTyped(String),
}

/// Reads a typed category, `<name>; <skill>; <priority>`.
pub(crate) fn parse_category(text: &str) -> Result<(String, Option<String>, Priority), Invalid> {
    let parts: Vec<&str> = text.split(';').map(str::trim).collect();
    let name: String = parts
        .first()
        .copied()
        .unwrap_or_default()
        .chars()
        .take(40)
        .collect();
    if name.is_empty() || parts.len() > 3 {
        return Err(Invalid::Category);
    }
    let skill = parts
        .get(1)
        .map(|s| parse_skills(s))
        .and_then(|s| s.into_iter().next());
    let priority = match parts.get(2).filter(|p| !p.is_empty()) {
        Some(p) => p
            .parse::<Priority>()
            .map_err(|_| Invalid::CategoryPriority {
                typed: (*p).to_owned(),
            })?,
        None => Priority::default(),
    };
    Ok((name, skill, priority))
}

/// Reads a typed keyword rule, `<keyword> = <skill>`.
pub(crate) fn parse_keyword(text: &str) -> Result<(String, String), Invalid> {
    let Some((k, s)) = text.split_once('=') else {
        return Err(Invalid::Keyword);
    };
    let keyword: String = k.trim().to_lowercase().chars().take(40).collect();
    let skill = parse_skills(s).into_iter().next();
    match (keyword.is_empty(), skill) {
        (false, Some(skill)) => Ok((keyword, skill)),
        _ => Err(Invalid::Keyword),
    }
}

/// `/settings` → Intake categories: categories (skill, default priority) and keyword rules.
pub async fn intake_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: IntakeChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    match change.clone() {
        IntakeChange::Show => {}
        IntakeChange::AddCategory(_) | IntakeChange::AddKeyword(_)
            if store::routing::categories(&w.tx, ws.id).await?.len()
                + store::routing::keyword_rules(&w.tx, ws.id).await?.len()
                >= MAX_INTAKE_RULES =>
        {
            let problem = Invalid::TooManyIntakeRules {
                max: MAX_INTAKE_RULES,
            };
            return refuse_input(w, caller, problem).await;
        }
        IntakeChange::Timeout(_) | IntakeChange::TimeoutTyped(_) => {
            let minutes = match &change {
                IntakeChange::Timeout(m) => duration::minutes_setting(&m.to_string()),
                IntakeChange::TimeoutTyped(text) => duration::minutes_setting(text),
                _ => Ok(0),
            };
            let minutes = match minutes {
                Ok(m) => i32::try_from(m).unwrap_or(i32::MAX),
                Err(problem) => return refuse_input(w, caller, problem).await,
            };
            if minutes != ws.intake_timeout_minutes {
                store::routing::set_intake_timeout(&w.tx, ws.id, minutes).await?;
                w.audit(member_entry(
                    ws.id,
                    me,
                    "settings.intake_timeout_minutes",
                    Some(ws.intake_timeout_minutes.to_string()),
                    Some(minutes.to_string()),
                ))
                .await?;
            }
        }
        IntakeChange::AddCategory(text) => match parse_category(&text) {
            Ok((name, skill, priority)) => {
                store::routing::add_category(
                    &w.tx,
                    ws.id,
                    &name,
                    skill.as_deref(),
                    priority,
                    w.now,
                )
                .await?;
                let desc = format!(
                    "{name}; {}; {}",
                    skill.as_deref().unwrap_or("-"),
                    priority.as_str()
                );
                w.audit(member_entry(
                    ws.id,
                    me,
                    "settings.category_added",
                    None,
                    Some(desc),
                ))
                .await?;
            }
            Err(problem) => return refuse_input(w, caller, problem).await,
        },
        IntakeChange::DeleteCategory(id) => {
            let old = store::routing::category(&w.tx, id).await?;
            if store::routing::delete_category(&w.tx, ws.id, id).await? {
                w.audit(member_entry(
                    ws.id,
                    me,
                    "settings.category_removed",
                    old.map(|c| c.name),
                    None,
                ))
                .await?;
            }
        }
        IntakeChange::AddKeyword(text) => match parse_keyword(&text) {
            Ok((keyword, skill)) => {
                store::routing::add_keyword_rule(&w.tx, ws.id, &keyword, &skill, w.now).await?;
                w.audit(member_entry(
                    ws.id,
                    me,
                    "settings.keyword_rule_added",
                    None,
                    Some(format!("{keyword} = {skill}")),
                ))
                .await?;
            }
            Err(problem) => return refuse_input(w, caller, problem).await,
        },
        IntakeChange::DeleteKeyword(id) => {
            let old = store::routing::keyword_rules(&w.tx, ws.id)
                .await?
                .into_iter()
                .find(|r| r.id == id);
            if store::routing::delete_keyword_rule(&w.tx, ws.id, id).await? {
                w.audit(member_entry(
                    ws.id,
                    me,
                    "settings.keyword_rule_removed",
                    old.map(|r| format!("{} = {}", r.keyword, r.skill)),
                    None,
                ))
                .await?;
            }
        }
    }
    let categories = store::routing::categories(&w.tx, ws.id)
        .await?
        .into_iter()
        .map(|c| CategoryRow {
            id: c.id,
            name: c.name,
            skill: c.skill,
            priority: Priority::from(c.priority).as_str().to_owned(),
        })
        .collect();
    let keywords = store::routing::keyword_rules(&w.tx, ws.id)
        .await?
        .into_iter()
        .map(|r| KeywordRow {
            id: r.id,
            keyword: r.keyword,
            skill: r.skill,
        })
        .collect();
    let ws = store::workspaces::get(&w.tx, ws.id).await?.unwrap_or(ws);
    w.show(
        caller,
        screen,
        Notice::IntakeSettings {
            categories,
            keywords,
            timeout_minutes: ws.intake_timeout_minutes,
        },
    )
    .await?;
    w.commit().await?;
    Ok(true)
}

/// Asks an Admin for a free-text settings value — skills, categories, keyword rules, SLA targets,
/// calendar values, escalation rules (the handler remembers what the next message answers).
/// Returns whether the prompt was sent (false: the caller may not configure the workspace).
pub async fn ask(ctx: &Ctx, origin: Origin, caller: &Caller, what: PromptKind) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(false);
    };
    let what = match what {
        PromptKind::Skills { user, .. } => {
            let Some(m) = store::team::member(&w.tx, ws.id, user).await? else {
                w.reply(caller, Notice::ButtonExpired).await?;
                w.commit().await?;
                return Ok(false);
            };
            let name = display_name(store::users::get(&w.tx, user).await?.as_ref(), user);
            PromptKind::Skills {
                user,
                name,
                current: m.skills,
            }
        }
        other => other,
    };
    w.effect(crate::app::effects::Effect::SendPrivate {
        user: caller.profile.id,
        notice: Notice::Prompt { what },
        fallback: None,
    })
    .await?;
    w.reply(caller, Notice::Ok).await?;
    w.commit().await?;
    Ok(true)
}
