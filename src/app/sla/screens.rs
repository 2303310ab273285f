//! The Admin's SLA settings screens: policies per priority, business hours and holidays,
//! escalation rules; and the typed values they ask for.

use super::policy::{rules_of, MAX_ESCALATION_RULES, MAX_HOLIDAYS};
use crate::app::effects::{EscalationRow, HolidayRow, Invalid, Notice, PolicyRow};
use crate::app::work::access::{begin_for, member_entry};
use crate::app::work::{refuse_input, AppResult, Caller, Ctx, Origin};
use crate::domain::escalation::{self};
use crate::domain::permissions::Perm;
use crate::domain::sla::{self as cal};
use crate::domain::ticket::Priority;
use crate::store::{self, sla::Targets};

/// A change on the SLA policies screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlaChange {
    Show,
    /// The typed `<first response min> <resolution min> [24/7|business] [warn%]`.
    Set(Priority, String),
    Clear(Priority),
}

/// Reads `<first response min> <resolution min> [24/7|business] [warn%]`.
pub(crate) fn parse_targets(text: &str) -> Result<Targets, Invalid> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let minutes = |s: Option<&&str>| {
        s.and_then(|s| s.parse::<i32>().ok())
            .filter(|m| (1..=525_600).contains(m))
    };
    let (Some(first), Some(resolution)) = (minutes(parts.first()), minutes(parts.get(1))) else {
        return Err(Invalid::Targets);
    };
    let mut business_hours = false;
    let mut warn_percent = 80;
    for p in parts.iter().skip(2) {
        match p.to_lowercase().trim_end_matches('%') {
            "24/7" | "247" | "always" => business_hours = false,
            "business" | "bh" | "business_hours" => business_hours = true,
            n => match n.parse::<i32>() {
                Ok(n) if (1..=99).contains(&n) => warn_percent = n,
                _ => return Err(Invalid::Targets),
            },
        }
    }
    Ok(Targets {
        first_response_minutes: first,
        resolution_minutes: resolution,
        business_hours,
        warn_percent,
    })
}

fn describe_targets(t: &Targets) -> String {
    format!(
        "{} {} {} {}%",
        t.first_response_minutes,
        t.resolution_minutes,
        if t.business_hours { "business" } else { "24/7" },
        t.warn_percent
    )
}

/// `/settings` → SLA policies.
pub async fn sla_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: SlaChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    match change {
        SlaChange::Show => {}
        SlaChange::Set(p, text) => match parse_targets(&text) {
            Ok(targets) => {
                let old = store::sla::policy(&w.tx, ws.id, p).await?.map(|o| {
                    describe_targets(&Targets {
                        first_response_minutes: o.first_response_minutes,
                        resolution_minutes: o.resolution_minutes,
                        business_hours: o.business_hours,
                        warn_percent: o.warn_percent,
                    })
                });
                store::sla::set_policy(&w.tx, ws.id, p, targets, w.now).await?;
                let mut e = member_entry(
                    ws.id,
                    me,
                    "settings.sla_policy",
                    old,
                    Some(describe_targets(&targets)),
                );
                e.note = Some(p.as_str().to_owned());
                w.audit(e).await?;
            }
            Err(problem) => return refuse_input(w, caller, problem).await,
        },
        SlaChange::Clear(p) => {
            if store::sla::clear_policy(&w.tx, ws.id, p.as_str()).await? {
                let mut e = member_entry(ws.id, me, "settings.sla_policy", None, None);
                e.note = Some(format!("{} removed", p.as_str()));
                w.audit(e).await?;
            }
        }
    }
    let policies = store::sla::policies(&w.tx, ws.id).await?;
    let rows = Priority::ALL
        .iter()
        .rev()
        .map(|p| PolicyRow {
            priority: p.as_str().to_owned(),
            targets: policies
                .iter()
                .find(|x| Priority::from(x.priority) == *p)
                .map(|x| {
                    (
                        x.first_response_minutes,
                        x.resolution_minutes,
                        x.business_hours,
                        x.warn_percent,
                    )
                }),
        })
        .collect();
    w.show(caller, screen, Notice::SlaSettings { rows }).await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Business hours screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursChange {
    Show,
    TimeZone(String),
    Week(String),
    AddHoliday(String),
    DeleteHoliday(i64),
}

/// `/settings` → Business hours: time zone, weekly schedule, holidays.
pub async fn hours_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: HoursChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    use store::sla::CalendarField as F;
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let mut holidays: Vec<String> = ws
        .holidays
        .split(',')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(str::to_owned)
        .collect();
    let update: Result<Option<(F, &'static str, String, String)>, Invalid> = match change {
        HoursChange::Show => Ok(None),
        HoursChange::TimeZone(text) => cal::parse_tz(text.trim()).map_err(Into::into).map(|tz| {
            Some((
                F::TimeZone,
                "settings.time_zone",
                ws.time_zone.clone(),
                tz.name().to_owned(),
            ))
        }),
        HoursChange::Week(text) => cal::read_week(&text).map_err(Into::into).map(|week| {
            Some((
                F::Week,
                "settings.business_week",
                ws.business_week.clone(),
                cal::format_week(&week),
            ))
        }),
        HoursChange::AddHoliday(_) if holidays.len() >= MAX_HOLIDAYS => {
            Err(Invalid::TooManyHolidays { max: MAX_HOLIDAYS })
        }
        HoursChange::AddHoliday(text) => {
            cal::parse_date(text.trim()).map_err(Into::into).map(|d| {
                let d = d.format("%Y-%m-%d").to_string();
                if !holidays.contains(&d) {
                    holidays.push(d);
                }
                holidays.sort();
                Some((
                    F::Holidays,
                    "settings.holidays",
                    ws.holidays.clone(),
                    holidays.join(","),
                ))
            })
        }
        HoursChange::DeleteHoliday(ymd) => {
            let d = format!(
                "{:04}-{:02}-{:02}",
                ymd / 10_000,
                ymd / 100 % 100,
                ymd % 100
            );
            holidays.retain(|h| *h != d);
            Ok(Some((
                F::Holidays,
                "settings.holidays",
                ws.holidays.clone(),
                holidays.join(","),
            )))
        }
    };
    match update {
        Ok(Some((field, action, old, new))) if old != new => {
            store::sla::set_calendar(&w.tx, ws.id, field, &new).await?;
            w.audit(member_entry(
                ws.id,
                caller.profile.id,
                action,
                Some(old),
                Some(new),
            ))
            .await?;
        }
        Ok(_) => {}
        Err(problem) => return refuse_input(w, caller, problem).await,
    }
    let ws = store::workspaces::get(&w.tx, ws.id).await?.unwrap_or(ws);
    let holidays = ws
        .holidays
        .split(',')
        .filter_map(|d| cal::parse_date(d.trim()).ok())
        .map(|d| HolidayRow {
            label: d.format("%Y-%m-%d").to_string(),
            ymd: d.format("%Y%m%d").to_string().parse().unwrap_or(0),
        })
        .collect();
    w.show(
        caller,
        screen,
        Notice::HoursSettings {
            time_zone: ws.time_zone.clone(),
            week: ws.business_week.clone(),
            holidays,
        },
    )
    .await?;
    w.commit().await?;
    Ok(true)
}

/// A change on the Escalation screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EscalationChange {
    Show,
    Add(String),
    Delete(i64),
}

/// `/settings` → Escalation: the rules, added as one line of text each.
pub async fn escalation_screen(
    ctx: &Ctx,
    origin: Origin,
    caller: &Caller,
    change: EscalationChange,
    screen: Option<(i64, i32)>,
) -> AppResult<bool> {
    let Some((mut w, ws)) = begin_for(ctx, origin, caller, Perm::ConfigureWorkspace).await? else {
        return Ok(true);
    };
    let me = caller.profile.id;
    match change {
        EscalationChange::Show => {}
        EscalationChange::Add(_)
            if store::sla::rules(&w.tx, ws.id).await?.len() >= MAX_ESCALATION_RULES =>
        {
            let problem = Invalid::TooManyRules {
                max: MAX_ESCALATION_RULES,
            };
            return refuse_input(w, caller, problem).await;
        }
        EscalationChange::Add(text) => match escalation::parse_rule(&text) {
            Ok(rule) => {
                store::sla::add_rule(
                    &w.tx,
                    ws.id,
                    rule.trigger.parts(),
                    rule.action.parts(),
                    w.now,
                )
                .await?;
                w.audit(member_entry(
                    ws.id,
                    me,
                    "settings.escalation_rule_added",
                    None,
                    Some(rule.to_string()),
                ))
                .await?;
            }
            Err(problem) => return refuse_input(w, caller, problem).await,
        },
        EscalationChange::Delete(id) => {
            if let Some(old) = store::sla::delete_rule(&w.tx, ws.id, id).await? {
                let text = escalation::from_parts(
                    &old.trigger,
                    old.trigger_arg.as_deref(),
                    &old.action,
                    old.action_arg.as_deref(),
                )
                .map_or_else(|| old.trigger.clone(), |r| r.to_string());
                w.audit(member_entry(
                    ws.id,
                    me,
                    "settings.escalation_rule_removed",
                    Some(text),
                    None,
                ))
                .await?;
            }
        }
    }
    let rules = rules_of(&w, ws.id)
        .await?
        .into_iter()
        .map(|(id, r)| EscalationRow {
            id,
            text: r.to_string(),
        })
        .collect();
    w.show(caller, screen, Notice::EscalationSettings { rules })
        .await?;
    w.commit().await?;
    Ok(true)
}
